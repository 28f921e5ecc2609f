//! The report's sections as the unit's officers write them
//! (`/indicators/report/draft`): one text per section, saved per unit and
//! period, prefilled — until something is saved — with what the records
//! show (indicators not met, overdue tasks and cases, overdue
//! recommendations) for the officer to turn into sentences. The DOCX is
//! produced from the saved draft (`docx.rs`); section III is the figures.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use treem_domain::cases::deadlines::Urgency;
use treem_domain::cases::timeliness::{self, CaseTimes};
use treem_domain::cases::{Risk, Vocabulary};
use treem_domain::indicators::{Period, name_vi_on, shown};
use treem_domain::report_sections::{SECTIONS, clean, written};
use treem_domain::units::Unit;
use treem_store::CaseFilter;

use crate::indicators::figures::{judge, load};
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::indicators::programme::period_code;
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

struct Section {
    key: &'static str,
    heading: &'static str,
    text: String,
    /// Whether the text is the records' prefill (nothing saved yet).
    prefilled: bool,
}

#[derive(Template)]
#[template(path = "reports/draft.html")]
struct DraftTemplate {
    page: Page,
    unit_name: String,
    period_words: String,
    query: String,
    unit_code: String,
    sections: Vec<Section>,
    saved: Option<u64>,
    error: Option<String>,
}

/// The unit a request writes for: `?unit=` within the user's own, else
/// her own; with its stored id.
fn unit_of(
    state: &AppState,
    user: &CurrentUser,
    q: &PeriodQuery,
    period: Period,
) -> Result<(Unit, i64), AppError> {
    let index = state.units();
    let history = &index.history;
    let own = root(history, &user.account.scope_code, period).ok_or(AppError::NotFound)?;
    let unit = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        None => own,
        Some(code) => history
            .resolve(code, period.reference_date())
            .filter(|u| within(history, u, own))
            .ok_or(AppError::NotFound)?,
    };
    let id = index.id_of(unit).ok_or(AppError::NotFound)?;
    Ok((unit.clone(), id))
}

