//! A child's page: identity, measurements with growth charts, and the form
//! to add a measurement (z-scores computed as it is written).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use treem_domain::access::{Action, permits};
use treem_domain::anthro::{parse_date, parse_decimal, parse_position};
use treem_domain::audit::AuditEvent;
use treem_domain::child::{age_years, ethnicity_name, special_circumstance_name};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, fmt_decimal, trf};
use treem_domain::nutrition::{Measured, Status, Warning, assess};
use treem_growth::Sex;
use treem_store::{ChildDetail, MeasuredRow, StoreError, StoredMeasurement, ZRecord};

use crate::chart::{self, Chart, Indicator, Observation};
use crate::guard::{CurrentUser, RequestInfo};
use crate::page::Page;
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/children/{id}", get(profile))
        .route("/children/{id}/measurements/new", get(new_form))
        .route("/children/{id}/measurements", post(add))
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

fn sex_of(child: &ChildDetail) -> Sex {
    if child.sex == "F" {
        Sex::Female
    } else {
        Sex::Male
    }
}

struct MeasurementRow {
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
fn charts(sex: Sex, list: &[StoredMeasurement]) -> Vec<Chart> {
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
        chart::build(Indicator::WeightForAge, sex, &wfa),
        chart::build(Indicator::LengthForAge, sex, &lhfa),
        chart::build(third, sex, &wfl),
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
#[template(path = "child.html")]
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
    notice: Option<&'static str>,
    history: Vec<HistoryRow>,
    /// Merges not undone: (merge id, the other record's id and name, whether
    /// this record is the one that stayed).
    merges: Vec<(i64, i64, String, bool)>,
}

struct HistoryRow {
    version: i64,
    at: String,
    actor: String,
    fields: String,
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
            .map(|code| special_circumstance_name(code).unwrap_or(code).to_string())
            .collect(),
        measurements: rows(lang, &list),
        charts: charts(sex_of(&c), &list)
            .into_iter()
            .map(|ch| (chart_title(lang, ch.indicator).to_string(), ch))
            .collect(),
        dates: list
            .iter()
            .map(|m| fmt_date(m.measured.measured_on))
            .collect(),
        can_edit: permits(user.account.role, Action::EditRegistry),
        notice: q.saved.as_deref().map(|s| {
            lang.t(match s {
                "child" => "edit.saved",
                "merged" => "duplicates.merged",
                "unmerged" => "duplicates.unmerged",
                _ => "measure.saved",
            })
        }),
        merges: {
            let merges = state.store.merges_of(id).await?;
            let live: Vec<_> = merges
                .into_iter()
                .filter(|m| m.undone_at.is_none())
                .collect();
            let others: Vec<i64> = live
                .iter()
                .map(|m| {
                    if m.survivor_id == id {
                        m.merged_id
                    } else {
                        m.survivor_id
                    }
                })
                .collect();
            let records = state.store.children_by_id(&others).await?;
            live.iter()
                .zip(others)
                .map(|(m, other)| {
                    let name = records
                        .iter()
                        .find(|r| r.id == other)
                        .map(|r| r.full_name.clone())
                        .unwrap_or_default();
                    (m.id, other, name, m.survivor_id == id)
                })
                .collect()
        },
        history: state
            .store
            .child_versions(id)
            .await?
            .into_iter()
            .map(|v| HistoryRow {
                version: v.version,
                at: v
                    .changed_at
                    .with_timezone(&treem_domain::clock::vn_offset())
                    .format("%d/%m/%Y %H:%M")
                    .to_string(),
                actor: v.actor,
                fields: v
                    .changed_fields
                    .split(';')
                    .filter(|f| !f.is_empty())
                    .map(|f| lang.t(&format!("field.{f}")))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        c,
    };
    Ok(Html(tpl.render()?))
}

/// The measurement form as typed.
#[derive(Deserialize, Default, Clone)]
struct MeasureForm {
    #[serde(default)]
    measured_on: String,
    #[serde(default)]
    weight_kg: String,
    #[serde(default)]
    height_cm: String,
    #[serde(default)]
    position: String,
    oedema: Option<String>,
    #[serde(default)]
    head_cm: String,
    confirm: Option<String>,
}

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasureTemplate {
    page: Page,
    id: i64,
    name: String,
    born: String,
    form: MeasureForm,
    errors: Vec<&'static str>,
    warnings: Vec<&'static str>,
}

async fn new_form(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let c = child_in_scope(&state, &user, id).await?;
    let form = MeasureForm {
        measured_on: fmt_date(vn_today()),
        ..MeasureForm::default()
    };
    let tpl = MeasureTemplate {
        page: Page::new(&info, Some(&user), info.lang.t("measure.title")),
        id,
        name: c.full_name,
        born: fmt_date(c.date_of_birth),
        form,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    Ok(Html(tpl.render()?))
}

/// Wide physical limits: beyond them a value is a typing error.
const WEIGHT_KG: (f64, f64) = (0.3, 150.0);
const HEIGHT_CM: (f64, f64) = (30.0, 220.0);
const HEAD_CM: (f64, f64) = (20.0, 70.0);

fn optional_measure(
    text: &str,
    limits: (f64, f64),
    key: &'static str,
    errors: &mut Vec<&'static str>,
) -> Option<f64> {
    if text.trim().is_empty() {
        return None;
    }
    match parse_decimal(text) {
        Some(v) if (limits.0..=limits.1).contains(&v) => Some(v),
        _ => {
            errors.push(key);
            None
        }
    }
}

/// Reads the form at the edge: every problem is listed, not just the first.
fn read_form(
    f: &MeasureForm,
    born: NaiveDate,
    today: NaiveDate,
) -> Result<Measured, Vec<&'static str>> {
    let mut errors = Vec::new();
    let measured_on = match parse_date(&f.measured_on) {
        Some(d) if d > today => {
            errors.push("measure.error_future");
            None
        }
        Some(d) if d < born => {
            errors.push("measure.error_before_birth");
            None
        }
        Some(d) => Some(d),
        None => {
            errors.push("measure.error_date");
            None
        }
    };
    let weight_kg = optional_measure(&f.weight_kg, WEIGHT_KG, "measure.error_weight", &mut errors);
    let height_cm = optional_measure(&f.height_cm, HEIGHT_CM, "measure.error_height", &mut errors);
    let head_cm = optional_measure(&f.head_cm, HEAD_CM, "measure.error_head", &mut errors);
    if f.weight_kg.trim().is_empty() && f.height_cm.trim().is_empty() {
        errors.push("measure.error_nothing");
    }
    let position = parse_position(&f.position).unwrap_or_else(|_| {
        errors.push("measure.error_position");
        None
    });
    match measured_on {
        Some(measured_on) if errors.is_empty() => Ok(Measured {
            measured_on,
            weight_kg,
            height_cm,
            position,
            oedema: f.oedema.is_some(),
            head_cm,
        }),
        _ => Err(errors),
    }
}

async fn add(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MeasureForm>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let c = child_in_scope(&state, &user, id).await?;
    let render = |errors: Vec<&'static str>,
                  warnings: Vec<&'static str>,
                  status: StatusCode|
     -> Result<Response, AppError> {
        let tpl = MeasureTemplate {
            page: Page::new(&info, Some(&user), lang.t("measure.title")),
            id,
            name: c.full_name.clone(),
            born: fmt_date(c.date_of_birth),
            form: f.clone(),
            errors,
            warnings,
        };
        Ok((status, Html(tpl.render()?)).into_response())
    };
    let measured = match read_form(&f, c.date_of_birth, vn_today()) {
        Ok(m) => m,
        Err(errors) => return render(errors, Vec::new(), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let assessed = assess(sex_of(&c), c.date_of_birth, &measured);
    // Warnings must be seen and confirmed before the measurement is saved.
    if !assessed.warnings.is_empty() && f.confirm.is_none() {
        let warnings = assessed
            .warnings
            .iter()
            .map(|w: &Warning| lang.t(w.label_key()))
            .collect();
        return render(Vec::new(), warnings, StatusCode::OK);
    }
    let a = &user.account;
    let mut audit = AuditEvent::system(&a.username, "measurement_added", "measurement", "")
        .with_detail(format!("child {id}"));
    audit.actor_id = Some(a.id);
    audit.ip = Some(info.ip.clone());
    let row = MeasuredRow::from_measured(&measured);
    match state
        .store
        .add_measurement(id, &row, &ZRecord::from_assessed(&assessed), audit)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?saved=1#measurements")).into_response()),
        Err(StoreError::Conflict(_)) => render(
            vec!["measure.error_duplicate"],
            Vec::new(),
            StatusCode::CONFLICT,
        ),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use treem_growth::Position;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn form(date: &str, w: &str, h: &str) -> MeasureForm {
        MeasureForm {
            measured_on: date.into(),
            weight_kg: w.into(),
            height_cm: h.into(),
            ..MeasureForm::default()
        }
    }

    #[test]
    fn form_errors_are_all_listed() {
        let born = d(2024, 1, 1);
        let today = d(2025, 6, 30);
        assert!(read_form(&form("01/03/2025", "9,5", "75"), born, today).is_ok());
        let e = read_form(&form("31/02/2025", "-1", "999"), born, today).unwrap_err();
        assert_eq!(
            e,
            vec![
                "measure.error_date",
                "measure.error_weight",
                "measure.error_height"
            ]
        );
        assert_eq!(
            read_form(&form("01/07/2025", "9", ""), born, today).unwrap_err(),
            vec!["measure.error_future"]
        );
        assert_eq!(
            read_form(&form("01/07/2023", "9", ""), born, today).unwrap_err(),
            vec!["measure.error_before_birth"]
        );
        assert_eq!(
            read_form(&form("01/03/2025", "", ""), born, today).unwrap_err(),
            vec!["measure.error_nothing"]
        );
        let mut f = form("01/03/2025", "9", "");
        f.position = "ngồi".into();
        assert_eq!(
            read_form(&f, born, today).unwrap_err(),
            vec!["measure.error_position"]
        );
    }

    #[test]
    fn position_and_oedema_are_read() {
        let mut f = form("2025-03-01", "9", "75");
        f.position = "standing".into();
        f.oedema = Some("on".into());
        let m = read_form(&f, d(2024, 1, 1), d(2025, 6, 30)).unwrap();
        assert_eq!(m.position, Some(Position::Standing));
        assert!(m.oedema);
    }
}
