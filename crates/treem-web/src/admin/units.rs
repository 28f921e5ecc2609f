//! Administrative units: the tree as of a date, and loading a newer unit file.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, trf};
use treem_domain::unit_file::{UnitFileError, merge_units, parse_unit_file};
use treem_domain::units::{Level, Unit};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(tree_page))
        .route("/admin/units", get(load_page).post(load))
}

/// Reads a date typed by a user: `dd/mm/yyyy`, `d/m/yyyy` or `yyyy-mm-dd`.
pub fn parse_user_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
}

fn level_label(lang: Lang, level: Level) -> &'static str {
    lang.t(match level {
        Level::Province => "units.province",
        Level::District => "units.district",
        Level::Commune => "units.commune",
    })
}

fn validity(lang: Lang, u: &Unit) -> String {
    let from = match u.valid_from {
        Some(d) => trf(lang, "units.from", &[("date", &fmt_date(d))]),
        None => lang.t("units.always").to_string(),
    };
    let to = match u.valid_to {
        Some(d) => trf(lang, "units.to", &[("date", &fmt_date(d))]),
        None => lang.t("units.in_force").to_string(),
    };
    format!("{from} — {to}")
}

struct TreeRow {
    code: String,
    name: String,
    level: &'static str,
    depth: usize,
    validity: String,
}

struct RetiredRow {
    code: String,
    name: String,
    validity: String,
    successor: String,
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct TreeTemplate {
    page: Page,
    date: String,
    error: Option<&'static str>,
    count: String,
    rows: Vec<TreeRow>,
    retired: Vec<RetiredRow>,
}

#[derive(Deserialize)]
struct DateQuery {
    date: Option<String>,
}

async fn tree_page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<DateQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let typed = q.date.as_deref().filter(|s| !s.trim().is_empty());
    let parsed = typed.map(parse_user_date);
    let error = matches!(parsed, Some(None)).then(|| lang.t("units.bad_date"));
    let date = parsed.flatten().unwrap_or_else(vn_today);
    let units = state.units();
    let rows: Vec<TreeRow> = units
        .history
        .tree_on(date)
        .into_iter()
        .map(|n| TreeRow {
            code: n.unit.code.clone(),
            name: n.unit.name.clone(),
            level: level_label(lang, n.unit.level),
            depth: n.depth,
            validity: validity(lang, n.unit),
        })
        .collect();
    let retired = units
        .history
        .retired_by(date)
        .into_iter()
        .map(|(u, now)| RetiredRow {
            code: u.code.clone(),
            name: u.name.clone(),
            validity: validity(lang, u),
            successor: match now {
                Some(s) => format!("{} ({})", s.name, s.code),
                None => lang.t("units.none_successor").to_string(),
            },
        })
        .collect();
    let tpl = TreeTemplate {
        page: Page::new(&info, Some(&user), lang.t("units.title")),
        date: fmt_date(date),
        error,
        count: trf(lang, "units.count", &[("n", &rows.len().to_string())]),
        rows,
        retired,
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "admin/units_load.html")]
struct LoadTemplate {
    page: Page,
    done: Option<String>,
    error: Option<&'static str>,
    problems: Vec<String>,
}

async fn load_page(info: RequestInfo, user: CurrentUser) -> Result<Html<String>, AppError> {
    let tpl = LoadTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("load_units.title")),
        done: None,
        error: None,
        problems: Vec::new(),
    };
    Ok(Html(tpl.render()?))
}

fn describe(lang: Lang, e: &UnitFileError) -> String {
    let msg = match lang {
        Lang::Vi => &e.message_vi,
        Lang::En => &e.message_en,
    };
    match (e.line, lang) {
        (0, _) => msg.clone(),
        (n, Lang::Vi) => format!("Dòng {n}: {msg}"),
        (n, Lang::En) => format!("Line {n}: {msg}"),
    }
}

async fn load(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let mut file: Option<Vec<u8>> = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
            file = Some(bytes.to_vec()).filter(|b| !b.is_empty());
        }
    }
    let page = Page::new(&info, Some(&user), lang.t("load_units.title"));
    let Some(bytes) = file else {
        let tpl = LoadTemplate {
            page,
            done: None,
            error: Some(lang.t("load_units.no_file")),
            problems: Vec::new(),
        };
        return Ok((StatusCode::BAD_REQUEST, Html(tpl.render()?)).into_response());
    };
    let stored: Vec<Unit> = state.units().history.all().to_vec();
    let merged = parse_unit_file(&bytes).and_then(|incoming| merge_units(&stored, incoming));
    let merge = match merged {
        Ok(m) => m,
        Err(errors) => {
            let tpl = LoadTemplate {
                page,
                done: None,
                error: Some(lang.t("load_units.rejected")),
                problems: errors.iter().map(|e| describe(lang, e)).collect(),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(tpl.render()?)).into_response());
        }
    };
    let (added, changed, unchanged) = (merge.added.len(), merge.changed.len(), merge.unchanged);
    let audit = user
        .event(&info, "units_loaded", "unit_file", "web")
        .with_detail(format!(
            "added {added}, changed {changed}, unchanged {unchanged}"
        ));
    state.store.apply_unit_merge(&merge, audit).await?;
    state.reload_units().await?;
    let done = trf(
        lang,
        "load_units.done",
        &[
            ("added", &added.to_string()),
            ("changed", &changed.to_string()),
            ("unchanged", &unchanged.to_string()),
        ],
    );
    let tpl = LoadTemplate {
        page,
        done: Some(done),
        error: None,
        problems: Vec::new(),
    };
    Ok(Html(tpl.render()?).into_response())
}
