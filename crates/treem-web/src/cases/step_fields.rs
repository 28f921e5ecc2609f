//! A step's structured fields (`treem_domain::cases::step_form`) as the
//! page and the API send them: read from the page's named fields, cleaned
//! like any narrative, checked by the domain, sealed with the step and
//! opened again for the page, the forms and the API.

use chrono::NaiveDate;
use treem_domain::cases::Step;
use treem_domain::cases::step_form::{Meeting, PlanRow, Scored, StepForm, check, label};
use treem_domain::child_input::FieldProblem;

use crate::cases::input::{long_text, problem};

/// How many empty plan lines the page offers.
pub const PLAN_LINES: usize = 8;

/// The form as the page posts it: `factor_<code>` = a level, `needs`,
/// `plan_<n>_<column>`, `meeting_<field>`; every other name is the step's
/// own (`step`, `at`, `notes`, …) and is left to the caller.
pub fn from_page(pairs: &[(String, String)]) -> StepForm {
    let mut form = StepForm::default();
    let mut meeting = Meeting::default();
    let mut rows: Vec<PlanRow> = vec![PlanRow::default(); PLAN_LINES];
    for (name, value) in pairs {
        if let Some(code) = name.strip_prefix("factor_") {
            if !value.trim().is_empty() {
                form.factors.push(Scored {
                    factor: code.to_string(),
                    level: value.clone(),
                });
            }
        } else if let Some(rest) = name.strip_prefix("plan_") {
            let Some((n, column)) = rest.split_once('_') else {
                continue;
            };
            let Some(row) = n.parse::<usize>().ok().and_then(|n| rows.get_mut(n)) else {
                continue;
            };
            let cell = match column {
                "need" => &mut row.need,
                "activity" => &mut row.activity,
                "who" => &mut row.who,
                "when" => &mut row.when,
                "resources" => &mut row.resources,
                _ => continue,
            };
            *cell = value.clone();
        } else {
            let field = match name.as_str() {
                "needs" => &mut form.needs,
                "meeting_on" => &mut meeting.on,
                "meeting_place" => &mut meeting.place,
                "meeting_participants" => &mut meeting.participants,
                "meeting_child_views" => &mut meeting.child_views,
                "meeting_family_views" => &mut meeting.family_views,
                "meeting_conclusions" => &mut meeting.conclusions,
                _ => continue,
            };
            *field = value.clone();
        }
    }
    form.plan = rows;
    form.meeting = Some(meeting);
    form
}

/// Cleans every text of a step's form as a narrative is cleaned (normal
/// form, no control characters), then checks it for the step taken on
/// `today`; `None` when nothing was given or something was wrong (the
/// problems are in `p`).
pub fn read(
    step: Step,
    form: &StepForm,
    today: NaiveDate,
    p: &mut Vec<FieldProblem>,
) -> Option<StepForm> {
    let before = p.len();
    let mut clean = |field: &'static str, v: &str| long_text(field, v, false, p);
    let cleaned = StepForm {
        factors: form.factors.clone(),
        needs: clean("needs", &form.needs),
        plan: form
            .plan
            .iter()
            .map(|r| PlanRow {
                need: clean("plan", &r.need),
                activity: clean("plan", &r.activity),
                who: clean("plan", &r.who),
                when: clean("plan", &r.when),
                resources: clean("plan", &r.resources),
            })
            .collect(),
        meeting: form.meeting.as_ref().map(|m| Meeting {
            on: m.on.trim().to_string(),
            place: clean("meeting_place", &m.place),
            participants: clean("meeting_participants", &m.participants),
            child_views: clean("meeting_child_views", &m.child_views),
            family_views: clean("meeting_family_views", &m.family_views),
            conclusions: clean("meeting_conclusions", &m.conclusions),
        }),
    };
    if p.len() > before {
        // A cleaning problem says which field it is about.
        for x in &mut p[before..] {
            let (vi, en) = label(x.field);
            x.message_vi = format!("{vi}: {}", x.message_vi);
            x.message_en = format!("{en}: {}", x.message_en);
        }
        return None;
    }
    match check(step, &cleaned, today) {
        Ok(f) if f.is_empty() => None,
        Ok(f) => Some(f),
        Err(found) => {
            p.extend(found.into_iter().map(|(f, vi, en)| problem(f, vi, en)));
            None
        }
    }
}

/// A stored form opened: what the seal held, or nothing when it was none
/// or cannot be read (the step's notes then say it is unreadable).
pub fn opened(text: Option<String>) -> StepForm {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}
