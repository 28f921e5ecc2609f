//! Administrative units with history.
//!
//! A unit is identified by its code *and* its validity period: after the 2025
//! reform GSO reused old commune codes for new units, so a code alone is
//! ambiguous. Every function here takes the date it answers for.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde::Serialize;

/// The level of a unit in the administrative hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    District,
    Commune,
}

impl Level {
    /// Parses the `level` column of the unit file.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_lowercase().as_str() {
            "province" => Some(Level::Province),
            "district" => Some(Level::District),
            "commune" => Some(Level::Commune),
            _ => None,
        }
    }

    /// The stable English code written to files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Commune => "commune",
        }
    }
}

/// One version of an administrative unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    /// Empty (null) when the start date was not verified: valid since always.
    pub valid_from: Option<NaiveDate>,
    /// Empty (null) while the unit is in force. A unit is still valid on this day.
    pub valid_to: Option<NaiveDate>,
    /// For a retired unit, the unit valid from the next day that took it over.
    pub successor_code: Option<String>,
    pub note: String,
}

impl Unit {
    /// Whether the unit is in force on `date` (both ends inclusive).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }

    /// The identity of this version: code and start of validity.
    pub fn key(&self) -> (String, Option<NaiveDate>) {
        (self.code.clone(), self.valid_from)
    }
}

/// A node of the unit tree on a date.
#[derive(Debug, Clone, Serialize)]
pub struct TreeNode<'a> {
    pub unit: &'a Unit,
    pub depth: usize,
}

/// Every version of every unit, with the lookups the rest of treem needs.
#[derive(Debug, Clone, Default)]
pub struct UnitHistory {
    units: Vec<Unit>,
    by_code: HashMap<String, Vec<usize>>,
}

impl UnitHistory {
    /// Indexes the given unit versions.
    pub fn new(units: Vec<Unit>) -> Self {
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            by_code.entry(u.code.clone()).or_default().push(i);
        }
        UnitHistory { units, by_code }
    }

    /// All versions, in the order given.
    pub fn all(&self) -> &[Unit] {
        &self.units
    }

    /// The position in [`UnitHistory::all`] of a version borrowed from it.
    pub fn index_of(&self, unit: &Unit) -> Option<usize> {
        let start = self.units.as_ptr() as usize;
        let offset = (unit as *const Unit as usize).checked_sub(start)?;
        let i = offset / std::mem::size_of::<Unit>().max(1);
        (i < self.units.len() && std::ptr::eq(&self.units[i], unit)).then_some(i)
    }

    /// The version of `code` in force on `date`.
    pub fn resolve(&self, code: &str, date: NaiveDate) -> Option<&Unit> {
        self.by_code
            .get(code)?
            .iter()
            .map(|&i| &self.units[i])
            .find(|u| u.valid_on(date))
    }

    /// The unit that `unit` has become on `date`: itself while valid, else its
    /// successor, followed repeatedly. `None` when the chain breaks (a unit
    /// retired without successor) or `date` is before the unit existed.
    pub fn became<'a>(&'a self, unit: &'a Unit, date: NaiveDate) -> Option<&'a Unit> {
        let mut current = unit;
        // A chain longer than the number of units would be a cycle.
        for _ in 0..=self.units.len() {
            if current.valid_on(date) {
                return Some(current);
            }
            // Not valid and not retired yet means `date` is before it existed.
            let to = current.valid_to?;
            if date <= to {
                return None;
            }
            let next_day = to.checked_add_days(Days::new(1))?;
            current = self.resolve(current.successor_code.as_deref()?, next_day)?;
        }
        None
    }

    /// The units in force on `date`, ordered by level then code.
    pub fn valid_on(&self, date: NaiveDate) -> Vec<&Unit> {
        let mut v: Vec<&Unit> = self.units.iter().filter(|u| u.valid_on(date)).collect();
        v.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));
        v
    }

    /// The parent of a unit version, resolved while the unit is in force.
    pub fn parent_of(&self, unit: &Unit) -> Option<&Unit> {
        let code = unit.parent_code.as_deref()?;
        let when = unit.valid_to.or(unit.valid_from);
        match when {
            Some(d) => self.resolve(code, d),
            None => self.by_code.get(code)?.last().map(|&i| &self.units[i]),
        }
    }

    /// The unit and its ancestors, nearest first.
    pub fn ancestors<'a>(&'a self, unit: &'a Unit) -> Vec<&'a Unit> {
        let mut out = vec![unit];
        let mut current = unit;
        while let Some(p) = self.parent_of(current) {
            if out.len() > self.units.len() {
                break;
            }
            out.push(p);
            current = p;
        }
        out
    }

    /// Whether `unit` lies under `root` (or is it) — both as versions.
    pub fn is_within(&self, unit: &Unit, root: &Unit) -> bool {
        self.ancestors(unit).into_iter().any(|a| a == root)
    }

    /// The tree of units in force on `date`, depth-first, children by name.
    pub fn tree_on(&self, date: NaiveDate) -> Vec<TreeNode<'_>> {
        let valid = self.valid_on(date);
        let mut children: BTreeMap<Option<&str>, Vec<&Unit>> = BTreeMap::new();
        for u in &valid {
            let parent = u
                .parent_code
                .as_deref()
                .filter(|p| valid.iter().any(|v| v.code == *p));
            children.entry(parent).or_default().push(u);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let mut out = Vec::new();
        let mut stack: Vec<(&Unit, usize)> = children
            .get(&None)
            .map(|roots| roots.iter().rev().map(|u| (*u, 0)).collect())
            .unwrap_or_default();
        while let Some((u, depth)) = stack.pop() {
            out.push(TreeNode { unit: u, depth });
            if let Some(kids) = children.get(&Some(u.code.as_str())) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        out
    }

    /// Units retired on or before `date`, with what each had become by then.
    pub fn retired_by(&self, date: NaiveDate) -> Vec<(&Unit, Option<&Unit>)> {
        let mut v: Vec<(&Unit, Option<&Unit>)> = self
            .units
            .iter()
            .filter(|u| u.valid_to.is_some_and(|t| t < date))
            .map(|u| (u, self.became(u, date)))
            .collect();
        v.sort_by(|a, b| (a.0.level, &a.0.code).cmp(&(b.0.level, &b.0.code)));
        v
    }
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
