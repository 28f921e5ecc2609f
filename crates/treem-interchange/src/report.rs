//! What an import found and did, said in Vietnamese and English.

use chrono::NaiveDate;
use serde::Serialize;

use crate::legacy::Legacy;
use crate::spec::File;

/// The most problems kept in memory; beyond it they are counted.
pub const MAX_LISTED: usize = 100_000;

/// A problem with one value (or one row, or one file), located.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `children.csv`, or the sheet `children` of a workbook.
    pub file: String,
    /// The line of the file (the header is line 1); 0 for the data set.
    pub line: u64,
    /// The column's interchange name; empty for a whole row.
    pub column: String,
    pub value: String,
    pub message_vi: String,
    pub message_en: String,
}

/// One file's tally.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub file: String,
    pub rows: u64,
    /// Rows stored new or changed.
    pub written: u64,
    /// Rows already stored exactly so.
    pub unchanged: u64,
    pub rejected: u64,
}

/// A column found in an old encoding and converted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversion {
    pub file: String,
    pub column: String,
    pub encoding: &'static str,
    pub values: u64,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub as_of: Option<NaiveDate>,
    pub source: Option<String>,
    pub files: Vec<FileReport>,
    pub problems: Vec<Problem>,
    /// Problems beyond `MAX_LISTED`, counted only.
    pub more_problems: u64,
    pub warnings: Vec<Problem>,
    pub conversions: Vec<Conversion>,
    /// Whether anything was stored (false on rejection or a check).
    pub stored: bool,
    pub checked_only: bool,
}

impl Report {
    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.more_problems
    }

    pub(crate) fn push(&mut self, p: Problem) {
        if self.problems.len() < MAX_LISTED {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }

    /// The report as text for a terminal or a file, in one language.
    pub fn render(&self, english: bool) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let t = |vi: &str, en: &str| {
            if english {
                en.to_string()
            } else {
                vi.to_string()
            }
        };
        if let Some(d) = self.as_of {
            let _ = writeln!(
                out,
                "{} {}",
                t("Ngày số liệu (as_of):", "Data set date (as_of):"),
                d.format("%d/%m/%Y")
            );
        }
        for c in &self.conversions {
            let _ = writeln!(
                out,
                "{} {} / {}: {} ({} {})",
                t("Đã chuyển mã", "Converted"),
                c.file,
                c.column,
                c.encoding,
                c.values,
                t("giá trị", "values")
            );
        }
        for f in &self.files {
            let _ = writeln!(
                out,
                "{}: {} {}, {} {}, {} {}, {} {}",
                f.file,
                f.rows,
                t("dòng", "rows"),
                f.written,
                t("ghi mới/cập nhật", "new or changed"),
                f.unchanged,
                t("không đổi", "unchanged"),
                f.rejected,
                t("bị từ chối", "rejected")
            );
        }
        for w in &self.warnings {
            let _ = writeln!(out, "{} {}", t("Cảnh báo:", "Warning:"), locate(w, english));
        }
        for p in &self.problems {
            let _ = writeln!(out, "{} {}", t("Lỗi:", "Error:"), locate(p, english));
        }
        if self.more_problems > 0 {
            let _ = writeln!(
                out,
                "{} {}",
                self.more_problems,
                t("lỗi nữa không liệt kê", "more errors not listed")
            );
        }
        let verdict = match (self.checked_only, self.stored, self.problem_count()) {
            (true, _, 0) => format!(
                "{} {} {}",
                t("Kiểm tra xong: không có lỗi,", "Check done: no errors,"),
                self.files.iter().map(|f| f.rows).sum::<u64>(),
                t(
                    "dòng đọc được; chưa lưu gì.",
                    "rows read; nothing stored yet."
                )
            ),
            (true, _, n) => format!(
                "{} {n} {}",
                t("Kiểm tra xong:", "Check done:"),
                t("lỗi, chưa lưu gì.", "errors, nothing stored.")
            ),
            (false, true, 0) => format!(
                "{} {} {} {} {}",
                t(
                    "Đã lưu toàn bộ bộ dữ liệu:",
                    "The whole data set was stored:"
                ),
                self.files.iter().map(|f| f.written).sum::<u64>(),
                t("dòng mới hoặc đã sửa,", "rows new or changed,"),
                self.files.iter().map(|f| f.unchanged).sum::<u64>(),
                t("dòng đã có sẵn như vậy.", "rows already stored so.")
            ),
            (false, true, n) => format!(
                "{} {n} {}",
                t("Đã lưu các dòng hợp lệ;", "Valid rows stored;"),
                t(
                    "dòng lỗi được ghi vào tệp từ chối.",
                    "rejected rows written to the reject files."
                )
            ),
            (false, false, n) => format!(
                "{} {n} {}",
                t("Bộ dữ liệu bị từ chối:", "Data set rejected:"),
                t("lỗi, không lưu gì.", "errors, nothing stored.")
            ),
        };
        out.push_str(&verdict);
        out.push('\n');
        out
    }
}

fn locate(p: &Problem, english: bool) -> String {
    let msg = if english {
        &p.message_en
    } else {
        &p.message_vi
    };
    let mut at = p.file.clone();
    if p.line > 0 {
        at.push_str(&format!(
            ", {} {}",
            if english { "line" } else { "dòng" },
            p.line
        ));
    }
    if !p.column.is_empty() {
        at.push_str(&format!(
            ", {} {}",
            if english { "column" } else { "cột" },
            p.column
        ));
    }
    if p.value.is_empty() {
        format!("{at}: {msg}")
    } else {
        let shown: String = p.value.chars().take(80).collect();
        format!("{at}: «{shown}» — {msg}")
    }
}

/// How a file is named in a report.
pub fn file_label(file: File, workbook: bool) -> String {
    if workbook {
        file.name().to_string()
    } else {
        format!("{}.csv", file.name())
    }
}

/// A conversion's encoding name.
pub fn encoding_name(l: Legacy) -> &'static str {
    l.name()
}
