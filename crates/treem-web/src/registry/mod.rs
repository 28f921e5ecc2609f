//! The registry of children: the list and search, a child's page and growth
//! chart, creating and editing records, measurements, the nutrition and
//! working lists, likely duplicates and merges, and its JSON API.

mod api;
mod chart;
mod child_edit;
mod child_history;
pub(crate) mod child_page;
mod children;
pub(crate) mod duplicates;
mod lists;
mod measure;
mod measure_fix;
mod measurement_history;
pub(crate) mod nutrition;
pub(crate) mod records;
pub mod search;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The registry's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(children::routes())
        .merge(child_edit::routes())
        .merge(child_page::routes())
        .merge(measure::routes())
        .merge(measure_fix::routes())
        .merge(nutrition::routes())
        .merge(lists::routes())
        .merge(duplicates::routes())
}

/// The registry's JSON API (served by `crate::api` with its document).
pub(crate) fn api() -> OpenApiRouter<AppState> {
    api::routes()
}
