//! A row as a data set's files give it, and what can make a data set
//! unreadable.

/// The most a row may hold before it is refused unread (every field may be
/// up to 1,000 characters, which is at most 4,000 bytes).
pub const MAX_ROW_BYTES: usize = 1 << 20;
/// The most fields a row may have.
pub(crate) const MAX_FIELDS: usize = 1000;
/// Rows per batch handed to the importer.
pub(crate) const BATCH: usize = 2000;

/// One row as read: its line in the file (the header is line 1) and its
/// cells as text. `too_long` marks a row refused unread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: u64,
    pub cells: Vec<String>,
    pub too_long: bool,
}

/// A data set that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("không đọc được sổ tính / unreadable workbook: {0}")]
    Workbook(String),
    #[error("không đọc được tệp zip / unreadable zip file: {0}")]
    Zip(String),
    #[error(
        "{0} không phải bộ dữ liệu (thư mục CSV, tệp .csv, .xlsx hoặc .zip) / is not a data set (CSV folder, .csv file, .xlsx or .zip)"
    )]
    NotADataSet(String),
    #[error(
        "{0}: tệp UTF-16 chưa được hỗ trợ, hãy lưu dạng CSV UTF-8 / UTF-16 files are not supported, save as CSV UTF-8"
    )]
    Utf16(String),
    /// A limit of `Limits` passed: what, and the limit.
    #[error(
        "bộ dữ liệu vượt quá giới hạn ({0}: tối đa {1}); hãy chia thành nhiều tệp nhỏ hơn / the data set is over a limit ({0}: at most {1}); split it into smaller files"
    )]
    TooMuch(String, u64),
    #[error("tệp zip có hai mục cùng tên «{0}» / the zip holds two entries named «{0}»")]
    DuplicateEntry(String),
}
