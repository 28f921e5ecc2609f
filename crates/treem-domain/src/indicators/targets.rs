//! The plan's targets and how a figure is judged against them.

use super::Count;

/// How a value is judged against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    Below,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => ">=",
            Comparison::Below => "<",
        }
    }
}

/// An indicator's milestones: (year, target value).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub key: &'static str,
    pub comparison: Comparison,
    pub milestones: Vec<(i32, f64)>,
}

/// The plan's milestones (2025 and 2030), as seeded.
pub fn plan_targets() -> Vec<Target> {
    use Comparison::*;
    let t = |key, comparison, milestones: &[(i32, f64)]| Target {
        key,
        comparison,
        milestones: milestones.to_vec(),
    };
    vec![
        t(
            "child_friendly_communes",
            AtLeast,
            &[(2025, 100.0), (2030, 100.0)],
        ),
        t("play_spots", AtLeast, &[(2025, 60.0), (2030, 95.0)]),
        t(
            "school_sanitation",
            AtLeast,
            &[(2025, 100.0), (2030, 100.0)],
        ),
        t(
            "school_psych_support",
            AtLeast,
            &[(2025, 100.0), (2030, 100.0)],
        ),
        t("disaster_relief", AtLeast, &[(2025, 100.0), (2030, 100.0)]),
        t(
            "abuse_intervention",
            AtLeast,
            &[(2025, 100.0), (2030, 100.0)],
        ),
        t("birth_registration_u5", AtLeast, &[(2030, 100.0)]),
        t("underweight_u5", Below, &[(2025, 15.0), (2030, 12.0)]),
        t("stunting_u5", Below, &[(2025, 20.0), (2030, 18.0)]),
        t("preschool_5yo", AtLeast, &[(2025, 99.9), (2030, 99.9)]),
        t("primary_completion", AtLeast, &[(2025, 99.8), (2030, 99.8)]),
        t(
            "lower_secondary_graduation",
            AtLeast,
            &[(2025, 99.5), (2030, 99.5)],
        ),
        t(
            "participation_awareness",
            AtLeast,
            &[(2025, 85.0), (2030, 90.0)],
        ),
        t(
            "participation_11plus",
            AtLeast,
            &[(2025, 30.0), (2030, 35.0)],
        ),
    ]
}

impl Target {
    /// The target applied to a year: that year's milestone, else the latest
    /// before it, else the first after it.
    pub fn for_year(&self, year: i32) -> Option<f64> {
        self.milestone_for(year).map(|(_, v)| v)
    }

    /// The milestone applied to a year, with its own year (a later one when
    /// the plan sets none for the year or before: "mục tiêu năm 2030").
    pub fn milestone_for(&self, year: i32) -> Option<(i32, f64)> {
        milestone_for(&self.milestones, year)
    }
}

/// The milestone of `milestones` applied to a year: that year's, else the
/// latest before it, else the first after it (shared by the fourteen and
/// the programme indicators).
pub fn milestone_for(milestones: &[(i32, f64)], year: i32) -> Option<(i32, f64)> {
    let before = milestones
        .iter()
        .filter(|(y, _)| *y <= year)
        .max_by_key(|(y, _)| *y);
    let after = milestones
        .iter()
        .filter(|(y, _)| *y > year)
        .min_by_key(|(y, _)| *y);
    before.or(after).copied()
}

/// Met, not met, or no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    NotMet,
    NoData,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::NoData => "no_data",
        }
    }
}

/// The status of a count against a target, on the exact value.
pub fn status(count: Count, target: Option<f64>, comparison: Comparison) -> Status {
    match (count.value(), target) {
        (None, _) => Status::NoData,
        (Some(_), None) => Status::NoData,
        (Some(v), Some(t)) => {
            let met = match comparison {
                Comparison::AtLeast => v >= t,
                Comparison::Below => v < t,
            };
            if met { Status::Met } else { Status::NotMet }
        }
    }
}
