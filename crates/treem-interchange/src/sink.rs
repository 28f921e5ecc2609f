//! Where an export's files go (a folder of CSV files or one workbook),
//! shared by the records' export and the plan's files.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Workbook, Worksheet};

use crate::spec::File;

/// A worksheet holds at most this many rows, the header included.
pub(crate) const SHEET_ROWS: u64 = 1_048_576;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Store(#[from] treem_store::StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error(
        "{0} có quá {SHEET_ROWS} dòng cho một trang tính; hãy xuất dạng CSV / has too many rows for a worksheet; export as CSV"
    )]
    TooManyRows(&'static str),
}

/// Where an export goes.
#[derive(Debug, Clone)]
pub enum Target {
    Folder(PathBuf),
    Workbook(PathBuf),
}

pub(crate) fn csv_path(dir: &Path, file: File) -> PathBuf {
    dir.join(format!("{}.csv", file.name()))
}

pub(crate) fn write_all(
    target: &Target,
    book: &mut Workbook,
    file: File,
    rows: &[Vec<String>],
) -> Result<(), ExportError> {
    match target {
        Target::Folder(dir) => {
            let mut w = csv::Writer::from_path(csv_path(dir, file))?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        Target::Workbook(_) => {
            let sheet = book.add_worksheet();
            sheet.set_name(file.name())?;
            for (i, r) in rows.iter().enumerate() {
                write_sheet_row(sheet, i as u32, r)?;
            }
        }
    }
    Ok(())
}

/// Every cell is written as text: a workbook keeps codes such as `03390`
/// or a personal ID number exactly, and nothing is read as a formula.
pub(crate) fn write_sheet_row(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String],
) -> Result<(), ExportError> {
    for (c, v) in cells.iter().enumerate() {
        if !v.is_empty() {
            sheet.write_string(row, c as u16, v)?;
        }
    }
    Ok(())
}
