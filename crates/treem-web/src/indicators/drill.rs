//! The records behind a figure of the dashboard: the children, enrolments,
//! schools, communes or events of one indicator of one unit, all of the
//! denominator or only the numerator or what is missing; Excel too. Lists
//! of children are read access to the registry and audited. Protection
//! cases are not listed here (the case module keeps their access).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use treem_domain::access::Role;
use treem_domain::i18n::fmt_date;
use treem_domain::indicators::{self as ind, KEYS, Record, name_vi_on};

use crate::indicators::figures::load;
use crate::indicators::period::{PeriodQuery, period_of, period_query, root, within};
use crate::shell::page::{Page, code_word, encode};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::shell::xlsx::Cell;
use crate::{AppError, AppState};

/// Whether an indicator's records can be listed: all but protection cases,
/// whose children's names stay with the case module's access rules.
pub fn listed(key: &str) -> bool {
    KEYS.contains(&key) && key != "abuse_intervention"
}

struct Line {
    /// A child's page to link the first cell to.
    child: Option<i64>,
    cells: Vec<String>,
    /// The same cells for Excel: dates and numbers as such.
    typed: Vec<Cell>,
    /// The outcome the plan wants (in the numerator, or out of it for a
    /// lower-is-better indicator).
    good: bool,
}

#[derive(Template)]
#[template(path = "indicators/drill.html")]
struct DrillTemplate {
    page: Page,
    indicator: &'static str,
    unit: String,
    reference: String,
    parts: Vec<(String, String, bool)>,
    /// The numerator in the indicator's words ("thấp còi").
    outcome: &'static str,
    back: String,
    export: String,
    numerator: i64,
    denominator: i64,
    headers: Vec<&'static str>,
    lines: Vec<Line>,
}

/// An enrolment's result as the user reads it.
fn status_word(lang: treem_domain::i18n::Lang, code: &str) -> String {
    code_word(lang, treem_interchange::cell::codes::ENROLMENT_STATUS, code)
}

