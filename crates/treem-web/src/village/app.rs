//! The offline page a phone keeps: one page for every session (the session
//! is chosen after `#`), its script, its manifest and its service worker.
//! None of them holds a child's data — that comes as JSON, for a signed-in
//! account, and stays in the phone's IndexedDB — so they are served to
//! anyone and cached.

use std::sync::LazyLock;

use askama::Template;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::shell::page::Page;
use crate::shell::request::RequestInfo;
use crate::{AppError, AppState};

const APP_JS: &str = include_str!("../../assets/offline/village.js");
const GUARD_JS: &str = include_str!("../../assets/offline/guard.js");
const SW_JS: &str = include_str!("../../assets/offline/sw.js");
const ICON_192: &[u8] = include_bytes!("../../assets/offline/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../assets/offline/icon-512.png");

/// The cache's name changes with any file it holds, so a new treem
/// replaces the phone's copy on the next visit with signal.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut h = Sha256::new();
    for part in [
        APP_JS,
        SW_JS,
        crate::shell::assets::APP_CSS,
        crate::shell::assets::WHO_JS,
    ] {
        h.update(part.as_bytes());
    }
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    hex::encode(&h.finalize()[..6])
});

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/village/app", get(app))
        .route("/village/app.js", get(|| async { script(APP_JS) }))
        .route("/village/guard.js", get(|| async { script(GUARD_JS) }))
        .route("/village/sw.js", get(worker))
        .route("/village/manifest.webmanifest", get(manifest))
        .route("/village/icon-192.png", get(|| async { icon(ICON_192) }))
        .route("/village/icon-512.png", get(|| async { icon(ICON_512) }))
}

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

fn icon(body: &'static [u8]) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "public, max-age=604800"),
        ],
        body,
    )
}

async fn worker() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser checks for a new worker on every visit.
            (CACHE_CONTROL, "no-cache"),
        ],
        SW_JS.replace("__VERSION__", &VERSION),
    )
}

async fn manifest(info: RequestInfo) -> impl IntoResponse {
    let body = serde_json::json!({
        "name": info.lang.t("village.app_name"),
        "short_name": info.lang.t("village.app_short"),
        "start_url": "/village/app",
        "scope": "/village/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b5cad",
        "icons": [
            {"src": "/village/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/village/icon-512.png", "sizes": "512x512", "type": "image/png"}
        ]
    });
    (
        [
            (CONTENT_TYPE, "application/manifest+json"),
            (CACHE_CONTROL, "no-cache"),
        ],
        body.to_string(),
    )
}

#[derive(Template)]
#[template(path = "village/app.html")]
struct AppTemplate {
    page: Page,
}

async fn app(info: RequestInfo) -> Result<impl IntoResponse, AppError> {
    // No user: the page is the same for everyone and cached by the worker.
    let mut page = Page::new(&info, None, info.lang.t("village.app_name"));
    page.csrf = String::new();
    Ok((
        [(CACHE_CONTROL, "no-cache")],
        Html(AppTemplate { page }.render()?),
    ))
}
