//! Handing a case over between communes (Decree 56/2017: the commune where
//! the harm happened and the commune where the child lives). Whoever works
//! the case gives it to a commune officer of another commune in force
//! today, with a reason (sealed, like notes): the case moves to that
//! commune — its number stays — the receiving officer is assigned, those
//! who worked it stand on it no more, the receiving commune's chair
//! decides from then on, and every hand-over stays on the case's page.

use chrono::Utc;
use treem_domain::access::Role;
use treem_domain::clock::{vn_date, vn_today};
use treem_domain::units::Level;
use treem_store::{NewHandover, StoreError};

use crate::cases::input::{long_text, problem};
use crate::cases::service::{CaseError, access_of, event, key};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The commune in force today that the case's unit is (or became): its
/// database id.
fn commune_today(state: &AppState, unit_id: i64) -> Option<i64> {
    let units = state.units();
    let unit = units.by_id(unit_id)?;
    let now = units.history.became(unit, vn_today())?;
    units.id_of(now)
}

/// The officers a case may be handed to: active commune officers of a
/// commune in force today other than the one that has the case (whatever
/// it was called when the case came in), as (username, "name — commune"),
/// by commune then name.
pub async fn receivers(state: &AppState, unit_id: i64) -> Result<Vec<(String, String)>, AppError> {
    let today = vn_today();
    let here = commune_today(state, unit_id);
    let units = state.units();
    let mut found: Vec<(String, String, String)> = state
        .store
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.active && a.role == Role::Commune)
        .filter_map(|a| {
            let unit = units.history.resolve(&a.scope_code, today)?;
            let id = units.id_of(unit)?;
            (unit.level == Level::Commune && Some(id) != here).then(|| {
                let label = format!("{} — {}", a.display_name, unit.name);
                (
                    treem_domain::text::name_sort_key(&unit.name),
                    a.username,
                    label,
                )
            })
        })
        .collect();
    found.sort();
    Ok(found.into_iter().map(|(_, u, l)| (u, l)).collect())
}

/// Hands case `id` over to the commune officer `to`; the receiving
/// commune's name.
pub async fn hand_over(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    to: &str,
    reason: &str,
) -> Result<String, CaseError> {
    let key = key(state)?;
    let (file, _, access) = access_of(state, user, info, id).await?;
    if !access.act || file.closed_at.is_some() {
        return Err(CaseError::App(AppError::Forbidden));
    }
    let mut p = Vec::new();
    let reason = long_text("reason", reason, true, &mut p);
    if p.is_empty() && reason.chars().count() < 10 {
        p.push(problem(
            "reason",
            "Ghi rõ lý do chuyển hồ sơ (ít nhất 10 ký tự)",
            "State why the case is handed over (at least 10 characters)",
        ));
    }
    let today = vn_today();
    let units = state.units();
    let receiver = state
        .store
        .account_by_username(to.trim())
        .await?
        .filter(|a| a.active && a.role == Role::Commune);
    let target = receiver.as_ref().and_then(|a| {
        let unit = units.history.resolve(&a.scope_code, today)?;
        (unit.level == Level::Commune)
            .then(|| units.id_of(unit).map(|id| (id, unit.name.clone())))
            .flatten()
    });
    let here = commune_today(state, file.unit_id);
    let (receiver, (to_unit_id, to_name)) = match (receiver, target) {
        (Some(r), Some(t)) if Some(t.0) != here => (r, t),
        (Some(_), Some(_)) => {
            p.push(problem(
                "to",
                "Người nhận làm việc ở chính xã đang xử lý hồ sơ",
                "The receiver works in the commune that has the case",
            ));
            return Err(CaseError::Invalid(p));
        }
        _ => {
            p.push(problem(
                "to",
                "Chọn một cán bộ xã, phường của xã nhận hồ sơ",
                "Choose a commune officer of the receiving commune",
            ));
            return Err(CaseError::Invalid(p));
        }
    };
    if !p.is_empty() {
        return Err(CaseError::Invalid(p));
    }
    let h = NewHandover {
        from_unit_id: file.unit_id,
        to_unit_id,
        by_account_id: user.account.id,
        by_username: user.account.username.clone(),
        to_account_id: receiver.id,
        at: Utc::now(),
        reason: key.seal(&file.seal_id, "handover_reason", &reason),
    };
    // The unit's id, never its name or the reason, goes to the log.
    let audit =
        event(user, info, "case_handed_over", &id.to_string()).with_detail(to_unit_id.to_string());
    match state.store.hand_over_case(id, &h, audit).await {
        Ok(()) => Ok(to_name),
        Err(StoreError::Conflict(_)) => Err(CaseError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// The case's hand-overs as its page lists them, oldest first: (when,
/// from, to, "giver → receiver", why), the reasons opened.
pub async fn trail(
    state: &AppState,
    file: &treem_store::CaseFile,
    unreadable: &str,
) -> Result<Vec<[String; 5]>, AppError> {
    let key = key(state)?;
    let units = state.units();
    // A unit as it stood on the day of the hand-over.
    let name = |id: i64, on| {
        units
            .by_id(id)
            .map(|u| units.history.became(u, on).unwrap_or(u))
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    Ok(state
        .store
        .case_handovers(file.id)
        .await?
        .into_iter()
        .map(|h| {
            [
                crate::cases::input::show_time(h.at),
                name(h.from_unit_id, vn_date(h.at)),
                name(h.to_unit_id, vn_date(h.at)),
                format!("{} → {}", h.by_username, h.to_username),
                key.open(&file.seal_id, "handover_reason", &h.reason)
                    .unwrap_or_else(|| unreadable.to_string()),
            ]
        })
        .collect())
}
