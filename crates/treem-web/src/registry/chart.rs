//! Growth charts as server-rendered SVG: the WHO curves at −3, −2, 0, +2 and
//! +3 SD for the child's sex, and the child's measurements joined in time
//! order, implausible ones marked. The y axis is always the one the WHO
//! lines call for: a value beyond it (a typing error such as 95 kg at 21
//! months) is drawn at the axis's edge with its value written beside it,
//! never by stretching the chart until the child's curve is a flat line.
//! Geometry here; markup in the template.

use std::sync::{Arc, OnceLock};

use treem_domain::i18n::{Lang, fmt_decimal};
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
#[derive(Clone)]
pub struct Curve {
    /// Shared: the curves of the usual y range are drawn once per server.
    pub points: Arc<str>,
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
    /// The value, written beside the point when it lies beyond the axis
    /// and is drawn at its edge.
    pub off_scale: Option<String>,
    /// Whether that value is written to the point's left (right half) and
    /// below it (at the top edge).
    pub label_left: bool,
    pub label_below: bool,
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

/// The WHO lines of one chart, which depend only on the indicator and the
/// sex: computed once per server, with the curves drawn for the y range they
/// span, which is every chart's axis (drawing them per page would be about
/// 2,600 LMS evaluations and 1,900 formatted points, most of a page's time).
struct Reference {
    xs: Vec<f64>,
    /// The values of each of `LINES` at each of `xs`.
    lines: Vec<Vec<Option<f64>>>,
    /// The lowest and highest values of the ±3 SD lines.
    envelope: (f64, f64),
    /// The y axis (low, high): the envelope widened to round steps; and
    /// its curves.
    usual: (f64, f64),
    usual_curves: Vec<Curve>,
}

const INDICATORS: [Indicator; 4] = [
    Indicator::WeightForAge,
    Indicator::LengthForAge,
    Indicator::WeightForLength,
    Indicator::WeightForHeight,
];

fn reference(indicator: Indicator, sex: Sex) -> &'static Reference {
    static ALL: OnceLock<Vec<Reference>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        INDICATORS
            .iter()
            .flat_map(|&i| [Sex::Male, Sex::Female].map(|s| Reference::new(i, s)))
            .collect()
    });
    let i = INDICATORS.iter().position(|&i| i == indicator).unwrap_or(0);
    &all[i * 2 + usize::from(sex == Sex::Female)]
}

impl Reference {
    fn new(indicator: Indicator, sex: Sex) -> Reference {
        let xs = samples(indicator);
        let lines: Vec<Vec<Option<f64>>> = LINES
            .iter()
            .map(|&(k, _, _)| xs.iter().map(|&x| curve_at(indicator, sex, x, k)).collect())
            .collect();
        let envelope = [&lines[0], &lines[4]]
            .into_iter()
            .flatten()
            .flatten()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &y| {
                (lo.min(y), hi.max(y))
            });
        let mut r = Reference {
            xs,
            lines,
            envelope,
            usual: y_axis(envelope),
            usual_curves: Vec::new(),
        };
        r.usual_curves = r.curves(indicator, r.usual);
        r
    }

    /// The curves drawn for the y axis `(low, high)`.
    fn curves(&self, indicator: Indicator, y_axis: (f64, f64)) -> Vec<Curve> {
        let (x_lo, x_hi, _) = x_range(indicator);
        let (sx, sy) = (scale_x(x_lo, x_hi), scale_y(y_axis));
        LINES
            .iter()
            .zip(&self.lines)
            .map(|(&(_, label, class), ys)| {
                let pts: Vec<String> = self
                    .xs
                    .iter()
                    .zip(ys)
                    .filter_map(|(&x, y)| y.map(|y| format!("{},{}", fmt(sx(x)), fmt(sy(y)))))
                    .collect();
                // The label sits by the line's value at the axis's end.
                let end = self
                    .xs
                    .iter()
                    .zip(ys)
                    .rfind(|(x, _)| **x == x_hi)
                    .and_then(|(_, y)| *y)
                    .map(&sy)
                    .unwrap_or(0.0);
                Curve {
                    points: pts.join(" ").into(),
                    label,
                    class,
                    label_y: fmt(end + 3.0),
                }
            })
            .collect()
    }
}

