//! The indicators over the years: for the user's unit, one small
//! server-rendered chart per indicator with its value each year (annual
//! reports whose reference date has passed) and the target as a dashed line.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_domain::indicators::{KEYS, Period, name_vi_on, shown};

use crate::indicators::figures::{judge, load};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The first year of the plan.
const FIRST_YEAR: i32 = 2024;
const W: f64 = 300.0;
const H: f64 = 130.0;
const LEFT: f64 = 34.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 18.0;

pub fn routes() -> Router<AppState> {
    Router::new().route("/indicators/trend", get(trend))
}

struct Point {
    x: f64,
    y: f64,
    label: String,
}

struct Small {
    name: &'static str,
    points: Vec<Point>,
    line: String,
    target_y: Option<f64>,
    years: Vec<(f64, i32)>,
    summary: String,
}

#[derive(Template)]
#[template(path = "indicators/trend.html")]
struct TrendTemplate {
    page: Page,
    heading: String,
    charts: Vec<Small>,
    width: f64,
    height: f64,
    left: f64,
    plot_bottom: f64,
    top: f64,
}

fn y_of(v: f64) -> f64 {
    TOP + (100.0 - v.clamp(0.0, 100.0)) / 100.0 * (H - TOP - BOTTOM)
}

async fn trend(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let today = vn_today();
    let last = if today
        >= (Period {
            year: today.year(),
            half: false,
        })
        .reference_date()
    {
        today.year()
    } else {
        today.year() - 1
    };
    let years: Vec<i32> = (FIRST_YEAR..=last.max(FIRST_YEAR)).collect();
    // values[key][year index]
    let mut values: Vec<Vec<Option<f64>>> = vec![vec![None; years.len()]; KEYS.len()];
    let mut targets: Vec<Option<f64>> = vec![None; KEYS.len()];
    let mut heading = String::new();
    for (yi, year) in years.iter().enumerate() {
        let period = Period {
            year: *year,
            half: false,
        };
        let loaded = load(state.store.as_ref(), period).await?;
        let report = judge(&loaded, period);
        let history = &loaded.history;
        let Some(root) = crate::indicators::period::root(history, &user.account.scope_code, period)
        else {
            continue;
        };
        heading.clone_from(&root.name);
        if let Some(u) = report
            .units
            .iter()
            .find(|u| std::ptr::eq(&history.all()[u.unit], root))
        {
            for (k, (_, f)) in u.indicators.iter().enumerate() {
                values[k][yi] = f.value;
                targets[k] = f.target.or(targets[k]);
            }
        }
    }
    // Room on the right for the last year and its label.
    let step = if years.len() > 1 {
        (W - LEFT - 40.0) / (years.len() - 1) as f64
    } else {
        0.0
    };
    let x_of = |i: usize| LEFT + 8.0 + step * i as f64;
    let charts = KEYS
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let points: Vec<Point> = values[k]
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    v.map(|v| Point {
                        x: x_of(i),
                        y: y_of(v),
                        label: shown(v),
                    })
                })
                .collect();
            let line = points
                .iter()
                .map(|p| format!("{:.1},{:.1}", p.x, p.y))
                .collect::<Vec<_>>()
                .join(" ");
            let summary = years
                .iter()
                .zip(&values[k])
                .map(|(y, v)| {
                    format!(
                        "{y}: {}",
                        v.map(|v| format!("{}%", shown(v)))
                            .unwrap_or_else(|| "—".into())
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            Small {
                // Named as it reads today.
                name: if info.lang == Lang::En {
                    key
                } else {
                    name_vi_on(key, vn_today())
                },
                points,
                line,
                target_y: targets[k].map(y_of),
                years: years
                    .iter()
                    .enumerate()
                    .map(|(i, y)| (x_of(i), *y))
                    .collect(),
                summary,
            }
        })
        .collect();
    let tpl = TrendTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("trend.title")),
        heading,
        charts,
        width: W,
        height: H,
        left: LEFT,
        plot_bottom: H - BOTTOM,
        top: TOP,
    };
    Ok(Html(tpl.render()?).into_response())
}
