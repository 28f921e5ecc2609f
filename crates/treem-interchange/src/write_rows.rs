//! Storing checked rows in batches: the references a row makes (a child, a
//! school) are looked up in the transaction — where the data set's own
//! earlier files already are — and each row becomes the typed values of
//! its table.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use treem_domain::nutrition::assess;
use treem_store::{
    ASSESSMENTS, CASES, ChildFacts, DISASTERS, ENROLMENTS, FactTable, MEASUREMENTS, PARTICIPATION,
    SCHOOLS, Upserted, Value, ZRecord,
};

use treem_store::ImportTx;

use crate::job::{Parsed, Pending};
use crate::records::*;
use crate::spec::File;

fn text(s: &str) -> Value {
    Value::Text(Some(s.to_string()))
}

fn opt_text(s: Option<&str>) -> Value {
    Value::Text(s.map(str::to_string))
}

fn z_values(z: &ZRecord) -> Vec<Value> {
    vec![
        Value::Int(Some(z.age_days)),
        Value::Real(z.clen_cm),
        Value::Bool(Some(z.c9mo_flag)),
        Value::Real(z.waz),
        Value::Bool(z.f_waz),
        Value::Real(z.haz),
        Value::Bool(z.f_haz),
        Value::Real(z.whz),
        Value::Bool(z.f_whz),
        Value::Real(z.baz),
        Value::Bool(z.f_baz),
        Value::Real(z.hcz),
        Value::Bool(z.f_hcz),
        text(&z.nutrition),
        text(&z.method),
    ]
}

/// A row's values for its table once its child (if any) is known; or why
/// it cannot be stored.
fn values(p: &Parsed, child: Option<&ChildFacts>) -> Result<Vec<Value>, FieldError> {
    let child_id = || Value::Int(child.map(|c| c.id));
    Ok(match p {
        // The plan's rows never reach the writer (`plan_files` stores them).
        Parsed::Child(_) | Parsed::Plan(_) => Vec::new(),
        Parsed::Measurement(m) => {
            let c = child.ok_or_else(|| missing_child(None, &m.child_id))?;
            if m.measured.measured_on < c.date_of_birth {
                return Err(FieldError {
                    column: "measured_on",
                    value: m.measured.measured_on.format("%Y-%m-%d").to_string(),
                    vi: "trước ngày sinh của trẻ".into(),
                    en: "before the child's date of birth".into(),
                });
            }
            let sex = if c.sex == "F" {
                treem_growth::Sex::Female
            } else {
                treem_growth::Sex::Male
            };
            let z = ZRecord::from_assessed(&assess(sex, c.date_of_birth, &m.measured));
            let mut v = vec![
                child_id(),
                Value::Date(Some(m.measured.measured_on)),
                Value::Real(m.measured.weight_kg),
                Value::Real(m.measured.height_cm),
                opt_text(treem_domain::nutrition::position_code(m.measured.position)),
                Value::Bool(Some(m.measured.oedema)),
            ];
            v.extend(z_values(&z));
            v
        }
        Parsed::Enrolment(e) => vec![
            child_id(),
            text(&e.school_year),
            text(e.level),
            text(&e.school_code),
            Value::Int(e.grade),
            text(e.status),
        ],
        Parsed::School(s, unit) => vec![
            text(&s.school_code),
            Value::Int(Some(s.year)),
            text(&s.name),
            text(s.level),
            Value::Int(Some(*unit)),
            Value::Bool(Some(s.sanitation_standard)),
            Value::Bool(Some(s.psych_support)),
        ],
        Parsed::Assessment(a, unit) => vec![
            text(&a.commune_code),
            Value::Int(Some(a.year)),
            Value::Int(Some(*unit)),
            Value::Bool(Some(a.child_friendly)),
            Value::Bool(Some(a.play_spot)),
        ],
        Parsed::Disaster(d, unit) => vec![
            text(&d.event_id),
            text(&d.commune_code),
            Value::Int(Some(*unit)),
            Value::Date(Some(d.occurred_on)),
            text(&d.kind),
            Value::Int(Some(d.children_affected)),
            Value::Int(Some(d.children_supported_timely)),
        ],
        Parsed::Participation(p) => vec![
            child_id(),
            Value::Date(Some(p.date)),
            text(p.kind),
            opt_text(p.note.as_deref()),
        ],
        Parsed::Case(k) => vec![
            text(&k.case_id),
            child_id(),
            Value::Date(Some(k.reported_on)),
            text(k.harm_type),
            Value::Date(k.intervention_started_on),
            Value::Date(k.closed_on),
        ],
    })
}

