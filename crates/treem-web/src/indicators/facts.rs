//! Facts that are not about one child — a school's record for a year, a
//! commune's assessment, a disaster event, a child's participation in an
//! activity — entered in small forms. Each form is one row of the
//! interchange format, checked and stored by the same importer as a file,
//! with the officer's unit scope, so the rules cannot drift apart.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use treem_domain::i18n::Lang;
use treem_interchange::spec::File;
use treem_interchange::{DataSet, Quiet, import};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facts", get(page))
        .route("/facts/{file}", post(save))
}

/// The forms: which file each is, in the order shown.
const FORMS: [File; 4] = [
    File::Schools,
    File::CommuneAssessments,
    File::Disasters,
    File::Participation,
];

struct Field {
    name: &'static str,
    label: &'static str,
    required: bool,
    value: String,
}

struct FormView {
    file: &'static str,
    title: &'static str,
    fields: Vec<Field>,
    problems: Vec<String>,
    saved: bool,
}

#[derive(Template)]
#[template(path = "indicators/facts.html")]
struct FactsTemplate {
    page: Page,
    forms: Vec<FormView>,
}

fn title(lang: Lang, file: File) -> &'static str {
    lang.t(match file {
        File::Schools => "facts.schools",
        File::CommuneAssessments => "facts.assessments",
        File::Disasters => "facts.disasters",
        _ => "facts.participation",
    })
}

fn view(
    lang: Lang,
    file: File,
    values: &HashMap<String, String>,
    problems: Vec<String>,
    saved: bool,
) -> FormView {
    FormView {
        file: file.name(),
        title: title(lang, file),
        fields: file
            .columns()
            .iter()
            .map(|c| Field {
                name: c.name,
                label: if lang == Lang::En { c.name } else { c.vi },
                required: c.required,
                value: if saved {
                    String::new()
                } else {
                    values.get(c.name).cloned().unwrap_or_default()
                },
            })
            .collect(),
        problems,
        saved,
    }
}

/// The form just sent: what was typed, and what came of it.
struct Sent<'a> {
    file: File,
    values: &'a HashMap<String, String>,
    problems: Vec<String>,
    saved: bool,
}

fn render(page: Page, lang: Lang, sent: Option<Sent<'_>>) -> Result<Html<String>, AppError> {
    let empty = HashMap::new();
    let forms = FORMS
        .iter()
        .map(|f| match &sent {
            Some(s) if s.file == *f => view(lang, *f, s.values, s.problems.clone(), s.saved),
            _ => view(lang, *f, &empty, Vec::new(), false),
        })
        .collect();
    Ok(Html(FactsTemplate { page, forms }.render()?))
}

async fn page(info: RequestInfo, user: CurrentUser) -> Result<Html<String>, AppError> {
    render(
        Page::new(&info, Some(&user), info.lang.t("facts.title")),
        info.lang,
        None,
    )
}

async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(name): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let file = FORMS
        .iter()
        .find(|f| f.name() == name)
        .copied()
        .ok_or(AppError::NotFound)?;
    let header: Vec<String> = file.columns().iter().map(|c| c.name.to_string()).collect();
    let row: Vec<String> = file
        .columns()
        .iter()
        .map(|c| values.get(c.name).cloned().unwrap_or_default())
        .collect();
    let data = DataSet::from_tables(vec![(file.name(), vec![header, row])])
        .map_err(|e| AppError::Internal(format!("facts form: {e}")))?;
    let opts = crate::datasets::page::import_options(&state, &user, false, false);
    let report = import(state.store.as_ref(), &data, &opts, &Quiet)
        .await
        .map_err(|e| AppError::Internal(format!("facts form: {e}")))?;
    let lang = info.lang;
    let problems: Vec<String> = report
        .problems
        .iter()
        .map(|p| {
            let label =
                file.columns()
                    .iter()
                    .find(|c| c.name == p.column)
                    .map_or(p.column.as_str(), |c| {
                        if lang == Lang::En { c.name } else { c.vi }
                    });
            let msg = if lang == Lang::En {
                &p.message_en
            } else {
                &p.message_vi
            };
            if label.is_empty() {
                msg.clone()
            } else {
                format!("{label}: {msg}")
            }
        })
        .collect();
    let saved = report.stored && problems.is_empty();
    let status = if saved {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = Page::new(&info, Some(&user), lang.t("facts.title"));
    Ok((
        status,
        render(
            page,
            lang,
            Some(Sent {
                file,
                values: &values,
                problems,
                saved,
            }),
        )?,
    )
        .into_response())
}
