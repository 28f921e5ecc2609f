//! Rows as the database returns them, the column lists the queries share,
//! and small helpers of the SQL.

use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::{AuditEntry, AuditEvent};
use treem_domain::units::{Level, Unit};

use crate::{Account, StoreError, StoreResult, StoredUnit, parse_role};

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    id: i64,
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    successor_code: Option<String>,
    note: String,
}

impl UnitRow {
    pub(crate) fn into_stored(self) -> StoreResult<StoredUnit> {
        let level = Level::parse(&self.level)
            .ok_or_else(|| StoreError::Corrupt(format!("unit level {}", self.level)))?;
        Ok(StoredUnit {
            id: self.id,
            unit: Unit {
                code: self.code,
                name: self.name,
                level,
                parent_code: self.parent_code,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
                successor_code: self.successor_code,
                note: self.note,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    scope_code: String,
    password_hash: String,
    must_change_password: bool,
    active: bool,
    created_at: DateTime<Utc>,
    commune_chair: bool,
    agency_code: Option<String>,
}

impl AccountRow {
    pub(crate) fn into_account(self) -> StoreResult<Account> {
        Ok(Account {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: parse_role(&self.role)?,
            scope_code: self.scope_code,
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            active: self.active,
            created_at: self.created_at,
            commune_chair: self.commune_chair,
            agency_code: self.agency_code,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    ip: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            event: AuditEvent {
                actor_id: r.actor_id,
                actor: r.actor,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                ip: r.ip,
                detail: r.detail,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

pub(crate) const UNIT_COLUMNS: &str =
    "id, code, name, level, parent_code, valid_from, valid_to, successor_code, note";
pub(crate) const ACCOUNT_COLUMNS: &str = "id, username, display_name, role, scope_code, password_hash, must_change_password, active, created_at, commune_chair, agency_code";
pub(crate) const CHILD_DETAIL_COLUMNS: &str = "id, child_id, national_id, full_name, sex, date_of_birth, ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name, caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date, version, merged_into";
pub(crate) const MEASUREMENT_COLUMNS: &str = "id, child_id, measured_on, weight_kg, height_cm, position, oedema, head_cm, age_days, clen_cm, c9mo_flag, waz, f_waz, haz, f_haz, whz, f_whz, baz, f_baz, hcz, f_hcz, nutrition, method";
pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor_id, actor, action, record_type, record_id, ip, detail, prev_hash, hash";

/// The search text of a stored record (see `treem_domain::child::search_text`).
pub(crate) fn detail_search_text(r: &crate::ChildDetail) -> String {
    treem_domain::child::search_text_of(
        &[
            Some(r.full_name.as_str()),
            r.mother_name.as_deref(),
            r.father_name.as_deref(),
            r.caregiver_name.as_deref(),
            r.national_id.as_deref(),
        ],
        chrono::Datelike::year(&r.date_of_birth),
    )
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE … ESCAPE '\'`.
pub(crate) fn like_contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The fields in which a stored record differs from a checked one placed in
/// unit version `unit` (empty: the same record).
pub(crate) fn child_changes(
    d: &crate::ChildDetail,
    c: &treem_domain::child::Child,
    unit: i64,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut check = |field: &'static str, same: bool| {
        if !same {
            out.push(field);
        }
    };
    check("national_id", d.national_id == c.national_id);
    check("full_name", d.full_name == c.full_name);
    check("sex", d.sex == c.sex.code());
    check("date_of_birth", d.date_of_birth == c.date_of_birth);
    check("ethnicity", d.ethnicity == c.ethnicity);
    check("commune_code", d.unit_id == unit);
    check("village", d.village == c.village);
    check("birth_registered", d.birth_registered == c.birth_registered);
    check(
        "birth_registration_date",
        d.birth_registration_date == c.birth_registration_date,
    );
    check("mother_name", d.mother_name == c.mother_name);
    check("father_name", d.father_name == c.father_name);
    check("caregiver_name", d.caregiver_name == c.caregiver_name);
    check("caregiver_phone", d.caregiver_phone == c.caregiver_phone);
    check(
        "household_poverty",
        d.household_poverty.as_deref() == c.household_poverty.map(|p| p.code()),
    );
    check(
        "special_circumstances",
        d.special_circumstances == c.special_circumstances.join(";"),
    );
    check("status", d.status == c.status.code());
    check("status_date", d.status_date == c.status_date);
    out
}
