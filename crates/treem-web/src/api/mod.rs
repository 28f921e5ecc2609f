//! The JSON API under `/api/v1`, gathered here from each feature's `api.rs`
//! (registry, cases) and its own routes (who am I, the units), with the
//! OpenAPI document derived from those handlers and their types and served
//! at `/api/v1/openapi.json`.

mod me;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The document's fixed part; the paths and schemas come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "treem API",
        version = "1",
        description = "JSON API of treem. Authenticate with `Authorization: Bearer <token>` (`treem token create NAME`) or a browser session (then send the page's CSRF token as `X-CSRF-Token` on writes). Every answer is limited to the account's role and unit scope, exactly as the pages are; a child outside the scope answers 404."
    ),
    security(("bearer" = [])),
    modifiers(&Bearer)
)]
struct ApiDoc;

/// Adds the bearer-token scheme the document's security names.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every API route with its description.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(me::routes())
        .merge(crate::registry::api())
        .merge(crate::cases::api())
        .merge(crate::plans::api())
}

/// The routes of the API and its document, with the answers the guard may
/// give on any route added to every operation that does not describe them.
fn router_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = api().split_for_parts();
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.post,
            &mut item.patch,
            &mut item.put,
            &mut item.delete,
        ];
        for op in operations.into_iter().flatten() {
            let writes = op.request_body.is_some();
            for (status, description) in GUARD_ANSWERS {
                if *status == "413" && !writes {
                    continue;
                }
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| error_answer(description));
            }
        }
    }
    (router, doc)
}

/// What the guard answers before any handler runs.
const GUARD_ANSWERS: &[(&str, &str)] = &[
    (
        "400",
        "The request could not be read (a malformed id, query or body)",
    ),
    ("401", "Not signed in: no valid bearer token or session"),
    (
        "403",
        "The account's role may not do this, or a session's write came without its CSRF token",
    ),
    ("413", "The body is larger than the server accepts"),
    ("503", "The database is unavailable: nothing was stored"),
];

fn error_answer(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("Error"))),
            )
            .build(),
    )
}

/// The OpenAPI document of the JSON API, as served.
pub fn openapi() -> utoipa::openapi::OpenApi {
    router_and_document().1
}

/// The API's routes and its document.
pub(crate) fn routes() -> Router<AppState> {
    let (router, doc) = router_and_document();
    let json = doc.to_pretty_json().unwrap_or_default();
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let json = json.clone();
            async move { ([(CONTENT_TYPE, "application/json")], json) }
        }),
    )
}
