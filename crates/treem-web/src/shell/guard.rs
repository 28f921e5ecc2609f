//! The one access guard in front of every route: finds the route's action in
//! [`crate::policy`], authenticates (session cookie or bearer token), checks
//! the role, checks the anti-forgery token of every state-changing request,
//! and renders error pages in the user's language.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use treem_domain::access::{Action, permits};
use treem_domain::i18n::Lang;

use crate::auth::session::{self, LANG_COOKIE, PRE_CSRF_COOKIE, SessionLookup};
use crate::shell::error::ErrorPage;
use crate::shell::json::ApiError;
use crate::shell::page::{self, ErrorTemplate};
use crate::shell::request::{CSRF_FIELD, CurrentUser, RequestInfo};
use crate::{AppError, AppState, policy};

/// The largest request body accepted (unit files, data sets), from a
/// signed-in user.
pub const MAX_BODY: usize = 32 * 1024 * 1024;

/// The largest request body read before sign-in (the login form is a few
/// hundred bytes): an anonymous request cannot make the server buffer more.
pub const PUBLIC_MAX_BODY: usize = 16 * 1024;

/// How many requests are served at once; the others wait their turn
/// without their bodies being read.
pub const MAX_CONCURRENT_REQUESTS: usize = 256;

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The middleware. See the module documentation.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let lang = session::cookie_value(req.headers(), LANG_COOKIE)
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    let ip = client_ip(&req, &state.config.trusted_proxies);
    let tls = session::over_tls(req.headers(), &state.config);
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let here = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut info = RequestInfo {
        lang,
        ip,
        tls,
        csrf: String::new(),
        here,
    };
    let outcome = match pattern {
        // No route matched: the fallback answers 404.
        None => Ok((None, None)),
        Some(pattern) => authorize(&state, &mut req, &pattern, &mut info).await,
    };
    let (user, new_pre_csrf, response) = match outcome {
        Err(rejection) => (
            rejection.extensions().get::<CurrentUser>().cloned(),
            None,
            rejection,
        ),
        Ok((user, fresh_csrf)) => {
            if let Some(user) = user.clone() {
                req.extensions_mut().insert(user);
            }
            req.extensions_mut().insert(info.clone());
            let limit = if user.is_some() {
                MAX_BODY
            } else {
                PUBLIC_MAX_BODY
            };
            let response = match check_csrf(req, &info, limit).await {
                Ok(req) => next.run(req).await,
                Err(e) => e.into_response(),
            };
            (user, fresh_csrf, response)
        }
    };
    let mut response = render_error(response, &info, user.as_ref(), &path);
    if let Some(token) = new_pre_csrf
        && let Ok(v) =
            HeaderValue::from_str(&session::set_cookie(PRE_CSRF_COOKIE, &token, tls, None))
    {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// The client's address: the socket's, or — when the socket is a trusted
/// proxy — the last `X-Forwarded-For` entry that is not itself a trusted
/// proxy. A header from anyone else is ignored (it is the sender's to
/// write).
fn client_ip(req: &Request, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return String::new();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    // From the right: the entries trusted proxies appended, then the one
    // the first of them saw (what the client wrote further left is hers
    // to invent, and never read).
    let entries: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|a| a.trim().to_string())
        .collect();
    for entry in entries.iter().rev() {
        match entry.parse::<std::net::IpAddr>() {
            Ok(a) if trusted.contains(&a) => continue,
            Ok(a) => return a.to_string(),
            Err(_) => break,
        }
    }
    peer.to_string()
}

type Authorized = (Option<CurrentUser>, Option<String>);

