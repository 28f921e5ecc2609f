//! A plan's supervisions and inspections: the list with each
//! recommendation (open, overdue, closed with what was done), the form
//! that records one with up to three recommendations, and closing a
//! recommendation. Read within scope, like progress; recorded by the
//! People's Committee's officers; a recommendation is closed by them or by
//! an account of the agency that owns it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_domain::plan::filing::Problem;
use treem_domain::plan::supervision::{
    Body, RawRecommendation, RawSupervision, check_recommendation, check_supervision,
    recommendation_overdue,
};
use treem_store::{AgencyRow, NewSupervision};

use super::found::{PlanView, agency_name, plan_view, view_of};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{id}/supervisions", get(page).post(record))
        .route("/plans/recommendations/{id}/close", post(close))
}

/// How many recommendations the form takes at once.
const ROWS: usize = 3;

struct RecLine {
    id: i64,
    text: String,
    owner: String,
    due: String,
    overdue: bool,
    closed: Option<String>,
    /// The caller may close it.
    closes: bool,
}

struct SupLine {
    kind: &'static str,
    body: String,
    held_on: String,
    visited: String,
    findings: String,
    by: String,
    recommendations: Vec<RecLine>,
}

#[derive(Template)]
#[template(path = "plans/supervisions.html")]
struct SupervisionsTemplate {
    page: Page,
    plan_id: i64,
    plan_title: String,
    unit: String,
    notice: &'static str,
    supervisions: Vec<SupLine>,
    /// The plan's unit is in the caller's scope (else nothing is listed).
    in_scope: bool,
    records: bool,
    kinds: Vec<(&'static str, &'static str)>,
    agencies: Vec<(String, String)>,
    form: RawSupervision,
    rows: Vec<RawRecommendation>,
    errors: Vec<String>,
}

