//! What pages, forms and decisions show of an open case: its facts in the
//! page's language (Vietnamese for documents), its steps with their notes
//! and their forms' structured fields, and its deadlines' states.

use chrono::Utc;
use treem_domain::access::{Action, permits};
use treem_domain::cases::deadlines::on_time;
use treem_domain::cases::step_form::{self, StepForm};
use treem_domain::cases::{Factor, Grant, Relation, Risk, Source, Step, Vocabulary};
use treem_domain::i18n::{Lang, fmt_date, trf};

use crate::AppState;
use crate::cases::input::show_time;
use crate::cases::service::OpenCase;
use crate::shell::request::CurrentUser;

/// What pages and forms show of an open case.
pub struct View {
    pub id: i64,
    pub number: String,
    pub commune: String,
    pub child_name: String,
    pub child_code: String,
    pub child_born: String,
    /// «Nam», «Nữ» or «Chưa rõ».
    pub child_sex: &'static str,
    pub child_link: Option<String>,
    pub source: &'static str,
    pub received: String,
    pub harms: String,
    pub relation: &'static str,
    pub risk: &'static str,
    pub step: &'static str,
    pub summary: String,
    pub abuser: String,
    pub emergency_by: Option<String>,
    pub emergency_state: &'static str,
    pub plan_by: String,
    pub plan_state: &'static str,
    /// The chair's decision on a plan waiting for it: by when, and whether
    /// that has passed.
    pub approve_by: Option<(String, &'static str)>,
    pub urgency: &'static str,
    pub steps: Vec<StepLine>,
    pub people: Vec<(String, &'static str, String)>,
    pub approver: String,
    /// Form 01's further fields (empty when none were recorded).
    pub details: treem_domain::cases::report_form::ReportDetails,
    /// Their channel in the page's language.
    pub channel: &'static str,
    /// The report's own day, as a document writes it: «ngày 02 tháng 03
    /// năm 2026».
    pub received_words: String,
}

pub struct StepLine {
    /// The step's code (forms find their step by it).
    pub code: &'static str,
    pub label: &'static str,
    pub at: String,
    pub author: String,
    pub notes: String,
    pub risk: &'static str,
    /// The form's structured fields.
    pub form: StepForm,
    /// Its risk factors as scored, in the page's language: (factor, level).
    pub factors: Vec<(&'static str, &'static str)>,
    /// The overall level they give ("" when none were scored).
    pub overall: &'static str,
}

fn deadline_state(done: Option<chrono::DateTime<Utc>>, by: chrono::DateTime<Utc>) -> &'static str {
    match done {
        Some(at) if on_time(at, by) => "met",
        Some(_) => "late",
        None if Utc::now() > by => "overdue",
        None => "open",
    }
}

pub(crate) fn view_of(state: &AppState, user: &CurrentUser, c: &OpenCase, lang: Lang) -> View {
    let f = &c.file;
    let units = state.units();
    View {
        details: c.details.clone(),
        channel: c.details.channel_label(lang),
        received_words: treem_domain::clock::document_date(treem_domain::clock::vn_date(
            f.received_at,
        )),
        id: f.id,
        number: f.case_number.clone(),
        // The commune that has the case now (it may have been handed over
        // since the commune that numbered it received it).
        // The commune that has the case today: what its unit became (a
        // document is issued by a body that exists), the numbering
        // commune's name when that cannot be told.
        commune: units
            .by_id(f.unit_id)
            .and_then(|u| units.history.became(u, treem_domain::clock::vn_today()))
            .map_or_else(
                || units.name_of(&f.commune_code, treem_domain::clock::vn_date(f.received_at)),
                |u| u.name.clone(),
            ),
        child_name: f.child_name.clone(),
        child_code: f.child_code.clone(),
        child_born: fmt_date(f.child_born),
        child_sex: match (f.child_sex.as_str(), lang) {
            ("M", Lang::Vi) => "Nam",
            ("F", Lang::Vi) => "Nữ",
            ("M", Lang::En) => "Male",
            ("F", Lang::En) => "Female",
            (_, Lang::Vi) => "Chưa rõ",
            (_, Lang::En) => "Not known",
        },
        child_link: permits(user.account.role, Action::ViewRegistry)
            .then(|| format!("/children/{}", f.child_id)),
        source: Source::parse(&f.source).map_or("", |s| s.label(lang)),
        received: show_time(f.received_at),
        harms: c
            .harms()
            .iter()
            .map(|h| h.label(lang))
            .collect::<Vec<_>>()
            .join(", "),
        relation: f
            .relation
            .as_deref()
            .and_then(Relation::parse)
            .map_or("—", |r| r.label(lang)),
        risk: f
            .risk_level
            .as_deref()
            .and_then(Risk::parse)
            .map_or("—", |r| r.label(lang)),
        step: c.step().map_or("", |s| s.label(lang)),
        summary: c.summary.clone(),
        abuser: c.abuser.clone(),
        emergency_by: c.deadlines.emergency_by.map(show_time),
        emergency_state: c
            .deadlines
            .emergency_by
            .map_or("", |by| deadline_state(f.emergency_at, by)),
        plan_by: show_time(c.deadlines.plan_by),
        plan_state: deadline_state(f.plan_at, c.deadlines.plan_by),
        approve_by: c
            .deadlines
            .approve_by
            .map(|by| (show_time(by), deadline_state(None, by))),
        urgency: if f.closed_at.is_some() {
            "closed"
        } else {
            c.urgency.code()
        },
        steps: c
            .steps
            .iter()
            .map(|(s, notes, form)| StepLine {
                code: Step::parse(&s.step).map_or("", |x| x.code()),
                label: Step::parse(&s.step).map_or("", |x| x.label(lang)),
                at: show_time(s.at),
                author: s.author.clone(),
                notes: notes.clone(),
                form: form.clone(),
                factors: scored(form, lang),
                overall: form.overall().map_or("", |r| r.label(lang)),
                risk: s
                    .risk_level
                    .as_deref()
                    .and_then(Risk::parse)
                    .map_or("", |r| r.label(lang)),
            })
            .collect(),
        people: c
            .grants
            .iter()
            // An approver grant of old confers nothing: the chair approves.
            .filter(|g| g.kind != "approver")
            .map(|g| {
                let until = g
                    .until
                    .map(|u| {
                        format!(
                            " ({})",
                            trf(lang, "cases.until", &[("time", &show_time(u))])
                        )
                    })
                    .unwrap_or_default();
                (
                    format!("{} ({})", g.display_name, g.username),
                    Grant::parse(&g.kind).map_or("", |k| k.label(lang)),
                    until,
                )
            })
            .collect(),
        // Who approved the plan last (the commune chair).
        approver: c
            .steps
            .iter()
            .rev()
            .find(|(s, ..)| s.step == Step::PlanApproved.code())
            .map(|(s, ..)| s.author.clone())
            .unwrap_or_default(),
    }
}

/// A form's scored factors in the forms' order: (factor, level) in `lang`.
fn scored(form: &StepForm, lang: Lang) -> Vec<(&'static str, &'static str)> {
    Factor::ALL
        .iter()
        .filter_map(|f| form.level_of(*f).map(|l| (f.label(lang), l.label(lang))))
        .collect()
}

impl View {
    /// The latest step of a kind.
    pub fn last(&self, step: &str) -> Option<&StepLine> {
        self.steps.iter().rev().find(|s| s.code == step)
    }

