//! The gaps between groups of children (issue 18, item 3): the indicators
//! about individual children split by sex, ethnicity or household poverty.
//! Each child of a denominator counts in exactly one group (the empty name
//! is the group of unknown values), so the groups of an entry sum to it.

use std::collections::{BTreeMap, HashMap};

use super::compute::{compute_with, counted_in};
use super::{Count, Facts, KEYS, Period, Record, UnitFigures};
use crate::units::UnitHistory;

/// The indicators a breakdown splits: those counted child by child.
pub const BY_KEYS: [&str; 7] = [
    "birth_registration_u5",
    "underweight_u5",
    "stunting_u5",
    "preschool_5yo",
    "participation_awareness",
    "participation_11plus",
    "abuse_intervention",
];

/// What children are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// `M`, `F`.
    Sex,
    /// The official two-digit code (`08` Hmông…).
    Ethnicity,
    /// `poor`, `near_poor`, `none`.
    Poverty,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Sex, Dimension::Ethnicity, Dimension::Poverty];

    /// `sex`, `ethnicity`, `poverty`.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Sex => "sex",
            Dimension::Ethnicity => "ethnicity",
            Dimension::Poverty => "poverty",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == s)
    }
}

/// Each fact child's group: its name as an index into `names`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grouping {
    pub names: Vec<String>,
    /// By index in `Facts::children`.
    pub of_child: Vec<u32>,
}

impl Grouping {
    /// The grouping of children whose values are given in fact order
    /// (`None` or empty: unknown, the group `""`).
    pub fn new<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Grouping {
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let of_child = values
            .into_iter()
            .map(|v| {
                let name = v.unwrap_or("").trim();
                *index.entry(name.to_string()).or_insert_with(|| {
                    names.push(name.to_string());
                    (names.len() - 1) as u32
                })
            })
            .collect();
        Grouping { names, of_child }
    }
}

/// Each unit's counts per group, for the indicators of `BY_KEYS` (by
/// index in `KEYS`; the others stay zero).
pub type GroupCounts = BTreeMap<String, [Count; 14]>;

/// Every unit's figures (as `compute` gives them) and its counts split by
/// group, in one pass: each contribution of a child is also added to her
/// group.
pub fn compute_by(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    grouping: &Grouping,
) -> (Vec<UnitFigures>, HashMap<usize, GroupCounts>) {
    let reference = period.reference_date();
    let split: Vec<bool> = KEYS.iter().map(|k| BY_KEYS.contains(k)).collect();
    // By (commune, group): sparse, as a nation has thousands of communes.
    let mut communes: HashMap<(usize, u32), [Count; 14]> = HashMap::new();
    let (figures, holds) = compute_with(history, facts, period, &mut |c| {
        let Record::Child(i) = c.record else {
            return;
        };
        if !split[c.key] {
            return;
        }
        let group = grouping.of_child.get(i).copied().unwrap_or(u32::MAX);
        let counts = communes
            .entry((c.commune, group))
            .or_insert([Count::default(); 14]);
        counts[c.key].numerator += c.numerator;
        counts[c.key].denominator += c.denominator;
    });
    let name = |g: u32| grouping.names.get(g as usize).cloned().unwrap_or_default();
    let mut by_commune: HashMap<usize, Vec<(u32, [Count; 14])>> = HashMap::new();
    for ((commune, group), counts) in communes {
        by_commune.entry(commune).or_default().push((group, counts));
    }
    let mut out: HashMap<usize, GroupCounts> = HashMap::new();
    for (c, into) in counted_in(history, &holds, reference) {
        let Some(groups) = by_commune.get(&c) else {
            continue;
        };
        for unit in into {
            let sums = out.entry(unit).or_default();
            for (group, counts) in groups {
                let sum = sums.entry(name(*group)).or_insert([Count::default(); 14]);
                for (s, c) in sum.iter_mut().zip(counts) {
                    s.numerator += c.numerator;
                    s.denominator += c.denominator;
                }
            }
        }
    }
    (figures, out)
}

/// A group too small to compare (its denominator under 10).
pub const SMALL_GROUP: i64 = 10;

/// The gap of one indicator in one unit: the best and worst groups that
/// are large enough to compare, by their rate (the plan's direction: for
/// malnutrition the lowest rate is the best), and the difference in
/// percentage points.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub best: String,
    pub worst: String,
    pub points: f64,
}

/// The gap between the groups of `counts` (name, count) for an indicator.
pub fn gap<'a>(key: &str, counts: impl IntoIterator<Item = (&'a str, Count)>) -> Option<Gap> {
    let mut rated: Vec<(&str, f64)> = counts
        .into_iter()
        .filter(|(_, c)| c.denominator >= SMALL_GROUP)
        .filter_map(|(n, c)| Some((n, c.value()?)))
        .collect();
    if rated.len() < 2 {
        return None;
    }
    // Best first; ties by name, so the answer does not depend on order.
    let low = super::lower_is_better(key);
    rated.sort_by(|a, b| {
        let by_rate = if low {
            a.1.total_cmp(&b.1)
        } else {
            b.1.total_cmp(&a.1)
        };
        by_rate.then_with(|| a.0.cmp(b.0))
    });
    let (best, worst) = (rated[0], rated[rated.len() - 1]);
    Some(Gap {
        best: best.0.to_string(),
        worst: worst.0.to_string(),
        points: (best.1 - worst.1).abs(),
    })
}

#[cfg(test)]
#[path = "breakdown_tests.rs"]
mod tests;
