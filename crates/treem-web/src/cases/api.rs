//! `/api/v1/cases`: the case procedure over JSON, with exactly the access
//! rules of the pages (crate::cases::service decides; this only speaks JSON).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use treem_domain::cases::deadlines::{Deadlines, Urgency};
use treem_domain::cases::{Grant, Harm, Relation, Risk, Source, Step, Vocabulary};
use treem_domain::i18n::Lang;
use treem_store::CaseFilter;
use utoipa::openapi::schema::{ArrayBuilder, Object, ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::cases::api_details::DetailsJson;
use crate::cases::api_step_form::StepFormJson;
use crate::cases::input::{CaseInput, StepInput, api_time};
use crate::cases::service::{self, CaseError, OpenCase};
use crate::shell::json::{ApiError, Invalid, bad_json, codes_of, problems};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read))
        .routes(routes!(step))
}

fn sources() -> Object {
    codes_of::<Source>()
}
fn steps() -> Object {
    codes_of::<Step>()
}
fn risks() -> Object {
    codes_of::<Risk>()
}
fn relations() -> Object {
    codes_of::<Relation>()
}
fn standings() -> Object {
    codes_of::<Grant>()
}
fn harms() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(codes_of::<Harm>())
        .min_items(Some(1))
}
fn next_steps() -> ArrayBuilder {
    ArrayBuilder::new().items(codes_of::<Step>())
}
fn urgencies() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Urgency::ALL.iter().map(|u| u.code())))
        .build()
}

/// Emergency measures within 12 hours of the report when the risk is high
/// (null otherwise); the plan by the end of the 5th working day after the
/// day of the report (weekends and the public holidays on record
/// excepted), Vietnamese time.
#[derive(Serialize, ToSchema)]
#[schema(as = Deadlines)]
struct DeadlinesOut {
    #[schema(format = DateTime)]
    emergency_by: Option<String>,
    #[schema(format = DateTime)]
    plan_by: String,
    /// The commune chair's decision on a submitted plan, due 2 working
    /// days after it (null unless a plan waits for it).
    #[schema(format = DateTime)]
    approve_by: Option<String>,
}

fn deadlines_out(d: &Deadlines) -> DeadlinesOut {
    DeadlinesOut {
        emergency_by: d.emergency_by.map(api_time),
        plan_by: api_time(d.plan_by),
        approve_by: d.approve_by.map(api_time),
    }
}

/// The child a case is about.
#[derive(Serialize, ToSchema)]
struct CaseChild {
    id: i64,
    child_id: String,
    full_name: String,
    date_of_birth: NaiveDate,
    commune_code: String,
}

/// One step taken, with its notes.
#[derive(Serialize, ToSchema)]
struct StepOut {
    #[schema(schema_with = steps)]
    step: String,
    #[schema(format = DateTime)]
    at: String,
    author: String,
    notes: String,
    risk_level: Option<String>,
    /// The form's structured fields, as sent (absent when none were given).
    #[serde(skip_serializing_if = "Option::is_none")]
    form: Option<StepFormJson>,
}

/// Someone who stands on a case.
#[derive(Serialize, ToSchema)]
struct PersonOut {
    username: String,
    #[schema(schema_with = standings)]
    standing: String,
    #[schema(format = DateTime)]
    until: Option<String>,
}

/// A case with its steps and decrypted contents.
#[derive(Serialize, ToSchema)]
#[schema(as = Case)]
struct CaseOut {
    id: i64,
    #[schema(example = "03424-2026-0001")]
    case_number: String,
    commune_code: String,
    child: CaseChild,
    #[schema(schema_with = sources)]
    source: String,
    #[schema(format = DateTime)]
    received_at: String,
    #[schema(schema_with = harms)]
    harm_types: Vec<&'static str>,
    relation: Option<String>,
    risk_level: Option<String>,
    #[schema(schema_with = steps)]
    step: String,
    /// The steps the procedure allows now.
    #[schema(schema_with = next_steps)]
    next_steps: Vec<&'static str>,
    summary: String,
    abuser: Option<String>,
    /// Form 01's further fields, when any were recorded.
    details: Option<DetailsJson>,
    deadlines: DeadlinesOut,
    #[schema(schema_with = urgencies)]
    urgency: &'static str,
    overdue: bool,
    #[schema(format = DateTime)]
    emergency_at: Option<String>,
    #[schema(format = DateTime)]
    plan_at: Option<String>,
    #[schema(format = DateTime)]
    closed_at: Option<String>,
    steps: Vec<StepOut>,
    people: Vec<PersonOut>,
}