    /// The level a factor was given at the latest step of a kind, as a
    /// form ticks it: `high`, `medium`, `low` or "".
    pub fn level(&self, step: &str, factor: &str) -> &'static str {
        self.last(step)
            .and_then(|s| Factor::parse(factor).and_then(|f| s.form.level_of(f)))
            .map_or("", |l| l.code())
    }

    /// The overall level the factors of the latest step of a kind give
    /// (a code, or "").
    pub fn overall_of(&self, step: &str) -> &'static str {
        self.last(step)
            .and_then(|s| s.form.overall())
            .map_or("", |l| l.code())
    }

    /// The child's needs found at the latest detailed assessment.
    pub fn needs(&self) -> Vec<String> {
        self.last(Step::DetailedAssessment.code())
            .map(|s| s.form.need_lines().into_iter().map(String::from).collect())
            .unwrap_or_default()
    }

    /// The plan in force: the latest drafted or redrafted.
    pub fn plan_step(&self) -> Option<&StepLine> {
        self.steps
            .iter()
            .rev()
            .find(|s| step_form::holds_plan(Step::parse(s.code).unwrap_or(Step::Received)))
    }

    /// The plan's lines.
    pub fn plan_rows(&self) -> Vec<step_form::PlanRow> {
        self.plan_step()
            .map(|s| s.form.plan.clone())
            .unwrap_or_default()
    }

    /// When the plan was drafted.
    pub fn plan_at(&self) -> String {
        self.plan_step().map(|s| s.at.clone()).unwrap_or_default()
    }

    /// The day (dd/mm/yyyy) the plan in force was drafted, or dots.
    pub fn plan_day(&self) -> String {
        self.plan_step()
            .map(|s| s.code)
            .map_or_else(|| "……/……/……".to_string(), |c| self.day_of(c))
    }

    /// The plan's notes.
    pub fn plan_notes(&self) -> String {
        self.plan_step()
            .map(|s| s.notes.clone())
            .unwrap_or_default()
    }

    /// The minutes of the meeting that agreed the plan in force.
    pub fn meeting(&self) -> Option<step_form::Meeting> {
        self.plan_step().and_then(|s| s.form.meeting.clone())
    }

    /// The minutes of the latest needs meeting held (a plan redrafted
    /// without a meeting keeps the earlier one's).
    pub fn latest_meeting(&self) -> Option<step_form::Meeting> {
        self.steps.iter().rev().find_map(|s| s.form.meeting.clone())
    }

    /// The latest meeting's day (dd/mm/yyyy).
    pub fn meeting_day(&self) -> String {
        self.latest_meeting()
            .and_then(|m| m.day())
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    }

    /// The notes of the latest step of a kind (forms print them).
    pub fn notes_of(&self, step: &str) -> String {
        self.steps
            .iter()
            .rev()
            .find(|s| s.code == step)
            .map(|s| s.notes.clone())
            .unwrap_or_default()
    }

    /// The day (dd/mm/yyyy) the latest step of a kind was taken, or dots
    /// to fill in by hand.
    pub fn day_of(&self, step: &str) -> String {
        let at = self.at_of(step);
        match at.split_whitespace().find(|w| w.contains('/')) {
            Some(day) => day.to_string(),
            None if at.is_empty() => "……/……/……".to_string(),
            None => at,
        }
    }

    /// When the latest step of a kind was taken.
    pub fn at_of(&self, step: &str) -> String {
        self.steps
            .iter()
            .rev()
            .find(|s| s.code == step)
            .map(|s| s.at.clone())
            .unwrap_or_default()
    }

    /// The catalogue key of a state word (`u_overdue`, `d_met`…).
    pub fn key(&self, kind: &str, state: &str) -> String {
        format!("cases.{kind}_{state}")
    }
}
