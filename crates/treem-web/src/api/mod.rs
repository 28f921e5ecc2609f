//! The JSON API's own routes under `/api/v1`: who am I, the units, and the
//! OpenAPI document. The registry and cases serve their API routes from
//! their own folders.

mod me;

use axum::Router;

use crate::AppState;

/// The API's own routes.
pub(crate) fn routes() -> Router<AppState> {
    me::routes()
}
