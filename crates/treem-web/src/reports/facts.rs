//! What the records say for each written section of the periodic report
//! (issue 19), as lines an officer turns into sentences: the plans'
//! progress reports per task group (I, II), the protection cases and the
//! children in special circumstances (IV, `protection.rs`), supervisions
//! and recommendations (V), indicators not met, tasks without a report,
//! problems (VI), what is left to do (VII) and the agencies' proposals
//! (VIII); and the legal basis from the unit's plan. Everything is of the
//! report's unit and period, whoever asks; counts and the plans' own words
//! only — never a child's name or a case's contents.

use std::collections::{BTreeMap, HashMap};

use treem_domain::i18n::Lang;
use treem_domain::indicators::{Period, name_vi_on, shown};
use treem_domain::plan::GROUPS;
use treem_domain::plan::document::{basis_lines, document_name};
use treem_domain::plan::progress::ProgressStatus;
use treem_domain::plan::supervision::Body;
use treem_domain::units::Unit;
use treem_store::{PlanRow, ProgressRow, Store, TaskRow};

use super::protection;
use crate::indicators::figures::Report;
use crate::indicators::programme::period_code;
use crate::{AppError, UnitIndex};

/// The records' lines for the report of one unit and period.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts {
    /// The legal basis: what the unit's plan carries out, then the plan.
    pub basis: Vec<String>,
    /// (section key, lines joined by `\n`) of the written sections.
    pub sections: Vec<(&'static str, String)>,
}