/// What the records say for each written section, as lines to start from.
async fn prefill(
    state: &AppState,
    user: &CurrentUser,
    unit: &Unit,
    period: Period,
) -> Result<Vec<(&'static str, String)>, AppError> {
    let loaded = load(state.store.as_ref(), period).await?;
    let report = judge(&loaded, period);
    let on = period.reference_date();
    let mut shortcomings = Vec::new();
    if let Some(u) = report.units.iter().find(|u| u.code == unit.code) {
        for (key, f) in &u.indicators {
            if f.status == "not_met" {
                let sign = if f.comparison == "<" { "<" } else { "≥" };
                shortcomings.push(format!(
                    "- {}: {}% (mục tiêu {sign} {}%).",
                    name_vi_on(key, on),
                    f.value.map(shown).unwrap_or_default(),
                    f.target.map(shown).unwrap_or_default()
                ));
            }
        }
    }
    if !shortcomings.is_empty() {
        shortcomings.insert(0, "Các chỉ tiêu chưa đạt mục tiêu:".into());
    }
    let overdue = crate::plans::overdue::overdue_tasks(state, user)
        .await?
        .len();
    if overdue > 0 {
        shortcomings.push(format!(
            "- {overdue} nhiệm vụ của kế hoạch quá hạn báo cáo hoặc quá hạn hoàn thành."
        ));
    }
    let index = state.units();
    let scope = index.scope_of(&user.account, treem_domain::clock::vn_today());
    let calendar = crate::cases::service::calendar(state).await?;
    let now = chrono::Utc::now();
    let reference = period.reference_date();
    // The cases of the report's unit: their commune (or what it became by
    // the reference date) under it. Counts only.
    let in_unit = |unit_id: i64| {
        index
            .by_id(unit_id)
            .and_then(|u| index.history.became(u, reference))
            .is_some_and(|u| {
                index
                    .history
                    .ancestors(u)
                    .iter()
                    .any(|a| a.code == unit.code && a.valid_from == unit.valid_from)
            })
    };
    let summaries: Vec<_> = state
        .store
        .case_summaries(&CaseFilter::Scope(scope))
        .await?
        .into_iter()
        .filter(|s| in_unit(s.unit_id))
        .collect();
    let late_cases = summaries
        .iter()
        .filter(|s| crate::cases::service::judge(s, &calendar, now).1 == Urgency::Overdue)
        .count();
    let times: Vec<CaseTimes> = summaries
        .iter()
        .map(|s| CaseTimes {
            received_at: s.received_at,
            risk: s.risk_level.as_deref().and_then(Risk::parse),
            emergency_at: s.emergency_at,
            plan_at: s.plan_at,
            closed: s.closed_at.is_some(),
        })
        .collect();
    let t = timeliness::count(&times, period.start(), reference, &calendar);
    let pct = |n: usize, of: usize| {
        if of == 0 {
            String::new()
        } else {
            format!(" ({}%)", shown(n as f64 / of as f64 * 100.0))
        }
    };
    let mut protection = Vec::new();
    if t.received > 0 {
        protection.push(format!(
            "- Trong kỳ tiếp nhận {} thông tin, thông báo về trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại; {} vụ việc đã kết thúc.",
            t.received, t.closed
        ));
        protection.push(format!(
            "- {} vụ việc có nguy cơ cao cần áp dụng biện pháp khẩn cấp, trong đó {} vụ việc{} được áp dụng trong 12 giờ.",
            t.emergency_needed,
            t.emergency_on_time,
            pct(t.emergency_on_time, t.emergency_needed)
        ));
        protection.push(format!(
            "- {} kế hoạch hỗ trợ, can thiệp được xây dựng, trong đó {}{} trong thời hạn 5 ngày làm việc.",
            t.plans,
            t.plans_on_time,
            pct(t.plans_on_time, t.plans)
        ));
    }
    if late_cases > 0 {
        shortcomings.push(format!(
            "- {late_cases} vụ việc bảo vệ trẻ em quá thời hạn xử lý theo Nghị định 56/2017/NĐ-CP."
        ));
        protection.push(format!("- {late_cases} vụ việc đang quá thời hạn xử lý."));
    }
    let protection = protection.join("\n");
    let late = crate::plans::overdue::late_recommendations(state, user).await?;
    let mut supervision = Vec::new();
    if !late.is_empty() {
        supervision.push("Kiến nghị sau giám sát quá hạn chưa thực hiện xong:".to_string());
        for r in &late {
            supervision.push(format!(
                "- {} ({}), hạn {}: {}",
                r.agency,
                r.unit,
                r.due.format("%d/%m/%Y"),
                r.text
            ));
        }
    }
    Ok(vec![
        ("shortcomings", shortcomings.join("\n")),
        ("protection", protection),
        ("supervision", supervision.join("\n")),
    ])
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    q: &PeriodQuery,
    typed: Option<Vec<(String, String)>>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let period = period_of(q)?;
    let (unit, id) = unit_of(state, user, q, period)?;
    let saved = state.store.report_draft(id, &period_code(period)).await?;
    let prefilled = if saved.is_empty() && typed.is_none() {
        prefill(state, user, &unit, period).await?
    } else {
        Vec::new()
    };
    let sections = SECTIONS
        .iter()
        .map(|(key, heading)| {
            let from_typed = typed
                .as_ref()
                .and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
            let from_saved = saved
                .iter()
                .find(|s| s.section == *key)
                .map(|s| s.body.clone());
            let from_records = prefilled
                .iter()
                .find(|(k, v)| k == key && !v.is_empty())
                .map(|(_, v)| v.clone());
            let prefilled = from_typed.is_none() && from_saved.is_none() && from_records.is_some();
            Section {
                key,
                heading,
                text: from_typed
                    .or(from_saved)
                    .or(from_records)
                    .unwrap_or_default(),
                prefilled,
            }
        })
        .collect();
    let tpl = DraftTemplate {
        page: Page::new(info, Some(user), info.lang.t("draft.title")),
        unit_name: unit.name.clone(),
        period_words: if period.half {
            format!("6 tháng đầu năm {}", period.year)
        } else {
            format!("năm {}", period.year)
        },
        query: period_query(period),
        unit_code: unit.code.clone(),
        sections,
        saved: q.saved,
        error,
    };
    let status = if tpl.error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// `GET /indicators/report/draft`.
pub(super) async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    render(&state, &info, &user, &q, None, None).await
}

/// `POST /indicators/report/draft`: every written section of the form.
pub(super) async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    let (unit, id) = unit_of(&state, &user, &q, period)?;
    let mut typed: Vec<(String, String)> = Vec::new();
    for (k, v) in pairs {
        if written(&k) && !typed.iter().any(|(t, _)| *t == k) {
            typed.push((k, v));
        }
    }
    let mut sections = Vec::new();
    for (k, v) in &typed {
        match clean(v) {
            Ok(text) => sections.push((k.clone(), text)),
            Err(key) => {
                let error = Some(info.lang.t(key).to_string());
                return render(&state, &info, &user, &q, Some(typed), error).await;
            }
        }
    }
    let audit = user.event(&info, "report_draft_saved", "report_draft", &id.to_string());
    let n = state
        .store
        .save_report_draft(id, &period_code(period), &sections, audit)
        .await?;
    Ok(Redirect::to(&format!(
        "/indicators/report/draft?{}&unit={}&saved={n}",
        period_query(period),
        encode(&unit.code)
    ))
    .into_response())
}
