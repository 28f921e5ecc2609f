//! The children's list within the user's scope (the registry grows from here).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::child::{Sex, ethnicity_name};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{fmt_date, trf};
use treem_domain::text::fold;
use treem_store::ChildQuery;

use crate::guard::{CurrentUser, RequestInfo};
use crate::page::{Page, encode};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 50;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/children", get(list))
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    commune: Option<String>,
    page: Option<i64>,
}

struct Row {
    id: i64,
    name: String,
    born: String,
    sex: &'static str,
    ethnicity: String,
    unit: String,
    village: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "children.html")]
struct ListTemplate {
    page: Page,
    q: String,
    commune: String,
    communes: Vec<(String, String)>,
    rows: Vec<Row>,
    total: String,
    page_label: String,
    prev: Option<String>,
    next: Option<String>,
    can_add: bool,
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let communes = units.communes_in(&scope, today);
    let commune = q.commune.unwrap_or_default();
    let effective = units.narrow(&scope, &commune, today);
    let text = q.q.unwrap_or_default();
    let page_no = q.page.unwrap_or(1).max(1);
    let query = ChildQuery {
        scope: effective,
        name: fold(&text),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let (found, total) = state.store.children(&query).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = found
        .into_iter()
        .map(|c| Row {
            id: c.id,
            name: c.full_name,
            born: fmt_date(c.date_of_birth),
            sex: match Sex::from_code(&c.sex) {
                Some(Sex::Male) => lang.t("children.male"),
                Some(Sex::Female) => lang.t("children.female"),
                None => "",
            },
            ethnicity: c
                .ethnicity
                .as_deref()
                .and_then(ethnicity_name)
                .unwrap_or_default()
                .to_string(),
            unit: units
                .by_id(c.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            village: c.village.unwrap_or_default(),
            status: lang.t(match c.status.as_str() {
                "moved" => "children.moved",
                "dead" => "children.dead",
                _ => "children.active",
            }),
        })
        .collect();
    let link = |p: i64| {
        format!(
            "/children?q={}&commune={}&page={p}",
            encode(&text),
            encode(&commune)
        )
    };
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), lang.t("children.title")),
        q: text.clone(),
        commune: commune.clone(),
        communes,
        rows,
        total: trf(lang, "children.total", &[("n", &total.to_string())]),
        page_label: trf(
            lang,
            "children.page",
            &[
                ("page", &page_no.to_string()),
                ("pages", &pages.to_string()),
            ],
        ),
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no < pages).then(|| link(page_no + 1)),
        can_add: treem_domain::access::permits(
            user.account.role,
            treem_domain::access::Action::EditRegistry,
        ),
    };
    Ok(Html(tpl.render()?))
}
