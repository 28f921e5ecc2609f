//! The case list ("my cases" by urgency, counts for the scope, break-glass
//! accesses for supervisors), the report form that opens a case, and the
//! break-glass request.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};
use serde::Deserialize;
use treem_domain::access::{Action, Role, permits};
use treem_domain::cases::deadlines::{Urgency, next_due};
use treem_domain::cases::{Risk, Step, Vocabulary};
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_store::{CaseFilter, CaseSummary};

use crate::cases::input::show_time;
use crate::cases::service::{self, CaseError};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/break-glass", post(break_glass))
}

/// One listed case (no contents).
pub struct Line {
    pub id: i64,
    pub number: String,
    /// The registry id of the child, and her name where the list shows it
    /// (the user's own cases only).
    pub child_id: i64,
    pub child: Option<(i64, String)>,
    pub commune: String,
    pub step: &'static str,
    pub risk: &'static str,
    pub received: String,
    pub due: String,
    pub urgency: Urgency,
    pub closed: bool,
}

impl Line {
    pub fn urgency_code(&self) -> &'static str {
        if self.closed {
            "closed"
        } else {
            self.urgency.code()
        }
    }

    pub fn urgency_key(&self) -> String {
        format!("cases.u_{}", self.urgency_code())
    }
}

struct CountLine {
    commune: String,
    open: usize,
    overdue: usize,
    closed: usize,
}

