//! `/api/v1/plans` and `/api/v1/tasks`: the plans, their tasks with where
//! each stands, progress reports, and the caller's overdue tasks — with
//! exactly the pages' rules (`found` decides who reads progress and who
//! reports for which agency; `file` checks a report).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use treem_domain::child_input::FieldProblem;
use treem_domain::i18n::{Lang, tr};
use treem_domain::plan::filing::{Problem, RawProgress};
use treem_domain::plan::progress::FIGURES;
use treem_store::{ProgressRow, TaskRow};
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::file::{checked_report, progress_event};
use super::found::{plan_view, standings, view_of, visible_plans};
use super::overdue::tasks_in_scope;
use crate::shell::json::{ApiError, Invalid, bad_json, problems};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module, with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plans))
        .routes(routes!(plan_tasks))
        .routes(routes!(tasks))
        .routes(routes!(file))
}

/// A plan the caller sees.
#[derive(Serialize, ToSchema)]
#[schema(as = Plan)]
struct PlanItem {
    id: i64,
    /// The code of the plan's unit (a retired unit's plan stays listed).
    unit_code: String,
    title: String,
    number: Option<String>,
    period_from: i64,
    period_to: i64,
    /// How many tasks it has.
    tasks: i64,
}

#[derive(Serialize, ToSchema)]
struct PlanList {
    items: Vec<PlanItem>,
}

/// The plans of the units in the caller's scope and those they were derived from
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, description = "The plans, latest period first", body = PlanList)))]
async fn plans(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<PlanList>, AppError> {
    let units = state.units();
    let items = visible_plans(&state, &user)
        .await?
        .into_iter()
        .map(|p| PlanItem {
            unit_code: units
                .by_id(p.unit_id)
                .map(|u| u.code.clone())
                .unwrap_or_default(),
            id: p.id,
            title: p.title,
            number: p.number,
            period_from: p.period_from,
            period_to: p.period_to,
            tasks: p.tasks,
        })
        .collect();
    Ok(Json(PlanList { items }))
}

/// A task's standing, or `null` where the caller may not read progress.
fn states() -> Object {
    let values = ["not_started", "under_way", "done", "overdue"]
        .into_iter()
        .map(serde_json::Value::from)
        .chain([serde_json::Value::Null]);
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .build()
}

fn cadences() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["once", "6-monthly", "yearly", "ongoing"]))
        .build()
}