/// The y axis (low, high) for values spanning `(lo, hi)`: widened to whole
/// steps of a round size.
fn y_axis((lo, hi): (f64, f64)) -> (f64, f64) {
    let step = nice_step(hi - lo);
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

fn scale_x(x_lo: f64, x_hi: f64) -> impl Fn(f64) -> f64 {
    move |x| LEFT + (x - x_lo) / (x_hi - x_lo) * (W - LEFT - RIGHT)
}

fn scale_y((y_lo, y_hi): (f64, f64)) -> impl Fn(f64) -> f64 {
    move |y| TOP + (y_hi - y) / (y_hi - y_lo).max(1e-9) * (H - TOP - BOTTOM)
}

/// Builds a chart for a child of `sex` with her observations; values
/// beyond the axis are written in `lang`.
pub fn build(indicator: Indicator, sex: Sex, observations: &[Observation], lang: Lang) -> Chart {
    let (x_lo, x_hi, _) = x_range(indicator);
    let reference = reference(indicator, sex);
    let visible: Vec<&Observation> = observations
        .iter()
        .filter(|o| o.x >= x_lo && o.x <= x_hi)
        .collect();
    let axis = reference.usual;
    let curves = reference.usual_curves.clone();
    let step = nice_step(reference.envelope.1 - reference.envelope.0);
    let (y_lo, y_hi) = axis;
    let sx = scale_x(x_lo, x_hi);
    let sy = scale_y(axis);
    let at_edge = |y: f64| sy(y.clamp(y_lo, y_hi));
    let mut ordered = visible.clone();
    ordered.sort_by_key(|o| o.label_index);
    let path = ordered
        .iter()
        .map(|o| format!("{},{}", fmt(sx(o.x)), fmt(at_edge(o.y))))
        .collect::<Vec<_>>()
        .join(" ");
    let points = ordered
        .iter()
        .map(|o| {
            let beyond = !(y_lo..=y_hi).contains(&o.y);
            Point {
                cx: fmt(sx(o.x)),
                cy: fmt(at_edge(o.y)),
                flagged: o.flagged || beyond,
                label_index: o.label_index,
                off_scale: beyond.then(|| fmt_decimal(o.y, 1, lang)),
                label_left: sx(o.x) > W / 2.0,
                label_below: o.y > y_hi,
            }
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
        let c = build(Indicator::WeightForAge, Sex::Female, &obs, Lang::Vi);
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
            build(Indicator::WeightForHeight, Sex::Male, &obs, Lang::Vi)
                .points
                .is_empty()
        );
    }

    /// The curves drawn once per server are the curves the chart's own axis
    /// calls for, whatever the measurements.
    #[test]
    fn shared_curves_match_the_axis_they_are_drawn_on() {
        // A child on the median line, half-way along the axis.
        let median = |r: &Reference| {
            let i = r.xs.len() / 2;
            [Observation {
                x: r.xs[i],
                y: r.lines[2][i].unwrap_or(0.0),
                flagged: false,
                label_index: 0,
            }]
        };
        for sex in [Sex::Male, Sex::Female] {
            for indicator in INDICATORS {
                let r = reference(indicator, sex);
                let c = build(indicator, sex, &median(r), Lang::Vi);
                let fresh = r.curves(indicator, r.usual);
                let drawn: Vec<&str> = c.curves.iter().map(|c| &*c.points).collect();
                let expected: Vec<&str> = fresh.iter().map(|c| &*c.points).collect();
                assert_eq!(drawn, expected, "{indicator:?} {sex:?}");
                assert!(drawn.iter().all(|p| p.split(' ').count() > 100));
            }
        }
        // 95 kg typed for 95 hg at 21 months: the axis stays the usual one
        // and the point sits at its top edge, flagged, with its value.
        let heavy = [Observation {
            x: 640.0,
            y: 95.0,
            flagged: false,
            label_index: 0,
        }];
        let r = reference(Indicator::WeightForAge, Sex::Male);
        let usual = build(Indicator::WeightForAge, Sex::Male, &median(r), Lang::Vi);
        let typo = build(Indicator::WeightForAge, Sex::Male, &heavy, Lang::Vi);
        assert_eq!(usual.curves[0].points, typo.curves[0].points);
        let top = |c: &Chart| c.y_ticks.last().map(|t| t.label.clone());
        assert_eq!(top(&usual), top(&typo));
        let p = &typo.points[0];
        assert_eq!(p.cy, fmt(TOP));
        assert!(p.flagged);
        assert_eq!(p.off_scale.as_deref(), Some("95,0"));
        assert!(usual.points[0].off_scale.is_none());
        // Below the axis: at the bottom edge.
        let light = [Observation {
            y: -4.0,
            ..heavy[0]
        }];
        let c = build(Indicator::WeightForAge, Sex::Male, &light, Lang::En);
        assert_eq!(c.points[0].cy, fmt(H - BOTTOM));
        assert_eq!(c.points[0].off_scale.as_deref(), Some("-4.0"));
    }

    #[test]
    fn length_for_age_draws_the_730_731_step() {
        let xs = samples(Indicator::LengthForAge);
        assert!(xs.contains(&730.0) && xs.contains(&731.0));
    }
}
