//! Lists as Excel workbooks: one sheet, a bold header row, text cells —
//! what an officer prints or takes to the villages.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

use crate::AppError;

/// A workbook with one sheet of `rows` under `headers`.
pub fn table(sheet: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        // Excel allows 31 characters and none of []:*?/\ in a sheet name.
        let name: String = sheet
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        ws.set_name(name.trim())?;
        let bold = Format::new().set_bold();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (i, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(i as u32 + 1, c as u16, v.as_str())?;
            }
        }
        ws.set_column_width(0, 26)?;
        wb.save_to_buffer()
    };
    build().map_err(|e| AppError::Internal(format!("xlsx: {e}")))
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
