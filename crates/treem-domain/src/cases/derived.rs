//! What a case's record says follows from its steps: the current step, the
//! risk last graded, when the first emergency measure and the first plan
//! came, when it closed, and when the intervention the indicator counts
//! began. Recording a step updates these as it goes; withdrawing the last
//! step computes them again from the steps that remain.

use chrono::{DateTime, NaiveDate, Utc};

use super::Step;
use crate::clock::vn_date;

/// A step as the derivation needs it: what, when, the risk it graded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Taken<'a> {
    pub step: Step,
    pub at: DateTime<Utc>,
    pub risk: Option<&'a str>,
}

/// The case's record as its steps make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub step: Step,
    pub risk_level: Option<String>,
    pub emergency_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the current step was taken.
    pub step_at: DateTime<Utc>,
    /// The Vietnamese date the intervention began (the exchange row's
    /// `intervention_started_on`).
    pub intervention_on: Option<NaiveDate>,
}

/// The record made by `steps`, in the order they were recorded (the
/// `received` step first); `None` without any step.
pub fn derive(steps: &[Taken]) -> Option<Derived> {
    let last = steps.last()?;
    let first_at = |s: Step| steps.iter().find(|t| t.step == s).map(|t| t.at);
    Some(Derived {
        step: last.step,
        risk_level: steps.iter().rev().find_map(|t| t.risk).map(str::to_string),
        emergency_at: first_at(Step::EmergencyMeasures),
        plan_at: first_at(Step::PlanDrafted),
        closed_at: (last.step == Step::Closed).then_some(last.at),
        step_at: last.at,
        intervention_on: steps
            .iter()
            .filter(|t| t.step.starts_intervention())
            .map(|t| t.at)
            .min()
            .map(vn_date),
    })
}

/// Whether the last of `steps` may be withdrawn: any but the report that
/// opened the case.
pub fn may_withdraw(steps: &[Taken]) -> bool {
    steps.len() > 1 && steps.last().is_some_and(|t| t.step != Step::Received)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.to_utc())
            .unwrap_or_default()
    }

    fn t(step: Step, when: &str, risk: Option<&'static str>) -> Taken<'static> {
        Taken {
            step,
            at: at(when),
            risk,
        }
    }

    #[test]
    fn the_record_follows_the_steps_that_remain() {
        use Step::*;
        let steps = [
            t(Received, "2026-03-02T08:00:00+07:00", Some("high")),
            t(
                InitialAssessment,
                "2026-03-02T10:00:00+07:00",
                Some("medium"),
            ),
            t(EmergencyMeasures, "2026-03-02T11:00:00+07:00", None),
            t(DetailedAssessment, "2026-03-03T09:00:00+07:00", None),
            t(EmergencyMeasures, "2026-03-03T10:00:00+07:00", Some("low")),
        ];
        let all = derive(&steps).unwrap_or_else(|| unreachable!());
        assert_eq!(all.step, EmergencyMeasures);
        assert_eq!(all.risk_level.as_deref(), Some("low"));
        assert_eq!(all.emergency_at, Some(at("2026-03-02T11:00:00+07:00")));
        assert_eq!(all.intervention_on, NaiveDate::from_ymd_opt(2026, 3, 2));
        // The last emergency measure withdrawn: back to the detailed
        // assessment, the risk graded before it.
        let fewer = derive(&steps[..4]).unwrap_or_else(|| unreachable!());
        assert_eq!(fewer.step, DetailedAssessment);
        assert_eq!(fewer.risk_level.as_deref(), Some("medium"));
        assert_eq!(fewer.emergency_at, all.emergency_at);
        // Down to the initial assessment: no emergency, no intervention.
        let early = derive(&steps[..2]).unwrap_or_else(|| unreachable!());
        assert_eq!(early.emergency_at, None);
        assert_eq!(early.intervention_on, None);
        assert_eq!(early.closed_at, None);
        assert!(may_withdraw(&steps[..2]));
        assert!(!may_withdraw(&steps[..1]));
        assert!(derive(&[]).is_none());
    }

    #[test]
    fn a_closure_is_the_last_step_only() {
        use Step::*;
        let steps = [
            t(Received, "2026-03-02T08:00:00+07:00", None),
            t(Review, "2026-05-02T08:00:00+07:00", None),
            t(Closed, "2026-05-03T08:00:00+07:00", None),
        ];
        let closed = derive(&steps).unwrap_or_else(|| unreachable!());
        assert_eq!(closed.closed_at, Some(at("2026-05-03T08:00:00+07:00")));
        assert_eq!(derive(&steps[..2]).map(|d| d.closed_at), Some(None));
    }
}
