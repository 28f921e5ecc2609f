//! Returns (báo cáo số liệu, issue 18 item 1): figures that are not in the
//! registry — injuries, drownings, deaths of under-fives by cause, child
//! labour found, orphans… — filed by each commune per period as the values
//! of data elements, checked by the return's rules, submitted, then
//! approved (locked) by the level above. This file holds the vocabulary
//! and the checks; `seed` the elements and returns treem starts with.

pub mod define;
pub mod demo;
pub mod programme;
pub mod seed;

use std::collections::BTreeMap;

use crate::plan::progress::ReportPeriod;

/// What a data element's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A count: a whole number ≥ 0.
    Whole,
    /// A number ≥ 0 with decimals (a sum of money, a rate).
    Decimal,
    /// 1 (yes) or 0 (no).
    YesNo,
}

impl ValueKind {
    pub fn code(self) -> &'static str {
        match self {
            ValueKind::Whole => "whole",
            ValueKind::Decimal => "decimal",
            ValueKind::YesNo => "yes_no",
        }
    }

    pub fn from_code(s: &str) -> Option<ValueKind> {
        [ValueKind::Whole, ValueKind::Decimal, ValueKind::YesNo]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

/// A figure a return asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataElement {
    /// `INJ_DROWN`: capitals, digits and `_`.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: ValueKind,
    /// Filed for girls and boys separately (`F`, `M`), their sum the total.
    pub by_sex: bool,
    /// The programme it serves (`CT2`…), if one.
    pub programme: Option<String>,
}

/// How often a return is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    /// Twice a year: the first half (`2025h1`) and the year (`2025`).
    SixMonthly,
    /// Once a year (`2025`).
    Yearly,
}

impl Frequency {
    pub fn code(self) -> &'static str {
        match self {
            Frequency::SixMonthly => "6-monthly",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn from_code(s: &str) -> Option<Frequency> {
        [Frequency::SixMonthly, Frequency::Yearly]
            .into_iter()
            .find(|f| f.code() == s)
    }

    /// Whether a return of this frequency is filed for `period`.
    pub fn files(self, period: ReportPeriod) -> bool {
        self == Frequency::SixMonthly || !period.half
    }
}

/// How a rule compares its two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtMost,
    AtLeast,
    Equal,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtMost => "<=",
            Comparison::AtLeast => ">=",
            Comparison::Equal => "=",
        }
    }

    pub fn from_symbol(s: &str) -> Option<Comparison> {
        [Comparison::AtMost, Comparison::AtLeast, Comparison::Equal]
            .into_iter()
            .find(|c| c.symbol() == s)
    }

    fn holds(self, left: f64, right: f64) -> bool {
        match self {
            Comparison::AtMost => left <= right,
            Comparison::AtLeast => left >= right,
            Comparison::Equal => (left - right).abs() < 1e-9,
        }
    }
}

/// A rule between two elements' totals ("drownings ≤ injuries").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub left: String,
    pub comparison: Comparison,
    pub right: String,
}

/// A return: the elements a commune files together, how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnForm {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub frequency: Frequency,
    /// Element codes, in the order the form shows them.
    pub elements: Vec<String>,
    pub rules: Vec<Rule>,
}

/// Where a commune's return for a period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnStatus {
    /// Being filled (or unlocked again).
    Draft,
    /// Filed by the commune, waiting for the level above.
    Submitted,
    /// Approved by the level above: locked.
    Approved,
}

impl ReturnStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReturnStatus::Draft => "draft",
            ReturnStatus::Submitted => "submitted",
            ReturnStatus::Approved => "approved",
        }
    }

    pub fn from_code(s: &str) -> Option<ReturnStatus> {
        [
            ReturnStatus::Draft,
            ReturnStatus::Submitted,
            ReturnStatus::Approved,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }

    /// Whether the commune may still change the values.
    pub fn editable(self) -> bool {
        self == ReturnStatus::Draft
    }
}

/// A step in a return's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Submit,
    Approve,
    /// Back to draft (from submitted or approved), with why.
    Unlock(String),
}

