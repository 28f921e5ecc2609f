//! Summing the contributions into figures: each commune's counts, then
//! every unit valid on the reference date as the sum of its communes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::{Contribution, Count, Facts, Period, UnitFigures, each_contribution};
use crate::units::{Level, UnitHistory};

/// Each commune that holds a record and is valid on the reference date,
/// with the units it counts in: itself and its ancestors valid then.
pub fn counted_in(
    history: &UnitHistory,
    holds: &HashSet<usize>,
    reference: NaiveDate,
) -> Vec<(usize, Vec<usize>)> {
    let units = history.all();
    holds
        .iter()
        .filter_map(|&c| {
            let unit = units.get(c)?;
            if unit.level != Level::Commune || !unit.valid_on(reference) {
                return None;
            }
            let into = history
                .ancestors(unit)
                .into_iter()
                .filter(|a| a.valid_on(reference))
                .filter_map(|a| history.index_of(a))
                .collect();
            Some((c, into))
        })
        .collect()
}

/// Computes every indicator for the communes valid on the reference date
/// that hold a record, and for their ancestors valid then.
pub fn compute(history: &UnitHistory, facts: &Facts, period: Period) -> Vec<UnitFigures> {
    compute_with(history, facts, period, &mut |_| {}).0
}

/// `compute`, each contribution also handed to `also` (a breakdown counts
/// the same pass), with the communes that hold a record.
pub(super) fn compute_with(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    also: &mut dyn FnMut(&Contribution),
) -> (Vec<UnitFigures>, HashSet<usize>) {
    let units = history.all();
    // By unit index: a few hundred units take millions of contributions.
    let mut communes: Vec<[Count; 14]> = vec![[Count::default(); 14]; units.len()];
    let holds = each_contribution(history, facts, period, &mut |c| {
        if let Some(counts) = communes.get_mut(c.commune) {
            counts[c.key].numerator += c.numerator;
            counts[c.key].denominator += c.denominator;
        }
        also(&c);
    });
    let figures = sum_communes(
        history,
        holds.iter().filter_map(|&c| Some((c, communes.get(c)?))),
        period.reference_date(),
    );
    (figures, holds)
}

/// Every unit valid on the reference date as the sum of the communes given
/// (those that hold a record, with their counts): each commune valid then
/// and every ancestor valid then. Kept per-commune figures are summed here
/// exactly as freshly computed ones are.
pub fn sum_communes<'a>(
    history: &UnitHistory,
    communes: impl Iterator<Item = (usize, &'a [Count; 14])>,
    reference: NaiveDate,
) -> Vec<UnitFigures> {
    let units = history.all();
    let communes: HashMap<usize, &[Count; 14]> = communes.collect();
    let holds: HashSet<usize> = communes.keys().copied().collect();
    let mut all: HashMap<usize, [Count; 14]> = HashMap::new();
    for (c, into) in counted_in(history, &holds, reference) {
        let Some(counts) = communes.get(&c) else {
            continue;
        };
        for i in into {
            let sum = all.entry(i).or_insert([Count::default(); 14]);
            for (s, c) in sum.iter_mut().zip(counts.iter()) {
                s.numerator += c.numerator;
                s.denominator += c.denominator;
            }
        }
    }
    let mut out: Vec<UnitFigures> = all
        .into_iter()
        .map(|(unit, counts)| UnitFigures { unit, counts })
        .collect();
    out.sort_by(|a, b| {
        let (ua, ub) = (&units[a.unit], &units[b.unit]);
        (ua.level, &ua.code).cmp(&(ub.level, &ub.code))
    });
    out
}

/// Each commune valid on the reference date with the units whose records
/// count under it then: itself and every unit that has become it (by index
/// in the history, sorted). A commune's figures are computed from these
/// units' records alone.
pub fn preimages(history: &UnitHistory, reference: NaiveDate) -> HashMap<usize, Vec<usize>> {
    let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, u) in history.all().iter().enumerate() {
        let Some(now) = history.became(u, reference) else {
            continue;
        };
        if now.level != Level::Commune || !now.valid_on(reference) {
            continue;
        }
        if let Some(at) = history.index_of(now) {
            out.entry(at).or_default().push(i);
        }
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    out
}

/// The counts of the communes given, from facts that hold at least all of
/// their records (records of other communes may be among them and are left
/// out): whether each holds a record, and its fourteen counts.
pub fn commune_counts(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    communes: &[usize],
) -> Vec<(bool, [Count; 14])> {
    let mut counts: HashMap<usize, [Count; 14]> = communes
        .iter()
        .map(|&c| (c, [Count::default(); 14]))
        .collect();
    let holds = each_contribution(history, facts, period, &mut |c| {
        if let Some(counts) = counts.get_mut(&c.commune) {
            counts[c.key].numerator += c.numerator;
            counts[c.key].denominator += c.denominator;
        }
    });
    communes
        .iter()
        .map(|c| {
            (
                holds.contains(c),
                counts.get(c).copied().unwrap_or_default(),
            )
        })
        .collect()
}
