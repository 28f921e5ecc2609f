//! A commune's return for a period as its pages see it: the return and
//! its elements, the commune (a commune that exists today, within the
//! caller's scope — otherwise there is no such return for her), the period
//! (one the return is filed for, begun, and ending while the commune
//! exists), where it stands, and what the caller may do: officers in scope
//! fill and submit a draft; the level above (a province officer) approves
//! or unlocks.

use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::plan::progress::ReportPeriod;
use treem_domain::returns::{
    Comparison, DataElement, Frequency, ReturnForm, ReturnStatus, Rule, ValueKind,
};
use treem_domain::units::{Level, Unit};
use treem_store::{ElementRow, FormRow, Store, StoreError};

use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// A return of a commune for a period, and what the caller may do.
pub(crate) struct Filing {
    pub form: ReturnForm,
    /// The return's elements, in its order.
    pub elements: Vec<DataElement>,
    pub unit_id: i64,
    pub unit: Unit,
    pub period: ReportPeriod,
    pub status: ReturnStatus,
    pub may_fill: bool,
    pub may_approve: bool,
}

pub(crate) fn element_of(e: &ElementRow) -> DataElement {
    DataElement {
        code: e.code.clone(),
        name_vi: e.name_vi.clone(),
        name_en: e.name_en.clone(),
        kind: ValueKind::from_code(&e.kind).unwrap_or(ValueKind::Whole),
        by_sex: e.by_sex,
        programme: e.programme.clone(),
    }
}

pub(crate) fn form_of(f: &FormRow) -> ReturnForm {
    ReturnForm {
        code: f.code.clone(),
        name_vi: f.name_vi.clone(),
        name_en: f.name_en.clone(),
        frequency: Frequency::from_code(&f.frequency).unwrap_or(Frequency::Yearly),
        elements: f.elements.clone(),
        rules: f
            .rules
            .iter()
            .filter_map(|(l, c, r)| {
                Some(Rule {
                    left: l.clone(),
                    comparison: Comparison::from_symbol(c)?,
                    right: r.clone(),
                })
            })
            .collect(),
    }
}

/// The returns defined, with every element.
pub(crate) async fn definitions(
    store: &dyn Store,
) -> Result<(Vec<ReturnForm>, Vec<DataElement>), StoreError> {
    let forms = store.return_forms().await?.iter().map(form_of).collect();
    let elements = store
        .data_elements()
        .await?
        .iter()
        .map(element_of)
        .collect();
    Ok((forms, elements))
}

/// Whether a commune files for a period: it is one the frequency files,
/// it has begun, and the commune exists on its last day.
pub(crate) fn files_for(form: &ReturnForm, unit: &Unit, period: ReportPeriod) -> bool {
    form.frequency.files(period)
        && period.first_day() <= vn_today()
        && unit.valid_on(period.last_day())
}

/// The return `form` of commune `unit` for `period`, as the caller sees it.
pub(crate) async fn filing(
    state: &AppState,
    user: &CurrentUser,
    form: &str,
    unit: &str,
    period: &str,
) -> Result<Filing, AppError> {
    let period = ReportPeriod::parse(period).ok_or(AppError::BadRequest)?;
    let (forms, all) = definitions(state.store.as_ref()).await?;
    let form = forms
        .into_iter()
        .find(|f| f.code == form)
        .ok_or(AppError::NotFound)?;
    let today = vn_today();
    let units = state.units();
    let resolved = units
        .history
        .resolve(unit, today)
        .filter(|u| u.level == Level::Commune)
        .ok_or(AppError::NotFound)?;
    let unit_id = units.id_of(resolved).ok_or(AppError::NotFound)?;
    let found = resolved.clone();
    let scope = units.scope_of(&user.account, today);
    if !scope.contains(unit_id) || !files_for(&form, &found, period) {
        return Err(AppError::NotFound);
    }
    let status = state
        .store
        .return_filings(&form.code, &period.code())
        .await?
        .into_iter()
        .find(|f| f.unit_id == unit_id)
        .and_then(|f| ReturnStatus::from_code(&f.status))
        .unwrap_or(ReturnStatus::Draft);
    let role = user.account.role;
    let officer = matches!(role, Role::Province | Role::District | Role::Commune);
    // The level above: an officer whose own unit is above the commune.
    let above = matches!(role, Role::Province | Role::District);
    let elements = form
        .elements
        .iter()
        .filter_map(|c| all.iter().find(|e| e.code == *c).cloned())
        .collect();
    Ok(Filing {
        elements,
        unit_id,
        unit: found,
        period,
        may_fill: officer && status.editable(),
        may_approve: above,
        status,
        form,
    })
}
