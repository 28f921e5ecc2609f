//! The forms of `/admin/programme`: each checks what was typed
//! (`treem_domain::returns::define`), stores it with an audit entry and
//! goes back to the page saying what was stored; a refusal shows the page
//! again with what was typed kept and the reason.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use treem_domain::returns::define::{self, ElementInput, FormInput, IndicatorInput, Refused};
use treem_store::{ElementPut, ElementRow, FormRow, ProgrammeIndicatorRow};

use super::define::{Editing, Outcome, blank, refusal, render};
use crate::shell::page::encode;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

#[derive(Debug, Default, Deserialize)]
pub(super) struct ElementForm {
    code: String,
    name_vi: String,
    name_en: String,
    kind: String,
    by_sex: Option<String>,
    programme: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReturnFormForm {
    code: String,
    name_vi: String,
    name_en: String,
    frequency: String,
    elements: String,
    rules: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct IndicatorForm {
    code: String,
    name_vi: String,
    name_en: String,
    programme: String,
    numerator: String,
    denominator: String,
    factor: String,
    goal: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TargetForm {
    indicator: String,
    year: String,
    value: String,
}

fn stored(what: &str, code: &str, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/admin/programme?done={what}&code={}#{anchor}",
        encode(code)
    ))
    .into_response()
}

async fn refused(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    typed: (ElementRow, FormRow, ProgrammeIndicatorRow),
    r: Refused,
    anchor: &'static str,
) -> Result<Response, AppError> {
    let outcome = Outcome {
        error: Some(refusal(info.lang, r.key, &r.at)),
        anchor,
    };
    render(state, info, user, &Editing::default(), Some(typed), outcome).await
}

async fn defined(state: &AppState) -> Result<Vec<String>, AppError> {
    Ok(state
        .store
        .data_elements()
        .await?
        .into_iter()
        .map(|e| e.code)
        .collect())
}

/// `POST /admin/programme/element`.
pub(super) async fn element(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<ElementForm>,
) -> Result<Response, AppError> {
    let input = ElementInput {
        code: &f.code,
        name_vi: &f.name_vi,
        name_en: &f.name_en,
        kind: &f.kind,
        by_sex: f.by_sex.is_some(),
        programme: &f.programme,
    };
    let typed = |mut b: (ElementRow, FormRow, ProgrammeIndicatorRow)| {
        b.0 = ElementRow {
            code: f.code.clone(),
            name_vi: f.name_vi.clone(),
            name_en: f.name_en.clone(),
            kind: f.kind.clone(),
            by_sex: f.by_sex.is_some(),
            programme: Some(f.programme.clone()).filter(|p| !p.is_empty()),
        };
        b
    };
    let e = match define::element(&input) {
        Ok(e) => e,
        Err(r) => return refused(&state, &info, &user, typed(blank()), r, "element-form").await,
    };
    let row = ElementRow {
        code: e.code.clone(),
        name_vi: e.name_vi,
        name_en: e.name_en,
        kind: e.kind.code().into(),
        by_sex: e.by_sex,
        programme: e.programme,
    };
    let audit = user.event(&info, "element_changed", "data_element", &e.code);
    match state.store.put_data_element(&row, audit).await? {
        ElementPut::InUse => {
            let r = Refused {
                key: "define.err_in_use",
                at: e.code,
            };
            refused(&state, &info, &user, typed(blank()), r, "element-form").await
        }
        ElementPut::Unchanged => Ok(stored("unchanged", &e.code, "elements")),
        ElementPut::Created | ElementPut::Updated => Ok(stored("element", &e.code, "elements")),
    }
}

/// `POST /admin/programme/form`.
pub(super) async fn form(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<ReturnFormForm>,
) -> Result<Response, AppError> {
    let input = FormInput {
        code: &f.code,
        name_vi: &f.name_vi,
        name_en: &f.name_en,
        frequency: &f.frequency,
        elements: &f.elements,
        rules: &f.rules,
    };
    let checked = match define::form(&input, &defined(&state).await?) {
        Ok(c) => c,
        Err(r) => {
            let mut typed = blank();
            typed.1 = FormRow {
                code: f.code.clone(),
                name_vi: f.name_vi.clone(),
                name_en: f.name_en.clone(),
                frequency: f.frequency.clone(),
                elements: vec![f.elements.clone()],
                rules: f
                    .rules
                    .lines()
                    .map(|l| (l.to_string(), String::new(), String::new()))
                    .collect(),
            };
            return refused(&state, &info, &user, typed, r, "form-form").await;
        }
    };
    let row = FormRow {
        code: checked.code.clone(),
        name_vi: checked.name_vi,
        name_en: checked.name_en,
        frequency: checked.frequency.code().into(),
        elements: checked.elements,
        rules: checked
            .rules
            .into_iter()
            .map(|r| (r.left, r.comparison.symbol().to_string(), r.right))
            .collect(),
    };
    let audit = user.event(&info, "return_form_changed", "return_form", &row.code);
    state.store.put_return_form(&row, audit).await?;
    Ok(stored("form", &row.code, "forms"))
}

/// `POST /admin/programme/indicator`.
pub(super) async fn indicator(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    let input = IndicatorInput {
        code: &f.code,
        name_vi: &f.name_vi,
        name_en: &f.name_en,
        programme: &f.programme,
        numerator: &f.numerator,
        denominator: &f.denominator,
        factor: &f.factor,
        goal: &f.goal,
    };
    let ind = match define::indicator(&input, &defined(&state).await?) {
        Ok(i) => i,
        Err(r) => {
            let mut typed = blank();
            typed.2 = ProgrammeIndicatorRow {
                code: f.code.clone(),
                name_vi: f.name_vi.clone(),
                name_en: f.name_en.clone(),
                programme: f.programme.clone(),
                numerator: f.numerator.clone(),
                denominator: f.denominator.clone(),
                factor: f.factor.trim().replace('.', "").parse().unwrap_or(100),
                goal: f.goal.clone(),
                changed_by: String::new(),
                changed_at: chrono::Utc::now(),
            };
            return refused(&state, &info, &user, typed, r, "indicator-form").await;
        }
    };
    let row = ProgrammeIndicatorRow {
        code: ind.code.clone(),
        name_vi: ind.name_vi,
        name_en: ind.name_en,
        programme: ind.programme,
        numerator: ind.numerator.text(),
        denominator: ind.denominator.text(),
        factor: i64::from(ind.factor),
        goal: ind.goal.symbol().into(),
        changed_by: user.account.username.clone(),
        changed_at: chrono::Utc::now(),
    };
    let audit = user.event(
        &info,
        "programme_indicator_changed",
        "programme_indicator",
        &row.code,
    );
    state.store.put_programme_indicator(&row, audit).await?;
    Ok(stored("indicator", &row.code, "indicators"))
}

/// `POST /admin/programme/target`: a milestone of an indicator defined as
/// data (the fourteen's are set on `/admin/targets`).
pub(super) async fn target(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<TargetForm>,
) -> Result<Response, AppError> {
    let rows = state.store.programme_indicators().await?;
    let Some(row) = rows.iter().find(|r| r.code == f.indicator.trim()) else {
        let r = Refused {
            key: "define.err_no_indicator",
            at: f.indicator.trim().to_string(),
        };
        return refused(&state, &info, &user, blank(), r, "indicators").await;
    };
    let (year, value) = match define::milestone(&f.year, &f.value) {
        Ok(m) => m,
        Err(r) => return refused(&state, &info, &user, blank(), r, "indicators").await,
    };
    let audit = user
        .event(&info, "target_changed", "indicator_target", &row.code)
        .with_detail(format!(
            "{year}: {}",
            value.map_or("removed".to_string(), |v| v.to_string())
        ));
    state
        .store
        .set_target(&row.code, year, value, audit)
        .await?;
    Ok(stored("target", &row.code, "indicators"))
}