/// A reference to a child that is not stored — or, in an import within a
/// unit scope, not stored within it: one message for both, so that an
/// officer cannot learn which codes other units hold.
fn missing_child(scope: Option<&HashSet<i64>>, code: &str) -> FieldError {
    let (vi, en) = match scope {
        None => (
            "không có trẻ mang mã này trong bộ dữ liệu hay trong hệ thống",
            MISSING_CHILD_EN,
        ),
        Some(_) => (
            "không có trẻ mang mã này trong bộ dữ liệu hay trong đơn vị của tài khoản",
            MISSING_CHILD_IN_SCOPE_EN,
        ),
    };
    FieldError {
        column: "child_id",
        value: code.to_string(),
        vi: vi.into(),
        en: en.into(),
    }
}

fn table(file: File) -> Option<FactTable> {
    Some(match file {
        File::Measurements => MEASUREMENTS,
        File::Enrolments => ENROLMENTS,
        File::Schools => SCHOOLS,
        File::CommuneAssessments => ASSESSMENTS,
        File::Disasters => DISASTERS,
        File::Participation => PARTICIPATION,
        File::Cases => CASES,
        File::Manifest | File::Children => return None,
        File::Agencies
        | File::PlanTasks
        | File::Progress
        | File::Supervisions
        | File::Recommendations
        | File::Returns => return None,
    })
}

/// A batch of checked rows of one file, for the writer.
pub(crate) struct Job {
    pub file: File,
    pub rows: Vec<Pending>,
}

/// A row the writer could not store, and why.
pub(crate) struct Refused {
    pub line: u64,
    pub raw: Vec<String>,
    pub error: FieldError,
}

/// What the writer did with a batch.
pub(crate) struct Done {
    pub file: File,
    pub upserted: Upserted,
    pub refused: Vec<Refused>,
}

/// The writer: owns the import's transaction and stores batches in the
/// order they come, while the next ones are being read and checked on
/// another core. A batch of a fact file is stored while the one after it
/// is checked (its references looked up first, then its values — the
/// z-scores of a measurement — made on a blocking thread), so the
/// database and the checking work at the same time. Returns the
/// transaction when the batches end.
pub(crate) async fn writer(
    mut tx: Box<dyn ImportTx>,
    actor: String,
    scope: Option<HashSet<i64>>,
    mut jobs: tokio::sync::mpsc::Receiver<Job>,
    done: tokio::sync::mpsc::UnboundedSender<Result<Done, treem_store::StoreError>>,
) -> Box<dyn ImportTx> {
    let scope = scope.map(Arc::new);
    let mut checking: Option<Checking> = None;
    // Hands a batch's result on; false when the import stops there.
    let tell = |result: Result<Done, treem_store::StoreError>| {
        let failed = result.is_err();
        done.send(result).is_ok() && !failed
    };
    while let Some(job) = jobs.recv().await {
        // A batch of another file waits until the last one is stored: its
        // rows may name what that one stores (an enrolment, a school).
        if checking.as_ref().is_some_and(|c| c.file != job.file)
            && let Some(last) = checking.take()
            && !tell(store_checked(tx.as_mut(), scope.as_deref(), last).await)
        {
            return tx;
        }
        let Some(table) = table(job.file) else {
            if !tell(store_children(tx.as_mut(), &actor, scope.as_deref(), job).await) {
                return tx;
            }
            continue;
        };
        let next = match check(tx.as_mut(), scope.clone(), table, job).await {
            Ok(next) => next,
            Err(e) => {
                tell(Err(e));
                return tx;
            }
        };
        if let Some(last) = checking.replace(next)
            && !tell(store_checked(tx.as_mut(), scope.as_deref(), last).await)
        {
            return tx;
        }
    }
    if let Some(last) = checking.take() {
        tell(store_checked(tx.as_mut(), scope.as_deref(), last).await);
    }
    tx
}

