//! What the indicators are computed from, read in a few plain queries (the
//! computing itself is `treem_domain::indicators`).

use chrono::NaiveDate;

/// A child as the indicators need her.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorChild {
    pub id: i64,
    pub unit_id: i64,
    pub date_of_birth: NaiveDate,
    pub status: String,
    pub status_date: Option<NaiveDate>,
    pub birth_registered: Option<bool>,
    pub birth_registration_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorMeasurement {
    pub child_id: i64,
    pub measured_on: NaiveDate,
    pub age_days: i64,
    pub waz: Option<f64>,
    pub f_waz: Option<bool>,
    pub haz: Option<f64>,
    pub f_haz: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorEnrolment {
    pub child_id: i64,
    pub school_code: String,
    pub level: String,
    pub grade: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorSchool {
    pub school_code: String,
    pub name: String,
    pub year: i64,
    pub unit_id: i64,
    pub sanitation_standard: bool,
    pub psych_support: bool,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorAssessment {
    pub unit_id: i64,
    pub year: i64,
    pub child_friendly: bool,
    pub play_spot: bool,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorDisaster {
    pub event_id: String,
    pub kind: String,
    pub unit_id: i64,
    pub occurred_on: NaiveDate,
    pub children_affected: i64,
    pub children_supported_timely: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorParticipation {
    pub child_id: i64,
    pub date: NaiveDate,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IndicatorCase {
    pub child_id: i64,
    pub reported_on: NaiveDate,
    pub intervention_started_on: Option<NaiveDate>,
}

/// Everything stored that a period's indicators need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndicatorRows {
    pub children: Vec<IndicatorChild>,
    /// Records merged into another (duplicate, survivor): their enrolments,
    /// participation and cases count for the survivor.
    pub merged: Vec<(i64, i64)>,
    pub measurements: Vec<IndicatorMeasurement>,
    pub enrolments: Vec<IndicatorEnrolment>,
    pub schools: Vec<IndicatorSchool>,
    pub assessments: Vec<IndicatorAssessment>,
    pub disasters: Vec<IndicatorDisaster>,
    pub participation: Vec<IndicatorParticipation>,
    pub cases: Vec<IndicatorCase>,
}

/// A yes/no column as JSON gives it: `true`/`false` (PostgreSQL) or 1/0
/// (SQLite). Read by a visitor that takes either (an untagged enum tries
/// `bool` first and builds an error for every SQLite value: 2 % of a
/// province's figures).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Flag {
    Bool(bool),
    Int(i64),
}

impl<'de> serde::Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Flag, D::Error> {
        struct Either;
        impl serde::de::Visitor<'_> for Either {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false or an integer")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag::Bool(b))
            }
            fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Flag, E> {
                Ok(Flag::Int(i))
            }
            fn visit_u64<E: serde::de::Error>(self, i: u64) -> Result<Flag, E> {
                i64::try_from(i)
                    .map(Flag::Int)
                    .map_err(|_| E::custom("flag out of range"))
            }
        }
        d.deserialize_any(Either)
    }
}

impl Flag {
    pub(crate) fn get(f: Option<Flag>) -> Option<bool> {
        f.map(|f| match f {
            Flag::Bool(b) => b,
            Flag::Int(i) => i != 0,
        })
    }
}

/// Parses the JSON array of rows a query aggregated.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    json: Option<String>,
) -> crate::StoreResult<Vec<T>> {
    match json {
        None => Ok(Vec::new()),
        Some(j) => serde_json::from_str(&j)
            .map_err(|e| crate::StoreError::Corrupt(format!("indicator rows: {e}"))),
    }
}

/// A date as the JSON of a row gives it (`YYYY-MM-DD`), read without
/// chrono's general parser (5 % of a province's figures from nothing);
/// any other form goes to that parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Day(pub(crate) NaiveDate);

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        struct Iso;
        impl serde::de::Visitor<'_> for Iso {
            type Value = Day;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Day, E> {
                iso_date(v)
                    .or_else(|| v.parse().ok())
                    .map(Day)
                    .ok_or_else(|| E::custom(format!("not a date: {v}")))
            }
        }
        d.deserialize_str(Iso)
    }
}

/// `YYYY-MM-DD` exactly, or none.
fn iso_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

pub(crate) type ChildTuple = (
    i64,
    i64,
    Day,
    String,
    Option<Day>,
    Option<Flag>,
    Option<Day>,
);
pub(crate) type MeasurementTuple = (
    i64,
    Day,
    i64,
    Option<f64>,
    Option<Flag>,
    Option<f64>,
    Option<Flag>,
);
pub(crate) type EnrolmentTuple = (i64, String, String, Option<i64>, String);
type SchoolTuple = (String, String, i64, i64, Flag, Flag);
type AssessmentTuple = (i64, i64, Flag, Flag);
type DisasterTuple = (String, String, i64, Day, i64, i64);
pub(crate) type ParticipationTuple = (i64, Day, String);
pub(crate) type CaseTuple = (i64, Day, Option<Day>);
pub(crate) type MergedTuple = (i64, i64);

