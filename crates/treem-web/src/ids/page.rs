//! `/ids`: the round's page — how many children the police should check
//! and why, the list as a workbook or printed for the police to sign, the
//! form that takes the list back, and the link's completeness per commune.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use treem_domain::clock::{document_date, vn_today};
use treem_domain::i18n::{Lang, fmt_count, trf};
use treem_interchange::ids::{ListLine, write_list};
use treem_interchange::ids_round::{Listed, guide, line_of, list};

use super::link::{LinkRow, link_rows};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ids", get(page))
        .route("/ids/list.xlsx", get(workbook))
        .route("/ids/print", get(print))
}

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub village: String,
}

impl ListQuery {
    fn village(&self) -> Option<&str> {
        Some(self.village.trim()).filter(|v| !v.is_empty())
    }

    fn query(&self) -> String {
        format!(
            "commune={}&village={}",
            encode(&self.commune),
            encode(self.village.trim())
        )
    }
}

#[derive(Template)]
#[template(path = "ids/page.html")]
struct IdsTemplate {
    page: Page,
    communes: Vec<(String, String)>,
    commune: String,
    village: String,
    /// «N trẻ em cần đối chiếu» and each reason's count.
    summary: String,
    reasons: Vec<(String, usize)>,
    query: String,
    /// The default «verified by» for the returned list.
    police: String,
    today: String,
    rows: Vec<LinkRow>,
    total: LinkRow,
    lang: Lang,
}

/// The children to check within the user's scope (one commune, one
/// village if asked), and the place's name.
async fn listed(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery,
) -> Result<(Vec<Listed>, String), AppError> {
    let today = vn_today();
    let (scope, chosen) = super::scope::scope_for(state, user, &q.commune, today);
    if !q.commune.is_empty() && chosen.is_none() {
        return Err(AppError::NotFound);
    }
    let place = match chosen {
        Some((_, name)) => name,
        None => state
            .units()
            .history
            .resolve(&user.account.scope_code, today)
            .map_or_else(String::new, |u| u.name.clone()),
    };
    Ok((
        list(state.store.as_ref(), &scope, q.village(), today).await?,
        place,
    ))
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let today = vn_today();
    let (children, place) = listed(&state, &user, &q).await?;
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for c in &children {
        let r = c.reason.vi();
        // The malformed ones under one line, whatever the defect.
        let r = if c.reason.code() == "malformed" {
            "Số định danh không hợp lệ".to_string()
        } else {
            r
        };
        match reasons.iter_mut().find(|(k, _)| *k == r) {
            Some(x) => x.1 += 1,
            None => reasons.push((r, 1)),
        }
    }
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let (rows, total) = link_rows(&state, &units.narrow(&scope, &q.commune, today), today).await?;
    let tpl = IdsTemplate {
        page: Page::new(&info, Some(&user), lang.t("ids.title")),
        communes: units.communes_in(&scope, today),
        summary: trf(
            lang,
            "ids.summary",
            &[
                ("n", &fmt_count(children.len() as i64, lang)),
                ("place", &place),
            ],
        ),
        reasons,
        query: q.query(),
        police: format!("Công an {}", crate::shell::docx_parts::in_sentence(&place)),
        today: today.format("%Y-%m-%d").to_string(),
        commune: q.commune,
        village: q.village,
        rows,
        total,
        lang,
    };
    Ok(Html(tpl.render()?).into_response())
}

/// `GET /ids/list.xlsx`: the list as a workbook (names: audited).
async fn workbook(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (children, place) = listed(&state, &user, &q).await?;
    let lines: Vec<ListLine> = children.iter().map(|l| line_of(l, &place)).collect();
    let bytes = write_list(&guide(&place, vn_today()), &lines)
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))?;
    let audit = user
        .event(&info, "ids_list_exported", "unit", &q.commune)
        .with_detail(format!("{} children", lines.len()));
    state.store.audit(audit).await?;
    let stem = crate::shell::xlsx::file_stem("doi chieu so dinh danh", &[&place, &q.village]);
    Ok(crate::shell::xlsx::download(&stem, bytes))
}

#[derive(Template)]
#[template(path = "ids/print.html")]
struct PrintTemplate {
    page: Page,
    place: String,
    village: String,
    day: String,
    lines: Vec<ListLine>,
    query: String,
}

/// `GET /ids/print`: the list on A4 with a signature block for the police.
async fn print(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (children, place) = listed(&state, &user, &q).await?;
    let lines: Vec<ListLine> = children.iter().map(|l| line_of(l, &place)).collect();
    let audit = user
        .event(&info, "ids_list_exported", "unit", &q.commune)
        .with_detail(format!("printed, {} children", lines.len()));
    state.store.audit(audit).await?;
    let tpl = PrintTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("ids.title")),
        day: format!(
            "{}, {}",
            crate::shell::docx_parts::place(&place),
            document_date(vn_today())
        ),
        place,
        village: q.village.trim().to_string(),
        lines,
        query: q.query(),
    };
    Ok(Html(tpl.render()?).into_response())
}
