//! What the reading of every file of an import shares: the report, the
//! writer's channel, reject files, unit resolution and the scope.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use treem_store::StoreError;

use crate::job::{ImportError, Options, Parsed, Pending, fingerprint};
use crate::records::FieldError;
use crate::report::{Problem, Report, file_label};
use crate::spec::File;
use crate::units::{UnitError, Units};
use crate::write_rows::{
    Done, Job, MISSING_CHILD_EN, MISSING_CHILD_IN_SCOPE_EN, MISSING_SCHOOL_EN, OUTSIDE_EN,
    OUTSIDE_VI,
};

/// What every file's reading shares.
pub(crate) struct Ctx<'a> {
    pub opts: &'a Options,
    pub units: Units,
    pub as_of: NaiveDate,
    /// Batches for the writer; `None` once all are sent.
    pub jobs: Option<tokio::sync::mpsc::Sender<Job>>,
    pub done: tokio::sync::mpsc::UnboundedReceiver<Result<Done, StoreError>>,
    /// Each file's header as read, for its reject file.
    pub headers: HashMap<File, Vec<String>>,
    pub report: Report,
    /// Codes of the children and schools whose rows were rejected (a
    /// reference to one of them says so).
    pub children_rejected: HashSet<u128>,
    pub schools_rejected: HashSet<u128>,
    pub rejects: HashMap<File, csv::Writer<std::fs::File>>,
    /// The data set's children, to compare for likely duplicates once stored
    /// (up to `duplicates::MAX_COMPARED`; `too_many_children` beyond).
    pub seen_children: Vec<crate::duplicates::SeenChild>,
    pub too_many_children: bool,
    /// The plan files' rows, checked once every file is read.
    pub plan_rows: Vec<(File, Pending)>,
}

impl Ctx<'_> {
    /// Keeps what likely-duplicate flagging needs of a child row.
    pub(crate) fn note_child(&mut self, line: u64, parsed: &Parsed) {
        if let Parsed::Child(c) = parsed {
            if self.seen_children.len() < crate::duplicates::MAX_COMPARED {
                self.seen_children.push(crate::duplicates::SeenChild {
                    line,
                    child: c.child.clone(),
                });
            } else {
                self.too_many_children = true;
            }
        }
    }

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
                // Flexible: a row longer than the header is written as read.
                let mut w = csv::WriterBuilder::new()
                    .flexible(true)
                    .from_path(&path)
                    .map_err(|e| fail(&e))?;
                w.write_record(header).map_err(|e| fail(&e))?;
                v.insert(w)
            }
        };
        // A sheet's row ends at its last filled cell: padded to the header,
        // so the reject file reads back like the data set.
        let mut row: Vec<&str> = raw.iter().map(|c| c.as_ref()).collect();
        while row.len() < header.len() {
            row.push("");
        }
        w.write_record(&row).map_err(|e| fail(&e))?;
        Ok(())
    }

    /// Hands a batch to the writer, taking in what it has finished since.
    pub(crate) async fn send(&mut self, file: File, rows: Vec<Pending>) -> Result<(), ImportError> {
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
    pub(crate) fn take(&mut self, done: Done) -> Result<(), ImportError> {
        let label = self.label(done.file);
        if let Some(fr) = self.report.files.iter_mut().find(|f| f.file == label) {
            fr.written += done.upserted.written;
            fr.unchanged += done.upserted.unchanged;
        }
        let header = self.headers.get(&done.file).cloned().unwrap_or_default();
        for mut r in done.refused {
            // A reference to a row this data set holds but rejected says so.
            let code = fingerprint(&r.error.value);
            if (r.error.en == MISSING_CHILD_EN || r.error.en == MISSING_CHILD_IN_SCOPE_EN)
                && self.children_rejected.contains(&code)
            {
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
            Some(s) if !s.contains(&unit) => Err((OUTSIDE_VI.into(), OUTSIDE_EN.into())),
            _ => Ok(()),
        }
    }
}
