//! What every page stands on: the application state, the access guard and
//! the request facts it hands to handlers, the page frame and error pages,
//! security headers, static assets, the home page, Excel downloads, the
//! pieces of a DOCX document (Decree 30/2020), and the
//! first-start bootstrap.

pub(crate) mod assets;
pub mod bootstrap;
pub(crate) mod docx_parts;
pub(crate) mod error;
pub(crate) mod guard;
pub(crate) mod headers;
mod home;
pub(crate) mod json;
pub(crate) mod page;
pub(crate) mod reads;
pub(crate) mod request;
pub(crate) mod state;
pub(crate) mod xlsx;

use axum::Router;

use crate::AppState;

/// The home page and the static files.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().merge(home::routes()).merge(assets::routes())
}
