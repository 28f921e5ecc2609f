//! Returns (báo cáo số liệu, issue 18): the returns of a period by commune
//! (`list`), a commune's return on one page, saved as a draft or submitted
//! (`page`), approved or unlocked by the level above (`steps`). Who sees
//! and does what is in `found`; the rules are `treem_domain::returns`.

mod found;
mod list;
mod page;
mod steps;

use axum::Router;

use crate::AppState;

/// The routes of the returns' pages.
pub(crate) fn routes() -> Router<AppState> {
    list::routes().merge(page::routes()).merge(steps::routes())
}
