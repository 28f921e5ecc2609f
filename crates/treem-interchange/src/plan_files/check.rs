//! Checking the plan files' rows once every file is read, in the order of
//! `File::PLAN`, each against the stored plans and the rows accepted
//! before it; then writing what changes in the import's transaction.
//! This file holds the driver, what every row shares (its unit, the
//! scope, who may write what), and the agencies and tasks; `work` holds
//! the progress reports, supervisions and recommendations.

use std::collections::HashMap;

use chrono::NaiveDate;
use treem_store::{AgencyWrite, ImportTx, PlanKey, PlanWrite, PlanWrites, Store, TaskWrite};

use super::cells::PlanCells;
use super::fields::{indicators, lead, optional, partners};
use super::state::{PlanDoc, State, TaskNow};
use crate::context::Ctx;
use crate::job::{ImportError, Parsed};
use crate::records::FieldError;
use crate::spec::File;

/// The longest code of an agency, a task or a supervision.
pub(super) const CODE_MAX: usize = 20;
/// The longest plan title, body or agency name.
pub(super) const NAME_MAX: usize = 300;

/// A row's problems so far, gathered so that all are reported at once.
#[derive(Default)]
pub(super) struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// The row's outcome: `changed` when nothing is wrong.
    pub fn done(self, changed: bool) -> Result<bool, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(changed)
        } else {
            Err(self.0)
        }
    }
}

/// The unit a row names, and what may be done there.
pub(super) struct Place {
    pub unit: i64,
    /// The unit exists today: its plans take writes.
    pub live: bool,
    pub valid: (Option<NaiveDate>, Option<NaiveDate>),
}

/// What checks the rows: the state, what they change, the day.
pub(super) struct Checker<'s> {
    pub state: State<'s>,
    pub writes: PlanWrites,
    pub today: NaiveDate,
    /// The first row of each plan in `plan_tasks`: its line and the
    /// plan's details as given there.
    plan_rows: HashMap<PlanKey, (u64, [String; 6])>,
}

/// Checks and writes the plan files' rows kept by `read_file`.
pub(crate) async fn apply(
    ctx: &mut Ctx<'_>,
    store: &dyn Store,
    tx: &mut dyn ImportTx,
) -> Result<(), ImportError> {
    let rows = std::mem::take(&mut ctx.plan_rows);
    if rows.is_empty() {
        return Ok(());
    }
    let mut c = Checker {
        state: State::load(store).await?,
        writes: PlanWrites::default(),
        today: ctx.opts.today,
        plan_rows: HashMap::new(),
    };
    for file in File::PLAN {
        for (_, row) in rows.iter().filter(|(f, _)| *f == file) {
            let Parsed::Plan(cells) = &row.parsed else {
                continue;
            };
            let outcome = c.row(ctx, cells, row.line).await?;
            let label = ctx.label(file);
            match outcome {
                Ok(changed) => {
                    if let Some(fr) = ctx.report.files.iter_mut().find(|f| f.file == label) {
                        if changed {
                            fr.written += 1;
                        } else {
                            fr.unchanged += 1;
                        }
                    }
                }
                Err(errors) => {
                    let header = ctx.headers.get(&file).cloned().unwrap_or_default();
                    ctx.reject(file, &header, row.line, &row.raw, errors)?;
                }
            }
        }
    }
    let failed = ctx.report.problem_count() > 0 && !ctx.opts.partial;
    if !failed && !c.writes.is_empty() {
        tx.write_plans(&c.writes, &ctx.opts.actor).await?;
    }
    Ok(())
}