/// Decides whether the request may reach its handler.
async fn authorize(
    state: &AppState,
    req: &mut Request,
    pattern: &str,
    info: &mut RequestInfo,
) -> Result<Authorized, Response> {
    let path = req.uri().path().to_string();
    let Some(action) = policy::action_for(req.method().as_str(), pattern) else {
        tracing::error!(pattern, "route missing from the access table");
        return Err(AppError::Forbidden.into_response());
    };
    let store = state.store.as_ref();
    let internal = |e: treem_store::StoreError| AppError::from(e).into_response();

    // API clients authenticate with a bearer token and need no CSRF token;
    // a token opens the API only (a page answers as if none were sent).
    let bearer = if is_api(&path) {
        session::bearer(store, req.headers())
            .await
            .map_err(internal)?
    } else {
        None
    };
    if let Some(token_account) = bearer {
        let Some(account) = token_account else {
            return Err(AppError::Unauthorized.into_response());
        };
        if !permits(account.role, action) {
            return Err(AppError::Forbidden.into_response());
        }
        info.csrf = String::new();
        mark_csrf_exempt(req);
        return Ok((Some(CurrentUser { account }), None));
    }

    let lookup = session::lookup(store, req.headers(), &state.config)
        .await
        .map_err(internal)?;
    let live = match lookup {
        SessionLookup::Live(b) => Some(*b),
        _ if action == Action::Public => None,
        SessionLookup::Expired if !is_api(&path) => {
            return Err(Redirect::to(&format!(
                "/login?expired=1&next={}",
                page::encode(&info.here)
            ))
            .into_response());
        }
        _ if is_api(&path) => return Err(AppError::Unauthorized.into_response()),
        _ => {
            return Err(
                Redirect::to(&format!("/login?next={}", page::encode(&info.here))).into_response(),
            );
        }
    };
    match live {
        Some((session, account)) => {
            if !permits(account.role, action) {
                // The 403 page keeps her menu and sign-out.
                info.csrf = session.csrf_token.clone();
                let mut refused = AppError::Forbidden.into_response();
                refused.extensions_mut().insert(CurrentUser { account });
                return Err(refused);
            }
            if account.must_change_password && !policy::allowed_before_password_change(pattern) {
                return Err(Redirect::to("/account/password").into_response());
            }
            info.csrf = session.csrf_token.clone();
            Ok((Some(CurrentUser { account }), None))
        }
        None => {
            // Public pages before login: a double-submit cookie guards the
            // login form.
            match session::cookie_value(req.headers(), PRE_CSRF_COOKIE) {
                Some(token) if token.len() == 64 => {
                    info.csrf = token;
                    Ok((None, None))
                }
                _ => {
                    let token = session::random_token();
                    info.csrf = token.clone();
                    Ok((None, Some(token)))
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
struct CsrfExempt;

fn mark_csrf_exempt(req: &mut Request) {
    req.extensions_mut().insert(CsrfExempt);
}

/// Checks the anti-forgery token of a state-changing request, reading it from
/// the form body (URL-encoded or multipart) and putting the body back.
async fn check_csrf(req: Request, info: &RequestInfo, limit: usize) -> Result<Request, AppError> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.extensions().get::<CsrfExempt>().is_some()
    {
        return Ok(req);
    }
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(AppError::TooLarge);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let sent = if content_type.starts_with("application/x-www-form-urlencoded") {
        serde_urlencoded::from_bytes::<HashMap<String, String>>(&bytes)
            .ok()
            .and_then(|mut m| m.remove(CSRF_FIELD))
    } else if content_type.starts_with("multipart/form-data") {
        multipart_field(&content_type, bytes.clone(), CSRF_FIELD).await
    } else {
        parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let ok = !info.csrf.is_empty()
        && sent.is_some_and(|s| constant_time_eq(s.as_bytes(), info.csrf.as_bytes()));
    if !ok {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

async fn multipart_field(content_type: &str, bytes: Bytes, name: &str) -> Option<String> {
    let boundary = multer::parse_boundary(content_type).ok()?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
    let mut mp = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The message for an error that axum's own extractors produced (a path
/// that does not parse, a form with a missing field): their bodies are
/// English plain text naming internals, so they get our page instead.
/// Our handlers answer errors as pages or JSON, which are left alone.
fn rejection_key(res: &Response) -> Option<ErrorPage> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    let content_type = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("text/html") || content_type.starts_with("application/json") {
        return None;
    }
    Some(ErrorPage(match status {
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => "error.not_found",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::UNAUTHORIZED => "error.unauthorized",
        StatusCode::FORBIDDEN => "error.forbidden",
        s if s.is_server_error() => "error.internal",
        _ => "error.bad_request",
    }))
}

/// Replaces the body of an error response with a page in the user's
/// language (or JSON for the API).
fn render_error(
    mut res: Response,
    info: &RequestInfo,
    user: Option<&CurrentUser>,
    path: &str,
) -> Response {
    let Some(ErrorPage(key)) = res
        .extensions()
        .get::<ErrorPage>()
        .copied()
        .or_else(|| rejection_key(&res))
    else {
        return res;
    };
    let status = res.status();
    res.extensions_mut().remove::<ErrorPage>();
    if is_api(path) {
        return ApiError::new(key.trim_start_matches("error."), info.lang.t(key)).answer(status);
    }
    let page = page::Page::new(info, user, info.lang.t("error.title"));
    let tpl = ErrorTemplate {
        page,
        message: info.lang.t(key),
        status: status.as_u16(),
    };
    match askama::Template::render(&tpl) {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response(),
    }
}