/// A batch of the children file: a stored child outside the importer's
/// unit is refused, the others written.
async fn store_children(
    tx: &mut dyn ImportTx,
    actor: &str,
    scope: Option<&HashSet<i64>>,
    job: Job,
) -> Result<Done, treem_store::StoreError> {
    let mut refused = Vec::new();
    if job.file != File::Children {
        return Ok(Done {
            file: job.file,
            upserted: Upserted::default(),
            refused,
        });
    }
    let stored = match scope {
        Some(_) => {
            let codes: Vec<String> = job
                .rows
                .iter()
                .filter_map(|p| match &p.parsed {
                    Parsed::Child(c) => Some(c.child.child_id.clone()),
                    _ => None,
                })
                .collect();
            let found = tx.child_facts(&codes).await?;
            found.into_iter().map(|f| (f.child_id.clone(), f)).collect()
        }
        None => HashMap::new(),
    };
    let mut batch = Vec::with_capacity(job.rows.len());
    for p in job.rows {
        let Parsed::Child(c) = p.parsed else { continue };
        match stored.get(&c.child.child_id) {
            Some(s) if !in_scope(scope, s.unit_id) => refused.push(Refused {
                line: p.line,
                raw: p.raw,
                error: outside("child_id", &c.child.child_id),
            }),
            _ => batch.push(*c),
        }
    }
    Ok(Done {
        file: job.file,
        upserted: tx.upsert_children(&batch, actor).await?,
        refused,
    })
}

/// A batch of a fact file being checked: its references were looked up in
/// the transaction, its rows are checked and made values on a blocking
/// thread.
struct Checking {
    file: File,
    table: FactTable,
    task: tokio::task::JoinHandle<Checked>,
}

/// A batch's rows with their values, and those refused.
struct Checked {
    rows: Vec<(Pending, Vec<Value>)>,
    refused: Vec<Refused>,
}

/// Looks up what a batch's rows name (children, schools) and starts
/// checking them.
async fn check(
    tx: &mut dyn ImportTx,
    scope: Option<Arc<HashSet<i64>>>,
    table: FactTable,
    job: Job,
) -> Result<Checking, treem_store::StoreError> {
    let children = lookup_children(tx, &job.rows).await?;
    let schools = lookup_schools(tx, &job.rows).await?;
    let file = job.file;
    let task = tokio::task::spawn_blocking(move || {
        let mut checked = Checked {
            rows: Vec::with_capacity(job.rows.len()),
            refused: Vec::new(),
        };
        for p in job.rows {
            match check_row(scope.as_deref(), &p.parsed, &children, &schools) {
                Ok(v) => checked.rows.push((p, v)),
                Err(error) => checked.refused.push(Refused {
                    line: p.line,
                    raw: p.raw,
                    error,
                }),
            }
        }
        checked
    });
    Ok(Checking { file, table, task })
}

