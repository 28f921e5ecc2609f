//! Deriving a plan for a commune from its page: the People's Committee's
//! officers choose one of the communes in their scope that lie under the
//! plan's unit (or took over a retired unit's territory) and have no plan
//! of that title yet; the tasks are copied with their assignment and the
//! commune's agencies are made (`derive`).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use treem_domain::clock::vn_today;
use treem_domain::units::Level;

use super::derive::{derive, heirs};
use super::found::{PlanView, plan_view};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/derive", post(create))
}

/// The communes the caller may derive this plan for: (id, code, name).
pub(super) async fn derivable(
    state: &AppState,
    user: &CurrentUser,
    view: &PlanView,
) -> Result<Vec<(i64, String, String)>, AppError> {
    let a = &user.account;
    let officer = a.agency_code.is_none()
        && matches!(
            a.role,
            treem_domain::access::Role::Province
                | treem_domain::access::Role::District
                | treem_domain::access::Role::Commune
        );
    if !officer || view.unit.level == Level::Commune {
        return Ok(Vec::new());
    }
    let units = state.units();
    let today = vn_today();
    let scope = units.scope_of(a, today);
    let below: Vec<String> = if view.live {
        units
            .history
            .valid_on(today)
            .into_iter()
            .filter(|u| {
                u.level == Level::Commune
                    && units
                        .history
                        .ancestors(u)
                        .iter()
                        .any(|a| a.code == view.unit.code)
            })
            .map(|u| u.code.clone())
            .collect()
    } else {
        heirs(&units.history, &view.unit.code, today)
            .into_iter()
            .map(|u| u.code.clone())
            .collect()
    };
    let plans = state.store.plans().await?;
    let has: HashMap<i64, ()> = plans
        .iter()
        .filter(|p| p.title == view.plan.title)
        .map(|p| (p.unit_id, ()))
        .collect();
    Ok(units
        .communes_in(&scope, today)
        .into_iter()
        .filter(|(code, _)| below.contains(code))
        .filter_map(|(code, name)| {
            let id = units
                .history
                .resolve(&code, today)
                .and_then(|u| units.id_of(u))?;
            (!has.contains_key(&id)).then_some((id, code, name))
        })
        .collect())
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let view = plan_view(&state, &user, id).await?;
    let code = f.get("unit").map(|s| s.trim()).unwrap_or_default();
    let choices = derivable(&state, &user, &view).await?;
    if choices.is_empty() {
        return Err(AppError::Forbidden);
    }
    let Some((unit_id, _, name)) = choices.into_iter().find(|(_, c, _)| c == code) else {
        return Ok(Redirect::to(&format!("/plans/{id}?derive_error=1#derive")).into_response());
    };
    let audit = user
        .event(&info, "plan_derived", "plan", "")
        .with_detail(format!("from {id} for {code}"));
    match derive(state.store.as_ref(), &view.plan, unit_id, &name, audit).await? {
        Some(new) => Ok(Redirect::to(&format!("/plans/{new}?derived=1")).into_response()),
        // Made meanwhile by someone else: nothing stored now.
        None => Ok(Redirect::to(&format!("/plans/{id}?derive_error=1#derive")).into_response()),
    }
}