impl Checker<'_> {
    async fn row(
        &mut self,
        ctx: &Ctx<'_>,
        cells: &PlanCells,
        line: u64,
    ) -> Result<Result<bool, Vec<FieldError>>, ImportError> {
        let place = match place(ctx, cells) {
            Ok(p) => p,
            Err(e) => return Ok(Err(vec![e])),
        };
        let outcome = match cells.file {
            File::Agencies => self.agency(cells, &place).await?,
            File::PlanTasks => self.task(cells, &place, line).await?,
            File::Progress => self.progress(ctx, cells, &place).await?,
            File::Supervisions => self.supervision(cells, &place).await?,
            File::Recommendations => self.recommendation(cells, &place).await?,
            _ => Ok(false),
        };
        // Nothing is written to the plan of a unit that no longer exists;
        // what it already holds reads back unchanged.
        Ok(match outcome {
            Ok(true) if !place.live => Err(vec![cells.error(
                "unit_code",
                "đơn vị này không còn tồn tại: kế hoạch của đơn vị vẫn đọc được nhưng không ghi thêm được",
                "this unit no longer exists: its plans stay readable but take no more writes",
            )]),
            other => other,
        })
    }

    async fn agency(
        &mut self,
        cells: &PlanCells,
        place: &Place,
    ) -> Result<Result<bool, Vec<FieldError>>, ImportError> {
        let mut errors = Errors::default();
        let code = errors.take(code(cells, "code"));
        let name = errors.take(cells.text("name", NAME_MAX));
        let (Some(code), Some(name)) = (code, name) else {
            return Ok(errors.done(false));
        };
        let agencies = self.state.agencies(place.unit).await?;
        if agencies.get(&code) == Some(&name) {
            return Ok(errors.done(false));
        }
        if place.live {
            agencies.insert(code.clone(), name.clone());
            self.writes.agencies.push(AgencyWrite {
                unit_id: place.unit,
                code,
                name,
            });
        }
        Ok(errors.done(true))
    }

    async fn task(
        &mut self,
        cells: &PlanCells,
        place: &Place,
        line: u64,
    ) -> Result<Result<bool, Vec<FieldError>>, ImportError> {
        let mut errors = Errors::default();
        let key = errors.take(plan_key(cells, place));
        let given = [
            cells.get("plan_number").to_string(),
            cells.get("plan_issued_on").to_string(),
            cells.get("plan_basis").to_string(),
            cells.get("issued_by").to_string(),
            cells.get("from_year").to_string(),
            cells.get("to_year").to_string(),
        ];
        let number = errors.take(optional(cells, "plan_number", 100));
        let issued_on = errors.take(cells.date("plan_issued_on"));
        let basis = errors.take(optional(
            cells,
            "plan_basis",
            treem_domain::plan::filing::TEXT_MAX,
        ));
        let issued_by = errors.take(optional(cells, "issued_by", NAME_MAX));
        let from = errors.take(cells.whole("from_year", (2000, 2100)));
        let to = errors.take(cells.whole("to_year", (2000, 2100)));
        let code = errors.take(code(cells, "code"));
        let group = errors.take(cells.whole("group", (1, 6)));
        if matches!(group, Some(None)) {
            errors.push(cells.error("group", "bắt buộc, đang để trống", "is required but empty"));
        }
        let section = errors.take(optional(cells, "section", 50));
        let title = errors.take(cells.text("title", treem_domain::plan::filing::TEXT_MAX));
        let cadence = errors.take(cells.coded("cadence"));
        let due = errors.take(cells.date("due"));
        match (cadence, &due) {
            (Some("once"), Some(None)) => errors.push(cells.error(
                "due",
                "nhiệm vụ một lần cần hạn hoàn thành",
                "a task done once needs a due date",
            )),
            (Some(c), Some(Some(_))) if c != "once" => errors.push(cells.error(
                "due",
                "chỉ nhiệm vụ một lần có hạn hoàn thành",
                "only a task done once has a due date",
            )),
            _ => {}
        }
        let programme = cells.get("programme");
        if !programme.is_empty() && !self.state.programmes.iter().any(|p| p == programme) {
            let known = self.state.programmes.join(", ");
            errors.push(cells.error(
                "programme",
                format!("không có chương trình mang mã này ({known})"),
                format!("no programme has this code ({known})"),
            ));
        }
        let indicators = errors.take(indicators(cells));
        let agencies: Vec<String> = self
            .state
            .agencies(place.unit)
            .await?
            .keys()
            .cloned()
            .collect();
        let lead = errors.take(lead(cells, &agencies));
        let partners = errors.take(partners(
            cells,
            &agencies,
            lead.as_ref().and_then(|l| l.as_deref()),
        ));
        let Some(key) = key else {
            return Ok(errors.done(false));
        };
        if let Some((first, seen)) = self.plan_rows.get(&key) {
            if *seen != given {
                errors.push(cells.error(
                    "plan",
                    format!(
                        "số, ngày, căn cứ, cơ quan ban hành hoặc giai đoạn của kế hoạch khác với dòng {first}"
                    ),
                    format!(
                        "the plan's number, date, basis, issuing body or years differ from line {first}"
                    ),
                ));
            }
        } else {
            self.plan_rows.insert(key.clone(), (line, given));
        }
        let stored_doc = self.state.plan(&key).await?.map(|p| p.doc.clone());
        let doc = match (
            &stored_doc,
            issued_by.clone().flatten(),
            from.flatten(),
            to.flatten(),
        ) {
            (Some(d), _, _, _) => Some(PlanDoc {
                number: number.clone().flatten().or_else(|| d.number.clone()),
                issued_on: issued_on.flatten().or(d.issued_on),
                basis: basis.clone().flatten().unwrap_or_else(|| d.basis.clone()),
                issued_by: issued_by
                    .clone()
                    .flatten()
                    .unwrap_or_else(|| d.issued_by.clone()),
                period: (
                    from.flatten().unwrap_or(d.period.0),
                    to.flatten().unwrap_or(d.period.1),
                ),
            }),
            (None, Some(by), Some(f), Some(t)) => Some(PlanDoc {
                number: number.clone().flatten(),
                issued_on: issued_on.flatten(),
                basis: basis.clone().flatten().unwrap_or_default(),
                issued_by: by,
                period: (f, t),
            }),
            (None, ..) => {
                errors.push(cells.error(
                    "plan",
                    "kế hoạch mới: cần cơ quan ban hành, từ năm và đến năm",
                    "a new plan needs its issuing body, first and last year",
                ));
                None
            }
        };
        if let Some(d) = &doc
            && d.period.0 > d.period.1
        {
            errors.push(cells.error("to_year", "trước năm bắt đầu", "before the first year"));
        }
        let (Some(doc), Some(code), Some(Some(group)), Some(section), Some(title), Some(cadence)) =
            (doc, code, group, section, title, cadence)
        else {
            return Ok(errors.done(false));
        };
        let (Some(due), Some(indicators), Some(lead), Some(partners)) =
            (due, indicators, lead, partners)
        else {
            return Ok(errors.done(false));
        };
        if !errors.0.is_empty() {
            return Ok(errors.done(false));
        }
        let task = TaskNow {
            group_no: group,
            section: section.unwrap_or_default(),
            title,
            cadence: cadence.to_string(),
            due,
            programme: (!programme.is_empty()).then(|| programme.to_string()),
            indicators,
            lead,
            partners,
        };
        let plan_changed = stored_doc.as_ref() != Some(&doc);
        let plan = match self.state.plan(&key).await? {
            Some(p) => p,
            None => self.state.add_plan(key.clone(), doc.clone()),
        };
        let before = plan.tasks.get(&code).cloned();
        let fields_changed = before.as_ref().is_none_or(|b| {
            let mut b = b.clone();
            b.lead.clone_from(&task.lead);
            b.partners.clone_from(&task.partners);
            b != task
        });
        // A new task is always assigned (possibly to nobody yet): its
        // assignment in force is what the pages read.
        let assignment_changed = before
            .as_ref()
            .is_none_or(|b| b.lead != task.lead || b.partners != task.partners);
        let changed = plan_changed || fields_changed || assignment_changed;
        if !changed || !place.live {
            return Ok(Ok(changed));
        }
        plan.doc = doc.clone();
        plan.tasks.insert(code.clone(), task.clone());
        if plan_changed {
            self.writes.plans.push(PlanWrite {
                unit_id: key.unit_id,
                title: key.title.clone(),
                number: doc.number,
                issued_on: doc.issued_on,
                basis: doc.basis,
                issued_by: doc.issued_by,
                period_from: doc.period.0,
                period_to: doc.period.1,
            });
        }
        self.writes.tasks.push(TaskWrite {
            plan: key,
            code,
            group_no: task.group_no,
            section: task.section,
            title: task.title,
            cadence: task.cadence,
            due: task.due,
            programme: task.programme,
            indicators: task.indicators,
            assignment: assignment_changed.then_some((task.lead, task.partners)),
            fields_changed,
        });
        Ok(Ok(true))
    }
}

