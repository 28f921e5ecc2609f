//! Indicators defined as data (issue 18 item 2): a programme's figure is a
//! numerator and a denominator, each a sum of data elements (the communes'
//! filed returns) and registry counts (children resident on the reference
//! date), times a factor (×100, ×1,000, ×100,000), judged against milestones
//! an administrator enters. Computed for every commune valid on the
//! reference date, then every unit above it as the sum of its communes —
//! the fourteen's unit-history rules (`indicators.md`).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::child::ChildStatus;
use crate::indicators::{Facts, counted_in};
use crate::units::UnitHistory;

/// A count the registry answers for a commune on the reference date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Registry {
    /// Resident children aged 0–15 (under 16, the birthday rule).
    Children,
    /// Resident children aged 0–59 months (age in days ≤ 1826).
    UnderFive,
    /// Resident children under one (0 completed years).
    UnderOne,
}

impl Registry {
    pub const ALL: [Registry; 3] = [Registry::Children, Registry::UnderFive, Registry::UnderOne];

    /// How a formula writes it.
    pub fn code(self) -> &'static str {
        match self {
            Registry::Children => "#children_0_15",
            Registry::UnderFive => "#children_u5",
            Registry::UnderOne => "#children_u1",
        }
    }

    fn at(self) -> usize {
        self as usize
    }
}

/// One term of a sum: an element's total, one sex of it, or a registry count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// An element's value (`sex`: `F`/`M` for one sex, `None` for the total).
    Element {
        code: String,
        sex: Option<String>,
    },
    Registry(Registry),
}

/// A sum of terms, as `INJ_DROWN_DEATH + INJ_TRAFFIC:F` or `#children_0_15`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Formula(pub Vec<Term>);

/// Why a formula is refused (a catalogue key, and the term at fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    pub key: &'static str,
    pub term: String,
}

impl Formula {
    /// Reads a formula; `known` tells whether an element code is defined.
    /// Empty text is the empty formula.
    pub fn parse(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Formula, FormulaError> {
        let mut terms = Vec::new();
        if text.trim().is_empty() {
            return Ok(Formula(terms));
        }
        for raw in text.split('+') {
            let t = raw.trim();
            let err = |key| FormulaError {
                key,
                term: t.to_string(),
            };
            if t.is_empty() {
                return Err(err("programme.err_empty_term"));
            }
            if t.starts_with('#') {
                let r = Registry::ALL
                    .into_iter()
                    .find(|r| r.code().eq_ignore_ascii_case(t))
                    .ok_or_else(|| err("programme.err_registry"))?;
                terms.push(Term::Registry(r));
                continue;
            }
            let (code, sex) = match t.split_once(':') {
                None => (t, None),
                Some((c, s)) => match s.trim().to_ascii_uppercase().as_str() {
                    "F" => (c.trim(), Some("F".to_string())),
                    "M" => (c.trim(), Some("M".to_string())),
                    _ => return Err(err("programme.err_sex")),
                },
            };
            let code = code.to_ascii_uppercase();
            if !known(&code) {
                return Err(err("programme.err_element"));
            }
            terms.push(Term::Element { code, sex });
        }
        Ok(Formula(terms))
    }

    /// The formula as it is written and stored.
    pub fn text(&self) -> String {
        self.0
            .iter()
            .map(|t| match t {
                Term::Element { code, sex: None } => code.clone(),
                Term::Element { code, sex: Some(s) } => format!("{code}:{s}"),
                Term::Registry(r) => r.code().to_string(),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The data elements it reads.
    pub fn elements(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|t| match t {
            Term::Element { code, .. } => Some(code.as_str()),
            Term::Registry(_) => None,
        })
    }

    fn has_elements(&self) -> bool {
        self.elements().next().is_some()
    }
}

/// How a programme indicator is judged against its milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    AtLeast,
    AtMost,
    Below,
    Above,
}

impl Goal {
    pub const ALL: [Goal; 4] = [Goal::AtLeast, Goal::AtMost, Goal::Below, Goal::Above];

    pub fn symbol(self) -> &'static str {
        match self {
            Goal::AtLeast => ">=",
            Goal::AtMost => "<=",
            Goal::Below => "<",
            Goal::Above => ">",
        }
    }

    pub fn from_symbol(s: &str) -> Option<Goal> {
        Goal::ALL.into_iter().find(|g| g.symbol() == s.trim())
    }

    fn met(self, value: f64, target: f64) -> bool {
        match self {
            Goal::AtLeast => value >= target,
            Goal::AtMost => value <= target,
            Goal::Below => value < target,
            Goal::Above => value > target,
        }
    }
}

/// The factors a value may be multiplied by.
pub const FACTORS: [u32; 4] = [1, 100, 1_000, 100_000];

/// How a value of a factor is written after it: `%`, `‰`, ` /100.000`.
pub fn per(factor: u32) -> &'static str {
    match factor {
        100 => "%",
        1_000 => "‰",
        100_000 => " /100.000",
        _ => "",
    }
}

