//! A commune's return for a period on one page (`/returns/filing`): every
//! element with a number field per cell (girls and boys, or the total),
//! last year's value of the same period beside it, and a warning where a
//! value jumps far from it; saved as a draft, or submitted (then the rules,
//! such as "drownings ≤ injuries", must hold). What was typed is kept when
//! something is refused.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::plan::progress::ReportPeriod;
use treem_domain::returns::{
    ReturnStatus, Step, Values, broken_rules, cells, jumps, parse_value, step,
};

use super::found::{Filing, filing};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/returns/filing", get(show).post(save))
}

#[derive(Debug, Deserialize)]
pub(super) struct Which {
    pub form: Option<String>,
    pub unit: Option<String>,
    pub period: Option<String>,
    /// After a save: how many values changed; `1` after a submission.
    pub saved: Option<u64>,
    pub submitted: Option<u8>,
    pub approved: Option<u8>,
    pub unlocked: Option<u8>,
}

struct CellView {
    field: String,
    label: &'static str,
    text: String,
    error: Option<&'static str>,
    last: String,
    jump: bool,
}

struct ElementView {
    name: String,
    cells: Vec<CellView>,
}

#[derive(Template)]
#[template(path = "returns/filing.html")]
struct FilingTemplate {
    page: Page,
    title: String,
    unit: String,
    period: String,
    status: &'static str,
    form: String,
    unit_code: String,
    period_code: String,
    elements: Vec<ElementView>,
    problems: Vec<String>,
    notice: Option<String>,
    may_fill: bool,
    may_approve: bool,
    submitted: bool,
    locked: bool,
    steps: Vec<(String, String, String, String)>,
    back: String,
}

fn field(code: &str, sex: &str) -> String {
    format!("v:{code}:{}", if sex.is_empty() { "T" } else { sex })
}

fn shown(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        v.to_string().replace('.', ",")
    }
}

/// The same period a year earlier (a return's figures are cumulative for
/// the half-year or the year, so they compare with the same one).
fn last_year(p: ReportPeriod) -> ReportPeriod {
    ReportPeriod {
        year: p.year - 1,
        half: p.half,
    }
}

/// What the page shows besides the stored return: what was typed (when
/// something was refused), the refused cells, the problems, a notice.
#[derive(Default)]
struct Shown<'a> {
    typed: Option<&'a HashMap<String, String>>,
    errors: HashMap<String, &'static str>,
    problems: Vec<String>,
    notice: Option<String>,
}

async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    f: &Filing,
    shown_: Shown<'_>,
) -> Result<Html<String>, AppError> {
    let Shown {
        typed,
        errors,
        problems,
        notice,
    } = shown_;
    let lang = info.lang;
    let period = f.period.code();
    let stored: Values = state
        .store
        .return_values(f.unit_id, &period)
        .await?
        .into_iter()
        .map(|r| ((r.element, r.sex), r.value))
        .collect();
    let last: Values = state
        .store
        .return_values(f.unit_id, &last_year(f.period).code())
        .await?
        .into_iter()
        .map(|r| ((r.element, r.sex), r.value))
        .collect();
    let elements = f
        .elements
        .iter()
        .map(|e| ElementView {
            name: if lang == Lang::En {
                e.name_en.clone()
            } else {
                e.name_vi.clone()
            },
            cells: cells(e)
                .iter()
                .map(|sex| {
                    let key = (e.code.clone(), sex.to_string());
                    let name = field(&e.code, sex);
                    let now = stored.get(&key).copied();
                    let before = last.get(&key).copied();
                    CellView {
                        text: match typed {
                            Some(t) => t.get(&name).cloned().unwrap_or_default(),
                            None => now.map(shown).unwrap_or_default(),
                        },
                        error: errors.get(&name).copied(),
                        jump: now.is_some_and(|v| jumps(v, before)),
                        last: before.map(shown).unwrap_or_else(|| "—".into()),
                        label: lang.t(match *sex {
                            "F" => "gaps.female",
                            "M" => "gaps.male",
                            _ => "returns.total",
                        }),
                        field: name,
                    }
                })
                .collect(),
        })
        .collect();
    let key = treem_store::FilingKey {
        unit_id: f.unit_id,
        form: &f.form.code,
        period: &period,
    };
    let steps = state
        .store
        .return_steps(key)
        .await?
        .into_iter()
        .rev()
        .map(|s| {
            let at = s.at.with_timezone(&treem_domain::clock::vn_offset());
            let why = if s.step == "saved" {
                treem_domain::i18n::trf(lang, "returns.changed_values", &[("n", &s.reason)])
            } else {
                s.reason
            };
            (
                fmt_date(at.date_naive()),
                lang.t(&format!("returns.step_{}", s.step)).to_string(),
                s.actor,
                why,
            )
        })
        .collect();
    let title = if lang == Lang::En {
        &f.form.name_en
    } else {
        &f.form.name_vi
    };
    let tpl = FilingTemplate {
        page: Page::new(info, Some(user), title),
        title: title.clone(),
        unit: f.unit.name.clone(),
        period: f.period.label(),
        status: lang.t(&format!("returns.status_{}", f.status.code())),
        form: f.form.code.clone(),
        unit_code: f.unit.code.clone(),
        period_code: period.clone(),
        elements,
        problems,
        notice,
        may_fill: f.may_fill,
        may_approve: f.may_approve,
        submitted: f.status == ReturnStatus::Submitted,
        locked: f.status != ReturnStatus::Draft,
        steps,
        back: format!("/returns?form={}&period={}", encode(&f.form.code), period),
    };
    Ok(Html(tpl.render()?))
}

