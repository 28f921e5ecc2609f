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
    /// A folder, with the path each file is read from.
    Folder(Arc<Vec<(File, PathBuf)>>),
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

/// Where each file of a data set is: the sheets or CSV files named after a
/// file, then those recognised by their header; the others are unknown. A
/// file named by a sheet or CSV is not looked for elsewhere; two unnamed
/// ones with one file's header are both left unread (never guessed).
struct Found<K> {
    files: Vec<(File, K)>,
    recognised: Vec<(String, File)>,
    unknown: Vec<String>,
}

/// `named`: (file, where) found by name; `unnamed`: (its name, where, the
/// file its header matches).
fn assign<K>(mut named: Vec<(File, K)>, unnamed: Vec<(String, K, Option<File>)>) -> Found<K> {
    let counts = |f: &File| {
        unnamed
            .iter()
            .filter(|(_, _, g)| g.as_ref() == Some(f))
            .count()
    };
    let chosen: Vec<bool> = unnamed
        .iter()
        .map(|(_, _, file)| {
            file.is_some_and(|f| !named.iter().any(|(g, _)| *g == f) && counts(&f) == 1)
        })
        .collect();
    let mut recognised = Vec::new();
    let mut unknown = Vec::new();
    for ((name, at, file), take) in unnamed.into_iter().zip(chosen) {
        match file {
            Some(f) if take => {
                recognised.push((name, f));
                named.push((f, at));
            }
            _ => unknown.push(name),
        }
    }
    unknown.sort();
    Found {
        files: named,
        recognised,
        unknown,
    }
}

fn workbook_sheets(bytes: &[u8]) -> Result<Found<String>, SourceError> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| SourceError::Workbook(e.to_string()))?;
    let names = wb.sheet_names();
    let mut files: Vec<(File, String)> = Vec::new();
    let mut unnamed = Vec::new();
    for sheet in names {
        match File::from_name(&sheet) {
            Some(f) if !files.iter().any(|(g, _)| *g == f) => files.push((f, sheet)),
            Some(_) => unnamed.push((sheet.clone(), sheet, None)),
            None => {
                // A sheet without cells to read (a chart sheet) is no file.
                let header = sheet_header(&mut wb, &sheet).ok();
                let file = header.and_then(|h| File::from_header(&h));
                unnamed.push((sheet.clone(), sheet, file));
            }
        }
    }
    Ok(assign(files, unnamed))
}

/// The first record of a CSV file (its header), read from at most its
/// first 64 KB; empty when there is none.
fn csv_header(reader: impl std::io::Read) -> Vec<String> {
    let mut head = Vec::new();
    if std::io::Read::read_to_end(&mut reader.take(64 * 1024), &mut head).is_err() {
        return Vec::new();
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text)
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

impl DataSet {
    /// Opens a folder of CSV files, a `.xlsx` workbook or a `.zip` of CSVs.
    pub fn open(path: &Path) -> Result<Self, SourceError> {
        if path.is_dir() {
            let mut named: Vec<(File, PathBuf)> = Vec::new();
            let mut unnamed = Vec::new();
            let mut entries: Vec<PathBuf> = Vec::new();
            for entry in std::fs::read_dir(path)? {
                entries.push(entry?.path());
            }
            entries.sort();
            for p in entries {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                if !name.to_lowercase().ends_with(".csv") || !p.is_file() {
                    continue;
                }
                match File::from_name(&name) {
                    Some(f) if !named.iter().any(|(g, _)| *g == f) => named.push((f, p)),
                    Some(_) => unnamed.push((name, p, None)),
                    None => {
                        let header = std::fs::File::open(&p).map(csv_header).unwrap_or_default();
                        unnamed.push((name, p, File::from_header(&header)));
                    }
                }
            }
            let found = assign(named, unnamed);
            return Ok(DataSet {
                present: found.files.iter().map(|(f, _)| *f).collect(),
                kind: Kind::Folder(Arc::new(found.files)),
                limits: Limits::default(),
                unknown: found.unknown,
                recognised: found.recognised,
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
        let mut named: Vec<(File, usize)> = Vec::new();
        let mut unnamed = Vec::new();
        let budget = Budget::new(limits.max_unzipped_bytes, "unzipped");
        for i in 0..zip.len() {
            let entry = zip
                .by_index(i)
                .map_err(|e| SourceError::Zip(e.to_string()))?;
            if entry.is_dir() {
                continue;
            }
            let full = entry.name().map(|n| n.to_string()).unwrap_or_default();
            let base = full.rsplit('/').next().unwrap_or(&full).to_string();
            let csv = base.to_lowercase().ends_with(".csv");
            match File::from_name(&base).filter(|_| csv) {
                // Two entries of one file (in two folders) are one too many.
                Some(f) if named.iter().any(|(g, _)| *g == f) => {
                    return Err(SourceError::DuplicateEntry(base));
                }
                Some(f) => named.push((f, i)),
                // A CSV named otherwise is known by its header (its first
                // 64 KB, counted against the limit).
                None if csv => {
                    budget.take(64 * 1024)?;
                    let header = csv_header(entry);
                    unnamed.push((full, i, File::from_header(&header)));
                }
                None => unnamed.push((full, i, None)),
            }
        }
        drop(zip);
        let found = assign(named, unnamed);
        let present = found.files.iter().map(|(f, _)| *f).collect();
        Ok(DataSet {
            kind: Kind::Zip(Arc::new(bytes), Arc::new(found.files), budget),
            limits,
            unknown: found.unknown,
            recognised: found.recognised,
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
            None => File::from_header(&csv_header(bytes.as_slice()))
                .ok_or_else(|| SourceError::NotADataSet(name.to_string()))?,
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
                Kind::Folder(files) => match files.iter().find(|(f, _)| *f == file) {
                    Some((_, path)) => std::fs::File::open(path)
                        .map_err(SourceError::from)
                        .and_then(|f| read_csv(f, file, &mut send)),
                    None => Ok(()),
                },
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
