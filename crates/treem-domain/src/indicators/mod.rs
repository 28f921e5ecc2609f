//! The plan's fourteen indicators (shared/spec/indicators.md), computed from
//! plain facts for every unit valid on a reference date: numerator and
//! denominator per unit, then value, target and status. No storage here:
//! the caller loads the facts, with each record's unit given as its index
//! in the `UnitHistory`.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::child::ChildStatus;
use crate::units::{Level, UnitHistory};

mod names;
pub use names::{name_vi, name_vi_on};
mod breakdown;
mod compute;
mod facts;
mod targets;

pub use breakdown::*;
pub use compute::*;

pub use facts::*;
pub use targets::*;

/// The indicators, in the order of the contract.
pub const KEYS: [&str; 14] = [
    "child_friendly_communes",
    "play_spots",
    "school_sanitation",
    "school_psych_support",
    "disaster_relief",
    "abuse_intervention",
    "birth_registration_u5",
    "underweight_u5",
    "stunting_u5",
    "preschool_5yo",
    "primary_completion",
    "lower_secondary_graduation",
    "participation_awareness",
    "participation_11plus",
];

/// Whether the plan wants the indicator low (malnutrition): its numerator
/// counts the children to act on, where for every other indicator the
/// children to act on are those missing from the numerator.
pub fn lower_is_better(key: &str) -> bool {
    matches!(key, "underweight_u5" | "stunting_u5")
}

/// A percentage as shown: rounded half up to one decimal, decimal comma.
pub fn shown(value: f64) -> String {
    format!("{:.1}", (value * 10.0 + 0.5).floor() / 10.0).replace('.', ",")
}

/// Index of an indicator in `KEYS`.
fn at(key: &str) -> usize {
    KEYS.iter().position(|k| *k == key).unwrap_or(0)
}

/// Age in completed years on a date (the birthday rule).
fn years(born: NaiveDate, on: NaiveDate) -> i32 {
    on.years_since(born).map_or(-1, |y| y as i32)
}

/// Resident at the reference date: born by then and not moved away or dead
/// on or before it.
fn resident(c: &ChildFact, reference: NaiveDate) -> bool {
    c.born <= reference
        && !(c.status != ChildStatus::Active && c.status_date.is_none_or(|d| d <= reference))
}

/// For each child, each indicator she counts in (`None`: not in its
/// denominator; `Some(yes)`: in it, and in the numerator when `yes`). The
/// one place the child-level definitions live: the figures and the
/// drill-down lists both come from it.
pub fn child_memberships(facts: &Facts, period: Period) -> Vec<[Option<bool>; 14]> {
    let reference = period.reference_date();
    let start = period.start();
    let mut out = vec![[None; 14]; facts.children.len()];
    let set = |flags: &mut [Option<bool>; 14], key: usize, yes: bool| flags[key] = Some(yes);
    // Children: birth registration, participation, preschool.
    let awareness_from = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut aware = vec![false; facts.children.len()];
    let mut active11 = vec![false; facts.children.len()];
    for p in &facts.participation {
        if p.date > reference || p.child >= aware.len() {
            continue;
        }
        if p.kind == "awareness" && p.date >= awareness_from {
            aware[p.child] = true;
        }
        if matches!(p.kind.as_str(), "forum" | "club" | "council") && p.date >= start {
            active11[p.child] = true;
        }
    }
    let school_year = period.school_year();
    let mut preschool = vec![false; facts.children.len()];
    for e in &facts.enrolments {
        if e.school_year == school_year
            && e.level == "preschool"
            && e.status != "dropped_out"
            && e.child < preschool.len()
        {
            preschool[e.child] = true;
        }
    }
    for (i, c) in facts.children.iter().enumerate() {
        if !resident(c, reference) {
            continue;
        }
        let age_days = (reference - c.born).num_days();
        if age_days <= 1826 {
            let registered = c.birth_registered == Some(true)
                && c.birth_registration_date.is_none_or(|d| d <= reference);
            set(&mut out[i], at("birth_registration_u5"), registered);
        }
        if c.born.year() == period.year - 6 {
            set(&mut out[i], at("preschool_5yo"), preschool[i]);
        }
        let age = years(c.born, reference);
        if (6..=15).contains(&age) {
            set(&mut out[i], at("participation_awareness"), aware[i]);
        }
        if (11..=15).contains(&age) {
            set(&mut out[i], at("participation_11plus"), active11[i]);
        }
    }

    // Anthropometry: each resident child's latest measurement in the period
    // with a valid z-score at 0–59 months, for WAZ and HAZ separately.
    // By child index: a million children's latest values in two vectors.
    let n = facts.children.len();
    let mut latest_waz: Vec<Option<(NaiveDate, f64)>> = vec![None; n];
    let mut latest_haz: Vec<Option<(NaiveDate, f64)>> = vec![None; n];
    for m in &facts.measurements {
        if m.measured_on < start
            || m.measured_on > reference
            || m.age_days > 1826
            || m.age_days < 0
            || m.child >= n
        {
            continue;
        }
        let keep = |slot: &mut Option<(NaiveDate, f64)>, z: Option<f64>, flagged: bool| {
            if let (Some(z), false) = (z, flagged)
                && slot.is_none_or(|(on, _)| m.measured_on > on)
            {
                *slot = Some((m.measured_on, z));
            }
        };
        keep(&mut latest_waz[m.child], m.waz, m.waz_flagged);
        keep(&mut latest_haz[m.child], m.haz, m.haz_flagged);
    }
    for (latest, key) in [
        (&latest_waz, "underweight_u5"),
        (&latest_haz, "stunting_u5"),
    ] {
        for (child, slot) in latest.iter().enumerate() {
            if let Some((_, z)) = slot
                && resident(&facts.children[child], reference)
            {
                set(&mut out[child], at(key), *z < -2.0);
            }
        }
    }

    // Protection cases reported in the period, by child.
    let mut case_children: HashMap<usize, bool> = HashMap::new();
    for k in &facts.cases {
        if k.reported_on < start || k.reported_on > reference {
            continue;
        }
        let helped = k.intervention_started_on.is_some_and(|d| d <= reference);
        let e = case_children.entry(k.child).or_insert(false);
        *e |= helped;
    }
    for (child, helped) in case_children {
        if let Some(flags) = out.get_mut(child) {
            set(flags, at("abuse_intervention"), helped);
        }
    }

    out
}