impl Facts {
    /// The records' text of a section (empty when they say nothing).
    pub fn of(&self, key: &str) -> &str {
        self.sections
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// One plan of the unit with its tasks and the reports in force for the
/// period.
struct PlanFacts {
    plan: PlanRow,
    own: bool,
    tasks: Vec<TaskRow>,
    /// The latest report per (task, agency) for the period.
    reports: Vec<ProgressRow>,
    agencies: HashMap<String, String>,
}

/// Gathers the facts of `unit` for `period`; `report` holds the period's
/// figures (already computed by the caller).
pub async fn gather(
    store: &dyn Store,
    index: &UnitIndex,
    unit: &Unit,
    period: Period,
    report: &Report,
) -> Result<Facts, AppError> {
    let history = &index.history;
    // The same unit in the index's own history (ids are found by identity).
    let unit = history
        .all()
        .iter()
        .find(|u| u.code == unit.code && u.valid_from == unit.valid_from)
        .unwrap_or(unit);
    let own_id = index.id_of(unit);
    let code = period_code(period);
    let mut plans = Vec::new();
    for p in store.plans().await? {
        let covers =
            p.period_from <= i64::from(period.year) && i64::from(period.year) <= p.period_to;
        // A plan of a unit under the report's that existed during the
        // period (a retired district's plan takes no reports after it).
        let inside = index.by_id(p.unit_id).is_some_and(|u| {
            history.is_within(u, unit)
                && u.valid_to.is_none_or(|t| t >= period.start())
                && u.valid_from.is_none_or(|f| f <= period.reference_date())
        });
        if !covers || !inside {
            continue;
        }
        let tasks = store.plan_tasks(p.id).await?;
        let mut latest: BTreeMap<(i64, i64), ProgressRow> = BTreeMap::new();
        for r in store.plan_reports(p.id).await? {
            if r.period == code
                && latest
                    .get(&(r.task_id, r.agency_id))
                    .is_none_or(|l| l.id < r.id)
            {
                latest.insert((r.task_id, r.agency_id), r);
            }
        }
        let agencies = store
            .agencies(p.unit_id)
            .await?
            .into_iter()
            .map(|a| (a.code, a.name))
            .collect();
        plans.push(PlanFacts {
            own: Some(p.unit_id) == own_id,
            plan: p,
            tasks,
            reports: latest.into_values().collect(),
            agencies,
        });
    }
    // The unit's own plan first; the latest of its own if several.
    plans.sort_by_key(|p| (!p.own, std::cmp::Reverse(p.plan.id)));
    let basis = plans
        .iter()
        .find(|p| p.own)
        .map(|p| {
            let mut lines: Vec<String> = basis_lines(&p.plan.basis)
                .into_iter()
                .map(String::from)
                .collect();
            lines.push(document_name(
                &p.plan.title,
                p.plan.number.as_deref(),
                p.plan.issued_on,
                &p.plan.issued_by,
            ));
            lines
        })
        .unwrap_or_default();
    let not_met = not_met(report, unit, period);
    let protection = protection::lines(store, index, unit, period).await?;
    let supervision = supervision(store, &plans, period).await?;
    let mut shortcomings = Vec::new();
    if !not_met.is_empty() {
        shortcomings.push("Các chỉ tiêu chưa đạt mục tiêu:".to_string());
        shortcomings.extend(not_met.iter().map(|l| format!("- {l}.")));
    }
    let unreported: usize = plans.iter().map(|p| unreported(p).len()).sum();
    if unreported > 0 {
        shortcomings.push(format!(
            "- {unreported} nhiệm vụ của kế hoạch chưa có báo cáo kết quả trong kỳ."
        ));
    }
    shortcomings.extend(protection.late.clone());
    shortcomings.extend(supervision.late.clone());
    shortcomings.extend(said(&plans, |r| &r.problems));
    let mut directions = Vec::new();
    if !not_met.is_empty() {
        directions.push(format!(
            "- Tập trung thực hiện các chỉ tiêu chưa đạt mục tiêu: {}.",
            not_met
                .iter()
                .map(|l| l.split(':').next().unwrap_or(l).to_lowercase())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if let Some(p) = plans.iter().find(|p| p.own) {
        let open: Vec<&TaskRow> = p.tasks.iter().filter(|t| !done(p, t)).collect();
        if !open.is_empty() {
            directions.push(format!(
                "- Tiếp tục thực hiện {} nhiệm vụ chưa hoàn thành của kế hoạch, trong đó:",
                open.len()
            ));
            directions.extend(open.iter().take(12).map(|t| format!("  + {}", t.title)));
        }
    }
    if supervision.open > 0 {
        directions.push(format!(
            "- Thực hiện xong {} kiến nghị sau kiểm tra, giám sát còn đang thực hiện.",
            supervision.open
        ));
    }
    // What the records say, or that they hold nothing for the section
    // (a true sentence the officer may keep or rewrite).
    let or = |text: String, none: &str| {
        if text.trim().is_empty() {
            none.to_string()
        } else {
            text
        }
    };
    let no_plan = if plans.is_empty() {
        "Chưa có kế hoạch thực hiện cho kỳ báo cáo."
    } else {
        "Chưa có báo cáo kết quả thực hiện nhiệm vụ trong kỳ."
    };
    Ok(Facts {
        basis,
        sections: vec![
            ("leadership", or(groups(&plans, |g| g == 1), no_plan)),
            ("tasks", or(groups(&plans, |g| g != 1), no_plan)),
            ("protection", protection.text),
            (
                "supervision",
                or(
                    supervision.text,
                    "Trong kỳ chưa có cuộc kiểm tra, giám sát nào được ghi nhận.",
                ),
            ),
            (
                "shortcomings",
                or(
                    shortcomings.join("\n"),
                    "Các chỉ tiêu có số liệu đều đạt mục tiêu; các nhiệm vụ đều có báo cáo kết quả.",
                ),
            ),
            (
                "directions",
                or(
                    directions.join("\n"),
                    "Tiếp tục thực hiện các nhiệm vụ của kế hoạch, duy trì các chỉ tiêu đã đạt.",
                ),
            ),
            (
                "proposals",
                or(
                    said(&plans, |r| &r.proposals).join("\n"),
                    "Các cơ quan không có kiến nghị, đề xuất trong báo cáo kết quả kỳ này.",
                ),
            ),
        ],
    })
}

/// «name: value% (mục tiêu ≥ target%)» of each indicator the unit did not
/// meet.
fn not_met(report: &Report, unit: &Unit, period: Period) -> Vec<String> {
    let on = period.reference_date();
    let Some(u) = report.units.iter().find(|u| u.code == unit.code) else {
        return Vec::new();
    };
    u.indicators
        .iter()
        .filter(|(_, f)| f.status == "not_met")
        .map(|(key, f)| {
            let sign = if f.comparison == "<" { "<" } else { "≥" };
            format!(
                "{}: {}% (mục tiêu {sign} {}%)",
                name_vi_on(key, on),
                f.value.map(shown).unwrap_or_default(),
                f.target.map(shown).unwrap_or_default()
            )
        })
        .collect()
}

/// Whether the lead agency (or, with none, any agency) reported the task
/// done for the period.
fn done(p: &PlanFacts, t: &TaskRow) -> bool {
    p.reports.iter().any(|r| {
        r.task_id == t.id
            && r.status == ProgressStatus::Done.code()
            && t.lead.as_deref().is_none_or(|l| l == r.agency_code)
    })
}

fn unreported(p: &PlanFacts) -> Vec<&TaskRow> {
    p.tasks
        .iter()
        .filter(|t| !p.reports.iter().any(|r| r.task_id == t.id))
        .collect()
}

/// The task groups chosen by `which`: per group the tally of every plan of
/// the unit, then what each agency reported on the unit's own plan.
fn groups(plans: &[PlanFacts], which: impl Fn(i64) -> bool) -> String {
    let mut out = Vec::new();
    let mut part = 0;
    for (n, _, title) in GROUPS.iter().filter(|(n, ..)| which(i64::from(*n))) {
        let in_group = |p: &PlanFacts| -> Vec<TaskRow> {
            p.tasks
                .iter()
                .filter(|t| t.group_no == i64::from(*n))
                .cloned()
                .collect()
        };
        let mut tally = [0usize; 4];
        let mut details = Vec::new();
        for p in plans {
            for t in in_group(p) {
                let status = p
                    .reports
                    .iter()
                    .filter(|r| r.task_id == t.id)
                    .find(|r| t.lead.as_deref().is_none_or(|l| l == r.agency_code))
                    .map(|r| r.status.as_str());
                tally[match status {
                    Some("done") => 0,
                    Some("under_way") => 1,
                    Some(_) => 2,
                    None => 3,
                }] += 1;
                if !p.own {
                    continue;
                }
                for r in p.reports.iter().filter(|r| r.task_id == t.id) {
                    if r.summary.trim().is_empty() {
                        continue;
                    }
                    let agency = p.agencies.get(&r.agency_code).unwrap_or(&r.agency_code);
                    let mut figures = Vec::new();
                    if let Some(s) = r.sessions {
                        figures.push(format!("{s} buổi"));
                    }
                    if let Some(n) = r.people_reached {
                        figures.push(format!("{n} lượt người"));
                    }
                    let figures = if figures.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", figures.join(", "))
                    };
                    details.push(format!(
                        "- {}: {}{figures} ({agency}).",
                        t.title,
                        r.summary.trim().trim_end_matches('.')
                    ));
                }
            }
        }
        let total: usize = tally.iter().sum();
        if total == 0 {
            continue;
        }
        part += 1;
        out.push(format!("{part}. {title}"));
        out.push(format!(
            "{total} nhiệm vụ: {} hoàn thành, {} đang thực hiện, {} chưa triển khai, {} chưa có báo cáo.",
            tally[0], tally[1], tally[2], tally[3]
        ));
        out.extend(details);
    }
    out.join("\n")
}

/// What the agencies wrote in a field of their reports on the unit's own
/// plan (problems, proposals): «- agency: text», each text once.
fn said(plans: &[PlanFacts], field: impl Fn(&ProgressRow) -> &String) -> Vec<String> {
    let mut seen = Vec::new();
    for p in plans.iter().filter(|p| p.own) {
        for r in &p.reports {
            let text = field(r).trim();
            if text.is_empty() {
                continue;
            }
            let agency = p.agencies.get(&r.agency_code).unwrap_or(&r.agency_code);
            let line = format!("- {agency}: {}", text);
            if !seen.contains(&line) {
                seen.push(line);
            }
        }
    }
    seen
}

struct SupervisionFacts {
    text: String,
    /// Recommendations not carried out by the period's end.
    open: usize,
    /// Shortcoming lines: recommendations overdue at the period's end.
    late: Vec<String>,
}

/// The supervisions held in the period on the unit's plans, their
/// findings, and where their recommendations stand at the period's end.
async fn supervision(
    store: &dyn Store,
    plans: &[PlanFacts],
    period: Period,
) -> Result<SupervisionFacts, AppError> {
    let (from, to) = (period.start(), period.reference_date());
    let mut held = Vec::new();
    let mut recs = Vec::new();
    for p in plans {
        let all = store.supervisions(p.plan.id).await?;
        let held_on: HashMap<i64, chrono::NaiveDate> =
            all.iter().map(|s| (s.id, s.held_on)).collect();
        // The recommendations given by the period's end and not carried
        // out before it began.
        recs.extend(
            store
                .plan_recommendations(p.plan.id)
                .await?
                .into_iter()
                .filter(|r| held_on.get(&r.supervision_id).is_some_and(|h| *h <= to))
                .filter(|r| r.closed_on.is_none_or(|c| c >= from)),
        );
        held.extend(
            all.into_iter()
                .filter(|s| s.held_on >= from && s.held_on <= to),
        );
    }
    let mut lines = Vec::new();
    if !held.is_empty() {
        lines.push(format!(
            "Trong kỳ tổ chức {} cuộc kiểm tra, giám sát:",
            held.len()
        ));
    }
    held.sort_by_key(|s| s.held_on);
    for s in &held {
        let kind = Body::from_code(&s.kind).map_or("", |b| Lang::Vi.t(b.label_key()));
        lines.push(format!(
            "- Ngày {}, {} ({kind}) kiểm tra, giám sát tại {}: {}",
            s.held_on.format("%d/%m/%Y"),
            s.body,
            s.visited,
            s.findings.trim()
        ));
    }
    let given = &recs;
    let open_at = |r: &&treem_store::RecommendationRow| r.closed_on.is_none_or(|c| c > to);
    let open = given.iter().filter(|r| open_at(r)).count();
    let late: Vec<_> = given.iter().filter(|r| open_at(r) && r.due < to).collect();
    if !given.is_empty() {
        lines.push(format!(
            "Kiến nghị sau kiểm tra, giám sát: {} kiến nghị, {} đã thực hiện xong, {open} đang thực hiện ({} quá hạn).",
            given.len(),
            given.len() - open,
            late.len()
        ));
    }
    for r in &late {
        lines.push(format!(
            "- Quá hạn ({}): {}",
            r.due.format("%d/%m/%Y"),
            r.text.trim()
        ));
    }
    let late = if late.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "- {} kiến nghị sau kiểm tra, giám sát quá hạn chưa thực hiện xong.",
            late.len()
        )]
    };
    Ok(SupervisionFacts {
        text: lines.join("\n"),
        open,
        late,
    })
}
