//! The rows about the work on a plan: progress reports (checked by the
//! same rules as the form), supervisions and their recommendations.

use treem_domain::plan::filing::{RawProgress, check};
use treem_domain::plan::progress::Window;
use treem_domain::plan::supervision::{
    RawRecommendation, RawSupervision, check_recommendation, check_supervision,
};
use treem_store::{ProgressWrite, RecommendationWrite, SupervisionWrite};

use super::cells::{PlanCells, domain_error};
use super::check::{Checker, Errors, Place, agency_codes, code, plan_key};
use super::state::{RecommendationNow, ReportNow, SupervisionNow};
use crate::context::Ctx;
use crate::job::ImportError;
use crate::records::FieldError;

type Outcome = Result<Result<bool, Vec<FieldError>>, ImportError>;

/// The message of a row whose plan is neither stored nor in the data set.
fn no_plan(cells: &PlanCells) -> FieldError {
    cells.error(
        "plan",
        "đơn vị không có kế hoạch mang tên này (trong hệ thống hay tệp plan_tasks)",
        "the unit has no plan of this title (stored or in the plan_tasks file)",
    )
}

/// A canonical date as the domain's checks read it (dd/mm/yyyy); a cell
/// that is no date is passed on for them to refuse.
fn vn_date(v: &str) -> String {
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map_or_else(|_| v.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

impl Checker<'_> {
    pub(super) async fn progress(
        &mut self,
        ctx: &Ctx<'_>,
        cells: &PlanCells,
        place: &Place,
    ) -> Outcome {
        let key = match plan_key(cells, place) {
            Ok(k) => k,
            Err(e) => return Ok(Err(vec![e])),
        };
        let agencies = agency_codes(&mut self.state, place.unit).await?;
        let today = self.today;
        let Some(plan) = self.state.plan(&key).await? else {
            return Ok(Err(vec![no_plan(cells)]));
        };
        let mut errors = Errors::default();
        let task = cells.get("task_code").to_string();
        if !plan.tasks.contains_key(&task) {
            errors.push(cells.error(
                "task_code",
                "kế hoạch không có nhiệm vụ mang mã này",
                "the plan has no task of this code",
            ));
        }
        let agency = cells.get("agency").to_string();
        if !agency.is_empty() && !agencies.contains(&agency) {
            errors.push(cells.error(
                "agency",
                "không phải cơ quan của đơn vị",
                "is no agency of the unit",
            ));
        }
        if let Some(own) = &ctx.opts.agency
            && *own != agency
        {
            errors.push(domain_error(cells, "agency", "plan.err_agency_not_yours"));
        }
        let window = Window::new(
            (
                i32::try_from(plan.doc.period.0).unwrap_or(0),
                i32::try_from(plan.doc.period.1).unwrap_or(0),
            ),
            place.valid.0,
            place.valid.1,
        );
        let raw = RawProgress {
            period: cells.get("period").to_string(),
            agency: agency.clone(),
            status: cells.get("status").to_string(),
            summary: cells.get("summary").to_string(),
            sessions: cells.get("sessions").to_string(),
            people_reached: cells.get("people_reached").to_string(),
            budget_spent: cells.get("budget_spent").to_string(),
            problems: cells.get("problems").to_string(),
            proposals: cells.get("proposals").to_string(),
        };
        let checked = match check(&raw, window, today) {
            Ok(p) => Some(p),
            Err(problems) => {
                for p in problems {
                    errors.push(domain_error(cells, p.field, p.key));
                }
                None
            }
        };
        let Some(p) = checked.filter(|_| errors.0.is_empty()) else {
            return Ok(errors.done(false));
        };
        let report = ReportNow {
            status: p.status.code().to_string(),
            summary: p.summary,
            sessions: p.sessions,
            people_reached: p.people_reached,
            budget_spent: p.budget_spent,
            problems: p.problems,
            proposals: p.proposals,
        };
        let k = (task.clone(), agency.clone(), p.period.code());
        if plan.reports.get(&k) == Some(&report) {
            return Ok(Ok(false));
        }
        if place.live {
            plan.reports.insert(k.clone(), report.clone());
            self.writes.progress.push(ProgressWrite {
                plan: key,
                task_code: task,
                agency_code: agency,
                period: k.2,
                status: report.status,
                summary: report.summary,
                sessions: report.sessions,
                people_reached: report.people_reached,
                budget_spent: report.budget_spent,
                problems: report.problems,
                proposals: report.proposals,
            });
        }
        Ok(Ok(true))
    }

    pub(super) async fn supervision(&mut self, cells: &PlanCells, place: &Place) -> Outcome {
        let key = match plan_key(cells, place) {
            Ok(k) => k,
            Err(e) => return Ok(Err(vec![e])),
        };
        let today = self.today;
        let Some(plan) = self.state.plan(&key).await? else {
            return Ok(Err(vec![no_plan(cells)]));
        };
        let mut errors = Errors::default();
        let id = errors.take(code(cells, "supervision_id"));
        let raw = RawSupervision {
            kind: cells.get("kind").to_string(),
            body: cells.get("body").to_string(),
            held_on: vn_date(cells.get("held_on")),
            visited: cells.get("visited").to_string(),
            findings: cells.get("findings").to_string(),
        };
        let checked = match check_supervision(&raw, today) {
            Ok(s) => Some(s),
            Err(problems) => {
                for p in problems {
                    errors.push(domain_error(cells, p.field, p.key));
                }
                None
            }
        };
        let (Some(id), Some(s)) = (id, checked) else {
            return Ok(errors.done(false));
        };
        let now = SupervisionNow {
            kind: s.kind.code().to_string(),
            body: s.body,
            held_on: s.held_on,
            visited: s.visited,
            findings: s.findings,
        };
        if plan.supervisions.get(&id) == Some(&now) {
            return Ok(Ok(false));
        }
        if place.live {
            plan.supervisions.insert(id.clone(), now.clone());
            self.writes.supervisions.push(SupervisionWrite {
                plan: key,
                code: id,
                kind: now.kind,
                body: now.body,
                held_on: now.held_on,
                visited: now.visited,
                findings: now.findings,
            });
        }
        Ok(Ok(true))
    }

    pub(super) async fn recommendation(&mut self, cells: &PlanCells, place: &Place) -> Outcome {
        let key = match plan_key(cells, place) {
            Ok(k) => k,
            Err(e) => return Ok(Err(vec![e])),
        };
        let agencies = agency_codes(&mut self.state, place.unit).await?;
        let today = self.today;
        let Some(plan) = self.state.plan(&key).await? else {
            return Ok(Err(vec![no_plan(cells)]));
        };
        let mut errors = Errors::default();
        let sup = cells.get("supervision_id").to_string();
        let held_on = plan.supervisions.get(&sup).map(|s| s.held_on);
        if held_on.is_none() {
            errors.push(cells.error(
                "supervision_id",
                "kế hoạch không có đợt giám sát mang mã này (trong hệ thống hay tệp supervisions)",
                "the plan has no supervision of this code (stored or in the supervisions file)",
            ));
        }
        let no = errors.take(cells.whole("no", (1, 999)));
        if matches!(no, Some(None)) {
            errors.push(cells.error("no", "bắt buộc, đang để trống", "is required but empty"));
        }
        let closed_on = errors.take(cells.date("closed_on")).flatten();
        let note = cells.get("closed_note").to_string();
        if closed_on.is_some_and(|d| d > today) {
            errors.push(cells.error("closed_on", "ngày ở tương lai", "the date is in the future"));
        }
        if let (Some(c), Some(h)) = (closed_on, held_on)
            && c < h
        {
            errors.push(cells.error(
                "closed_on",
                "trước ngày giám sát",
                "before the supervision was held",
            ));
        }
        if closed_on.is_some() == note.is_empty() {
            let column = if closed_on.is_some() {
                "closed_note"
            } else {
                "closed_on"
            };
            errors.push(cells.error(
                column,
                "kiến nghị đã thực hiện cần cả ngày hoàn thành và kết quả thực hiện",
                "a recommendation carried out needs both the day and what was done",
            ));
        }
        if note.chars().count() > treem_domain::plan::filing::TEXT_MAX {
            errors.push(cells.error("closed_note", "quá dài", "too long"));
        }
        let raw = RawRecommendation {
            text: cells.get("text").to_string(),
            owner: cells.get("owner").to_string(),
            due: vn_date(cells.get("due")),
        };
        let checked = match held_on.map(|h| check_recommendation(&raw, h)) {
            Some(Ok(r)) => Some(r),
            Some(Err(problems)) => {
                for p in problems {
                    errors.push(domain_error(cells, p.field, p.key));
                }
                None
            }
            None => None,
        };
        let owner = cells.get("owner").to_string();
        if !owner.is_empty() && !agencies.contains(&owner) {
            errors.push(cells.error(
                "owner",
                "không phải cơ quan của đơn vị",
                "is no agency of the unit",
            ));
        }
        let (Some((text, owner, due)), Some(Some(no))) = (checked, no) else {
            return Ok(errors.done(false));
        };
        if !errors.0.is_empty() {
            return Ok(errors.done(false));
        }
        let now = RecommendationNow {
            text,
            owner,
            due,
            closed: closed_on.map(|d| (d, note)),
        };
        let k = (sup.clone(), no);
        match plan.recommendations.get(&k) {
            Some(stored) if *stored == now => return Ok(Ok(false)),
            Some(RecommendationNow {
                closed: Some((on, _)),
                ..
            }) => {
                return Ok(Err(vec![cells.error(
                    "no",
                    format!(
                        "kiến nghị này đã hoàn thành ngày {}: không sửa được",
                        on.format("%d/%m/%Y")
                    ),
                    format!("this recommendation was carried out on {on}: it cannot change"),
                )]));
            }
            _ => {}
        }
        if place.live {
            plan.recommendations.insert(k, now.clone());
            self.writes.recommendations.push(RecommendationWrite {
                plan: key,
                supervision_code: sup,
                seq: no,
                text: now.text,
                owner: now.owner,
                due: now.due,
                closed: now.closed,
            });
        }
        Ok(Ok(true))
    }
}
