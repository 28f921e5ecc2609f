//! `/api/v1/cases`: the case procedure over JSON, with exactly the access
//! rules of the pages (crate::cases::service decides; this only speaks JSON).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use treem_domain::cases::Vocabulary;
use treem_domain::cases::deadlines::{Deadlines, Urgency};
use treem_domain::i18n::Lang;
use treem_store::CaseFilter;

use crate::cases::input::api_time;
use crate::cases::input::{CaseInput, StepInput};
use crate::cases::service::{self, CaseError, OpenCase};
use crate::shell::json::{bad_json, problems};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/cases", get(list).post(create))
        .route("/api/v1/cases/{id}", get(read))
        .route("/api/v1/cases/{id}/steps", post(step))
}

fn deadlines_json(d: &Deadlines) -> Value {
    json!({
        "emergency_by": d.emergency_by.map(api_time),
        "plan_by": api_time(d.plan_by),
    })
}

/// A case with its contents, for those allowed.
fn case_json(state: &AppState, c: &OpenCase) -> Value {
    let units = state.units();
    let f = &c.file;
    let child_commune = units
        .by_id(f.unit_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    json!({
        "id": f.id,
        "case_number": f.case_number,
        "commune_code": f.commune_code,
        "child": { "id": f.child_id, "child_id": f.child_code, "full_name": f.child_name,
                   "date_of_birth": f.child_born, "commune_code": child_commune },
        "source": f.source,
        "received_at": api_time(f.received_at),
        "harm_types": c.harms().iter().map(|h| h.code()).collect::<Vec<_>>(),
        "relation": f.relation,
        "risk_level": f.risk_level,
        "step": f.step,
        "next_steps": c.step().map(|s| s.next().iter().map(|n| n.code()).collect::<Vec<_>>()).unwrap_or_default(),
        "summary": c.summary,
        "abuser": if c.abuser.is_empty() { Value::Null } else { json!(c.abuser) },
        "deadlines": deadlines_json(&c.deadlines),
        "urgency": c.urgency.code(),
        "overdue": c.urgency == Urgency::Overdue,
        "emergency_at": f.emergency_at.map(api_time),
        "plan_at": f.plan_at.map(api_time),
        "closed_at": f.closed_at.map(api_time),
        "steps": c.steps.iter().map(|(s, notes)| json!({
            "step": s.step, "at": api_time(s.at), "author": s.author,
            "notes": notes, "risk_level": s.risk_level,
        })).collect::<Vec<_>>(),
        "people": c.grants.iter().map(|g| json!({
            "username": g.username, "standing": g.kind, "until": g.until.map(api_time),
        })).collect::<Vec<_>>(),
    })
}

fn case_error(e: CaseError, lang: Lang) -> Result<Response, AppError> {
    match e {
        CaseError::Invalid(p) => Ok(problems(p)),
        CaseError::NotAllowed(message) => Ok((
            StatusCode::CONFLICT,
            Json(json!({ "error": "transition_not_allowed", "message": message })),
        )
            .into_response()),
        CaseError::Conflict => Ok((
            StatusCode::CONFLICT,
            Json(json!({ "error": "conflict", "message": lang.t("cases.conflict") })),
        )
            .into_response()),
        CaseError::App(e) => Err(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCaseJson {
    child_id: String,
    received_at: String,
    source: String,
    harm_types: Vec<String>,
    #[serde(default)]
    relation: Option<String>,
    #[serde(default)]
    risk_level: Option<String>,
    summary: String,
    #[serde(default)]
    abuser: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    body: Bytes,
) -> Result<Response, AppError> {
    let j: NewCaseJson = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(e) => return Ok(bad_json(&format!("JSON: {e}"))),
    };
    let input = CaseInput {
        child_id: j.child_id,
        received_at: j.received_at,
        source: j.source,
        harm_types: j.harm_types,
        relation: j.relation.unwrap_or_default(),
        risk_level: j.risk_level.unwrap_or_default(),
        summary: j.summary,
        abuser: j.abuser.unwrap_or_default(),
    };
    let (id, _) = match service::create(&state, &user, &info, &input).await {
        Ok(v) => v,
        Err(e) => return case_error(e, info.lang),
    };
    let c = service::open(&state, &user, &info, id, "api").await?;
    let mut res = (StatusCode::CREATED, Json(case_json(&state, &c))).into_response();
    if let Ok(l) = axum::http::HeaderValue::from_str(&format!("/api/v1/cases/{id}")) {
        res.headers_mut().insert(LOCATION, l);
    }
    Ok(res)
}

async fn read(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    let c = service::open(&state, &user, &info, id, "api").await?;
    Ok(Json(case_json(&state, &c)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepJson {
    step: String,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    risk_level: Option<String>,
}

async fn step(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let j: StepJson = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(e) => return Ok(bad_json(&format!("JSON: {e}"))),
    };
    let input = StepInput {
        step: j.step,
        at: j.at.unwrap_or_default(),
        notes: j.notes.unwrap_or_default(),
        risk_level: j.risk_level.unwrap_or_default(),
    };
    if let Err(e) = service::take_step(&state, &user, &info, id, &input).await {
        return case_error(e, info.lang);
    }
    let c = service::open(&state, &user, &info, id, "api").await?;
    Ok(Json(case_json(&state, &c)).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    overdue: Option<bool>,
}

/// The cases the user stands on, most urgent first: numbers, steps and
/// deadlines only (contents are read one case at a time, audited).
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let calendar = service::calendar(&state).await?;
    let now = Utc::now();
    let mut items: Vec<_> = state
        .store
        .case_summaries(&CaseFilter::Account(user.account.id))
        .await?
        .into_iter()
        .map(|s| {
            let (d, u) = service::judge(&s, &calendar, now);
            (s, d, u)
        })
        .filter(|(_, _, u)| q.overdue != Some(true) || *u == Urgency::Overdue)
        .collect();
    items.sort_by_key(|(s, _, u)| (*u, s.received_at));
    let items: Vec<Value> = items
        .iter()
        .map(|(s, d, u)| {
            json!({
                "id": s.id, "case_number": s.case_number, "step": s.step,
                "risk_level": s.risk_level, "received_at": api_time(s.received_at),
                "deadlines": deadlines_json(d), "urgency": u.code(), "overdue": *u == Urgency::Overdue,
            })
        })
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}