/// Stores a checked batch: a stored row is changed only when it is the
/// importer's too.
async fn store_checked(
    tx: &mut dyn ImportTx,
    scope: Option<&HashSet<i64>>,
    checking: Checking,
) -> Result<Done, treem_store::StoreError> {
    let Checking { file, table, task } = checking;
    let Checked { rows, mut refused } = task
        .await
        .map_err(|e| treem_store::StoreError::Corrupt(format!("checking a batch: {e}")))?;
    let owners = match scope {
        Some(_) => {
            let keys: Vec<Vec<Value>> = rows
                .iter()
                .map(|(_, v)| v[..table.keys.len()].to_vec())
                .collect();
            tx.stored_owners(table, &keys).await?
        }
        None => vec![None; rows.len()],
    };
    let mut batch = Vec::with_capacity(rows.len());
    for ((p, v), owner) in rows.into_iter().zip(owners) {
        match owner {
            Some(unit) if !in_scope(scope, unit) => refused.push(Refused {
                line: p.line,
                error: {
                    let (column, value) = p.parsed.key_field();
                    outside(column, value)
                },
                raw: p.raw,
            }),
            _ => batch.push(v),
        }
    }
    Ok(Done {
        file,
        upserted: tx.upsert_facts(table, &batch).await?,
        refused,
    })
}

fn in_scope(scope: Option<&HashSet<i64>>, unit: i64) -> bool {
    scope.is_none_or(|s| s.contains(&unit))
}

/// A row that would change, or name, a record outside the importer's unit.
/// The same words whether the other unit's record exists or not.
pub(crate) fn outside(column: &'static str, value: &str) -> FieldError {
    FieldError {
        column,
        value: value.to_string(),
        vi: OUTSIDE_VI.into(),
        en: OUTSIDE_EN.into(),
    }
}

pub(crate) const OUTSIDE_VI: &str = "ngoài phạm vi đơn vị của tài khoản";
pub(crate) const OUTSIDE_EN: &str = "outside the account's unit";

async fn lookup_children(
    tx: &mut dyn ImportTx,
    rows: &[Pending],
) -> Result<HashMap<String, ChildFacts>, treem_store::StoreError> {
    let codes: HashSet<&str> = rows.iter().filter_map(|p| p.parsed.child_code()).collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let codes: Vec<String> = codes.into_iter().map(str::to_string).collect();
    let found = tx.child_facts(&codes).await?;
    Ok(found.into_iter().map(|f| (f.child_id.clone(), f)).collect())
}

async fn lookup_schools(
    tx: &mut dyn ImportTx,
    rows: &[Pending],
) -> Result<HashSet<String>, treem_store::StoreError> {
    let codes: HashSet<&str> = rows
        .iter()
        .filter_map(|p| match &p.parsed {
            Parsed::Enrolment(e) => Some(e.school_code.as_str()),
            _ => None,
        })
        .collect();
    if codes.is_empty() {
        return Ok(HashSet::new());
    }
    let codes: Vec<String> = codes.into_iter().map(str::to_string).collect();
    Ok(tx.known_schools(&codes).await?.into_iter().collect())
}

/// The messages of a reference to a child or school that is not stored.
pub(crate) const MISSING_CHILD_EN: &str = "no child with this code in the data set or stored";
pub(crate) const MISSING_CHILD_IN_SCOPE_EN: &str =
    "no child with this code in the data set or in the account's unit";
pub(crate) const MISSING_SCHOOL_EN: &str = "no school with this code in the data set or stored";

/// Checks a row's references and scope, and gives its values.
fn check_row(
    scope: Option<&HashSet<i64>>,
    parsed: &Parsed,
    children: &HashMap<String, ChildFacts>,
    schools: &HashSet<String>,
) -> Result<Vec<Value>, FieldError> {
    let child = match parsed.child_code() {
        Some(code) => match children.get(code) {
            Some(c) if !in_scope(scope, c.unit_id) => return Err(missing_child(scope, code)),
            Some(c) => Some(c),
            None => return Err(missing_child(scope, code)),
        },
        None => None,
    };
    if let Parsed::Enrolment(e) = parsed
        && !schools.contains(&e.school_code)
    {
        return Err(FieldError {
            column: "school_code",
            value: e.school_code.clone(),
            vi: "không có trường mang mã này trong bộ dữ liệu hay trong hệ thống".into(),
            en: MISSING_SCHOOL_EN.into(),
        });
    }
    values(parsed, child)
}
