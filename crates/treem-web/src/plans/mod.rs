//! Running the plan (module 7): the plans and their tasks. So far the
//! plans and tasks are read here (`list`, `page`); assignment, progress
//! reports, supervisions and reviews are still to come (issue 17).

mod list;
mod page;

use axum::Router;

use crate::AppState;

/// The routes of the plan pages.
pub(crate) fn routes() -> Router<AppState> {
    list::routes().merge(page::routes())
}