#[derive(Deserialize, Default)]
struct Shown {
    recorded: Option<u8>,
    closed: Option<u8>,
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Response, AppError> {
    let view = plan_view(&state, &user, id).await?;
    let notice = if shown.recorded.is_some() {
        "supervision.recorded"
    } else if shown.closed.is_some() {
        "supervision.closed"
    } else {
        ""
    };
    let rows = vec![RawRecommendation::default(); ROWS];
    render(
        &state,
        &info,
        &user,
        view,
        notice,
        (RawSupervision::default(), rows, Vec::new()),
    )
    .await
}

/// Whether the caller closes a recommendation owned by `owner`.
fn closes(view: &PlanView, user: &CurrentUser, owner: &str) -> bool {
    view.live
        && view.in_scope
        && (view.assigns(user) || user.account.agency_code.as_deref() == Some(owner))
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    view: PlanView,
    notice: &'static str,
    (form, rows, problems): (RawSupervision, Vec<RawRecommendation>, Vec<String>),
) -> Result<Response, AppError> {
    let lang = info.lang;
    let today = vn_today();
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    let mut supervisions = Vec::new();
    if view.in_scope {
        let recs = state.store.plan_recommendations(view.plan.id).await?;
        for s in state.store.supervisions(view.plan.id).await? {
            let recommendations = recs
                .iter()
                .filter(|r| r.supervision_id == s.id)
                .map(|r| RecLine {
                    id: r.id,
                    text: r.text.clone(),
                    owner: agency_name(&agencies, &r.owner),
                    due: fmt_date(r.due),
                    overdue: view.live && recommendation_overdue(r.due, r.closed_on, today),
                    closed: r.closed_on.map(|d| {
                        format!(
                            "{} · {}: {}",
                            fmt_date(d),
                            r.closed_by.clone().unwrap_or_default(),
                            r.closed_note.clone().unwrap_or_default()
                        )
                    }),
                    closes: r.closed_on.is_none() && closes(&view, user, &r.owner),
                })
                .collect();
            supervisions.push(SupLine {
                kind: Body::from_code(&s.kind).map_or("", |b| lang.t(b.label_key())),
                body: s.body,
                held_on: fmt_date(s.held_on),
                visited: s.visited,
                findings: s.findings,
                by: s.recorded_by,
                recommendations,
            });
        }
    }
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = SupervisionsTemplate {
        page: Page::new(info, Some(user), lang.t("supervision.title")),
        plan_id: view.plan.id,
        plan_title: view.plan.title.clone(),
        unit: view.unit.name.clone(),
        notice,
        supervisions,
        in_scope: view.in_scope,
        records: view.assigns(user),
        kinds: Body::ALL
            .iter()
            .map(|b| (b.code(), lang.t(b.label_key())))
            .collect(),
        agencies: agencies
            .iter()
            .map(|a| (a.code.clone(), a.name.clone()))
            .collect(),
        form,
        rows,
        errors: problems,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

fn message(lang: treem_domain::i18n::Lang, p: &Problem, row: Option<usize>) -> String {
    match row {
        Some(n) => format!(
            "{} {}: {}",
            lang.t("supervision.recommendation"),
            n + 1,
            lang.t(p.key)
        ),
        None => lang.t(p.key).to_string(),
    }
}

async fn record(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(mut f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let plan = state.store.plan(id).await?.ok_or(AppError::NotFound)?;
    let view = view_of(&state, &user, plan)?;
    if !view.assigns(&user) {
        return Err(AppError::Forbidden);
    }
    let lang = info.lang;
    let mut take = |k: &str| f.remove(k).unwrap_or_default();
    let raw = RawSupervision {
        kind: take("kind"),
        body: take("body"),
        held_on: take("held_on"),
        visited: take("visited"),
        findings: take("findings"),
    };
    let rows: Vec<RawRecommendation> = (0..ROWS)
        .map(|n| RawRecommendation {
            text: take(&format!("text_{n}")),
            owner: take(&format!("owner_{n}")),
            due: take(&format!("due_{n}")),
        })
        .collect();
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    let checked = check_supervision(&raw, vn_today());
    let mut problems: Vec<String> = checked
        .as_ref()
        .err()
        .map(|p| p.iter().map(|p| message(lang, p, None)).collect())
        .unwrap_or_default();
    let mut recommendations = Vec::new();
    for (n, r) in rows.iter().enumerate() {
        if r.text.trim().is_empty() && r.due.trim().is_empty() {
            continue;
        }
        let held = checked.as_ref().map_or(vn_today(), |s| s.held_on);
        match check_recommendation(r, held) {
            Ok((text, owner, due)) if known(&agencies, &owner) => {
                recommendations.push((text, owner, due))
            }
            Ok(_) => problems.push(format!(
                "{} {}: {}",
                lang.t("supervision.recommendation"),
                n + 1,
                lang.t("supervision.err_owner")
            )),
            Err(p) => problems.extend(p.iter().map(|p| message(lang, p, Some(n)))),
        }
    }
    let s = match checked {
        Ok(s) if problems.is_empty() => s,
        _ => return render(&state, &info, &user, view, "", (raw, rows, problems)).await,
    };
    let new = NewSupervision {
        plan_id: view.plan.id,
        kind: s.kind.code().to_string(),
        body: s.body,
        held_on: s.held_on,
        visited: s.visited,
        findings: s.findings,
    };
    let audit = user
        .event(&info, "supervision_recorded", "supervision", "")
        .with_detail(format!(
            "plan {} {} recommendations",
            view.plan.id,
            recommendations.len()
        ));
    state
        .store
        .record_supervision(&new, &recommendations, audit)
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}/supervisions?recorded=1")).into_response())
}

fn known(agencies: &[AgencyRow], code: &str) -> bool {
    agencies.iter().any(|a| a.code == code)
}

async fn close(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    // The recommendation, its supervision and plan.
    let rec = state
        .store
        .recommendation(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let plan_id = rec.plan_id;
    let plan = state.store.plan(plan_id).await?.ok_or(AppError::NotFound)?;
    let view = view_of(&state, &user, plan)?;
    if !closes(&view, &user, &rec.owner) {
        return Err(AppError::Forbidden);
    }
    let note = f.get("note").map(|s| s.trim()).unwrap_or_default();
    if note.is_empty() || note.chars().count() > 2000 {
        let rows = vec![RawRecommendation::default(); ROWS];
        let problems = vec![info.lang.t("supervision.err_note").to_string()];
        return render(
            &state,
            &info,
            &user,
            view,
            "",
            (RawSupervision::default(), rows, problems),
        )
        .await;
    }
    let audit = user
        .event(&info, "recommendation_closed", "recommendation", "")
        .with_detail(format!("plan {plan_id}"));
    if !state
        .store
        .close_recommendation(id, vn_today(), note, audit)
        .await?
    {
        // Closed meanwhile by someone else: nothing was stored now.
        let rows = vec![RawRecommendation::default(); ROWS];
        let problems = vec![info.lang.t("supervision.already_closed").to_string()];
        let returned = (RawSupervision::default(), rows, problems);
        return render(&state, &info, &user, view, "", returned).await;
    }
    Ok(Redirect::to(&format!("/plans/{plan_id}/supervisions?closed=1")).into_response())
}
