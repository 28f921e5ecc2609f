//! Lists as Excel workbooks an officer can sort, filter, sum and print: a
//! title row saying which list, of which unit and on which date; a bold,
//! frozen header with filters; numbers and dates as real number and date
//! cells, codes as text; columns wide enough for what they hold.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::AppError;

/// One cell of a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Names and codes: kept as typed (a code `03424` stays `03424`).
    Text(String),
    /// A number shown with this many decimals.
    Number(f64, u8),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub fn opt_number(v: Option<f64>, decimals: u8) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Number(v, decimals))
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// How many characters it takes on screen (for the column width).
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => s.chars().count(),
            Cell::Number(v, d) => format!("{v:.*}", *d as usize).len(),
            Cell::Date(_) => 10,
            Cell::Empty => 0,
        }
    }
}

/// A list to write: its sheet name, the title row, the header, the rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    /// E.g. "Trẻ em chưa đăng ký khai sinh — Xã Bản Bo — ngày 30/11/2026".
    pub title: String,
    pub headers: &'a [&'a str],
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook of one list.
pub fn table(sheet: &Sheet) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        // Excel allows 31 characters and none of []:*?/\ in a sheet name.
        let name: String = sheet
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(name.trim())?;
        let title = Format::new().set_bold().set_font_size(13);
        let bold = Format::new().set_bold().set_background_color("#EEF1F5");
        let date = Format::new().set_num_format("dd/mm/yyyy");
        let decimals = [
            Format::new().set_num_format("0"),
            Format::new().set_num_format("0.0"),
            Format::new().set_num_format("0.00"),
        ];
        ws.write_string_with_format(0, 0, &sheet.title, &title)?;
        let mut widths: Vec<usize> = sheet.headers.iter().map(|h| h.chars().count()).collect();
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, *h, &bold)?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = i as u32 + 2;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, col, s.as_str())?;
                    }
                    Cell::Number(v, d) => {
                        let f = &decimals[(*d as usize).min(decimals.len() - 1)];
                        ws.write_number_with_format(r, col, *v, f)?;
                    }
                    Cell::Date(d) => {
                        let day = ExcelDateTime::from_ymd(
                            chrono::Datelike::year(d) as u16,
                            chrono::Datelike::month(d) as u8,
                            chrono::Datelike::day(d) as u8,
                        )?;
                        ws.write_datetime_with_format(r, col, &day, &date)?;
                    }
                    Cell::Empty => {}
                }
                if let Some(w) = widths.get_mut(c) {
                    *w = (*w).max(cell.width());
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 50.0))?;
        }
        let last_row = sheet.rows.len() as u32 + 1;
        let last_col = sheet.headers.len().saturating_sub(1) as u16;
        ws.autofilter(1, 0, last_row, last_col)?;
        ws.set_freeze_panes(2, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_repeat_rows(1, 1)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| AppError::Internal(format!("xlsx: {e}")))
}

/// A file name from a Vietnamese title and its parts, without accents or
/// spaces: "Trẻ em chưa đăng ký khai sinh", ["03424", "2026-11-30"] →
/// `tre-em-chua-dang-ky-khai-sinh-03424-2026-11-30`.
pub fn file_stem(title: &str, parts: &[&str]) -> String {
    let mut words: Vec<String> = Vec::new();
    for part in std::iter::once(title).chain(parts.iter().copied()) {
        let folded = treem_domain::text::fold(part);
        let slug: String = folded
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        words.extend(
            slug.split('-')
                .filter(|w| !w.is_empty())
                .map(str::to_string),
        );
    }
    words.join("-")
}

/// The download response for a workbook.
pub fn download(file_stem: &str, bytes: Vec<u8>) -> Response {
    let file = format!("attachment; filename=\"{file_stem}.xlsx\"");
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (CONTENT_DISPOSITION, file),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_have_no_accents() {
        assert_eq!(
            file_stem("Trẻ em chưa đăng ký khai sinh", &["03424", "2026-11-30"]),
            "tre-em-chua-dang-ky-khai-sinh-03424-2026-11-30"
        );
        assert_eq!(file_stem("Đồng / Phường", &[]), "dong-phuong");
    }
}
