//! Overdue tasks: in every plan of the caller's scope whose unit exists
//! today, the tasks with a closed period their answerable agency has not
//! reported on, or due once with the date passed and not done — grouped by
//! agency, like overdue cases. An account that works for an agency sees
//! its agency's only.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use treem_domain::i18n::fmt_date;
use treem_domain::plan::progress::{ReportPeriod, TaskState};
use treem_domain::plan::supervision::recommendation_overdue;
use treem_store::TaskRow;

use super::found::{agency_name, answerable, standings, view_of};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/overdue", get(page))
}

/// A task of a live plan in the caller's scope, with where it stands.
pub(crate) struct Standing {
    pub plan_id: i64,
    pub unit_code: String,
    pub unit: String,
    pub task: TaskRow,
    pub agency_code: String,
    pub agency: String,
    pub state: TaskState,
    /// Closed periods without a report.
    pub missing: Vec<ReportPeriod>,
    pub due_passed: bool,
}

/// The tasks of every plan whose unit exists today and is in the caller's
/// scope (an agency's account: its agency's tasks only), by unit, agency
/// and task.
pub(crate) async fn tasks_in_scope(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Standing>, AppError> {
    let mut out = Vec::new();
    for plan in state.store.plans().await? {
        let view = view_of(state, user, plan)?;
        if !view.live || !view.in_scope {
            continue;
        }
        let tasks = state.store.plan_tasks(view.plan.id).await?;
        let reports = state.store.plan_reports(view.plan.id).await?;
        let agencies = state.store.agencies(view.plan.unit_id).await?;
        let mut standing = standings(&view, &tasks, &reports);
        for task in tasks {
            let code = answerable(&task).to_string();
            if user
                .account
                .agency_code
                .as_ref()
                .is_some_and(|a| *a != code)
            {
                continue;
            }
            let Some(s) = standing.remove(&task.id) else {
                continue;
            };
            out.push(Standing {
                plan_id: view.plan.id,
                unit_code: view.unit.code.clone(),
                unit: view.unit.name.clone(),
                agency: agency_name(&agencies, &code),
                agency_code: code,
                task,
                state: s.state,
                missing: s.missing,
                due_passed: s.due_passed,
            });
        }
    }
    out.sort_by(|a, b| {
        (
            &a.unit,
            &a.agency_code,
            a.task.group_no,
            a.task.code.len(),
            &a.task.code,
        )
            .cmp(&(
                &b.unit,
                &b.agency_code,
                b.task.group_no,
                b.task.code.len(),
                &b.task.code,
            ))
    });
    Ok(out)
}

/// An open recommendation past its due date.
pub(crate) struct LateRecommendation {
    pub plan_id: i64,
    pub unit: String,
    pub agency: String,
    pub text: String,
    pub due: chrono::NaiveDate,
}

/// The overdue recommendations of the live plans in the caller's scope
/// (an agency's account: those its agency owns), by due date.
pub(crate) async fn late_recommendations(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<LateRecommendation>, AppError> {
    let today = treem_domain::clock::vn_today();
    let mut out = Vec::new();
    for plan in state.store.plans().await? {
        let view = view_of(state, user, plan)?;
        if !view.live || !view.in_scope {
            continue;
        }
        let agencies = state.store.agencies(view.plan.unit_id).await?;
        for r in state.store.plan_recommendations(view.plan.id).await? {
            let mine = user
                .account
                .agency_code
                .as_ref()
                .is_none_or(|a| *a == r.owner);
            if mine && recommendation_overdue(r.due, r.closed_on, today) {
                out.push(LateRecommendation {
                    plan_id: view.plan.id,
                    unit: view.unit.name.clone(),
                    agency: agency_name(&agencies, &r.owner),
                    text: r.text,
                    due: r.due,
                });
            }
        }
    }
    out.sort_by_key(|r| r.due);
    Ok(out)
}

/// The caller's overdue tasks, by unit, agency and task.
pub(crate) async fn overdue_tasks(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Standing>, AppError> {
    let mut all = tasks_in_scope(state, user).await?;
    all.retain(|s| s.state == TaskState::Overdue);
    Ok(all)
}

struct Line {
    id: i64,
    code: String,
    title: String,
    why: String,
}

struct AgencyBlock {
    unit: String,
    agency: String,
    plan_id: i64,
    tasks: Vec<Line>,
}

#[derive(Template)]
#[template(path = "plans/overdue.html")]
struct OverdueTemplate {
    page: Page,
    total: usize,
    blocks: Vec<AgencyBlock>,
    /// (plan id, unit, agency, text, due).
    late: Vec<(i64, String, String, String, String)>,
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let overdue = overdue_tasks(&state, &user).await?;
    let total = overdue.len();
    let mut blocks: Vec<AgencyBlock> = Vec::new();
    for o in overdue {
        let mut why: Vec<String> = o
            .missing
            .iter()
            .map(|p| treem_domain::i18n::trf(lang, "plan.no_report_for", &[("period", &p.label())]))
            .collect();
        if o.due_passed {
            let due = o.task.due.map(fmt_date).unwrap_or_default();
            why.push(treem_domain::i18n::trf(
                lang,
                "plan.due_passed",
                &[("due", &due)],
            ));
        }
        let line = Line {
            id: o.task.id,
            code: o.task.code,
            title: o.task.title,
            why: why.join("; "),
        };
        match blocks.last_mut() {
            Some(b) if b.unit == o.unit && b.agency == o.agency => b.tasks.push(line),
            _ => blocks.push(AgencyBlock {
                unit: o.unit,
                agency: o.agency,
                plan_id: o.plan_id,
                tasks: vec![line],
            }),
        }
    }
    let late = late_recommendations(&state, &user)
        .await?
        .into_iter()
        .map(|r| (r.plan_id, r.unit, r.agency, r.text, fmt_date(r.due)))
        .collect();
    let tpl = OverdueTemplate {
        page: Page::new(&info, Some(&user), lang.t("plan.overdue_title")),
        total,
        blocks,
        late,
    };
    Ok(Html(tpl.render()?))
}
