//! The treem web application: server-rendered pages and a JSON API over the
//! storage seam. [`build_app`] is the one way to start it — the command line,
//! the tests and the benchmarks all call it.

use std::sync::Arc;

use axum::Router;

mod admin;
pub mod api;
pub mod auth;
pub mod cases;
mod datasets;
pub mod ids;
pub mod indicators;
mod plans;
pub mod policy;
pub mod registry;
pub mod reports;
mod returns;
pub mod shell;
mod village;

pub use admin::accounts::valid_username;
pub use admin::audit::verify_chain;
pub use shell::error::AppError;
pub use shell::state::{AppState, UnitIndex, WebConfig};
use shell::{guard, headers, reads};
use treem_store::Store;

/// Builds the application: every route, behind the one access guard.
pub async fn build_app(config: WebConfig, store: Arc<dyn Store>) -> Result<Router, AppError> {
    let state = AppState::new(config, store).await?;
    Ok(router(state))
}

fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(shell::routes())
        .merge(auth::routes())
        .merge(registry::routes())
        .merge(cases::routes())
        .merge(indicators::routes())
        .merge(reports::routes())
        .merge(datasets::routes())
        .merge(ids::routes())
        .merge(village::routes())
        .merge(plans::routes())
        .merge(returns::routes())
        .merge(admin::routes())
        .merge(api::routes())
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
        // Outside the guard: its session lookup reads where the request does.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            reads::follow_writes,
        ))
        .layer(tower_http::compression::CompressionLayer::new());
    headers::add(routes)
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            guard::MAX_CONCURRENT_REQUESTS,
        ))
        .with_state(state)
}
