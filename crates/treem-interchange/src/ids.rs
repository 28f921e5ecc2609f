//! The list for the commune police (the ID verification round, issue 21)
//! as a workbook in the interchange style — one sheet of children with
//! Vietnamese headers, three empty columns for the police — and the same
//! workbook read back when they return it filled.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::limits::Budget;
use crate::raw::{RawRow, SourceError};
use crate::spec::header_key;

/// The list's columns: (code, Vietnamese header). The last three are the
/// police's.
pub const COLUMNS: [(&str, &str); 13] = [
    ("child_id", "Mã trẻ"),
    ("full_name", "Họ và tên"),
    ("date_of_birth", "Ngày sinh"),
    ("sex", "Giới tính"),
    ("ethnicity", "Dân tộc"),
    ("mother_name", "Họ tên mẹ"),
    ("father_name", "Họ tên cha"),
    ("village", "Thôn, bản"),
    ("national_id", "Số định danh cá nhân đang ghi"),
    ("reason", "Lý do có trong danh sách"),
    ("verified_national_id", "Số định danh cá nhân đã xác thực"),
    ("result", "Kết quả"),
    ("note", "Ghi chú"),
];

/// The sheet the children are on.
pub const SHEET: &str = "Danh sách";

/// A child's line as the list writes it (every value as text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListLine {
    /// The first ten columns, in order.
    pub cells: [String; 10],
}

/// The list as a workbook: a guide sheet (`guide`, a line each), then the
/// children. The police's columns are text cells, so a 12-digit number
/// typed there keeps its leading zero.
pub fn write_list(guide: &[String], lines: &[ListLine]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    for (c, (_, vi)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *vi, &bold)?;
        let width = match c {
            1 | 5 | 6 | 9 => 26,
            8 | 10 => 18,
            _ => 13,
        };
        sheet.set_column_width(c as u16, width)?;
    }
    for c in 10..13u16 {
        sheet.set_column_format(c, &text)?;
    }
    for (r, line) in lines.iter().enumerate() {
        for (c, v) in line.cells.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &text)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    let help = book.add_worksheet();
    help.set_name("Hướng dẫn")?;
    for (r, l) in guide.iter().enumerate() {
        help.write_string(r as u32, 0, l)?;
    }
    book.save_to_buffer()
}

/// A returned line: where it is, and each column's text by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReturnedLine {
    pub line: usize,
    /// (column code, text) for every column the header names.
    pub cells: Vec<(&'static str, String)>,
}

impl ReturnedLine {
    /// A column's text ("" when absent).
    pub fn get(&self, code: &str) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("", |(_, v)| v.trim())
    }
}

/// Why a returned workbook cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReturnedError {
    #[error("{0}")]
    Source(#[from] SourceError),
    #[error(
        "không có trang tính nào có các cột «Mã trẻ», «Số định danh cá nhân đã xác thực» và «Kết quả» / no sheet has the columns child_id, verified_national_id and result"
    )]
    NoList,
}

/// Reads the returned list: the first sheet whose header names `child_id`,
/// `verified_national_id` and `result` (by code or Vietnamese header,
/// accents and case ignored). A number a spreadsheet turned into 11 digits
/// (the leading zero of a province code dropped) gets its zero back.
pub fn read_returned(bytes: &[u8]) -> Result<Vec<ReturnedLine>, ReturnedError> {
    let wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| SourceError::Workbook(e.to_string()))?;
    let names = wb.sheet_names();
    let cells = Budget::new(2_000_000, "ô / cells");
    for name in names {
        let mut rows: Vec<RawRow> = Vec::new();
        crate::tables::read_sheet(Cursor::new(bytes), &name, &cells, &mut |batch| {
            rows.extend(batch);
            true
        })?;
        let Some((header, body)) = rows.split_first() else {
            continue;
        };
        let positions: Vec<(&'static str, usize)> = header
            .cells
            .iter()
            .enumerate()
            .filter_map(|(at, h)| {
                let key = header_key(h);
                COLUMNS
                    .iter()
                    .find(|(code, vi)| header_key(code) == key || header_key(vi) == key)
                    .map(|(code, _)| (*code, at))
            })
            .collect();
        let has = |code| positions.iter().any(|(c, _)| *c == code);
        if !(has("child_id") && has("verified_national_id") && has("result")) {
            continue;
        }
        return Ok(body
            .iter()
            .map(|row| ReturnedLine {
                line: row.line as usize,
                cells: positions
                    .iter()
                    .map(|(code, at)| {
                        let v = row.cells.get(*at).cloned().unwrap_or_default();
                        let v = if *code == "verified_national_id" {
                            zero_back(v)
                        } else {
                            v
                        };
                        (*code, v)
                    })
                    .collect(),
            })
            .collect());
    }
    Err(ReturnedError::NoList)
}

/// 11 digits typed into a number cell: the leading zero Excel dropped.
fn zero_back(v: String) -> String {
    let t = v.trim();
    if t.len() == 11 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{t}")
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_reads_back_with_the_police_columns() {
        let mut line = ListLine::default();
        line.cells[0] = "TD-000001".into();
        line.cells[1] = "Lò Thị Mai".into();
        let bytes = write_list(&["Hướng dẫn".into()], &[line]).unwrap();
        let back = read_returned(&bytes).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].line, 2);
        assert_eq!(back[0].get("child_id"), "TD-000001");
        assert_eq!(back[0].get("full_name"), "Lò Thị Mai");
        assert_eq!(back[0].get("result"), "");
        // A number cell that lost its leading zero gets it back.
        let mut book = Workbook::new();
        let s = book.add_worksheet();
        for (c, h) in ["child_id", "Số định danh cá nhân đã xác thực", "KET QUA"]
            .iter()
            .enumerate()
        {
            s.write_string(0, c as u16, *h).unwrap();
        }
        s.write_string(1, 0, "TD-1").unwrap();
        s.write_number(1, 1, 12319001234.0).unwrap();
        s.write_string(1, 2, "khớp").unwrap();
        let back = read_returned(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(back[0].get("verified_national_id"), "012319001234");
        assert_eq!(back[0].get("result"), "khớp");
        // A workbook without the police's columns is not the list.
        let mut book = Workbook::new();
        book.add_worksheet().write_string(0, 0, "child_id").unwrap();
        assert!(matches!(
            read_returned(&book.save_to_buffer().unwrap()),
            Err(ReturnedError::NoList)
        ));
    }
}
