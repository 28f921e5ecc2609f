//! A plan's source document on its own page (`/plans/{id}/document`): the
//! number, the date of issue and the documents the plan carries out, which
//! the periodic report cites as its legal basis. The unit's officers write
//! it (an agency's account or a viewer cannot); a retired unit's plan keeps
//! its document writable, since its number and date are facts of the past
//! that may be entered late (decisions.md).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::plan::document::{check, document_name};
use treem_store::PlanDocument;

use super::found::{PlanView, plan_view};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/document", get(page).post(save))
}

/// Whether the caller may write this plan's document: an officer of a
/// People's Committee whose scope holds the plan's unit.
pub(super) fn may_write(user: &CurrentUser, view: &PlanView) -> bool {
    let a = &user.account;
    view.in_scope
        && a.agency_code.is_none()
        && matches!(a.role, Role::Province | Role::District | Role::Commune)
}

#[derive(Template)]
#[template(path = "plans/document.html")]
struct DocumentTemplate {
    page: Page,
    id: i64,
    title: String,
    /// The plan as a sentence names it, with what is stored.
    named: String,
    number: String,
    issued_on: String,
    basis: String,
    error: Option<&'static str>,
}

fn template(
    info: &RequestInfo,
    user: &CurrentUser,
    view: &PlanView,
    typed: Option<&HashMap<String, String>>,
    error: Option<&'static str>,
) -> DocumentTemplate {
    let p = &view.plan;
    let field = |k: &str, stored: String| typed.and_then(|t| t.get(k).cloned()).unwrap_or(stored);
    DocumentTemplate {
        page: Page::new(info, Some(user), info.lang.t("plan.document_title")),
        id: p.id,
        title: p.title.clone(),
        named: document_name(&p.title, p.number.as_deref(), p.issued_on, &p.issued_by),
        number: field("number", p.number.clone().unwrap_or_default()),
        issued_on: field(
            "issued_on",
            p.issued_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ),
        basis: field("basis", p.basis.clone()),
        error,
    }
}

/// `GET /plans/{id}/document`.
async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let view = plan_view(&state, &user, id).await?;
    if !may_write(&user, &view) {
        return Err(AppError::Forbidden);
    }
    Ok(Html(template(&info, &user, &view, None, None).render()?))
}

/// `POST /plans/{id}/document`: stored as typed once checked; a refusal
/// shows the form again with what was typed.
async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let view = plan_view(&state, &user, id).await?;
    if !may_write(&user, &view) {
        return Err(AppError::Forbidden);
    }
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    let (number, issued_on, basis) =
        match check(get("number"), get("issued_on"), get("basis"), vn_today()) {
            Ok(v) => v,
            Err(key) => {
                let tpl = template(&info, &user, &view, Some(&f), Some(key));
                return Ok(
                    (axum::http::StatusCode::BAD_REQUEST, Html(tpl.render()?)).into_response()
                );
            }
        };
    let audit = user.event(&info, "plan_document_changed", "plan", &id.to_string());
    let doc = PlanDocument {
        number,
        issued_on,
        basis,
    };
    let changed = state.store.set_plan_document(id, &doc, audit).await?;
    let notice = if changed {
        "document_saved"
    } else {
        "document_unchanged"
    };
    Ok(Redirect::to(&format!("/plans/{id}?{notice}=1")).into_response())
}
