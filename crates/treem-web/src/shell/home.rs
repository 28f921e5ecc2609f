//! The home page: who you are, your scope, and what it holds.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::access::{Action, Role, permits};
use treem_domain::cases::deadlines::Urgency;
use treem_domain::cases::{Step, Vocabulary};
use treem_domain::clock::vn_today;
use treem_domain::units::Level;
use treem_store::CaseFilter;

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(health))
}

#[derive(Template)]
#[template(path = "shell/home.html")]
struct HomeTemplate {
    page: Page,
    welcome: String,
    scope: String,
    /// The children in scope, thousands grouped.
    children: Option<String>,
    communes: usize,
    notice: Option<&'static str>,
    /// The user's own cases that are overdue or due soon.
    cases_overdue: usize,
    cases_due_soon: usize,
    /// Overdue cases in the scope (counts only), for supervisors.
    scope_overdue: Option<usize>,
    /// For a commune chair: the drafted plans waiting for her approval, as
    /// (case id, case number).
    /// Cases waiting for the chair's decision: (id, number, what waits).
    awaiting: Vec<(i64, String, &'static str)>,
    /// A commune officer's registry work: children on the nutrition list
    /// (to weigh again or follow), under-fives without a birth registration.
    to_follow: Option<usize>,
    unregistered: Option<usize>,
    /// Overdue tasks of the plans in scope (or of one's agency).
    tasks_overdue: usize,
    recommendations_overdue: usize,
}

#[derive(Deserialize)]
struct HomeQuery {
    password: Option<String>,
}

async fn home(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<HomeQuery>,
) -> Result<Html<String>, AppError> {
    let today = vn_today();
    let units = state.units();
    let a = &user.account;
    let scope = units.scope_of(a, today);
    let children = if permits(a.role, Action::ViewRegistry) {
        let n = crate::registry::search::count_children(&state, &scope).await?;
        Some(treem_domain::i18n::fmt_count(n, info.lang))
    } else {
        None
    };
    let communes = match &scope {
        treem_store::Scope::All => units
            .history
            .valid_on(today)
            .iter()
            .filter(|u| u.level == Level::Commune)
            .count(),
        treem_store::Scope::Units(ids) => ids
            .iter()
            .filter_map(|id| units.by_id(*id))
            .filter(|u| u.level == Level::Commune && u.valid_on(today))
            .count(),
    };
    let mine = crate::cases::list::my_cases(&state, &user, info.lang).await?;
    let count = |u: Urgency| mine.iter().filter(|l| l.urgency == u).count();
    let scope_overdue = if matches!(a.role, Role::Province | Role::District | Role::Admin) {
        let calendar = crate::cases::service::calendar(&state).await?;
        let now = chrono::Utc::now();
        let in_scope = state
            .store
            .case_summaries(&CaseFilter::Scope(scope.clone()))
            .await?;
        Some(
            in_scope
                .iter()
                .filter(|s| crate::cases::service::judge(s, &calendar, now).1 == Urgency::Overdue)
                .count(),
        )
    } else {
        None
    };
    let awaiting = if a.commune_chair {
        state
            .store
            .case_summaries(&CaseFilter::Scope(scope.clone()))
            .await?
            .into_iter()
            .filter_map(|s| {
                // A plan to approve or return, a closure to decide.
                let step = Step::parse(&s.step).filter(|st| {
                    matches!(st, Step::PlanDrafted | Step::ClosureProposed)
                        && crate::cases::service::is_chair_of(&state, a, s.unit_id)
                })?;
                Some((s.id, s.case_number, step.label(info.lang)))
            })
            .collect()
    } else {
        Vec::new()
    };
    let officer = a.role == Role::Commune && permits(a.role, Action::ViewRegistry);
    let (to_follow, unregistered) = if officer {
        let listed = crate::registry::nutrition::count_listed(&state, &scope, today).await?;
        let no_birth = state
            .store
            .child_list(&scope, treem_store::ChildList::NoBirthRegistration, today)
            .await?
            .len();
        (Some(listed), Some(no_birth))
    } else {
        (None, None)
    };
    let tasks_overdue = crate::plans::overdue::overdue_tasks(&state, &user)
        .await?
        .len();
    let recommendations_overdue = crate::plans::overdue::late_recommendations(&state, &user)
        .await?
        .len();
    let page = Page::new(&info, Some(&user), info.lang.t("home.title"));
    let unit_name = units.name_of(&a.scope_code, today);
    let tpl = HomeTemplate {
        welcome: page.tf("home.welcome", &[("name", &a.display_name)]),
        scope: page.tf(
            "home.scope",
            &[("unit", &format!("{unit_name} ({})", a.scope_code))],
        ),
        page,
        children,
        communes,
        cases_overdue: count(Urgency::Overdue),
        cases_due_soon: count(Urgency::DueSoon),
        scope_overdue,
        awaiting,
        to_follow,
        unregistered,
        tasks_overdue,
        recommendations_overdue,
        notice: q
            .password
            .is_some()
            .then(|| info.lang.t("password.changed")),
    };
    Ok(Html(tpl.render()?))
}

/// Liveness and readiness: answers once the database answers.
async fn health(State(state): State<AppState>) -> Result<&'static str, AppError> {
    // A load balancer asks every few seconds: `SELECT 1` on a connection
    // of its own (PostgreSQL), not one users' pages may all be holding.
    state.store.health().await?;
    Ok("ok")
}
