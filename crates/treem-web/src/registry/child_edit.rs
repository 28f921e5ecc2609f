//! The pages that create and correct a child's record. A stale edit is
//! refused with what changed meanwhile; nothing is silently overwritten.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use treem_domain::child::{ethnicities, special_circumstance_label};
use treem_domain::child_input::{ChildText, FieldProblem, parse_ethnicity};
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;

use crate::registry::child_page::child_in_scope;
use crate::registry::records::{self, SaveError};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/children/new", get(new_page).post(create))
        .route("/children/{id}/edit", get(edit_page).post(update))
}

/// The special-circumstance groups, in the order of the law.
const SPECIAL_CODES: [&str; 14] = [
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o",
];

#[derive(Template)]
#[template(path = "registry/child_form.html")]
struct FormTemplate {
    page: Page,
    /// `None` when creating.
    id: Option<i64>,
    version: i64,
    t: ChildText,
    communes: Vec<(String, String)>,
    /// The official ethnicities: (code, name, chosen).
    ethnicities: Vec<(String, &'static str, bool)>,
    special: Vec<(&'static str, &'static str, bool)>,
    problems: Vec<String>,
    meanwhile: Vec<(String, String, String)>,
    /// Likely duplicates (id, name, why) and a note on those out of scope.
    duplicates: Vec<(i64, String, &'static str)>,
    elsewhere: Option<String>,
}

fn describe(lang: Lang, p: &FieldProblem) -> String {
    let label = lang.t(&format!("field.{}", p.field));
    let msg = if lang == Lang::En {
        &p.message_en
    } else {
        &p.message_vi
    };
    format!("{label}: {msg}")
}

/// The ethnicity select, the typed code or name chosen.
fn ethnicity_list(t: &ChildText) -> Vec<(String, &'static str, bool)> {
    let chosen = parse_ethnicity(&t.ethnicity);
    ethnicities()
        .into_iter()
        .map(|(code, name)| {
            let on = chosen.as_deref() == Some(code.as_str());
            (code, name, on)
        })
        .collect()
}

fn special_list(t: &ChildText, lang: Lang) -> Vec<(&'static str, &'static str, bool)> {
    let chosen: Vec<String> = t
        .special_circumstances
        .split(';')
        .map(|c| c.trim().to_lowercase())
        .collect();
    SPECIAL_CODES
        .iter()
        .map(|c| {
            (
                *c,
                special_circumstance_label(c, lang).unwrap_or(c),
                chosen.iter().any(|x| x == c),
            )
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: Option<i64>,
    version: i64,
    t: ChildText,
    problems: Vec<String>,
    meanwhile: Vec<(String, String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let title = info.lang.t(if id.is_some() {
        "edit.title"
    } else {
        "edit.new_title"
    });
    let tpl = FormTemplate {
        page: Page::new(info, Some(user), title),
        id,
        version,
        special: special_list(&t, info.lang),
        ethnicities: ethnicity_list(&t),
        communes: units.communes_in(&scope, today),
        t,
        problems,
        meanwhile,
        duplicates: Vec::new(),
        elsewhere: None,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// The creation form again, with the likely duplicates to look at first.
fn render_duplicates(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    t: ChildText,
    found: crate::registry::records::Duplicates,
) -> Result<Response, AppError> {
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let lang = info.lang;
    let tpl = FormTemplate {
        page: Page::new(info, Some(user), lang.t("edit.new_title")),
        id: None,
        version: 0,
        special: special_list(&t, info.lang),
        ethnicities: ethnicity_list(&t),
        communes: units.communes_in(&scope, today),
        t,
        problems: Vec::new(),
        meanwhile: Vec::new(),
        duplicates: found
            .0
            .into_iter()
            .map(|(id, name, why)| (id, name, lang.t(why.label_key())))
            .collect(),
        elsewhere: (found.1 > 0).then(|| {
            treem_domain::i18n::trf(
                lang,
                "duplicates.found_elsewhere",
                &[("n", &found.1.to_string())],
            )
        }),
    };
    Ok((StatusCode::OK, Html(tpl.render()?)).into_response())
}

/// A stored record as an officer reads it in the form: dates dd/mm/yyyy,
/// the ethnicity by name, and the commune the record's unit has become today
/// (choosing it again keeps the recorded unit).
fn for_form(state: &AppState, c: &treem_store::ChildDetail) -> ChildText {
    let units = state.units();
    let mut t = records::stored_text(&units, c);
    let vn = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(treem_domain::i18n::fmt_date)
            .unwrap_or_else(|_| iso.to_string())
    };
    t.date_of_birth = vn(&t.date_of_birth);
    t.birth_registration_date = vn(&t.birth_registration_date);
    t.status_date = vn(&t.status_date);
    if let Some(name) = treem_domain::child::ethnicity_name(&t.ethnicity) {
        t.ethnicity = name.to_string();
    }
    if let Some(now) = units
        .by_id(c.unit_id)
        .and_then(|u| units.history.became(u, vn_today()))
    {
        t.commune_code = now.code.clone();
    }
    t
}

/// Reads the posted form: every field by name, special circumstances from
/// one checkbox per group.
fn form_text(mut f: HashMap<String, String>) -> (ChildText, Option<i64>) {
    let mut take = |k: &str| f.remove(k).unwrap_or_default();
    let special: Vec<&str> = SPECIAL_CODES
        .iter()
        .copied()
        .filter(|c| !take(&format!("sc_{c}")).is_empty())
        .collect();
    let t = ChildText {
        child_id: take("child_id"),
        national_id: take("national_id"),
        full_name: take("full_name"),
        sex: take("sex"),
        date_of_birth: take("date_of_birth"),
        ethnicity: take("ethnicity"),
        commune_code: take("commune_code"),
        village: take("village"),
        birth_registered: take("birth_registered"),
        birth_registration_date: take("birth_registration_date"),
        mother_name: take("mother_name"),
        father_name: take("father_name"),
        caregiver_name: take("caregiver_name"),
        caregiver_phone: take("caregiver_phone"),
        household_poverty: take("household_poverty"),
        special_circumstances: special.join(";"),
        status: take("status"),
        status_date: take("status_date"),
    };
    let version = take("version").parse().ok();
    (t, version)
}

async fn new_page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let units = state.units();
    let communes = units.communes_in(&units.scope_of(&user.account, vn_today()), vn_today());
    let t = ChildText {
        // A suggested key; the officer may type the village register's own.
        child_id: format!(
            "TE-{}",
            &crate::auth::session::random_token()[..8].to_uppercase()
        ),
        commune_code: if communes.len() == 1 {
            communes[0].0.clone()
        } else {
            String::new()
        },
        status: "active".into(),
        ..ChildText::default()
    };
    render(
        &state,
        &info,
        &user,
        None,
        0,
        t,
        Vec::new(),
        Vec::new(),
        StatusCode::OK,
    )
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let confirmed = f.contains_key("not_duplicate");
    let (t, _) = form_text(f);
    match records::create(&state, &user, &info, &t, !confirmed).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/children/{id}?saved=child")).into_response()),
        Err(SaveError::Duplicates(found)) => render_duplicates(&state, &info, &user, t, found),
        Err(SaveError::Invalid(p)) => {
            let problems = p.iter().map(|x| describe(info.lang, x)).collect();
            render(
                &state,
                &info,
                &user,
                None,
                0,
                t,
                problems,
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(SaveError::Stale(_)) => Err(AppError::Internal("stale on create".into())),
        Err(SaveError::App(e)) => Err(e),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    let t = for_form(&state, &c);
    render(
        &state,
        &info,
        &user,
        Some(id),
        c.version,
        t,
        Vec::new(),
        Vec::new(),
        StatusCode::OK,
    )
}

async fn update(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    let (t, version) = form_text(f);
    let version = version.ok_or(AppError::BadRequest)?;
    match records::update(&state, &user, &info, &c, version, &t).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?saved=child")).into_response()),
        Err(SaveError::Invalid(p)) => {
            let problems = p.iter().map(|x| describe(info.lang, x)).collect();
            render(
                &state,
                &info,
                &user,
                Some(id),
                version,
                t,
                problems,
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(SaveError::Duplicates(_)) => Err(AppError::Internal("duplicates on update".into())),
        Err(SaveError::Stale(now)) => {
            // Show what changed since her version, keep what she typed, and
            // let her save again knowingly against the current version.
            let fresh = state.store.child(id).await?.ok_or(AppError::NotFound)?;
            let meanwhile = records::changed_meanwhile(&state, &fresh, version)
                .await?
                .into_iter()
                .map(|(field, then, now)| {
                    (
                        info.lang.t(&format!("field.{field}")).to_string(),
                        then,
                        now,
                    )
                })
                .collect();
            let problems = vec![info.lang.t("edit.stale").to_string()];
            render(
                &state,
                &info,
                &user,
                Some(id),
                now,
                t,
                problems,
                meanwhile,
                StatusCode::CONFLICT,
            )
        }
        Err(SaveError::App(e)) => Err(e),
    }
}
