//! Creating and changing children's records, shared by the pages and the
//! JSON API: the same reading, the same scope rule, the same versioning.

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::child::Child;
use treem_domain::child_input::{ChildText, FieldProblem, child_text, read_child};
use treem_domain::clock::vn_today;
use treem_domain::units::Level;
use treem_store::{ChildDetail, StoreError};

use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState, UnitIndex};

/// Likely duplicates of a new record: those the user may see (id, name,
/// why) and how many more lie outside her scope.
pub type Duplicates = (
    Vec<(i64, String, treem_domain::duplicates::Likeness)>,
    usize,
);

/// Why a create or update did not happen.
pub enum SaveError {
    /// The new record looks like one already stored; the user must confirm.
    Duplicates(Duplicates),
    /// The input has problems (422).
    Invalid(Vec<FieldProblem>),
    /// The record changed since the given version (412 / 409).
    Stale(i64),
    /// Anything else.
    App(AppError),
}

impl From<AppError> for SaveError {
    fn from(e: AppError) -> Self {
        SaveError::App(e)
    }
}

fn commune_problem(code: &str) -> FieldProblem {
    FieldProblem {
        field: "commune_code",
        message_vi: format!(
            "«{code}» không phải xã, phường đang có hiệu lực trong phạm vi của bạn"
        ),
        message_en: format!("'{code}' is not a commune in force within your scope"),
    }
}

/// The unit version a record should point at. Keeping the commune keeps the
/// recorded unit (records are never rewritten by the reform); choosing
/// another commune moves the child to that commune's current version.
fn unit_for(
    units: &UnitIndex,
    user: &CurrentUser,
    code: &str,
    current: Option<i64>,
    today: NaiveDate,
) -> Result<i64, FieldProblem> {
    let scope = units.scope_of(&user.account, today);
    if let Some(id) = current {
        let now = units.by_id(id).and_then(|u| units.history.became(u, today));
        if now.is_some_and(|u| u.code == code) || units.by_id(id).is_some_and(|u| u.code == code) {
            return Ok(id);
        }
    }
    let target = units
        .history
        .resolve(code, today)
        .filter(|u| u.level == Level::Commune)
        .ok_or_else(|| commune_problem(code))?;
    let id = units.id_of(target).ok_or_else(|| commune_problem(code))?;
    if scope.contains(id) {
        Ok(id)
    } else {
        Err(commune_problem(code))
    }
}

