//! The seed plan, loaded on first start like the unit list.

use treem_domain::audit::AuditEvent;

use crate::{Store, StoreError, StoreResult};

/// Loads the seed plan (the former Tam Đường district's plan for
/// Directive 28-CT/TW: 31 tasks, 5 programmes, the agencies it names) when
/// it is not there yet; returns whether it was loaded. Needs the units.
pub async fn ensure_seed_plan(store: &dyn Store) -> StoreResult<bool> {
    use treem_domain::plan::{SEED_AGENCIES, seed};
    let units = store.units().await?;
    // The district's last version (it stays readable after the reform).
    let Some(owner) = units
        .iter()
        .filter(|u| u.unit.code == seed::OWNER_UNIT)
        .max_by_key(|u| u.unit.valid_from)
    else {
        return Ok(false);
    };
    let tasks = seed::tasks().map_err(StoreError::Corrupt)?;
    let programmes = seed::programmes().map_err(StoreError::Corrupt)?;
    let plan = crate::PlanSeed {
        plan: crate::NewPlan {
            unit_id: owner.id,
            title: seed::TITLE.into(),
            number: None,
            issued_on: None,
            issued_by: seed::ISSUED_BY.into(),
            period_from: seed::PERIOD.0,
            period_to: seed::PERIOD.1,
            derived_from: None,
            basis: seed::BASIS.into(),
        },
        tasks: tasks
            .into_iter()
            .map(|t| crate::NewTask {
                code: t.code,
                group_no: i32::from(t.group),
                section: t.section,
                title: t.title,
                cadence: t.cadence.code().into(),
                due: t.due,
                programme: t.programme,
                indicators: t.indicators.join(";"),
                lead: t.lead,
                partners: t.partners.join(";"),
            })
            .collect(),
        programmes: programmes
            .into_iter()
            .map(|p| (p.code, p.title, p.period))
            .collect(),
        agencies: SEED_AGENCIES
            .iter()
            .map(|(c, n)| (c.to_string(), n.to_string()))
            .collect(),
    };
    let audit = AuditEvent::system("system", "plan_loaded", "plan", "seed");
    Ok(store.load_plan(&plan, audit).await?.is_some())
}

/// Defines the seed's data elements and returns (the five programmes'
/// obvious figures, `treem_domain::returns::seed`) when none is defined
/// yet; returns whether it did.
pub async fn ensure_return_seed(store: &dyn Store) -> StoreResult<bool> {
    use treem_domain::returns::seed;
    let elements: Vec<crate::ElementRow> = seed::elements()
        .into_iter()
        .map(|e| crate::ElementRow {
            code: e.code,
            name_vi: e.name_vi,
            name_en: e.name_en,
            kind: e.kind.code().into(),
            by_sex: e.by_sex,
            programme: e.programme,
        })
        .collect();
    let forms: Vec<crate::FormRow> = seed::forms()
        .into_iter()
        .map(|f| crate::FormRow {
            code: f.code,
            name_vi: f.name_vi,
            name_en: f.name_en,
            frequency: f.frequency.code().into(),
            elements: f.elements,
            rules: f
                .rules
                .into_iter()
                .map(|r| (r.left, r.comparison.symbol().into(), r.right))
                .collect(),
        })
        .collect();
    let audit = AuditEvent::system("system", "returns_loaded", "return", "seed");
    store.load_return_seed(&elements, &forms, audit).await
}
