//! Unit codes of a data set, resolved on a date against the unit history
//! (shared/spec/indicators.md, "Administrative reform").

use std::collections::HashMap;

use chrono::NaiveDate;
use treem_domain::units::{Level, Unit, UnitHistory};
use treem_store::StoredUnit;

/// The stored unit history with each version's database id.
pub struct Units {
    history: UnitHistory,
    ids: HashMap<(String, Option<NaiveDate>), i64>,
    by_id: HashMap<i64, Unit>,
}

/// Why a commune code cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitError {
    /// No unit has this code on that date.
    NotValid,
    /// The unit is a district or a province.
    NotACommune,
}

impl Units {
    pub fn new(stored: Vec<StoredUnit>) -> Self {
        let ids = stored.iter().map(|s| (s.unit.key(), s.id)).collect();
        let by_id = stored.iter().map(|s| (s.id, s.unit.clone())).collect();
        Units {
            history: UnitHistory::new(stored.into_iter().map(|s| s.unit).collect()),
            ids,
            by_id,
        }
    }

    /// The id of the commune a code names on a date.
    ///
    /// A code of fewer than five digits that names nothing is read with the
    /// leading zeros a spreadsheet drops (`3424` is `03424`).
    pub fn commune(&self, code: &str, on: NaiveDate) -> Result<i64, UnitError> {
        let code = code.trim();
        let unit = match self.history.resolve(code, on) {
            Some(u) => u,
            None if code.len() < 5 && code.bytes().all(|b| b.is_ascii_digit()) => self
                .history
                .resolve(&format!("{code:0>5}"), on)
                .ok_or(UnitError::NotValid)?,
            None => return Err(UnitError::NotValid),
        };
        if unit.level != Level::Commune {
            return Err(UnitError::NotACommune);
        }
        self.ids
            .get(&unit.key())
            .copied()
            .ok_or(UnitError::NotValid)
    }

    /// The id of the unit of any level a code names on a date; for a code
    /// that names none then, its last version before the date (a retired
    /// unit, whose plans stay readable), or else its first one after.
    pub fn any_level(&self, code: &str, on: NaiveDate) -> Option<i64> {
        let code = code.trim();
        let versions: Vec<&Unit> = self
            .history
            .all()
            .iter()
            .filter(|u| u.code == code)
            .collect();
        let unit = versions
            .iter()
            .find(|u| u.valid_on(on))
            .or_else(|| {
                versions
                    .iter()
                    .filter(|u| u.valid_to.is_some_and(|t| t < on))
                    .max_by_key(|u| u.valid_to)
            })
            .or_else(|| versions.iter().min_by_key(|u| u.valid_from))?;
        self.ids.get(&unit.key()).copied()
    }

    pub fn by_id(&self, id: i64) -> Option<&Unit> {
        self.by_id.get(&id)
    }

    /// The unit a stored unit has become on a date (itself while valid).
    pub fn became_on(&self, id: i64, on: NaiveDate) -> Option<&Unit> {
        let unit = self.by_id.get(&id)?;
        self.history.became(unit, on).or(Some(unit))
    }

    /// Whether every unit in `ids` is valid on `on`.
    pub fn all_valid_on(&self, ids: &[i64], on: NaiveDate) -> bool {
        ids.iter()
            .all(|id| self.by_id.get(id).is_some_and(|u| u.valid_on(on)))
    }

    /// The last day up to `until` on which all these units are valid.
    pub fn common_day(&self, ids: &[i64], until: NaiveDate) -> Option<NaiveDate> {
        let mut from = NaiveDate::MIN;
        let mut to = until;
        for id in ids {
            let u = self.by_id.get(id)?;
            if let Some(f) = u.valid_from {
                from = from.max(f);
            }
            if let Some(t) = u.valid_to {
                to = to.min(t);
            }
        }
        (from <= to).then_some(to)
    }
}
