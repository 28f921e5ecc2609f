//! Growth charts as server-rendered SVG: the WHO curves at −3, −2, 0, +2 and
//! +3 SD for the child's sex, and the child's measurements joined in time
//! order, implausible ones marked. Geometry here; markup in the template.

use treem_growth::{Position, Sex, curve_by_age, curve_by_length};

/// The chart's drawing area, in SVG units (scales to any screen width).
const W: f64 = 340.0;
const H: f64 = 230.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 22.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 26.0;

/// Which WHO indicator a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    WeightForAge,
    LengthForAge,
    WeightForLength,
    WeightForHeight,
}

/// One point of the child's series: x in the indicator's unit (days or cm).
#[derive(Debug, Clone, Copy)]
pub struct Observation {
    pub x: f64,
    pub y: f64,
    pub flagged: bool,
    /// Shown as the point's tooltip (e.g. the date).
    pub label_index: usize,
}

/// A WHO curve ready to draw.
pub struct Curve {
    pub points: String,
    pub label: &'static str,
    pub class: &'static str,
    pub label_y: String,
}

/// A measurement point ready to draw.
pub struct Point {
    pub cx: String,
    pub cy: String,
    pub flagged: bool,
    pub label_index: usize,
}

/// An axis tick.
pub struct Tick {
    pub pos: String,
    pub label: String,
}

/// Everything the template needs to draw one chart.
pub struct Chart {
    pub indicator: Indicator,
    pub curves: Vec<Curve>,
    pub points: Vec<Point>,
    /// The child's series as a polyline `points` attribute.
    pub path: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub width: f64,
    pub height: f64,
    pub plot_left: f64,
    pub plot_bottom: f64,
    pub plot_right: f64,
    pub plot_top: f64,
}

const LINES: [(f64, &str, &str); 5] = [
    (3.0, "+3", "sd3"),
    (2.0, "+2", "sd2"),
    (0.0, "0", "sd0"),
    (-2.0, "−2", "sd2"),
    (-3.0, "−3", "sd3"),
];

/// The x range of an indicator and its sampling step.
fn x_range(indicator: Indicator) -> (f64, f64, f64) {
    match indicator {
        Indicator::WeightForAge | Indicator::LengthForAge => (0.0, 1826.0, 15.0),
        Indicator::WeightForLength => (45.0, 110.0, 0.5),
        Indicator::WeightForHeight => (65.0, 120.0, 0.5),
    }
}

fn curve_at(indicator: Indicator, sex: Sex, x: f64, k: f64) -> Option<f64> {
    match indicator {
        Indicator::WeightForAge => curve_by_age("wfa", sex, x.round() as i64, k),
        Indicator::LengthForAge => curve_by_age("lhfa", sex, x.round() as i64, k),
        Indicator::WeightForLength => curve_by_length(Position::Lying, sex, x, k),
        Indicator::WeightForHeight => curve_by_length(Position::Standing, sex, x, k),
    }
}

/// The x values a curve is drawn through. Length-for-age jumps between day
/// 730 (length) and 731 (height), so both days are drawn.
fn samples(indicator: Indicator) -> Vec<f64> {
    let (lo, hi, step) = x_range(indicator);
    let n = ((hi - lo) / step).floor() as usize;
    let mut xs: Vec<f64> = (0..=n).map(|i| lo + i as f64 * step).collect();
    if xs.last().is_some_and(|l| *l < hi) {
        xs.push(hi);
    }
    if matches!(indicator, Indicator::WeightForAge | Indicator::LengthForAge) {
        xs.extend([730.0, 731.0]);
        xs.sort_by(f64::total_cmp);
        xs.dedup();
    }
    xs
}

