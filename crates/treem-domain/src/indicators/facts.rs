//! The plain facts the indicators are computed from, and their figures.

use chrono::NaiveDate;

use crate::child::ChildStatus;

/// A report period: the year and whether it is the first half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub half: bool,
}

impl Period {
    /// 31 December of the year, or 30 June for the first half.
    pub fn reference_date(self) -> NaiveDate {
        let (m, d) = if self.half { (6, 30) } else { (12, 31) };
        NaiveDate::from_ymd_opt(self.year, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// 1 January of the year.
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The school year that ends in the report year (`2024-2025` for 2025).
    pub fn school_year(self) -> String {
        format!("{}-{}", self.year - 1, self.year)
    }

    pub fn name(self) -> &'static str {
        if self.half { "h1" } else { "annual" }
    }
}

/// A child, as the indicators need her (`unit`: index in the history).
#[derive(Debug, Clone, PartialEq)]
pub struct ChildFact {
    pub unit: usize,
    pub born: NaiveDate,
    pub status: ChildStatus,
    pub status_date: Option<NaiveDate>,
    pub birth_registered: Option<bool>,
    pub birth_registration_date: Option<NaiveDate>,
}

/// A measurement's z-scores (`child`: index in `Facts::children`).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasurementFact {
    pub child: usize,
    pub measured_on: NaiveDate,
    pub age_days: i64,
    pub waz: Option<f64>,
    pub waz_flagged: bool,
    pub haz: Option<f64>,
    pub haz_flagged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnrolmentFact {
    pub child: usize,
    pub school_year: String,
    pub school_code: String,
    pub level: String,
    pub grade: Option<i64>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SchoolFact {
    pub school_code: String,
    pub name: String,
    pub year: i64,
    pub unit: usize,
    pub sanitation_standard: bool,
    pub psych_support: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentFact {
    pub unit: usize,
    pub year: i64,
    pub child_friendly: bool,
    pub play_spot: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DisasterFact {
    pub event_id: String,
    pub kind: String,
    pub unit: usize,
    pub occurred_on: NaiveDate,
    pub affected: i64,
    pub supported: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParticipationFact {
    pub child: usize,
    pub date: NaiveDate,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFact {
    pub child: usize,
    pub reported_on: NaiveDate,
    pub intervention_started_on: Option<NaiveDate>,
}

/// Everything the indicators are computed from.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub children: Vec<ChildFact>,
    pub measurements: Vec<MeasurementFact>,
    pub enrolments: Vec<EnrolmentFact>,
    pub schools: Vec<SchoolFact>,
    pub assessments: Vec<AssessmentFact>,
    pub disasters: Vec<DisasterFact>,
    pub participation: Vec<ParticipationFact>,
    pub cases: Vec<CaseFact>,
}

/// A numerator over a denominator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub numerator: i64,
    pub denominator: i64,
}

impl Count {
    /// The exact percentage; `None` without a denominator.
    pub fn value(self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64 * 100.0)
    }
}

/// The figures of one unit valid on the reference date.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFigures {
    /// Index of the unit in the history.
    pub unit: usize,
    pub counts: [Count; 14],
}
