//! Importing a data set: every file read in order, every row checked, and
//! everything stored in one transaction — or, on any error, nothing (with
//! `partial`, the valid rows, the rejected ones written untouched to reject
//! files). See shared/spec/interchange.md.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::text::nfc;
use treem_store::{Store, StoreError};
use unicode_normalization::UnicodeNormalization;

use crate::legacy::{self, Detector, Legacy};
use crate::records::{self, Cells, FieldError};
use crate::report::{Conversion, FileReport, Problem, Report, file_label};
use crate::source::{DataSet, RawRow, SourceError};
use crate::spec::{ColumnMap, File};
use crate::units::{UnitError, Units};
use crate::write_rows::{Done, Job, MISSING_CHILD_EN, MISSING_SCHOOL_EN, Parsed, writer};

/// Rows checked before they are stored together.
const FLUSH_ROWS: usize = 2000;

/// How an import runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Overrides the manifest's `as_of`.
    pub as_of: Option<NaiveDate>,
    /// Store the valid rows even when others are rejected.
    pub partial: bool,
    /// Check everything, store nothing.
    pub check_only: bool,
    /// Who imports (for the audit log and versions).
    pub actor: String,
    pub actor_id: Option<i64>,
    /// The unit versions the importer may write to (`None`: all).
    pub scope: Option<HashSet<i64>>,
    /// Today in Vietnam: nothing may be dated after it.
    pub today: NaiveDate,
    /// Where `partial` writes rejected rows (one CSV per file).
    pub reject_dir: Option<PathBuf>,
    /// Whether the data set is a workbook (how files are named in reports).
    pub workbook: bool,
}

/// Told about progress (a terminal bar; nothing on a web request).
pub trait Progress: Send + Sync {
    fn start(&self, file: &str);
    fn advance(&self, rows: u64);
    fn finish(&self);
}

/// No progress shown.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// An import that could not run (as opposed to a data set with errors,
/// which is a report).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("reject file: {0}")]
    Reject(String),
}

/// A 128-bit fingerprint, for keys and values seen (5 million keys fit in
/// a little memory, and a collision is out of reach).
pub(crate) fn fingerprint(value: &impl Hash) -> u128 {
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = std::collections::hash_map::DefaultHasher::new();
    0u8.hash(&mut a);
    1u8.hash(&mut b);
    value.hash(&mut a);
    value.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// The fingerprint of a value's `Debug` form, written straight into the
/// hashers (no string is built: this runs for every row).
pub(crate) fn fingerprint_debug(value: &impl std::fmt::Debug) -> u128 {
    struct Both(
        std::collections::hash_map::DefaultHasher,
        std::collections::hash_map::DefaultHasher,
    );
    impl std::fmt::Write for Both {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            self.1.write(s.as_bytes());
            Ok(())
        }
    }
    let mut b = Both(Default::default(), Default::default());
    0u8.hash(&mut b.0);
    1u8.hash(&mut b.1);
    let _ = std::fmt::Write::write_fmt(&mut b, format_args!("{value:?}"));
    (u128::from(b.0.finish()) << 64) | u128::from(b.1.finish())
}

/// What every file's reading shares.
pub(crate) struct Ctx<'a> {
    pub opts: &'a Options,
    pub units: Units,
    pub as_of: NaiveDate,
    /// Batches for the writer; `None` once all are sent.
    jobs: Option<tokio::sync::mpsc::Sender<Job>>,
    done: tokio::sync::mpsc::UnboundedReceiver<Result<Done, StoreError>>,
    /// Each file's header as read, for its reject file.
    headers: HashMap<File, Vec<String>>,
    pub report: Report,
    /// Child codes of children.csv rows, and of those rejected.
    pub children_seen: HashSet<u128>,
    pub children_rejected: HashSet<u128>,
    pub schools_seen: HashSet<u128>,
    pub schools_rejected: HashSet<u128>,
    rejects: HashMap<File, csv::Writer<std::fs::File>>,
}

