//! The treem web application: server-rendered pages and a JSON API over the
//! storage seam. [`build_app`] is the one way to start it — the command line,
//! the tests and the benchmarks all call it.

use std::sync::Arc;

use axum::Router;

mod accounts;
mod accounts_actions;
mod api;
mod api_cases;
mod api_children;
mod assets;
mod audit_log;
pub mod auth;
pub mod bootstrap;
mod case_input;
mod case_page;
mod case_people;
pub mod case_seal;
mod cases;
mod cases_page;
mod chart;
mod child_edit;
mod child_page;
mod children;
mod dashboard;
mod datasets;
mod drill;
mod duplicates_page;
mod error;
mod facts_page;
mod guard;
mod headers;
mod holidays_page;
mod home;
pub mod indicator_report;
pub mod key_check;
mod lists;
mod measure_page;
mod nutrition_page;
mod page;
pub mod policy;
mod registry;
pub mod report_annex;
pub mod report_docx;
mod reports;
pub mod search;
mod state;
mod targets_page;
mod trend;
mod units;
mod xlsx;

pub use accounts::valid_username;
pub use audit_log::verify_chain;
pub use error::AppError;
pub use state::{AppState, UnitIndex, WebConfig};
use treem_store::Store;

/// Builds the application: every route, behind the one access guard.
pub async fn build_app(config: WebConfig, store: Arc<dyn Store>) -> Result<Router, AppError> {
    let state = AppState::new(config, store).await?;
    Ok(router(state))
}

fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(auth::routes())
        .merge(home::routes())
        .merge(reports::routes())
        .merge(units::routes())
        .merge(children::routes())
        .merge(child_edit::routes())
        .merge(child_page::routes())
        .merge(measure_page::routes())
        .merge(nutrition_page::routes())
        .merge(lists::routes())
        .merge(duplicates_page::routes())
        .merge(datasets::routes())
        .merge(dashboard::routes())
        .merge(targets_page::routes())
        .merge(trend::routes())
        .merge(facts_page::routes())
        .merge(accounts::routes())
        .merge(audit_log::routes())
        .merge(api::routes())
        .merge(api_children::routes())
        .merge(api_cases::routes())
        .merge(cases_page::routes())
        .merge(case_page::routes())
        .merge(holidays_page::routes())
        .merge(assets::routes())
        .fallback(|| async { AppError::NotFound })
        // Inside the guard, so an oversized body is answered with the
        // error page in the user's language.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            guard::MAX_BODY,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(tower_http::compression::CompressionLayer::new());
    headers::add(routes)
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            guard::MAX_CONCURRENT_REQUESTS,
        ))
        .with_state(state)
}
