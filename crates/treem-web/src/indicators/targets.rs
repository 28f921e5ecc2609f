//! The plan's targets, kept as data: an administrator sets or removes a
//! milestone (indicator, year, value); every change is kept with who made it
//! and what it replaced, and written to the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::indicators::{KEYS, name_vi_on, plan_targets, shown};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/targets", get(page).post(save))
}

struct Line {
    key: &'static str,
    name: &'static str,
    milestones: String,
}

struct ChangeLine {
    when: String,
    actor: String,
    name: String,
    year: i64,
    previous: String,
    value: String,
}

#[derive(Template)]
#[template(path = "indicators/targets.html")]
struct TargetsTemplate {
    page: Page,
    lines: Vec<Line>,
    changes: Vec<ChangeLine>,
    error: Option<&'static str>,
    done: bool,
}

fn name(lang: Lang, key: &'static str) -> &'static str {
    if lang == Lang::En {
        key
    } else {
        name_vi_on(key, treem_domain::clock::vn_today())
    }
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    error: Option<&'static str>,
    done: bool,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let stored = state.store.targets().await?;
    let lines = plan_targets()
        .into_iter()
        .map(|t| {
            let sign = if t.comparison.symbol() == "<" {
                "<"
            } else {
                "≥"
            };
            let milestones: Vec<String> = stored
                .iter()
                .filter(|s| s.indicator == t.key)
                .map(|s| format!("{}: {sign} {}%", s.year, shown(s.value)))
                .collect();
            Line {
                key: t.key,
                name: name(lang, t.key),
                milestones: milestones.join(" · "),
            }
        })
        .collect();
    let show = |v: Option<f64>| {
        v.map(|v| format!("{}%", shown(v)))
            .unwrap_or_else(|| "—".into())
    };
    let changes = state
        .store
        .target_changes(50)
        .await?
        .into_iter()
        .map(|c| ChangeLine {
            when: fmt_date(c.changed_at.date_naive()),
            actor: c.actor,
            // A programme indicator's milestone is named by its code.
            name: KEYS
                .iter()
                .find(|k| **k == c.indicator)
                .map_or_else(|| c.indicator.clone(), |k| name(lang, k).to_string()),
            year: c.year,
            previous: show(c.previous),
            value: show(c.value),
        })
        .collect();
    let tpl = TargetsTemplate {
        page: Page::new(info, Some(user), lang.t("targets.title")),
        lines,
        changes,
        error,
        done,
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
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

#[derive(Debug, Deserialize)]
struct TargetForm {
    indicator: String,
    year: String,
    value: String,
}

async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<TargetForm>,
) -> Result<Response, AppError> {
    let Some(key) = KEYS.iter().find(|k| **k == f.indicator).copied() else {
        return render(
            &state,
            &info,
            &user,
            Some(info.lang.t("targets.bad_indicator")),
            false,
        )
        .await;
    };
    let year = match f.year.trim().parse::<i64>() {
        Ok(y) if (2020..=2100).contains(&y) => y,
        _ => {
            return render(
                &state,
                &info,
                &user,
                Some(info.lang.t("targets.bad_year")),
                false,
            )
            .await;
        }
    };
    let value = match f.value.trim() {
        "" => None,
        v => match v.replace(',', ".").parse::<f64>() {
            Ok(x) if (0.0..=100.0).contains(&x) => Some(x),
            _ => {
                return render(
                    &state,
                    &info,
                    &user,
                    Some(info.lang.t("targets.bad_value")),
                    false,
                )
                .await;
            }
        },
    };
    let audit = user
        .event(&info, "target_changed", "indicator_target", key)
        .with_detail(format!(
            "{year}: {}",
            value.map_or("removed".to_string(), |v| v.to_string())
        ));
    state.store.set_target(key, year, value, audit).await?;
    render(&state, &info, &user, None, true).await
}
