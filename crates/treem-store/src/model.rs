//! Plain records that cross the storage seam.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use treem_domain::access::Role;
use treem_domain::units::Unit;

/// A unit version with its database id (children point at versions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUnit {
    pub id: i64,
    pub unit: Unit,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The code of the unit the account works in.
    pub scope_code: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// The commune People's Committee chair, who approves case plans.
    pub commune_chair: bool,
    /// The agency of its unit the account works for (its code), if any.
    pub agency_code: Option<String>,
}

/// An API token as listed (never its value, which is not stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A change an administrator makes to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    /// Enabled or disabled (disabling ends its sessions and tokens).
    Active(bool),
    /// Made, or no longer, the commune chair.
    CommuneChair(bool),
    /// Made to work for an agency of its unit (by code), or for none.
    Agency(Option<String>),
}

/// What it takes to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_code: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub commune_chair: bool,
}

/// A login session. The cookie holds a random value; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// Absolute end of the session.
    pub expires_at: DateTime<Utc>,
    /// End of the session if the user does nothing until then.
    pub idle_until: DateTime<Utc>,
}

/// Which children's units a query may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every unit (administrators, the whole province).
    All,
    /// Only these unit versions (by id).
    Units(Vec<i64>),
}

impl Scope {
    /// Whether records of a unit version are within the scope.
    pub fn contains(&self, unit_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Units(ids) => ids.contains(&unit_id),
        }
    }

    /// The unit ids as a JSON array, and whether the scope is everything:
    /// how the SQL receives a list as one bound parameter.
    pub(crate) fn as_params(&self) -> (bool, String) {
        match self {
            Scope::All => (true, "[]".to_string()),
            Scope::Units(ids) => {
                let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                (false, format!("[{}]", list.join(",")))
            }
        }
    }
}

/// A page of the children's list.
#[derive(Debug, Clone)]
pub struct ChildQuery {
    pub scope: Scope,
    /// What the user typed; every word must occur (in any order) in the
    /// child's search text, accents and case ignored. Empty = all.
    pub name: String,
    /// Narrowing by fields; `Default` narrows nothing.
    pub filters: ChildFilters,
    pub limit: i64,
    pub offset: i64,
}

/// Field filters of the children's list (each `None` = any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildFilters {
    /// `M` or `F`.
    pub sex: Option<String>,
    pub born_from: Option<NaiveDate>,
    pub born_to: Option<NaiveDate>,
    /// Official ethnicity code.
    pub ethnicity: Option<String>,
    /// One special-circumstance code.
    pub special: Option<String>,
    /// Whether the birth is registered (unknown counts as not).
    pub registered: Option<bool>,
    /// The village, exactly as recorded.
    pub village: Option<String>,
    /// A nutrition status code (`underweight`, …) the child's latest
    /// measurement shows, or `normal` for a latest measurement showing none.
    pub nutrition: Option<String>,
}

/// One line of the children's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChildRow {
    pub id: i64,
    pub child_id: String,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub ethnicity: Option<String>,
    pub unit_id: i64,
    pub village: Option<String>,
    pub status: String,
    pub version: i64,
}

impl From<ChildDetail> for ChildRow {
    /// A full record as a list row.
    fn from(c: ChildDetail) -> Self {
        ChildRow {
            id: c.id,
            child_id: c.child_id,
            full_name: c.full_name,
            sex: c.sex,
            date_of_birth: c.date_of_birth,
            ethnicity: c.ethnicity,
            unit_id: c.unit_id,
            village: c.village,
            status: c.status,
            version: c.version,
        }
    }
}

/// A filter over the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub record_type: Option<String>,
    /// Only entries older than this sequence number (paging backwards).
    pub before_seq: Option<i64>,
    /// Only entries at or after this time…
    pub from: Option<DateTime<Utc>>,
    /// …and before this one.
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// A child's full record (the profile page).
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ChildDetail {
    pub id: i64,
    pub child_id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub ethnicity: Option<String>,
    pub unit_id: i64,
    pub village: Option<String>,
    pub birth_registered: Option<bool>,
    pub birth_registration_date: Option<NaiveDate>,
    pub mother_name: Option<String>,
    pub father_name: Option<String>,
    pub caregiver_name: Option<String>,
    pub caregiver_phone: Option<String>,
    pub household_poverty: Option<String>,
    pub special_circumstances: String,
    pub status: String,
    pub status_date: Option<NaiveDate>,
    pub version: i64,
    /// Set when this record was merged into another (a duplicate).
    pub merged_into: Option<i64>,
}

impl ChildDetail {
    /// What the record is compared on when looking for duplicates.
    pub fn identity(&self) -> treem_domain::duplicates::Identity<'_> {
        treem_domain::duplicates::Identity {
            national_id: self.national_id.as_deref(),
            full_name: &self.full_name,
            date_of_birth: self.date_of_birth,
            mother_name: self.mother_name.as_deref(),
            village: self.village.as_deref(),
        }
    }
}

