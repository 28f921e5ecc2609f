//! The commune chair's decisions on a case, printed as drafts in the layout
//! of a Decree 30/2020 decision for the chair to sign
//! (`/cases/{id}/decisions/{decision}`): applying emergency measures
//! (Decree 56/2017, after the emergency step) and closing the case (art.
//! 30, once the officer proposed it). Filled from the case, an audited read
//! like the forms; a decision the case has not reached does not exist yet.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use treem_domain::cases::Vocabulary;
use treem_domain::cases::decisions::DECISIONS;
use treem_domain::i18n::Lang;

use super::page::{View, view_of};
use super::service;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/{id}/decisions/{decision}", get(decision))
}

#[derive(Template)]
#[template(path = "cases/decision.html")]
struct DecisionTemplate {
    page: Page,
    kind: &'static str,
    /// The step the decision follows (its code).
    step: &'static str,
    v: View,
}

/// `GET /cases/{id}/decisions/{decision}`.
async fn decision(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, decision)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let Some((kind, step, title)) = DECISIONS.iter().find(|(k, ..)| *k == decision).copied() else {
        return Err(AppError::NotFound);
    };
    let c = service::open(&state, &user, &info, id, &format!("decision {kind}")).await?;
    if !c.steps.iter().any(|(s, _)| s.step == step.code()) {
        return Err(AppError::NotFound);
    }
    let tpl = DecisionTemplate {
        page: Page::new(&info, Some(&user), title),
        kind,
        step: step.code(),
        // Decisions are Vietnamese documents whatever the page's language.
        v: view_of(&state, &user, &c, Lang::Vi),
    };
    Ok(Html(tpl.render()?).into_response())
}
