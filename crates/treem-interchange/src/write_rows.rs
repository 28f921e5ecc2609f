//! Storing checked rows in batches: the references a row makes (a child, a
//! school) are looked up in the transaction — where the data set's own
//! earlier files already are — and each row becomes the typed values of
//! its table.

use std::collections::{HashMap, HashSet};

use treem_domain::child::Child;
use treem_domain::nutrition::assess;
use treem_store::{
    ASSESSMENTS, CASES, ChildFacts, DISASTERS, ENROLMENTS, FactTable, MEASUREMENTS, PARTICIPATION,
    SCHOOLS, Upserted, Value, ZRecord,
};

use crate::import::{Ctx, ImportError, Pending, fingerprint};
use crate::records::*;
use crate::spec::File;

/// A checked row of any file (with its unit version where it names one).
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    Child(Box<Child>, i64),
    Measurement(MeasurementRecord),
    Enrolment(EnrolmentRecord),
    School(SchoolRecord, i64),
    Assessment(AssessmentRecord, i64),
    Disaster(DisasterRecord, i64),
    Participation(ParticipationRecord),
    Case(CaseRecord),
}

impl Parsed {
    /// The fingerprints of the row's key (as the contract defines each
    /// file's key) and of everything it says.
    pub(crate) fn key_and_value(&self) -> (u128, u128) {
        let value = fingerprint(&format!("{self:?}"));
        let key = match self {
            Parsed::Child(c, _) => fingerprint(&c.child_id),
            Parsed::Measurement(m) => fingerprint(&(&m.child_id, m.measured.measured_on)),
            Parsed::Enrolment(e) => fingerprint(&(&e.child_id, &e.school_year, e.level)),
            Parsed::School(s, _) => fingerprint(&(&s.school_code, s.year)),
            Parsed::Assessment(a, _) => fingerprint(&(&a.commune_code, a.year)),
            Parsed::Disaster(d, _) => fingerprint(&(&d.event_id, &d.commune_code)),
            Parsed::Participation(p) => fingerprint(&(&p.child_id, p.date, p.kind)),
            Parsed::Case(c) => fingerprint(&c.case_id),
        };
        (key, value)
    }

    fn child_code(&self) -> Option<&str> {
        match self {
            Parsed::Measurement(m) => Some(&m.child_id),
            Parsed::Enrolment(e) => Some(&e.child_id),
            Parsed::Participation(p) => Some(&p.child_id),
            Parsed::Case(c) => Some(&c.child_id),
            _ => None,
        }
    }
}

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
        Parsed::Child(..) => Vec::new(),
        Parsed::Measurement(m) => {
            let c = child.ok_or_else(|| missing_child(&m.child_id))?;
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

fn missing_child(code: &str) -> FieldError {
    FieldError {
        column: "child_id",
        value: code.to_string(),
        vi: "không có trẻ mang mã này trong bộ dữ liệu hay trong hệ thống".into(),
        en: "no child with this code in the data set or stored".into(),
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
    })
}

/// Stores a batch of checked rows of one file.
pub(crate) async fn flush(
    ctx: &mut Ctx<'_>,
    file: File,
    header: &[String],
    rows: Vec<Pending>,
) -> Result<(), ImportError> {
    if rows.is_empty() {
        return Ok(());
    }
    let done = if file == File::Children {
        let batch: Vec<(Child, i64)> = rows
            .into_iter()
            .filter_map(|p| match p.parsed {
                Parsed::Child(c, unit) => Some((*c, unit)),
                _ => None,
            })
            .collect();
        ctx.tx.upsert_children(&batch, &ctx.opts.actor).await?
    } else {
        let Some(table) = table(file) else {
            return Ok(());
        };
        let children = lookup_children(ctx, &rows).await?;
        let schools = lookup_schools(ctx, &rows).await?;
        let mut batch = Vec::with_capacity(rows.len());
        for p in rows {
            match check_row(ctx, &p.parsed, &children, &schools) {
                Ok(v) => batch.push(v),
                Err(e) => ctx.reject(file, header, p.line, &p.raw, vec![e])?,
            }
        }
        ctx.tx.upsert_facts(table, &batch).await?
    };
    tally(ctx, done);
    Ok(())
}

fn tally(ctx: &mut Ctx<'_>, done: Upserted) {
    if let Some(fr) = ctx.report.files.last_mut() {
        fr.written += done.written;
        fr.unchanged += done.unchanged;
    }
}

async fn lookup_children(
    ctx: &mut Ctx<'_>,
    rows: &[Pending],
) -> Result<HashMap<String, ChildFacts>, ImportError> {
    let codes: HashSet<&str> = rows.iter().filter_map(|p| p.parsed.child_code()).collect();
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let codes: Vec<String> = codes.into_iter().map(str::to_string).collect();
    let found = ctx.tx.child_facts(&codes).await?;
    Ok(found.into_iter().map(|f| (f.child_id.clone(), f)).collect())
}

async fn lookup_schools(
    ctx: &mut Ctx<'_>,
    rows: &[Pending],
) -> Result<HashSet<String>, ImportError> {
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
    Ok(ctx.tx.known_schools(&codes).await?.into_iter().collect())
}

/// Checks a row's references and scope, and gives its values.
fn check_row(
    ctx: &Ctx<'_>,
    parsed: &Parsed,
    children: &HashMap<String, ChildFacts>,
    schools: &HashSet<String>,
) -> Result<Vec<Value>, FieldError> {
    let child = match parsed.child_code() {
        Some(code) => match children.get(code) {
            Some(c) => {
                ctx.in_scope(c.unit_id).map_err(|(vi, en)| FieldError {
                    column: "child_id",
                    value: code.to_string(),
                    vi: format!("trẻ {vi}"),
                    en: format!("the child is {en}"),
                })?;
                Some(c)
            }
            None if ctx
                .children_rejected
                .contains(&fingerprint(&code.to_string())) =>
            {
                return Err(FieldError {
                    column: "child_id",
                    value: code.to_string(),
                    vi: "dòng của trẻ này trong tệp trẻ em bị từ chối".into(),
                    en: "this child's row in the children file was rejected".into(),
                });
            }
            None => return Err(missing_child(code)),
        },
        None => None,
    };
    if let Parsed::Enrolment(e) = parsed
        && !schools.contains(&e.school_code)
    {
        let rejected = ctx.schools_rejected.contains(&fingerprint(&e.school_code));
        return Err(FieldError {
            column: "school_code",
            value: e.school_code.clone(),
            vi: if rejected {
                "dòng của trường này trong tệp trường học bị từ chối".into()
            } else {
                "không có trường mang mã này trong bộ dữ liệu hay trong hệ thống".into()
            },
            en: if rejected {
                "this school's rows in the schools file were rejected".into()
            } else {
                "no school with this code in the data set or stored".into()
            },
        });
    }
    values(parsed, child)
}
