//! What an administrator does to an existing account or token: disable or
//! enable the account (disabling ends its sessions and tokens at once), give
//! it a new one-time password, make it — or no longer — the commune chair,
//! make it work for an agency of its unit (or none), and revoke an API
//! token. Each answers on the accounts page with what was
//! done, and is in the audit log.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::access::Role;
use treem_domain::i18n::trf;
use treem_store::AccountChange;

use crate::admin::accounts::render;
use crate::auth::password;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts/{id}/active", post(set_active))
        .route("/admin/accounts/{id}/password", post(reset_password))
        .route("/admin/accounts/{id}/chair", post(set_chair))
        .route("/admin/accounts/{id}/agency", post(set_agency))
        .route("/admin/tokens/{id}/revoke", post(revoke))
}

#[derive(Deserialize)]
struct Flag {
    /// `1` to set, `0` to clear.
    value: String,
}

impl Flag {
    fn on(&self) -> Result<bool, AppError> {
        match self.value.as_str() {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(AppError::BadRequest),
        }
    }
}

async fn answer(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    done: Result<String, &'static str>,
) -> Result<Response, AppError> {
    let (status, done, error) = match done {
        Ok(d) => (StatusCode::OK, Some(d), None),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, None, Some(e)),
    };
    let page = render(state, info, user, done, error, Default::default()).await?;
    Ok((status, page).into_response())
}

async fn set_active(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Flag>,
) -> Result<Response, AppError> {
    let active = f.on()?;
    let a = state.store.account(id).await?.ok_or(AppError::NotFound)?;
    // An administrator does not lock herself out.
    if !active && a.id == user.account.id {
        return answer(&state, &info, &user, Err("accounts.not_yourself")).await;
    }
    let action = if active {
        "account_enabled"
    } else {
        "account_disabled"
    };
    let ev = user
        .event(&info, action, "account", &id.to_string())
        .with_detail(a.username.clone());
    state
        .store
        .change_account(id, AccountChange::Active(active), ev)
        .await?;
    let key = if active {
        "cli.user_enabled"
    } else {
        "cli.user_disabled"
    };
    let done = trf(info.lang, key, &[("username", &a.username)]);
    answer(&state, &info, &user, Ok(done)).await
}

async fn reset_password(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let a = state.store.account(id).await?.ok_or(AppError::NotFound)?;
    let secret = password::one_time_password();
    let hash = password::hash(secret.clone()).await?;
    let ev = user
        .event(&info, "password_reset", "account", &id.to_string())
        .with_detail(a.username.clone());
    state.store.set_password(id, &hash, true, ev).await?;
    let done = trf(
        info.lang,
        "accounts.reset_ok",
        &[("username", &a.username), ("password", &secret)],
    );
    answer(&state, &info, &user, Ok(done)).await
}

async fn set_chair(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<Flag>,
) -> Result<Response, AppError> {
    let chair = f.on()?;
    let a = state.store.account(id).await?.ok_or(AppError::NotFound)?;
    if chair && a.role != Role::Commune {
        return answer(&state, &info, &user, Err("accounts.chair_commune_only")).await;
    }
    let ev = user
        .event(&info, "account_chair", "account", &id.to_string())
        .with_detail(format!("{} {chair}", a.username));
    state
        .store
        .change_account(id, AccountChange::CommuneChair(chair), ev)
        .await?;
    let key = if chair {
        "cli.chair_set"
    } else {
        "cli.chair_removed"
    };
    let done = trf(info.lang, key, &[("username", &a.username)]);
    answer(&state, &info, &user, Ok(done)).await
}

#[derive(Deserialize)]
struct AgencyForm {
    #[serde(default)]
    agency: String,
}

/// The account works for an agency of its unit in force today (it then
/// reports that agency's progress on the plan, and only that), or for none.
async fn set_agency(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AgencyForm>,
) -> Result<Response, AppError> {
    let a = state.store.account(id).await?.ok_or(AppError::NotFound)?;
    let code = f.agency.trim();
    let chosen = if code.is_empty() {
        None
    } else {
        let units = state.units();
        let today = treem_domain::clock::vn_today();
        let unit = units
            .history
            .resolve(&a.scope_code, today)
            .filter(|u| u.code == a.scope_code)
            .and_then(|u| units.id_of(u));
        let known = match unit {
            Some(u) => state.store.agencies(u).await?,
            None => Vec::new(),
        };
        if matches!(a.role, Role::Admin | Role::CaseWorker) || !known.iter().any(|g| g.code == code)
        {
            return answer(&state, &info, &user, Err("accounts.agency_not_of_unit")).await;
        }
        Some(code.to_string())
    };
    let ev = user
        .event(&info, "account_agency", "account", &id.to_string())
        .with_detail(format!(
            "{} {}",
            a.username,
            chosen.clone().unwrap_or_default()
        ));
    state
        .store
        .change_account(id, AccountChange::Agency(chosen.clone()), ev)
        .await?;
    let done = match chosen {
        Some(code) => trf(
            info.lang,
            "cli.agency_set",
            &[("username", &a.username), ("code", &code)],
        ),
        None => trf(
            info.lang,
            "cli.agency_removed",
            &[("username", &a.username)],
        ),
    };
    answer(&state, &info, &user, Ok(done)).await
}

async fn revoke(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let ev = user.event(&info, "token_revoked", "api_token", &id.to_string());
    let id_text = id.to_string();
    let done = if state.store.revoke_token(id, ev).await? {
        Ok(trf(info.lang, "cli.token_revoked", &[("id", &id_text)]))
    } else {
        Err("accounts.token_not_live")
    };
    answer(&state, &info, &user, done).await
}
