//! Which database a request reads from when the store has a streaming
//! replica (issue 22): a request that may write (any method but GET and
//! HEAD) reads from the primary, and so does every request of the same
//! browser for a few seconds after it — the `treem_wrote` cookie the write
//! leaves says when — so an officer sees her own write at once whichever
//! server answers; everything else reads from the replica. Without a
//! replica this layer does nothing.

use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, Method};
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
    let now = chrono::Utc::now().timestamp();
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    let wrote_lately = session::cookie_value(req.headers(), WROTE_COOKIE)
        .and_then(|v| v.parse::<i64>().ok())
        .is_some_and(|at| (0..PRIMARY_SECONDS).contains(&(now - at)));
    if !writes && !wrote_lately {
        return next.run(req).await;
    }
    let tls = session::over_tls(req.headers(), &state.config);
    let mut res = treem_store::replica::on_primary(next.run(req)).await;
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
