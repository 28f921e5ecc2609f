//! Child-protection cases (Decree 56/2017): the list, a case's page and its
//! steps, the printable forms, the people granted a case, sealing of the
//! contents and its key, and the JSON API — all deciding through `service`.

mod api;
mod api_details;
mod api_step_form;
mod documents;
mod handover;
mod input;
pub mod key_check;
pub(crate) mod list;
pub(crate) mod new;
mod page;
mod people;
pub mod seal;
pub(crate) mod service;
mod step_fields;
mod view;
mod withdraw;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The cases' pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(list::routes())
        .merge(new::routes())
        .merge(page::routes())
        .merge(documents::routes())
}

/// The cases' JSON API (served by `crate::api` with its document).
pub(crate) fn api() -> OpenApiRouter<AppState> {
    api::routes()
}
