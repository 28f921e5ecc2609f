//! Where a data set's rows come from: a folder of CSV files, one workbook,
//! or a zip of CSV files (what an officer uploads). Rows are read on their
//! own thread and handed over in small batches through a bounded channel,
//! so memory stays bounded whatever the file holds, and reading overlaps
//! with checking and storing.

use std::io::{Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{DataRef, Reader, Xlsx};

use crate::limits::{Budget, Counted, Limits};
use crate::spec::File;

/// The most a row may hold before it is refused unread (every field may be
/// up to 1,000 characters, which is at most 4,000 bytes).
pub const MAX_ROW_BYTES: usize = 1 << 20;
/// The most fields a row may have.
const MAX_FIELDS: usize = 1000;
/// Rows per batch handed to the importer.
const BATCH: usize = 2000;

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
        "{0} không phải bộ dữ liệu (thư mục CSV, .xlsx hoặc .zip) / is not a data set (CSV folder, .xlsx or .zip)"
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

#[derive(Debug, Clone)]
enum Kind {
    Folder(PathBuf),
    Workbook(Arc<Vec<u8>>),
    /// CSV files made in memory.
    Files(Arc<Vec<(File, Vec<u8>)>>),
    /// A zip of CSV files: each entry (by its index) decompressed while it
    /// is read, every byte counted against the data set's limit.
    Zip(Arc<Vec<u8>>, Arc<Vec<(File, usize)>>, Budget),
}

/// An opened data set.
#[derive(Debug, Clone)]
pub struct DataSet {
    kind: Kind,
    limits: Limits,
    /// Files or sheets present that are not part of the format.
    pub unknown: Vec<String>,
    present: Vec<File>,
}

fn read_xlsx_names(bytes: &[u8]) -> Result<Vec<String>, SourceError> {
    let wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| SourceError::Workbook(e.to_string()))?;
    Ok(wb.sheet_names())
}