/// The rows as parsed from their JSON, into the seam's types.
#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    children: Vec<ChildTuple>,
    merged: Vec<MergedTuple>,
    measurements: Vec<MeasurementTuple>,
    enrolments: Vec<EnrolmentTuple>,
    schools: Vec<SchoolTuple>,
    assessments: Vec<AssessmentTuple>,
    disasters: Vec<DisasterTuple>,
    participation: Vec<ParticipationTuple>,
    cases: Vec<CaseTuple>,
) -> IndicatorRows {
    let flag = |f: Flag| Flag::get(Some(f)).unwrap_or(false);
    IndicatorRows {
        merged,
        children: children
            .into_iter()
            .map(
                |(id, unit_id, date_of_birth, status, status_date, reg, reg_date)| IndicatorChild {
                    id,
                    unit_id,
                    date_of_birth: date_of_birth.0,
                    status,
                    status_date: status_date.map(|d| d.0),
                    birth_registered: Flag::get(reg),
                    birth_registration_date: reg_date.map(|d| d.0),
                },
            )
            .collect(),
        measurements: measurements
            .into_iter()
            .map(
                |(child_id, measured_on, age_days, waz, f_waz, haz, f_haz)| IndicatorMeasurement {
                    child_id,
                    measured_on: measured_on.0,
                    age_days,
                    waz,
                    f_waz: Flag::get(f_waz),
                    haz,
                    f_haz: Flag::get(f_haz),
                },
            )
            .collect(),
        enrolments: enrolments
            .into_iter()
            .map(
                |(child_id, school_code, level, grade, status)| IndicatorEnrolment {
                    child_id,
                    school_code,
                    level,
                    grade,
                    status,
                },
            )
            .collect(),
        schools: schools
            .into_iter()
            .map(|(school_code, name, year, unit_id, s, p)| IndicatorSchool {
                school_code,
                name,
                year,
                unit_id,
                sanitation_standard: flag(s),
                psych_support: flag(p),
            })
            .collect(),
        assessments: assessments
            .into_iter()
            .map(|(unit_id, year, c, p)| IndicatorAssessment {
                unit_id,
                year,
                child_friendly: flag(c),
                play_spot: flag(p),
            })
            .collect(),
        disasters: disasters
            .into_iter()
            .map(
                |(event_id, kind, unit_id, occurred_on, a, s)| IndicatorDisaster {
                    event_id,
                    kind,
                    unit_id,
                    occurred_on: occurred_on.0,
                    children_affected: a,
                    children_supported_timely: s,
                },
            )
            .collect(),
        participation: participation
            .into_iter()
            .map(|(child_id, date, kind)| IndicatorParticipation {
                child_id,
                date: date.0,
                kind,
            })
            .collect(),
        cases: cases
            .into_iter()
            .map(
                |(child_id, reported_on, intervention_started_on)| IndicatorCase {
                    child_id,
                    reported_on: reported_on.0,
                    intervention_started_on: intervention_started_on.map(|d| d.0),
                },
            )
            .collect(),
    }
}