pub(crate) async fn drill(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(key): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let Some(key) = KEYS.iter().find(|k| **k == key && listed(k)).copied() else {
        return Err(AppError::NotFound);
    };
    let period = period_of(&q)?;
    let loaded = load(state.store.as_ref(), period).await?;
    let history = &loaded.history;
    let facts = &loaded.facts;
    let reference = period.reference_date();
    let code = q
        .unit
        .clone()
        .unwrap_or_else(|| user.account.scope_code.clone());
    let unit = history
        .resolve(&code, reference)
        .ok_or(AppError::NotFound)?;
    // Only the user's unit and what is under it.
    let own = root(history, &user.account.scope_code, period).ok_or(AppError::Forbidden)?;
    if user.account.role != Role::Admin && !within(history, unit, own) {
        return Err(AppError::Forbidden);
    }
    let index = history.index_of(unit).ok_or(AppError::NotFound)?;
    let mut members = ind::members(history, facts, period, key, index);
    // One group of a breakdown (from the gaps page): its children only.
    let mut group_label = None;
    if let (Some(by), Some(group)) = (q.by.as_deref(), q.group.as_deref()) {
        let dim = ind::Dimension::parse(by).ok_or(AppError::BadRequest)?;
        if !ind::BY_KEYS.contains(&key) {
            return Err(AppError::BadRequest);
        }
        let grouping =
            crate::indicators::figures::grouping(state.store.as_ref(), &loaded, dim).await?;
        members.retain(|c| match c.record {
            Record::Child(i) => grouping
                .of_child
                .get(i)
                .and_then(|g| grouping.names.get(*g as usize))
                .is_some_and(|name| name == group),
            _ => false,
        });
        group_label = Some(crate::indicators::figures::group_label(
            info.lang, dim, group,
        ));
    }
    let part = q.part.clone().unwrap_or_else(|| "all".into());
    let chosen: Vec<&ind::Contribution> = members
        .iter()
        .filter(|c| match part.as_str() {
            "numerator" => c.numerator > 0,
            "missing" => c.numerator < c.denominator,
            _ => true,
        })
        .collect();
    let lang = info.lang;
    let t = |k: &str| lang.t(k);
    // The children the list names, read in one go.
    let child_of = |r: Record| match r {
        Record::Child(i) => Some(i),
        Record::Enrolment(e) => facts.enrolments.get(e).map(|e| e.child),
        _ => None,
    };
    let ids: Vec<i64> = chosen
        .iter()
        .filter_map(|c| child_of(c.record).and_then(|i| loaded.child_ids.get(i).copied()))
        .collect();
    let records = if ids.is_empty() {
        Vec::new()
    } else {
        state.store.children_by_id(&ids).await?
    };
    let by_id: std::collections::HashMap<i64, &treem_store::ChildDetail> =
        records.iter().map(|c| (c.id, c)).collect();
    let lower = ind::lower_is_better(key);
    let word = |counted: bool| {
        lang.t(&format!(
            "outcome.{key}{}",
            if counted { "" } else { "_not" }
        ))
    };
    // The outcome in the indicator's words («thấp còi» / «không thấp còi»).
    let outcome = |counted: bool| word(counted).to_string();
    // Above a commune, each row says which commune it belongs to.
    let show_commune = unit.level != treem_domain::units::Level::Commune
        && !matches!(chosen.first().map(|c| c.record), Some(Record::Commune(_)));
    let mut headers: Vec<&'static str> = match chosen.first().map(|c| c.record) {
        Some(Record::Enrolment(_)) => vec![
            t("children.name"),
            t("drill.school"),
            t("drill.grade"),
            t("drill.status"),
            t("outcome.heading"),
        ],
        Some(Record::School(_)) => vec![
            t("drill.school"),
            t("drill.school_name"),
            t("dashboard.year"),
            t("outcome.heading"),
        ],
        Some(Record::Commune(_)) => vec![t("dashboard.commune"), t("outcome.heading")],
        Some(Record::Disaster(_)) => vec![
            t("drill.event"),
            t("drill.date"),
            t("drill.kind"),
            t("drill.affected"),
            t("drill.supported"),
        ],
        _ => vec![
            t("children.name"),
            t("children.born"),
            t("children.village"),
            t("outcome.heading"),
        ],
    };
    if show_commune {
        headers.insert(1, t("dashboard.commune"));
    }
    let mut lines: Vec<Line> = chosen
        .iter()
        .filter_map(|c| {
            let counted = c.numerator >= c.denominator && c.denominator > 0;
            let good = counted != lower;
            let mut line = match c.record {
                Record::Child(i) => {
                    let d = by_id.get(loaded.child_ids.get(i)?)?;
                    Line {
                        child: Some(d.id),
                        cells: vec![
                            d.full_name.clone(),
                            fmt_date(d.date_of_birth),
                            d.village.clone().unwrap_or_default(),
                            outcome(counted),
                        ],
                        typed: vec![
                            Cell::text(&d.full_name),
                            Cell::Date(d.date_of_birth),
                            Cell::text(d.village.clone().unwrap_or_default()),
                            Cell::text(outcome(counted)),
                        ],
                        good,
                    }
                }
                Record::Enrolment(e) => {
                    let e = facts.enrolments.get(e)?;
                    let d = by_id.get(loaded.child_ids.get(e.child)?)?;
                    Line {
                        child: Some(d.id),
                        cells: vec![
                            d.full_name.clone(),
                            e.school_code.clone(),
                            e.grade.map(|g| g.to_string()).unwrap_or_default(),
                            status_word(lang, &e.status),
                            outcome(counted),
                        ],
                        typed: vec![
                            Cell::text(&d.full_name),
                            Cell::text(&e.school_code),
                            Cell::opt_number(e.grade.map(|g| g as f64), 0),
                            Cell::text(status_word(lang, &e.status)),
                            Cell::text(outcome(counted)),
                        ],
                        good,
                    }
                }
                Record::School(s) => {
                    let s = facts.schools.get(s)?;
                    Line {
                        child: None,
                        cells: vec![
                            s.school_code.clone(),
                            s.name.clone(),
                            s.year.to_string(),
                            outcome(counted),
                        ],
                        typed: vec![
                            Cell::text(&s.school_code),
                            Cell::text(&s.name),
                            Cell::Number(s.year as f64, 0),
                            Cell::text(outcome(counted)),
                        ],
                        good,
                    }
                }
                Record::Commune(u) => Line {
                    child: None,
                    cells: vec![history.all().get(u)?.name.clone(), outcome(counted)],
                    typed: vec![
                        Cell::text(&history.all().get(u)?.name),
                        Cell::text(outcome(counted)),
                    ],
                    good,
                },
                Record::Disaster(d) => {
                    let d = facts.disasters.get(d)?;
                    Line {
                        child: None,
                        cells: vec![
                            d.event_id.clone(),
                            fmt_date(d.occurred_on),
                            d.kind.clone(),
                            d.affected.to_string(),
                            d.supported.to_string(),
                        ],
                        typed: vec![
                            Cell::text(&d.event_id),
                            Cell::Date(d.occurred_on),
                            Cell::text(&d.kind),
                            Cell::Number(d.affected as f64, 0),
                            Cell::Number(d.supported as f64, 0),
                        ],
                        good,
                    }
                }
            };
            if show_commune {
                let commune = history.all().get(c.commune).map(|u| u.name.clone());
                let commune = commune.unwrap_or_default();
                line.typed.insert(1, Cell::text(&commune));
                line.cells.insert(1, commune);
            }
            Some(line)
        })
        .collect();
    lines.sort_by(|a, b| {
        let k = |l: &Line| {
            treem_domain::text::name_sort_key(l.cells.first().map_or("", String::as_str))
        };
        k(a).cmp(&k(b))
    });
    let names_children = lines.iter().any(|l| l.child.is_some());
    if names_children {
        let action = if q.format.as_deref() == Some("xlsx") {
            "indicator_list_exported"
        } else {
            "indicator_list_viewed"
        };
        let audit = user
            .event(&info, action, "indicator", key)
            .with_detail(format!(
                "{} {} {}{}: {} rows",
                unit.code,
                period.year,
                period.name(),
                q.group
                    .as_deref()
                    .filter(|_| group_label.is_some())
                    .map(|g| format!(" group {g}"))
                    .unwrap_or_default(),
                lines.len()
            ));
        state.store.audit(audit).await?;
    }
    let indicator = if lang.code() == "en" {
        key
    } else {
        name_vi_on(key, period.reference_date())
    };
    if q.format.as_deref() == Some("xlsx") {
        let title = format!(
            "{indicator} — {} — {} {}",
            unit.name,
            lang.t("dashboard.reference"),
            fmt_date(reference)
        );
        let bytes = crate::shell::xlsx::table(&crate::shell::xlsx::Sheet {
            name: key,
            title,
            headers: &headers,
            rows: lines.into_iter().map(|l| l.typed).collect(),
        })?;
        let (year, part) = (period.year.to_string(), period.name());
        return Ok(crate::shell::xlsx::download(
            &crate::shell::xlsx::file_stem(
                key,
                &[&unit.code, &year, part, &q.part.clone().unwrap_or_default()],
            ),
            bytes,
        ));
    }
    let mut base = format!(
        "/indicators/{key}?{}&unit={}",
        period_query(period),
        encode(&unit.code)
    );
    if let (Some(by), Some(group)) = (&q.by, &q.group)
        && group_label.is_some()
    {
        base.push_str(&format!("&by={}&group={}", encode(by), encode(group)));
    }
    let tpl = DrillTemplate {
        page: Page::new(&info, Some(&user), indicator),
        indicator,
        unit: match &group_label {
            Some(g) => format!("{} — {g}", unit.name),
            None => unit.name.clone(),
        },
        reference: fmt_date(reference),
        numerator: members.iter().map(|c| c.numerator).sum(),
        denominator: members.iter().map(|c| c.denominator).sum(),
        back: format!(
            "/indicators?{}&unit={}",
            period_query(period),
            encode(&unit.code)
        ),
        export: format!("{base}&part={}&format=xlsx", encode(&part)),
        parts: tabs(lang, lower, &word)
            .into_iter()
            .map(|(p, label)| (label, format!("{base}&part={p}"), p == part))
            .collect(),
        outcome: word(true),
        headers,
        lines,
    };
    Ok(Html(tpl.render()?).into_response())
}

/// The list's tabs: all the denominator, then the records to act on (out of
/// the numerator, or in it for a lower-is-better indicator), then the rest.
fn tabs(
    lang: treem_domain::i18n::Lang,
    lower: bool,
    word: &dyn Fn(bool) -> &'static str,
) -> [(&'static str, String); 3] {
    let (act, rest) = if lower {
        ("numerator", "missing")
    } else {
        ("missing", "numerator")
    };
    let in_numerator = |p: &str| p == "numerator";
    [
        ("all", lang.t("dashboard.part_all").to_string()),
        (
            act,
            format!("{}: {}", lang.t("outcome.act"), word(in_numerator(act))),
        ),
        (rest, capitalised(word(in_numerator(rest)))),
    ]
}

/// A phrase with its first letter in capitals ("thấp còi" → "Thấp còi").
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
