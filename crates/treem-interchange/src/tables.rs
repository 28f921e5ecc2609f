//! Reading the rows of one table: a CSV file (any delimiter, UTF-8 or an old
//! Windows code page), a CSV entry of a zip decompressed as it is read, or
//! a workbook's sheet — every row capped in size and handed over in batches.

use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, Reader, Xlsx};

use crate::limits::{Budget, Counted, from_io};
use crate::raw::{BATCH, MAX_FIELDS, MAX_ROW_BYTES, RawRow, SourceError};
use crate::spec::File;

/// The rows of one CSV entry of a zip, decompressed as they are read.
pub(crate) fn zip_entry_rows(
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
        SourceError::Io(io) => from_io(io),
        other => other,
    })
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

pub(crate) fn read_csv(
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

pub(crate) fn read_sheet<RS: Read + Seek>(
    input: RS,
    sheet: &str,
    cells_left: &Budget,
    send: &mut dyn FnMut(Vec<RawRow>) -> bool,
) -> Result<(), SourceError> {
    let mut wb = Xlsx::new(input).map_err(|e| SourceError::Workbook(e.to_string()))?;
    let mut cells = wb
        .worksheet_cells_reader(sheet)
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

/// The first row with text of a workbook's sheet (its header), read cell
/// by cell without the rest of the sheet; at most `MAX_FIELDS` cells.
pub(crate) fn sheet_header<RS: Read + Seek>(
    wb: &mut Xlsx<RS>,
    sheet: &str,
) -> Result<Vec<String>, SourceError> {
    let mut cells = wb
        .worksheet_cells_reader(sheet)
        .map_err(|e| SourceError::Workbook(e.to_string()))?;
    let mut header: Vec<String> = Vec::new();
    let mut line = None;
    let mut read = 0;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| SourceError::Workbook(e.to_string()))?
    {
        read += 1;
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value());
        if line.is_some_and(|l| l != r) || read > MAX_FIELDS * 4 {
            break;
        }
        if text.trim().is_empty() {
            continue;
        }
        line = Some(r);
        let c = c as usize;
        if c >= MAX_FIELDS {
            break;
        }
        if header.len() <= c {
            header.resize(c + 1, String::new());
        }
        header[c] = text;
    }
    Ok(header)
}