/// A task with its assignment in force.
#[derive(Serialize, ToSchema)]
#[schema(as = Task)]
struct TaskItem {
    id: i64,
    /// N1, N2 …
    code: String,
    /// The task group: 1–5 (section III.1–III.5), 6 (section IV).
    group: i64,
    title: String,
    /// The lead agency's code (`null` while the People's Committee has not
    /// assigned one).
    lead: Option<String>,
    /// The partner agencies' codes.
    partners: Vec<String>,
    #[schema(schema_with = cadences)]
    cadence: String,
    /// For a task due once.
    #[schema(format = Date)]
    due: Option<String>,
    /// The programme's code, such as `CT2`.
    programme: Option<String>,
    /// Keys of the fourteen indicators.
    indicators: Vec<String>,
    /// Where it stands today, from its lead's reports (`null` when the
    /// plan's unit is outside the caller's scope).
    #[schema(schema_with = states)]
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct TaskList {
    items: Vec<TaskItem>,
}

fn split(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn task_item(t: TaskRow, status: Option<&'static str>) -> TaskItem {
    TaskItem {
        id: t.id,
        group: t.group_no,
        partners: split(&t.partners),
        indicators: split(&t.indicators),
        due: t.due.map(|d| d.format("%Y-%m-%d").to_string()),
        status: status.map(str::to_string),
        code: t.code,
        title: t.title,
        lead: t.lead,
        cadence: t.cadence,
        programme: t.programme,
    }
}

/// A plan's tasks in code order
#[utoipa::path(get, path = "/api/v1/plans/{id}/tasks", tag = "plans",
    params(("id" = i64, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan's tasks", body = TaskList),
        (status = 404, description = "No such plan, or one the caller does not see", body = ApiError),
    ))]
async fn plan_tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<TaskList>, AppError> {
    let view = plan_view(&state, &user, id).await?;
    let tasks = state.store.plan_tasks(id).await?;
    let standing = if view.in_scope {
        standings(&view, &tasks, &state.store.plan_reports(id).await?)
    } else {
        Default::default()
    };
    let items = tasks
        .into_iter()
        .map(|t| {
            let status = standing.get(&t.id).map(|s| s.state.code());
            task_item(t, status)
        })
        .collect();
    Ok(Json(TaskList { items }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TasksQuery {
    /// Only the overdue tasks.
    overdue: Option<bool>,
}

/// A task of the caller's plans, with its plan and agency.
#[derive(Serialize, ToSchema)]
#[schema(as = ScopedTask)]
struct ScopedItem {
    plan_id: i64,
    unit_code: String,
    /// The agency that answers for it: its lead, or `UBND` while none is assigned.
    agency: String,
    /// Closed periods without the agency's report (`2025h1`, `2025`).
    missing: Vec<String>,
    /// Due once, the date passed, not done.
    due_passed: bool,
    #[serde(flatten)]
    task: TaskItem,
}

#[derive(Serialize, ToSchema)]
struct ScopedList {
    items: Vec<ScopedItem>,
}

/// The tasks of the plans of the caller's scope whose unit exists today (an agency's account: its agency's); `overdue=true` for the overdue ones
#[utoipa::path(get, path = "/api/v1/tasks", tag = "plans", params(TasksQuery),
    responses((status = 200, description = "The tasks, by unit, agency and code", body = ScopedList)))]
async fn tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> Result<Json<ScopedList>, AppError> {
    let only_overdue = q.overdue == Some(true);
    let items = tasks_in_scope(&state, &user)
        .await?
        .into_iter()
        .filter(|s| !only_overdue || s.state.code() == "overdue")
        .map(|s| ScopedItem {
            plan_id: s.plan_id,
            unit_code: s.unit_code,
            agency: s.agency_code,
            missing: s.missing.iter().map(|p| p.code()).collect(),
            due_passed: s.due_passed,
            task: task_item(s.task, Some(s.state.code())),
        })
        .collect();
    Ok(Json(ScopedList { items }))
}

/// The figures a report may carry.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Figures {
    #[schema(minimum = 0)]
    sessions: Option<i64>,
    #[schema(minimum = 0)]
    people_reached: Option<i64>,
    /// In đồng.
    #[schema(minimum = 0)]
    budget_spent: Option<i64>,
}

/// A progress report for a task, a period and an agency.
#[derive(Deserialize, ToSchema)]
#[schema(as = NewProgress)]
#[serde(deny_unknown_fields)]
struct ProgressJson {
    /// `2025h1` (first half) or `2025` (the year): a period of the plan that has begun.
    period: String,
    /// The reporting agency's code (an agency's account: its own).
    agency: String,
    #[schema(schema_with = report_statuses)]
    status: String,
    /// What was done (may be empty only for `not_started`).
    #[serde(default)]
    #[schema(max_length = 2000)]
    summary: String,
    /// Whole numbers ≥ 0; unknown names are refused.
    #[serde(default)]
    #[schema(value_type = Figures)]
    figures: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    problems: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    proposals: String,
}

fn report_statuses() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["not_started", "under_way", "done"]))
        .build()
}

/// A stored progress report.
#[derive(Serialize, ToSchema)]
#[schema(as = Progress)]
struct ProgressOut {
    id: i64,
    task_id: i64,
    period: String,
    agency: String,
    #[schema(schema_with = report_statuses)]
    status: String,
    summary: String,
    figures: Figures,
    problems: String,
    proposals: String,
    written_by: String,
    #[schema(format = DateTime)]
    written_at: String,
}

