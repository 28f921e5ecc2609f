//! What one import run shares between its parts (`import` drives,
//! `read_file` checks rows, `context` keeps the report, `write_rows`
//! stores): the options, progress, the error of a run that could not
//! proceed, and the checked rows on their way to the store.

use std::collections::HashSet;
use std::hash::Hash;
use std::path::PathBuf;

use chrono::NaiveDate;
use treem_store::{NewChild, StoreError};

use crate::records::{
    AssessmentRecord, CaseRecord, DisasterRecord, EnrolmentRecord, MeasurementRecord,
    ParticipationRecord, SchoolRecord,
};
use crate::source::SourceError;

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
    /// The agency the importer works for (docs/plan-files.md: such an
    /// account imports its own agency's progress reports, nothing else of
    /// a plan).
    pub agency: Option<String>,
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

impl Options {
    /// An import as the operator runs it (`treem import`): all or nothing,
    /// the whole scope, the manifest's date, nothing but storing.
    pub fn operator(actor: &str, today: NaiveDate) -> Self {
        Options {
            as_of: None,
            partial: false,
            check_only: false,
            actor: actor.to_string(),
            agency: None,
            actor_id: None,
            scope: None,
            today,
            reject_dir: None,
            workbook: false,
        }
    }
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
/// a little memory, and a collision is out of reach). XXH3's 128-bit hash:
/// several times cheaper than two SipHashes, and it runs for every row.
pub(crate) fn fingerprint(value: &impl Hash) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    value.hash(&mut h);
    h.digest128()
}

/// The fingerprint of a value's `Debug` form, written straight into the
/// hasher (no string is built: this runs for every row).
pub(crate) fn fingerprint_debug(value: &impl std::fmt::Debug) -> u128 {
    struct Into(xxhash_rust::xxh3::Xxh3);
    impl std::fmt::Write for Into {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.update(s.as_bytes());
            Ok(())
        }
    }
    let mut h = Into(xxhash_rust::xxh3::Xxh3::new());
    let _ = std::fmt::Write::write_fmt(&mut h, format_args!("{value:?}"));
    h.0.digest128()
}

/// A checked row of any file (with its unit version where it names one).
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    Child(Box<NewChild>),
    Measurement(MeasurementRecord),
    Enrolment(EnrolmentRecord),
    School(SchoolRecord, i64),
    Assessment(AssessmentRecord, i64),
    Disaster(DisasterRecord, i64),
    Participation(ParticipationRecord),
    Case(CaseRecord),
    /// A row of one of the plan's files, its coded values and dates in
    /// their canonical form; checked against the plans once every file is
    /// read (`plan_files`).
    Plan(crate::plan_files::cells::PlanCells),
}

impl Parsed {
    /// The fingerprints of the row's key (as the contract defines each
    /// file's key) and of everything it says.
    pub(crate) fn key_and_value(&self) -> (u128, u128) {
        let value = fingerprint_debug(self);
        let key = match self {
            Parsed::Child(c) => fingerprint(&c.child.child_id),
            Parsed::Measurement(m) => fingerprint(&(&m.child_id, m.measured.measured_on)),
            Parsed::Enrolment(e) => fingerprint(&(&e.child_id, &e.school_year, e.level)),
            Parsed::School(s, _) => fingerprint(&(&s.school_code, s.year)),
            Parsed::Assessment(a, _) => fingerprint(&(&a.commune_code, a.year)),
            Parsed::Disaster(d, _) => fingerprint(&(&d.event_id, &d.commune_code)),
            Parsed::Participation(p) => fingerprint(&(&p.child_id, p.date, p.kind)),
            Parsed::Case(c) => fingerprint(&c.case_id),
            Parsed::Plan(p) => fingerprint(&p.key()),
        };
        (key, value)
    }

    /// The column and value a row's key is first known by, for messages.
    pub(crate) fn key_field(&self) -> (&'static str, &str) {
        match self {
            Parsed::Child(c) => ("child_id", &c.child.child_id),
            Parsed::Measurement(m) => ("child_id", &m.child_id),
            Parsed::Enrolment(e) => ("child_id", &e.child_id),
            Parsed::School(s, _) => ("school_code", &s.school_code),
            Parsed::Assessment(a, _) => ("commune_code", &a.commune_code),
            Parsed::Disaster(d, _) => ("event_id", &d.event_id),
            Parsed::Participation(p) => ("child_id", &p.child_id),
            Parsed::Case(c) => ("case_id", &c.case_id),
            Parsed::Plan(p) => p.key_field(),
        }
    }

    pub(crate) fn child_code(&self) -> Option<&str> {
        match self {
            Parsed::Measurement(m) => Some(&m.child_id),
            Parsed::Enrolment(e) => Some(&e.child_id),
            Parsed::Participation(p) => Some(&p.child_id),
            Parsed::Case(c) => Some(&c.child_id),
            _ => None,
        }
    }
}

/// A row waiting to be stored, with what is needed to reject it later.
pub(crate) struct Pending {
    pub line: u64,
    pub raw: Vec<String>,
    pub parsed: Parsed,
}
