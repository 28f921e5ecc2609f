//! A conflict resolved by someone who can see both sides: the phone's entry
//! is stored after all (as it was meant, or on the record it belongs to) or
//! set aside; the stored record is replaced only when she says so, and what
//! it held is kept as a correction.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::village::Entry;
use treem_store::{ChangeNote, Resolution, StoreError, VillageWrite};

use super::entry::{measurement_for, new_child, write_for, write_new};
use super::found::{Found, session_in_scope};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/village/entries/{entry}/resolve", post(resolve))
}

#[derive(Deserialize)]
struct ResolveForm {
    /// `dismiss`, `replace`, `store`, `new` or `same`.
    choice: String,
}

/// A record the caller may write to, followed to the record it was merged
/// into.
async fn writable(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
) -> Result<treem_store::ChildDetail, AppError> {
    let scope = state.units().scope_of(&user.account, vn_today());
    let mut child = state
        .store
        .child(id.ok_or(AppError::BadRequest)?)
        .await?
        .ok_or(AppError::NotFound)?;
    for _ in 0..8 {
        let Some(next) = child.merged_into else { break };
        child = state.store.child(next).await?.ok_or(AppError::NotFound)?;
    }
    if scope.contains(child.unit_id) {
        Ok(child)
    } else {
        Err(AppError::NotFound)
    }
}

/// What a choice stores, or `None` when it does not fit the conflict.
async fn write_of(
    state: &AppState,
    user: &CurrentUser,
    found: &Found,
    reason: &str,
    choice: &str,
    entry: Option<&Entry>,
    child: Option<i64>,
) -> Result<Option<VillageWrite>, AppError> {
    if choice == "dismiss" {
        return Ok(Some(VillageWrite::Nothing));
    }
    let Some(e) = entry else { return Ok(None) };
    Ok(match (reason, choice) {
        ("measured_differs", "replace") => {
            let c = writable(state, user, child).await?;
            let stored = state
                .store
                .measurements(c.id)
                .await?
                .into_iter()
                .find(|m| m.measured.measured_on == found.day());
            match (stored, measurement_for(e, found, &c)) {
                (Some(stored), Some((measured, z))) => Some(VillageWrite::Replace {
                    child: c.id,
                    id: stored.id,
                    measured,
                    z,
                    note: ChangeNote {
                        reason: format!("buổi tại thôn #{}", found.session.id),
                        by: user.account.username.clone(),
                    },
                }),
                // Nothing stored that day any more: the entry is stored as is.
                (None, Some(_)) => Some(write_for(e, found, &c)),
                _ => None,
            }
        }
        ("merged" | "moved" | "dead", "store") | ("looks_like", "same") => {
            let c = writable(state, user, child).await?;
            Some(write_for(e, found, &c))
        }
        ("looks_like", "new") => new_child(e, found).map(|c| write_new(e, found, c)),
        _ => None,
    })
}

async fn resolve(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(entry_id): Path<String>,
    Form(f): Form<ResolveForm>,
) -> Result<Response, AppError> {
    let entry = state
        .store
        .village_entry(&entry_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let found = session_in_scope(&state, &user, entry.session_id).await?;
    let back = |outcome: &str| {
        Redirect::to(&format!(
            "/village/{}?{outcome}=1#conflicts",
            found.session.id
        ))
        .into_response()
    };
    if entry.state != "conflict" {
        return Ok(back("already"));
    }
    let parsed = serde_json::from_str::<Entry>(&entry.body).ok();
    let reason = entry.reason.clone().unwrap_or_default();
    let Some(write) = write_of(
        &state,
        &user,
        &found,
        &reason,
        &f.choice,
        parsed.as_ref(),
        entry.child_id,
    )
    .await?
    else {
        return Err(AppError::BadRequest);
    };
    let dismissed = matches!(write, VillageWrite::Nothing);
    let resolution = Resolution {
        entry_id: entry.entry_id.clone(),
        state: if dismissed { "dismissed" } else { "resolved" }.into(),
        resolved_by: user.account.id,
        resolution: f.choice.clone(),
    };
    let audit = user
        .event(
            &info,
            "village_entry_resolved",
            "village_entry",
            &entry.entry_id,
        )
        .with_detail(format!("session {} {}", found.session.id, f.choice));
    match state
        .store
        .resolve_village_entry(&resolution, &write, audit)
        .await
    {
        Ok(_) => Ok(back("resolved")),
        Err(StoreError::Stale(_)) => Ok(back("already")),
        Err(StoreError::Conflict(_)) => Ok(back("clash")),
        Err(e) => Err(e.into()),
    }
}