/// A row waiting to be stored, with what is needed to reject it later.
pub(crate) struct Pending {
    pub line: u64,
    pub raw: Vec<String>,
    pub parsed: Parsed,
}

impl Ctx<'_> {
    pub(crate) fn label(&self, file: File) -> String {
        file_label(file, self.opts.workbook)
    }

    pub(crate) fn problem(&mut self, file: File, line: u64, e: FieldError) {
        let p = Problem {
            file: self.label(file),
            line,
            column: e.column.to_string(),
            value: e.value,
            message_vi: e.vi,
            message_en: e.en,
        };
        self.report.push(p);
    }

    /// Records a rejected row: its problems, and in `partial` mode the row
    /// itself, untouched, in the file's reject file.
    pub(crate) fn reject(
        &mut self,
        file: File,
        header: &[String],
        line: u64,
        raw: &[String],
        errors: Vec<FieldError>,
    ) -> Result<(), ImportError> {
        for e in errors {
            self.problem(file, line, e);
        }
        let label = self.label(file);
        if let Some(fr) = self.report.files.iter_mut().find(|f| f.file == label) {
            fr.rejected += 1;
        }
        if !self.opts.partial {
            return Ok(());
        }
        let Some(dir) = &self.opts.reject_dir else {
            return Ok(());
        };
        let fail = |e: &dyn std::fmt::Display| ImportError::Reject(e.to_string());
        let w = match self.rejects.entry(file) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
                let path = dir.join(format!("{}.csv", file.name()));
                let mut w = csv::Writer::from_path(&path).map_err(|e| fail(&e))?;
                w.write_record(header).map_err(|e| fail(&e))?;
                v.insert(w)
            }
        };
        w.write_record(raw).map_err(|e| fail(&e))?;
        Ok(())
    }

    /// Hands a batch to the writer, taking in what it has finished since.
    async fn send(&mut self, file: File, rows: Vec<Pending>) -> Result<(), ImportError> {
        if rows.is_empty() {
            return Ok(());
        }
        if let Some(jobs) = &self.jobs
            && jobs.send(Job { file, rows }).await.is_err()
        {
            // The writer stopped on a database error; it is in `done`.
            while let Some(r) = self.done.recv().await {
                self.take(r?)?;
            }
        }
        while let Ok(r) = self.done.try_recv() {
            self.take(r?)?;
        }
        Ok(())
    }

    /// Takes in what the writer did with a batch: tallies and refused rows.
    fn take(&mut self, done: Done) -> Result<(), ImportError> {
        let label = self.label(done.file);
        if let Some(fr) = self.report.files.iter_mut().find(|f| f.file == label) {
            fr.written += done.upserted.written;
            fr.unchanged += done.upserted.unchanged;
        }
        let header = self.headers.get(&done.file).cloned().unwrap_or_default();
        for mut r in done.refused {
            // A reference to a row this data set holds but rejected says so.
            let code = fingerprint(&r.error.value);
            if r.error.en == MISSING_CHILD_EN && self.children_rejected.contains(&code) {
                r.error.vi = "dòng của trẻ này trong tệp trẻ em bị từ chối".into();
                r.error.en = "this child's row in the children file was rejected".into();
            }
            if r.error.en == MISSING_SCHOOL_EN && self.schools_rejected.contains(&code) {
                r.error.vi = "dòng của trường này trong tệp trường học bị từ chối".into();
                r.error.en = "this school's rows in the schools file were rejected".into();
            }
            self.reject(done.file, &header, r.line, &r.raw, vec![r.error])?;
        }
        Ok(())
    }

    /// The unit of a commune code on a date, checked against the scope.
    pub(crate) fn commune(
        &self,
        column: &'static str,
        code: &str,
        on: NaiveDate,
    ) -> Result<i64, FieldError> {
        let fail = |vi: String, en: String| FieldError {
            column,
            value: code.to_string(),
            vi,
            en,
        };
        let id = self.units.commune(code, on).map_err(|e| match e {
            UnitError::NotValid => fail(
                format!("không có xã mang mã này vào ngày {}", on.format("%d/%m/%Y")),
                format!("no commune has this code on {on}"),
            ),
            UnitError::NotACommune => {
                fail("không phải mã xã".into(), "is not a commune code".into())
            }
        })?;
        self.in_scope(id).map_err(|(vi, en)| fail(vi, en))?;
        Ok(id)
    }

    pub(crate) fn in_scope(&self, unit: i64) -> Result<(), (String, String)> {
        match &self.opts.scope {
            Some(s) if !s.contains(&unit) => Err((
                "ngoài phạm vi đơn vị của tài khoản".into(),
                "outside the account's unit".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// Imports a data set into the store.
pub async fn import(
    store: &dyn Store,
    data: &DataSet,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Report, ImportError> {
    let units = Units::new(store.units().await?);
    let mut report = Report {
        checked_only: opts.check_only,
        ..Report::default()
    };
    for name in &data.unknown {
        report.warnings.push(Problem {
            file: name.clone(),
            line: 0,
            column: String::new(),
            value: String::new(),
            message_vi: "không thuộc định dạng trao đổi, bỏ qua".into(),
            message_en: "not part of the interchange format, ignored".into(),
        });
    }
    let (manifest_as_of, source) = read_manifest(data, opts, &mut report).await?;
    let as_of = opts.as_of.or(manifest_as_of).unwrap_or(opts.today);
    report.as_of = Some(as_of);
    report.source = source;
    let tx = store.begin_import().await?;
    let (jobs, job_rx) = tokio::sync::mpsc::channel(2);
    let (done_tx, done) = tokio::sync::mpsc::unbounded_channel();
    let writer = tokio::spawn(writer(
        tx,
        opts.actor.clone(),
        opts.scope.clone(),
        job_rx,
        done_tx,
    ));
    let mut ctx = Ctx {
        opts,
        units,
        as_of,
        jobs: Some(jobs),
        done,
        headers: HashMap::new(),
        report,
        children_seen: HashSet::new(),
        children_rejected: HashSet::new(),
        schools_seen: HashSet::new(),
        schools_rejected: HashSet::new(),
        rejects: HashMap::new(),
    };
    for file in File::ALL.into_iter().filter(|f| *f != File::Manifest) {
        if data.has(file) {
            read_file(&mut ctx, data, file, progress).await?;
        }
    }
    // No more batches: wait for the writer to store what it has.
    ctx.jobs = None;
    while let Some(r) = ctx.done.recv().await {
        ctx.take(r?)?;
    }
    let tx = writer
        .await
        .map_err(|e| ImportError::Reject(e.to_string()))?;
    for w in ctx.rejects.values_mut() {
        w.flush().map_err(|e| ImportError::Reject(e.to_string()))?;
    }
    let mut report = ctx.report;
    let failed = report.problem_count() > 0;
    if opts.check_only || (failed && !opts.partial) {
        // Dropping the transaction rolls it back: nothing was stored.
        drop(tx);
        return Ok(report);
    }
    let mut audit = AuditEvent::system(&opts.actor, "dataset.import", "dataset", "");
    audit.actor_id = opts.actor_id;
    audit.detail = report
        .files
        .iter()
        .map(|f| format!("{} {}+{}", f.file, f.written, f.unchanged))
        .collect::<Vec<_>>()
        .join(", ");
    tx.commit(audit).await?;
    report.stored = true;
    Ok(report)
}

async fn read_manifest(
    data: &DataSet,
    opts: &Options,
    report: &mut Report,
) -> Result<(Option<NaiveDate>, Option<String>), ImportError> {
    if !data.has(File::Manifest) {
        return Ok((None, None));
    }
    let label = file_label(File::Manifest, opts.workbook);
    let mut rx = data.rows(File::Manifest);
    let mut rows: Vec<RawRow> = Vec::new();
    while let Some(batch) = rx.recv().await {
        rows.extend(batch?);
        if rows.len() > 3 {
            break;
        }
    }
    let Some((header, body)) = rows.split_first() else {
        return Ok((None, None));
    };
    let map = ColumnMap::new(File::Manifest, &header.cells);
    let Some(row) = body.first() else {
        return Ok((None, None));
    };
    let get = |i: usize| {
        map.positions[i]
            .and_then(|p| row.cells.get(p))
            .map(|s| nfc(s.trim()))
            .unwrap_or_default()
    };
    let (as_of_text, source) = (get(0), get(1));
    let as_of = if as_of_text.is_empty() {
        None
    } else {
        match crate::cell::date(&as_of_text) {
            Some(d) => Some(d),
            None => {
                report.push(Problem {
                    file: label.clone(),
                    line: row.line,
                    column: "as_of".into(),
                    value: as_of_text.clone(),
                    message_vi: "không phải ngày (yyyy-mm-dd hoặc dd/mm/yyyy)".into(),
                    message_en: "is not a date (yyyy-mm-dd or dd/mm/yyyy)".into(),
                });
                None
            }
        }
    };
    if body.len() > 1 {
        report.warnings.push(Problem {
            file: label,
            line: body[1].line,
            column: String::new(),
            value: String::new(),
            message_vi: "tệp manifest chỉ có một dòng; các dòng sau bị bỏ qua".into(),
            message_en: "the manifest has one row; later rows are ignored".into(),
        });
    }
    Ok((as_of, (!source.is_empty()).then_some(source)))
}

/// Finds the columns of a file written in an old encoding (a first pass
/// over the file).
async fn detect(data: &DataSet, file: File) -> Result<Vec<Option<Legacy>>, ImportError> {
    let mut rx = data.legacy_candidates(file);
    let mut map: Option<ColumnMap> = None;
    let n = file.columns().len();
    let mut detectors = vec![Detector::default(); n];
    while let Some(batch) = rx.recv().await {
        for row in batch? {
            let Some(m) = &map else {
                map = Some(ColumnMap::new(file, &row.cells));
                continue;
            };
            for (i, pos) in m.positions.iter().enumerate() {
                if let Some(v) = pos.and_then(|p| row.cells.get(p)) {
                    detectors[i].add(v);
                }
            }
        }
    }
    Ok(detectors.iter().map(Detector::verdict).collect())
}

/// The cells of a row in the file's column order: converted from an old
/// encoding where the column is one, NFC, trimmed, the export's formula
/// prefix removed; with the fields that are too long.
fn normalise(
    file: File,
    map: &ColumnMap,
    verdicts: &[Option<Legacy>],
    converted: &mut [u64],
    raw: &[String],
) -> (Vec<String>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let cells = file
        .columns()
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let Some(v) = map.positions[i].and_then(|p| raw.get(p)) else {
                return String::new();
            };
            let v: std::borrow::Cow<'_, str> = match verdicts[i].and_then(|l| legacy::convert(l, v))
            {
                Some(c) => {
                    converted[i] += 1;
                    c.into()
                }
                // Most cells are ASCII or already NFC: no copy for them.
                None if unicode_normalization::is_nfc_quick(v.chars())
                    == unicode_normalization::IsNormalized::Yes =>
                {
                    v.as_str().into()
                }
                None => v.nfc().collect::<String>().into(),
            };
            let v = v.trim();
            let v = if col.text {
                crate::cell::unescape(v)
            } else {
                v
            };
            if v.chars().count() > treem_domain::child_input::MAX_FIELD_CHARS {
                errors.push(FieldError {
                    column: col.name,
                    value: v.chars().take(40).collect::<String>() + "…",
                    vi: format!(
                        "dài quá {} ký tự",
                        treem_domain::child_input::MAX_FIELD_CHARS
                    ),
                    en: format!(
                        "longer than {} characters",
                        treem_domain::child_input::MAX_FIELD_CHARS
                    ),
                });
            }
            v.to_string()
        })
        .collect();
    (cells, errors)
}

async fn read_file(
    ctx: &mut Ctx<'_>,
    data: &DataSet,
    file: File,
    progress: &dyn Progress,
) -> Result<(), ImportError> {
    let label = ctx.label(file);
    ctx.report.files.push(FileReport {
        file: label.clone(),
        ..FileReport::default()
    });
    let verdicts = detect(data, file).await?;
    let mut converted = vec![0u64; verdicts.len()];
    progress.start(&label);
    let mut rx = data.rows(file);
    let mut header: Option<(Vec<String>, ColumnMap)> = None;
    let mut keys: HashMap<u128, (u128, u64)> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(FLUSH_ROWS);
    while let Some(batch) = rx.recv().await {
        let batch = batch?;
        progress.advance(batch.len() as u64);
        for raw in batch {
            let Some((head, map)) = &header else {
                let map = ColumnMap::new(file, &raw.cells);
                if !check_header(ctx, file, &map) {
                    // Without its required columns the file is not read; its
                    // rows count as rejected.
                    let mut rest = 0;
                    while let Some(b) = rx.recv().await {
                        rest += b?.len() as u64;
                    }
                    if let Some(fr) = ctx.report.files.last_mut() {
                        fr.rejected = rest;
                        fr.rows = rest;
                    }
                    progress.finish();
                    return Ok(());
                }
                ctx.headers.insert(file, raw.cells.clone());
                header = Some((raw.cells, map));
                continue;
            };
            if let Some(fr) = ctx.report.files.last_mut() {
                fr.rows += 1;
            }
            if raw.too_long {
                let e = FieldError {
                    column: "",
                    value: String::new(),
                    vi: format!(
                        "dòng quá dài (quá {} byte) hoặc quá nhiều cột",
                        crate::source::MAX_ROW_BYTES
                    ),
                    en: format!(
                        "row too long (over {} bytes) or too many columns",
                        crate::source::MAX_ROW_BYTES
                    ),
                };
                ctx.reject(file, head, raw.line, &raw.cells, vec![e])?;
                continue;
            }
            let (cells, mut errors) = normalise(file, map, &verdicts, &mut converted, &raw.cells);
            if file == File::Children {
                let key = fingerprint(&cells[0]);
                ctx.children_seen.insert(key);
            }
            if file == File::Schools {
                ctx.schools_seen.insert(fingerprint(&cells[0]));
            }
            let parsed = if errors.is_empty() {
                parse(ctx, file, &cells)
            } else {
                Err(std::mem::take(&mut errors))
            };
            let parsed = parsed.and_then(|p| {
                let (key, value) = p.key_and_value();
                match keys.get(&key) {
                    None => {
                        keys.insert(key, (value, raw.line));
                        Ok(Some(p))
                    }
                    // The same row again once read: nothing more to store.
                    Some((v, _)) if *v == value => Ok(None),
                    Some((_, first)) => Err(vec![FieldError {
                        column: file.columns()[0].name,
                        value: cells[0].clone(),
                        vi: format!("trùng khoá với dòng {first} nhưng khác nội dung"),
                        en: format!("same key as line {first} with different values"),
                    }]),
                }
            });
            match parsed {
                Ok(Some(p)) => pending.push(Pending {
                    line: raw.line,
                    raw: raw.cells,
                    parsed: p,
                }),
                Ok(None) => {}
                Err(errors) => {
                    if file == File::Children {
                        ctx.children_rejected.insert(fingerprint(&cells[0]));
                    }
                    if file == File::Schools {
                        ctx.schools_rejected.insert(fingerprint(&cells[0]));
                    }
                    ctx.reject(file, head, raw.line, &raw.cells, errors)?;
                }
            }
            if pending.len() >= FLUSH_ROWS {
                ctx.send(file, std::mem::take(&mut pending)).await?;
            }
        }
    }
    ctx.send(file, pending).await?;
    for (i, n) in converted.iter().enumerate() {
        if let (Some(l), true) = (verdicts[i], *n > 0) {
            ctx.report.conversions.push(Conversion {
                file: label.clone(),
                column: file.columns()[i].name.to_string(),
                encoding: l.name(),
                values: *n,
            });
        }
    }
    progress.finish();
    Ok(())
}

/// Checks a header: a missing required column is an error (the file is not
/// read), an unknown or repeated one a warning.
fn check_header(ctx: &mut Ctx<'_>, file: File, map: &ColumnMap) -> bool {
    let label = ctx.label(file);
    for h in &map.unknown {
        ctx.report.warnings.push(Problem {
            file: label.clone(),
            line: 1,
            column: h.clone(),
            value: String::new(),
            message_vi: "cột không thuộc định dạng, bỏ qua".into(),
            message_en: "unknown column, ignored".into(),
        });
    }
    for h in &map.repeated {
        ctx.report.warnings.push(Problem {
            file: label.clone(),
            line: 1,
            column: h.clone(),
            value: String::new(),
            message_vi: "cột lặp lại; dùng cột đầu tiên".into(),
            message_en: "repeated column; the first is used".into(),
        });
    }
    for c in &map.missing {
        ctx.report.push(Problem {
            file: label.clone(),
            line: 1,
            column: c.to_string(),
            value: String::new(),
            message_vi: "thiếu cột bắt buộc".into(),
            message_en: "required column missing".into(),
        });
    }
    map.missing.is_empty()
}

fn parse(ctx: &Ctx<'_>, file: File, values: &[String]) -> Result<Parsed, Vec<FieldError>> {
    let cells = Cells { file, values };
    let today = ctx.opts.today;
    // The commune is resolved even when other fields fail, so that every
    // problem of the row is reported at once.
    let commune = |on: Option<NaiveDate>| -> Result<i64, Vec<FieldError>> {
        let code = cells.get("commune_code");
        match on {
            Some(on) if !code.is_empty() => {
                ctx.commune("commune_code", code, on).map_err(|e| vec![e])
            }
            _ => Err(Vec::new()),
        }
    };
    fn both<T, U>(
        a: Result<T, Vec<FieldError>>,
        b: Result<U, Vec<FieldError>>,
    ) -> Result<(T, U), Vec<FieldError>> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (a, b) => {
                let mut errors = a.err().unwrap_or_default();
                errors.extend(b.err().unwrap_or_default());
                Err(errors)
            }
        }
    }
    Ok(match file {
        File::Manifest => return Err(Vec::new()),
        File::Children => {
            let (c, unit) = both(records::child(&cells, today), commune(Some(ctx.as_of)))?;
            Parsed::Child(Box::new(treem_store::NewChild::new(c, unit)))
        }
        File::Measurements => Parsed::Measurement(records::measurement(&cells, today)?),
        File::Enrolments => Parsed::Enrolment(records::enrolment(&cells, today)?),
        File::Schools => {
            let (s, unit) = both(records::school(&cells, today), commune(Some(ctx.as_of)))?;
            Parsed::School(s, unit)
        }
        File::CommuneAssessments => {
            let year = crate::cell::integer(cells.get("year"))
                .and_then(|y| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, 12, 31));
            let (a, unit) = both(records::assessment(&cells, today), commune(year))?;
            Parsed::Assessment(a, unit)
        }
        File::Disasters => {
            let on = crate::cell::date(cells.get("occurred_on"));
            let (d, unit) = both(records::disaster(&cells, today), commune(on))?;
            Parsed::Disaster(d, unit)
        }
        File::Participation => Parsed::Participation(records::participation(&cells, today)?),
        File::Cases => Parsed::Case(records::case(&cells, today)?),
    })
}
