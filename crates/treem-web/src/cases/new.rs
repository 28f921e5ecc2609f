//! Reporting a case (form 01): the new-case form, with the child picked
//! from the registry or registered on the spot, and its checking.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Utc;
use serde::Deserialize;
use treem_domain::cases::{Harm, Relation, Risk, Source, Vocabulary};
use treem_domain::child_input::{ChildText, FieldProblem};
use treem_domain::clock::{VN_OFFSET, vn_today};
use treem_domain::i18n::Lang;

use crate::cases::input::{CaseInput, check_fields};
use crate::cases::service::{self, CaseError};
use crate::registry::records::{self, SaveError};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};
use treem_domain::cases::report_form::{Channel, Parent, ReportDetails};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/new", get(new_page).post(create))
}

/// A choice in a select or a set of boxes.
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

fn choices<T: Vocabulary>(chosen: &[String], lang: Lang) -> Vec<Choice> {
    T::ALL
        .iter()
        .map(|v| Choice {
            code: v.code(),
            label: v.label(lang),
            chosen: chosen.iter().any(|c| c == v.code()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "cases/new.html")]
struct NewTemplate {
    page: Page,
    child_id: String,
    received_at: String,
    sources: Vec<Choice>,
    harms: Vec<Choice>,
    relations: Vec<Choice>,
    risks: Vec<Choice>,
    summary: String,
    abuser: String,
    problems: Vec<(String, String)>,
    /// A child not yet registered, entered on the form.
    new_child: NewChild,
    communes: Vec<(String, String)>,
    /// Form 01's further fields as typed.
    details: ReportDetails,
    /// (field, value) of its text fields, in the form's order.
    details_text: Vec<(&'static str, String)>,
    /// (code, label) of the channels.
    channels: Vec<(&'static str, &'static str)>,
}

/// A child registered on the spot, as typed on the report form.
#[derive(Default)]
struct NewChild {
    full_name: String,
    sex: String,
    date_of_birth: String,
    commune: String,
    village: String,
}

fn render_new(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    input: &CaseInput,
    new_child: NewChild,
    problems: Vec<FieldProblem>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = NewTemplate {
        page: Page::new(info, Some(user), lang.t("cases.new_title")),
        child_id: input.child_id.clone(),
        received_at: input.received_at.clone(),
        sources: choices::<Source>(std::slice::from_ref(&input.source), lang),
        harms: choices::<Harm>(&input.harm_types, lang),
        relations: choices::<Relation>(std::slice::from_ref(&input.relation), lang),
        risks: choices::<Risk>(std::slice::from_ref(&input.risk_level), lang),
        summary: input.summary.clone(),
        abuser: input.abuser.clone(),
        new_child,
        details: input.details.clone(),
        details_text: input
            .details
            .fields()
            .iter()
            .filter(|(k, _)| *k != "channel")
            .map(|(k, v)| (*k, v.to_string()))
            .collect(),
        channels: Channel::ALL
            .iter()
            .map(|c| (c.code(), c.label(lang)))
            .collect(),
        communes: {
            let units = state.units();
            units.communes_in(&units.scope_of(&user.account, vn_today()), vn_today())
        },
        problems: problems
            .into_iter()
            .map(|p| {
                (
                    lang.t(&format!("cases.field_{}", p.field)).to_string(),
                    lang.pick(&p.message_vi, &p.message_en).to_string(),
                )
            })
            .collect(),
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    child: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let input = CaseInput {
        child_id: q.child.unwrap_or_default(),
        received_at: Utc::now()
            .with_timezone(&VN_OFFSET)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        ..CaseInput::default()
    };
    render_new(
        &state,
        &info,
        &user,
        &input,
        NewChild::default(),
        Vec::new(),
    )
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let take = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = CaseInput {
        child_id: take("child_id"),
        received_at: take("received_at"),
        source: take("source"),
        harm_types: fields
            .iter()
            .filter(|(n, _)| n == "harm_types")
            .map(|(_, v)| v.clone())
            .collect(),
        relation: take("relation"),
        risk_level: take("risk_level"),
        summary: take("summary"),
        abuser: take("abuser"),
        details: ReportDetails {
            channel: take("channel"),
            place: take("place"),
            child_now: take("child_now"),
            consequence: take("consequence"),
            mother: Parent {
                name: take("mother_name"),
                age: take("mother_age"),
                occupation: take("mother_occupation"),
            },
            father: Parent {
                name: take("father_name"),
                age: take("father_age"),
                occupation: take("father_occupation"),
            },
            family: take("family"),
            caregiver: take("caregiver"),
            action_taken: take("action_taken"),
            informant_name: take("informant_name"),
            informant_phone: take("informant_phone"),
            informant_address: take("informant_address"),
        },
    };
    let new_child = NewChild {
        full_name: take("new_full_name"),
        sex: take("new_sex"),
        date_of_birth: take("new_date_of_birth"),
        commune: take("new_commune"),
        village: take("new_village"),
    };
    let mut input = input;
    if input.child_id.trim().is_empty() && !new_child.full_name.trim().is_empty() {
        // The report's own fields first: no child is registered for a
        // report that would be refused.
        let p = check_fields(&input);
        if !p.is_empty() {
            return render_new(&state, &info, &user, &input, new_child, p);
        }
        match register(&state, &user, &info, &new_child).await {
            Ok(code) => input.child_id = code,
            Err(p) => return render_new(&state, &info, &user, &input, new_child, p),
        }
    }
    match service::create(&state, &user, &info, &input).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/cases/{id}?saved=1")).into_response()),
        Err(CaseError::Invalid(p)) => render_new(&state, &info, &user, &input, new_child, p),
        Err(CaseError::App(e)) => Err(e),
        Err(_) => Err(AppError::BadRequest),
    }
}

/// Registers a child typed on the report form, with the registry's own
/// reading and checks; returns her new code, or the problems (located as
/// "new child: field").
async fn register(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    c: &NewChild,
) -> Result<String, Vec<FieldProblem>> {
    let text = ChildText {
        child_id: format!(
            "TE-{}",
            &crate::auth::session::random_token()[..8].to_uppercase()
        ),
        full_name: c.full_name.clone(),
        sex: c.sex.clone(),
        date_of_birth: c.date_of_birth.clone(),
        commune_code: c.commune.clone(),
        village: c.village.clone(),
        status: "active".into(),
        ..ChildText::default()
    };
    let located = |p: FieldProblem| {
        let label = |lang: Lang| lang.t(&format!("field.{}", p.field));
        FieldProblem {
            field: "new_child",
            message_vi: format!("{}: {}", label(Lang::Vi), p.message_vi),
            message_en: format!("{}: {}", label(Lang::En), p.message_en),
        }
    };
    match records::create(state, user, info, &text, false).await {
        Ok(_) => Ok(text.child_id),
        Err(SaveError::Invalid(p)) => Err(p.into_iter().map(located).collect()),
        Err(_) => Err(vec![located(FieldProblem {
            field: "child_id",
            message_vi: "không lưu được".into(),
            message_en: "could not be saved".into(),
        })]),
    }
}
