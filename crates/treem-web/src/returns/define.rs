//! The administrator's page of definitions (`/admin/programme`): the data
//! elements, the returns that group them with their rules, the indicators
//! defined as data and their milestones — each listed, and each added or
//! changed by a form (`define_post` checks and stores what is typed).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use treem_domain::i18n::Lang;
use treem_domain::returns::define::PROGRAMMES;
use treem_domain::returns::programme::{FACTORS, Goal, amount, per};
use treem_store::{ElementRow, FormRow, ProgrammeIndicatorRow};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// What the forms start with: empty, or the definition being changed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct Editing {
    pub element: Option<String>,
    pub form: Option<String>,
    pub indicator: Option<String>,
    /// After a POST: what was stored (a catalogue key) and its code.
    pub done: Option<String>,
    pub code: Option<String>,
}

/// An outcome to show: a success or a refusal, and where the form goes.
pub(super) struct Outcome {
    pub error: Option<String>,
    pub anchor: &'static str,
}

struct IndicatorLine {
    row: ProgrammeIndicatorRow,
    factor: String,
    milestones: String,
}

#[derive(Template)]
#[template(path = "returns/define.html")]
struct DefineTemplate {
    page: Page,
    elements: Vec<ElementRow>,
    forms: Vec<FormRow>,
    indicators: Vec<IndicatorLine>,
    element: ElementRow,
    form: FormRow,
    form_elements: String,
    form_rules: String,
    indicator: ProgrammeIndicatorRow,
    programmes: &'static [&'static str],
    factors: Vec<(i64, String)>,
    goals: Vec<&'static str>,
    done: Option<String>,
    error: Option<String>,
    anchor: &'static str,
}

/// The blank forms: an element, a return and an indicator.
pub(super) fn blank() -> (ElementRow, FormRow, ProgrammeIndicatorRow) {
    (
        ElementRow {
            code: String::new(),
            name_vi: String::new(),
            name_en: String::new(),
            kind: "whole".into(),
            by_sex: true,
            programme: None,
        },
        FormRow {
            code: String::new(),
            name_vi: String::new(),
            name_en: String::new(),
            frequency: "6-monthly".into(),
            elements: Vec::new(),
            rules: Vec::new(),
        },
        ProgrammeIndicatorRow {
            code: String::new(),
            name_vi: String::new(),
            name_en: String::new(),
            programme: "CT1".into(),
            numerator: String::new(),
            denominator: String::new(),
            factor: 100,
            goal: ">=".into(),
            changed_by: String::new(),
            changed_at: chrono::Utc::now(),
        },
    )
}

/// The page, its forms holding `editing`'s definitions (or what was typed
/// when `typed` is given after a refusal).
pub(super) async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    editing: &Editing,
    typed: Option<(ElementRow, FormRow, ProgrammeIndicatorRow)>,
    outcome: Outcome,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let elements = state.store.data_elements().await?;
    let forms = state.store.return_forms().await?;
    let rows = state.store.programme_indicators().await?;
    let targets = state.store.targets().await?;
    let find = |want: &Option<String>, code: &str| want.as_deref() == Some(code);
    let (element, form, indicator) = typed.unwrap_or_else(|| {
        let (e, f, i) = blank();
        (
            elements
                .iter()
                .find(|x| find(&editing.element, &x.code))
                .cloned()
                .unwrap_or(e),
            forms
                .iter()
                .find(|x| find(&editing.form, &x.code))
                .cloned()
                .unwrap_or(f),
            rows.iter()
                .find(|x| find(&editing.indicator, &x.code))
                .cloned()
                .unwrap_or(i),
        )
    });
    let indicators = rows
        .into_iter()
        .map(|row| {
            let factor = u32::try_from(row.factor).unwrap_or(1);
            let milestones: Vec<String> = targets
                .iter()
                .filter(|t| t.indicator == row.code)
                .map(|t| {
                    format!(
                        "{}: {} {}{}",
                        t.year,
                        row.goal,
                        amount_or_rate(t.value),
                        per(factor)
                    )
                })
                .collect();
            IndicatorLine {
                factor: amount(f64::from(factor)),
                milestones: milestones.join(" · "),
                row,
            }
        })
        .collect();
    let done = editing.done.as_deref().and_then(|key| {
        let text = match key {
            "element" => lang.t("define.done_element"),
            "form" => lang.t("define.done_form"),
            "indicator" => lang.t("define.done_indicator"),
            "target" => lang.t("define.done_target"),
            "unchanged" => lang.t("define.done_unchanged"),
            _ => return None,
        };
        Some(text.replace("{code}", editing.code.as_deref().unwrap_or("")))
    });
    let status = if outcome.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let tpl = DefineTemplate {
        page: Page::new(info, Some(user), lang.t("define.title")),
        form_elements: form.elements.join(", "),
        form_rules: form
            .rules
            .iter()
            .map(|(l, c, r)| format!("{l} {c} {r}").trim().to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        elements,
        forms,
        indicators,
        element,
        form,
        indicator,
        programmes: &PROGRAMMES,
        factors: FACTORS
            .iter()
            .map(|f| (i64::from(*f), format!("× {}", amount(f64::from(*f)))))
            .collect(),
        goals: Goal::ALL.iter().map(|g| g.symbol()).collect(),
        done,
        error: outcome.error,
        anchor: outcome.anchor,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

fn amount_or_rate(v: f64) -> String {
    if v.fract() == 0.0 {
        amount(v)
    } else {
        treem_domain::indicators::shown(v)
    }
}

/// `GET /admin/programme`.
pub(super) async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(editing): Query<Editing>,
) -> Result<Response, AppError> {
    let outcome = Outcome {
        error: None,
        anchor: "",
    };
    render(&state, &info, &user, &editing, None, outcome).await
}

/// A refusal as the reader reads it: the catalogue's sentence and the part
/// at fault.
pub(super) fn refusal(lang: Lang, key: &str, at: &str) -> String {
    let text = lang.t(key);
    if at.is_empty() {
        text.to_string()
    } else {
        format!("{text} «{at}»")
    }
}
