//! What an administrator types to define a data element, a return, an
//! indicator defined as data or a milestone, checked: each refusal is a
//! catalogue key naming what to mend.

use super::programme::{FACTORS, Formula, Goal, ProgrammeIndicator, valid_code};
use super::{Comparison, DataElement, Frequency, ReturnForm, Rule, ValueKind};

/// The programmes an element or indicator may serve (`plan_programmes.csv`).
pub const PROGRAMMES: [&str; 5] = ["CT1", "CT2", "CT3", "CT4", "CT5"];

/// The longest name.
pub const NAME_MAX: usize = 300;

/// A refusal: the catalogue key, and the part of the input at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub key: &'static str,
    pub at: String,
}

fn refuse(key: &'static str, at: &str) -> Refused {
    Refused {
        key,
        at: at.to_string(),
    }
}

fn code(text: &str) -> Result<String, Refused> {
    let c = text.trim().to_ascii_uppercase();
    if valid_code(&c) {
        Ok(c)
    } else {
        Err(refuse("define.err_code", text.trim()))
    }
}

fn names(vi: &str, en: &str) -> Result<(String, String), Refused> {
    let (vi, en) = (vi.trim(), en.trim());
    if vi.is_empty() || en.is_empty() {
        return Err(refuse("define.err_name", ""));
    }
    if vi.chars().count() > NAME_MAX || en.chars().count() > NAME_MAX {
        return Err(refuse("define.err_name_long", ""));
    }
    Ok((vi.to_string(), en.to_string()))
}

fn programme(text: &str, required: bool) -> Result<Option<String>, Refused> {
    let p = text.trim().to_ascii_uppercase();
    if p.is_empty() && !required {
        return Ok(None);
    }
    if PROGRAMMES.contains(&p.as_str()) {
        Ok(Some(p))
    } else {
        Err(refuse("define.err_programme", text.trim()))
    }
}

/// The typed fields of a data element.
pub struct ElementInput<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    pub kind: &'a str,
    pub by_sex: bool,
    pub programme: &'a str,
}

pub fn element(i: &ElementInput<'_>) -> Result<DataElement, Refused> {
    let code = code(i.code)?;
    let (name_vi, name_en) = names(i.name_vi, i.name_en)?;
    let kind =
        ValueKind::from_code(i.kind.trim()).ok_or_else(|| refuse("define.err_kind", i.kind))?;
    Ok(DataElement {
        code,
        name_vi,
        name_en,
        kind,
        // A yes/no is one answer for the commune, never a count by sex.
        by_sex: i.by_sex && kind != ValueKind::YesNo,
        programme: programme(i.programme, false)?,
    })
}

/// The typed fields of a return: its elements as codes separated by
/// commas, spaces or lines; its rules one a line (`INJ_DROWN <= INJ_ALL`).
pub struct FormInput<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    pub frequency: &'a str,
    pub elements: &'a str,
    pub rules: &'a str,
}

pub fn form(i: &FormInput<'_>, defined: &[String]) -> Result<ReturnForm, Refused> {
    let code = code(i.code)?;
    let (name_vi, name_en) = names(i.name_vi, i.name_en)?;
    let frequency = Frequency::from_code(i.frequency.trim())
        .ok_or_else(|| refuse("define.err_frequency", i.frequency))?;
    let mut elements: Vec<String> = Vec::new();
    for raw in i.elements.split(|c: char| c == ',' || c.is_whitespace()) {
        let e = raw.trim().to_ascii_uppercase();
        if e.is_empty() {
            continue;
        }
        if !defined.contains(&e) {
            return Err(refuse("define.err_unknown_element", raw.trim()));
        }
        if elements.contains(&e) {
            return Err(refuse("define.err_twice", raw.trim()));
        }
        elements.push(e);
    }
    if elements.is_empty() {
        return Err(refuse("define.err_no_elements", ""));
    }
    let mut rules = Vec::new();
    for line in i.rules.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parsed = ["<=", ">=", "="].into_iter().find_map(|sym| {
            let (l, r) = line.split_once(sym)?;
            Some((
                l.trim().to_ascii_uppercase(),
                Comparison::from_symbol(sym)?,
                r.trim().to_ascii_uppercase(),
            ))
        });
        let Some((left, comparison, right)) = parsed else {
            return Err(refuse("define.err_rule", line));
        };
        if !elements.contains(&left) || !elements.contains(&right) || left == right {
            return Err(refuse("define.err_rule_elements", line));
        }
        rules.push(Rule {
            left,
            comparison,
            right,
        });
    }
    Ok(ReturnForm {
        code,
        name_vi,
        name_en,
        frequency,
        elements,
        rules,
    })
}

/// The typed fields of an indicator defined as data.
pub struct IndicatorInput<'a> {
    pub code: &'a str,
    pub name_vi: &'a str,
    pub name_en: &'a str,
    pub programme: &'a str,
    pub numerator: &'a str,
    pub denominator: &'a str,
    pub factor: &'a str,
    pub goal: &'a str,
}

pub fn indicator(
    i: &IndicatorInput<'_>,
    defined: &[String],
) -> Result<ProgrammeIndicator, Refused> {
    let code = code(i.code)?;
    let (name_vi, name_en) = names(i.name_vi, i.name_en)?;
    let programme = programme(i.programme, true)?.unwrap_or_default();
    let known = |c: &str| defined.iter().any(|d| d == c);
    let formula = |text: &str| {
        Formula::parse(text, &known).map_err(|e| Refused {
            key: e.key,
            at: e.term,
        })
    };
    let numerator = formula(i.numerator)?;
    if numerator.is_empty() {
        return Err(refuse("define.err_no_numerator", ""));
    }
    let denominator = formula(i.denominator)?;
    let factor = i
        .factor
        .trim()
        .replace('.', "")
        .parse::<u32>()
        .ok()
        .filter(|f| FACTORS.contains(f))
        .ok_or_else(|| refuse("define.err_factor", i.factor))?;
    let goal = Goal::from_symbol(i.goal).ok_or_else(|| refuse("define.err_goal", i.goal))?;
    Ok(ProgrammeIndicator {
        code,
        name_vi,
        name_en,
        programme,
        numerator,
        denominator,
        factor,
        goal,
        milestones: Vec::new(),
    })
}

/// A milestone typed: the year (2020–2100) and the value (≥ 0, decimal
/// comma or point; empty removes it).
pub fn milestone(year: &str, value: &str) -> Result<(i64, Option<f64>), Refused> {
    let year = year
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|y| (2020..=2100).contains(y))
        .ok_or_else(|| refuse("define.err_year", year))?;
    let value = match value.trim() {
        "" => None,
        v => Some(
            v.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0 && *x <= 1e12)
                .ok_or_else(|| refuse("define.err_value", v))?,
        ),
    };
    Ok((year, value))
}

#[cfg(test)]
#[path = "define_tests.rs"]
mod tests;
