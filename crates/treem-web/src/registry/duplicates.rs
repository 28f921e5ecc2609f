//! Reviewing likely duplicates, merging them, and undoing a merge. Every
//! merge keeps the merged record, its history and measurements, and is in
//! the audit log.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::audit::AuditEvent;
use treem_domain::clock::vn_today;
use treem_domain::duplicates::{Identity, Likeness, likeness};
use treem_domain::i18n::fmt_date;
use treem_store::{ChildDetail, StoreError};

use crate::registry::child_page::child_in_scope;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(review))
        .route("/duplicates/merge", post(merge))
        .route("/merges/{id}/undo", post(undo))
}

/// Likely duplicates of a record being created, split into those the user
/// may see (id, name, why) and a count of those outside her scope.
pub async fn likely_duplicates_of(
    state: &AppState,
    user: &CurrentUser,
    c: &treem_domain::child::Child,
) -> Result<(Vec<(i64, String, Likeness)>, usize), AppError> {
    let candidates = state
        .store
        .duplicate_candidates(c.national_id.as_deref(), c.date_of_birth)
        .await?;
    let me = Identity::from(c);
    let scope = state.units().scope_of(&user.account, vn_today());
    let mut visible = Vec::new();
    let mut hidden = 0;
    for other in &candidates {
        if let Some(why) = likeness(&me, &other.identity()) {
            if scope.contains(other.unit_id) {
                visible.push((other.id, other.full_name.clone(), why));
            } else {
                hidden += 1;
            }
        }
    }
    Ok((visible, hidden))
}

struct Side {
    id: i64,
    name: String,
    born: String,
    mother: String,
    village: String,
    national_id: String,
    unit: String,
}

struct Pair {
    a: i64,
    b: i64,
    sides: [Side; 2],
    why: &'static str,
}

#[derive(Template)]
#[template(path = "registry/duplicates.html")]
struct ReviewTemplate {
    page: Page,
    pairs: Vec<Pair>,
}

async fn review(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let units = state.units();
    let scope = units.scope_of(&user.account, vn_today());
    let ids = state.store.duplicate_pairs(&scope, 2000).await?;
    let mut wanted: Vec<i64> = ids.iter().flat_map(|(a, b)| [*a, *b]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let records = state.store.children_by_id(&wanted).await?;
    let find = |id: i64| records.iter().find(|c| c.id == id);
    let side = |c: &ChildDetail| Side {
        id: c.id,
        name: c.full_name.clone(),
        born: fmt_date(c.date_of_birth),
        mother: c.mother_name.clone().unwrap_or_default(),
        village: c.village.clone().unwrap_or_default(),
        national_id: c.national_id.clone().unwrap_or_default(),
        unit: units
            .by_id(c.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
    };
    let pairs = ids
        .iter()
        .filter_map(|(a, b)| {
            let (a, b) = (find(*a)?, find(*b)?);
            let why = likeness(&a.identity(), &b.identity())?;
            Some(Pair {
                a: a.id,
                b: b.id,
                sides: [side(a), side(b)],
                why: info.lang.t(why.label_key()),
            })
        })
        .collect();
    let tpl = ReviewTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("duplicates.title")),
        pairs,
    };
    Ok(Html(tpl.render()?))
}

#[derive(Deserialize)]
struct MergeForm {
    a: i64,
    b: i64,
    keep: i64,
}

fn event(user: &CurrentUser, info: &RequestInfo, action: &str) -> AuditEvent {
    user.event(info, action, "merge", "")
}

async fn merge(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<MergeForm>,
) -> Result<Response, AppError> {
    if f.keep != f.a && f.keep != f.b {
        return Err(AppError::BadRequest);
    }
    let drop = if f.keep == f.a { f.b } else { f.a };
    // Both records must be hers to merge.
    child_in_scope(&state, &user, f.keep).await?;
    child_in_scope(&state, &user, drop).await?;
    match state
        .store
        .merge_children(f.keep, drop, event(&user, &info, "children_merged"))
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{}?saved=merged", f.keep)).into_response()),
        Err(StoreError::Conflict(_)) => Err(AppError::BadRequest),
        Err(e) => Err(e.into()),
    }
}

async fn undo(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    // The merge must concern a record in her scope; find it through the
    // records it names.
    let survivor = state.store.merge(id).await?.ok_or(AppError::NotFound)?;
    child_in_scope(&state, &user, survivor.survivor_id).await?;
    child_in_scope(&state, &user, survivor.merged_id).await?;
    match state
        .store
        .unmerge(id, event(&user, &info, "children_unmerged"))
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/children/{}?saved=unmerged", survivor.merged_id))
                .into_response(),
        ),
        Err(StoreError::Conflict(_)) => Err(AppError::BadRequest),
        Err(e) => Err(e.into()),
    }
}
