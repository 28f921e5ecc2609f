//! Administration: accounts and API tokens, the audit log and its chain,
//! the unit list and its loading, and the public-holiday calendar.

mod account_actions;
pub(crate) mod accounts;
pub(crate) mod audit;
mod holidays;
pub(crate) mod units;

use axum::Router;

use crate::AppState;

/// The administration pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(accounts::routes())
        .merge(account_actions::routes())
        .merge(audit::routes())
        .merge(units::routes())
        .merge(holidays::routes())
}
