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
use treem_domain::cases::{FORMS, Factor, Risk, Step, Vocabulary, may_take, step_form};
use treem_domain::clock::VN_OFFSET;
use treem_domain::i18n::Lang;

use crate::cases::input::StepInput;
use crate::cases::input::show_time;
use crate::cases::new::Choice;
use crate::cases::service::{self, CaseError};
use crate::cases::step_fields;
use crate::cases::view::{View, view_of};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}", get(view))
        .route("/cases/{id}/steps", post(step))
        .route("/cases/{id}/steps/withdraw", post(withdraw))
        .route("/cases/{id}/handover", post(handover))
        .route("/cases/{id}/people", post(people))
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
    notice: Option<String>,
    /// The last step, when this user may withdraw it: (step id, its name).
    withdrawable: Option<(i64, &'static str)>,
    /// Steps withdrawn: (step, when taken, by, when withdrawn, by, why).
    withdrawn: Vec<[String; 6]>,
    /// Officers of other communes the case may be handed to (empty when
    /// this user may not hand it over).
    receivers: Vec<(String, String)>,
    /// The case's hand-overs: (when, from, to, who to whom, why).
    handovers: Vec<[String; 5]>,
    /// What was typed in the step form, shown again when it was refused.
    typed: Vec<(String, String)>,
    /// The parts of the form the next steps have (`factors`, `needs`,
    /// `plan`).
    parts: Vec<&'static str>,
    factors: Vec<Choice>,
    /// The plan's lines offered: (index, its legend).
    plan_lines: Vec<(usize, String)>,
    plan_columns: [(&'static str, &'static str); 5],
    meeting_texts: [&'static str; 4],
}

/// The parts of a step's form the page offers for the steps that may
/// follow.
fn form_parts(next: &[Step]) -> Vec<&'static str> {
    let mut parts = Vec::new();
    if next.iter().any(|s| step_form::scores_factors(*s)) {
        parts.push("factors");
    }
    if next.contains(&Step::DetailedAssessment) {
        parts.push("needs");
    }
    if next.iter().any(|s| step_form::holds_plan(*s)) {
        parts.push("plan");
    }
    parts
}

/// The risk factors as choices in `lang`.
pub(crate) fn factor_choices(lang: Lang) -> Vec<Choice> {
    Factor::ALL
        .iter()
        .map(|f| Choice {
            code: f.code(),
            label: f.label(lang),
            chosen: false,
        })
        .collect()
}

/// A plan line's legend: «Dòng 1».
fn page_line(lang: Lang, n: usize) -> String {
    treem_domain::i18n::trf(lang, "cases.plan_line", &[("n", &(n + 1).to_string())])
}

impl CaseTemplate {
    /// Whether a plan line beyond the first three was typed (they are
    /// then shown open).
    fn more_typed(&self) -> bool {
        self.typed.iter().any(|(k, v)| {
            !v.trim().is_empty()
                && k.strip_prefix("plan_")
                    .and_then(|r| r.split('_').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| n >= 3)
        })
    }

    /// A field as typed (empty when nothing was).
    fn typed(&self, name: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

pub(crate) async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: i64,
    problems: Vec<String>,
    notice: Option<String>,
    typed: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let c = service::open(state, user, info, id, "page").await?;
    let next_steps: Vec<Step> = c
        .step()
        .map(|s| s.next())
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|s| may_take(c.access, *s))
        .collect();
    let next: Vec<Choice> = next_steps
        .iter()
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
                .map(|(s, ..)| s.step.as_str())
                .collect::<Vec<_>>(),
        ),
        v: view_of(state, user, &c, info.lang),
        problems,
        notice,
        withdrawable: crate::cases::withdraw::withdrawable(
            &c.steps.iter().map(|(s, ..)| s.clone()).collect::<Vec<_>>(),
            c.access,
        )
        .map(|(sid, step)| (sid, step.label(info.lang))),
        withdrawn: withdrawn_lines(state, &c, info.lang).await?,
        receivers: if c.access.act && c.file.closed_at.is_none() {
            crate::cases::handover::receivers(state, c.file.unit_id).await?
        } else {
            Vec::new()
        },
        handovers: crate::cases::handover::trail(
            state,
            &c.file,
            &format!("⚠ ({})", info.lang.t("cases.unreadable")),
        )
        .await?,
        typed,
        parts: form_parts(&next_steps),
        factors: factor_choices(info.lang),
        plan_lines: (0..step_fields::PLAN_LINES)
            .map(|n| (n, page_line(info.lang, n)))
            .collect(),
        plan_columns: [
            ("need", "cases.plan_need"),
            ("activity", "cases.plan_activity"),
            ("who", "cases.plan_who"),
            ("when", "cases.plan_when"),
            ("resources", "cases.plan_resources"),
        ],
        meeting_texts: [
            "meeting_participants",
            "meeting_child_views",
            "meeting_family_views",
            "meeting_conclusions",
        ],
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
    // What was stored, said as such.
    let lang = info.lang;
    let notice = q.saved.as_deref().map(|s| match s {
        "withdrawn" => lang.t("cases.withdrawn").to_string(),
        "person" => lang.t("cases.person_added").to_string(),
        s => match Step::parse(s) {
            Some(step) => {
                treem_domain::i18n::trf(lang, "cases.step_recorded", &[("step", step.label(lang))])
            }
            None => lang.t("cases.saved").to_string(),
        },
    });
    render(&state, &info, &user, id, Vec::new(), notice, Vec::new()).await
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

async fn step(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = StepInput {
        step: field("step"),
        at: field("at"),
        notes: field("notes"),
        risk_level: field("risk_level"),
        form: crate::cases::step_fields::from_page(&pairs),
    };
    let problems = match service::take_step(&state, &user, &info, id, &input).await {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/cases/{id}?saved={}", input.step.trim())).into_response(),
            );
        }
        Err(e) => messages(e, info.lang)?,
    };
    render(&state, &info, &user, id, problems, None, pairs).await
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
            Ok(()) => return Ok(Redirect::to(&format!("/cases/{id}?saved=person")).into_response()),
            Err(CaseError::Invalid(p)) => p
                .iter()
                .map(|p| info.lang.pick(&p.message_vi, &p.message_en).to_string())
                .collect(),
            Err(CaseError::App(e)) => return Err(e),
            Err(_) => return Err(AppError::BadRequest),
        };
    render(&state, &info, &user, id, problems, None, Vec::new()).await
}

#[derive(Deserialize)]
struct HandoverForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// `POST /cases/{id}/handover`: the case goes to another commune; the
/// giver no longer opens it, so the list says where it went.
async fn handover(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HandoverForm>,
) -> Result<Response, AppError> {
    let problems =
        match crate::cases::handover::hand_over(&state, &user, &info, id, &f.to, &f.reason).await {
            Ok(_) => return Ok(Redirect::to("/cases?handed=1").into_response()),
            Err(e) => messages(e, info.lang)?,
        };
    render(&state, &info, &user, id, problems, None, Vec::new()).await
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
    render(&state, &info, &user, id, problems, None, Vec::new()).await
}
