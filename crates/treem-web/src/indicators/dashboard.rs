//! The indicators dashboard: the fourteen indicators of the user's unit for
//! a period against the plan's targets (with the coverage of the
//! anthropometric ones), and a table of its communes; each figure links to
//! the records behind it (`drill.rs`). Marks are a word and a symbol as well
//! as a colour, for colour-blind readers and for print.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use treem_domain::access::{Action, permits};
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_domain::indicators::{Period, name_vi_on, shown};
use treem_domain::units::{Level, Unit};

use crate::indicators::figures::{Figure, status_key};
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(dashboard))
        .route("/indicators/{key}", get(crate::indicators::drill::drill))
}

struct Row {
    number: usize,
    key: &'static str,
    name: &'static str,
    numerator: i64,
    denominator: i64,
    value: String,
    target: String,
    status: &'static str,
    mark: &'static str,
    link: Option<String>,
    /// For the anthropometric indicators: the share of resident children
    /// under five who were measured (WHO shows it beside the prevalence).
    coverage: Option<String>,
}

struct CommuneRow {
    name: String,
    /// The commune's code, encoded for a link (its own dashboard and its
    /// lists are written by the template: thousands of links a page, no
    /// string built for each).
    code: String,
    /// (value, mark class, mark symbol, the indicator if its records are
    /// listed).
    cells: Vec<(String, &'static str, &'static str, Option<&'static str>)>,
}

#[derive(Template)]
#[template(path = "indicators/dashboard.html")]
struct DashboardTemplate {
    page: Page,
    /// Whether the user writes the report's sections.
    may_write: bool,
    programme: Vec<crate::indicators::programme_view::ProgrammeGroup>,
    heading: String,
    reference: String,
    year: i32,
    half: bool,
    years: Vec<i32>,
    rows: Vec<Row>,
    communes: Vec<CommuneRow>,
    /// The indicators' short names (column headings) and full names.
    columns: Vec<(&'static str, &'static str)>,
    /// Units the user may look at: (code, name), and the one shown.
    units: Vec<(String, String)>,
    unit: String,
    empty: bool,
    /// The period as a query (for the report's links).
    query: String,
    /// The link to the population database, as of today: each commune of
    /// the unit shown and their total (a data-quality figure, no target).
    id_link: Option<(Vec<crate::ids::LinkRow>, crate::ids::LinkRow)>,
    /// Whether the figure's counts open their children.
    may_list: bool,
    lang: treem_domain::i18n::Lang,
}

fn mark(status: &str) -> (&'static str, &'static str) {
    match status {
        "met" => ("met", "✔"),
        "not_met" => ("not-met", "✘"),
        _ => ("no-data", "—"),
    }
}

fn status_word(page: &Page, status: &str) -> &'static str {
    page.t(status_key(status))
}