impl DataSet {
    /// Opens a folder of CSV files, a `.xlsx` workbook or a `.zip` of CSVs.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        if path.is_dir() {
            let mut present = Vec::new();
            let mut unknown = Vec::new();
            for entry in std::fs::read_dir(path)? {
                let name = entry?.file_name().to_string_lossy().to_string();
                if !name.to_lowercase().ends_with(".csv") {
                    continue;
                }
                match File::from_name(&name) {
                    Some(f) => present.push(f),
                    None => unknown.push(name),
                }
            }
            unknown.sort();
            return Ok(DataSet {
                kind: Kind::Folder(path.to_path_buf()),
                limits: Limits::default(),
                unknown,
                present,
            });
        }
        let name = path.to_string_lossy().to_string();
        let bytes = std::fs::read(path)?;
        Self::from_bytes(&name, bytes)
    }

    /// A data set given as one file (a workbook or a zip of CSVs), with the
    /// operator's limits.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Self, SourceError> {
        Self::from_bytes_limited(name, bytes, Limits::default())
    }

    /// A data set given as one file, within `limits` (an upload's are
    /// `Limits::upload`). A zip with a repeated entry name is refused; a
    /// workbook is decompressed and counted before it is opened.
    pub fn from_bytes_limited(
        name: &str,
        bytes: Vec<u8>,
        limits: Limits,
    ) -> Result<Self, SourceError> {
        if !bytes.starts_with(b"PK") {
            return Err(SourceError::NotADataSet(name.to_string()));
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes))
            .map_err(|e| SourceError::Zip(e.to_string()))?;
        crate::limits::unique_names(&mut zip)?;
        let is_workbook = zip.by_name("xl/workbook.xml").is_ok();
        if is_workbook {
            crate::limits::check_workbook(&bytes, &limits)?;
            let mut present = Vec::new();
            let mut unknown = Vec::new();
            for sheet in read_xlsx_names(&bytes)? {
                match File::from_name(&sheet) {
                    Some(f) => present.push(f),
                    None => unknown.push(sheet),
                }
            }
            return Ok(DataSet {
                kind: Kind::Workbook(Arc::new(bytes)),
                limits,
                unknown,
                present,
            });
        }
        let mut files: Vec<(File, usize)> = Vec::new();
        let mut unknown = Vec::new();
        for i in 0..zip.len() {
            let entry = zip
                .by_index(i)
                .map_err(|e| SourceError::Zip(e.to_string()))?;
            if entry.is_dir() {
                continue;
            }
            let full = entry.name().map(|n| n.to_string()).unwrap_or_default();
            let base = full.rsplit('/').next().unwrap_or(&full).to_string();
            match File::from_name(&base).filter(|_| base.to_lowercase().ends_with(".csv")) {
                // Two entries of one file (in two folders) are one too many.
                Some(f) if files.iter().any(|(g, _)| *g == f) => {
                    return Err(SourceError::DuplicateEntry(base));
                }
                Some(f) => files.push((f, i)),
                None => unknown.push(full),
            }
        }
        drop(zip);
        let present = files.iter().map(|(f, _)| *f).collect();
        let budget = Budget::new(limits.max_unzipped_bytes, "unzipped");
        Ok(DataSet {
            kind: Kind::Zip(Arc::new(bytes), Arc::new(files), budget),
            limits,
            unknown,
            present,
        })
    }

    /// A data set made in memory: files by name (without `.csv`), each its
    /// rows of text cells, the header first (the demo district's facts).
    pub fn from_tables(tables: Vec<(&str, Vec<Vec<String>>)>) -> Result<Self, SourceError> {
        let mut files = Vec::new();
        let mut unknown = Vec::new();
        for (name, rows) in tables {
            let Some(file) = File::from_name(name) else {
                unknown.push(name.to_string());
                continue;
            };
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in rows {
                w.write_record(&r)
                    .map_err(|e| SourceError::Io(std::io::Error::other(e)))?;
            }
            let bytes = w
                .into_inner()
                .map_err(|e| SourceError::Io(std::io::Error::other(e.to_string())))?;
            files.push((file, bytes));
        }
        let present = files.iter().map(|(f, _)| *f).collect();
        Ok(DataSet {
            kind: Kind::Files(Arc::new(files)),
            limits: Limits::default(),
            unknown,
            present,
        })
    }

    /// Whether the data set holds this file.
    pub fn has(&self, file: File) -> bool {
        self.present.contains(&file)
    }

    /// Reads a file's rows (the header first) on a thread of its own.
    pub fn rows(
        &self,
        file: File,
    ) -> tokio::sync::mpsc::Receiver<Result<Vec<RawRow>, SourceError>> {
        self.read(file, false)
    }

    /// Like `rows`, but keeps only the cells that could be text in an old
    /// encoding (non-ASCII, nothing beyond Latin-1), and only the rows that
    /// have one: what detecting encodings needs, at little cost.
    pub fn legacy_candidates(
        &self,
        file: File,
    ) -> tokio::sync::mpsc::Receiver<Result<Vec<RawRow>, SourceError>> {
        self.read(file, true)
    }

    fn read(
        &self,
        file: File,
        scan: bool,
    ) -> tokio::sync::mpsc::Receiver<Result<Vec<RawRow>, SourceError>> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let kind = self.kind.clone();
        let limits = self.limits;
        std::thread::spawn(move || {
            let mut header_sent = false;
            let mut send = |mut batch: Vec<RawRow>| {
                if scan {
                    let skip = usize::from(!header_sent);
                    header_sent = true;
                    for row in batch.iter_mut().skip(skip) {
                        for c in row.cells.iter_mut() {
                            if c.is_ascii() || c.chars().any(|ch| ch as u32 > 0xFF) {
                                *c = String::new();
                            }
                        }
                    }
                    let mut i = 0;
                    batch.retain(|r| {
                        i += 1;
                        i <= skip || r.cells.iter().any(|c| !c.is_empty())
                    });
                }
                tx.blocking_send(Ok(batch)).is_ok()
            };
            let result = match kind {
                Kind::Folder(dir) => find_csv(&dir, file)
                    .and_then(|p| Ok(std::fs::File::open(p)?))
                    .and_then(|f| read_csv(f, file, &mut send)),
                Kind::Files(files) => match files.iter().find(|(f, _)| *f == file) {
                    Some((_, data)) => read_csv(Cursor::new(data.as_slice()), file, &mut send),
                    None => Ok(()),
                },
                Kind::Zip(bytes, files, budget) => match files.iter().find(|(f, _)| *f == file) {
                    Some((_, index)) => zip_entry_rows(&bytes, *index, budget, file, &mut send),
                    None => Ok(()),
                },
                Kind::Workbook(bytes) => {
                    let cells = Budget::new(limits.max_cells, "cells");
                    read_sheet(Cursor::new(bytes.as_slice()), file, &cells, &mut send)
                }
            };
            if let Err(e) = result {
                let _ = tx.blocking_send(Err(e));
            }
        });
        rx
    }
}