/// The page again with why a step was refused (nothing was changed).
pub(super) async fn refused(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    f: &Filing,
    message: String,
) -> Result<Response, AppError> {
    let html = render(
        state,
        info,
        user,
        f,
        Shown {
            typed: None,
            errors: HashMap::new(),
            problems: vec![message],
            notice: None,
        },
    )
    .await?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
}

async fn show(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Query(q): Query<Which>,
) -> Result<Response, AppError> {
    let (Some(form), Some(unit), Some(period)) = (&q.form, &q.unit, &q.period) else {
        return Err(AppError::BadRequest);
    };
    let f = filing(&state, &user, form, unit, period).await?;
    let lang = info.lang;
    let notice = if q.submitted == Some(1) {
        Some(lang.t("returns.done_submitted").to_string())
    } else if q.approved == Some(1) {
        Some(lang.t("returns.done_approved").to_string())
    } else if q.unlocked == Some(1) {
        Some(lang.t("returns.done_unlocked").to_string())
    } else {
        q.saved
            .map(|n| treem_domain::i18n::trf(lang, "returns.done_saved", &[("n", &n.to_string())]))
    };
    let html = render(
        &state,
        &info,
        &user,
        &f,
        Shown {
            typed: None,
            errors: HashMap::new(),
            problems: Vec::new(),
            notice,
        },
    )
    .await?;
    Ok(html.into_response())
}

async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(mut form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let take = |form: &HashMap<String, String>, k: &str| form.get(k).cloned().unwrap_or_default();
    let (code, unit, period) = (
        take(&form, "form"),
        take(&form, "unit"),
        take(&form, "period"),
    );
    if code.is_empty() || unit.is_empty() || period.is_empty() {
        return Err(AppError::BadRequest);
    }
    let f = filing(&state, &user, &code, &unit, &period).await?;
    if !f.may_fill {
        return Err(AppError::Forbidden);
    }
    let submit = form.remove("action").as_deref() == Some("submit");
    let lang = info.lang;
    let mut errors: HashMap<String, &'static str> = HashMap::new();
    let mut values = Vec::new();
    let mut typed: Values = Values::new();
    for e in &f.elements {
        for sex in cells(e) {
            let name = field(&e.code, sex);
            match parse_value(e.kind, &take(&form, &name)) {
                Ok(v) => {
                    if let Some(v) = v {
                        typed.insert((e.code.clone(), sex.to_string()), v);
                    }
                    values.push((e.code.clone(), sex.to_string(), v));
                }
                Err(refused) => {
                    errors.insert(name, lang.t(refused.0));
                }
            }
        }
    }
    let name_of = |c: &str| {
        f.elements
            .iter()
            .find(|e| e.code == c)
            .map(|e| {
                if lang == Lang::En {
                    e.name_en.clone()
                } else {
                    e.name_vi.clone()
                }
            })
            .unwrap_or_else(|| c.to_string())
    };
    let broken: Vec<String> = broken_rules(&f.form, &typed)
        .iter()
        .map(|r| {
            format!(
                "{}: «{}» {} «{}»",
                lang.t("returns.rule_broken"),
                name_of(&r.left),
                r.comparison.symbol(),
                name_of(&r.right)
            )
        })
        .collect();
    if !errors.is_empty() || (submit && !broken.is_empty()) {
        let mut problems = Vec::new();
        if !errors.is_empty() {
            problems.push(lang.t("returns.err_values").to_string());
        }
        problems.extend(broken);
        let html = render(
            &state,
            &info,
            &user,
            &f,
            Shown {
                typed: Some(&form),
                errors: errors.clone(),
                problems,
                notice: None,
            },
        )
        .await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let period_code = f.period.code();
    let key = treem_store::FilingKey {
        unit_id: f.unit_id,
        form: &f.form.code,
        period: &period_code,
    };
    let detail = format!("{} {} {}", f.unit.code, f.form.code, period_code);
    let audit = user
        .event(&info, "return_saved", "return", &detail)
        .with_detail(format!("{} values", values.len()));
    let Some(written) = state.store.save_return(key, &values, audit).await? else {
        // Submitted or approved meanwhile: nothing was written.
        let problems = vec![lang.t("returns.err_locked").to_string()];
        let html = render(
            &state,
            &info,
            &user,
            &f,
            Shown {
                typed: Some(&form),
                errors: errors.clone(),
                problems,
                notice: None,
            },
        )
        .await?;
        return Ok((axum::http::StatusCode::CONFLICT, html).into_response());
    };
    let base = format!(
        "/returns/filing?form={}&unit={}&period={}",
        encode(&f.form.code),
        encode(&f.unit.code),
        period_code
    );
    if submit {
        let to = step(ReturnStatus::Draft, &Step::Submit).map_err(|_| AppError::BadRequest)?;
        let audit = user.event(&info, "return_submitted", "return", &detail);
        state
            .store
            .step_return(key, "draft", to.code(), "submitted", "", audit)
            .await?;
        return Ok(Redirect::to(&format!("{base}&submitted=1")).into_response());
    }
    if !broken.is_empty() {
        // Saved as a draft; the rules still to put right are said at once.
        let notice = Some(treem_domain::i18n::trf(
            lang,
            "returns.done_saved",
            &[("n", &written.to_string())],
        ));
        let shown = Shown {
            problems: broken,
            notice,
            ..Shown::default()
        };
        let html = render(&state, &info, &user, &f, shown).await?;
        return Ok(html.into_response());
    }
    Ok(Redirect::to(&format!("{base}&saved={written}")).into_response())
}
