//! The period a figure is asked for (`?year=2025&half=1`; the last one
//! whose reference date has passed by default) and the unit it is rooted at — shared by the
//! dashboard, the drill-down, the trend and the report downloads.

use chrono::Datelike;
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::indicators::Period;
use treem_domain::units::{Unit, UnitHistory};

use crate::AppError;

#[derive(Debug, Deserialize)]
pub(crate) struct PeriodQuery {
    pub year: Option<i32>,
    pub half: Option<String>,
    pub unit: Option<String>,
    pub part: Option<String>,
    pub format: Option<String>,
    /// A breakdown (`sex`, `ethnicity`, `poverty`) and one of its groups.
    pub by: Option<String>,
    pub group: Option<String>,
    /// The full name of the chair who signs a report (at most 100 letters).
    pub signer: Option<String>,
    /// After the report's draft is saved: how many sections changed.
    pub saved: Option<u64>,
}

/// The last period whose reference date has passed.
fn default_period() -> Period {
    let today = vn_today();
    let year = today.year();
    if today >= (Period { year, half: false }).reference_date() {
        Period { year, half: false }
    } else if today >= (Period { year, half: true }).reference_date() {
        Period { year, half: true }
    } else {
        Period {
            year: year - 1,
            half: false,
        }
    }
}

pub(crate) fn period_of(q: &PeriodQuery) -> Result<Period, AppError> {
    let d = default_period();
    let year = q.year.unwrap_or(d.year);
    if !(2020..=2100).contains(&year) {
        return Err(AppError::BadRequest);
    }
    let half = match q.half.as_deref() {
        None if q.year.is_none() => d.half,
        None | Some("") | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(AppError::BadRequest),
    };
    Ok(Period { year, half })
}

/// The unit a user's figures are about on a date: her own unit, or what it
/// has become by then.
pub(crate) fn root<'a>(history: &'a UnitHistory, code: &str, period: Period) -> Option<&'a Unit> {
    let reference = period.reference_date();
    history.resolve(code, reference).or_else(|| {
        let latest = history
            .all()
            .iter()
            .filter(|u| u.code == code)
            .max_by_key(|u| u.valid_from)?;
        history.became(latest, reference)
    })
}

/// Whether `unit` is `root` or under it.
pub(crate) fn within(history: &UnitHistory, unit: &Unit, root: &Unit) -> bool {
    history
        .ancestors(unit)
        .iter()
        .any(|a| std::ptr::eq(*a, root))
}

pub(crate) fn period_query(p: Period) -> String {
    format!("year={}&half={}", p.year, if p.half { "1" } else { "0" })
}