/// The indicators that are about individual children (their drill-down is a
/// list of children).
pub const CHILD_KEYS: [&str; 6] = [
    "birth_registration_u5",
    "underweight_u5",
    "stunting_u5",
    "preschool_5yo",
    "participation_awareness",
    "participation_11plus",
];

/// The records behind one indicator of one unit (index in the history,
/// valid on the reference date): every contribution of a commune under it.
pub fn members(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    key: &str,
    unit: usize,
) -> Vec<Contribution> {
    let Some(k) = KEYS.iter().position(|x| *x == key) else {
        return Vec::new();
    };
    let units = history.all();
    let Some(root) = units.get(unit) else {
        return Vec::new();
    };
    let reference = period.reference_date();
    let mut under: HashMap<usize, bool> = HashMap::new();
    let mut out = Vec::new();
    each_contribution(history, facts, period, &mut |c| {
        if c.key != k {
            return;
        }
        let inside = *under.entry(c.commune).or_insert_with(|| {
            units.get(c.commune).is_some_and(|u| {
                u.valid_on(reference) && history.ancestors(u).iter().any(|a| std::ptr::eq(*a, root))
            })
        });
        if inside {
            out.push(c);
        }
    });
    out
}

/// The children behind one of the `CHILD_KEYS` indicators of one unit:
/// each child of the denominator, with whether she is in the numerator.
pub fn child_members(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    key: &str,
    unit: usize,
) -> Vec<(usize, bool)> {
    members(history, facts, period, key, unit)
        .into_iter()
        .filter_map(|c| match c.record {
            Record::Child(i) => Some((i, c.numerator > 0)),
            _ => None,
        })
        .collect()
}

/// A record's part in one indicator of the commune it counts under: how
/// much it adds to the numerator and the denominator (a child, a school or
/// a commune adds 1 to the denominator; a disaster its children).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    pub commune: usize,
    pub key: usize,
    pub record: Record,
    pub numerator: i64,
    pub denominator: i64,
}

impl Contribution {
    fn one(commune: usize, key: usize, record: Record, yes: bool) -> Self {
        Contribution {
            commune,
            key,
            record,
            numerator: i64::from(yes),
            denominator: 1,
        }
    }
}

/// The record behind a contribution (indexes into `Facts`, or a unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Record {
    Child(usize),
    School(usize),
    Enrolment(usize),
    Disaster(usize),
    /// A commune (its index in the history).
    Commune(usize),
}

