//! `/api/v1/children`: search, read, create and change children's records
//! with the same scope, reading and versioning as the pages. A record's
//! `version` is its ETag; a change must name it in `If-Match`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use treem_domain::child_input::{ChildText, FieldProblem};
use treem_domain::clock::vn_today;
use treem_store::{ChildDetail, ChildQuery};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::registry::child_page::child_in_scope;
use crate::registry::records::{self, SaveError};
use crate::shell::json::{ApiError, Invalid, bad_json, problems};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search, create))
        .routes(routes!(read, change))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Words that must all occur (any order, accents and case ignored).
    q: Option<String>,
    /// How many to answer (1–200, default 20).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// How many to skip (default 0).
    #[param(minimum = 0)]
    offset: Option<i64>,
}

/// A child in a list of matches.
#[derive(Serialize, ToSchema)]
#[schema(as = ChildItem)]
struct Item {
    id: i64,
    child_id: String,
    full_name: String,
    date_of_birth: chrono::NaiveDate,
    /// `M` or `F`.
    sex: String,
    commune_code: String,
    village: Option<String>,
    status: String,
    version: i64,
}

/// Matches, and how many there are in all.
#[derive(Serialize, ToSchema)]
struct ChildList {
    items: Vec<Item>,
    total: i64,
}

/// Search children within the account's scope
///
/// Every word of q must occur (any order, accents and case ignored) in the
/// child's, mother's, father's or caregiver's name, ID number or birth year.
#[utoipa::path(get, path = "/api/v1/children", tag = "children", params(SearchQuery),
    responses(
        (status = 200, description = "Matches in Vietnamese name order, the exact name first", body = ChildList),
        (status = 403, description = "The role does not read the registry", body = ApiError),
    ))]
async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<ChildList>, AppError> {
    let units = state.units();
    let query = ChildQuery {
        scope: units.scope_of(&user.account, vn_today()),
        name: q.q.unwrap_or_default(),
        filters: Default::default(),
        limit: q.limit.unwrap_or(20).clamp(1, 200),
        offset: q.offset.unwrap_or(0).max(0),
    };
    let (rows, total) = crate::registry::search::children(&state, &query).await?;
    let items: Vec<Item> = rows
        .into_iter()
        .map(|c| Item {
            commune_code: units
                .by_id(c.unit_id)
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            id: c.id,
            child_id: c.child_id,
            full_name: c.full_name,
            date_of_birth: c.date_of_birth,
            sex: c.sex,
            village: c.village,
            status: c.status,
            version: c.version,
        })
        .collect();
    Ok(Json(ChildList { items, total }))
}

/// A child's record as the API shows it: its text fields, id and version.
#[derive(Serialize, ToSchema)]
#[schema(as = Child)]
struct ChildRecord {
    #[serde(flatten)]
    text: ChildText,
    id: i64,
    /// Also the ETag; send it as If-Match to change the record.
    version: i64,
    /// Who verified the ID number on record against the population
    /// database, and when (null when it is not verified, or changed since).
    national_id_verification: Option<Verification>,
}

/// An ID number's verification by the commune police.
#[derive(Serialize, ToSchema)]
#[schema(as = NationalIdVerification)]
struct Verification {
    by: String,
    #[schema(format = Date)]
    on: String,
}

async fn record(state: &AppState, c: &ChildDetail) -> Result<ChildRecord, AppError> {
    // The number on record as the police verified it, unchanged since.
    let verification = state
        .store
        .id_children_by_code(std::slice::from_ref(&c.child_id))
        .await?
        .into_iter()
        .find(|x| x.id == c.id)
        .filter(|x| x.national_id.is_some() && x.national_id_verified == x.national_id)
        .and_then(|x| {
            Some(Verification {
                by: x.national_id_verified_by?,
                on: x.national_id_verified_on?.format("%Y-%m-%d").to_string(),
            })
        });
    Ok(ChildRecord {
        text: records::stored_text(&state.units(), c),
        id: c.id,
        version: c.version,
        national_id_verification: verification,
    })
}

/// A likely duplicate the caller may see.
#[derive(Serialize, ToSchema)]
struct Flagged {
    id: i64,
    full_name: String,
    /// Why the two look alike.
    reason: treem_domain::duplicates::Likeness,
}

/// A record just created, with the likely duplicates it was flagged with.
#[derive(Serialize, ToSchema)]
struct CreatedChild {
    #[serde(flatten)]
    record: ChildRecord,
    possible_duplicates: Vec<Flagged>,
    /// How many likely duplicates lie outside the caller's scope.
    possible_duplicates_elsewhere: usize,
}

fn with_etag(status: StatusCode, body: impl Serialize, version: i64) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(ETAG, v);
    }
    res
}

/// A child's record
#[utoipa::path(get, path = "/api/v1/children/{id}", tag = "children",
    params(("id" = i64, Path, description = "The record's id")),
    responses(
        (status = 200, description = "The record; ETag is its version", body = ChildRecord),
        (status = 404, description = "No such child within the scope", body = ApiError),
    ))]
async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    Ok(with_etag(
        StatusCode::OK,
        record(&state, &c).await?,
        c.version,
    ))
}

