//! `/api/v1/children`: search, read, create and change children's records
//! with the same scope, reading and versioning as the pages. A record's
//! `version` is its ETag; a change must name it in `If-Match`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{ETAG, IF_MATCH, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use treem_domain::child_input::{ChildText, FieldProblem};
use treem_domain::clock::vn_today;
use treem_store::{ChildDetail, ChildQuery};

use crate::registry::child_page::child_in_scope;
use crate::registry::records::{self, SaveError};
use crate::shell::json::{bad_json, problems};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The OpenAPI document of the JSON API.
const OPENAPI: &str = include_str!("../../assets/openapi.json");

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/children", get(search).post(create))
        .route("/api/v1/children/{id}", get(read).patch(change))
}

async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

#[derive(Serialize)]
struct Item {
    id: i64,
    child_id: String,
    full_name: String,
    date_of_birth: chrono::NaiveDate,
    sex: String,
    commune_code: String,
    village: Option<String>,
    status: String,
    version: i64,
}

async fn search(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Value>, AppError> {
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
    Ok(Json(json!({ "items": items, "total": total })))
}

/// A record as the API shows it: its text fields, id and version.
fn record(state: &AppState, c: &ChildDetail) -> Value {
    let mut v =
        serde_json::to_value(records::stored_text(&state.units(), c)).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), json!(c.id));
        m.insert("version".into(), json!(c.version));
    }
    v
}

fn with_etag(status: StatusCode, body: Value, version: i64) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(ETAG, v);
    }
    res
}

async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    Ok(with_etag(StatusCode::OK, record(&state, &c), c.version))
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
            let mut body = record(&state, &c);
            if let Value::Object(m) = &mut body {
                let flagged: Vec<Value> = visible
                    .iter()
                    .map(|(id, name, why)| json!({ "id": id, "full_name": name, "reason": why }))
                    .collect();
                m.insert("possible_duplicates".into(), json!(flagged));
                m.insert("possible_duplicates_elsewhere".into(), json!(elsewhere));
            }
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
        let body = json!({ "error": "precondition_required", "message": "If-Match: <version> is required" });
        return Ok((StatusCode::PRECONDITION_REQUIRED, Json(body)).into_response());
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
                record(&state, &fresh),
                fresh.version,
            ))
        }
        Err(SaveError::Invalid(p)) => Ok(problems(p)),
        Err(SaveError::Duplicates(_)) => Err(AppError::Internal("duplicates on update".into())),
        Err(SaveError::Stale(now)) => {
            let body = json!({ "error": "stale", "message": "the record changed since that version", "version": now });
            Ok(with_etag(StatusCode::PRECONDITION_FAILED, body, now))
        }
        Err(SaveError::App(e)) => Err(e),
    }
}
