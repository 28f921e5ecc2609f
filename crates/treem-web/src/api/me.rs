//! Who the caller is, and the administrative units in force on a date.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::units::Unit;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::admin::units::parse_user_date;
use crate::shell::json::ApiError;
use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// The routes of this module, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(units))
}

/// The account a request is made as.
#[derive(Serialize, ToSchema)]
struct Me {
    username: String,
    display_name: String,
    #[schema(schema_with = roles)]
    role: &'static str,
    /// The code of the unit the account's scope is.
    scope_code: String,
}

fn roles() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Role::ALL.iter().map(|r| r.as_str())))
        .build()
}

/// The account the request is made as
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses(
        (status = 200, description = "The account", body = Me),
        (status = 401, description = "Not authenticated", body = ApiError),
    ))]
async fn me(user: CurrentUser) -> Json<Me> {
    let a = user.account;
    Json(Me {
        username: a.username,
        display_name: a.display_name,
        role: a.role.as_str(),
        scope_code: a.scope_code,
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DateQuery {
    /// yyyy-mm-dd or dd/mm/yyyy; default today.
    date: Option<String>,
}

/// The units in force on a date.
#[derive(Serialize, ToSchema)]
struct UnitsOut {
    date: chrono::NaiveDate,
    units: Vec<Unit>,
}

/// Administrative units in force on a date
///
/// As in the unit file: code, name, level, parent, validity and successor.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(DateQuery),
    responses(
        (status = 200, description = "Units", body = UnitsOut),
        (status = 400, description = "Invalid date", body = ApiError),
    ))]
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