/// The rows of one CSV entry of a zip, decompressed as they are read.
fn zip_entry_rows(
    bytes: &[u8],
    index: usize,
    budget: Budget,
    file: File,
    send: &mut dyn FnMut(Vec<RawRow>) -> bool,
) -> Result<(), SourceError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| SourceError::Zip(e.to_string()))?;
    let entry = zip
        .by_index(index)
        .map_err(|e| SourceError::Zip(e.to_string()))?;
    read_csv(
        Counted {
            inner: entry,
            budget,
        },
        file,
        send,
    )
    .map_err(|e| match e {
        SourceError::Io(io) => crate::limits::from_io(io),
        other => other,
    })
}

fn find_csv(dir: &Path, file: File) -> Result<PathBuf, SourceError> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.to_lowercase().ends_with(".csv") && File::from_name(&name) == Some(file) {
            return Ok(path);
        }
    }
    Err(SourceError::NotADataSet(format!(
        "{}/{}.csv",
        dir.display(),
        file.name()
    )))
}

/// Text of a field: UTF-8 as it is, anything else read as the Windows code
/// page (the old encodings are then found by `legacy`).
fn field_text(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::new();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// The delimiter of a CSV file: `,`, or `;`/tab when the header has those
/// and no comma (spreadsheets in some locales write them).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = head.split(|b| *b == b'\n').next().unwrap_or(head);
    let count = |c: u8| line.iter().filter(|b| **b == c).count();
    if count(b',') > 0 {
        b','
    } else if count(b';') > 0 {
        b';'
    } else if count(b'\t') > 0 {
        b'\t'
    } else {
        b','
    }
}

