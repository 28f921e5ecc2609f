//! The report's sections as the unit's officers write them
//! (`/indicators/report/draft`): one text per section, saved per unit and
//! period; a section nobody saved shows what the records say (`facts.rs`:
//! the plans' progress reports, cases, supervisions, indicators not met…)
//! for the officer to turn into sentences. The DOCX is produced from the
//! saved draft, the records' text standing in for a section not saved
//! (`docx.rs`); section III is the figures.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use treem_domain::indicators::Period;
use treem_domain::report_sections::{SECTIONS, clean, written};
use treem_domain::units::Unit;

use super::facts;
use crate::indicators::kept;
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::indicators::programme::period_code;
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

struct Section {
    key: &'static str,
    heading: &'static str,
    text: String,
    /// Whether the text is the records' prefill (nothing saved yet).
    prefilled: bool,
}

#[derive(Template)]
#[template(path = "reports/draft.html")]
struct DraftTemplate {
    page: Page,
    unit_name: String,
    period_words: String,
    query: String,
    unit_code: String,
    sections: Vec<Section>,
    saved: Option<u64>,
    error: Option<String>,
}

/// The unit a request writes for: `?unit=` within the user's own, else
/// her own; with its stored id.
fn unit_of(
    state: &AppState,
    user: &CurrentUser,
    q: &PeriodQuery,
    period: Period,
) -> Result<(Unit, i64), AppError> {
    let index = state.units();
    let history = &index.history;
    let own = root(history, &user.account.scope_code, period).ok_or(AppError::NotFound)?;
    let unit = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        None => own,
        Some(code) => history
            .resolve(code, period.reference_date())
            .filter(|u| within(history, u, own))
            .ok_or(AppError::NotFound)?,
    };
    let id = index.id_of(unit).ok_or(AppError::NotFound)?;
    Ok((unit.clone(), id))
}

/// What the records say for each written section, as lines to start from.
async fn prefill(
    state: &AppState,
    unit: &Unit,
    period: Period,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let (report, _) = kept::report(state.store.as_ref(), period).await?;
    let index = state.units();
    Ok(
        facts::gather(state.store.as_ref(), &index, unit, period, &report)
            .await?
            .sections,
    )
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    q: &PeriodQuery,
    typed: Option<Vec<(String, String)>>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let period = period_of(q)?;
    let (unit, id) = unit_of(state, user, q, period)?;
    let saved = state.store.report_draft(id, &period_code(period)).await?;
    // The records' text for every section nobody saved (what was typed
    // is shown again as it was).
    let unsaved = SECTIONS
        .iter()
        .any(|(k, _)| written(k) && !saved.iter().any(|s| s.section == *k));
    let prefilled = if unsaved && typed.is_none() {
        prefill(state, &unit, period).await?
    } else {
        Vec::new()
    };
    let sections = SECTIONS
        .iter()
        .map(|(key, heading)| {
            let from_typed = typed
                .as_ref()
                .and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
            let from_saved = saved
                .iter()
                .find(|s| s.section == *key)
                .map(|s| s.body.clone());
            let from_records = prefilled
                .iter()
                .find(|(k, v)| k == key && !v.is_empty())
                .map(|(_, v)| v.clone());
            let prefilled = from_typed.is_none() && from_saved.is_none() && from_records.is_some();
            Section {
                key,
                heading,
                text: from_typed
                    .or(from_saved)
                    .or(from_records)
                    .unwrap_or_default(),
                prefilled,
            }
        })
        .collect();
    let tpl = DraftTemplate {
        page: Page::new(info, Some(user), info.lang.t("draft.title")),
        unit_name: unit.name.clone(),
        period_words: if period.half {
            format!("6 tháng đầu năm {}", period.year)
        } else {
            format!("năm {}", period.year)
        },
        query: period_query(period),
        unit_code: unit.code.clone(),
        sections,
        saved: q.saved,
        error,
    };
    let status = if tpl.error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// `GET /indicators/report/draft`.
pub(super) async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    render(&state, &info, &user, &q, None, None).await
}

/// `POST /indicators/report/draft`: every written section of the form.
pub(super) async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    let (unit, id) = unit_of(&state, &user, &q, period)?;
    let mut typed: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if written(&k) && !typed.iter().any(|(t, _)| *t == k) {
            typed.push((k, v));
        }
    }
    let mut sections = Vec::new();
    for (k, v) in &typed {
        match clean(v) {
            Ok(text) => sections.push((k.clone(), text)),
            Err(key) => {
                let error = Some(info.lang.t(key).to_string());
                return render(&state, &info, &user, &q, Some(typed), error).await;
            }
        }
    }
    let audit = user.event(&info, "report_draft_saved", "report_draft", &id.to_string());
    let n = state
        .store
        .save_report_draft(id, &period_code(period), &sections, audit)
        .await?;
    Ok(Redirect::to(&format!(
        "/indicators/report/draft?{}&unit={}&saved={n}",
        period_query(period),
        encode(&unit.code)
    ))
    .into_response())
}