fn progress_out(r: ProgressRow) -> ProgressOut {
    ProgressOut {
        id: r.id,
        task_id: r.task_id,
        period: r.period,
        agency: r.agency_code,
        status: r.status,
        summary: r.summary,
        figures: Figures {
            sessions: r.sessions,
            people_reached: r.people_reached,
            budget_spent: r.budget_spent,
        },
        problems: r.problems,
        proposals: r.proposals,
        written_by: r.written_by,
        written_at: r.written_at.to_rfc3339(),
    }
}

fn located(p: &Problem) -> FieldProblem {
    let field = match p.field {
        "sessions" => "figures.sessions",
        "people_reached" => "figures.people_reached",
        "budget_spent" => "figures.budget_spent",
        other => other,
    };
    FieldProblem {
        field,
        message_vi: tr(Lang::Vi, p.key).to_string(),
        message_en: tr(Lang::En, p.key).to_string(),
    }
}

/// File a progress report (a task of a plan whose unit exists today, in the caller's scope)
#[utoipa::path(post, path = "/api/v1/tasks/{id}/progress", tag = "plans",
    params(("id" = i64, Path, description = "The task's id")),
    request_body = ProgressJson,
    responses(
        (status = 201, description = "Stored", body = ProgressOut),
        (status = 400, description = "Not a JSON object of the known fields", body = ApiError),
        (status = 403, description = "A viewer without an agency, an account outside the plan's unit, or a plan whose unit no longer exists", body = ApiError),
        (status = 404, description = "No such task", body = ApiError),
        (status = 422, description = "Located problems", body = Invalid),
    ))]
async fn file(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let task = state.store.task(id).await?.ok_or(AppError::NotFound)?;
    let plan = state
        .store
        .plan(task.plan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = view_of(&state, &user, plan)?;
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    let allowed = view.reports_for(&user, &agencies);
    if allowed.is_empty() {
        return Err(AppError::Forbidden);
    }
    let j: ProgressJson = match serde_json::from_slice(&body) {
        Ok(j) => j,
        Err(e) => return Ok(bad_json(&format!("JSON: {e}"))),
    };
    let mut located_problems = Vec::new();
    let mut figure = |name: &str| match j.figures.get(name) {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::Number(n)) if n.as_i64().is_some_and(|v| v >= 0) => n.to_string(),
        Some(_) => {
            // Not a whole number ≥ 0: refused where it stands.
            located_problems.push(Problem {
                field: FIGURES
                    .iter()
                    .find(|f| **f == name)
                    .copied()
                    .unwrap_or("figures"),
                key: "plan.err_figure",
            });
            String::new()
        }
    };
    let raw = RawProgress {
        period: j.period.clone(),
        agency: j.agency.clone(),
        status: j.status.clone(),
        summary: j.summary.clone(),
        sessions: figure("sessions"),
        people_reached: figure("people_reached"),
        budget_spent: figure("budget_spent"),
        problems: j.problems.clone(),
        proposals: j.proposals.clone(),
    };
    let unknown: Vec<FieldProblem> = j
        .figures
        .keys()
        .filter(|k| !FIGURES.contains(&k.as_str()))
        .map(|_| FieldProblem {
            field: "figures",
            message_vi: "Chỉ nhận các số liệu sessions, people_reached, budget_spent.".into(),
            message_en: "Only the figures sessions, people_reached and budget_spent are taken."
                .into(),
        })
        .collect();
    let checked = checked_report(&raw, &task, &view, &allowed);
    let mut all: Vec<FieldProblem> = located_problems.iter().map(located).collect();
    all.extend(unknown);
    let new = match checked {
        Ok(new) if all.is_empty() => new,
        Ok(_) => return Ok(problems(all)),
        Err(p) => {
            all.extend(p.iter().map(located));
            return Ok(problems(all));
        }
    };
    let audit = progress_event(&user, &info, &new, j.agency.trim(), "api");
    let stored = state.store.file_progress(&new, audit).await?;
    let row = state
        .store
        .task_reports(id)
        .await?
        .into_iter()
        .find(|r| r.id == stored)
        .ok_or_else(|| AppError::Internal("a stored report is missing".into()))?;
    Ok((StatusCode::CREATED, Json(progress_out(row))).into_response())
}