/// Expands into a backend's `indicator_rows`. Each query comes back as one
/// JSON array (`$agg` wraps the row's columns: `json_group_array(json_array(…))`
/// or `json_agg(json_build_array(…))`): a million rows one by one cost the
/// driver seconds; one string costs it nothing. The queries run at once on
/// the read pool.
macro_rules! indicators_sql {
    ($store:ty, $db:ty, agg: $agg:literal) => {
        impl $store {
            pub(crate) async fn indicator_rows_sql(
                &self,
                start: chrono::NaiveDate,
                reference: chrono::NaiveDate,
                school_year: &str,
            ) -> $crate::StoreResult<$crate::IndicatorRows> {
                let db = self.reader();
                let awareness_from = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(start);
                let q = |cols: &str, rest: &str| format!(concat!("SELECT ", $agg, " FROM {}"), cols, rest);
                let children = q(
                    "id, unit_id, date_of_birth, status, status_date, birth_registered, birth_registration_date",
                    "children WHERE merged_into IS NULL",
                );
                let merged = q("id, merged_into", "children WHERE merged_into IS NOT NULL");
                // Only what can be a child's latest measurement at 0–59
                // months in the period.
                let measurements = q(
                    "child_id, measured_on, age_days, waz, f_waz, haz, f_haz",
                    "measurements WHERE measured_on >= $1 AND measured_on <= $2 AND age_days <= 1826
                       AND (waz IS NOT NULL OR haz IS NOT NULL)",
                );
                // Only enrolments an indicator reads: preschool (the 5-year-olds)
                // and grades 5 and 9.
                let enrolments = q(
                    "child_id, school_code, level, grade, status",
                    "enrolments WHERE school_year = $1 AND (level = 'preschool' OR grade IN (5, 9))",
                );
                let schools = q("school_code, name, year, unit_id, sanitation_standard, psych_support", "schools");
                let assessments = q("unit_id, year, child_friendly, play_spot", "commune_assessments");
                let disasters = q("event_id, kind, unit_id, occurred_on, children_affected, children_supported_timely", "disasters");
                let participation = q(
                    "child_id, date, kind",
                    "participation WHERE date <= $2
                       AND ((kind = 'awareness' AND date >= $3) OR (kind IN ('forum', 'club', 'council') AND date >= $1))",
                );
                let cases = q(
                    "child_id, reported_on, intervention_started_on",
                    "cases WHERE reported_on >= $1 AND reported_on <= $2",
                );
                // Each query is fetched and parsed on a task of its own, so
                // the parsing of one overlaps the others.
                fn spawn<T: serde::de::DeserializeOwned + Send + 'static>(
                    pool: sqlx::Pool<$db>,
                    sql: String,
                    dates: Vec<chrono::NaiveDate>,
                    text: Option<String>,
                ) -> tokio::task::JoinHandle<$crate::StoreResult<Vec<T>>> {
                    tokio::spawn(async move {
                        let mut q = sqlx::query_scalar::<_, Option<String>>(&sql);
                        if let Some(t) = text {
                            q = q.bind(t);
                        }
                        for d in dates {
                            q = q.bind(d);
                        }
                        $crate::indicators_sql::parse(q.fetch_one(&pool).await?)
                    })
                }
                async fn join<T>(h: tokio::task::JoinHandle<$crate::StoreResult<T>>) -> $crate::StoreResult<T> {
                    h.await.map_err(|e| $crate::StoreError::Corrupt(format!("indicator rows: {e}")))?
                }
                let period = vec![start, reference];
                let c = spawn(db.clone(), children, vec![], None);
                let x = spawn(db.clone(), merged, vec![], None);
                let m = spawn(db.clone(), measurements, period.clone(), None);
                let e = spawn(db.clone(), enrolments, vec![], Some(school_year.to_string()));
                let s = spawn(db.clone(), schools, vec![], None);
                let a = spawn(db.clone(), assessments, vec![], None);
                let d = spawn(db.clone(), disasters, vec![], None);
                let p = spawn(db.clone(), participation, vec![start, reference, awareness_from], None);
                let k = spawn(db.clone(), cases, period, None);
                Ok($crate::indicators_sql::assemble(
                    join(c).await?,
                    join(x).await?,
                    join(m).await?,
                    join(e).await?,
                    join(s).await?,
                    join(a).await?,
                    join(d).await?,
                    join(p).await?,
                    join(k).await?,
                ))
            }
        }
    };
}

pub(crate) use indicators_sql;

#[cfg(test)]
mod tests {
    use super::{Day, Flag};
    use chrono::NaiveDate;

    #[test]
    fn a_day_reads_iso_dates_and_refuses_the_rest() {
        let day = |s: &str| serde_json::from_str::<Day>(s).map(|d| d.0);
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(day("\"2025-12-31\"").unwrap(), d(2025, 12, 31));
        assert_eq!(day("\"2024-02-29\"").unwrap(), d(2024, 2, 29));
        // What the fast path refuses goes to chrono's parser.
        assert_eq!(day("\"+2025-01-02\"").unwrap(), d(2025, 1, 2));
        assert_eq!(day("\"2025-1-01\"").unwrap(), d(2025, 1, 1));
        for bad in [
            "\"2025-02-29\"",
            "\"2025-13-01\"",
            "\"20x5-01-01\"",
            "\"\"",
            "20250101",
        ] {
            assert!(day(bad).is_err(), "{bad} read as a date");
        }
        let opt: Vec<Option<Day>> = serde_json::from_str("[null, \"2020-01-01\"]").unwrap();
        assert_eq!(opt, [None, Some(Day(d(2020, 1, 1)))]);
    }

    #[test]
    fn a_flag_reads_either_backend_and_nothing_else() {
        let flags: Vec<Option<Flag>> = serde_json::from_str("[true, false, 1, 0, null]").unwrap();
        let got: Vec<Option<bool>> = flags.into_iter().map(Flag::get).collect();
        assert_eq!(
            got,
            [Some(true), Some(false), Some(true), Some(false), None]
        );
        assert!(serde_json::from_str::<Flag>("\"1\"").is_err());
        assert!(serde_json::from_str::<Flag>("1.5").is_err());
    }
}