async fn dashboard(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    let store = state.store.as_ref();
    let seen = state.figures.seen(store).await?;
    let history = &seen.units.history;
    let page = Page::new(&info, Some(&user), info.lang.t("dashboard.title"));
    let own = root(history, &user.account.scope_code, period);
    // `?unit=` looks at a unit within the user's own (any, for an
    // administrator); another is refused.
    let root = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        None => own,
        Some(code) => {
            let unit = history
                .resolve(code, period.reference_date())
                .ok_or(AppError::NotFound)?;
            let allowed = user.account.role == treem_domain::access::Role::Admin
                || own.is_some_and(|own| within(history, unit, own));
            if !allowed {
                return Err(AppError::Forbidden);
            }
            Some(unit)
        }
    };
    // The figures of the unit shown and the units under it, from its
    // communes alone (no unit in force then: nothing to show, nothing
    // computed).
    let report = match root.and_then(|r| history.index_of(r)) {
        Some(at) => state.figures.report(store, &seen, period, at).await?,
        None => crate::indicators::figures::Report::empty(period),
    };
    let units: Vec<(String, String)> = own
        .map(|own| {
            let mut v: Vec<&Unit> = history
                .valid_on(period.reference_date())
                .into_iter()
                .filter(|u| within(history, u, own))
                .collect();
            v.sort_by_cached_key(|u| (u.level != own.level, treem_domain::text::fold(&u.name)));
            v.into_iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let may_list = permits(user.account.role, Action::ViewRegistry);
    let mut rows = Vec::new();
    let mut communes = Vec::new();
    let mut heading = page.t("dashboard.no_unit").to_string();
    let mut programme = Vec::new();
    if let Some(root) = root
        && let Some(at) = history.index_of(root)
        && !report.programme.is_empty()
    {
        let titles: Vec<(String, String)> = state
            .store
            .programmes()
            .await?
            .into_iter()
            .map(|p| (p.code, p.title))
            .collect();
        programme =
            crate::indicators::programme_view::groups(info.lang, &report, at, &titles, &root.code);
    }
    if let Some(root) = root {
        heading = root.name.clone();
        if let Some(u) = report
            .units
            .iter()
            .find(|u| std::ptr::eq(&history.all()[u.unit], root))
        {
            let under_five = u
                .indicators
                .iter()
                .find(|(k, _)| *k == "birth_registration_u5")
                .map_or(0, |(_, f)| f.denominator);
            rows = u
                .indicators
                .iter()
                .enumerate()
                .map(|(i, (key, f))| {
                    let mut r = row(&page, i + 1, key, f, period, may_list.then_some(root));
                    if matches!(*key, "underweight_u5" | "stunting_u5") && under_five > 0 {
                        let share = f.denominator as f64 / under_five as f64 * 100.0;
                        r.coverage = Some(format!(
                            "{} {}%",
                            page.t("dashboard.coverage"),
                            shown(share)
                        ));
                    }
                    r
                })
                .collect();
        }
        communes = report
            .units
            .iter()
            .filter(|u| {
                let unit = &history.all()[u.unit];
                unit.level == Level::Commune
                    && !std::ptr::eq(unit, root)
                    && within(history, unit, root)
            })
            .map(|u| CommuneRow {
                name: u.name.clone(),
                code: encode(&u.code),
                cells: u
                    .indicators
                    .iter()
                    .map(|(key, f)| {
                        let (class, symbol) = mark(f.status);
                        let listed = may_list && crate::indicators::drill::listed(key);
                        (
                            f.value.map(shown).unwrap_or_else(|| "—".into()),
                            class,
                            symbol,
                            listed.then_some(*key),
                        )
                    })
                    .collect(),
            })
            .collect();
    }
    let this_year = vn_today().year();
    // The link to the population database for the unit shown, today.
    let id_link = match root {
        Some(root) => {
            let today = treem_domain::clock::vn_today();
            let index = state.units();
            let ids: Vec<i64> = treem_domain::scope::scope_units(&index.history, &root.code, today)
                .into_iter()
                .filter_map(|u| index.id_of(u))
                .collect();
            let (rows, total) = crate::ids::kept_link_rows(&state, &seen, &ids, today).await?;
            (total.total() > 0).then_some((rows, total))
        }
        None => None,
    };
    let tpl = DashboardTemplate {
        id_link,
        may_list,
        lang: info.lang,
        heading,
        reference: fmt_date(period.reference_date()),
        year: period.year,
        half: period.half,
        years: (2024..=this_year.max(2024)).rev().collect(),
        empty: rows.is_empty(),
        rows,
        programme,
        may_write: permits(user.account.role, Action::EditRegistry),
        communes,
        columns: treem_domain::indicators::KEYS
            .iter()
            .map(|k| {
                let full = if info.lang.code() == "en" {
                    *k
                } else {
                    name_vi_on(k, period.reference_date())
                };
                (info.lang.t(&format!("short.{k}")), full)
            })
            .collect(),
        unit: root.map(|u| u.code.clone()).unwrap_or_default(),
        units,
        query: period_query(period),
        page,
    };
    Ok(Html(tpl.render()?).into_response())
}

fn row(
    page: &Page,
    number: usize,
    key: &'static str,
    f: &Figure,
    period: Period,
    link: Option<&Unit>,
) -> Row {
    let link = link.map(|u| (u, period));
    let (class, _) = mark(f.status);
    Row {
        number,
        key,
        name: if page.lang_code() == "en" {
            key
        } else {
            name_vi_on(key, period.reference_date())
        },
        numerator: f.numerator,
        denominator: f.denominator,
        value: f
            .value
            .map(|v| format!("{}%", shown(v)))
            .unwrap_or_else(|| "—".into()),
        target: f
            .target
            .map(|t| {
                // A milestone of a later year says which.
                let later = f
                    .target_year
                    .filter(|y| *y > period.year)
                    .map(|y| format!(" ({y})"))
                    .unwrap_or_default();
                format!(
                    "{} {}%{later}",
                    if f.comparison == "<" { "<" } else { "≥" },
                    shown(t)
                )
            })
            .unwrap_or_default(),
        status: status_word(page, f.status),
        mark: class,
        coverage: None,
        link: link
            .filter(|_| crate::indicators::drill::listed(key))
            .map(|(unit, p)| {
                format!(
                    "/indicators/{key}?{}&unit={}",
                    period_query(p),
                    encode(&unit.code)
                )
            }),
    }
}
