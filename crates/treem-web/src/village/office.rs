//! A session's page in treem: what it is, how to take it to the village
//! (phone, paper, workbook), what came back, and the conflicts to resolve.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::village::Entry;
use treem_store::VillageEntry;

use super::entry::reason_key;
use super::found::session_in_scope;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/village/{id}", get(page))
}

#[derive(Deserialize, Default)]
struct Notice {
    made: Option<String>,
    resolved: Option<String>,
    already: Option<String>,
    clash: Option<String>,
}

/// An entry as the page lists it.
struct Line {
    entry_id: String,
    child: String,
    child_link: Option<i64>,
    what: String,
    state: &'static str,
    reason: &'static str,
    /// For a conflict, the choices that fit it: (choice, label).
    choices: Vec<(&'static str, &'static str)>,
    /// For a different measurement, what treem holds that day.
    stored: String,
}

#[derive(Template)]
#[template(path = "village/office.html")]
struct OfficeTemplate {
    page: Page,
    id: i64,
    kind: &'static str,
    commune: String,
    village: String,
    date: String,
    listed: usize,
    notice: Option<&'static str>,
    plain_http: bool,
    conflicts: Vec<Line>,
    received: Vec<Line>,
}

fn number(v: f64, lang: Lang) -> String {
    treem_domain::i18n::fmt_decimal(v, 1, lang)
}

/// What an entry says, in words.
fn what(body: &str, lang: Lang, weighing: bool) -> String {
    let Ok(e) = serde_json::from_str::<Entry>(body) else {
        return lang.t("village.unreadable").to_string();
    };
    let mut parts = Vec::new();
    if let Some(n) = &e.new_child {
        parts.push(format!(
            "{} {} ({}, {})",
            lang.t("village.new_child"),
            n.full_name,
            n.sex,
            n.date_of_birth
        ));
    }
    if weighing {
        if let Some(w) = e.weight_kg {
            parts.push(format!("{} kg", number(w, lang)));
        }
        if let Some(h) = e.height_cm {
            parts.push(format!("{} cm", number(h, lang)));
        }
        if e.oedema {
            parts.push(lang.t("measure.oedema").to_string());
        }
    } else if e.present {
        parts.push(lang.t("village.present").to_string());
    }
    parts.join(" · ")
}

fn choices(reason: &str, lang: Lang) -> Vec<(&'static str, &'static str)> {
    let fit: &[&'static str] = match reason {
        "measured_differs" => &["replace", "dismiss"],
        "merged" | "moved" | "dead" => &["store", "dismiss"],
        "looks_like" => &["same", "new", "dismiss"],
        _ => &["dismiss"],
    };
    fit.iter()
        .map(|c| (*c, lang.t(&format!("village.choice_{c}"))))
        .collect()
}

/// Whether the page was asked for on this machine (`localhost`,
/// `127.0.0.1`, `[::1]`), where browsers keep offline pages without HTTPS.
fn local(headers: &HeaderMap) -> bool {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<Notice>,
    headers: HeaderMap,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let found = session_in_scope(&state, &user, id).await?;
    let weighing = found.kind == treem_domain::village::SessionKind::Weighing;
    let (after, until) = found.kind.born_between(found.day());
    let listed = state
        .store
        .village_children(&found.scope, &found.session.village, after, until)
        .await?
        .len();
    let entries = state.store.village_entries(id).await?;
    let ids: Vec<i64> = entries.iter().filter_map(|e| e.child_id).collect();
    let names: HashMap<i64, String> = state
        .store
        .children_by_id(&ids)
        .await?
        .into_iter()
        .map(|c| (c.id, c.full_name))
        .collect();
    let mut conflicts = Vec::new();
    let mut received = Vec::new();
    for e in entries {
        let line = line(&state, &e, &names, lang, weighing, found.day()).await?;
        if e.state == "conflict" {
            conflicts.push(line);
        } else {
            received.push(line);
        }
    }
    let notice = if q.made.is_some() {
        Some("village.made")
    } else if q.resolved.is_some() {
        Some("village.resolved")
    } else if q.already.is_some() {
        Some("village.already")
    } else if q.clash.is_some() {
        Some("village.clash")
    } else {
        None
    };
    let title = format!(
        "{} — {}",
        lang.t(found.kind.label_key()),
        found.session.village
    );
    let tpl = OfficeTemplate {
        page: Page::new(&info, Some(&user), &title),
        id,
        kind: lang.t(found.kind.label_key()),
        commune: found.commune.1.clone(),
        village: found.session.village.clone(),
        date: fmt_date(found.day()),
        listed,
        notice,
        plain_http: !info.tls && !local(&headers),
        conflicts,
        received,
    };
    Ok(Html(tpl.render()?))
}

async fn line(
    state: &AppState,
    e: &VillageEntry,
    names: &HashMap<i64, String>,
    lang: Lang,
    weighing: bool,
    day: chrono::NaiveDate,
) -> Result<Line, AppError> {
    let reason = e.reason.as_deref().unwrap_or("");
    let conflict = e.state == "conflict";
    let stored = match (conflict, reason, e.child_id) {
        (true, "measured_differs", Some(child)) => state
            .store
            .measurements(child)
            .await?
            .into_iter()
            .find(|m| m.measured.measured_on == day)
            .map(|m| {
                let w = m
                    .measured
                    .weight_kg
                    .map(|v| format!("{} kg", number(v, lang)));
                let h = m
                    .measured
                    .height_cm
                    .map(|v| format!("{} cm", number(v, lang)));
                [w, h].into_iter().flatten().collect::<Vec<_>>().join(" · ")
            })
            .unwrap_or_default(),
        _ => String::new(),
    };
    Ok(Line {
        entry_id: e.entry_id.clone(),
        child: e
            .child_id
            .and_then(|c| names.get(&c).cloned())
            .unwrap_or_default(),
        child_link: e.child_id,
        what: what(&e.body, lang, weighing),
        state: lang.t(&format!("village.state_{}", e.state)),
        reason: if e.reason.is_some() {
            lang.t(reason_key(reason))
        } else {
            ""
        },
        choices: if conflict {
            choices(reason, lang)
        } else {
            Vec::new()
        },
        stored,
    })
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header::HOST};

    fn asked_at(host: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_str(host).unwrap());
        super::local(&h)
    }

    /// Only this machine is a secure context without HTTPS.
    #[test]
    fn the_https_notice_is_for_other_machines() {
        for here in ["localhost", "localhost:8080", "127.0.0.1:3000", "[::1]:80"] {
            assert!(asked_at(here), "{here}");
        }
        for there in [
            "treem.laichau.gov.vn",
            "192.168.1.5:8080",
            "127.0.0.2",
            "localhost.evil.vn",
        ] {
            assert!(!asked_at(there), "{there}");
        }
        assert!(!super::local(&HeaderMap::new()));
    }
}
