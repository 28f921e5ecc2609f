//! A child's page: identity, residence across the reform, measurements with
//! growth charts, merges and the history of changes.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use treem_domain::access::{Action, permits};
use treem_domain::child::{age_years, ethnicity_name, special_circumstance_label};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, fmt_decimal, trf};
use treem_domain::nutrition::Status;
use treem_growth::Sex;
use treem_interchange::cell::codes;
use treem_store::{ChildDetail, StoredMeasurement};

use crate::registry::chart::{self, Chart, Indicator, Observation};
use crate::registry::child_history::{HistoryRow, history_rows};
use crate::registry::measurement_history::{ChangeRow, change_rows};
use crate::shell::page::Page;
use crate::shell::page::code_word;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/children/{id}", get(profile))
}

/// The child, if she exists and lies in the user's scope. Outside the scope
/// she does not exist, as far as the user can tell (404, not 403).
pub async fn child_in_scope(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<ChildDetail, AppError> {
    let child = state.store.child(id).await?.ok_or(AppError::NotFound)?;
    let scope = state.units().scope_of(&user.account, vn_today());
    if scope.contains(child.unit_id) {
        Ok(child)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn sex_of(child: &ChildDetail) -> Sex {
    if child.sex == "F" {
        Sex::Female
    } else {
        Sex::Male
    }
}

struct MeasurementRow {
    id: i64,
    date: String,
    age: String,
    weight: String,
    height: String,
    waz: String,
    haz: String,
    whz: String,
    statuses: Vec<&'static str>,
    flagged: bool,
}

fn z_cell(lang: Lang, value: Option<f64>, flag: Option<bool>) -> String {
    match value {
        Some(v) if flag == Some(true) => format!("{} ⚠", fmt_decimal(v, 2, lang)),
        Some(v) => fmt_decimal(v, 2, lang),
        None => String::new(),
    }
}

fn rows(lang: Lang, list: &[StoredMeasurement]) -> Vec<MeasurementRow> {
    list.iter()
        .map(|m| {
            let z = &m.z;
            MeasurementRow {
                id: m.id,
                date: fmt_date(m.measured.measured_on),
                age: fmt_decimal(z.age_days as f64 / 30.4375, 1, lang),
                weight: m
                    .measured
                    .weight_kg
                    .map(|w| fmt_decimal(w, 1, lang))
                    .unwrap_or_default(),
                height: z
                    .clen_cm
                    .map(|h| fmt_decimal(h, 1, lang))
                    .unwrap_or_default(),
                waz: z_cell(lang, z.waz, z.f_waz),
                haz: z_cell(lang, z.haz, z.f_haz),
                whz: z_cell(lang, z.whz, z.f_whz),
                statuses: Status::parse_list(&z.nutrition)
                    .into_iter()
                    .map(|s| lang.t(s.label_key()))
                    .collect(),
                flagged: [z.f_waz, z.f_haz, z.f_whz, z.f_baz, z.f_hcz].contains(&Some(true)),
            }
        })
        .collect()
}

/// Reads one value (and its flag) from a measurement.
type Reading = dyn Fn(&StoredMeasurement) -> Option<(f64, Option<bool>)>;

/// The three charts of a child: weight-for-age, length/height-for-age, and
/// weight-for-length or -height by the age at her latest measurement.
fn charts(sex: Sex, list: &[StoredMeasurement], lang: Lang) -> Vec<Chart> {
    let by_age = |value: &Reading| -> Vec<Observation> {
        list.iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let (y, flag) = value(m)?;
                Some(Observation {
                    x: m.z.age_days as f64,
                    y,
                    flagged: flag == Some(true),
                    label_index: i,
                })
            })
            .collect()
    };
    let wfa = by_age(&|m| m.measured.weight_kg.map(|w| (w, m.z.f_waz)));
    let lhfa = by_age(&|m| m.z.clen_cm.map(|h| (h, m.z.f_haz)));
    let wfl: Vec<Observation> = list
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let (w, h) = (m.measured.weight_kg?, m.z.clen_cm?);
            Some(Observation {
                x: h,
                y: w,
                flagged: m.z.f_whz == Some(true),
                label_index: i,
            })
        })
        .collect();
    let standing = list.last().is_some_and(|m| m.z.age_days > 730);
    let third = if standing {
        Indicator::WeightForHeight
    } else {
        Indicator::WeightForLength
    };
    vec![
        chart::build(Indicator::WeightForAge, sex, &wfa, lang),
        chart::build(Indicator::LengthForAge, sex, &lhfa, lang),
        chart::build(third, sex, &wfl, lang),
    ]
}

/// The catalogue key of a chart's x-axis unit (used by the template).
fn chart_unit(c: &Chart) -> &'static str {
    match c.indicator {
        Indicator::WeightForAge | Indicator::LengthForAge => "growth.x_months",
        _ => "growth.x_cm",
    }
}

/// Chart titles, in the template's language.
fn chart_title(lang: Lang, i: Indicator) -> &'static str {
    lang.t(match i {
        Indicator::WeightForAge => "growth.wfa",
        Indicator::LengthForAge => "growth.lhfa",
        Indicator::WeightForLength => "growth.wfl",
        Indicator::WeightForHeight => "growth.wfh",
    })
}

