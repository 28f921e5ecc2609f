//! The programme indicators on the pages: the dashboard's section grouped
//! by programme, and the page behind each figure — every commune's
//! numerator and denominator with its return's status and a link to the
//! return itself (`/indicators/programme/{code}`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use treem_domain::i18n::{Lang, fmt_date};
use treem_domain::returns::programme::{ProgrammeIndicator, amount, shown_value};
use treem_domain::units::{Level, Unit, UnitHistory};

use crate::indicators::figures::Report;
use crate::indicators::kept::{self, Units};
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::indicators::programme::{ProgrammeFigure, period_code, status_key};
use crate::shell::page::{Page, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new().route("/indicators/programme/{indicator}", get(detail))
}

/// One programme figure as a row.
pub struct ProgrammeLine {
    pub code: String,
    pub name: String,
    pub count: String,
    pub value: String,
    pub target: String,
    pub status: &'static str,
    /// `met`, `not-met`, `none`.
    pub mark: &'static str,
    pub filed: u32,
    pub link: String,
}

/// The programme's lines under its title.
pub struct ProgrammeGroup {
    pub title: String,
    pub lines: Vec<ProgrammeLine>,
}

fn mark(status: &str) -> &'static str {
    match status {
        "met" => "met",
        "not_met" => "not-met",
        _ => "none",
    }
}

/// A figure's line.
pub fn line(
    lang: Lang,
    def: &ProgrammeIndicator,
    f: &ProgrammeFigure,
    link: String,
) -> ProgrammeLine {
    let count = match f.denominator {
        Some(d) => format!("{}/{}", amount(f.numerator.0), amount(d.0)),
        None => amount(f.numerator.0),
    };
    let sign = match f.comparison {
        ">=" => "≥",
        "<=" => "≤",
        other => other,
    };
    ProgrammeLine {
        code: def.code.clone(),
        name: if lang == Lang::En {
            def.name_en.clone()
        } else {
            def.name_vi.clone()
        },
        count,
        value: f
            .value
            .map(|v| shown_value(def, v))
            .unwrap_or_else(|| "—".into()),
        target: f
            .target
            .map(|t| format!("{sign} {}", shown_value(def, t)))
            .unwrap_or_default(),
        status: lang.t(status_key(f.status)),
        mark: mark(f.status),
        filed: f.communes_filed,
        link,
    }
}

/// The dashboard's section: a unit's programme figures by programme.
pub fn groups(
    lang: Lang,
    report: &Report,
    unit: usize,
    titles: &[(String, String)],
    unit_code: &str,
) -> Vec<ProgrammeGroup> {
    let Some(u) = report.units.iter().find(|u| u.unit == unit) else {
        return Vec::new();
    };
    let query = period_query(report.period);
    let mut out: Vec<ProgrammeGroup> = Vec::new();
    for ((code, f), def) in u.programme.iter().zip(&report.programme) {
        let title = titles
            .iter()
            .find(|(c, _)| *c == def.programme)
            .map_or_else(|| def.programme.clone(), |(c, t)| format!("{c}. {t}"));
        let link = format!(
            "/indicators/programme/{}?{query}&unit={}",
            encode(code),
            encode(unit_code)
        );
        let l = line(lang, def, f, link);
        match out.iter_mut().find(|g| g.title == title) {
            Some(g) => g.lines.push(l),
            None => out.push(ProgrammeGroup {
                title,
                lines: vec![l],
            }),
        }
    }
    out
}

/// A commune's line on the page behind a figure.
struct CommuneLine {
    name: String,
    line: ProgrammeLine,
    /// The commune's returns of the period: (form name, status word, link).
    returns: Vec<(String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "indicators/programme.html")]
struct DetailTemplate {
    page: Page,
    unit_name: String,
    reference: String,
    total: ProgrammeLine,
    numerator: String,
    denominator: String,
    factor: String,
    communes: Vec<CommuneLine>,
    back: String,
}

