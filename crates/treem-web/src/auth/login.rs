//! Login, logout, language switch and password change.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};
use serde::Deserialize;
use treem_domain::audit::AuditEvent;
use treem_domain::i18n::{Lang, trf};

use super::{password, session};
use crate::shell::page::{Page, safe_next};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
        .route(
            "/account/password",
            get(password_page).post(change_password),
        )
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginTemplate {
    page: Page,
    next: String,
    username: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    out: Option<String>,
}

async fn login_page(
    info: RequestInfo,
    Query(q): Query<LoginQuery>,
) -> Result<Html<String>, AppError> {
    let notice = if q.expired.is_some() {
        Some(info.lang.t("login.expired").to_string())
    } else if q.out.is_some() {
        Some(info.lang.t("login.logged_out").to_string())
    } else {
        None
    };
    let page = Page::new(&info, None, info.lang.t("login.title"));
    let tpl = LoginTemplate {
        page,
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        notice,
        error: None,
    };
    Ok(Html(tpl.render()?))
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

fn event(
    info: &RequestInfo,
    actor: &str,
    actor_id: Option<i64>,
    action: &str,
    username: &str,
) -> AuditEvent {
    let mut e = AuditEvent::system(actor, action, "account", username);
    e.actor_id = actor_id;
    e.ip = Some(info.ip.clone());
    e
}

async fn login(
    State(state): State<AppState>,
    info: RequestInfo,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let username: String = f.username.trim().to_lowercase().chars().take(64).collect();
    let lang = info.lang;
    let render_error = |message: String, status: StatusCode| -> Result<Response, AppError> {
        let tpl = LoginTemplate {
            page: Page::new(&info, None, lang.t("login.title")),
            next: safe_next(f.next.as_deref()),
            username: username.clone(),
            notice: None,
            error: Some(message),
        };
        Ok((status, Html(tpl.render()?)).into_response())
    };
    let cfg = &state.config;
    if let Some(wait) = throttle(&state, &username, &info.ip).await? {
        state
            .store
            .audit(event(
                &info,
                "anonymous",
                None,
                "login_throttled",
                &username,
            ))
            .await?;
        let msg = match wait {
            Wait::Window => {
                let minutes = cfg.throttle_minutes.to_string();
                trf(lang, "login.throttled", &[("minutes", &minutes)])
            }
            Wait::Slowed => {
                let seconds = cfg.slow_user_seconds.to_string();
                trf(lang, "login.slowed", &[("seconds", &seconds)])
            }
        };
        return render_error(msg, StatusCode::TOO_MANY_REQUESTS);
    }
    let account = state
        .store
        .account_by_username(&username)
        .await?
        .filter(|a| a.active);
    let ok = password::verify(
        f.password.clone(),
        account.as_ref().map(|a| a.password_hash.clone()),
    )
    .await;
    let Some(account) = account.filter(|_| ok) else {
        state
            .store
            .audit(event(&info, "anonymous", None, "login_failed", &username))
            .await?;
        return render_error(lang.t("login.failed").to_string(), StatusCode::UNAUTHORIZED);
    };
    let now = Utc::now();
    let keys = Keys::new(&username, &info.ip);
    state
        .store
        .forget_login_attempts(
            &[keys.pair, keys.user],
            &[keys.address],
            now - Duration::minutes(cfg.throttle_minutes),
        )
        .await?;
    let value = session::start(state.store.as_ref(), account.id, cfg).await?;
    state
        .store
        .audit(event(
            &info,
            &account.username,
            Some(account.id),
            "login",
            &username,
        ))
        .await?;
    let target = if account.must_change_password {
        "/account/password".to_string()
    } else {
        safe_next(f.next.as_deref())
    };
    let cookie = session::set_cookie(session::SESSION_COOKIE, &value, info.tls, None);
    redirect_with_cookie(&target, &cookie)
}

/// Why an attempt is refused before its password is looked at.
enum Wait {
    /// This username from this address, or this address, tried too often:
    /// until the window ends.
    Window,
    /// The username is being tried from many addresses: a few seconds.
    Slowed,
}

/// The counters an attempt is counted under.
struct Keys {
    pair: String,
    address: String,
    user: String,
}

impl Keys {
    fn new(username: &str, ip: &str) -> Self {
        Keys {
            pair: format!("p:{username}|{ip}"),
            address: format!("a:{ip}"),
            user: format!("u:{username}"),
        }
    }
}

/// Counts the attempt (before the password is checked, atomically in the
/// database, so concurrent guesses on any server see each other) and says
/// whether it must wait. The owner of an account under attack from
/// elsewhere is never locked out: her own address is counted apart.
async fn throttle(state: &AppState, username: &str, ip: &str) -> Result<Option<Wait>, AppError> {
    let cfg = &state.config;
    let store = state.store.as_ref();
    let now = Utc::now();
    let from = now - Duration::minutes(cfg.throttle_minutes);
    let keys = Keys::new(username, ip);
    // The address first: past its limit, nothing more is counted or kept.
    if store.count_login_attempt(&keys.address, from, now).await? > cfg.max_failures_per_ip {
        return Ok(Some(Wait::Window));
    }
    if store.count_login_attempt(&keys.pair, from, now).await? > cfg.max_failures_per_user {
        return Ok(Some(Wait::Window));
    }
    if store.count_login_attempt(&keys.user, from, now).await? > cfg.slow_user_after {
        let free_before = now - Duration::seconds(cfg.slow_user_seconds);
        if !store.take_login_slot(&keys.user, free_before, now).await? {
            return Ok(Some(Wait::Slowed));
        }
    }
    Ok(None)
}

fn redirect_with_cookie(target: &str, cookie: &str) -> Result<Response, AppError> {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let location = HeaderValue::from_str(target).map_err(|_| AppError::BadRequest)?;
    let cookie = HeaderValue::from_str(cookie).map_err(|_| AppError::BadRequest)?;
    res.headers_mut().insert(LOCATION, location);
    res.headers_mut().append(SET_COOKIE, cookie);
    Ok(res)
}

async fn logout(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(value) = session::cookie_value(&headers, session::SESSION_COOKIE) {
        state.store.delete_session(&session::digest(&value)).await?;
    }
    let a = &user.account;
    state
        .store
        .audit(event(&info, &a.username, Some(a.id), "logout", &a.username))
        .await?;
    redirect_with_cookie(
        "/login?out=1",
        &session::clear_cookie(session::SESSION_COOKIE),
    )
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn switch_lang(
    info: RequestInfo,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let cookie = session::set_cookie(session::LANG_COOKIE, lang.code(), info.tls, Some(365));
    redirect_with_cookie(&safe_next(q.next.as_deref()), &cookie)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordTemplate {
    page: Page,
    must_change: bool,
    error: Option<&'static str>,
}

async fn password_page(info: RequestInfo, user: CurrentUser) -> Result<Html<String>, AppError> {
    let tpl = PasswordTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("password.title")),
        must_change: user.account.must_change_password,
        error: None,
    };
    Ok(Html(tpl.render()?))
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let a = &user.account;
    let problem = if !password::verify(f.current.clone(), Some(a.password_hash.clone())).await {
        Some("password.wrong_current")
    } else if let Err(why) = password::acceptable(&f.new, &[&a.username, &a.display_name]) {
        Some(why)
    } else if f.new != f.repeat {
        Some("password.mismatch")
    } else if f.new == f.current {
        Some("password.same")
    } else {
        None
    };
    if let Some(key) = problem {
        let tpl = PasswordTemplate {
            page: Page::new(&info, Some(&user), info.lang.t("password.title")),
            must_change: a.must_change_password,
            error: Some(info.lang.t(key)),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(tpl.render()?)).into_response());
    }
    let hash = password::hash(f.new).await?;
    let audit = event(
        &info,
        &a.username,
        Some(a.id),
        "password_changed",
        &a.username,
    );
    // Changing the password ends every session, this one included; a new
    // one is started so the user carries on.
    state.store.set_password(a.id, &hash, false, audit).await?;
    let value = session::start(state.store.as_ref(), a.id, &state.config).await?;
    let cookie = session::set_cookie(session::SESSION_COOKIE, &value, info.tls, None);
    redirect_with_cookie("/?password=changed", &cookie)
}
