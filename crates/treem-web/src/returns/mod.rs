//! Returns (báo cáo số liệu, issue 18): the returns of a period by commune
//! (`list`), a commune's return on one page, saved as a draft or submitted
//! (`page`), approved or unlocked by the level above (`steps`). Who sees
//! and does what is in `found`; the rules are `treem_domain::returns`.

mod define;
mod define_post;
pub(crate) mod demo;
mod found;
mod list;
mod page;
mod steps;

use axum::Router;

use crate::AppState;

/// The routes of the returns' pages.
pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::{get, post};
    list::routes()
        .merge(page::routes())
        .merge(steps::routes())
        .route("/admin/programme", get(define::page))
        .route("/admin/programme/element", post(define_post::element))
        .route("/admin/programme/form", post(define_post::form))
        .route("/admin/programme/indicator", post(define_post::indicator))
        .route("/admin/programme/target", post(define_post::target))
}
