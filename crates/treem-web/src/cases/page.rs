//! One case: what happened, where the procedure stands and what is due,
//! the next step, the people on the case, and the printable forms 01–06.
//! Every view is an audited read; without a standing the case does not exist.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use serde::Deserialize;
use treem_domain::access::{Action, permits};
use treem_domain::cases::deadlines::on_time;
use treem_domain::cases::{FORMS, Grant, Relation, Risk, Source, Step, Vocabulary, may_take};
use treem_domain::clock::VN_OFFSET;
use treem_domain::i18n::{Lang, fmt_date, trf};

use crate::cases::input::StepInput;
use crate::cases::input::show_time;
use crate::cases::new::Choice;
use crate::cases::service::{self, CaseError, OpenCase};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}", get(view))
        .route("/cases/{id}/steps", post(step))
        .route("/cases/{id}/steps/withdraw", post(withdraw))
        .route("/cases/{id}/people", post(people))
        .route("/cases/{id}/forms/{n}", get(form))
}

/// What pages and forms show of an open case.
pub struct View {
    pub id: i64,
    pub number: String,
    pub commune: String,
    pub child_name: String,
    pub child_code: String,
    pub child_born: String,
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
}

fn deadline_state(done: Option<chrono::DateTime<Utc>>, by: chrono::DateTime<Utc>) -> &'static str {
    match done {
        Some(at) if on_time(at, by) => "met",
        Some(_) => "late",
        None if Utc::now() > by => "overdue",
        None => "open",
    }
}

