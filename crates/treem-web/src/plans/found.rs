//! A plan as its pages see it: its unit, the days it takes reports for,
//! whether its unit still exists, where each task stands, and who may do
//! what on it.
//!
//! A plan is seen by those whose scope holds its unit (a province sees
//! every commune's derived plan) and, as the plan theirs was derived from,
//! by the units below (a commune reads the former district's plan); its
//! progress only within scope. The People's Committee's officers (province, commune)
//! assign; an account that works for an agency reports for that agency
//! only, officers for any agency of their unit. Nothing is written to a
//! plan whose unit no longer exists.

use std::collections::HashMap;

use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_domain::plan::progress::{
    Filed, ProgressStatus, ReportPeriod, Standing, Window, standing,
};
use treem_domain::plan::{Cadence, DEFAULT_LEAD};
use treem_domain::units::Unit;
use treem_store::{AgencyRow, PlanRow, ProgressRow, TaskRow};

use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// A plan with what its pages need to know about it.
pub(crate) struct PlanView {
    pub plan: PlanRow,
    pub unit: Unit,
    pub window: Window,
    /// Its unit exists today (so it takes reports and assignments).
    pub live: bool,
    /// The caller's scope holds its unit.
    pub in_scope: bool,
}

/// The plan `id`, if the caller sees it (otherwise it does not exist for
/// her).
pub(crate) async fn plan_view(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<PlanView, AppError> {
    let plan = visible_plans(state, user)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)?;
    view_of(state, user, plan)
}

/// The plans the caller sees: those of units in her scope, and those they
/// were derived from, up the chain.
pub(crate) async fn visible_plans(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<PlanRow>, AppError> {
    let all = state.store.plans().await?;
    let scope = state.units().scope_of(&user.account, vn_today());
    let mut seen: Vec<i64> = all
        .iter()
        .filter(|p| scope.contains(p.unit_id))
        .map(|p| p.id)
        .collect();
    let mut i = 0;
    while i < seen.len() {
        let parent = all
            .iter()
            .find(|p| p.id == seen[i])
            .and_then(|p| p.derived_from);
        if let Some(parent) = parent
            && !seen.contains(&parent)
        {
            seen.push(parent);
        }
        i += 1;
    }
    Ok(all.into_iter().filter(|p| seen.contains(&p.id)).collect())
}

/// What the caller sees of a stored plan.
pub(crate) fn view_of(
    state: &AppState,
    user: &CurrentUser,
    plan: PlanRow,
) -> Result<PlanView, AppError> {
    let units = state.units();
    let today = vn_today();
    let unit = units
        .by_id(plan.unit_id)
        .cloned()
        .ok_or_else(|| AppError::Internal("a plan's unit is missing".into()))?;
    let window = Window::new(
        (
            i32::try_from(plan.period_from).unwrap_or(0),
            i32::try_from(plan.period_to).unwrap_or(0),
        ),
        unit.valid_from,
        unit.valid_to,
    );
    let live = unit.valid_on(today);
    let in_scope = units.scope_of(&user.account, today).contains(plan.unit_id);
    Ok(PlanView {
        plan,
        unit,
        window,
        live,
        in_scope,
    })
}

impl PlanView {
    /// Whether the caller assigns this plan's tasks.
    pub fn assigns(&self, user: &CurrentUser) -> bool {
        let a = &user.account;
        self.live
            && self.in_scope
            && a.agency_code.is_none()
            && matches!(a.role, Role::Province | Role::District | Role::Commune)
    }

    /// The agencies the caller may report for on this plan: her own
    /// agency, or every agency of the unit for an officer.
    pub fn reports_for<'a>(
        &self,
        user: &CurrentUser,
        agencies: &'a [AgencyRow],
    ) -> Vec<&'a AgencyRow> {
        let a = &user.account;
        if !self.live || !self.in_scope {
            return Vec::new();
        }
        match &a.agency_code {
            Some(code)
                if matches!(
                    a.role,
                    Role::Province | Role::District | Role::Commune | Role::Viewer
                ) =>
            {
                agencies.iter().filter(|g| g.code == *code).collect()
            }
            None if matches!(a.role, Role::Province | Role::District | Role::Commune) => {
                agencies.iter().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The periods a report may be filed for today: the plan's periods
    /// that have begun, latest first.
    pub fn open_periods(&self, cadence: Cadence) -> Vec<ReportPeriod> {
        let today = vn_today();
        let mut v: Vec<ReportPeriod> = treem_domain::plan::progress::periods(cadence, self.window)
            .into_iter()
            .filter(|p| p.first_day() <= today)
            .collect();
        v.reverse();
        v
    }
}

/// The agency that answers for a task: its lead, or the People's
/// Committee while no lead is assigned.
pub(crate) fn answerable(task: &TaskRow) -> &str {
    task.lead.as_deref().unwrap_or(DEFAULT_LEAD)
}

/// Where each task of a plan stands today, from the reports in force.
pub(crate) fn standings(
    view: &PlanView,
    tasks: &[TaskRow],
    reports: &[ProgressRow],
) -> HashMap<i64, Standing> {
    let today = vn_today();
    tasks
        .iter()
        .map(|t| {
            let lead = answerable(t);
            let filed: Vec<Filed> = reports
                .iter()
                .filter(|r| r.task_id == t.id && r.agency_code == lead)
                .filter_map(|r| {
                    Some(Filed {
                        period: ReportPeriod::parse(&r.period)?,
                        status: ProgressStatus::from_code(&r.status)?,
                    })
                })
                .collect();
            let cadence = Cadence::from_code(&t.cadence).unwrap_or(Cadence::Ongoing);
            let s = standing(cadence, t.due, view.window, &filed, today, view.live);
            (t.id, s)
        })
        .collect()
}

/// The name of an agency code among a unit's agencies (the code itself
/// when the unit has no such agency).
pub(crate) fn agency_name(agencies: &[AgencyRow], code: &str) -> String {
    agencies
        .iter()
        .find(|a| a.code == code)
        .map_or_else(|| code.to_string(), |a| a.name.clone())
}

/// The figures of a report, each as (locale key, number in the user's
/// style), the empty ones left out.
pub(crate) fn figures(lang: Lang, r: &ProgressRow) -> Vec<(&'static str, String)> {
    let n = |v: i64| treem_domain::i18n::fmt_count(v, lang);
    [
        ("plan.sessions", r.sessions),
        ("plan.people_reached", r.people_reached),
        ("plan.budget_spent", r.budget_spent),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some((k, n(v?))))
    .collect()
}

/// The locale key of a report's status (an unknown code reads as not
/// started).
pub(crate) fn status_key(code: &str) -> &'static str {
    match ProgressStatus::from_code(code) {
        Some(ProgressStatus::NotStarted) => "plan.state_not_started",
        Some(ProgressStatus::UnderWay) => "plan.state_under_way",
        Some(ProgressStatus::Done) => "plan.state_done",
        None => "plan.state_not_started",
    }
}
