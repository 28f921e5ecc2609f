//! A step's structured fields in the cases' JSON API: the same fields the
//! case page takes (`treem_domain::cases::step_form`), in and out.

use serde::{Deserialize, Serialize};
use treem_domain::cases::step_form::{Meeting, PlanRow, Scored, StepForm};
use utoipa::ToSchema;

/// A risk factor as scored.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = ScoredFactor)]
pub(super) struct ScoredJson {
    /// harm_severity, abuser_access, care_obstacles or child_coping.
    factor: String,
    /// high, medium or low.
    level: String,
}

/// A line of the plan (form 04).
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = PlanLine)]
pub(super) struct PlanRowJson {
    /// The child's need it answers (required).
    need: String,
    /// What will be done (required).
    activity: String,
    /// Who does it (required).
    who: String,
    /// When, as agreed (required).
    when: String,
    resources: String,
}

/// The minutes of the needs meeting (art. 27).
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = NeedsMeeting)]
pub(super) struct MeetingJson {
    /// YYYY-MM-DD, not after the step's day (required).
    on: String,
    place: String,
    /// Who took part, one a line (required).
    participants: String,
    child_views: String,
    family_views: String,
    /// What the meeting agreed (required).
    conclusions: String,
}

/// A step's form (Decree 56/2017's appendix), encrypted at rest. Factors
/// at initial_assessment, detailed_assessment and review (every factor or
/// none; the case's level follows from the highest); needs at
/// detailed_assessment (one a line); plan and meeting at plan_drafted and
/// replan.
#[derive(Debug, Default, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
#[schema(as = StepFormFields)]
pub(super) struct StepFormJson {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    factors: Vec<ScoredJson>,
    #[serde(skip_serializing_if = "String::is_empty")]
    needs: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    plan: Vec<PlanRowJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meeting: Option<MeetingJson>,
}

impl From<StepFormJson> for StepForm {
    fn from(j: StepFormJson) -> Self {
        StepForm {
            factors: j
                .factors
                .into_iter()
                .map(|s| Scored {
                    factor: s.factor,
                    level: s.level,
                })
                .collect(),
            needs: j.needs,
            plan: j
                .plan
                .into_iter()
                .map(|r| PlanRow {
                    need: r.need,
                    activity: r.activity,
                    who: r.who,
                    when: r.when,
                    resources: r.resources,
                })
                .collect(),
            meeting: j.meeting.map(|m| Meeting {
                on: m.on,
                place: m.place,
                participants: m.participants,
                child_views: m.child_views,
                family_views: m.family_views,
                conclusions: m.conclusions,
            }),
        }
    }
}

impl From<&StepForm> for StepFormJson {
    fn from(f: &StepForm) -> Self {
        StepFormJson {
            factors: f
                .factors
                .iter()
                .map(|s| ScoredJson {
                    factor: s.factor.clone(),
                    level: s.level.clone(),
                })
                .collect(),
            needs: f.needs.clone(),
            plan: f
                .plan
                .iter()
                .map(|r| PlanRowJson {
                    need: r.need.clone(),
                    activity: r.activity.clone(),
                    who: r.who.clone(),
                    when: r.when.clone(),
                    resources: r.resources.clone(),
                })
                .collect(),
            meeting: f.meeting.as_ref().map(|m| MeetingJson {
                on: m.on.clone(),
                place: m.place.clone(),
                participants: m.participants.clone(),
                child_views: m.child_views.clone(),
                family_views: m.family_views.clone(),
                conclusions: m.conclusions.clone(),
            }),
        }
    }
}
