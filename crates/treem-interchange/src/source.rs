//! Where a data set's rows come from: a folder of CSV files, one workbook,
//! or a zip of CSV files (what an officer uploads). Rows are read on their
//! own thread and handed over in small batches through a bounded channel,
//! so memory stays bounded whatever the file holds, and reading overlaps
//! with checking and storing.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Reader, Xlsx};

use crate::limits::{Budget, Limits};
pub use crate::raw::{MAX_ROW_BYTES, RawRow, SourceError};
use crate::spec::File;
use crate::tables::{read_csv, read_sheet, sheet_header, zip_entry_rows};

#[derive(Debug, Clone)]
enum Kind {
    Folder(PathBuf),
    /// A workbook, with the sheet each file is read from.
    Workbook(Arc<Vec<u8>>, Arc<Vec<(File, String)>>),
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
    /// Sheets whose name is not a file's but whose header is: (sheet, file).
    pub recognised: Vec<(String, File)>,
    present: Vec<File>,
}

/// A workbook's sheets: those named after a file, those recognised by
/// their header, and the others. A file named by a sheet is not looked for
/// elsewhere; two sheets with one file's header are left unread.
struct Sheets {
    files: Vec<(File, String)>,
    recognised: Vec<(String, File)>,
    unknown: Vec<String>,
}

fn workbook_sheets(bytes: &[u8]) -> Result<Sheets, SourceError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| SourceError::Workbook(e.to_string()))?;
    let names = wb.sheet_names();
    let mut files: Vec<(File, String)> = Vec::new();
    let mut unnamed = Vec::new();
    for sheet in names {
        match File::from_name(&sheet) {
            Some(f) if !files.iter().any(|(g, _)| *g == f) => files.push((f, sheet)),
            Some(_) => unnamed.push((sheet, None)),
            None => {
                // A sheet without cells to read (a chart sheet) is no file.
                let header = sheet_header(&mut wb, &sheet).ok();
                let file = header.and_then(|h| File::from_header(&h));
                unnamed.push((sheet, file));
            }
        }
    }
    let mut recognised = Vec::new();
    let mut unknown = Vec::new();
    for (sheet, file) in &unnamed {
        let taken = |f: &File| files.iter().any(|(g, _)| g == f);
        let twice = |f: &File| {
            unnamed
                .iter()
                .filter(|(_, g)| g.as_ref() == Some(f))
                .count()
                > 1
        };
        match file {
            Some(f) if !taken(f) && !twice(f) => recognised.push((sheet.clone(), *f)),
            _ => unknown.push(sheet.clone()),
        }
    }
    for (sheet, f) in &recognised {
        files.push((*f, sheet.clone()));
    }
    Ok(Sheets {
        files,
        recognised,
        unknown,
    })
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
                recognised: Vec::new(),
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
            return Self::one_csv(name, bytes, limits);
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes))
            .map_err(|e| SourceError::Zip(e.to_string()))?;
        crate::limits::unique_names(&mut zip)?;
        let is_workbook = zip.by_name("xl/workbook.xml").is_ok();
        if is_workbook {
            crate::limits::check_workbook(&bytes, &limits)?;
            let sheets = workbook_sheets(&bytes)?;
            return Ok(DataSet {
                present: sheets.files.iter().map(|(f, _)| *f).collect(),
                kind: Kind::Workbook(Arc::new(bytes), Arc::new(sheets.files)),
                limits,
                unknown: sheets.unknown,
                recognised: sheets.recognised,
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
            recognised: Vec::new(),
            present,
        })
    }

    /// A single CSV file (an upload of `children.csv`, or of a file named
    /// otherwise whose header is one file's): that file alone.
    fn one_csv(name: &str, bytes: Vec<u8>, limits: Limits) -> Result<Self, SourceError> {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        if !base.to_lowercase().ends_with(".csv") {
            return Err(SourceError::NotADataSet(name.to_string()));
        }
        let by_name = File::from_name(base).filter(|f| *f != File::Manifest);
        let file = match by_name {
            Some(f) => f,
            None => {
                let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let header: Vec<String> = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(text)
                    .records()
                    .next()
                    .and_then(Result::ok)
                    .map(|r| r.iter().map(str::to_string).collect())
                    .unwrap_or_default();
                File::from_header(&header)
                    .ok_or_else(|| SourceError::NotADataSet(name.to_string()))?
            }
        };
        Ok(DataSet {
            kind: Kind::Files(Arc::new(vec![(file, bytes)])),
            limits,
            unknown: Vec::new(),
            recognised: if by_name.is_some() {
                Vec::new()
            } else {
                vec![(base.to_string(), file)]
            },
            present: vec![file],
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
            recognised: Vec::new(),
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
                Kind::Workbook(bytes, sheets) => match sheets.iter().find(|(f, _)| *f == file) {
                    Some((_, sheet)) => {
                        let cells = Budget::new(limits.max_cells, "cells");
                        read_sheet(Cursor::new(bytes.as_slice()), sheet, &cells, &mut send)
                    }
                    None => Ok(()),
                },
            };
            if let Err(e) = result {
                let _ = tx.blocking_send(Err(e));
            }
        });
        rx
    }
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