/// The unit a row names — on the day of the import, not the data set's
/// date: the plan files describe plans as they are now (a code no unit
/// has today names its last version, a retired unit whose plans stay
/// readable) — within the importer's scope, and whether the importer may
/// write this file at all.
fn place(ctx: &Ctx<'_>, cells: &PlanCells) -> Result<Place, FieldError> {
    if ctx.opts.agency.is_some() && cells.file != File::Progress {
        return Err(cells.error(
            "",
            "tài khoản làm việc cho một cơ quan chỉ nhập báo cáo tiến độ của cơ quan mình",
            "an account that works for an agency imports its agency's progress reports only",
        ));
    }
    let code = cells.text("unit_code", CODE_MAX)?;
    let unit = ctx.units.any_level(&code, ctx.opts.today).ok_or_else(|| {
        cells.error(
            "unit_code",
            "không có đơn vị hành chính mang mã này",
            "no administrative unit has this code",
        )
    })?;
    ctx.in_scope(unit)
        .map_err(|(vi, en)| cells.error("unit_code", vi, en))?;
    let u = ctx.units.by_id(unit);
    Ok(Place {
        unit,
        live: u.is_some_and(|u| u.valid_on(ctx.opts.today)),
        valid: u.map_or((None, None), |u| (u.valid_from, u.valid_to)),
    })
}

/// The plan a row names: its unit's plan with this title.
pub(super) fn plan_key(cells: &PlanCells, place: &Place) -> Result<PlanKey, FieldError> {
    Ok(PlanKey {
        unit_id: place.unit,
        title: cells.text("plan", NAME_MAX)?,
    })
}

/// A code: letters, digits, `-`, `_` and `.`, at most `CODE_MAX`.
pub(super) fn code(cells: &PlanCells, column: &'static str) -> Result<String, FieldError> {
    let v = cells.text(column, CODE_MAX)?;
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        Ok(v)
    } else {
        Err(cells.error(
            column,
            "mã chỉ gồm chữ không dấu, số, '-', '_' và '.'",
            "a code holds only letters without accents, digits, '-', '_' and '.'",
        ))
    }
}

/// The unit's agencies' codes (for the files after `agencies`).
pub(super) async fn agency_codes(
    state: &mut State<'_>,
    unit: i64,
) -> Result<Vec<String>, ImportError> {
    Ok(state.agencies(unit).await?.keys().cloned().collect())
}
