//! The indicators over the years: for the user's unit, one small
//! server-rendered chart per indicator with its value each year (annual
//! reports whose reference date has passed) and the target as a dashed line;
//! then the programme indicators, each on a scale of its own.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_domain::indicators::{KEYS, Period, name_vi_on, shown};
use treem_domain::returns::programme::{ProgrammeIndicator, shown_value};

use crate::indicators::kept;
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
    name: String,
    /// The top of the scale (100 for the fourteen's percentages).
    scale: String,
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

fn y_of(v: f64, scale: f64) -> f64 {
    TOP + (scale - v.clamp(0.0, scale)) / scale * (H - TOP - BOTTOM)
}

/// A round top for a scale holding `max`: 1, 2 or 5 times a power of ten.
fn nice_top(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * p)
        .find(|t| *t >= max)
        .unwrap_or(10.0 * p)
}

/// One chart: the values by year index, the target, how a value reads.
fn small(
    name: String,
    values: &[Option<f64>],
    target: Option<f64>,
    years: &[i32],
    scale: f64,
    label: &dyn Fn(f64) -> String,
) -> Small {
    // Room on the right for the last year and its label.
    let step = if years.len() > 1 {
        (W - LEFT - 40.0) / (years.len() - 1) as f64
    } else {
        0.0
    };
    let x_of = |i: usize| LEFT + 8.0 + step * i as f64;
    let points: Vec<Point> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| Point {
                x: x_of(i),
                y: y_of(v, scale),
                label: label(v),
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
        .zip(values)
        .map(|(y, v)| format!("{y}: {}", v.map(label).unwrap_or_else(|| "—".into())))
        .collect::<Vec<_>>()
        .join(", ");
    Small {
        name,
        scale: treem_domain::returns::programme::amount(scale),
        points,
        line,
        target_y: target.map(|t| y_of(t, scale)),
        years: years
            .iter()
            .enumerate()
            .map(|(i, y)| (x_of(i), *y))
            .collect(),
        summary,
    }
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
    // The programme indicators: (definition, values by year, target).
    type Series = (ProgrammeIndicator, Vec<Option<f64>>, Option<f64>);
    let mut programme: Vec<Series> = Vec::new();
    for (yi, year) in years.iter().enumerate() {
        let period = Period {
            year: *year,
            half: false,
        };
        let (report, history) = kept::report(state.store.as_ref(), period).await?;
        let history = &history;
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
            for ((code, f), def) in u.programme.iter().zip(&report.programme) {
                let at = match programme.iter().position(|(d, _, _)| d.code == *code) {
                    Some(at) => at,
                    None => {
                        programme.push((def.clone(), vec![None; years.len()], None));
                        programme.len() - 1
                    }
                };
                programme[at].1[yi] = f.value;
                programme[at].2 = f.target.or(programme[at].2);
            }
        }
    }
    let mut charts: Vec<Small> = KEYS
        .iter()
        .enumerate()
        .map(|(k, key)| {
            // Named as it reads today.
            let name = if info.lang == Lang::En {
                key.to_string()
            } else {
                name_vi_on(key, vn_today()).to_string()
            };
            small(name, &values[k], targets[k], &years, 100.0, &|v| shown(v))
        })
        .collect();
    for (def, vals, target) in &programme {
        let max = vals
            .iter()
            .flatten()
            .chain(target)
            .fold(0.0f64, |m, v| m.max(*v));
        let name = if info.lang == Lang::En {
            format!("{}: {}", def.programme, def.name_en)
        } else {
            format!("{}: {}", def.programme, def.name_vi)
        };
        let label = |v: f64| shown_value(def, v);
        charts.push(small(name, vals, *target, &years, nice_top(max), &label));
    }
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

#[cfg(test)]
mod tests {
    use super::nice_top;

    #[test]
    fn scales_end_on_a_round_number() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(100.0), 100.0);
        assert_eq!(nice_top(101.0), 200.0);
        assert_eq!(nice_top(28_350.5), 50_000.0);
        assert_eq!(nice_top(3.0), 5.0);
        assert_eq!(nice_top(0.3), 0.5);
    }
}
