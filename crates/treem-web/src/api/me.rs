//! The JSON API under `/api/v1` (bearer token or session; the same guard).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use treem_domain::clock::vn_today;

use crate::admin::units::parse_user_date;
use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/units", get(units))
}

#[derive(Serialize)]
struct Me {
    username: String,
    display_name: String,
    role: &'static str,
    scope_code: String,
}

async fn me(user: CurrentUser) -> Json<Me> {
    let a = user.account;
    Json(Me {
        username: a.username,
        display_name: a.display_name,
        role: a.role.as_str(),
        scope_code: a.scope_code,
    })
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

#[derive(Serialize)]
struct UnitsOut {
    date: chrono::NaiveDate,
    units: Vec<treem_domain::units::Unit>,
}

/// The units in force on a date (default today), as in the unit file.
async fn units(
    State(state): State<AppState>,
    Query(q): Query<DateQuery>,
) -> Result<Json<UnitsOut>, AppError> {
    let date = match q.date.as_deref() {
        Some(s) => parse_user_date(s).ok_or(AppError::BadRequest)?,
        None => vn_today(),
    };
    let index = state.units();
    let units = index.history.valid_on(date).into_iter().cloned().collect();
    Ok(Json(UnitsOut { date, units }))
}
