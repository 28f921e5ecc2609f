//! The returns of a period (`/returns`): for one return and period, every
//! commune of the caller's scope with where its return stands, a tally,
//! and a link to each; the return and period are chosen in a plain form.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_domain::plan::progress::ReportPeriod;

use super::found::{definitions, files_for};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/returns", get(list))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    form: Option<String>,
    period: Option<String>,
}

struct Row {
    name: String,
    status: &'static str,
    code: &'static str,
    link: String,
}

#[derive(Template)]
#[template(path = "returns/list.html")]
struct ListTemplate {
    page: Page,
    forms: Vec<(String, String, bool)>,
    periods: Vec<(String, String, bool)>,
    rows: Vec<Row>,
    tally: Vec<(&'static str, usize)>,
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let (forms, _) = definitions(state.store.as_ref()).await?;
    let form = match q.form.as_deref().filter(|f| !f.is_empty()) {
        Some(code) => forms
            .iter()
            .find(|f| f.code == code)
            .ok_or(AppError::NotFound)?,
        None => forms.first().ok_or(AppError::NotFound)?,
    };
    let today = vn_today();
    // The periods the return is filed for that have begun, latest first.
    let periods: Vec<ReportPeriod> = (2024..=chrono::Datelike::year(&today))
        .rev()
        .flat_map(|y| {
            [
                ReportPeriod {
                    year: y,
                    half: false,
                },
                ReportPeriod {
                    year: y,
                    half: true,
                },
            ]
        })
        .filter(|p| form.frequency.files(*p) && p.first_day() <= today)
        .collect();
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => ReportPeriod::parse(p)
            .filter(|p| periods.contains(p))
            .ok_or(AppError::BadRequest)?,
        None => *periods.first().ok_or(AppError::NotFound)?,
    };
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let filings = state
        .store
        .return_filings(&form.code, &period.code())
        .await?;
    let rows: Vec<Row> = units
        .communes_in(&scope, today)
        .into_iter()
        .filter_map(|(code, name)| {
            let unit = units.history.resolve(&code, today)?;
            let id = units.id_of(unit)?;
            if !files_for(form, unit, period) {
                return None;
            }
            let status = filings
                .iter()
                .find(|f| f.unit_id == id)
                .map_or("none", |f| match f.status.as_str() {
                    "submitted" => "submitted",
                    "approved" => "approved",
                    _ => "draft",
                });
            Some(Row {
                name,
                status: lang.t(&format!("returns.status_{status}")),
                code: status,
                link: format!(
                    "/returns/filing?form={}&unit={}&period={}",
                    encode(&form.code),
                    encode(&code),
                    period.code()
                ),
            })
        })
        .collect();
    let tally = ["none", "draft", "submitted", "approved"]
        .iter()
        .map(|s| {
            (
                lang.t(&format!("returns.status_{s}")),
                rows.iter().filter(|r| r.code == *s).count(),
            )
        })
        .collect();
    let name = |f: &treem_domain::returns::ReturnForm| {
        if lang == Lang::En {
            f.name_en.clone()
        } else {
            f.name_vi.clone()
        }
    };
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), lang.t("returns.title")),
        forms: forms
            .iter()
            .map(|f| (f.code.clone(), name(f), f.code == form.code))
            .collect(),
        periods: periods
            .iter()
            .map(|p| (p.code(), p.label(), *p == period))
            .collect(),
        rows,
        tally,
    };
    Ok(Html(tpl.render()?).into_response())
}
