//! The ID verification round with the commune police (issue 21): the list
//! of children to check (downloaded as a workbook or printed with a
//! signature block for the police), the list back stored all at once with
//! the details the police corrected accepted one by one, and how complete
//! the link to the population database is per commune, with the children
//! behind each figure.

mod link;
mod page;
mod returned;
mod scope;

use axum::Router;

use crate::AppState;

pub(crate) use link::kept_link_rows;
pub use link::{LinkRow, link_rows, link_rows_of};

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(page::routes())
        .merge(returned::routes())
        .merge(link::routes())
}
