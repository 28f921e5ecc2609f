//! The list a phone takes to the village: the session, the children it
//! concerns with what the field needs (name, sex, birth date, mother, last
//! measurement and its status) and nothing else, and the words the page
//! shows. Never case data.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, Utc};
use serde::Serialize;
use treem_domain::i18n::Lang;
use treem_domain::nutrition::Status;
use treem_store::VillageChild;

use super::found::session_in_scope;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/village/{id}/list.json", get(list))
}

/// How long a phone keeps a list before wiping it (entries not yet
/// confirmed are kept regardless).
pub(super) const LIST_DAYS: i64 = 7;

#[derive(Serialize)]
struct SessionInfo {
    id: i64,
    kind: &'static str,
    kind_label: &'static str,
    commune: String,
    village: String,
    /// `YYYY-MM-DD`.
    held_on: String,
}

/// A child as the phone sees her (short keys: a list of 300 stays small).
#[derive(Serialize)]
struct ListChild {
    id: i64,
    code: String,
    name: String,
    sex: String,
    born: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mother: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last: Option<Last>,
}

#[derive(Serialize)]
struct Last {
    on: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<f64>,
    /// Status codes (`;`-separated), empty when none.
    s: String,
}

#[derive(Serialize)]
struct List {
    session: SessionInfo,
    /// The account the list (and the entries made with it) belong to.
    account: String,
    /// When the phone wipes the list, in milliseconds since 1970.
    expires_at: i64,
    children: Vec<ListChild>,
    /// The words the page shows, in the account's language.
    words: Vec<(&'static str, &'static str)>,
}

fn child(c: VillageChild) -> ListChild {
    ListChild {
        id: c.id,
        code: c.child_id,
        name: c.full_name,
        sex: c.sex,
        born: c.date_of_birth.to_string(),
        mother: c.mother_name.filter(|m| !m.trim().is_empty()),
        last: c.measured_on.map(|on| Last {
            on: on.to_string(),
            w: c.weight_kg,
            h: c.height_cm,
            s: c.nutrition.unwrap_or_default(),
        }),
    }
}

/// Status and warning names, keyed as the page looks them up.
fn words(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let mut w: Vec<(&'static str, &'static str)> = Status::ALL
        .iter()
        .map(|s| (s.code(), lang.t(s.label_key())))
        .collect();
    for (key, label) in [
        ("normal", "village.normal"),
        ("implausible", "nutrition.implausible"),
        ("implausible_waz", "measure.implausible_waz"),
        ("implausible_haz", "measure.implausible_haz"),
        ("implausible_whz", "measure.implausible_whz"),
        ("implausible_other", "measure.implausible_other"),
        ("standing_under_9m", "measure.standing_under_9m"),
        ("standing_under_2y", "measure.standing_under_2y"),
        ("lying_from_2y", "measure.lying_from_2y"),
        ("before_birth", "measure.before_birth"),
        ("over_five", "measure.over_five"),
        ("outside_weight", "measure.outside_weight"),
        ("outside_height", "measure.outside_height"),
    ] {
        w.push((key, lang.t(label)));
    }
    w
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let found = session_in_scope(&state, &user, id).await?;
    let (after, until) = found.kind.born_between(found.day());
    let children = state
        .store
        .village_children(&found.scope, &found.session.village, after, until)
        .await?;
    let audit = user
        .event(
            &info,
            "village_list_read",
            "village_session",
            &id.to_string(),
        )
        .with_detail(format!("{} children", children.len()));
    state.store.audit(audit).await?;
    let list = List {
        session: SessionInfo {
            id,
            kind: found.kind.code(),
            kind_label: info.lang.t(found.kind.label_key()),
            commune: found.commune.1.clone(),
            village: found.session.village.clone(),
            held_on: found.day().to_string(),
        },
        account: user.account.username.clone(),
        expires_at: (Utc::now() + Duration::days(LIST_DAYS)).timestamp_millis(),
        children: children.into_iter().map(child).collect(),
        words: words(info.lang),
    };
    Ok(([(CACHE_CONTROL, "no-store")], Json(list)).into_response())
}
