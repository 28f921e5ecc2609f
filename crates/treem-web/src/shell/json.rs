//! The bodies every JSON API answer shares when a request is not taken —
//! an error with its code and message, located problems — and the enum
//! schemas of the domain's vocabularies, read from the domain itself so the
//! OpenAPI document lists exactly the codes the server accepts.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use treem_domain::cases::Vocabulary;
use treem_domain::child_input::FieldProblem;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// A request that was not taken: a short code (`not_found`, `forbidden`,
/// `unauthorized`, `bad_request`, `stale`, `conflict`…) and a message in
/// the caller's language.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub(crate) struct ApiError {
    pub error: String,
    pub message: String,
    /// The record's current version (`stale` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl ApiError {
    pub(crate) fn new(error: &str, message: &str) -> Self {
        ApiError {
            error: error.to_string(),
            message: message.to_string(),
            version: None,
        }
    }

    /// This error as an answer with `status`.
    pub(crate) fn answer(self, status: StatusCode) -> Response {
        (status, Json(self)).into_response()
    }
}

/// Located problems with what was sent.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Invalid {
    /// Always `invalid`.
    #[schema(schema_with = invalid_code)]
    error: &'static str,
    problems: Vec<FieldProblem>,
}

fn invalid_code() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["invalid"]))
        .build()
}

/// Located problems with what was sent (422).
pub(crate) fn problems(problems: Vec<FieldProblem>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(Invalid {
            error: "invalid",
            problems,
        }),
    )
        .into_response()
}

/// A body that could not be read (400).
pub(crate) fn bad_json(message: &str) -> Response {
    ApiError::new("bad_request", message).answer(StatusCode::BAD_REQUEST)
}

/// A string schema whose values are the codes of a domain vocabulary.
pub(crate) fn codes_of<V: Vocabulary>() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(V::ALL.iter().map(|v| v.code())))
        .build()
}