/// Why a step cannot be taken (a catalogue key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepRefused(pub &'static str);

/// The status a step leads to from `from`.
pub fn step(from: ReturnStatus, step: &Step) -> Result<ReturnStatus, StepRefused> {
    match (from, step) {
        (ReturnStatus::Draft, Step::Submit) => Ok(ReturnStatus::Submitted),
        (ReturnStatus::Submitted, Step::Approve) => Ok(ReturnStatus::Approved),
        (ReturnStatus::Submitted | ReturnStatus::Approved, Step::Unlock(why)) => {
            if why.trim().chars().count() < 5 {
                Err(StepRefused("returns.err_unlock_reason"))
            } else {
                Ok(ReturnStatus::Draft)
            }
        }
        (ReturnStatus::Draft, Step::Unlock(_)) => Err(StepRefused("returns.err_not_locked")),
        (_, Step::Submit) => Err(StepRefused("returns.err_not_draft")),
        (_, Step::Approve) => Err(StepRefused("returns.err_not_submitted")),
    }
}

/// The sex a value is filed for: `F`, `M`, or `""` for an element not
/// split by sex.
pub type Sex = &'static str;

/// The cells a return has for an element.
pub fn cells(element: &DataElement) -> &'static [Sex] {
    if element.by_sex { &["F", "M"] } else { &[""] }
}

/// Why a typed value is refused (a catalogue key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueRefused(pub &'static str);

/// The largest value a return takes.
pub const VALUE_MAX: f64 = 1e12;

/// Reads a typed value: empty is no value; a whole number may separate
/// thousands with dots (`1.200`); a decimal uses `,` or `.`; yes/no is
/// `có`/`không`, `1`/`0`, `yes`/`no`.
pub fn parse_value(kind: ValueKind, text: &str) -> Result<Option<f64>, ValueRefused> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let v = match kind {
        ValueKind::Whole => crate::plan::filing::whole_number(t)
            .map_err(|_| ValueRefused("returns.err_whole"))?
            .map(|n| n as f64),
        ValueKind::Decimal => {
            let n: f64 = t
                .replace(',', ".")
                .parse()
                .map_err(|_| ValueRefused("returns.err_decimal"))?;
            if !n.is_finite() || n < 0.0 {
                return Err(ValueRefused("returns.err_decimal"));
            }
            Some(n)
        }
        ValueKind::YesNo => match crate::text::fold(t).as_str() {
            "co" | "1" | "yes" | "x" => Some(1.0),
            "khong" | "0" | "no" => Some(0.0),
            _ => return Err(ValueRefused("returns.err_yes_no")),
        },
    };
    match v {
        Some(n) if n > VALUE_MAX => Err(ValueRefused("returns.err_too_large")),
        other => Ok(other),
    }
}

/// The values of a return: by (element code, sex).
pub type Values = BTreeMap<(String, String), f64>;

/// An element's total: its value, or the sum of its sexes; `None` when
/// nothing is filed for it.
pub fn total(values: &Values, element: &str) -> Option<f64> {
    let mut found = false;
    let sum = values
        .iter()
        .filter(|((e, _), _)| e == element)
        .map(|(_, v)| {
            found = true;
            *v
        })
        .sum();
    found.then_some(sum)
}

/// A rule a return's values break (both sides filed).
pub fn broken_rules<'a>(form: &'a ReturnForm, values: &Values) -> Vec<&'a Rule> {
    form.rules
        .iter()
        .filter(
            |r| match (total(values, &r.left), total(values, &r.right)) {
                (Some(l), Some(r2)) => !r.comparison.holds(l, r2),
                _ => false,
            },
        )
        .collect()
}

/// Whether a value jumps far from the last period's: by more than half of
/// it and by more than 10 (small counts move by chance). A warning, never
/// a refusal: a flood year is real.
pub fn jumps(value: f64, last: Option<f64>) -> bool {
    last.is_some_and(|l| (value - l).abs() > 10.0 && (value - l).abs() > l * 0.5)
}

#[cfg(test)]
mod tests;
