//! Who is asking and how: what the guard establishes for every request and
//! hands to the handlers (the signed-in user, the language, the client
//! address, the anti-forgery token).

use treem_domain::i18n::Lang;
use treem_store::Account;

use crate::AppError;

/// The name of the anti-forgery field in every form.
pub const CSRF_FIELD: &str = "csrf";

/// Who is asking, as the guard established it; handlers extract this.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: Account,
}

/// Facts about every request that pages need.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub lang: Lang,
    /// The client address, for the audit log.
    pub ip: String,
    /// Whether cookies should be marked Secure.
    pub tls: bool,
    /// The token forms must carry (the session's, or the pre-login cookie's).
    pub csrf: String,
    /// The path and query of this request (to come back to after a switch).
    pub here: String,
}

impl CurrentUser {
    /// An audit event by this user, from this request's address.
    pub fn event(
        &self,
        info: &RequestInfo,
        action: &str,
        record_type: &str,
        record_id: &str,
    ) -> treem_domain::audit::AuditEvent {
        let a = &self.account;
        let mut e =
            treem_domain::audit::AuditEvent::system(&a.username, action, record_type, record_id);
        e.actor_id = Some(a.id);
        e.ip = Some(info.ip.clone());
        e
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthorized)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestInfo {
    type Rejection = AppError;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<RequestInfo>()
            .cloned()
            .ok_or(AppError::Internal("request info missing".into()))
    }
}
