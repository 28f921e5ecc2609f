//! What a phone sends: the entries of a session, answered one by one. Each
//! entry is keyed by the id the phone made, so sending again (a lost
//! answer, the automatic retry, the «Gửi dữ liệu» button) never stores
//! anything twice.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::entry::{Outcome, receive};
use super::found::session_in_scope;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/village/{id}/entries", post(entries))
        .route("/village/whoami", get(whoami))
}

/// At most this many entries in one request (a phone sends more in turns).
pub(super) const BATCH: usize = 200;

#[derive(Deserialize)]
struct Batch {
    entries: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct Answer {
    results: Vec<Outcome>,
}

async fn entries(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Json(batch): Json<Batch>,
) -> Result<Response, AppError> {
    if batch.entries.len() > BATCH {
        return Err(AppError::BadRequest);
    }
    let found = session_in_scope(&state, &user, id).await?;
    let mut results = Vec::with_capacity(batch.entries.len());
    for raw in &batch.entries {
        results.push(receive(&state, &info, &user, &found, raw).await?);
    }
    Ok(([(CACHE_CONTROL, "no-store")], Json(Answer { results })).into_response())
}

/// The signed-in account and the token its writes carry: the phone asks
/// before sending, since a sign-in renewed after a day offline has a new one.
#[derive(Serialize)]
struct WhoAmI {
    account: String,
    csrf: String,
}

async fn whoami(info: RequestInfo, user: CurrentUser) -> impl IntoResponse {
    (
        [(CACHE_CONTROL, "no-store")],
        Json(WhoAmI {
            account: user.account.username,
            csrf: info.csrf,
        }),
    )
}