struct GlassLine {
    when: String,
    who: String,
    number: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListTemplate {
    page: Page,
    mine: Vec<Line>,
    counts: Vec<CountLine>,
    glass: Vec<GlassLine>,
    may_open: bool,
    error: Option<String>,
    notice: Option<&'static str>,
    /// Whether the child's name links to her record.
    registry: bool,
}

/// The user's own cases, most urgent first.
pub async fn my_cases(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
) -> Result<Vec<Line>, AppError> {
    let summaries = state
        .store
        .case_summaries(&CaseFilter::Account(user.account.id))
        .await?;
    lines(state, summaries, lang).await
}

async fn lines(
    state: &AppState,
    summaries: Vec<CaseSummary>,
    lang: Lang,
) -> Result<Vec<Line>, AppError> {
    let calendar = service::calendar(state).await?;
    let units = state.units();
    let now = Utc::now();
    let today = vn_today();
    let mut v: Vec<(Line, Option<chrono::DateTime<Utc>>)> = summaries
        .into_iter()
        .map(|s| {
            let (d, u) = service::judge(&s, &calendar, now);
            let p = treem_domain::cases::deadlines::Progress {
                emergency_at: s.emergency_at,
                plan_at: s.plan_at,
                closed: s.closed_at.is_some(),
            };
            let due = next_due(&d, &p);
            let line = Line {
                id: s.id,
                child_id: s.child_id,
                child: None,
                // The commune that holds the case's unit today.
                commune: units
                    .by_id(s.unit_id)
                    .and_then(|u| units.history.became(u, today).or(Some(u)))
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                number: s.case_number,
                step: Step::parse(&s.step).map_or("", |x| x.label(lang)),
                risk: s
                    .risk_level
                    .as_deref()
                    .and_then(Risk::parse)
                    .map_or("—", |r| r.label(lang)),
                received: show_time(s.received_at),
                due: due.map(show_time).unwrap_or_else(|| "—".into()),
                urgency: u,
                closed: s.closed_at.is_some(),
            };
            (line, due)
        })
        .collect();
    v.sort_by_key(|(l, due)| (l.urgency, *due));
    Ok(v.into_iter().map(|(l, _)| l).collect())
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let units = state.units();
    let today = vn_today();
    let scope = units.scope_of(&user.account, today);
    let mut mine = my_cases(state, user, info.lang).await?;
    name_children(state, user, info, &mut mine).await?;
    let calendar = service::calendar(state).await?;
    let now = Utc::now();
    let in_scope = state
        .store
        .case_summaries(&CaseFilter::Scope(scope.clone()))
        .await?;
    let mut counts: Vec<CountLine> = Vec::new();
    for s in &in_scope {
        let commune = units
            .by_id(s.unit_id)
            .and_then(|u| units.history.became(u, today).or(Some(u)))
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let i = match counts.iter().position(|c| c.commune == commune) {
            Some(i) => i,
            None => {
                counts.push(CountLine {
                    commune,
                    open: 0,
                    overdue: 0,
                    closed: 0,
                });
                counts.len() - 1
            }
        };
        if s.closed_at.is_some() {
            counts[i].closed += 1;
        } else {
            counts[i].open += 1;
            if service::judge(s, &calendar, now).1 == Urgency::Overdue {
                counts[i].overdue += 1;
            }
        }
    }
    counts.sort_by_cached_key(|c| treem_domain::text::fold(&c.commune));
    // Supervisors see who opened a case by breaking the glass, and why.
    let glass = if matches!(
        user.account.role,
        Role::Admin | Role::Province | Role::District
    ) {
        let key = service::key(state)?;
        let mut v = Vec::new();
        for g in state
            .store
            .break_glass_grants(now - Duration::days(90))
            .await?
        {
            let Some(f) = state.store.case_file(g.case_id).await? else {
                continue;
            };
            if !scope.contains(f.unit_id) {
                continue;
            }
            v.push(GlassLine {
                when: show_time(g.granted_at),
                who: format!("{} ({})", g.display_name, g.username),
                number: f.case_number,
                reason: g
                    .reason
                    .as_deref()
                    .and_then(|r| key.open(&f.seal_id, "reason", r))
                    .unwrap_or_default(),
            });
        }
        v
    } else {
        Vec::new()
    };
    let tpl = ListTemplate {
        page: Page::new(info, Some(user), info.lang.t("cases.title")),
        mine,
        counts,
        glass,
        may_open: permits(user.account.role, Action::OpenCases),
        registry: permits(user.account.role, Action::ViewRegistry),
        error,
        notice,
    };
    let status = if tpl.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// Puts the child's name on each of the user's own cases (she works on
/// them and may read them); the read of those names is audited.
async fn name_children(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    lines: &mut [Line],
) -> Result<(), AppError> {
    if lines.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = lines.iter().map(|l| l.child_id).collect();
    let children = state.store.children_by_id(&ids).await?;
    for l in lines.iter_mut() {
        l.child = children
            .iter()
            .find(|c| c.id == l.child_id)
            .map(|c| (c.id, c.full_name.clone()));
    }
    let audit = service::event(user, info, "case_list_viewed", "")
        .with_detail(format!("{} cases with the child's name", lines.len()));
    state.store.audit(audit).await?;
    Ok(())
}

#[derive(Deserialize)]
struct ListQuery {
    glass: Option<String>,
    handed: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let notice = if q.handed.is_some() {
        Some(info.lang.t("cases.handed_over"))
    } else {
        q.glass.is_some().then(|| info.lang.t("cases.glass_done"))
    };
    render(&state, &info, &user, None, notice).await
}

#[derive(Deserialize)]
struct GlassForm {
    case_number: String,
    reason: String,
}

async fn break_glass(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<GlassForm>,
) -> Result<Response, AppError> {
    let scope = state.units().scope_of(&user.account, vn_today());
    let found = state
        .store
        .case_summaries(&CaseFilter::Scope(scope))
        .await?
        .into_iter()
        .find(|s| s.case_number == f.case_number.trim());
    let Some(s) = found else {
        return render(
            &state,
            &info,
            &user,
            Some(info.lang.t("cases.no_such_case").into()),
            None,
        )
        .await;
    };
    match service::break_glass(&state, &user, &info, s.id, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{}", s.id)).into_response()),
        Err(CaseError::Invalid(p)) => {
            let msg = p
                .iter()
                .map(|p| info.lang.pick(&p.message_vi, &p.message_en))
                .collect::<Vec<_>>()
                .join("; ");
            render(&state, &info, &user, Some(msg), None).await
        }
        Err(CaseError::App(e)) => Err(e),
        Err(_) => Err(AppError::BadRequest),
    }
}