/// Why a request body was not taken.
enum BodyError {
    /// Not a JSON object (400).
    NotAnObject(String),
    /// Unknown fields or non-text values (422).
    Problems(Vec<FieldProblem>),
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        match self {
            BodyError::NotAnObject(m) => bad_json(&m),
            BodyError::Problems(p) => problems(p),
        }
    }
}

/// Reads a JSON object of text fields; unknown names and non-text values are
/// located problems, not silently dropped.
fn fields(body: &Bytes) -> Result<Map<String, Value>, BodyError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| BodyError::NotAnObject(format!("JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(BodyError::NotAnObject("expected a JSON object".into()));
    };
    let known = serde_json::to_value(ChildText::default()).unwrap_or(Value::Null);
    let mut out = Vec::new();
    for (k, v) in &map {
        if known.get(k).is_none() {
            out.push(FieldProblem {
                field: "body",
                message_vi: format!("không có trường «{k}»"),
                message_en: format!("unknown field '{k}'"),
            });
        } else if !(v.is_string() || v.is_null()) {
            out.push(FieldProblem {
                field: "body",
                message_vi: format!("trường «{k}» phải là chuỗi ký tự"),
                message_en: format!("field '{k}' must be a string"),
            });
        }
    }
    if out.is_empty() {
        Ok(map)
    } else {
        Err(BodyError::Problems(out))
    }
}

fn merge(base: ChildText, changes: Map<String, Value>) -> ChildText {
    let mut v = serde_json::to_value(base).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        for (k, val) in changes {
            m.insert(k, if val.is_null() { json!("") } else { val });
        }
    }
    serde_json::from_value(v).unwrap_or_default()
}

/// Create a child's record
#[utoipa::path(post, path = "/api/v1/children", tag = "children", request_body = ChildText,
    responses(
        (status = 201, description = "Created; Location and ETag set", body = CreatedChild),
        (status = 400, description = "Not a JSON object", body = ApiError),
        (status = 403, description = "The role does not write the registry", body = ApiError),
        (status = 422, description = "Located problems", body = Invalid),
    ))]
async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, AppError> {
    let map = match fields(&body) {
        Ok(m) => m,
        Err(e) => return Ok(e.into_response()),
    };
    let text = merge(ChildText::default(), map);
    // The API creates and flags; a person reviews the pairs on /duplicates.
    match records::create(&state, &user, &info, &text, false).await {
        Ok((id, (visible, elsewhere))) => {
            let c = state.store.child(id).await?.ok_or(AppError::NotFound)?;
            let body = CreatedChild {
                record: record(&state, &c).await?,
                possible_duplicates: visible
                    .into_iter()
                    .map(|(id, full_name, reason)| Flagged {
                        id,
                        full_name,
                        reason,
                    })
                    .collect(),
                possible_duplicates_elsewhere: elsewhere,
            };
            let mut res = with_etag(StatusCode::CREATED, body, c.version);
            if let Ok(l) = HeaderValue::from_str(&format!("/api/v1/children/{id}")) {
                res.headers_mut().insert(LOCATION, l);
            }
            Ok(res)
        }
        Err(SaveError::Invalid(p)) => Ok(problems(p)),
        Err(SaveError::Stale(_)) | Err(SaveError::Duplicates(_)) => {
            Err(AppError::Internal("create".into()))
        }
        Err(SaveError::App(e)) => Err(e),
    }
}

/// The version named by `If-Match` (`"3"`, `3` or `W/"3"`).
fn if_match(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(IF_MATCH)?.to_str().ok()?.trim();
    v.trim_start_matches("W/").trim_matches('"').parse().ok()
}

/// Change some fields of a child's record
#[utoipa::path(patch, path = "/api/v1/children/{id}", tag = "children", request_body = ChildText,
    params(
        ("id" = i64, Path, description = "The record's id"),
        ("If-Match" = String, Header, description = "The version the change is based on"),
    ),
    responses(
        (status = 200, description = "Changed; the new version", body = ChildRecord),
        (status = 404, description = "No such child within the scope", body = ApiError),
        (status = 412, description = "The record changed since that version (the body and ETag give the current version)", body = ApiError),
        (status = 422, description = "Located problems", body = Invalid),
        (status = 428, description = "If-Match is missing", body = ApiError),
    ))]
async fn change(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    let Some(version) = if_match(&headers) else {
        return Ok(
            ApiError::new("precondition_required", "If-Match: <version> is required")
                .answer(StatusCode::PRECONDITION_REQUIRED),
        );
    };
    let map = match fields(&body) {
        Ok(m) => m,
        Err(e) => return Ok(e.into_response()),
    };
    let text = merge(records::stored_text(&state.units(), &c), map);
    match records::update(&state, &user, &info, &c, version, &text).await {
        Ok(_) => {
            let fresh = state.store.child(id).await?.ok_or(AppError::NotFound)?;
            Ok(with_etag(
                StatusCode::OK,
                record(&state, &fresh).await?,
                fresh.version,
            ))
        }
        Err(SaveError::Invalid(p)) => Ok(problems(p)),
        Err(SaveError::Duplicates(_)) => Err(AppError::Internal("duplicates on update".into())),
        Err(SaveError::Stale(now)) => {
            let body = ApiError {
                version: Some(now),
                ..ApiError::new("stale", "the record changed since that version")
            };
            Ok(with_etag(StatusCode::PRECONDITION_FAILED, body, now))
        }
        Err(SaveError::App(e)) => Err(e),
    }
}
