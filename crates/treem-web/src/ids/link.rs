//! How complete the link to the population database is: per commune in
//! force today, the resident children under 16 with a verified ID number,
//! with a number not yet verified, and without one (a data-quality figure,
//! no target) — and the children behind each figure (`/ids/children`).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::ids::{Link, link};
use treem_domain::units::Level;
use treem_interchange::ids_round::under_16_since;
use treem_store::Scope;

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/ids/children", get(children))
}

/// One commune's figure (or the total, with an empty code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkRow {
    pub code: String,
    pub name: String,
    pub verified: i64,
    pub unverified: i64,
    pub none: i64,
}

impl LinkRow {
    pub fn total(&self) -> i64 {
        self.verified + self.unverified + self.none
    }

    /// The three counts with their state's code.
    pub fn cells(&self) -> [(i64, &'static str); 3] {
        [
            (self.verified, "verified"),
            (self.unverified, "unverified"),
            (self.none, "none"),
        ]
    }

    /// A count as a share of the commune's children: «12,5%».
    pub fn share(&self, n: &i64, lang: Lang) -> String {
        let total = self.total();
        if total == 0 {
            return "—".into();
        }
        let pct = format!("{:.1}%", *n as f64 * 100.0 / total as f64);
        match lang {
            Lang::Vi => pct.replace('.', ","),
            Lang::En => pct,
        }
    }
}

/// The figure per commune in force on `today` (children recorded under a
/// former commune count in the commune it became), then the total.
pub async fn link_rows(
    state: &AppState,
    scope: &Scope,
    today: NaiveDate,
) -> Result<(Vec<LinkRow>, LinkRow), AppError> {
    link_rows_of(state.store.as_ref(), &state.units(), scope, today).await
}

/// [`link_rows`] from a store and its units (the command line has no
/// application state).
pub async fn link_rows_of(
    store: &dyn treem_store::Store,
    units: &crate::UnitIndex,
    scope: &Scope,
    today: NaiveDate,
) -> Result<(Vec<LinkRow>, LinkRow), AppError> {
    let counts = store.id_link_counts(scope, under_16_since(today)).await?;
    Ok(rows_from(units, counts, today))
}

/// [`link_rows`] of the units `ids` from the counts kept per commune
/// (`indicators::kept_link::link_counts`, through the server's copy): what the
/// dashboard shows, without reading a province's children on every view.
pub(crate) async fn kept_link_rows(
    state: &AppState,
    seen: &crate::indicators::view_cache::Seen,
    ids: &[i64],
    today: NaiveDate,
) -> Result<(Vec<LinkRow>, LinkRow), AppError> {
    let store = state.store.as_ref();
    let counts = state
        .figures
        .link_counts(store, seen, today, under_16_since(today), ids)
        .await?;
    Ok(rows_from(&state.units(), counts.to_vec(), today))
}

/// The rows per commune in force on `today` and their total, from counts
/// per stored unit.
fn rows_from(
    units: &crate::UnitIndex,
    counts: Vec<(i64, i64, i64, i64)>,
    today: NaiveDate,
) -> (Vec<LinkRow>, LinkRow) {
    let mut rows: Vec<LinkRow> = Vec::new();
    // Each commune's row, by code (a province has hundreds).
    let mut row_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut total = LinkRow::default();
    for (unit_id, verified, unverified, none) in counts {
        let commune = units
            .by_id(unit_id)
            .and_then(|u| units.history.became(u, today))
            .filter(|u| u.level == Level::Commune);
        let (code, name) = commune.map_or_else(
            || (String::new(), "—".to_string()),
            |u| (u.code.clone(), u.name.clone()),
        );
        let at = *row_of.entry(code.clone()).or_insert_with(|| {
            rows.push(LinkRow {
                code,
                name,
                ..LinkRow::default()
            });
            rows.len() - 1
        });
        for r in [&mut rows[at], &mut total] {
            r.verified += verified;
            r.unverified += unverified;
            r.none += none;
        }
    }
    rows.sort_by_cached_key(|r| treem_domain::text::name_sort_key(&r.name));
    (rows, total)
}

#[derive(Deserialize)]
struct ChildrenQuery {
    #[serde(default)]
    commune: String,
    #[serde(default)]
    link: String,
}

struct Line {
    id: i64,
    name: String,
    born: String,
    village: String,
    number: String,
    verified: String,
}

#[derive(Template)]
#[template(path = "ids/children.html")]
struct ChildrenTemplate {
    page: Page,
    heading: String,
    lines: Vec<Line>,
}

/// `GET /ids/children?commune=&link=verified|unverified|none` (`none`
/// without one): the
/// children behind a figure (names: an audited read).
async fn children(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ChildrenQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    // Without a state, the children without a number (the round's work).
    let which = if q.link.is_empty() {
        Link::None
    } else {
        Link::parse(&q.link).ok_or(AppError::BadRequest)?
    };
    let today = vn_today();
    let (scope, chosen) = super::scope::scope_for(&state, &user, &q.commune, today);
    if !q.commune.is_empty() && chosen.is_none() {
        return Err(AppError::NotFound);
    }
    let kids = state
        .store
        .id_children(&scope, None, under_16_since(today))
        .await?;
    let lines: Vec<Line> = kids
        .into_iter()
        .filter(|c| link(c.national_id.as_deref(), c.national_id_verified.as_deref()) == which)
        .map(|c| Line {
            id: c.id,
            name: c.full_name,
            born: fmt_date(c.date_of_birth),
            village: c.village.unwrap_or_default(),
            number: c.national_id.unwrap_or_default(),
            verified: match (c.national_id_verified_by, c.national_id_verified_on) {
                (Some(by), Some(on)) if which == Link::Verified => {
                    format!("{by}, {}", fmt_date(on))
                }
                _ => String::new(),
            },
        })
        .collect();
    let audit = user
        .event(&info, "ids_children_viewed", "children", which.code())
        .with_detail(format!(
            "{} {}: {} rows",
            q.commune,
            which.code(),
            lines.len()
        ));
    state.store.audit(audit).await?;
    let place = chosen.map_or_else(|| lang.t("ids.your_scope").to_string(), |c| c.1);
    let heading = format!(
        "{} — {place}",
        lang.t(&format!("ids.link_{}", which.code()))
    );
    let tpl = ChildrenTemplate {
        page: Page::new(&info, Some(&user), &heading),
        heading,
        lines,
    };
    Ok(Html(tpl.render()?).into_response())
}
