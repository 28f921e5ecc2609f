//! The plans the caller sees (`found::visible_plans`: her units' plans and
//! those they were derived from), with their period and number of tasks;
//! viewers included.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans", get(list))
}

struct PlanLine {
    id: i64,
    title: String,
    unit: String,
    period: String,
    tasks: i64,
}

#[derive(Template)]
#[template(path = "plans/list.html")]
struct ListTemplate {
    page: Page,
    plans: Vec<PlanLine>,
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let units = state.units();
    let plans = super::found::visible_plans(&state, &user)
        .await?
        .into_iter()
        .map(|p| PlanLine {
            id: p.id,
            unit: units
                .by_id(p.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            period: format!("{}–{}", p.period_from, p.period_to),
            title: p.title,
            tasks: p.tasks,
        })
        .collect();
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("plan.title")),
        plans,
    };
    Ok(Html(tpl.render()?))
}
