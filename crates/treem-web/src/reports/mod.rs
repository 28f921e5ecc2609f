//! The periodic report: the DOCX document and its XLSX annex, built from the
//! indicators' figures, downloadable from the dashboard and written by
//! `treem report`.

pub mod annex;
pub mod docx;
mod download;
mod draft;
pub mod facts;
pub mod gap_lines;
pub mod issuer;
mod protection;

use axum::Router;

use crate::AppState;

/// The report downloads.
pub(crate) fn routes() -> Router<AppState> {
    use axum::routing::get;
    download::routes().route(
        "/indicators/report/draft",
        get(draft::page).post(draft::save),
    )
}