/// A case with its contents, for those allowed.
fn case_out(state: &AppState, c: &OpenCase) -> CaseOut {
    let units = state.units();
    let f = &c.file;
    let child_commune = units
        .by_id(f.unit_id)
        .map(|u| u.code.clone())
        .unwrap_or_default();
    CaseOut {
        id: f.id,
        case_number: f.case_number.clone(),
        commune_code: f.commune_code.clone(),
        child: CaseChild {
            id: f.child_id,
            child_id: f.child_code.clone(),
            full_name: f.child_name.clone(),
            date_of_birth: f.child_born,
            commune_code: child_commune,
        },
        source: f.source.clone(),
        received_at: api_time(f.received_at),
        harm_types: c.harms().iter().map(|h| h.code()).collect(),
        relation: f.relation.clone(),
        risk_level: f.risk_level.clone(),
        step: f.step.clone(),
        next_steps: c
            .step()
            .map(|s| s.next().iter().map(|n| n.code()).collect())
            .unwrap_or_default(),
        summary: c.summary.clone(),
        abuser: (!c.abuser.is_empty()).then(|| c.abuser.clone()),
        details: (!c.details.is_empty()).then(|| DetailsJson::from(&c.details)),
        deadlines: deadlines_out(&c.deadlines),
        urgency: c.urgency.code(),
        overdue: c.urgency == Urgency::Overdue,
        emergency_at: f.emergency_at.map(api_time),
        plan_at: f.plan_at.map(api_time),
        closed_at: f.closed_at.map(api_time),
        steps: c
            .steps
            .iter()
            .map(|(s, notes, form)| StepOut {
                step: s.step.clone(),
                at: api_time(s.at),
                author: s.author.clone(),
                notes: notes.clone(),
                risk_level: s.risk_level.clone(),
                form: (!form.is_empty()).then(|| StepFormJson::from(form)),
            })
            .collect(),
        people: c
            .grants
            .iter()
            .map(|g| PersonOut {
                username: g.username.clone(),
                standing: g.kind.clone(),
                until: g.until.map(api_time),
            })
            .collect(),
    }
}

fn case_error(e: CaseError, lang: Lang) -> Result<Response, AppError> {
    match e {
        CaseError::Invalid(p) => Ok(problems(p)),
        CaseError::NotAllowed(message) => {
            Ok(ApiError::new("transition_not_allowed", &message).answer(StatusCode::CONFLICT))
        }
        CaseError::Conflict => {
            Ok(ApiError::new("conflict", lang.t("cases.conflict")).answer(StatusCode::CONFLICT))
        }
        CaseError::App(e) => Err(e),
    }
}

/// A report of harm (form 01).
#[derive(Deserialize, ToSchema)]
#[schema(as = NewCase)]
#[serde(deny_unknown_fields)]
struct NewCaseJson {
    /// The child's code (child_id) in the registry, within the caller's scope.
    child_id: String,
    /// RFC 3339 with offset, e.g. 2026-03-02T08:15:00+07:00; not in the future.
    #[schema(format = DateTime)]
    received_at: String,
    #[schema(schema_with = sources)]
    source: String,
    #[schema(schema_with = harms)]
    harm_types: Vec<String>,
    /// The alleged abuser's relation to the child.
    #[serde(default)]
    #[schema(schema_with = relations)]
    relation: Option<String>,
    #[serde(default)]
    #[schema(schema_with = risks)]
    risk_level: Option<String>,
    /// What was reported (encrypted at rest).
    #[schema(max_length = 20000)]
    summary: String,
    /// The alleged abuser's identity (encrypted at rest).
    #[serde(default)]
    #[schema(max_length = 20000)]
    abuser: Option<String>,
    /// Form 01's further fields (encrypted at rest).
    #[serde(default)]
    details: Option<DetailsJson>,
}