/// The unit a request looks at: `?unit=` within the user's own (any, for
/// an administrator), else the user's own.
fn chosen<'a>(
    history: &'a UnitHistory,
    user: &CurrentUser,
    code: Option<&str>,
    period: treem_domain::indicators::Period,
) -> Result<&'a Unit, AppError> {
    let own = root(history, &user.account.scope_code, period);
    match code.filter(|c| !c.is_empty()) {
        None => own.ok_or(AppError::NotFound),
        Some(code) => {
            let unit = history
                .resolve(code, period.reference_date())
                .ok_or(AppError::NotFound)?;
            let allowed = user.account.role == treem_domain::access::Role::Admin
                || own.is_some_and(|own| within(history, unit, own));
            if allowed {
                Ok(unit)
            } else {
                Err(AppError::Forbidden)
            }
        }
    }
}

async fn detail(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    // The figures from the kept counts (computed again only where a
    // record changed).
    let units = Units::load(state.store.as_ref()).await?;
    let (communes, _) = kept::communes(
        state.store.as_ref(),
        &units.history,
        &units.index_of,
        period,
    )
    .await?;
    let report = kept::report_from(state.store.as_ref(), &units, period, &communes).await?;
    let Some(at) = report.programme.iter().position(|d| d.code == code) else {
        return Err(AppError::NotFound);
    };
    let history = &units.history;
    let unit = chosen(history, &user, q.unit.as_deref(), period)?;
    let def = &report.programme[at];
    let lang = info.lang;
    let query = period_query(period);
    let figure_of =
        |u: &crate::indicators::figures::UnitReport| u.programme.get(at).map(|(_, f)| f.clone());
    let own = report
        .units
        .iter()
        .find(|u| std::ptr::eq(&history.all()[u.unit], unit))
        .and_then(figure_of)
        .ok_or(AppError::NotFound)?;
    let forms = state.store.return_forms().await?;
    let reads: Vec<&str> = def
        .numerator
        .elements()
        .chain(def.denominator.elements())
        .collect();
    let reading: Vec<_> = forms
        .iter()
        .filter(|f| f.elements.iter().any(|e| reads.contains(&e.as_str())))
        .collect();
    let pcode = period_code(period);
    let mut filings = Vec::new();
    for f in &reading {
        filings.push((*f, state.store.return_filings(&f.code, &pcode).await?));
    }
    // The stored id of each unit index (the history is the one loaded).
    let id_at: std::collections::HashMap<usize, i64> =
        units.index_of.iter().map(|(id, at)| (*at, *id)).collect();
    let communes = report
        .units
        .iter()
        .filter(|u| {
            let c = &history.all()[u.unit];
            c.level == Level::Commune && within(history, c, unit)
        })
        .filter_map(|u| {
            let f = figure_of(u)?;
            let c = &history.all()[u.unit];
            let id = id_at.get(&u.unit).copied();
            let returns = filings
                .iter()
                .map(|(form, rows)| {
                    let status = rows.iter().find(|r| Some(r.unit_id) == id).map_or(
                        "returns.status_none",
                        |r| match r.status.as_str() {
                            "approved" => "returns.status_approved",
                            "submitted" => "returns.status_submitted",
                            _ => "returns.status_draft",
                        },
                    );
                    let name = if lang == Lang::En {
                        &form.name_en
                    } else {
                        &form.name_vi
                    };
                    let link = format!(
                        "/returns/filing?unit={}&form={}&period={}",
                        encode(&c.code),
                        encode(&form.code),
                        encode(&pcode)
                    );
                    (name.clone(), lang.t(status), link)
                })
                .collect();
            let link = format!(
                "/indicators/programme/{}?{query}&unit={}",
                encode(&code),
                encode(&c.code)
            );
            Some(CommuneLine {
                name: c.name.clone(),
                line: line(lang, def, &f, link),
                returns,
            })
        })
        .collect();
    let page = Page::new(&info, Some(&user), lang.t("programme.detail_title"));
    let tpl = DetailTemplate {
        unit_name: unit.name.clone(),
        reference: fmt_date(period.reference_date()),
        total: line(lang, def, &own, String::new()),
        numerator: def.numerator.text(),
        denominator: def.denominator.text(),
        factor: amount(f64::from(def.factor)),
        communes,
        back: format!("/indicators?{query}&unit={}", encode(&unit.code)),
        page,
    };
    Ok(Html(tpl.render()?).into_response())
}
