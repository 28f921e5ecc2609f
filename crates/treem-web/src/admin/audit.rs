//! The audit log for administrators: filter, page back, verify the chain.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use treem_domain::audit::{ACTIONS, ChainBreak, ChainVerifier, action_name};
use treem_domain::clock::vn_offset;
use treem_domain::i18n::trf;
use treem_store::{AuditQuery, Store, StoreResult};

use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 100;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(list))
        .route("/admin/audit/verify", get(verify_page))
}

/// Verifies the whole chain in batches; `Ok(n)` or the first break.
pub async fn verify_chain(store: &dyn Store) -> StoreResult<Result<i64, ChainBreak>> {
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let batch = store.audit_chain(after, 1000).await?;
        let Some(last) = batch.last() else {
            return Ok(Ok(v.checked()));
        };
        after = last.seq;
        for e in &batch {
            if let Err(b) = v.check(e) {
                return Ok(Err(b));
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct Filter {
    action: Option<String>,
    actor: Option<String>,
    record_type: Option<String>,
    /// Days (`yyyy-mm-dd`, Vietnam's time), both included.
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
}

struct Row {
    seq: i64,
    at: String,
    actor: String,
    /// The action's name, and its code (shown on hover).
    action: &'static str,
    code: String,
    record: String,
    ip: String,
    detail: String,
}

/// An action offered by the filter: code, name, chosen.
struct Choice {
    code: &'static str,
    name: &'static str,
    chosen: bool,
}

/// A day typed in the filter, or `None` when empty or not a date.
fn day(s: &Option<String>) -> Option<NaiveDate> {
    non_empty(s).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

/// The start of a day in Vietnam, as a UTC time.
fn day_start(d: NaiveDate) -> Option<DateTime<Utc>> {
    d.and_hms_opt(0, 0, 0)?
        .and_local_timezone(vn_offset())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditTemplate {
    page: Page,
    actions: Vec<Choice>,
    actor: String,
    record_type: String,
    from: String,
    to: String,
    rows: Vec<Row>,
    older: Option<String>,
    /// On a page further back: the first page with the same filter.
    newest: Option<String>,
    verdict: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    f: Filter,
    verdict: Option<String>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let (from, to) = (day(&f.from), day(&f.to));
    let query = AuditQuery {
        action: non_empty(&f.action),
        actor: non_empty(&f.actor),
        record_type: non_empty(&f.record_type),
        before_seq: f.before,
        from: from.and_then(day_start),
        until: to.and_then(|d| d.succ_opt()).and_then(day_start),
        limit: PAGE_SIZE,
    };
    let entries = state.store.audit_entries(&query).await?;
    let (from, to) = (
        from.map(|d| d.to_string()).unwrap_or_default(),
        to.map(|d| d.to_string()).unwrap_or_default(),
    );
    let newest = format!(
        "/admin/audit?action={}&actor={}&record_type={}&from={from}&to={to}",
        encode(query.action.as_deref().unwrap_or_default()),
        encode(query.actor.as_deref().unwrap_or_default()),
        encode(query.record_type.as_deref().unwrap_or_default()),
    );
    let older = (entries.len() as i64 == PAGE_SIZE).then(|| {
        let last = entries.last().map(|e| e.seq).unwrap_or_default();
        format!("{newest}&before={last}")
    });
    let rows = entries
        .into_iter()
        .map(|e| Row {
            seq: e.seq,
            at: e
                .at
                .with_timezone(&vn_offset())
                .format("%d/%m/%Y %H:%M:%S")
                .to_string(),
            actor: e.event.actor,
            action: action_name(&e.event.action, lang),
            code: e.event.action,
            record: format!("{} {}", e.event.record_type, e.event.record_id),
            ip: e.event.ip.unwrap_or_default(),
            detail: e.event.detail,
        })
        .collect();
    let chosen = query.action.unwrap_or_default();
    let actions = ACTIONS
        .iter()
        .map(|code| Choice {
            code,
            name: action_name(code, lang),
            chosen: *code == chosen,
        })
        .collect();
    let tpl = AuditTemplate {
        page: Page::new(info, Some(user), lang.t("audit.title")),
        actions,
        actor: query.actor.unwrap_or_default(),
        record_type: query.record_type.unwrap_or_default(),
        from,
        to,
        rows,
        older,
        newest: f.before.is_some().then_some(newest),
        verdict,
    };
    Ok(Html(tpl.render()?))
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(f): Query<Filter>,
) -> Result<Html<String>, AppError> {
    render(&state, &info, &user, f, None).await
}

async fn verify_page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let verdict = match verify_chain(state.store.as_ref()).await? {
        Ok(n) => trf(info.lang, "audit.chain_ok", &[("n", &n.to_string())]),
        Err(what) => trf(
            info.lang,
            "audit.chain_broken",
            &[("what", &what.said(info.lang))],
        ),
    };
    render(&state, &info, &user, Filter::default(), Some(verdict)).await
}
