//! Running the plan (module 7): the plans and their tasks (`list`,
//! `page`, `task`), the progress agencies report and the assignments the
//! People's Committee makes (`file`), overdue tasks (`overdue`), and plans
//! derived for communes (`derive`). What a plan's pages share is in
//! `found`; `api` speaks JSON. Supervisions and their
//! recommendations are in `supervise`. The review of a period
//! (the report's input) is `review`; a plan's files as a workbook,
//! `download`.

mod api;
pub(crate) mod derive;
mod derive_form;
mod document;
mod download;
mod file;
mod found;
mod list;
pub(crate) mod overdue;
mod page;
mod review;
mod supervise;
mod task;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The plans' JSON API, with its OpenAPI description.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    api::routes()
}

/// The routes of the plan pages.
pub(crate) fn routes() -> Router<AppState> {
    list::routes()
        .merge(page::routes())
        .merge(task::routes())
        .merge(file::routes())
        .merge(overdue::routes())
        .merge(supervise::routes())
        .merge(review::routes())
        .merge(derive_form::routes())
        .merge(download::routes())
        .merge(document::routes())
}
