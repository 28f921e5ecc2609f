//! The public holidays of the working-day calendar, kept by an
//! administrator (the lunar ones change every year); every change is audited.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::i18n::fmt_date;

use crate::admin::units::parse_user_date;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/holidays", get(page).post(save))
}

/// One holiday: (ISO day for the remove form, day as shown, name).
type Line = (String, String, String);

#[derive(Template)]
#[template(path = "admin/holidays.html")]
struct HolidaysTemplate {
    page: Page,
    /// The holidays on record, by year.
    years: Vec<(i32, Vec<Line>)>,
    error: Option<&'static str>,
    done: bool,
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    error: Option<&'static str>,
    done: bool,
) -> Result<Response, AppError> {
    let mut years: Vec<(i32, Vec<Line>)> = Vec::new();
    for (day, name) in state.store.holidays().await? {
        let y = chrono::Datelike::year(&day);
        let line = (day.to_string(), fmt_date(day), name);
        match years.last_mut() {
            Some((last, v)) if *last == y => v.push(line),
            _ => years.push((y, vec![line])),
        }
    }
    let tpl = HolidaysTemplate {
        page: Page::new(info, Some(user), info.lang.t("holidays.title")),
        years,
        error,
        done,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Response, AppError> {
    render(&state, &info, &user, None, false).await
}

#[derive(Deserialize)]
struct HolidayForm {
    day: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    remove: Option<String>,
}

async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<HolidayForm>,
) -> Result<Response, AppError> {
    let Some(day) = parse_user_date(&f.day) else {
        return render(
            &state,
            &info,
            &user,
            Some(info.lang.t("holidays.bad_day")),
            false,
        )
        .await;
    };
    let name = treem_domain::text::nfc(f.name.trim());
    let name = match (&f.remove, name.as_str()) {
        (Some(_), _) => None,
        (None, n) if !n.is_empty() && n.chars().count() <= 200 => Some(name.clone()),
        _ => {
            return render(
                &state,
                &info,
                &user,
                Some(info.lang.t("holidays.bad_name")),
                false,
            )
            .await;
        }
    };
    let audit = user
        .event(&info, "holiday_changed", "public_holiday", &day.to_string())
        .with_detail(if name.is_some() { "set" } else { "removed" });
    state.store.set_holiday(day, name.as_deref(), audit).await?;
    render(&state, &info, &user, None, true).await
}
