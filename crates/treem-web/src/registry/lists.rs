//! The officer's working lists, each exportable to Excel: children under
//! five without a birth registration, children turning 5 or 6 this year,
//! children in special circumstances, children without a personal ID number.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use treem_domain::child::{age_years, special_circumstance_label};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{fmt_count, fmt_date, trf};
use treem_store::ChildList;

use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/lists/{kind}", get(list))
}

/// Every list: its path segment, what it selects, its title key.
const LISTS: [(&str, ChildList, &str); 4] = [
    (
        "no-birth-registration",
        ChildList::NoBirthRegistration,
        "lists.no_birth_registration",
    ),
    ("turning-5-6", ChildList::Turning5Or6, "lists.turning_5_6"),
    (
        "special-circumstances",
        ChildList::SpecialCircumstances,
        "lists.special",
    ),
    (
        "no-national-id",
        ChildList::NoNationalId,
        "lists.no_national_id",
    ),
];

#[derive(Deserialize)]
struct ListQuery {
    commune: Option<String>,
    format: Option<String>,
}

struct Row {
    id: i64,
    name: String,
    born: String,
    age: String,
    village: String,
    unit: String,
    mother: String,
    note: String,
}

#[derive(Template)]
#[template(path = "registry/lists.html")]
struct ListTemplate {
    page: Page,
    kind: String,
    tabs: Vec<(&'static str, &'static str, bool)>,
    commune: String,
    communes: Vec<(String, String)>,
    rows: Vec<Row>,
    total: String,
    export_link: String,
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let (_, which, title_key) = LISTS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .copied()
        .ok_or(AppError::NotFound)?;
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let commune = q.commune.unwrap_or_default();
    let effective = units.narrow(&scope, &commune, today);
    let children = state.store.child_list(&effective, which, today).await?;
    let rows: Vec<Row> = children
        .iter()
        .map(|c| Row {
            id: c.id,
            born: fmt_date(c.date_of_birth),
            age: age_years(c.date_of_birth, today).to_string(),
            village: c.village.clone().unwrap_or_default(),
            unit: units
                .by_id(c.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            mother: c.mother_name.clone().unwrap_or_default(),
            note: match which {
                ChildList::SpecialCircumstances => c
                    .special_circumstances
                    .split(';')
                    .filter(|s| !s.is_empty())
                    .map(|code| special_circumstance_label(code, lang).unwrap_or(code))
                    .collect::<Vec<_>>()
                    .join("; "),
                ChildList::NoBirthRegistration => lang
                    .t(match c.birth_registered {
                        Some(false) => "child.registered_no",
                        _ => "child.registered_unknown",
                    })
                    .to_string(),
                _ => String::new(),
            },
            name: c.full_name.clone(),
        })
        .collect();
    if q.format.as_deref() == Some("xlsx") {
        let audit = user
            .event(&info, "child_list_exported", "children", &kind)
            .with_detail(format!("{} rows", rows.len()));
        state.store.audit(audit).await?;
        let headers = [
            lang.t("children.name"),
            lang.t("children.born"),
            lang.t("lists.age"),
            lang.t("children.village"),
            lang.t("children.recorded_under"),
            lang.t("child.mother"),
            lang.t("lists.note"),
        ];
        use crate::shell::xlsx::{Cell, Sheet, download, file_stem, table};
        let unit_code = if commune.is_empty() {
            user.account.scope_code.clone()
        } else {
            commune.clone()
        };
        let unit_name = units.name_of(&unit_code, today);
        let cells: Vec<Vec<Cell>> = children
            .iter()
            .zip(&rows)
            .map(|(c, r)| {
                vec![
                    Cell::text(&r.name),
                    Cell::Date(c.date_of_birth),
                    Cell::Number(f64::from(age_years(c.date_of_birth, today)), 0),
                    Cell::text(&r.village),
                    Cell::text(&r.unit),
                    Cell::text(&r.mother),
                    Cell::text(&r.note),
                ]
            })
            .collect();
        let title = lang.t(title_key);
        let bytes = table(&Sheet {
            name: title,
            title: format!("{title} — {unit_name} — {}", fmt_date(today)),
            headers: &headers,
            rows: cells,
        })?;
        let day = today.format("%Y-%m-%d").to_string();
        return Ok(download(&file_stem(title, &[&unit_code, &day]), bytes));
    }
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), lang.t(title_key)),
        tabs: LISTS
            .iter()
            .map(|(k, _, t)| (*k, lang.t(t), *k == kind))
            .collect(),
        total: trf(
            lang,
            "children.total",
            &[("n", &fmt_count(rows.len() as i64, lang))],
        ),
        export_link: format!("/lists/{kind}?commune={}&format=xlsx", encode(&commune)),
        communes: units.communes_in(&scope, today),
        kind,
        commune,
        rows,
    };
    Ok(Html(tpl.render()?).into_response())
}
