//! Withdrawing the last step of a case, recorded by mistake: whoever may
//! take that step may withdraw it, with a reason (sealed, like notes). The
//! step stays in the history marked withdrawn; the case goes back to the
//! record its remaining steps make (`treem_domain::cases::derived`). The
//! report that opened the case is never withdrawn.

use chrono::Utc;
use treem_domain::cases::derived::{Taken, derive, may_withdraw};
use treem_domain::cases::{self, Step, Vocabulary};
use treem_store::{CaseRecord, CaseStep, StepWithdrawal, StoreError};

use crate::cases::input::{long_text, problem};
use crate::cases::service::{CaseError, access_of, event, key};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The steps as the derivation reads them.
fn taken(steps: &[CaseStep]) -> Result<Vec<Taken<'_>>, AppError> {
    steps
        .iter()
        .map(|s| {
            Ok(Taken {
                step: Step::parse(&s.step)
                    .ok_or_else(|| AppError::Internal("stored step".into()))?,
                at: s.at,
                risk: s.risk_level.as_deref(),
            })
        })
        .collect()
}

/// The last step, if the user may withdraw it: (step id, its step).
pub fn withdrawable(steps: &[CaseStep], access: cases::CaseAccess) -> Option<(i64, Step)> {
    let list = taken(steps).ok()?;
    let last = list.last()?;
    (may_withdraw(&list) && cases::may_take(access, last.step))
        .then(|| steps.last().map(|s| (s.id, last.step)))
        .flatten()
}

/// Withdraws step `step_id` of case `id`, which must be its last.
pub async fn withdraw_last(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    step_id: i64,
    reason: &str,
) -> Result<(), CaseError> {
    let key = key(state)?;
    let (file, _, access) = access_of(state, user, info, id).await?;
    let steps = state.store.case_steps(id).await?;
    let list = taken(&steps)?;
    match steps.last() {
        Some(last) if last.id == step_id => {}
        // Another step came first, or this one is already withdrawn.
        _ => return Err(CaseError::Conflict),
    }
    if !may_withdraw(&list) {
        return Err(CaseError::NotAllowed(
            info.lang
                .pick(
                    "Không rút lại được việc tiếp nhận thông tin, thông báo.",
                    "The report that opened the case cannot be withdrawn.",
                )
                .to_string(),
        ));
    }
    let last = list[list.len() - 1].step;
    if !cases::may_take(access, last) {
        return Err(CaseError::App(AppError::Forbidden));
    }
    let mut p = Vec::new();
    let reason = long_text("reason", reason, true, &mut p);
    if p.is_empty() && reason.chars().count() < 10 {
        p.push(problem(
            "reason",
            "Ghi rõ lý do rút lại (ít nhất 10 ký tự)",
            "State why the step is withdrawn (at least 10 characters)",
        ));
    }
    if !p.is_empty() {
        return Err(CaseError::Invalid(p));
    }
    let after = derive(&list[..list.len() - 1])
        .ok_or_else(|| AppError::Internal("a case without its report".into()))?;
    let record = CaseRecord {
        step: after.step.code().into(),
        risk_level: after.risk_level,
        emergency_at: after.emergency_at,
        plan_at: after.plan_at,
        closed_at: after.closed_at,
        step_at: after.step_at,
        intervention_on: after.intervention_on,
    };
    let w = StepWithdrawal {
        step_id,
        by: user.account.id,
        at: Utc::now(),
        reason: key.seal(&file.seal_id, "withdrawn_reason", &reason),
    };
    let audit = event(user, info, "case_step_withdrawn", &id.to_string()).with_detail(last.code());
    match state.store.withdraw_case_step(id, &w, &record, audit).await {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(CaseError::Conflict),
        Err(e) => Err(e.into()),
    }
}