fn nice_step(span: f64) -> f64 {
    [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(25.0)
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Builds a chart for a child of `sex` with her observations.
pub fn build(indicator: Indicator, sex: Sex, observations: &[Observation]) -> Chart {
    let (x_lo, x_hi, _) = x_range(indicator);
    let xs = samples(indicator);
    let mut y_lo = f64::INFINITY;
    let mut y_hi = f64::NEG_INFINITY;
    for &(k, _, _) in &[LINES[0], LINES[4]] {
        for &x in &xs {
            if let Some(y) = curve_at(indicator, sex, x, k) {
                y_lo = y_lo.min(y);
                y_hi = y_hi.max(y);
            }
        }
    }
    let visible: Vec<&Observation> = observations
        .iter()
        .filter(|o| o.x >= x_lo && o.x <= x_hi)
        .collect();
    for o in &visible {
        y_lo = y_lo.min(o.y);
        y_hi = y_hi.max(o.y);
    }
    let step = nice_step(y_hi - y_lo);
    y_lo = (y_lo / step).floor() * step;
    y_hi = (y_hi / step).ceil() * step;
    let sx = |x: f64| LEFT + (x - x_lo) / (x_hi - x_lo) * (W - LEFT - RIGHT);
    let sy = |y: f64| TOP + (y_hi - y) / (y_hi - y_lo).max(1e-9) * (H - TOP - BOTTOM);
    let curves = LINES
        .iter()
        .map(|&(k, label, class)| {
            let pts: Vec<String> = xs
                .iter()
                .filter_map(|&x| {
                    curve_at(indicator, sex, x, k).map(|y| format!("{},{}", fmt(sx(x)), fmt(sy(y))))
                })
                .collect();
            let end = curve_at(indicator, sex, x_hi, k).map(sy).unwrap_or(0.0);
            Curve {
                points: pts.join(" "),
                label,
                class,
                label_y: fmt(end + 3.0),
            }
        })
        .collect();
    let mut ordered = visible.clone();
    ordered.sort_by_key(|o| o.label_index);
    let path = ordered
        .iter()
        .map(|o| format!("{},{}", fmt(sx(o.x)), fmt(sy(o.y))))
        .collect::<Vec<_>>()
        .join(" ");
    let points = ordered
        .iter()
        .map(|o| Point {
            cx: fmt(sx(o.x)),
            cy: fmt(sy(o.y)),
            flagged: o.flagged,
            label_index: o.label_index,
        })
        .collect();
    let x_ticks = match indicator {
        Indicator::WeightForAge | Indicator::LengthForAge => (0..=5)
            .map(|year| {
                let months = year * 12;
                Tick {
                    pos: fmt(sx(months as f64 * 30.4375)),
                    label: months.to_string(),
                }
            })
            .collect(),
        _ => {
            let first = (x_lo / 10.0).ceil() as i64 * 10;
            (first..=x_hi as i64)
                .step_by(10)
                .map(|cm| Tick {
                    pos: fmt(sx(cm as f64)),
                    label: cm.to_string(),
                })
                .collect()
        }
    };
    let n = ((y_hi - y_lo) / step).round() as i64;
    let y_ticks = (0..=n)
        .map(|i| {
            let y = y_lo + i as f64 * step;
            Tick {
                pos: fmt(sy(y)),
                label: if step < 1.0 {
                    format!("{y:.1}")
                } else {
                    format!("{y:.0}")
                },
            }
        })
        .collect();
    Chart {
        indicator,
        curves,
        points,
        path,
        x_ticks,
        y_ticks,
        width: W,
        height: H,
        plot_left: LEFT,
        plot_bottom: H - BOTTOM,
        plot_right: W - RIGHT,
        plot_top: TOP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_and_points_lie_inside_the_plot() {
        let obs = [
            Observation {
                x: 100.0,
                y: 6.0,
                flagged: false,
                label_index: 0,
            },
            Observation {
                x: 400.0,
                y: 30.0,
                flagged: true,
                label_index: 1,
            },
        ];
        let c = build(Indicator::WeightForAge, Sex::Female, &obs);
        assert_eq!(c.curves.len(), 5);
        assert_eq!(c.points.len(), 2);
        assert!(c.points[1].flagged);
        for p in &c.points {
            let y: f64 = p.cy.parse().unwrap_or(-1.0);
            assert!((TOP..=H - BOTTOM).contains(&y), "{y}");
        }
        for curve in &c.curves {
            for pair in curve.points.split(' ') {
                let (x, y) = pair.split_once(',').unwrap_or(("-1", "-1"));
                let (x, y): (f64, f64) = (x.parse().unwrap_or(-1.0), y.parse().unwrap_or(-1.0));
                assert!((LEFT - 0.1..=W - RIGHT + 0.1).contains(&x));
                assert!((TOP - 0.1..=H - BOTTOM + 0.1).contains(&y));
            }
        }
        assert_eq!(c.x_ticks.len(), 6);
    }

    #[test]
    fn out_of_range_points_are_left_out() {
        let obs = [Observation {
            x: 130.0,
            y: 20.0,
            flagged: false,
            label_index: 0,
        }];
        assert!(
            build(Indicator::WeightForHeight, Sex::Male, &obs)
                .points
                .is_empty()
        );
    }

    #[test]
    fn length_for_age_draws_the_730_731_step() {
        let xs = samples(Indicator::LengthForAge);
        assert!(xs.contains(&730.0) && xs.contains(&731.0));
    }
}