/// The z-score columns of a measurement, as stored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, sqlx::FromRow)]
pub struct ZRecord {
    pub age_days: i64,
    pub clen_cm: Option<f64>,
    pub c9mo_flag: bool,
    pub waz: Option<f64>,
    pub f_waz: Option<bool>,
    pub haz: Option<f64>,
    pub f_haz: Option<bool>,
    pub whz: Option<f64>,
    pub f_whz: Option<bool>,
    pub baz: Option<f64>,
    pub f_baz: Option<bool>,
    pub hcz: Option<f64>,
    pub f_hcz: Option<bool>,
    /// `;`-separated nutrition status codes.
    pub nutrition: String,
    /// The method version that computed these values.
    pub method: String,
}

impl ZRecord {
    /// The stored form of an assessment.
    pub fn from_assessed(a: &treem_domain::nutrition::Assessed) -> Self {
        let split = |z: Option<treem_growth::Z>| (z.map(|z| z.value), z.map(|z| z.flagged));
        let (waz, f_waz) = split(a.z.waz);
        let (haz, f_haz) = split(a.z.haz);
        let (whz, f_whz) = split(a.z.whz);
        let (baz, f_baz) = split(a.z.baz);
        let (hcz, f_hcz) = split(a.z.hcz);
        ZRecord {
            age_days: a.age_days,
            clen_cm: a.z.clen_cm,
            c9mo_flag: a.z.c9mo_flag,
            waz,
            f_waz,
            haz,
            f_haz,
            whz,
            f_whz,
            baz,
            f_baz,
            hcz,
            f_hcz,
            nutrition: a
                .statuses
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(";"),
            method: treem_domain::nutrition::METHOD.to_string(),
        }
    }
}

/// What was measured, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MeasuredRow {
    pub measured_on: NaiveDate,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub position: Option<String>,
    pub oedema: bool,
    pub head_cm: Option<f64>,
}

impl MeasuredRow {
    /// The domain value.
    pub fn measured(&self) -> treem_domain::nutrition::Measured {
        treem_domain::nutrition::Measured {
            measured_on: self.measured_on,
            weight_kg: self.weight_kg,
            height_cm: self.height_cm,
            position: treem_domain::nutrition::position_from_code(self.position.as_deref()),
            oedema: self.oedema,
            head_cm: self.head_cm,
        }
    }

    /// The stored form of a domain value.
    pub fn from_measured(m: &treem_domain::nutrition::Measured) -> Self {
        MeasuredRow {
            measured_on: m.measured_on,
            weight_kg: m.weight_kg,
            height_cm: m.height_cm,
            position: treem_domain::nutrition::position_code(m.position).map(str::to_string),
            oedema: m.oedema,
            head_cm: m.head_cm,
        }
    }
}

/// A stored measurement with its z-scores.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct StoredMeasurement {
    pub id: i64,
    pub child_id: i64,
    #[sqlx(flatten)]
    pub measured: MeasuredRow,
    #[sqlx(flatten)]
    pub z: ZRecord,
}

/// Why a record was changed and by whom (a username).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeNote {
    pub reason: String,
    pub by: String,
}

/// A measurement's correction or withdrawal, with the values it had before.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeasurementChange {
    pub id: i64,
    pub measurement_id: i64,
    /// `corrected` or `withdrawn`.
    pub kind: String,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    #[sqlx(flatten)]
    pub previous: MeasuredRow,
}

/// What recomputing a measurement needs: the child's sex and birth date.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MeasurementInput {
    pub id: i64,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    #[sqlx(flatten)]
    pub measured: MeasuredRow,
}

/// A child under five with her latest measurement, if any.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LatestMeasurement {
    #[sqlx(flatten)]
    pub child: ChildRow,
    pub measured_on: Option<NaiveDate>,
    pub waz: Option<f64>,
    pub f_waz: Option<bool>,
    pub haz: Option<f64>,
    pub f_haz: Option<bool>,
    pub whz: Option<f64>,
    pub f_whz: Option<bool>,
    pub nutrition: Option<String>,
}

/// An earlier version of a child's record.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ChildVersion {
    pub version: i64,
    pub changed_at: DateTime<Utc>,
    pub actor: String,
    /// The record as it was, as JSON.
    pub previous: String,
    /// `;`-separated names of the fields the change touched.
    pub changed_fields: String,
}

/// The working lists of a commune officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildList {
    /// Under five (age ≤ 1,826 days) without a birth registration.
    NoBirthRegistration,
    /// Turning 5 or 6 this year: preschool and grade-1 mobilisation.
    Turning5Or6,
    /// In one of the special-circumstance groups.
    SpecialCircumstances,
    /// Without a personal ID number.
    NoNationalId,
}

/// A merge of a duplicate record into the record that stays.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Merge {
    pub id: i64,
    pub survivor_id: i64,
    pub merged_id: i64,
    pub merged_at: DateTime<Utc>,
    pub actor: String,
    pub moved_measurements: String,
    pub undone_at: Option<DateTime<Utc>>,
}