/// A sum as shown: a whole number with dots between thousands (`12.000`),
/// else two decimals at most with a decimal comma.
pub fn amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        let digits = (v.abs() as i64).to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(ch);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    } else {
        format!("{:.2}", v).trim_end_matches('0').replace('.', ",")
    }
}

/// A programme figure's value as shown: a count as an amount, a rate
/// rounded half up to one decimal, with its unit (`36,2‰`).
pub fn shown_value(ind: &ProgrammeIndicator, value: f64) -> String {
    if ind.denominator.is_empty() {
        format!("{}{}", amount(value), per(ind.factor))
    } else {
        // One decimal, rounded half up, dots between thousands (28.350,5).
        let tenths = (value * 10.0 + 0.5).floor();
        let whole = (tenths / 10.0).trunc();
        let digit = (tenths - whole * 10.0).round().abs() as u8;
        format!("{},{digit}{}", amount(whole), per(ind.factor))
    }
}

/// An indicator defined by an administrator.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeIndicator {
    /// `CT2_DROWN_RATE`: capitals, digits and `_` (the fourteen are lower case).
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `CT1`…`CT5`.
    pub programme: String,
    pub numerator: Formula,
    /// Empty: the indicator is a count (its value is the numerator × factor).
    pub denominator: Formula,
    pub factor: u32,
    pub goal: Goal,
    /// (year, target value) as entered.
    pub milestones: Vec<(i32, f64)>,
}

/// Whether a code can name a programme indicator or a data element.
pub fn valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// What one commune brings to the programme indicators of a period: its
/// filed values by (element, sex) and its registry counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommuneInputs {
    pub values: HashMap<(String, String), f64>,
    pub registry: [i64; 3],
}

impl CommuneInputs {
    /// A formula's sum here, and whether any of its elements was filed.
    fn sum(&self, formula: &Formula) -> (f64, bool) {
        let mut total = 0.0;
        let mut filed = false;
        for term in &formula.0 {
            match term {
                Term::Registry(r) => total += self.registry[r.at()] as f64,
                Term::Element { code, sex } => {
                    for ((e, s), v) in &self.values {
                        if e == code && sex.as_ref().is_none_or(|want| want == s) {
                            total += v;
                            filed = true;
                        }
                    }
                }
            }
        }
        (total, filed)
    }
}

/// A programme figure's sums: exact, over the communes of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sums {
    pub numerator: f64,
    /// `None` for a count (no denominator).
    pub denominator: Option<f64>,
    /// How many communes filed a value the numerator reads.
    pub filed: u32,
}

