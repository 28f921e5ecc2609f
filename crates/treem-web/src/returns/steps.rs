//! The level above a commune approves its submitted return (it is then
//! locked) or unlocks a submitted or approved one with a reason, so that
//! the commune can correct it. Each step moves the return only from the
//! status the approver saw, with its audit entry.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use treem_domain::returns::{ReturnStatus, Step, step};

use super::found::filing;
use crate::shell::page::encode;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/returns/approve", post(approve))
        .route("/returns/unlock", post(unlock))
}

async fn approve(
    state: State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    take_step(state, info, user, form, Step::Approve).await
}

async fn unlock(
    state: State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let reason = form.get("reason").cloned().unwrap_or_default();
    take_step(
        state,
        info,
        user,
        form,
        Step::Unlock(reason.trim().to_string()),
    )
    .await
}

async fn take_step(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    form: HashMap<String, String>,
    what: Step,
) -> Result<Response, AppError> {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let (code, unit, period, seen) = (get("form"), get("unit"), get("period"), get("status"));
    if code.is_empty() || unit.is_empty() || period.is_empty() {
        return Err(AppError::BadRequest);
    }
    let f = filing(&state, &user, &code, &unit, &period).await?;
    if !f.may_approve {
        return Err(AppError::Forbidden);
    }
    // The status the approver saw on the page: a return submitted again or
    // unlocked by someone else meanwhile is not approved blindly.
    let from = ReturnStatus::from_code(&seen).unwrap_or(f.status);
    let to = match step(from, &what) {
        Ok(to) => to,
        Err(refused) => {
            let message = info.lang.t(refused.0).to_string();
            return super::page::refused(&state, &info, &user, &f, message).await;
        }
    };
    let period_code = f.period.code();
    let key = treem_store::FilingKey {
        unit_id: f.unit_id,
        form: &f.form.code,
        period: &period_code,
    };
    let (action, name, reason) = match &what {
        Step::Approve => ("return_approved", "approved", String::new()),
        Step::Unlock(why) => ("return_unlocked", "unlocked", why.clone()),
        Step::Submit => return Err(AppError::BadRequest),
    };
    let detail = format!("{} {} {}", f.unit.code, f.form.code, period_code);
    let audit = user
        .event(&info, action, "return", &detail)
        .with_detail(reason.clone());
    let moved = state
        .store
        .step_return(key, from.code(), to.code(), name, &reason, audit)
        .await?;
    if !moved {
        let message = info.lang.t("returns.err_moved").to_string();
        return super::page::refused(&state, &info, &user, &f, message).await;
    }
    Ok(Redirect::to(&format!(
        "/returns/filing?form={}&unit={}&period={}&{name}=1",
        encode(&f.form.code),
        encode(&f.unit.code),
        period_code
    ))
    .into_response())
}
