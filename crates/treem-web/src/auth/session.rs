//! Sessions and API tokens. Cookies and tokens carry random values; the
//! database holds only their SHA-256, so a stolen database opens no session.

use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use chrono::{Duration, Utc};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};
use treem_store::{Account, Session, Store, StoreResult};

use crate::WebConfig;

/// The session cookie.
pub const SESSION_COOKIE: &str = "treem_session";
/// The anti-forgery cookie used before login (double-submit).
pub const PRE_CSRF_COOKIE: &str = "treem_csrf";
/// The language preference cookie.
pub const LANG_COOKIE: &str = "treem_lang";

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The stored form of a cookie value or token.
pub fn digest(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// A cookie's value from the request headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Whether the request reached us over TLS (directly or through a proxy).
pub fn over_tls(headers: &HeaderMap, config: &WebConfig) -> bool {
    config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure over TLS.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age_days: Option<i64>) -> String {
    let mut c = Cookie::build((name.to_string(), value.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure);
    if let Some(days) = max_age_days {
        c = c.max_age(cookie::time::Duration::days(days));
    }
    c.build().to_string()
}

/// A `Set-Cookie` value that removes a cookie.
pub fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
}

/// Starts a session for an account; returns the cookie value.
pub async fn start(store: &dyn Store, account_id: i64, config: &WebConfig) -> StoreResult<String> {
    let value = random_token();
    let now = Utc::now();
    let session = Session {
        id_hash: digest(&value),
        account_id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + Duration::hours(config.session_hours),
        idle_until: now + Duration::minutes(config.idle_minutes),
    };
    store.create_session(&session).await?;
    Ok(value)
}

/// What a session cookie leads to.
pub enum SessionLookup {
    /// No cookie at all.
    None,
    /// A cookie whose session is unknown or has ended.
    Expired,
    /// A live session and its active account.
    Live(Box<(Session, Account)>),
}

/// Finds the live session behind the request's cookie, extending its idle
/// deadline (written at most once a minute, to spare the database).
pub async fn lookup(
    store: &dyn Store,
    headers: &HeaderMap,
    config: &WebConfig,
) -> StoreResult<SessionLookup> {
    let Some(value) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(SessionLookup::None);
    };
    let id_hash = digest(&value);
    let Some(session) = store.session(&id_hash).await? else {
        return Ok(SessionLookup::Expired);
    };
    let now = Utc::now();
    if session.expires_at <= now || session.idle_until <= now {
        store.delete_session(&id_hash).await?;
        return Ok(SessionLookup::Expired);
    }
    let Some(account) = store
        .account(session.account_id)
        .await?
        .filter(|a| a.active)
    else {
        return Ok(SessionLookup::Expired);
    };
    let idle_until = now + Duration::minutes(config.idle_minutes);
    if idle_until - session.idle_until > Duration::minutes(1) {
        store.touch_session(&id_hash, idle_until).await?;
    }
    Ok(SessionLookup::Live(Box::new((session, account))))
}

/// The account behind an `Authorization: Bearer` token, if the request has one.
/// `Some(None)` means a token was given but is not valid.
pub async fn bearer(
    store: &dyn Store,
    headers: &HeaderMap,
) -> StoreResult<Option<Option<Account>>> {
    let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    let Some(hash) = bearer_hash(value) else {
        return Ok(Some(None));
    };
    let account = store.account_by_token(&hash).await?;
    Ok(Some(account.filter(|a| a.active)))
}

/// The hash a token is stored under, from an `Authorization` header's
/// value (none when it is not a bearer token).
pub fn bearer_hash(value: &str) -> Option<String> {
    value.strip_prefix("Bearer ").map(|t| digest(t.trim()))
}
