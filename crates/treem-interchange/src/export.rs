//! Exporting every record as a data set of interchange format v1: a folder
//! of CSV files or one workbook, safe to open in a spreadsheet, that
//! imports back to the same records.
//!
//! Unit codes are written as they are valid on the export's `as_of`: the
//! last day (up to today) on which every unit the records use is valid, so
//! records keep their own units; when no such day exists (records on both
//! sides of a reform), today, with each unit replaced by what it has become.

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use treem_store::{ExportFile, Store, Value};

use crate::cell::escape;
use crate::job::Progress;
pub use crate::sink::{ExportError, Target};
use crate::sink::{SHEET_ROWS, csv_path, write_all, write_sheet_row};
use crate::spec::{Column, File};
use crate::units::Units;

/// Rows fetched per page.
const PAGE: i64 = 5000;

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Exported {
    pub as_of: Option<NaiveDate>,
    pub rows: Vec<(&'static str, u64)>,
}

const FILES: [(File, ExportFile); 8] = [
    (File::Children, ExportFile::Children),
    (File::Schools, ExportFile::Schools),
    (File::Measurements, ExportFile::Measurements),
    (File::Enrolments, ExportFile::Enrolments),
    (File::CommuneAssessments, ExportFile::CommuneAssessments),
    (File::Disasters, ExportFile::Disasters),
    (File::Participation, ExportFile::Participation),
    (File::Cases, ExportFile::Cases),
];

/// The text of a value in a column.
fn cell(v: &Value, col: &Column) -> String {
    match v {
        // No file leaves with a NUL, whatever an older version stored.
        Value::Text(Some(s)) if col.text => escape(&s.replace('\0', "")).into_owned(),
        Value::Text(Some(s)) => s.replace('\0', ""),
        Value::Int(Some(i)) => i.to_string(),
        Value::Real(Some(x)) => x.to_string(),
        Value::Bool(Some(b)) => if *b { "yes" } else { "no" }.to_string(),
        Value::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
        _ => String::new(),
    }
}

enum Sink {
    Csv(Box<csv::Writer<std::fs::File>>),
    Sheet(u32),
}

/// Writes every record.
pub async fn export(
    store: &dyn Store,
    target: &Target,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<Exported, ExportError> {
    let units = Units::new(store.units().await?);
    let used = store.export_units().await?;
    let as_of = units.common_day(&used, today).unwrap_or(today);
    let keep_own = units.all_valid_on(&used, as_of);
    let code_of = |id: i64| -> String {
        let unit = if keep_own {
            units.by_id(id)
        } else {
            units.became_on(id, as_of)
        };
        unit.map(|u| u.code.clone()).unwrap_or_default()
    };
    let mut book = Workbook::new();
    if let Target::Folder(dir) = target {
        std::fs::create_dir_all(dir)?;
    }
    let manifest = [
        vec!["as_of".to_string(), "source".to_string()],
        vec![
            as_of.format("%Y-%m-%d").to_string(),
            format!("treem {}", today.format("%d/%m/%Y")),
        ],
    ];
    write_all(target, &mut book, File::Manifest, &manifest)?;
    let mut out = Exported {
        as_of: Some(as_of),
        rows: Vec::new(),
    };
    for (file, query) in FILES {
        progress.start(file.name());
        let columns = file.columns();
        let header: Vec<String> = columns.iter().map(|c| c.name.to_string()).collect();
        let mut sink = match target {
            Target::Folder(dir) => {
                let mut w = csv::Writer::from_path(csv_path(dir, file))?;
                w.write_record(&header)?;
                Sink::Csv(Box::new(w))
            }
            Target::Workbook(_) => {
                let sheet = book.add_worksheet_with_constant_memory()?;
                sheet.set_name(file.name())?;
                write_sheet_row(sheet, 0, &header)?;
                Sink::Sheet(1)
            }
        };
        let mut after = 0;
        let mut count = 0u64;
        loop {
            let page = store.export_page(query, after, PAGE).await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            for (_, values) in &page {
                let cells: Vec<String> = values
                    .iter()
                    .zip(columns)
                    .map(|(v, c)| match (c.name, v) {
                        ("commune_code", Value::Int(Some(id))) => code_of(*id),
                        _ => cell(v, c),
                    })
                    .collect();
                match &mut sink {
                    Sink::Csv(w) => w.write_record(&cells)?,
                    Sink::Sheet(row) => {
                        if u64::from(*row) >= SHEET_ROWS {
                            return Err(ExportError::TooManyRows(file.name()));
                        }
                        let sheet = book
                            .worksheets_mut()
                            .last_mut()
                            .ok_or(ExportError::TooManyRows(file.name()))?;
                        write_sheet_row(sheet, *row, &cells)?;
                        *row += 1;
                    }
                }
            }
            count += page.len() as u64;
            progress.advance(page.len() as u64);
        }
        if let Sink::Csv(mut w) = sink {
            w.flush()?;
        }
        progress.finish();
        out.rows.push((file.name(), count));
    }
    let plan = crate::plan_files::export::write(store, &units, target, &mut book, progress).await?;
    out.rows.extend(plan);
    let returns = crate::returns_file::export_rows(store, &units).await?;
    write_all(target, &mut book, File::Returns, &returns)?;
    out.rows
        .push((File::Returns.name(), returns.len() as u64 - 1));
    if let Target::Workbook(path) = target {
        book.save(path)?;
    }
    Ok(out)
}
