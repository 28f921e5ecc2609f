//! The sessions of one's communes, and the form that prepares one.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::anthro::parse_date;
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_domain::village::SessionKind;
use treem_store::{NewVillageSession, VillageSession};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/village", get(page).post(create))
}

/// How many recent sessions the page lists.
const LISTED: i64 = 100;

#[derive(Deserialize, Default, Clone)]
pub(super) struct PrepareForm {
    #[serde(default)]
    commune: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    held_on: String,
}

pub(super) struct SessionLine {
    pub id: i64,
    pub date: String,
    pub commune: String,
    pub village: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "village/prepare.html")]
struct PrepareTemplate {
    page: Page,
    form: PrepareForm,
    communes: Vec<(String, String)>,
    villages: Vec<String>,
    kinds: Vec<(&'static str, &'static str)>,
    errors: Vec<&'static str>,
    sessions: Vec<SessionLine>,
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    form: PrepareForm,
    errors: Vec<&'static str>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let units = state.units();
    let today = vn_today();
    let scope = units.scope_of(&user.account, today);
    let communes = units.communes_in(&scope, today);
    let villages = state.store.villages(&scope).await?;
    let line = |s: VillageSession| SessionLine {
        id: s.id,
        date: fmt_date(s.held_on),
        commune: units
            .by_id(s.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        village: s.village,
        kind: SessionKind::from_code(&s.kind).map_or("", |k| lang.t(k.label_key())),
    };
    let sessions = state
        .store
        .village_sessions(&scope, LISTED)
        .await?
        .into_iter()
        .map(line)
        .collect();
    let form = PrepareForm {
        commune: if form.commune.is_empty() && communes.len() == 1 {
            communes[0].0.clone()
        } else {
            form.commune
        },
        held_on: if form.held_on.is_empty() {
            fmt_date(today)
        } else {
            form.held_on
        },
        ..form
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = PrepareTemplate {
        page: Page::new(info, Some(user), lang.t("village.title")),
        form,
        communes,
        villages,
        kinds: SessionKind::ALL
            .iter()
            .map(|k| (k.code(), lang.t(k.label_key())))
            .collect(),
        errors,
        sessions,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Response, AppError> {
    render(&state, &info, &user, PrepareForm::default(), Vec::new()).await
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<PrepareForm>,
) -> Result<Response, AppError> {
    let units = state.units();
    let today = vn_today();
    let scope = units.scope_of(&user.account, today);
    let mut errors = Vec::new();
    // The commune must be one in force today within the caller's scope.
    let commune = units
        .communes_in(&scope, today)
        .into_iter()
        .find(|(code, _)| *code == f.commune.trim());
    let unit_id = commune.as_ref().and_then(|(code, _)| {
        units
            .history
            .resolve(code, today)
            .and_then(|u| units.id_of(u))
    });
    if unit_id.is_none() {
        errors.push("village.error_commune");
    }
    let village = f.village.trim().to_string();
    if let Some((code, _)) = &commune {
        let known = state
            .store
            .villages(&units.narrow(&scope, code, today))
            .await?;
        if !known.contains(&village) {
            errors.push("village.error_village");
        }
    }
    let kind = SessionKind::from_code(f.kind.trim());
    if kind.is_none() {
        errors.push("village.error_kind");
    }
    let held_on = parse_date(&f.held_on)
        .filter(|d| (*d - today).num_days() <= 60 && (today - *d).num_days() <= 366);
    if held_on.is_none() {
        errors.push("village.error_date");
    }
    let (Some(unit_id), Some(kind), Some(held_on), true) =
        (unit_id, kind, held_on, errors.is_empty())
    else {
        return render(&state, &info, &user, f, errors).await;
    };
    let new = NewVillageSession {
        unit_id,
        village,
        kind: kind.code().to_string(),
        held_on,
        created_by: user.account.id,
    };
    let audit = user
        .event(&info, "village_session_created", "village_session", "")
        .with_detail(format!("unit {unit_id} {}", kind.code()));
    let id = state.store.create_village_session(&new, audit).await?;
    Ok(Redirect::to(&format!("/village/{id}?made=1")).into_response())
}