#[derive(Template)]
#[template(path = "registry/child.html")]
struct ProfileTemplate {
    page: Page,
    id: i64,
    c: ChildDetail,
    born: String,
    age: String,
    sex: &'static str,
    ethnicity: String,
    unit: String,
    unit_now: String,
    registered: &'static str,
    special: Vec<String>,
    measurements: Vec<MeasurementRow>,
    charts: Vec<(String, Chart)>,
    dates: Vec<String>,
    can_edit: bool,
    /// Whether she may record a protection report for this child.
    can_report: bool,
    /// School years: (year, level, school, grade, result).
    schooling: Vec<[String; 5]>,
    /// Activities: (date, kind, note).
    participation: Vec<[String; 3]>,
    /// Her own protection cases of this child: (id, case number). Others'
    /// cases are not even counted here.
    cases: Vec<(i64, String)>,
    notice: Option<&'static str>,
    history: Vec<HistoryRow>,
    /// Corrections and withdrawals of her measurements, newest first.
    changes: Vec<ChangeRow>,
    /// Merges not undone: (merge id, the other record's id and name, whether
    /// this record is the one that stayed).
    merges: Vec<(i64, i64, String, bool)>,
}

impl ProfileTemplate {
    /// The x-axis unit of a chart, in the page's language.
    fn unit_label(&self, c: &Chart) -> &'static str {
        self.page.t(chart_unit(c))
    }
}

#[derive(Deserialize)]
struct ProfileQuery {
    saved: Option<String>,
}

async fn profile(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<ProfileQuery>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let c = child_in_scope(&state, &user, id).await?;
    let list = state.store.measurements(id).await?;
    let today = vn_today();
    let units = state.units();
    let unit = units.by_id(c.unit_id);
    let now = unit
        .and_then(|u| units.history.became(u, today))
        .filter(|n| Some(*n) != unit);
    // Every merge with another record (undone ones stay in the history).
    let merges = state.store.merges_of(id).await?;
    let live: Vec<_> = merges.iter().filter(|m| m.undone_at.is_none()).collect();
    let mut other_ids: Vec<i64> = merges
        .iter()
        .map(|m| {
            if m.survivor_id == id {
                m.merged_id
            } else {
                m.survivor_id
            }
        })
        .collect();
    other_ids.sort_unstable();
    other_ids.dedup();
    let merged_with = if other_ids.is_empty() {
        Vec::new()
    } else {
        state.store.children_by_id(&other_ids).await?
    };
    let tpl = ProfileTemplate {
        page: Page::new(&info, Some(&user), &c.full_name),
        id,
        born: fmt_date(c.date_of_birth),
        age: trf(
            lang,
            "child.age_years",
            &[("n", &age_years(c.date_of_birth, today).to_string())],
        ),
        sex: lang.t(if c.sex == "F" {
            "children.female"
        } else {
            "children.male"
        }),
        ethnicity: c
            .ethnicity
            .as_deref()
            .and_then(ethnicity_name)
            .unwrap_or_default()
            .to_string(),
        unit: unit
            .map(|u| format!("{} ({})", u.name, u.code))
            .unwrap_or_default(),
        unit_now: now
            .map(|u| format!("{} ({})", u.name, u.code))
            .unwrap_or_default(),
        registered: lang.t(match c.birth_registered {
            Some(true) => "child.registered_yes",
            Some(false) => "child.registered_no",
            None => "child.registered_unknown",
        }),
        special: c
            .special_circumstances
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|code| {
                special_circumstance_label(code, lang)
                    .unwrap_or(code)
                    .to_string()
            })
            .collect(),
        measurements: rows(lang, &list),
        charts: charts(sex_of(&c), &list, lang)
            .into_iter()
            .map(|ch| (chart_title(lang, ch.indicator).to_string(), ch))
            .collect(),
        dates: list
            .iter()
            .map(|m| fmt_date(m.measured.measured_on))
            .collect(),
        can_edit: permits(user.account.role, Action::EditRegistry),
        can_report: permits(user.account.role, Action::OpenCases),
        schooling: state
            .store
            .enrolments_of(id)
            .await?
            .into_iter()
            .map(|e| {
                [
                    e.school_year,
                    code_word(lang, codes::ENROLMENT_LEVEL, &e.level),
                    e.school_name.unwrap_or(e.school_code),
                    e.grade.map(|g| g.to_string()).unwrap_or_default(),
                    code_word(lang, codes::ENROLMENT_STATUS, &e.status),
                ]
            })
            .collect(),
        participation: state
            .store
            .participation_of(id)
            .await?
            .into_iter()
            .map(|p| {
                [
                    fmt_date(p.date),
                    code_word(lang, codes::PARTICIPATION, &p.kind),
                    p.note.unwrap_or_default(),
                ]
            })
            .collect(),
        cases: state
            .store
            .case_summaries(&treem_store::CaseFilter::Account(user.account.id))
            .await?
            .into_iter()
            .filter(|s| s.child_id == id)
            .map(|s| (s.id, s.case_number))
            .collect(),
        notice: q.saved.as_deref().map(|s| {
            lang.t(match s {
                "child" => "edit.saved",
                "merged" => "duplicates.merged",
                "unmerged" => "duplicates.unmerged",
                "corrected" => "measure.corrected",
                "withdrawn" => "measure.withdrawn",
                _ => "measure.saved",
            })
        }),
        merges: live
            .iter()
            .map(|m| {
                let kept = m.survivor_id == id;
                let other = if kept { m.merged_id } else { m.survivor_id };
                let name = merged_with
                    .iter()
                    .find(|r| r.id == other)
                    .map(|r| r.full_name.clone())
                    .unwrap_or_default();
                (m.id, other, name, kept)
            })
            .collect(),
        history: history_rows(
            lang,
            id,
            state.store.child_versions(id).await?,
            &merges,
            &merged_with,
        ),
        changes: change_rows(lang, &state.store.measurement_changes(id).await?),
        c,
    };
    Ok(Html(tpl.render()?))
}