/// Every record's contribution to every indicator on the reference date —
/// the one place the definitions live: the figures sum them, and the
/// drill-down lists them. Returns the communes that hold a record.
pub fn each_contribution(
    history: &UnitHistory,
    facts: &Facts,
    period: Period,
    emit: &mut dyn FnMut(Contribution),
) -> HashSet<usize> {
    let reference = period.reference_date();
    let start = period.start();
    let units = history.all();
    // Where a record's unit stands on the reference date (itself, or what it
    // has become), by unit index; `None` when it cannot be placed.
    let mut placed: HashMap<usize, Option<usize>> = HashMap::new();
    let mut place = |unit: usize| -> Option<usize> {
        *placed.entry(unit).or_insert_with(|| {
            let u = units.get(unit)?;
            let now = history.became(u, reference)?;
            history.index_of(now)
        })
    };
    let mut holds: HashSet<usize> = HashSet::new();
    let child_commune: Vec<Option<usize>> = facts.children.iter().map(|c| place(c.unit)).collect();
    holds.extend(child_commune.iter().flatten());

    let school_year = period.school_year();
    // Indicators about children, child by child.
    for (i, flags) in child_memberships(facts, period).iter().enumerate() {
        for (key, yes) in flags.iter().enumerate() {
            if let (Some(yes), Some(commune)) = (yes, child_commune[i]) {
                emit(Contribution::one(commune, key, Record::Child(i), *yes));
            }
        }
    }

    // Schools: each school's latest record of year ≤ Y.
    let mut latest_school: HashMap<&str, (usize, &SchoolFact)> = HashMap::new();
    for (i, s) in facts.schools.iter().enumerate() {
        holds.extend(place(s.unit));
        if s.year > i64::from(period.year) {
            continue;
        }
        let e = latest_school
            .entry(s.school_code.as_str())
            .or_insert((i, s));
        if s.year > e.1.year {
            *e = (i, s);
        }
    }
    let mut school_commune: HashMap<&str, Option<usize>> = HashMap::new();
    for (code, (i, s)) in &latest_school {
        let commune = place(s.unit);
        school_commune.insert(code, commune);
        if let Some(c) = commune {
            emit(Contribution::one(
                c,
                at("school_sanitation"),
                Record::School(*i),
                s.sanitation_standard,
            ));
            emit(Contribution::one(
                c,
                at("school_psych_support"),
                Record::School(*i),
                s.psych_support,
            ));
        }
    }
    for (i, e) in facts.enrolments.iter().enumerate() {
        if e.school_year != school_year || e.status == "transferred" {
            continue;
        }
        let Some(commune) = school_commune
            .get(e.school_code.as_str())
            .copied()
            .flatten()
        else {
            continue;
        };
        let record = Record::Enrolment(i);
        match e.grade {
            Some(5) => emit(Contribution::one(
                commune,
                at("primary_completion"),
                record,
                e.status == "completed",
            )),
            Some(9) => emit(Contribution::one(
                commune,
                at("lower_secondary_graduation"),
                record,
                e.status == "graduated",
            )),
            _ => {}
        }
    }

    // Disasters in the period: children affected and supported in time.
    for (i, d) in facts.disasters.iter().enumerate() {
        let commune = place(d.unit);
        holds.extend(commune);
        if d.occurred_on < start || d.occurred_on > reference {
            continue;
        }
        if let Some(c) = commune {
            emit(Contribution {
                commune: c,
                key: at("disaster_relief"),
                record: Record::Disaster(i),
                numerator: d.supported,
                denominator: d.affected,
            });
        }
    }

    // Assessments belong to their own unit version and never pass on.
    let mut latest_assessment: HashMap<usize, &AssessmentFact> = HashMap::new();
    for a in &facts.assessments {
        if let Some(c) = place(a.unit) {
            holds.insert(c);
        }
        if a.year > i64::from(period.year) {
            continue;
        }
        let e = latest_assessment.entry(a.unit).or_insert(a);
        if a.year > e.year {
            *e = a;
        }
    }
    for &c in &holds {
        if units
            .get(c)
            .is_none_or(|u| u.level != Level::Commune || !u.valid_on(reference))
        {
            continue;
        }
        let a = latest_assessment.get(&c);
        let friendly = a.is_some_and(|a| a.child_friendly);
        let play = a.is_some_and(|a| a.play_spot);
        emit(Contribution::one(
            c,
            at("child_friendly_communes"),
            Record::Commune(c),
            friendly,
        ));
        emit(Contribution::one(
            c,
            at("play_spots"),
            Record::Commune(c),
            play,
        ));
    }
    holds
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
