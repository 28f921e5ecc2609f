//! The gaps between groups of children (issue 18, item 3): the indicators
//! about individual children split by sex, ethnicity or household poverty.
//! Each child of a denominator counts in exactly one group (the empty name
//! is the group of unknown values), so the groups of an entry sum to it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::compute::{compute_with, counted_in};
use super::{Contribution, Count, Facts, KEYS, Period, Record, UnitFigures, each_contribution};
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
    let split = split_keys();
    // By (commune, group): sparse, as a nation has thousands of communes.
    let mut communes: HashMap<(usize, u32), [Count; 14]> = HashMap::new();
    let (figures, holds) = compute_with(history, facts, period, &mut |c| {
        if let Some(group) = group_of(&split, grouping, c) {
            add(communes.entry((c.commune, group)).or_default(), c);
        }
    });
    let mut by_commune: HashMap<usize, GroupCounts> = HashMap::new();
    for ((commune, group), counts) in communes {
        let name = grouping.names.get(group as usize).cloned();
        let of = by_commune.entry(commune).or_default();
        merge(of.entry(name.unwrap_or_default()).or_default(), &counts);
    }
    let holding = by_commune.iter().filter(|(c, _)| holds.contains(c));
    let sums = sum_groups(
        history,
        holding.map(|(c, g)| (*c, g)),
        period.reference_date(),
    );
    (figures, sums)
}

/// Whether an indicator (by index in `KEYS`) is split.
fn split_keys() -> [bool; 14] {
    let mut split = [false; 14];
    for (s, k) in split.iter_mut().zip(KEYS) {
        *s = BY_KEYS.contains(&k);
    }
    split
}

/// The group a contribution is added to: a child's, for a split indicator.
fn group_of(split: &[bool; 14], grouping: &Grouping, c: &Contribution) -> Option<u32> {
    let Record::Child(i) = c.record else {
        return None;
    };
    split[c.key].then(|| grouping.of_child.get(i).copied().unwrap_or(u32::MAX))
}

/// Adds `from` into `into` (two groups of the same name: one).
fn merge(into: &mut [Count; 14], from: &[Count; 14]) {
    for (s, c) in into.iter_mut().zip(from) {
        s.numerator += c.numerator;
        s.denominator += c.denominator;
    }
}

fn add(counts: &mut [Count; 14], c: &Contribution) {
    counts[c.key].numerator += c.numerator;
    counts[c.key].denominator += c.denominator;
}

/// The given communes' counts split by each grouping (in the order of
/// `groupings`), computed from facts that hold every record under them,
/// with whether each holds a record (as `commune_counts`): what a
/// commune's kept breakdowns are.
pub fn commune_groups(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    communes: &[usize],
    groupings: &[&Grouping],
) -> Vec<(bool, Vec<GroupCounts>)> {
    let split = split_keys();
    let wanted: HashSet<usize> = communes.iter().copied().collect();
    // By (commune, grouping, group).
    let mut counts: HashMap<(usize, usize, u32), [Count; 14]> = HashMap::new();
    let holds = each_contribution(history, facts, period, &mut |c| {
        if !wanted.contains(&c.commune) {
            return;
        }
        for (g, grouping) in groupings.iter().enumerate() {
            if let Some(group) = group_of(&split, grouping, &c) {
                add(counts.entry((c.commune, g, group)).or_default(), &c);
            }
        }
    });
    let mut out: HashMap<usize, Vec<GroupCounts>> = HashMap::new();
    for ((commune, g, group), c) in counts {
        let name = groupings[g].names.get(group as usize).cloned();
        let of = out
            .entry(commune)
            .or_insert_with(|| vec![GroupCounts::new(); groupings.len()]);
        merge(of[g].entry(name.unwrap_or_default()).or_default(), &c);
    }
    communes
        .iter()
        .map(|c| {
            let groups = out
                .remove(c)
                .unwrap_or_else(|| vec![GroupCounts::new(); groupings.len()]);
            (holds.contains(c), groups)
        })
        .collect()
}

/// Every unit valid on the reference date with the sum of its communes'
/// group counts (the communes given hold a record), as `sum_communes` sums
/// their figures.
pub fn sum_groups<'a>(
    history: &UnitHistory,
    communes: impl Iterator<Item = (usize, &'a GroupCounts)>,
    reference: NaiveDate,
) -> HashMap<usize, GroupCounts> {
    let communes: HashMap<usize, &GroupCounts> = communes.collect();
    let holds: HashSet<usize> = communes.keys().copied().collect();
    let mut out: HashMap<usize, GroupCounts> = HashMap::new();
    for (c, into) in counted_in(history, &holds, reference) {
        let Some(groups) = communes.get(&c) else {
            continue;
        };
        for unit in into {
            let sums = out.entry(unit).or_default();
            for (group, counts) in groups.iter() {
                merge(sums.entry(group.clone()).or_default(), counts);
            }
        }
    }
    out
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
