//! The one application error type. Server errors are logged with detail and
//! shown as a plain page; nothing internal reaches the browser.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use treem_store::StoreError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("unauthorized")]
    Unauthorized,
    #[error("csrf token missing or wrong")]
    Csrf,
    #[error("bad request")]
    BadRequest,
    #[error("payload too large")]
    TooLarge,
    #[error("internal: {0}")]
    Internal(String),
    /// The database cannot write now (a full disk): nothing was stored.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Unavailable(detail) => AppError::Unavailable(detail),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl AppError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The message-catalogue key shown to the user.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::Unauthorized => "error.unauthorized",
            AppError::Csrf => "error.csrf",
            AppError::BadRequest => "error.bad_request",
            AppError::TooLarge => "error.too_large",
            AppError::Internal(_) => "error.internal",
            AppError::Unavailable(_) => "error.unavailable",
        }
    }
}

/// Marks a response as an error whose page the guard renders in the
/// user's language (it knows the language and the user; handlers need not).
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub &'static str);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(detail) => tracing::error!(%detail, "request failed"),
            AppError::Unavailable(detail) => {
                tracing::error!(%detail, "storage unavailable: nothing stored")
            }
            _ => {}
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(ErrorPage(self.message_key()));
        res
    }
}
