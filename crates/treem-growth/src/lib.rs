//! WHO Child Growth Standards 2006 z-scores, computed exactly as WHO Anthro
//! does (the method is summarised in `tables/README.md`; each rule below
//! names its number there).
//!
//! Pure and allocation-free per call: the tables are compiled in and indexed
//! by day or by tenth of a centimetre.

mod tables;

pub use tables::Lms;
use tables::{TABLES, Table};

/// Sex, WHO coding (1 = boys, 2 = girls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    fn index(self) -> usize {
        match self {
            Sex::Male => 0,
            Sex::Female => 1,
        }
    }
}

/// How length/height was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Recumbent length.
    Lying,
    /// Standing height.
    Standing,
}

/// One measurement. Lengths and weights are as measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    pub sex: Sex,
    /// Whole days from birth to measurement; `None` when the age is unknown.
    pub age_days: Option<i64>,
    pub weight_kg: Option<f64>,
    /// Length or height as measured, in cm.
    pub length_cm: Option<f64>,
    /// `None` when the position was not recorded.
    pub position: Option<Position>,
    /// Bilateral pitting oedema.
    pub oedema: bool,
    pub head_cm: Option<f64>,
}

/// One z-score, rounded to two decimals, with WHO's implausibility flag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Z {
    pub value: f64,
    /// Biologically implausible by WHO's limits (rule 12).
    pub flagged: bool,
}

/// Everything WHO computes for a measurement; `None` where it computes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ZScores {
    /// The length/height after the 0.7 cm adjustment, in cm.
    pub clen_cm: Option<f64>,
    /// A standing measurement under 9 months, whose position was discarded.
    pub c9mo_flag: bool,
    pub waz: Option<Z>,
    pub haz: Option<Z>,
    pub whz: Option<Z>,
    pub baz: Option<Z>,
    pub hcz: Option<Z>,
}

/// Days from birth after which WHO computes no z-score: age in months
/// (days / 30.4375) must stay below 60 (rule 5).
pub const MAX_AGE_DAYS: i64 = 1826;

/// Under 731 days a child is measured lying, from 731 days standing (rule 6).
const LYING_UNTIL_DAYS: i64 = 730;

/// Standing under 9 months (days / 30.4375 < 9) is implausible (rule 6).
const NINE_MONTHS_DAYS: i64 = 273;

/// The LMS z-score (rule 1).
fn z_lms(y: f64, p: Lms) -> f64 {
    if p.l == 0.0 {
        (y / p.m).ln() / p.s
    } else if p.l == 1.0 {
        (y / p.m - 1.0) / p.s
    } else {
        ((y / p.m).powf(p.l) - 1.0) / (p.l * p.s)
    }
}

/// The value at `k` standard deviations.
fn sd(k: f64, p: Lms) -> f64 {
    p.m * (1.0 + p.l * p.s * k).powf(1.0 / p.l)
}

/// The z-score with WHO's restricted application beyond ±3 SD, used for the
/// weight-based indicators (rule 2).
fn z_restricted(y: f64, p: Lms) -> f64 {
    let z = z_lms(y, p);
    if z > 3.0 {
        let sd3 = sd(3.0, p);
        3.0 + (y - sd3) / (sd3 - sd(2.0, p))
    } else if z < -3.0 {
        let sd3 = sd(-3.0, p);
        -3.0 + (y - sd3) / (sd(-2.0, p) - sd3)
    } else {
        z
    }
}

/// Rounds to two decimals, half away from zero (rule 3).
fn round2(z: f64) -> f64 {
    (z * 100.0).round() / 100.0
}

fn make(z: f64, low: f64, high: f64) -> Option<Z> {
    if !z.is_finite() {
        return None;
    }
    let value = round2(z);
    Some(Z {
        value,
        flagged: value < low || value > high,
    })
}