fn read_csv(
    mut input: impl Read,
    file: File,
    send: &mut dyn FnMut(Vec<RawRow>) -> bool,
) -> Result<(), SourceError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut len = fill(&mut input, &mut buf)?;
    if buf[..len].starts_with(&[0xFF, 0xFE]) || buf[..len].starts_with(&[0xFE, 0xFF]) {
        return Err(SourceError::Utf16(format!("{}.csv", file.name())));
    }
    let mut core = csv_core::ReaderBuilder::new()
        .delimiter(sniff_delimiter(&buf[..len]))
        .build();
    let (mut pos, mut eof) = (0usize, len == 0);
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let (mut outlen, mut endlen) = (0usize, 0usize);
    let mut line: u64 = 1;
    let mut start_line: u64 = 1;
    let mut too_long = false;
    let mut at_start = true;
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        if pos == len && !eof {
            len = fill(&mut input, &mut buf)?;
            pos = 0;
            eof = len == 0;
        }
        let chunk = &buf[pos..len];
        if at_start {
            start_line = line;
            at_start = false;
        }
        let (res, nin, nout, nend) =
            core.read_record(chunk, &mut out[outlen..], &mut ends[endlen..]);
        line += chunk[..nin].iter().filter(|b| **b == b'\n').count() as u64;
        pos += nin;
        outlen += nout;
        endlen += nend;
        use csv_core::ReadRecordResult as R;
        match res {
            R::InputEmpty => {}
            R::OutputFull => {
                if out.len() < MAX_ROW_BYTES {
                    out.resize(out.len() * 2, 0);
                } else {
                    too_long = true;
                    outlen = 0;
                }
            }
            R::OutputEndsFull => {
                if ends.len() < MAX_FIELDS {
                    ends.resize(ends.len() * 2, 0);
                } else {
                    too_long = true;
                    endlen = 0;
                }
            }
            R::Record | R::End => {
                if matches!(res, R::Record) {
                    let row = if too_long {
                        RawRow {
                            line: start_line,
                            cells: Vec::new(),
                            too_long: true,
                        }
                    } else {
                        let mut cells = Vec::with_capacity(endlen);
                        let mut from = 0;
                        for &end in &ends[..endlen] {
                            cells.push(field_text(&out[from..end]));
                            from = end;
                        }
                        RawRow {
                            line: start_line,
                            cells,
                            too_long: false,
                        }
                    };
                    if row.too_long || row.cells.iter().any(|c| !c.is_empty()) {
                        batch.push(row);
                    }
                    outlen = 0;
                    endlen = 0;
                    too_long = false;
                    at_start = true;
                    if batch.len() >= BATCH && !send(std::mem::take(&mut batch)) {
                        return Ok(());
                    }
                } else {
                    if !batch.is_empty() {
                        send(batch);
                    }
                    return Ok(());
                }
            }
        }
    }
}

fn fill(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// The text of a workbook cell: dates as `YYYY-MM-DD`, whole numbers
/// without a decimal point, other numbers as the shortest exact decimal.
fn cell_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        DataRef::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        DataRef::DateTime(d) => match d.as_datetime() {
            Some(dt) => dt.date().format("%Y-%m-%d").to_string(),
            None => d.as_f64().to_string(),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.get(..10).unwrap_or(s).to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

fn read_sheet<RS: Read + Seek>(
    input: RS,
    file: File,
    cells_left: &Budget,
    send: &mut dyn FnMut(Vec<RawRow>) -> bool,
) -> Result<(), SourceError> {
    let mut wb = Xlsx::new(input).map_err(|e| SourceError::Workbook(e.to_string()))?;
    let Some(sheet) = wb
        .sheet_names()
        .into_iter()
        .find(|s| File::from_name(s) == Some(file))
    else {
        return Ok(());
    };
    let mut cells = wb
        .worksheet_cells_reader(&sheet)
        .map_err(|e| SourceError::Workbook(e.to_string()))?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut current: Option<RawRow> = None;
    let flush = |row: RawRow, batch: &mut Vec<RawRow>| {
        if row.cells.iter().any(|c| !c.is_empty()) {
            batch.push(row);
        }
    };
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| SourceError::Workbook(e.to_string()))?
    {
        cells_left.take(1)?;
        let (r, c) = cell.get_position();
        let line = u64::from(r) + 1;
        if current.as_ref().is_some_and(|row| row.line != line) {
            if let Some(row) = current.take() {
                flush(row, &mut batch);
            }
            if batch.len() >= BATCH && !send(std::mem::take(&mut batch)) {
                return Ok(());
            }
        }
        let row = current.get_or_insert_with(|| RawRow {
            line,
            cells: Vec::new(),
            too_long: false,
        });
        let c = c as usize;
        if c >= MAX_FIELDS {
            row.too_long = true;
            continue;
        }
        if row.cells.len() <= c {
            row.cells.resize(c + 1, String::new());
        }
        row.cells[c] = cell_text(cell.get_value());
    }
    if let Some(row) = current.take() {
        flush(row, &mut batch);
    }
    if !batch.is_empty() {
        send(batch);
    }
    Ok(())
}
