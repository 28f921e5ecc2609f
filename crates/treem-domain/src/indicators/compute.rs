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
    let reference = period.reference_date();
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

    // Sum communes into every ancestor valid on the reference date.
    let mut all: HashMap<usize, [Count; 14]> = HashMap::new();
    for (c, into) in counted_in(history, &holds, reference) {
        let Some(counts) = communes.get(c) else {
            continue;
        };
        for i in into {
            let sum = all.entry(i).or_insert([Count::default(); 14]);
            for (s, c) in sum.iter_mut().zip(counts) {
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
    (out, holds)
}