pub(super) fn view_of(state: &AppState, user: &CurrentUser, c: &OpenCase, lang: Lang) -> View {
    let f = &c.file;
    let units = state.units();
    View {
        details: c.details.clone(),
        channel: c.details.channel_label(lang),
        received_words: treem_domain::clock::vn_date(f.received_at)
            .format("ngày %d tháng %m năm %Y")
            .to_string(),
        id: f.id,
        number: f.case_number.clone(),
        commune: units.name_of(&f.commune_code, treem_domain::clock::vn_date(f.received_at)),
        child_name: f.child_name.clone(),
        child_code: f.child_code.clone(),
        child_born: fmt_date(f.child_born),
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
        urgency: if f.closed_at.is_some() {
            "closed"
        } else {
            c.urgency.code()
        },
        steps: c
            .steps
            .iter()
            .map(|(s, notes)| StepLine {
                code: Step::parse(&s.step).map_or("", |x| x.code()),
                label: Step::parse(&s.step).map_or("", |x| x.label(lang)),
                at: show_time(s.at),
                author: s.author.clone(),
                notes: notes.clone(),
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
            .find(|(s, _)| s.step == Step::PlanApproved.code())
            .map(|(s, _)| s.author.clone())
            .unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "cases/page.html")]
struct CaseTemplate {
    page: Page,
    v: View,
    next: Vec<Choice>,
    /// The procedure's next step, when this user may take it.
    forward: Option<&'static str>,
    /// A drafted plan waits for the commune chair.
    awaiting_approval: bool,
    /// A closure proposed, waiting for the chair's decision.
    awaiting_closure: bool,
    /// Accounts a supervisor may add: (username, "name — role").
    candidates: Vec<(String, String)>,
    risks: Vec<Choice>,
    now: String,
    may_grant: bool,
    forms: Vec<(u8, &'static str)>,
    /// The chair's decisions the case has reached: (code, title).
    decisions: Vec<(&'static str, &'static str)>,
    problems: Vec<String>,
    /// What was just stored (a catalogue key).
    notice: Option<&'static str>,
    /// The last step, when this user may withdraw it: (step id, its name).
    withdrawable: Option<(i64, &'static str)>,
    /// Steps withdrawn: (step, when taken, by, when withdrawn, by, why).
    withdrawn: Vec<[String; 6]>,
}

pub(crate) async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: i64,
    problems: Vec<String>,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let c = service::open(state, user, info, id, "page").await?;
    let next: Vec<Choice> = c
        .step()
        .map(|s| s.next())
        .unwrap_or_default()
        .iter()
        .filter(|s| may_take(c.access, **s))
        .map(|s| Choice {
            code: s.code(),
            label: s.label(info.lang),
            chosen: false,
        })
        .collect();
    let forward = c
        .step()
        .and_then(|s| s.forward())
        .filter(|s| may_take(c.access, *s))
        .map(|s| s.label(info.lang));
    let may_grant = crate::cases::people::supervises(state, &user.account, c.file.unit_id);
    let candidates = if may_grant {
        crate::cases::people::candidates(state, user, c.file.unit_id, info.lang).await?
    } else {
        Vec::new()
    };
    let tpl = CaseTemplate {
        page: Page::new(
            info,
            Some(user),
            &format!("{} {}", info.lang.t("cases.case"), c.file.case_number),
        ),
        next,
        risks: Risk::ALL
            .iter()
            .map(|r| Choice {
                code: r.code(),
                label: r.label(info.lang),
                chosen: false,
            })
            .collect(),
        now: Utc::now()
            .with_timezone(&VN_OFFSET)
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        forward,
        awaiting_approval: c.step() == Some(treem_domain::cases::Step::PlanDrafted),
        awaiting_closure: c.step() == Some(treem_domain::cases::Step::ClosureProposed),
        candidates,
        may_grant,
        forms: FORMS.to_vec(),
        decisions: treem_domain::cases::decisions::reached(
            &c.steps
                .iter()
                .map(|(s, _)| s.step.as_str())
                .collect::<Vec<_>>(),
        ),
        v: view_of(state, user, &c, info.lang),
        problems,
        notice,
        withdrawable: crate::cases::withdraw::withdrawable(
            &c.steps.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>(),
            c.access,
        )
        .map(|(sid, step)| (sid, step.label(info.lang))),
        withdrawn: withdrawn_lines(state, &c, info.lang).await?,
    };
    let status = if tpl.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// The case's withdrawn steps as shown, their reasons opened.
async fn withdrawn_lines(
    state: &AppState,
    c: &service::OpenCase,
    lang: Lang,
) -> Result<Vec<[String; 6]>, AppError> {
    let key = service::key(state)?;
    Ok(state
        .store
        .withdrawn_case_steps(c.file.id)
        .await?
        .into_iter()
        .map(|w| {
            [
                Step::parse(&w.step)
                    .map_or("", |s| s.label(lang))
                    .to_string(),
                show_time(w.at),
                w.author,
                show_time(w.withdrawn_at),
                w.withdrawn_by,
                key.open(&c.file.seal_id, "withdrawn_reason", &w.withdrawn_reason)
                    .unwrap_or_default(),
            ]
        })
        .collect())
}

#[derive(Deserialize)]
struct ViewQuery {
    saved: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, AppError> {
    let notice = q.saved.as_deref().map(|s| match s {
        "withdrawn" => "cases.withdrawn",
        _ => "cases.saved",
    });
    render(&state, &info, &user, id, Vec::new(), notice).await
}

/// A refused case action as the page lists it, or the error page it is.
fn messages(e: CaseError, lang: Lang) -> Result<Vec<String>, AppError> {
    Ok(match e {
        CaseError::Invalid(p) => p
            .iter()
            .map(|p| lang.pick(&p.message_vi, &p.message_en).to_string())
            .collect(),
        CaseError::NotAllowed(m) => vec![m],
        CaseError::Conflict => vec![lang.t("cases.conflict").to_string()],
        CaseError::App(e) => return Err(e),
    })
}

#[derive(Deserialize)]
struct StepForm {
    step: String,
    at: String,
    #[serde(default)]
    risk_level: String,
    #[serde(default)]
    notes: String,
}

async fn step(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Result<Response, AppError> {
    let input = StepInput {
        step: f.step,
        at: f.at,
        notes: f.notes,
        risk_level: f.risk_level,
    };
    let problems = match service::take_step(&state, &user, &info, id, &input).await {
        Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}?saved=1")).into_response()),
        Err(e) => messages(e, info.lang)?,
    };
    render(&state, &info, &user, id, problems, None).await
}

#[derive(Deserialize)]
struct PeopleForm {
    username: String,
    kind: String,
}

async fn people(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PeopleForm>,
) -> Result<Response, AppError> {
    let problems =
        match crate::cases::people::grant(&state, &user, &info, id, &f.username, &f.kind).await {
            Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}?saved=1")).into_response()),
            Err(CaseError::Invalid(p)) => p
                .iter()
                .map(|p| info.lang.pick(&p.message_vi, &p.message_en).to_string())
                .collect(),
            Err(CaseError::App(e)) => return Err(e),
            Err(_) => return Err(AppError::BadRequest),
        };
    render(&state, &info, &user, id, problems, None).await
}

#[derive(Template)]
#[template(path = "cases/form.html")]
struct FormTemplate {
    page: Page,
    n: u8,
    title: &'static str,
    v: View,
    today: String,
}

/// A printable form of Decree 56, filled from the case (an audited read).
async fn form(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, n)): Path<(i64, u8)>,
) -> Result<Response, AppError> {
    let Some((_, title)) = FORMS.iter().find(|(k, _)| *k == n).copied() else {
        return Err(AppError::NotFound);
    };
    let c = service::open(&state, &user, &info, id, &format!("form {n:02}")).await?;
    let tpl = FormTemplate {
        page: Page::new(&info, Some(&user), title),
        n,
        title,
        // Forms are Vietnamese documents whatever the page's language.
        v: view_of(&state, &user, &c, Lang::Vi),
        today: fmt_date(treem_domain::clock::vn_today()),
    };
    Ok(Html(tpl.render()?).into_response())
}

impl View {
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

#[derive(Deserialize)]
struct WithdrawForm {
    step_id: i64,
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let problems =
        match crate::cases::withdraw::withdraw_last(&state, &user, &info, id, f.step_id, &f.reason)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/cases/{id}?saved=withdrawn")).into_response());
            }
            Err(e) => messages(e, info.lang)?,
        };
    render(&state, &info, &user, id, problems, None).await
}
