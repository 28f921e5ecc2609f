//! Importing a data set: every file read in order, every row checked, and
//! everything stored in one transaction — or, on any error, nothing (with
//! `partial`, the valid rows, the rejected ones written untouched to reject
//! files). See shared/spec/interchange.md.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::text::nfc;
use treem_store::Store;

use crate::context::Ctx;
use crate::job::{ImportError, Options, Progress};
use crate::read_file::read_file;
use crate::report::{Problem, Report, file_label};
use crate::source::{DataSet, RawRow};
use crate::spec::{ColumnMap, File};
use crate::units::Units;
use crate::write_rows::writer;

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
    for name in data
        .unknown
        .iter()
        .filter(|n| n.as_str() != crate::template::GUIDE_SHEET)
    {
        report.warnings.push(Problem {
            file: name.clone(),
            line: 0,
            column: String::new(),
            value: String::new(),
            message_vi: "không thuộc định dạng trao đổi, bỏ qua".into(),
            message_en: "not part of the interchange format, ignored".into(),
        });
    }
    for (sheet, file) in &data.recognised {
        // A CSV file is read as the file, a sheet as the sheet.
        let (vi, en, name) = if sheet.to_lowercase().ends_with(".csv") {
            ("tệp", "file", format!("{}.csv", file.name()))
        } else {
            ("trang tính", "sheet", file.name().to_string())
        };
        report.warnings.push(Problem {
            file: sheet.clone(),
            line: 0,
            column: String::new(),
            value: String::new(),
            message_vi: format!("đọc như {vi} «{name}» (nhận theo tên cột)"),
            message_en: format!("read as the {en} '{name}' (known by its columns)"),
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
        children_rejected: HashSet::new(),
        schools_rejected: HashSet::new(),
        rejects: HashMap::new(),
        seen_children: Vec::new(),
        too_many_children: false,
        plan_rows: Vec::new(),
    };
    for file in File::every().filter(|f| *f != File::Manifest) {
        if data.has(file) {
            read_file(&mut ctx, data, file, progress).await?;
        }
    }
    // No more batches: wait for the writer to store what it has.
    ctx.jobs = None;
    while let Some(r) = ctx.done.recv().await {
        ctx.take(r?)?;
    }
    let mut tx = writer
        .await
        .map_err(|e| ImportError::Reject(e.to_string()))?;
    crate::returns_file::apply(&mut ctx, store, tx.as_mut()).await?;
    crate::plan_files::check::apply(&mut ctx, store, tx.as_mut()).await?;
    for w in ctx.rejects.values_mut() {
        w.flush().map_err(|e| ImportError::Reject(e.to_string()))?;
    }
    let seen = std::mem::take(&mut ctx.seen_children);
    let too_many = ctx.too_many_children;
    let mut report = ctx.report;
    if report.files.iter().all(|f| f.rows == 0) {
        report.push(nothing_read(data));
    }
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
    if !seen.is_empty() {
        crate::duplicates::flag(
            store,
            &seen,
            too_many,
            opts.scope.as_ref(),
            opts.workbook,
            &mut report,
        )
        .await?;
    }
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

/// The error of a data set from which no row was read: storing it would
/// store nothing while saying it was stored.
fn nothing_read(data: &DataSet) -> Problem {
    let any_file = File::every().any(|f| f != File::Manifest && data.has(f));
    let (vi, en) = if any_file {
        (
            "không có dòng dữ liệu nào dưới dòng tên cột: không có gì để lưu",
            "no data row under the header row: nothing to store",
        )
    } else {
        (
            "không có trang tính hay tệp nào đọc được: hãy đặt tên trang tính theo tệp của định dạng (children, measurements…) hoặc để dòng đầu là các tên cột của tệp đó (xem tệp mẫu)",
            "no sheet or file could be read: name each sheet after a file of the format (children, measurements…) or make its first row that file's column names (see the template)",
        )
    };
    Problem {
        file: String::new(),
        line: 0,
        column: String::new(),
        value: String::new(),
        message_vi: vi.into(),
        message_en: en.into(),
    }
}
