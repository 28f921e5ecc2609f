//! The review of a plan for a period (`spec/plan.md`: "sơ kết, tổng kết";
//! the input of the periodic report, module 8): per task group, what each
//! task's agencies reported for the period, the indicators the group's
//! tasks serve with their value and target for the plan's unit, the
//! supervisions held in the period with their findings, and the
//! recommendations still open. The mid-term review is the year 2025, the
//! final one 2030. Read within scope, like progress.

use std::collections::BTreeSet;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::indicators::{Period, name_vi_on, shown};
use treem_domain::plan::progress::{ProgressStatus, ReportPeriod, TaskState};
use treem_domain::plan::supervision::{Body, recommendation_overdue};
use treem_domain::plan::{Cadence, GROUPS};
use treem_store::ProgressRow;

use super::found::{
    agency_name, answerable, figures, plan_view, standings, status_key as progress_status_key,
};
use crate::indicators::figures::status_key;
use crate::indicators::kept::report;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/review", get(page))
}

#[derive(Deserialize)]
struct ReviewQuery {
    period: Option<String>,
}

struct TaskLine {
    id: i64,
    code: String,
    title: String,
    lead: String,
    /// The lead's status for the period, or "no report".
    status: &'static str,
    done: bool,
    /// Each agency's summary for the period: (agency, status, summary, figures).
    reports: Vec<(String, &'static str, String, String)>,
}

struct IndicatorLine {
    name: &'static str,
    value: String,
    target: String,
    status: &'static str,
}

struct GroupBlock {
    title: String,
    tasks: Vec<TaskLine>,
    /// Done, under way, not started, no report.
    tally: [usize; 4],
    indicators: Vec<IndicatorLine>,
}

#[derive(Template)]
#[template(path = "plans/review.html")]
struct ReviewTemplate {
    page: Page,
    plan_id: i64,
    plan_title: String,
    unit: String,
    period_label: String,
    periods: Vec<(String, String, bool)>,
    in_scope: bool,
    groups: Vec<GroupBlock>,
    /// (date, kind, body, findings).
    supervisions: Vec<(String, &'static str, String, String)>,
    /// (text, agency, due, overdue).
    open: Vec<(String, String, String, bool)>,
}

/// A report's figures on one line.
fn figures_line(lang: Lang, r: &ProgressRow) -> String {
    figures(lang, r)
        .into_iter()
        .map(|(k, v)| format!("{}: {v}", lang.t(k)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn status_name(lang: Lang, code: &str) -> &'static str {
    lang.t(progress_status_key(code))
}

async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ReviewQuery>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let view = plan_view(&state, &user, id).await?;
    let today = vn_today();
    // The periods of the plan that have closed, latest first; the one asked
    // for, or the latest closed.
    let mut closed: Vec<ReportPeriod> =
        treem_domain::plan::progress::periods(Cadence::SixMonthly, view.window)
            .into_iter()
            .filter(|p| p.closed(today))
            .collect();
    closed.reverse();
    let period = q
        .period
        .as_deref()
        .and_then(ReportPeriod::parse)
        .filter(|p| closed.contains(p))
        .or_else(|| closed.first().copied())
        .ok_or(AppError::NotFound)?;
    let agencies = state.store.agencies(view.plan.unit_id).await?;
    let mut groups = Vec::new();
    let mut supervisions = Vec::new();
    let mut open = Vec::new();
    if view.in_scope {
        let tasks = state.store.plan_tasks(id).await?;
        let all_reports = state.store.plan_reports(id).await?;
        let standing = standings(&view, &tasks, &all_reports);
        let reports: Vec<ProgressRow> = all_reports
            .into_iter()
            .filter(|r| r.period == period.code())
            .collect();
        let indicator_period = Period {
            year: period.year,
            half: period.half,
        };
        let (figures_report, _) = report(state.store.as_ref(), indicator_period).await?;
        let unit_figures = figures_report
            .units
            .into_iter()
            .find(|u| u.code == view.unit.code);
        for (n, _, heading) in GROUPS {
            let in_group: Vec<_> = tasks
                .iter()
                .filter(|t| t.group_no == i64::from(n))
                .collect();
            if in_group.is_empty() {
                continue;
            }
            let mut tally = [0usize; 4];
            let mut lines = Vec::new();
            let mut keys: BTreeSet<&str> = BTreeSet::new();
            for t in &in_group {
                keys.extend(t.indicators.split(';').filter(|k| !k.is_empty()));
                let lead = answerable(t);
                let own: Vec<&ProgressRow> = reports.iter().filter(|r| r.task_id == t.id).collect();
                let lead_status = own
                    .iter()
                    .find(|r| r.agency_code == lead)
                    .map(|r| r.status.as_str());
                let cadence = Cadence::from_code(&t.cadence).unwrap_or(Cadence::Ongoing);
                let done_before = cadence == Cadence::Once
                    && standing
                        .get(&t.id)
                        .is_some_and(|s| s.state == TaskState::Done);
                // A yearly task is not reported for a half-year; a task due
                // once and done earlier needs no report any more.
                let asked = !(cadence == Cadence::Yearly && period.half);
                let slot = match lead_status.and_then(ProgressStatus::from_code) {
                    Some(ProgressStatus::Done) => Some(0),
                    Some(ProgressStatus::UnderWay) => Some(1),
                    Some(ProgressStatus::NotStarted) => Some(2),
                    None if done_before => Some(0),
                    None if asked => Some(3),
                    None => None,
                };
                if let Some(slot) = slot {
                    tally[slot] += 1;
                }
                let status = match (lead_status, slot) {
                    (Some(s), _) => status_name(lang, s),
                    (None, Some(0)) => lang.t("review.done_before"),
                    (None, Some(_)) => lang.t("plan.no_report"),
                    (None, None) => lang.t("review.yearly_task"),
                };
                lines.push(TaskLine {
                    id: t.id,
                    code: t.code.clone(),
                    title: t.title.clone(),
                    lead: agency_name(&agencies, lead),
                    status,
                    done: slot == Some(0),
                    reports: own
                        .iter()
                        .map(|r| {
                            (
                                agency_name(&agencies, &r.agency_code),
                                status_name(lang, &r.status),
                                r.summary.clone(),
                                figures_line(lang, r),
                            )
                        })
                        .collect(),
                });
            }
            let indicators = keys
                .into_iter()
                .filter_map(|key| {
                    let f = unit_figures
                        .as_ref()?
                        .indicators
                        .iter()
                        .find(|(k, _)| *k == key)?
                        .1
                        .clone();
                    Some(IndicatorLine {
                        name: name_vi_on(key, indicator_period.reference_date()),
                        value: f
                            .value
                            .map_or_else(|| "—".into(), |v| format!("{}%", shown(v))),
                        target: f
                            .target
                            .map(|t| {
                                format!(
                                    "{} {}%",
                                    if f.comparison == "<" { "<" } else { "≥" },
                                    shown(t)
                                )
                            })
                            .unwrap_or_default(),
                        status: lang.t(status_key(f.status)),
                    })
                })
                .collect();
            groups.push(GroupBlock {
                title: heading.to_string(),
                tasks: lines,
                tally,
                indicators,
            });
        }
        for s in state.store.supervisions(id).await? {
            if period.first_day() <= s.held_on && s.held_on <= period.last_day() {
                supervisions.push((
                    fmt_date(s.held_on),
                    Body::from_code(&s.kind).map_or("", |b| lang.t(b.label_key())),
                    s.body,
                    s.findings,
                ));
            }
        }
        for r in state.store.plan_recommendations(id).await? {
            if r.closed_on.is_none() {
                open.push((
                    r.text,
                    agency_name(&agencies, &r.owner),
                    fmt_date(r.due),
                    view.live && recommendation_overdue(r.due, None, today),
                ));
            }
        }
    }
    let tpl = ReviewTemplate {
        page: Page::new(&info, Some(&user), lang.t("review.title")),
        plan_id: id,
        plan_title: view.plan.title.clone(),
        unit: view.unit.name.clone(),
        period_label: period.label(),
        periods: closed
            .iter()
            .map(|p| (p.code(), p.label(), *p == period))
            .collect(),
        in_scope: view.in_scope,
        groups,
        supervisions,
        open,
    };
    Ok(Html(tpl.render()?))
}