/// Record a report of harm (form 01); the caller becomes its assigned officer
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = NewCaseJson,
    responses(
        (status = 201, description = "Opened at step received, with its deadlines", body = CaseOut),
        (status = 400, description = "Not a JSON object of the known fields", body = ApiError),
        (status = 403, description = "The role may not open cases (province, district and commune officers may)", body = ApiError),
        (status = 422, description = "Located problems", body = Invalid),
    ))]
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
        details: j.details.map(Into::into).unwrap_or_default(),
    };
    let (id, _) = match service::create(&state, &user, &info, &input).await {
        Ok(v) => v,
        Err(e) => return case_error(e, info.lang),
    };
    let c = service::open(&state, &user, &info, id, "api").await?;
    let mut res = (StatusCode::CREATED, Json(case_out(&state, &c))).into_response();
    if let Ok(l) = axum::http::HeaderValue::from_str(&format!("/api/v1/cases/{id}")) {
        res.headers_mut().insert(LOCATION, l);
    }
    Ok(res)
}

/// A case with its steps and decrypted contents, for its assigned officers, approver and granted staff; every read is audited
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case", body = CaseOut),
        (status = 404, description = "No such case, or the caller has no standing on it (the attempt is audited); never reveals the child", body = ApiError),
    ))]
async fn read(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseOut>, AppError> {
    let c = service::open(&state, &user, &info, id, "api").await?;
    Ok(Json(case_out(&state, &c)))
}

/// The next step of the procedure.
#[derive(Deserialize, ToSchema)]
#[schema(as = NewStep)]
#[serde(deny_unknown_fields)]
struct StepJson {
    #[schema(schema_with = steps)]
    step: String,
    /// When it was done (default now); not before the previous step, not in the future.
    #[serde(default)]
    #[schema(format = DateTime)]
    at: Option<String>,
    /// Encrypted at rest.
    #[serde(default)]
    #[schema(max_length = 20000)]
    notes: Option<String>,
    #[serde(default)]
    #[schema(schema_with = risks)]
    risk_level: Option<String>,
    /// The form's structured fields (Decree 56/2017's appendix); an
    /// unknown key is refused.
    #[serde(default)]
    form: Option<StepFormJson>,
}

/// Record the next step of the procedure (plan_approved, plan_returned and closed by the approver only)
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", request_body = StepJson,
    params(("id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case in its new state", body = CaseOut),
        (status = 403, description = "The caller may read the case but not take this step", body = ApiError),
        (status = 404, description = "No such case, or the caller has no standing on it (the attempt is audited); never reveals the child", body = ApiError),
        (status = 409, description = "The procedure does not allow this step now (e.g. plan_approved before plan_drafted), or another step was recorded meanwhile", body = ApiError),
        (status = 422, description = "Located problems", body = Invalid),
    ))]
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
        form: j.form.map(Into::into).unwrap_or_default(),
    };
    if let Err(e) = service::take_step(&state, &user, &info, id, &input).await {
        return case_error(e, info.lang);
    }
    let c = service::open(&state, &user, &info, id, "api").await?;
    Ok(Json(case_out(&state, &c)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only overdue cases.
    overdue: Option<bool>,
}

/// A listed case: no names, no contents.
#[derive(Serialize, ToSchema)]
#[schema(as = CaseItem)]
struct CaseItem {
    id: i64,
    case_number: String,
    #[schema(schema_with = steps)]
    step: String,
    risk_level: Option<String>,
    #[schema(format = DateTime)]
    received_at: String,
    deadlines: DeadlinesOut,
    #[schema(schema_with = urgencies)]
    urgency: &'static str,
    overdue: bool,
}

/// The caller's cases.
#[derive(Serialize, ToSchema)]
struct CaseList {
    total: usize,
    items: Vec<CaseItem>,
}

/// The caller's cases (assigned, approver, granted, break-glass in force), most urgent first
///
/// Numbers, steps and deadlines only: contents are read one case at a
/// time, audited.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(ListQuery),
    responses((status = 200, description = "Cases", body = CaseList)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<CaseList>, AppError> {
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
    let items: Vec<CaseItem> = items
        .iter()
        .map(|(s, d, u)| CaseItem {
            id: s.id,
            case_number: s.case_number.clone(),
            step: s.step.clone(),
            risk_level: s.risk_level.clone(),
            received_at: api_time(s.received_at),
            deadlines: deadlines_out(d),
            urgency: u.code(),
            overdue: *u == Urgency::Overdue,
        })
        .collect();
    Ok(Json(CaseList {
        total: items.len(),
        items,
    }))
}