/// The text of a stored record, with the commune it is recorded under.
pub fn stored_text(units: &UnitIndex, c: &ChildDetail) -> ChildText {
    let mut t = ChildText {
        child_id: c.child_id.clone(),
        national_id: c.national_id.clone().unwrap_or_default(),
        full_name: c.full_name.clone(),
        sex: c.sex.clone(),
        date_of_birth: c.date_of_birth.format("%Y-%m-%d").to_string(),
        ethnicity: c.ethnicity.clone().unwrap_or_default(),
        commune_code: units
            .by_id(c.unit_id)
            .map(|u| u.code.clone())
            .unwrap_or_default(),
        village: c.village.clone().unwrap_or_default(),
        birth_registered: match c.birth_registered {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        birth_registration_date: c
            .birth_registration_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        mother_name: c.mother_name.clone().unwrap_or_default(),
        father_name: c.father_name.clone().unwrap_or_default(),
        caregiver_name: c.caregiver_name.clone().unwrap_or_default(),
        caregiver_phone: c.caregiver_phone.clone().unwrap_or_default(),
        household_poverty: c.household_poverty.clone().unwrap_or_default(),
        special_circumstances: c.special_circumstances.clone(),
        status: c.status.clone(),
        status_date: c
            .status_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    };
    // Normalise through the reader so stored and typed texts compare alike.
    if let Ok(child) = read_child(&t, NaiveDate::MAX) {
        let commune = t.commune_code.clone();
        t = child_text(&child);
        t.commune_code = commune;
    }
    t
}

/// The names of the fields that differ between two texts.
pub fn changed_fields(a: &ChildText, b: &ChildText) -> Vec<String> {
    let (ja, jb) = (serde_json::to_value(a), serde_json::to_value(b));
    let (Ok(serde_json::Value::Object(ma)), Ok(serde_json::Value::Object(mb))) = (ja, jb) else {
        return Vec::new();
    };
    ma.iter()
        .filter(|(k, v)| mb.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect()
}

fn key_taken() -> FieldProblem {
    FieldProblem {
        field: "child_id",
        message_vi: "mã trẻ này đã có trong hệ thống".into(),
        message_en: "this child code already exists".into(),
    }
}

fn event(user: &CurrentUser, info: &RequestInfo, action: &str) -> AuditEvent {
    user.event(info, action, "child", "")
}

fn read(text: &ChildText) -> Result<Child, SaveError> {
    read_child(text, vn_today()).map_err(SaveError::Invalid)
}

/// Creates a child; returns its database id and the likely duplicates it
/// was created beside. With `confirm_duplicates`, likely duplicates stop the
/// creation until the user says the child is another one.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    text: &ChildText,
    confirm_duplicates: bool,
) -> Result<(i64, Duplicates), SaveError> {
    let child = read(text);
    let unit = unit_for(
        &state.units(),
        user,
        text.commune_code.trim(),
        None,
        vn_today(),
    );
    let (child, unit) = match (child, unit) {
        (Ok(c), Ok(u)) => (c, u),
        (Err(SaveError::Invalid(mut p)), Err(u)) => {
            p.push(u);
            return Err(SaveError::Invalid(p));
        }
        (Err(e), _) => return Err(e),
        (_, Err(u)) => return Err(SaveError::Invalid(vec![u])),
    };
    // A code already in use is an error, before any question of likeness.
    if state
        .store
        .child_id_taken(&child.child_id)
        .await
        .map_err(AppError::from)?
    {
        return Err(SaveError::Invalid(vec![key_taken()]));
    }
    let duplicates = crate::registry::duplicates::likely_duplicates_of(state, user, &child).await?;
    if confirm_duplicates && (!duplicates.0.is_empty() || duplicates.1 > 0) {
        return Err(SaveError::Duplicates(duplicates));
    }
    match state
        .store
        .insert_children(&[(child, unit)], event(user, info, "child_created"))
        .await
    {
        Ok(ids) => {
            let id = ids
                .first()
                .copied()
                .ok_or(SaveError::App(AppError::Internal("no id".into())))?;
            Ok((id, duplicates))
        }
        Err(StoreError::Conflict(_)) => Err(SaveError::Invalid(vec![key_taken()])),
        Err(e) => Err(SaveError::App(e.into())),
    }
}

/// Replaces a child's record if it is still at `version`; returns the new
/// version. The caller has checked that the child is in scope.
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    current: &ChildDetail,
    version: i64,
    text: &ChildText,
) -> Result<i64, SaveError> {
    let units = state.units();
    let child = read(text)?;
    let unit = unit_for(
        &units,
        user,
        text.commune_code.trim(),
        Some(current.unit_id),
        vn_today(),
    )
    .map_err(|p| SaveError::Invalid(vec![p]))?;
    let before = stored_text(&units, current);
    let mut after = child_text_with(&child, text);
    if unit == current.unit_id {
        // The commune was kept (perhaps shown by its post-reform code).
        after.commune_code = before.commune_code.clone();
    }
    let changed = changed_fields(&before, &after);
    match state
        .store
        .update_child(
            current.id,
            version,
            &child,
            unit,
            &changed,
            event(user, info, "child_updated"),
        )
        .await
    {
        Ok(v) => Ok(v),
        Err(StoreError::Stale(v)) => Err(SaveError::Stale(v)),
        Err(StoreError::Conflict(_)) => Err(SaveError::Invalid(vec![key_taken()])),
        Err(e) => Err(SaveError::App(e.into())),
    }
}

fn child_text_with(child: &Child, typed: &ChildText) -> ChildText {
    let mut t = child_text(child);
    t.commune_code = typed.commune_code.trim().to_string();
    t
}

/// What changed between the version a user started from and the record as
/// it is now: (field, then, now).
pub async fn changed_meanwhile(
    state: &AppState,
    current: &ChildDetail,
    since: i64,
) -> Result<Vec<(String, String, String)>, AppError> {
    let units = state.units();
    let now = stored_text(&units, current);
    let versions = state.store.child_versions(current.id).await?;
    let Some(then) = versions
        .iter()
        .find(|v| v.version == since)
        .and_then(|v| serde_json::from_str::<ChildDetail>(&v.previous).ok())
    else {
        return Ok(Vec::new());
    };
    let then = stored_text(&units, &then);
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(&then), serde_json::to_value(&now))
    else {
        return Ok(Vec::new());
    };
    Ok(a.iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, v)| {
            let text = |x: &serde_json::Value| x.as_str().unwrap_or_default().to_string();
            (k.clone(), text(v), b.get(k).map(text).unwrap_or_default())
        })
        .collect())
}
