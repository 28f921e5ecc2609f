//! The fields of a task row that name other things: the agencies that
//! lead and support it, the indicators it is linked to.

use super::cells::PlanCells;
use crate::records::FieldError;

/// An optional text cell.
pub(super) fn optional(
    cells: &PlanCells,
    column: &'static str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    if cells.get(column).is_empty() {
        Ok(None)
    } else {
        cells.text(column, max).map(Some)
    }
}

/// The indicators a task is linked to: keys of the fourteen, `;` between.
pub(super) fn indicators(cells: &PlanCells) -> Result<String, FieldError> {
    let keys: Vec<&str> = split(cells.get("indicators"));
    match keys
        .iter()
        .find(|k| !treem_domain::indicators::KEYS.contains(k))
    {
        Some(k) => Err(cells.error(
            "indicators",
            format!("«{k}» không phải chỉ tiêu nào trong mười bốn chỉ tiêu"),
            format!("'{k}' is none of the fourteen indicators"),
        )),
        None => Ok(keys.join(";")),
    }
}

fn split(s: &str) -> Vec<&str> {
    s.split(';')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}

/// An agency code of the unit, or the problem.
fn agency_of(
    cells: &PlanCells,
    column: &'static str,
    code: &str,
    agencies: &[String],
) -> Result<(), FieldError> {
    if agencies.iter().any(|a| a == code) {
        Ok(())
    } else {
        Err(cells.error(
            column,
            format!("«{code}» không phải cơ quan của đơn vị (trong hệ thống hay tệp agencies)"),
            format!("'{code}' is no agency of the unit (stored or in the agencies file)"),
        ))
    }
}

pub(super) fn lead(cells: &PlanCells, agencies: &[String]) -> Result<Option<String>, FieldError> {
    let v = cells.get("lead");
    if v.is_empty() {
        return Ok(None);
    }
    agency_of(cells, "lead", v, agencies)?;
    Ok(Some(v.to_string()))
}

pub(super) fn partners(
    cells: &PlanCells,
    agencies: &[String],
    lead: Option<&str>,
) -> Result<String, FieldError> {
    let codes = split(cells.get("partners"));
    for c in &codes {
        agency_of(cells, "partners", c, agencies)?;
        if Some(*c) == lead {
            return Err(cells.error(
                "partners",
                "cơ quan chủ trì không đồng thời là cơ quan phối hợp",
                "the lead agency is not also a partner",
            ));
        }
    }
    Ok(codes.join(";"))
}
