//! Village days (issue 16): a weighing or an activity prepared here, taken
//! to a phone that works without signal, and the entries it sends back —
//! stored once each, or kept as conflicts for someone to resolve.
//!
//! - `prepare`: the sessions of one's units and the form that makes one;
//! - `office`: a session's page in treem (entries, conflicts, paper);
//! - `list`: the children a phone takes along (JSON);
//! - `sync`: the entries a phone sends; `entry`: how one is stored;
//! - `found`: a session in the caller's scope, with what it concerns;
//! - `resolve`: a conflict resolved;
//! - `app`: the offline page, its manifest and service worker;
//! - `paper`: the A4 form and the workbook.

mod app;
mod entry;
mod found;
mod list;
mod office;
mod paper;
mod prepare;
mod resolve;
mod sync;

use crate::AppState;
use axum::Router;

/// The routes of village days.
pub(crate) fn routes() -> Router<AppState> {
    prepare::routes()
        .merge(office::routes())
        .merge(list::routes())
        .merge(sync::routes())
        .merge(resolve::routes())
        .merge(app::routes())
        .merge(paper::routes())
}
