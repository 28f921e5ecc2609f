//! How one entry from a phone is stored: checked, compared with the record
//! as it stands now, and either stored or kept as a conflict — never
//! overwriting anything, never dropped.

use serde::Serialize;
use treem_domain::child::Child;
use treem_domain::child_input::{ChildText, read_child};
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_domain::nutrition::assess;
use treem_domain::village::{Entry, SessionKind, check, measured, same_measurement};
use treem_store::{
    ChildDetail, MeasuredRow, ReceivedEntry, Recorded, StoreError, VillageEntry, VillageWrite,
    ZRecord,
};

use super::found::Found;
use crate::registry::child_page::sex_of;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// What the server says about one entry.
#[derive(Debug, Serialize)]
pub(super) struct Outcome {
    pub id: String,
    /// `stored`, `conflict`, `resolved`, `dismissed`, or `refused` (not
    /// recorded: the phone keeps it and says why).
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub message: String,
}

/// The locale key of a reason's explanation.
pub(super) fn reason_key(reason: &str) -> &'static str {
    match reason {
        "measured_differs" => "village.reason_measured_differs",
        "merged" => "village.reason_merged",
        "moved" => "village.reason_moved",
        "dead" => "village.reason_dead",
        "looks_like" => "village.reason_looks_like",
        "future" => "village.reason_future",
        _ => "village.reason_invalid",
    }
}

fn state_code(s: &str) -> &'static str {
    match s {
        "stored" => "stored",
        "conflict" => "conflict",
        "resolved" => "resolved",
        _ => "dismissed",
    }
}

/// The outcome of an entry already recorded.
pub(super) fn outcome_of(e: &VillageEntry, lang: Lang) -> Outcome {
    let state = state_code(&e.state);
    let message = match state {
        "conflict" => lang
            .t(reason_key(e.reason.as_deref().unwrap_or("")))
            .to_string(),
        other => lang.t(&format!("village.state_{other}")).to_string(),
    };
    Outcome {
        id: e.entry_id.clone(),
        state,
        reason: e.reason.clone(),
        message,
    }
}

pub(super) fn refused(id: &str, key: &str, lang: Lang) -> Outcome {
    Outcome {
        id: id.chars().take(64).collect(),
        state: "refused",
        reason: None,
        message: lang.t(key).to_string(),
    }
}

/// The measurement an entry carries, as stored, with its z-scores.
pub(super) fn measurement_for(
    e: &Entry,
    found: &Found,
    child: &ChildDetail,
) -> Option<(MeasuredRow, ZRecord)> {
    let m = measured(e, found.day()).ok()?;
    let a = assess(sex_of(child), child.date_of_birth, &m);
    Some((MeasuredRow::from_measured(&m), ZRecord::from_assessed(&a)))
}

/// What an entry stores for an existing child.
pub(super) fn write_for(e: &Entry, found: &Found, child: &ChildDetail) -> VillageWrite {
    if found.kind == SessionKind::Weighing {
        match measurement_for(e, found, child) {
            Some((measured, z)) => VillageWrite::Measure {
                child: child.id,
                measured,
                z,
            },
            None => VillageWrite::Nothing,
        }
    } else if e.present {
        VillageWrite::Attend {
            child: child.id,
            date: found.day(),
            kind: found.kind.code().to_string(),
        }
    } else {
        VillageWrite::Nothing
    }
}

/// The record a new child's entry makes (in the session's commune and
/// village, with a fresh child code).
pub(super) fn new_child(e: &Entry, found: &Found) -> Option<Child> {
    let n = e.new_child.as_ref()?;
    let text = ChildText {
        child_id: format!(
            "TE-{}",
            &crate::auth::session::random_token()[..8].to_uppercase()
        ),
        full_name: n.full_name.trim().to_string(),
        sex: n.sex.clone(),
        date_of_birth: n.date_of_birth.clone(),
        commune_code: found.commune.0.clone(),
        village: found.session.village.clone(),
        mother_name: n.mother_name.trim().to_string(),
        status: "active".into(),
        ..ChildText::default()
    };
    read_child(&text, vn_today()).ok()
}

/// What a new child's entry stores.
pub(super) fn write_new(e: &Entry, found: &Found, child: Child) -> VillageWrite {
    let measure = (found.kind == SessionKind::Weighing)
        .then(|| measured(e, found.day()).ok())
        .flatten()
        .map(|m| {
            let sex = if child.sex.code() == "F" {
                treem_growth::Sex::Female
            } else {
                treem_growth::Sex::Male
            };
            let a = assess(sex, child.date_of_birth, &m);
            (MeasuredRow::from_measured(&m), ZRecord::from_assessed(&a))
        });
    let attend = (found.kind != SessionKind::Weighing && e.present)
        .then(|| (found.day(), found.kind.code().to_string()));
    VillageWrite::NewChild {
        child: Box::new(child),
        unit_id: found.session.unit_id,
        measure,
        attend,
    }
}