impl Sums {
    /// The value: numerator × factor ÷ denominator; `None` when the
    /// denominator is 0, or when the numerator reads elements and no commune
    /// filed any (no data is never 0).
    pub fn value(&self, ind: &ProgrammeIndicator) -> Option<f64> {
        if ind.numerator.has_elements() && self.filed == 0 {
            return None;
        }
        let factor = f64::from(ind.factor);
        match self.denominator {
            None => Some(self.numerator * factor),
            Some(0.0) => None,
            // Multiplied first: 3 × 100,000 ÷ 10,000 is 30, not 29.999….
            Some(d) => Some(self.numerator * factor / d),
        }
    }
}

/// Met, not met, no data, or no target (a value with no milestone yet).
pub fn status(value: Option<f64>, target: Option<f64>, goal: Goal) -> &'static str {
    match (value, target) {
        (None, _) => "no_data",
        (Some(_), None) => "no_target",
        (Some(v), Some(t)) if goal.met(v, t) => "met",
        _ => "not_met",
    }
}

/// The milestone applied to a year: that year's, else the latest before
/// it, else the first after it (the fourteen's rule).
pub fn target_for(milestones: &[(i32, f64)], year: i32) -> Option<f64> {
    crate::indicators::milestone_for(milestones, year).map(|(_, v)| v)
}

/// Each commune's registry counts on the reference date, by the index of
/// the commune its children's unit has become by then.
pub fn registry_counts(
    history: &UnitHistory,
    facts: &Facts,
    reference: NaiveDate,
) -> HashMap<usize, [i64; 3]> {
    let units = history.all();
    let mut placed: HashMap<usize, Option<usize>> = HashMap::new();
    let mut out: HashMap<usize, [i64; 3]> = HashMap::new();
    for c in &facts.children {
        let resident = c.born <= reference
            && !(c.status != ChildStatus::Active && c.status_date.is_none_or(|d| d <= reference));
        if !resident {
            continue;
        }
        let at = *placed.entry(c.unit).or_insert_with(|| {
            let u = units.get(c.unit)?;
            history.index_of(history.became(u, reference)?)
        });
        let Some(at) = at else { continue };
        let years = reference.years_since(c.born).map_or(-1, |y| y as i64);
        let days = (reference - c.born).num_days();
        let counts = out.entry(at).or_default();
        counts[Registry::Children.at()] += i64::from((0..=15).contains(&years));
        counts[Registry::UnderFive.at()] += i64::from(days <= 1826);
        counts[Registry::UnderOne.at()] += i64::from(years == 0);
    }
    out
}

/// Every programme indicator's sums for every commune valid on the
/// reference date that has inputs, and for every unit above it valid then
/// (the sum of its communes), by unit index; in `indicators`' order.
pub fn compute(
    history: &UnitHistory,
    communes: &HashMap<usize, CommuneInputs>,
    reference: NaiveDate,
    indicators: &[ProgrammeIndicator],
) -> HashMap<usize, Vec<Sums>> {
    let holds: HashSet<usize> = communes.keys().copied().collect();
    let mut out: HashMap<usize, Vec<Sums>> = HashMap::new();
    for (c, into) in counted_in(history, &holds, reference) {
        let Some(inputs) = communes.get(&c) else {
            continue;
        };
        let mine: Vec<Sums> = indicators
            .iter()
            .map(|ind| {
                let (numerator, filed) = inputs.sum(&ind.numerator);
                Sums {
                    numerator,
                    denominator: (!ind.denominator.is_empty())
                        .then(|| inputs.sum(&ind.denominator).0),
                    filed: u32::from(filed),
                }
            })
            .collect();
        for unit in into {
            let sums = out
                .entry(unit)
                .or_insert_with(|| indicators.iter().map(|_| Sums::default()).collect());
            for ((s, m), ind) in sums.iter_mut().zip(&mine).zip(indicators) {
                s.numerator += m.numerator;
                s.filed += m.filed;
                if !ind.denominator.is_empty() {
                    s.denominator =
                        Some(s.denominator.unwrap_or(0.0) + m.denominator.unwrap_or(0.0));
                }
            }
        }
    }
    out
}

#[cfg(test)]
#[path = "programme_tests.rs"]
mod tests;
