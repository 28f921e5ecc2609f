//! Which database a request reads from when the store has a streaming
//! replica (issue 22): a request that may write (any method but GET and
//! HEAD) reads from the primary, and so does every request of the same
//! browser for a few seconds after it — the `treem_wrote` cookie the write
//! leaves says when — so an officer sees her own write at once whichever
//! server answers; everything else reads from the replica. An API client
//! (a bearer token, no cookies) is followed the same way by its token: the
//! primary keeps when each token last wrote, and a token's read within a
//! few seconds of that is pinned too. Without a replica this layer does
//! nothing.

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::auth::session;

/// The cookie that says when this browser last wrote (Unix seconds).
pub const WROTE_COOKIE: &str = "treem_wrote";

/// For how long after a write the browser reads from the primary: well
/// beyond a replica's usual delay (a fraction of a second on one network).
pub const PRIMARY_SECONDS: i64 = 10;

/// The middleware. See the module documentation.
pub async fn follow_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.config.read_replica {
        return next.run(req).await;
    }
    let at = chrono::Utc::now();
    let now = at.timestamp();
    let lately = |then: i64| (0..PRIMARY_SECONDS).contains(&(now - then));
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let token = bearer_hash(&req);
    let mut wrote_lately = session::cookie_value(req.headers(), WROTE_COOKIE)
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(lately);
    if let Some(hash) = token.as_deref().filter(|_| !writes && !wrote_lately) {
        wrote_lately = match state.store.token_wrote_at(hash).await {
            Ok(then) => then.is_some_and(|then| lately(then.timestamp())),
            // Not knowing when it wrote: the primary, never a stale read.
            Err(_) => true,
        };
    }
    if !writes && !wrote_lately {
        return next.run(req).await;
    }
    let tls = session::over_tls(req.headers(), &state.config);
    let mut res = treem_store::replica::on_primary(next.run(req)).await;
    if let Some(hash) = token.as_deref().filter(|_| writes)
        && res.status() != StatusCode::UNAUTHORIZED
        && let Err(e) = state.store.note_token_write(hash, at).await
    {
        tracing::warn!(error = %e, "could not note an API token's write");
    }
    if writes {
        let cookie = format!(
            "{WROTE_COOKIE}={now}; Path=/; Max-Age={PRIMARY_SECONDS}; HttpOnly; SameSite=Strict{}",
            if tls { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

/// The hash of the request's bearer token, as tokens are stored.
fn bearer_hash(req: &Request) -> Option<String> {
    session::bearer_hash(req.headers().get(AUTHORIZATION)?.to_str().ok()?)
}
