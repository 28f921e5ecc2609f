//! The children's list within the user's scope (the registry grows from here).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::child::{
    Sex, ethnicities, ethnicity_name, special_circumstance_label, special_circumstance_name,
};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{fmt_count, fmt_date, trf};
use treem_domain::nutrition::Status;
use treem_domain::text::fold;
use treem_store::{ChildFilters, ChildQuery};

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

const PAGE_SIZE: i64 = 50;

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/children", get(list))
}

/// The list's query string: text, commune, field filters, page.
#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    commune: Option<String>,
    sex: Option<String>,
    age: Option<String>,
    ethnicity: Option<String>,
    special: Option<String>,
    registered: Option<String>,
    village: Option<String>,
    nutrition: Option<String>,
    page: Option<i64>,
}

/// Age bands in completed years, as offices count them.
const AGE_BANDS: [(&str, i32, i32); 3] = [("0-4", 0, 4), ("5-10", 5, 10), ("11-15", 11, 15)];

fn some(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The store's filters for what the user chose; unknown values narrow nothing.
fn filters(q: &ListQuery, today: chrono::NaiveDate) -> ChildFilters {
    use chrono::{Datelike, Days, NaiveDate};
    let band = some(&q.age).and_then(|a| AGE_BANDS.iter().find(|(k, _, _)| *k == a).copied());
    // Aged a..=b years today: born after today − (b + 1) years, by today − a years.
    let years_ago =
        |y: i32| NaiveDate::from_ymd_opt(today.year() - y, today.month(), today.day().min(28));
    ChildFilters {
        sex: some(&q.sex).filter(|s| s == "M" || s == "F"),
        born_from: band
            .and_then(|(_, _, b)| years_ago(b + 1))
            .and_then(|d| d.checked_add_days(Days::new(1))),
        born_to: band.and_then(|(_, a, _)| years_ago(a)),
        ethnicity: some(&q.ethnicity).filter(|e| ethnicity_name(e).is_some()),
        special: some(&q.special).filter(|c| special_circumstance_name(c).is_some()),
        registered: match some(&q.registered).as_deref() {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        village: some(&q.village),
        nutrition: some(&q.nutrition)
            .filter(|n| n == "normal" || Status::ALL.iter().any(|s| s.code() == n)),
    }
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
    /// Where the search found her when her own name does not hold every
    /// word ("Họ tên mẹ: Lò Thị Mai").
    via: Option<String>,
}

#[derive(Template)]
#[template(path = "registry/children.html")]
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
    chosen: ChosenFilters,
    villages: Vec<String>,
    age_bands: Vec<&'static str>,
    ethnicities: Vec<(String, &'static str)>,
    specials: Vec<(&'static str, &'static str)>,
    /// Nutrition statuses: (code, name).
    statuses: Vec<(&'static str, &'static str)>,
}

/// What the user chose, to show the form as she left it.
#[derive(Default)]
struct ChosenFilters {
    sex: String,
    age: String,
    ethnicity: String,
    special: String,
    registered: String,
    village: String,
    nutrition: String,
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
    let commune = q.commune.clone().unwrap_or_default();
    let effective = units.narrow(&scope, &commune, today);
    let text = q.q.clone().unwrap_or_default();
    let page_no = q.page.unwrap_or(1).max(1);
    let query = ChildQuery {
        filters: filters(&q, today),
        scope: effective,
        name: fold(&text),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    // A child's code (`TD-002473`, an imported `BB-0001`) finds her at once.
    let (found, total) = match by_code(&state, &text, &query).await? {
        Some(row) => (vec![row], 1),
        None => crate::registry::search::children(&state, &query).await?,
    };
    let via = found_via(&state, &text, &found, lang).await?;
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
            via: via.get(&c.id).cloned(),
        })
        .collect();
    // Paging keeps every choice.
    let kept: Vec<(&str, String)> = [
        ("q", Some(text.clone())),
        ("commune", Some(commune.clone())),
        ("sex", q.sex.clone()),
        ("age", q.age.clone()),
        ("ethnicity", q.ethnicity.clone()),
        ("special", q.special.clone()),
        ("registered", q.registered.clone()),
        ("village", q.village.clone()),
        ("nutrition", q.nutrition.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
    .collect();
    let base = serde_urlencoded::to_string(&kept).unwrap_or_default();
    let link = |p: i64| format!("/children?{base}&page={p}");
    // Village names mean something within one commune (they repeat across
    // communes), and listing them across a province reads every record:
    // the village filter appears once the list is one commune's.
    let villages = if communes.len() == 1 || !commune.is_empty() {
        state
            .store
            .villages(&units.narrow(&scope, &commune, today))
            .await?
    } else {
        Vec::new()
    };
    let tpl = ListTemplate {
        page: Page::new(&info, Some(&user), lang.t("children.title")),
        q: text.clone(),
        commune: commune.clone(),
        communes,
        rows,
        total: trf(lang, "children.total", &[("n", &fmt_count(total, lang))]),
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
        chosen: ChosenFilters {
            sex: q.sex.clone().unwrap_or_default(),
            age: q.age.clone().unwrap_or_default(),
            ethnicity: q.ethnicity.clone().unwrap_or_default(),
            special: q.special.clone().unwrap_or_default(),
            registered: q.registered.clone().unwrap_or_default(),
            village: q.village.clone().unwrap_or_default(),
            nutrition: q.nutrition.clone().unwrap_or_default(),
        },
        statuses: Status::ALL
            .iter()
            .map(|s| (s.code(), lang.t(s.label_key())))
            .collect(),
        villages,
        age_bands: AGE_BANDS.iter().map(|(k, _, _)| *k).collect(),
        ethnicities: ethnicities(),
        specials: [
            "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o",
        ]
        .into_iter()
        .map(|c| (c, special_circumstance_label(c, lang).unwrap_or(c)))
        .collect(),
        can_add: treem_domain::access::permits(
            user.account.role,
            treem_domain::access::Action::EditRegistry,
        ),
    };
    Ok(Html(tpl.render()?))
}

/// The child whose code is the whole query, if she lies in the query's
/// scope (first page only; filters still apply through the normal search).
async fn by_code(
    state: &AppState,
    text: &str,
    q: &ChildQuery,
) -> Result<Option<treem_store::ChildRow>, AppError> {
    let code = text.trim();
    if code.is_empty()
        || code.contains(char::is_whitespace)
        || !code.chars().any(|c| c.is_ascii_digit())
        || q.offset > 0
        || q.filters != ChildFilters::default()
    {
        return Ok(None);
    }
    let mut found = state.store.child_by_code(code).await?;
    if found.is_none() && code != code.to_uppercase() {
        found = state.store.child_by_code(&code.to_uppercase()).await?;
    }
    Ok(found
        .filter(|c| q.scope.contains(c.unit_id))
        .map(treem_store::ChildRow::from))
}

/// For each child found by a parent's or caregiver's name rather than her
/// own, what matched ("Họ tên mẹ: Lò Thị Mai"), by id.
async fn found_via(
    state: &AppState,
    text: &str,
    found: &[treem_store::ChildRow],
    lang: treem_domain::i18n::Lang,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    use treem_domain::child::matched_elsewhere;
    let mut out = std::collections::HashMap::new();
    if text.trim().is_empty() || found.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = found.iter().map(|c| c.id).collect();
    for c in state.store.children_by_id(&ids).await? {
        let year = c.date_of_birth.format("%Y").to_string();
        let own = [
            year.as_str(),
            c.national_id.as_deref().unwrap_or(""),
            c.child_id.as_str(),
        ];
        let others = [
            ("field.mother_name", c.mother_name.as_deref()),
            ("field.father_name", c.father_name.as_deref()),
            ("field.caregiver_name", c.caregiver_name.as_deref()),
        ];
        if let Some((label, value)) = matched_elsewhere(text, &c.full_name, &own, &others) {
            out.insert(c.id, format!("{}: {value}", lang.t(label)));
        }
    }
    Ok(out)
}
