//! A plan's page: its tasks by group, each with its lead and partner
//! agencies (by name), cadence, due date, programme and the indicators it
//! serves.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use treem_domain::i18n::fmt_date;
use treem_domain::plan::document::{basis_lines, document_name};
use treem_domain::plan::{Cadence, GROUPS};

use super::derive_form::derivable;
use super::found::{plan_view, standings};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}", get(page))
}

struct TaskLine {
    id: i64,
    /// Where it stands (name, code), within scope only.
    state: Option<(&'static str, &'static str)>,
    code: String,
    title: String,
    lead: String,
    partners: String,
    cadence: &'static str,
    due: String,
    programme: String,
    indicators: Vec<(String, &'static str)>,
}

struct Group {
    section: &'static str,
    title: &'static str,
    tasks: Vec<TaskLine>,
}

#[derive(Template)]
#[template(path = "plans/page.html")]
struct PlanTemplate {
    page: Page,
    id: i64,
    title: String,
    unit: String,
    /// The plan as a sentence names it (number, date, issuer).
    named: String,
    /// The documents it carries out, one a line.
    basis: Vec<String>,
    /// The caller may write the plan's number, date and basis.
    document_writable: bool,
    period: String,
    derived: Option<(i64, String)>,
    /// Communes this plan may be derived for: (code, name).
    derivable: Vec<(String, String)>,
    notice: &'static str,
    derive_error: bool,
    live: bool,
    in_scope: bool,
    groups: Vec<Group>,
}

#[derive(serde::Deserialize, Default)]
struct Shown {
    derived: Option<u8>,
    derive_error: Option<u8>,
    document_saved: Option<u8>,
    document_unchanged: Option<u8>,
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let view = plan_view(&state, &user, id).await?;
    let plan = view.plan.clone();
    let agencies = state.store.agencies(plan.unit_id).await?;
    let name = |code: &str| {
        agencies
            .iter()
            .find(|a| a.code == code)
            .map_or_else(|| code.to_string(), |a| a.name.clone())
    };
    let names = |codes: &str| {
        codes
            .split(';')
            .filter(|c| !c.is_empty())
            .map(name)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let tasks = state.store.plan_tasks(id).await?;
    let standing = if view.in_scope {
        let reports = state.store.plan_reports(id).await?;
        standings(&view, &tasks, &reports)
    } else {
        Default::default()
    };
    let groups = GROUPS
        .iter()
        .map(|(n, section, title)| Group {
            section,
            title,
            tasks: tasks
                .iter()
                .filter(|t| t.group_no == i64::from(*n))
                .map(|t| TaskLine {
                    id: t.id,
                    state: standing
                        .get(&t.id)
                        .map(|s| (lang.t(s.state.label_key()), s.state.code())),
                    code: t.code.clone(),
                    title: t.title.clone(),
                    lead: t
                        .lead
                        .as_deref()
                        .map_or_else(|| lang.t("plan.lead_to_assign").to_string(), name),
                    partners: names(&t.partners),
                    cadence: Cadence::from_code(&t.cadence).map_or("", |c| lang.t(c.label_key())),
                    due: t.due.map(fmt_date).unwrap_or_default(),
                    programme: t.programme.clone().unwrap_or_default(),
                    indicators: t
                        .indicators
                        .split(';')
                        .filter(|k| !k.is_empty())
                        .map(|k| (k.to_string(), treem_domain::indicators::name_vi(k)))
                        .collect(),
                })
                .collect(),
        })
        .filter(|g| !g.tasks.is_empty())
        .collect();
    let unit = state
        .units()
        .by_id(plan.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let tpl = PlanTemplate {
        page: Page::new(&info, Some(&user), &plan.title),
        id: plan.id,
        title: plan.title.clone(),
        unit,
        named: document_name(
            &plan.title,
            plan.number.as_deref(),
            plan.issued_on,
            &plan.issued_by,
        ),
        basis: basis_lines(&plan.basis)
            .into_iter()
            .map(String::from)
            .collect(),
        document_writable: super::document::may_write(&user, &view),
        period: format!("{}–{}", plan.period_from, plan.period_to),
        derived: match plan.derived_from {
            Some(p) => state.store.plan(p).await?.map(|p| (p.id, p.title)),
            None => None,
        },
        derivable: derivable(&state, &user, &view)
            .await?
            .into_iter()
            .map(|(_, code, name)| (code, name))
            .collect(),
        notice: if shown.derived.is_some() {
            "plan.derived_notice"
        } else if shown.document_saved.is_some() {
            "plan.document_saved"
        } else if shown.document_unchanged.is_some() {
            "plan.document_unchanged"
        } else {
            ""
        },
        derive_error: shown.derive_error.is_some(),
        live: view.live,
        in_scope: view.in_scope,
        groups,
    };
    Ok(Html(tpl.render()?))
}
