//! Writing the plan's files of an export: every unit's agencies, every
//! plan's tasks with their assignment in force, the progress reports in
//! force, the supervisions and their recommendations — each plan under
//! its own unit's code, so that it imports back to the same plan.

use std::collections::HashMap;

use rust_xlsxwriter::Workbook;
use treem_store::{AgencyRow, PlanRow, Store};

use crate::cell::escape;
use crate::job::Progress;
use crate::sink::{ExportError, Target, write_all, write_sheet_row};
use crate::spec::File;
use crate::units::Units;

/// The rows of each plan file, the header first.
struct Files {
    rows: HashMap<File, Vec<Vec<String>>>,
}

impl Files {
    fn new() -> Self {
        let rows = File::PLAN
            .into_iter()
            .map(|f| {
                (
                    f,
                    vec![f.columns().iter().map(|c| c.name.to_string()).collect()],
                )
            })
            .collect();
        Files { rows }
    }

    /// Adds a row; text columns that could be read as a formula are
    /// escaped like every export's.
    fn push(&mut self, file: File, cells: Vec<String>) {
        let cells = cells
            .into_iter()
            .zip(file.columns())
            .map(|(v, c)| {
                if c.text {
                    escape(&v.replace('\0', "")).into_owned()
                } else {
                    v
                }
            })
            .collect();
        self.rows.entry(file).or_default().push(cells);
    }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn num(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The rows of the five files for these plans and agencies.
async fn collect(
    store: &dyn Store,
    units: &Units,
    plans: &[PlanRow],
    agencies: Vec<AgencyRow>,
    progress: &dyn Progress,
) -> Result<Files, ExportError> {
    let code = |id: i64| units.by_id(id).map(|u| u.code.clone()).unwrap_or_default();
    let mut files = Files::new();
    for a in agencies {
        files.push(File::Agencies, vec![code(a.unit_id), a.code, a.name]);
    }
    for p in plans {
        let (unit, title) = (code(p.unit_id), p.title.clone());
        let tasks = store.plan_tasks(p.id).await?;
        let task_code: HashMap<i64, String> =
            tasks.iter().map(|t| (t.id, t.code.clone())).collect();
        for t in tasks {
            files.push(
                File::PlanTasks,
                vec![
                    unit.clone(),
                    title.clone(),
                    p.number.clone().unwrap_or_default(),
                    date(p.issued_on),
                    p.basis.clone(),
                    p.issued_by.clone(),
                    p.period_from.to_string(),
                    p.period_to.to_string(),
                    t.code,
                    t.group_no.to_string(),
                    t.section,
                    t.title,
                    t.lead.unwrap_or_default(),
                    t.partners,
                    t.cadence,
                    date(t.due),
                    t.programme.unwrap_or_default(),
                    t.indicators,
                ],
            );
        }
        for r in store.plan_reports(p.id).await? {
            files.push(
                File::Progress,
                vec![
                    unit.clone(),
                    title.clone(),
                    task_code.get(&r.task_id).cloned().unwrap_or_default(),
                    r.agency_code,
                    r.period,
                    r.status,
                    r.summary,
                    num(r.sessions),
                    num(r.people_reached),
                    num(r.budget_spent),
                    r.problems,
                    r.proposals,
                ],
            );
        }
        let supervisions = store.supervisions(p.id).await?;
        let sup_code: HashMap<i64, String> = supervisions
            .iter()
            .map(|s| (s.id, s.code.clone()))
            .collect();
        // Oldest first, as they were held.
        for s in supervisions.into_iter().rev() {
            files.push(
                File::Supervisions,
                vec![
                    unit.clone(),
                    title.clone(),
                    s.code,
                    s.kind,
                    s.body,
                    date(Some(s.held_on)),
                    s.visited,
                    s.findings,
                ],
            );
        }
        let mut recs = store.plan_recommendations(p.id).await?;
        recs.sort_by_key(|r| (r.supervision_id, r.seq));
        for r in recs {
            files.push(
                File::Recommendations,
                vec![
                    unit.clone(),
                    title.clone(),
                    sup_code.get(&r.supervision_id).cloned().unwrap_or_default(),
                    r.seq.to_string(),
                    r.text,
                    r.owner,
                    date(Some(r.due)),
                    date(r.closed_on),
                    r.closed_note.unwrap_or_default(),
                ],
            );
        }
        progress.advance(1);
    }
    Ok(files)
}

/// Writes the five files for every plan and agency; returns each one's
/// row count.
pub(crate) async fn write(
    store: &dyn Store,
    units: &Units,
    target: &Target,
    book: &mut Workbook,
    progress: &dyn Progress,
) -> Result<Vec<(&'static str, u64)>, ExportError> {
    progress.start("plan");
    let plans = store.plans().await?;
    let agencies = store.all_agencies().await?;
    let mut files = collect(store, units, &plans, agencies, progress).await?;
    progress.finish();
    let mut counts = Vec::new();
    for file in File::PLAN {
        let rows = files.rows.remove(&file).unwrap_or_default();
        write_all(target, book, file, &rows)?;
        counts.push((file.name(), rows.len().saturating_sub(1) as u64));
    }
    Ok(counts)
}

/// One plan's files as a workbook (its page's download): its unit's
/// agencies, its tasks, reports in force, supervisions and
/// recommendations — a data set that imports back as it is.
pub async fn plan_workbook(store: &dyn Store, plan: &PlanRow) -> Result<Vec<u8>, ExportError> {
    let units = Units::new(store.units().await?);
    let agencies = store.agencies(plan.unit_id).await?;
    let mut files = collect(
        store,
        &units,
        std::slice::from_ref(plan),
        agencies,
        &crate::job::Quiet,
    )
    .await?;
    // For an officer in Excel: the Vietnamese headers (an import reads
    // them as well as the English names), bold, frozen, wide enough.
    let mut book = Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for file in File::PLAN {
        let rows = files.rows.remove(&file).unwrap_or_default();
        let sheet = book.add_worksheet();
        sheet.set_name(file.name())?;
        for (c, col) in file.columns().iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, col.vi, &bold)?;
            let widest = rows
                .iter()
                .skip(1)
                .map(|r| r.get(c as usize).map_or(0, |v| v.chars().count()))
                .max()
                .unwrap_or(0);
            sheet.set_column_width(c, (widest.max(col.vi.chars().count()) + 2).min(60) as f64)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (r, row) in rows.iter().enumerate().skip(1) {
            write_sheet_row(sheet, r as u32, row)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
