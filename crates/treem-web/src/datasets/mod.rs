//! Data sets (`spec/interchange.md`): the upload page that checks and
//! imports CSV/Excel files, and the empty template workbook.

mod held;
mod keep;
pub(crate) mod page;
mod problems;

use axum::Router;

use crate::AppState;

/// The data-set pages.
pub(crate) fn routes() -> Router<AppState> {
    page::routes().merge(held::routes())
}
