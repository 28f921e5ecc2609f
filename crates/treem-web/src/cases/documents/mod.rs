//! A case's documents under Decree 56/2017 — forms 01–06 of its appendix,
//! the commune chair's decisions (emergency measures, closing) and the
//! minutes of the needs meeting (art. 27) — each built once from the case
//! ([`Document`]) and given as a page to print or as a DOCX file in the
//! format of Decree 30/2020, so both always carry the same fields. Every
//! document is an audited read; one the case has not reached does not
//! exist. Documents are Vietnamese whatever the page's language.

mod docx;
mod forms;
mod model;
mod orders;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use treem_domain::cases::FORMS;
use treem_domain::cases::decisions::DECISIONS;
use treem_domain::i18n::Lang;

use self::model::{Block, Document, Span};
use super::service;
use super::view::{View, view_of};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/forms/{n}", get(form))
        .route("/cases/{id}/forms/{n}/docx", get(form_docx))
        .route("/cases/{id}/decisions/{decision}", get(decision))
        .route("/cases/{id}/decisions/{decision}/docx", get(decision_docx))
        .route("/cases/{id}/minutes", get(minutes))
        .route("/cases/{id}/minutes/docx", get(minutes_docx))
}

#[derive(Template)]
#[template(path = "cases/document.html")]
struct DocumentTemplate {
    page: Page,
    d: Document,
    id: i64,
    /// This document as a DOCX file.
    docx: String,
}

/// Which document an address names.
enum Which {
    Form(u8),
    Decision(String),
    Minutes,
}

impl Which {
    /// What the audit log records as read.
    fn what(&self) -> String {
        match self {
            Which::Form(n) => format!("form {n:02}"),
            Which::Decision(k) => format!("decision {k}"),
            Which::Minutes => "minutes".to_string(),
        }
    }
}

/// Opens the case (an audited read) and builds the document, or 404 when
/// there is no such document or the case has not reached it.
async fn build(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: i64,
    which: &Which,
) -> Result<Document, AppError> {
    // An unknown document is refused before the case is read.
    match which {
        Which::Form(n) if !FORMS.iter().any(|(k, _)| k == n) => return Err(AppError::NotFound),
        Which::Decision(k) if !DECISIONS.iter().any(|(c, ..)| c == k) => {
            return Err(AppError::NotFound);
        }
        _ => {}
    }
    let c = service::open(state, user, info, id, &which.what()).await?;
    let v: View = view_of(state, user, &c, Lang::Vi);
    let doc = match which {
        Which::Form(5) => Some(orders::approval(&v)),
        Which::Form(n) => Some(forms::form(&v, *n)),
        Which::Decision(k) => orders::decision(&v, k),
        Which::Minutes => orders::minutes(&v),
    };
    doc.ok_or(AppError::NotFound)
}

async fn page(
    state: AppState,
    info: RequestInfo,
    user: CurrentUser,
    id: i64,
    which: Which,
    docx: String,
) -> Result<Response, AppError> {
    let d = build(&state, &info, &user, id, &which).await?;
    let tpl = DocumentTemplate {
        page: Page::new(&info, Some(&user), &d.title),
        d,
        id,
        docx,
    };
    Ok(Html(tpl.render()?).into_response())
}

async fn file(
    state: AppState,
    info: RequestInfo,
    user: CurrentUser,
    id: i64,
    which: Which,
) -> Result<Response, AppError> {
    let d = build(&state, &info, &user, id, &which).await?;
    let bytes = docx::write(&d)?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.docx\"", d.stem),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /cases/{id}/forms/{n}`: a form of Decree 56 to print.
async fn form(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, n)): Path<(i64, u8)>,
) -> Result<Response, AppError> {
    let docx = format!("/cases/{id}/forms/{n}/docx");
    page(state, info, user, id, Which::Form(n), docx).await
}

/// `GET /cases/{id}/forms/{n}/docx`.
async fn form_docx(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, n)): Path<(i64, u8)>,
) -> Result<Response, AppError> {
    file(state, info, user, id, Which::Form(n)).await
}

/// `GET /cases/{id}/decisions/{decision}`: a decision drafted for the
/// chair's signature.
async fn decision(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, decision)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let docx = format!("/cases/{id}/decisions/{decision}/docx");
    page(state, info, user, id, Which::Decision(decision), docx).await
}

/// `GET /cases/{id}/decisions/{decision}/docx`.
async fn decision_docx(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, decision)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    file(state, info, user, id, Which::Decision(decision)).await
}

/// `GET /cases/{id}/minutes`: the minutes of the needs meeting.
async fn minutes(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let docx = format!("/cases/{id}/minutes/docx");
    page(state, info, user, id, Which::Minutes, docx).await
}

/// `GET /cases/{id}/minutes/docx`.
async fn minutes_docx(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    file(state, info, user, id, Which::Minutes).await
}
