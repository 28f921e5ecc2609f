//! Static files, compiled into the binary: nothing is fetched from elsewhere.

use axum::Router;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::{AppError, AppState};

pub(crate) const APP_CSS: &str = include_str!("../../assets/app.css");
const SEARCH_JS: &str = include_str!("../../assets/search.js");
/// The case page's step form: the parts of the chosen step's form.
const CASE_STEP_JS: &str = include_str!("../../assets/case-step.js");
/// The offline page's WHO computation (issue 16).
pub(crate) const WHO_JS: &str = include_str!("../../assets/offline/who.js");
/// The WHO tables it computes with, made once from treem-growth's own.
static WHO_TABLES: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(treem_growth::tables_json);
/// The tab icon: treem's blue with a white "t" (16×16).
const FAVICON: &[u8] = include_bytes!("../../assets/favicon.ico");

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(file))
        .route("/favicon.ico", get(favicon))
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "image/x-icon"),
            (CACHE_CONTROL, "public, max-age=604800"),
        ],
        FAVICON,
    )
}

async fn file(Path(name): Path<String>) -> Result<impl IntoResponse, AppError> {
    match name.as_str() {
        "app.css" => Ok((
            [
                (CONTENT_TYPE, "text/css; charset=utf-8"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            APP_CSS,
        )),
        "search.js" => Ok((
            [
                (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            SEARCH_JS,
        )),
        "case-step.js" => Ok((
            [
                (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            CASE_STEP_JS,
        )),
        "who.js" => Ok((
            [
                (CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            WHO_JS,
        )),
        // The tables change only with a new WHO standard: cached a week.
        "who-tables.json" => Ok((
            [
                (CONTENT_TYPE, "application/json"),
                (CACHE_CONTROL, "public, max-age=604800"),
            ],
            WHO_TABLES.as_str(),
        )),
        _ => Err(AppError::NotFound),
    }
}
