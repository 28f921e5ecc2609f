//! A task's page: what it asks, who leads and supports it (with every
//! earlier assignment), where it stands, the reports filed per period
//! (within scope), and the forms to report progress and to assign it for
//! those who may.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use treem_domain::clock::vn_offset;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::plan::filing::{Problem, RawProgress};
use treem_domain::plan::progress::{ProgressStatus, ReportPeriod};
use treem_domain::plan::{Cadence, GROUPS};
use treem_store::{AgencyRow, ProgressRow, TaskRow};

use super::found::{PlanView, agency_name, answerable, figures, plan_view, standings, status_key};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/tasks/{id}", get(page))
}

#[derive(Deserialize, Default)]
pub(super) struct Shown {
    /// The id of the report just filed.
    filed: Option<i64>,
    /// The task was just assigned.
    assigned: Option<u8>,
}

pub(super) struct ReportLine {
    agency: String,
    status: &'static str,
    summary: String,
    figures: Vec<(&'static str, String)>,
    problems: String,
    proposals: String,
    by: String,
    at: String,
}

pub(super) struct PeriodBlock {
    label: String,
    /// The latest report of each agency, with the earlier ones.
    reports: Vec<(ReportLine, Vec<ReportLine>)>,
}

pub(super) struct Choice {
    code: String,
    name: String,
    on: bool,
}

#[derive(Template)]
#[template(path = "plans/task.html")]
struct TaskTemplate {
    page: Page,
    task_id: i64,
    plan_id: i64,
    plan_title: String,
    unit: String,
    code: String,
    title: String,
    group: String,
    cadence: &'static str,
    due: String,
    programme: String,
    indicators: Vec<(String, &'static str)>,
    lead: String,
    partners: String,
    state: &'static str,
    state_code: &'static str,
    missing: Vec<String>,
    due_passed: bool,
    live: bool,
    in_scope: bool,
    notice: String,
    periods: Vec<PeriodBlock>,
    assignments: Vec<(String, String, String, String)>,
    /// The progress form, when the caller may report.
    report_agencies: Vec<Choice>,
    report_periods: Vec<Choice>,
    statuses: Vec<Choice>,
    form: RawProgress,
    errors: Vec<(&'static str, &'static str)>,
    /// The assignment form, when the caller assigns.
    assign: Vec<(String, String, bool, bool)>,
    assign_error: bool,
}

impl TaskTemplate {
    /// The message for a field, if it is wrong.
    fn error(&self, field: &str) -> &'static str {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, k)| self.page.lang.t(k))
    }
}

/// What a form brought back to the page: the values typed and what is
/// wrong with them.
#[derive(Default)]
pub(super) struct Returned {
    pub progress: Option<(RawProgress, Vec<Problem>)>,
    pub assign_error: bool,
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Response, AppError> {
    render(&state, &info, &user, id, &shown, Returned::default()).await
}

fn line(lang: Lang, agencies: &[AgencyRow], r: &ProgressRow) -> ReportLine {
    ReportLine {
        agency: agency_name(agencies, &r.agency_code),
        status: lang.t(status_key(&r.status)),
        summary: r.summary.clone(),
        figures: figures(lang, r),
        problems: r.problems.clone(),
        proposals: r.proposals.clone(),
        by: r.written_by.clone(),
        at: r
            .written_at
            .with_timezone(&vn_offset())
            .format("%d/%m/%Y %H:%M")
            .to_string(),
    }
}

/// The reports of a task by period (latest period first), each agency's
/// latest report with its earlier ones.
fn by_period(lang: Lang, agencies: &[AgencyRow], reports: &[ProgressRow]) -> Vec<PeriodBlock> {
    let mut periods: Vec<ReportPeriod> = reports
        .iter()
        .filter_map(|r| ReportPeriod::parse(&r.period))
        .collect();
    periods.sort();
    periods.dedup();
    periods.reverse();
    periods
        .into_iter()
        .map(|p| {
            let code = p.code();
            let mut agencies_seen: Vec<&str> = Vec::new();
            let mut blocks = Vec::new();
            for r in reports.iter().filter(|r| r.period == code) {
                if agencies_seen.contains(&r.agency_code.as_str()) {
                    continue;
                }
                agencies_seen.push(&r.agency_code);
                let mut all: Vec<&ProgressRow> = reports
                    .iter()
                    .filter(|o| o.period == code && o.agency_code == r.agency_code)
                    .collect();
                all.sort_by_key(|o| std::cmp::Reverse(o.id));
                let latest = line(lang, agencies, all[0]);
                let older = all[1..].iter().map(|o| line(lang, agencies, o)).collect();
                blocks.push((latest, older));
            }
            PeriodBlock {
                label: p.label(),
                reports: blocks,
            }
        })
        .collect()
}

/// The page, with what a form brought back (answered 422 when it holds
/// mistakes).
pub(super) async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: i64,
    shown: &Shown,
    returned: Returned,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let task = state.store.task(id).await?.ok_or(AppError::NotFound)?;
    let view = plan_view(state, user, task.plan_id).await?;
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    let reports = if view.in_scope {
        state.store.task_reports(id).await?
    } else {
        Vec::new()
    };
    let in_force: Vec<ProgressRow> = reports
        .iter()
        .filter(|r| {
            !reports
                .iter()
                .any(|o| o.id > r.id && o.period == r.period && o.agency_code == r.agency_code)
        })
        .cloned()
        .collect();
    let standing = standings(&view, std::slice::from_ref(&task), &in_force)
        .remove(&task.id)
        .ok_or_else(|| AppError::Internal("no standing".into()))?;
    let names = |codes: &str| {
        codes
            .split(';')
            .filter(|c| !c.is_empty())
            .map(|c| agency_name(&agencies, c))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let assignments = state
        .store
        .assignments(id)
        .await?
        .into_iter()
        .rev()
        .map(|a| {
            (
                a.assigned_at
                    .with_timezone(&vn_offset())
                    .format("%d/%m/%Y %H:%M")
                    .to_string(),
                a.lead.as_deref().map_or_else(
                    || lang.t("plan.lead_to_assign").to_string(),
                    |l| agency_name(&agencies, l),
                ),
                names(&a.partners),
                a.assigned_by,
            )
        })
        .collect();
    let cadence = Cadence::from_code(&task.cadence).unwrap_or(Cadence::Ongoing);
    let (form, problems, status) = match returned.progress {
        Some((form, problems)) => (form, problems, StatusCode::UNPROCESSABLE_ENTITY),
        None => (
            fresh_form(&task, &standing.missing),
            Vec::new(),
            StatusCode::OK,
        ),
    };
    let status = if returned.assign_error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    let report_agencies = view
        .reports_for(user, &agencies)
        .into_iter()
        .map(|a| Choice {
            on: a.code == form.agency,
            code: a.code.clone(),
            name: a.name.clone(),
        })
        .collect::<Vec<_>>();
    let notice = notice(lang, &reports, &agencies, shown);
    let tpl = TaskTemplate {
        page: Page::new(
            info,
            Some(user),
            &format!("{} — {}", task.code, view.plan.title),
        ),
        task_id: task.id,
        plan_id: view.plan.id,
        plan_title: view.plan.title.clone(),
        unit: view.unit.name.clone(),
        group: group_title(task.group_no),
        cadence: lang.t(cadence.label_key()),
        due: task.due.map(fmt_date).unwrap_or_default(),
        programme: task.programme.clone().unwrap_or_default(),
        indicators: task
            .indicators
            .split(';')
            .filter(|k| !k.is_empty())
            .map(|k| (k.to_string(), treem_domain::indicators::name_vi(k)))
            .collect(),
        lead: agency_name(&agencies, answerable(&task)),
        partners: names(&task.partners),
        state: lang.t(standing.state.label_key()),
        state_code: standing.state.code(),
        missing: standing.missing.iter().map(|p| p.label()).collect(),
        due_passed: standing.due_passed,
        live: view.live,
        in_scope: view.in_scope,
        notice,
        periods: by_period(lang, &agencies, &reports),
        assignments,
        report_periods: period_choices(&view, cadence, &form.period),
        statuses: ProgressStatus::ALL
            .iter()
            .map(|s| Choice {
                code: s.code().to_string(),
                name: lang.t(status_key(s.code())).to_string(),
                on: s.code() == form.status,
            })
            .collect(),
        report_agencies,
        errors: problems.iter().map(|p| (p.field, p.key)).collect(),
        form,
        assign: if view.assigns(user) {
            assign_choices(&task, &agencies)
        } else {
            Vec::new()
        },
        assign_error: returned.assign_error,
        code: task.code,
        title: task.title,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

fn group_title(group: i64) -> String {
    GROUPS
        .iter()
        .find(|(n, _, _)| i64::from(*n) == group)
        .map(|(_, s, t)| format!("{s}. {t}"))
        .unwrap_or_default()
}

/// A new report starts on the oldest period still missing, for the
/// task's lead, under way.
fn fresh_form(task: &TaskRow, missing: &[ReportPeriod]) -> RawProgress {
    RawProgress {
        period: missing.first().map(|p| p.code()).unwrap_or_default(),
        agency: answerable(task).to_string(),
        status: ProgressStatus::UnderWay.code().to_string(),
        ..RawProgress::default()
    }
}

fn period_choices(view: &PlanView, cadence: Cadence, chosen: &str) -> Vec<Choice> {
    view.open_periods(cadence)
        .into_iter()
        .map(|p| Choice {
            on: p.code() == chosen,
            code: p.code(),
            name: p.label(),
        })
        .collect()
}

/// What was just stored, read back from the store.
fn notice(lang: Lang, reports: &[ProgressRow], agencies: &[AgencyRow], shown: &Shown) -> String {
    if let Some(r) = shown.filed.and_then(|f| reports.iter().find(|r| r.id == f)) {
        let period = ReportPeriod::parse(&r.period)
            .map(|p| p.label())
            .unwrap_or_default();
        return treem_domain::i18n::trf(
            lang,
            "plan.filed",
            &[
                ("agency", &agency_name(agencies, &r.agency_code)),
                ("period", &period),
                ("status", lang.t(status_key(&r.status))),
            ],
        );
    }
    if shown.assigned.is_some() {
        return lang.t("plan.assigned").to_string();
    }
    String::new()
}

/// The assignment form's agencies: (code, name, is the lead, is a partner).
fn assign_choices(task: &TaskRow, agencies: &[AgencyRow]) -> Vec<(String, String, bool, bool)> {
    agencies
        .iter()
        .map(|a| {
            (
                a.code.clone(),
                a.name.clone(),
                task.lead.as_deref() == Some(a.code.as_str()),
                task.partners.split(';').any(|p| p == a.code),
            )
        })
        .collect()
}