/// A measure in thousandths of its unit, so the 0.7 cm adjustment and the
/// 0.1 cm table steps are exact (rule 8's floating-point trap).
fn milli(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// L, M and S at a length in thousandths of a cm, interpolated linearly
/// between the neighbouring 0.1 cm rows (rule 8); `None` outside the table.
fn at_length(table: &Table, sex: usize, x_milli: i64) -> Option<Lms> {
    let tenth = x_milli.div_euclid(100);
    let rest = x_milli.rem_euclid(100);
    let lo = table.at(sex, tenth)?;
    if rest == 0 {
        return Some(lo);
    }
    let hi = table.at(sex, tenth + 1)?;
    let f = rest as f64 / 100.0;
    Some(Lms {
        l: lo.l + f * (hi.l - lo.l),
        m: lo.m + f * (hi.m - lo.m),
        s: lo.s + f * (hi.s - lo.s),
    })
}

/// The adjusted length in thousandths of a cm and the under-9-months flag
/// (rule 6).
fn adjusted_length(length_milli: i64, age: Option<i64>, position: Option<Position>) -> (i64, bool) {
    match (age, position) {
        (Some(a), Some(Position::Standing)) if a <= LYING_UNTIL_DAYS => {
            if a <= NINE_MONTHS_DAYS {
                (length_milli, true)
            } else {
                (length_milli + 700, false)
            }
        }
        (Some(a), Some(Position::Lying)) if a > LYING_UNTIL_DAYS => (length_milli - 700, false),
        _ => (length_milli, false),
    }
}

/// Weight-for-length or weight-for-height, chosen by age, else by position,
/// else by length (rule 7).
fn whz(
    sex: usize,
    weight: f64,
    clen_milli: i64,
    age: Option<i64>,
    position: Option<Position>,
) -> Option<f64> {
    let t = &*TABLES;
    let use_wfl = match (age, position) {
        (Some(a), _) => a <= LYING_UNTIL_DAYS,
        (None, Some(p)) => p == Position::Lying,
        (None, None) => clen_milli < 87_000,
    };
    let table = if use_wfl { &t.wfl } else { &t.wfh };
    let lo = i64::from(table.first) * 100;
    let hi = table.last() * 100;
    if clen_milli < lo || clen_milli > hi {
        return None;
    }
    Some(z_restricted(weight, at_length(table, sex, clen_milli)?))
}

/// Computes every z-score WHO computes for a measurement.
pub fn zscores(m: &Measurement) -> ZScores {
    let t = &*TABLES;
    let sex = m.sex.index();
    let positive = |v: Option<f64>| v.filter(|x| *x > 0.0 && x.is_finite());
    let weight = positive(m.weight_kg);
    let length = positive(m.length_cm);
    let head = positive(m.head_cm);
    // Rule 5: with a known age, nothing is computed outside 0..=1826 days.
    let age = m.age_days;
    if age.is_some_and(|a| !(0..=MAX_AGE_DAYS).contains(&a)) {
        let clen_cm = length.map(|l| adjusted_length(milli(l), age, m.position).0 as f64 / 1000.0);
        return ZScores {
            clen_cm,
            ..ZScores::default()
        };
    }
    let (clen, c9mo_flag) = match length {
        Some(l) => {
            let (c, flag) = adjusted_length(milli(l), age, m.position);
            (Some(c), flag)
        }
        None => (None, false),
    };
    // Rule 6: a discarded position is treated as unknown.
    let position = if c9mo_flag { None } else { m.position };
    // Rule 10: oedema suppresses the weight-based indicators.
    let weight_ok = weight.filter(|_| !m.oedema);
    let by_age = |table: &Table| age.and_then(|a| table.at(sex, a));
    let waz = weight_ok
        .zip(by_age(&t.wfa))
        .and_then(|(w, p)| make(z_restricted(w, p), -6.0, 5.0));
    let haz = clen
        .zip(by_age(&t.lhfa))
        .and_then(|(c, p)| make(z_lms(c as f64 / 1000.0, p), -6.0, 6.0));
    let whz = weight_ok
        .zip(clen)
        .and_then(|(w, c)| whz(sex, w, c, age, position))
        .and_then(|z| make(z, -5.0, 5.0));
    let baz = weight_ok
        .zip(clen)
        .zip(by_age(&t.bfa))
        .and_then(|((w, c), p)| {
            let metres = c as f64 / 100_000.0;
            make(z_restricted(w / (metres * metres), p), -5.0, 5.0)
        });
    let hcz = head
        .zip(by_age(&t.hcfa))
        .and_then(|(h, p)| make(z_lms(h, p), -5.0, 5.0));
    ZScores {
        clen_cm: clen.map(|c| c as f64 / 1000.0),
        c9mo_flag,
        waz,
        haz,
        whz,
        baz,
        hcz,
    }
}

/// The value at `k` SD of an age-based indicator on a day, for growth
/// charts (`None` outside the table). `indicator` is `wfa`, `lhfa`, `bfa` or
/// `hcfa`.
pub fn curve_by_age(indicator: &str, sex: Sex, age_days: i64, k: f64) -> Option<f64> {
    let t = &*TABLES;
    let table = match indicator {
        "wfa" => &t.wfa,
        "lhfa" => &t.lhfa,
        "bfa" => &t.bfa,
        "hcfa" => &t.hcfa,
        _ => return None,
    };
    table.at(sex.index(), age_days).map(|p| sd(k, p))
}

/// The value at `k` SD of weight-for-length (`lying`) or weight-for-height at
/// a length in cm, for growth charts.
pub fn curve_by_length(position: Position, sex: Sex, length_cm: f64, k: f64) -> Option<f64> {
    let t = &*TABLES;
    let table = match position {
        Position::Lying => &t.wfl,
        Position::Standing => &t.wfh,
    };
    at_length(table, sex.index(), milli(length_cm)).map(|p| sd(k, p))
}

/// The six tables as JSON for the offline page's own computation
/// (`assets/offline/who.js`): `{"wfa": {"first": 0, "rows": [[l, m, s, …
/// boys], [… girls]]}, …}`, each number written as the shortest text that
/// reads back as the same double, so the browser computes with exactly the
/// values used here.
pub fn tables_json() -> String {
    let t = &*TABLES;
    let mut out = String::from("{");
    for (i, (name, table)) in [
        ("wfa", &t.wfa),
        ("lhfa", &t.lhfa),
        ("wfl", &t.wfl),
        ("wfh", &t.wfh),
        ("bfa", &t.bfa),
        ("hcfa", &t.hcfa),
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        let sexes: Vec<String> = table
            .rows
            .iter()
            .map(|rows| {
                let values: Vec<String> = rows
                    .iter()
                    .flat_map(|p| [p.l, p.m, p.s])
                    .map(|v| v.to_string())
                    .collect();
                format!("[{}]", values.join(","))
            })
            .collect();
        out.push_str(&format!(
            "\"{name}\":{{\"first\":{},\"rows\":[{}]}}",
            table.first,
            sexes.join(",")
        ));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests;
