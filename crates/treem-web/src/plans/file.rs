//! The two writes on a task: an agency's progress report for a period, and
//! the People's Committee's assignment of a lead and partners. Both check
//! the caller against the plan (its unit exists, is in her scope, and she
//! reports for that agency or assigns), then store with an audit entry and
//! come back to the task's page saying what was stored.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use treem_domain::clock::vn_today;
use treem_domain::plan::filing::{Problem, RawProgress, check};
use treem_store::{AgencyRow, NewProgress, TaskRow};

use super::found::{PlanView, view_of};
use super::task::{Returned, Shown, render};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/tasks/{id}/progress", post(file_progress))
        .route("/plans/tasks/{id}/assign", post(assign))
}

/// The task and its plan (whether or not the caller sees it: the writes
/// answer 403 to whoever may not write, as the API does).
async fn task_to_write(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(TaskRow, PlanView, Vec<AgencyRow>), AppError> {
    let task = state.store.task(id).await?.ok_or(AppError::NotFound)?;
    let plan = state
        .store
        .plan(task.plan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = view_of(state, user, plan)?;
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    Ok((task, view, agencies))
}

/// The audit entry of a filed report: the task, period, agency, status and
/// whether it came through a form or the API.
pub(crate) fn progress_event(
    user: &CurrentUser,
    info: &RequestInfo,
    new: &NewProgress,
    agency: &str,
    via: &str,
) -> treem_domain::audit::AuditEvent {
    user.event(info, "progress_filed", "progress_report", "")
        .with_detail(format!(
            "task {} {} {agency} {} {via}",
            new.task_id, new.period, new.status
        ))
}

/// Checks a typed report for a task and what it becomes when stored, or
/// the problems (an agency the caller does not report for is one).
pub(crate) fn checked_report(
    raw: &RawProgress,
    task: &TaskRow,
    view: &PlanView,
    allowed: &[&AgencyRow],
) -> Result<NewProgress, Vec<Problem>> {
    let agency = allowed.iter().find(|a| a.code == raw.agency.trim());
    let checked = check(raw, view.window, vn_today());
    let mut problems = checked.as_ref().err().cloned().unwrap_or_default();
    if agency.is_none() && !raw.agency.trim().is_empty() {
        problems.push(Problem {
            field: "agency",
            key: "plan.err_agency_not_yours",
        });
    }
    match (checked, agency) {
        (Ok(p), Some(agency)) if problems.is_empty() => Ok(NewProgress {
            task_id: task.id,
            agency_id: agency.id,
            period: p.period.code(),
            status: p.status.code().to_string(),
            summary: p.summary,
            sessions: p.sessions,
            people_reached: p.people_reached,
            budget_spent: p.budget_spent,
            problems: p.problems,
            proposals: p.proposals,
        }),
        _ => Err(problems),
    }
}

async fn file_progress(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(mut f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (task, view, agencies) = task_to_write(&state, &user, id).await?;
    let allowed = view.reports_for(&user, &agencies);
    if allowed.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut take = |k: &str| f.remove(k).unwrap_or_default();
    let raw = RawProgress {
        period: take("period"),
        agency: take("agency"),
        status: take("status"),
        summary: take("summary"),
        sessions: take("sessions"),
        people_reached: take("people_reached"),
        budget_spent: take("budget_spent"),
        problems: take("problems"),
        proposals: take("proposals"),
    };
    let new = match checked_report(&raw, &task, &view, &allowed) {
        Ok(new) => new,
        Err(problems) => {
            let returned = Returned {
                progress: Some((raw, problems)),
                assign_error: false,
            };
            return render(&state, &info, &user, id, &Shown::default(), returned).await;
        }
    };
    let audit = progress_event(&user, &info, &new, raw.agency.trim(), "form");
    let report = state.store.file_progress(&new, audit).await?;
    Ok(Redirect::to(&format!("/plans/tasks/{id}?filed={report}#progress")).into_response())
}

async fn assign(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (task, view, agencies) = task_to_write(&state, &user, id).await?;
    if !view.assigns(&user) {
        return Err(AppError::Forbidden);
    }
    let lead = f.get("lead").map(|s| s.trim()).unwrap_or_default();
    let lead_ok = agencies.iter().any(|a| a.code == lead);
    // Partners are the ticked agencies of the unit, never the lead itself.
    let partners: Vec<&str> = agencies
        .iter()
        .filter(|a| a.code != lead && f.contains_key(&format!("partner_{}", a.code)))
        .map(|a| a.code.as_str())
        .collect();
    if !lead_ok {
        let returned = Returned {
            progress: None,
            assign_error: true,
        };
        return render(&state, &info, &user, id, &Shown::default(), returned).await;
    }
    let partners = partners.join(";");
    let audit = user
        .event(&info, "task_assigned", "plan_task", &task.id.to_string())
        .with_detail(format!("{lead} [{partners}]"));
    state
        .store
        .assign_task(task.id, Some(lead), &partners, audit)
        .await?;
    Ok(Redirect::to(&format!("/plans/tasks/{id}?assigned=1#assignment")).into_response())
}