/// What to do with an entry, decided against the records as they are now.
enum Decision {
    Store(Box<VillageWrite>, Option<i64>),
    Conflict(&'static str, Option<i64>),
    Refuse(&'static str),
}

async fn decide(
    state: &AppState,
    user: &CurrentUser,
    found: &Found,
    e: &Entry,
) -> Result<Decision, AppError> {
    if check(e, found.kind, found.day()).is_err() {
        return Ok(Decision::Conflict("invalid", e.child));
    }
    // A measurement or an attendance cannot bear a day still to come.
    if found.day() > vn_today() {
        return Ok(Decision::Conflict("future", e.child));
    }
    if e.new_child.is_some() {
        let Some(child) = new_child(e, found) else {
            return Ok(Decision::Conflict("invalid", None));
        };
        let (alike, _) =
            crate::registry::duplicates::likely_duplicates_of(state, user, &child).await?;
        if let Some((other, _, _)) = alike.first() {
            return Ok(Decision::Conflict("looks_like", Some(*other)));
        }
        return Ok(Decision::Store(Box::new(write_new(e, found, child)), None));
    }
    let id = e.child.unwrap_or_default();
    let Some(child) = state.store.child(id).await? else {
        return Ok(Decision::Refuse("village.refused_child"));
    };
    let scope = state.units().scope_of(&user.account, vn_today());
    if !scope.contains(child.unit_id) {
        return Ok(Decision::Refuse("village.refused_child"));
    }
    let reason = if child.merged_into.is_some() {
        Some("merged")
    } else if child.status == "dead" {
        Some("dead")
    } else if child.status != "active"
        || !found.scope.contains(child.unit_id)
        || child.village.as_deref() != Some(found.session.village.as_str())
    {
        Some("moved")
    } else {
        None
    };
    if let Some(reason) = reason {
        return Ok(Decision::Conflict(reason, Some(id)));
    }
    if found.kind == SessionKind::Weighing {
        let mine = measured(e, found.day()).ok();
        let that_day = state
            .store
            .measurements(id)
            .await?
            .into_iter()
            .find(|m| m.measured.measured_on == found.day());
        if let (Some(mine), Some(stored)) = (mine, that_day) {
            return Ok(if same_measurement(&mine, &stored.measured.measured()) {
                // The same values again (e.g. typed in treem meanwhile).
                Decision::Store(Box::new(VillageWrite::Nothing), Some(id))
            } else {
                Decision::Conflict("measured_differs", Some(id))
            });
        }
    }
    Ok(Decision::Store(
        Box::new(write_for(e, found, &child)),
        Some(id),
    ))
}

/// Receives one entry of a session from the caller's phone.
pub(super) async fn receive(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    found: &Found,
    raw: &serde_json::Value,
) -> Result<Outcome, AppError> {
    let lang = info.lang;
    let id = raw.get("id").and_then(|v| v.as_str()).unwrap_or_default();
    if !treem_domain::village::valid_entry_id(id) {
        return Ok(refused(id, "village.refused_id", lang));
    }
    if let Some(known) = state.store.village_entry(id).await? {
        // A retry: said as it stands. Another account's or session's entry
        // under this id is not shown.
        if known.account_id != user.account.id || known.session_id != found.session.id {
            return Ok(refused(id, "village.refused_id", lang));
        }
        return Ok(outcome_of(&known, lang));
    }
    let decision = match serde_json::from_value::<Entry>(raw.clone()) {
        Ok(e) => decide(state, user, found, &e).await?,
        Err(_) => Decision::Conflict("invalid", None),
    };
    let body = raw.to_string();
    let mut received = ReceivedEntry {
        entry_id: id.to_string(),
        session_id: found.session.id,
        account_id: user.account.id,
        body,
        state: "stored".into(),
        reason: None,
        child_id: None,
    };
    let event = |action: &str| {
        user.event(info, action, "village_entry", id)
            .with_detail(format!("session {}", found.session.id))
    };
    let (write, child) = match decision {
        Decision::Refuse(key) => return Ok(refused(id, key, lang)),
        Decision::Store(write, child) => (*write, child),
        Decision::Conflict(reason, child) => {
            received.state = "conflict".into();
            received.reason = Some(reason.into());
            (VillageWrite::Nothing, child)
        }
    };
    received.child_id = child;
    let action = if received.state == "stored" {
        "village_entry_stored"
    } else {
        "village_entry_conflict"
    };
    let recorded = match state
        .store
        .record_village_entry(&received, &write, event(action))
        .await
    {
        // A measurement on that day was stored between the check and now.
        Err(StoreError::Conflict(_)) if received.state == "stored" => {
            received.state = "conflict".into();
            received.reason = Some("measured_differs".into());
            state
                .store
                .record_village_entry(
                    &received,
                    &VillageWrite::Nothing,
                    event("village_entry_conflict"),
                )
                .await?
        }
        other => other?,
    };
    Ok(match recorded {
        Recorded::Already(known) => outcome_of(&known, lang),
        Recorded::New { .. } => {
            let reason = received.reason.clone();
            let message = match &reason {
                Some(r) => lang.t(reason_key(r)).to_string(),
                None => lang.t("village.state_stored").to_string(),
            };
            Outcome {
                id: id.to_string(),
                state: if reason.is_some() {
                    "conflict"
                } else {
                    "stored"
                },
                reason,
                message,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    /// Every reason `decide` gives has its own words.
    #[test]
    fn every_reason_has_its_words() {
        for r in [
            "measured_differs",
            "merged",
            "moved",
            "dead",
            "looks_like",
            "invalid",
        ] {
            assert!(super::reason_key(r).ends_with(r));
            assert!(
                !treem_domain::i18n::Lang::Vi
                    .t(super::reason_key(r))
                    .starts_with("village.")
            );
        }
    }
}
