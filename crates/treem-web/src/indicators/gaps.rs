//! The gaps between groups of children (`/indicators/gaps`, issue 18): for
//! a unit and period, each indicator counted child by child split by sex,
//! ethnicity or household poverty — every group's rate, the difference
//! between the best and the worst group, and the spread between the best
//! and the worst commune under the unit — with each group's children a
//! click away (the drill-down, filtered to the group). Groups of fewer
//! than ten children are shown but not compared.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use treem_domain::access::{Action, Role, permits};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, trf};
use treem_domain::indicators::{
    self as ind, BY_KEYS, Count, Dimension, SMALL_GROUP, name_vi_on, shown,
};
use treem_domain::units::Level;

use crate::indicators::figures::Report;
use crate::indicators::figures::group_label;
use crate::indicators::kept::Units;
use crate::indicators::kept_groups::report_by_under;
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/indicators/gaps", get(gaps))
}

struct GroupRow {
    label: String,
    rate: String,
    count: String,
    small: bool,
    link: Option<String>,
}

struct Section {
    key: &'static str,
    name: &'static str,
    total: String,
    groups: Vec<GroupRow>,
    /// "Best group … worst group …: N points", or why there is none.
    gap: String,
    /// The same between the communes under the unit (above a commune).
    spread: Option<String>,
}

#[derive(Template)]
#[template(path = "indicators/gaps.html")]
struct GapsTemplate {
    page: Page,
    heading: String,
    reference: String,
    year: i32,
    half: bool,
    years: Vec<i32>,
    dims: Vec<(&'static str, &'static str, bool)>,
    units: Vec<(String, String)>,
    unit: String,
    sections: Vec<Section>,
    back: String,
}

fn percent(c: Count) -> String {
    c.value()
        .map(|v| format!("{}%", shown(v)))
        .unwrap_or_else(|| "—".into())
}

async fn gaps(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    let dim = match q.by.as_deref().filter(|b| !b.is_empty()) {
        None => Dimension::Sex,
        Some(b) => Dimension::parse(b).ok_or(AppError::BadRequest)?,
    };
    let units = Units::load(state.store.as_ref()).await?;
    let history = &units.history;
    let reference = period.reference_date();
    let own = root(history, &user.account.scope_code, period);
    let unit = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        None => own,
        Some(code) => {
            let unit = history.resolve(code, reference).ok_or(AppError::NotFound)?;
            let allowed = user.account.role == Role::Admin
                || own.is_some_and(|own| within(history, unit, own));
            if !allowed {
                return Err(AppError::Forbidden);
            }
            Some(unit)
        }
    };
    // Only the communes under the unit shown are read (and computed when
    // stale); with no unit there is nothing to show.
    let report = match unit {
        Some(u) => report_by_under(state.store.as_ref(), &units, period, dim, u).await?,
        None => Report::empty(period),
    };
    let lang = info.lang;
    let page = Page::new(&info, Some(&user), lang.t("gaps.title"));
    let may_list = permits(user.account.role, Action::ViewRegistry);
    let figures_of = |u: &treem_domain::units::Unit| {
        report
            .units
            .iter()
            .find(|r| std::ptr::eq(&history.all()[r.unit], u))
    };
    let mut sections = Vec::new();
    if let Some(root) = unit
        && let Some(own_figures) = figures_of(root)
    {
        let communes: Vec<_> = report
            .units
            .iter()
            .filter(|r| {
                let u = &history.all()[r.unit];
                u.level == Level::Commune && !std::ptr::eq(u, root) && within(history, u, root)
            })
            .collect();
        for (key, f) in own_figures
            .indicators
            .iter()
            .filter(|(k, _)| BY_KEYS.contains(k))
        {
            let name = if lang == Lang::En {
                *key
            } else {
                name_vi_on(key, reference)
            };
            let by = f.by.clone().unwrap_or_default();
            let listed = may_list && crate::indicators::drill::listed(key);
            let groups = by
                .iter()
                .map(|(g, p)| {
                    let c = Count {
                        numerator: p.numerator,
                        denominator: p.denominator,
                    };
                    GroupRow {
                        label: group_label(lang, dim, g),
                        rate: percent(c),
                        count: format!("{}/{}", c.numerator, c.denominator),
                        small: c.denominator < SMALL_GROUP,
                        link: listed.then(|| {
                            format!(
                                "/indicators/{key}?{}&unit={}&by={}&group={}",
                                period_query(period),
                                encode(&root.code),
                                dim.code(),
                                encode(g)
                            )
                        }),
                    }
                })
                .collect();
            let counts = by.iter().map(|(g, p)| {
                (
                    g.as_str(),
                    Count {
                        numerator: p.numerator,
                        denominator: p.denominator,
                    },
                )
            });
            let gap = match ind::gap(key, counts) {
                Some(g) => trf(
                    lang,
                    "gaps.gap",
                    &[
                        ("best", &group_label(lang, dim, &g.best)),
                        ("worst", &group_label(lang, dim, &g.worst)),
                        ("points", &shown(g.points)),
                    ],
                ),
                None => lang.t("gaps.no_gap").to_string(),
            };
            let spread = (!communes.is_empty()).then(|| {
                let named: Vec<(&str, Count)> = communes
                    .iter()
                    .filter_map(|r| {
                        let (_, f) = r.indicators.iter().find(|(k, _)| k == key)?;
                        let c = Count {
                            numerator: f.numerator,
                            denominator: f.denominator,
                        };
                        Some((r.name.as_str(), c))
                    })
                    .collect();
                match ind::gap(key, named.iter().copied()) {
                    Some(g) => {
                        let rate = |n: &str| {
                            named
                                .iter()
                                .find(|(x, _)| *x == n)
                                .map(|(_, c)| percent(*c))
                                .unwrap_or_default()
                        };
                        trf(
                            lang,
                            "gaps.spread",
                            &[
                                ("best", &format!("{} ({})", g.best, rate(&g.best))),
                                ("worst", &format!("{} ({})", g.worst, rate(&g.worst))),
                                ("points", &shown(g.points)),
                            ],
                        )
                    }
                    None => lang.t("gaps.no_spread").to_string(),
                }
            });
            sections.push(Section {
                key,
                name,
                total: format!(
                    "{}/{} = {}",
                    f.numerator,
                    f.denominator,
                    percent(Count {
                        numerator: f.numerator,
                        denominator: f.denominator
                    })
                ),
                groups,
                gap,
                spread,
            });
        }
    }
    let units: Vec<(String, String)> = own
        .map(|own| {
            let mut v: Vec<_> = history
                .valid_on(reference)
                .into_iter()
                .filter(|u| within(history, u, own))
                .collect();
            v.sort_by_cached_key(|u| (u.level != own.level, treem_domain::text::fold(&u.name)));
            v.into_iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let unit_code = unit.map(|u| u.code.clone()).unwrap_or_default();
    let tpl = GapsTemplate {
        heading: unit.map_or_else(
            || page.t("dashboard.no_unit").to_string(),
            |u| u.name.clone(),
        ),
        reference: fmt_date(reference),
        year: period.year,
        half: period.half,
        years: (2024..=vn_today().year().max(2024)).rev().collect(),
        dims: Dimension::ALL
            .iter()
            .map(|d| {
                (
                    d.code(),
                    lang.t(&format!("gaps.by_{}", d.code())),
                    *d == dim,
                )
            })
            .collect(),
        back: format!(
            "/indicators?{}&unit={}",
            period_query(period),
            encode(&unit_code)
        ),
        unit: unit_code,
        units,
        sections,
        page,
    };
    Ok(Html(tpl.render()?).into_response())
}
