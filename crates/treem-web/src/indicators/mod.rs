//! The fourteen indicators: their figures from the records (`figures`), the
//! dashboard, the drill-down to the children behind a figure, the trend over
//! periods, the gaps between groups of children, the targets an
//! administrator sets and the facility facts.

mod dashboard;
mod drill;
mod facts;
pub mod figures;
pub(crate) mod gaps;
pub mod kept;
pub mod kept_groups;
pub mod kept_link;
pub(crate) mod period;
pub mod programme;
mod programme_view;
mod rows;
mod targets;
mod trend;
pub(crate) mod view_cache;

use axum::Router;

use crate::AppState;

/// The indicators' pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(dashboard::routes())
        .merge(targets::routes())
        .merge(trend::routes())
        .merge(gaps::routes())
        .merge(facts::routes())
        .merge(programme_view::routes())
}
