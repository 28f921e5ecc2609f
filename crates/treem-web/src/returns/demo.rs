//! The demo's returns: the former district's communes filed theirs up to
//! the reform (2024 and the first half of 2025), the communes that took
//! their territory filed since (the year 2025, then every period begun),
//! each approved by the province but the last half-year's; and a few
//! programme indicators over them, with no targets.

use chrono::{Datelike, NaiveDate};
use treem_domain::audit::AuditEvent;
use treem_domain::returns::ReturnStatus;
use treem_domain::returns::demo::{INDICATORS, returns};
use treem_domain::units::{Level, Unit};
use treem_store::{FilingKey, ProgrammeIndicatorRow, Store, StoreResult};

use crate::UnitIndex;
use crate::plans::derive::heirs;

/// The former district the demo's data come from.
const DISTRICT: &str = "106";

/// The day of the reform: the former communes' last day.
fn reform_eve() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or(NaiveDate::MIN)
}

fn event(action: &str, unit_id: i64) -> AuditEvent {
    AuditEvent::system("system", action, "return", &unit_id.to_string())
}

/// Files one commune's demo returns whose period ends within `(from, to]`.
async fn file(
    store: &dyn Store,
    unit_id: i64,
    commune_no: usize,
    years: &[i32],
    window: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> StoreResult<()> {
    for r in returns(commune_no, years, today, 2025) {
        let end = if r.period.half {
            NaiveDate::from_ymd_opt(r.period.year, 6, 30)
        } else {
            NaiveDate::from_ymd_opt(r.period.year, 12, 31)
        }
        .unwrap_or(NaiveDate::MIN);
        if end <= window.0 || end > window.1 {
            continue;
        }
        let period = r.period.code();
        let key = FilingKey {
            unit_id,
            form: r.form,
            period: &period,
        };
        let values: Vec<(String, String, Option<f64>)> = r
            .values
            .iter()
            .map(|(e, s, v)| ((*e).to_string(), (*s).to_string(), Some(*v)))
            .collect();
        store
            .save_return(key, &values, event("return_saved", unit_id))
            .await?;
        if r.status == ReturnStatus::Draft {
            continue;
        }
        store
            .step_return(
                key,
                "draft",
                "submitted",
                "submitted",
                "",
                event("return_submitted", unit_id),
            )
            .await?;
        if r.status == ReturnStatus::Approved {
            store
                .step_return(
                    key,
                    "submitted",
                    "approved",
                    "approved",
                    "",
                    event("return_approved", unit_id),
                )
                .await?;
        }
    }
    Ok(())
}

/// Loads the demo's returns and programme indicators (once: nothing when a
/// programme indicator is defined already).
pub async fn load_demo_returns(
    store: &dyn Store,
    units: &UnitIndex,
    today: NaiveDate,
) -> StoreResult<()> {
    if !store.programme_indicators().await?.is_empty() {
        return Ok(());
    }
    // The returns' definitions first (a store set up without the seed plan).
    treem_store::ensure_return_seed(store).await?;
    let history = &units.history;
    let eve = reform_eve();
    let former: Vec<&Unit> = history
        .all()
        .iter()
        .filter(|u| {
            u.level == Level::Commune
                && u.parent_code.as_deref() == Some(DISTRICT)
                && u.valid_on(eve)
        })
        .collect();
    let start = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap_or(NaiveDate::MIN);
    for (n, u) in former.iter().enumerate() {
        if let Some(id) = units.id_of(u) {
            file(store, id, n, &[2024, 2025], (start, eve), today).await?;
        }
    }
    let years: Vec<i32> = (2025..=today.year()).collect();
    for (n, u) in heirs(history, DISTRICT, today).into_iter().enumerate() {
        if let Some(id) = units.id_of(u) {
            file(store, id, n, &years, (eve, today), today).await?;
        }
    }
    for (code, name_vi, name_en, programme, numerator, denominator, factor, goal) in INDICATORS {
        let row = ProgrammeIndicatorRow {
            code: code.into(),
            name_vi: name_vi.into(),
            name_en: name_en.into(),
            programme: programme.into(),
            numerator: numerator.into(),
            denominator: denominator.into(),
            factor: i64::from(factor),
            goal: goal.into(),
            changed_by: "system".into(),
            changed_at: chrono::Utc::now(),
        };
        let audit = AuditEvent::system(
            "system",
            "programme_indicator_changed",
            "programme_indicator",
            code,
        );
        store.put_programme_indicator(&row, audit).await?;
    }
    Ok(())
}
