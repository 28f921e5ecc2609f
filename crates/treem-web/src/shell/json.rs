//! The bodies every JSON API answer shares when a request is not taken:
//! located problems (422) and an unreadable body (400).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use treem_domain::child_input::FieldProblem;

/// Located problems with what was sent (422).
pub(crate) fn problems(p: Vec<FieldProblem>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({ "error": "invalid", "problems": p })),
    )
        .into_response()
}

/// A body that could not be read (400).
pub(crate) fn bad_json(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "bad_request", "message": message })),
    )
        .into_response()
}
