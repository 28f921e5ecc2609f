//! The form that adds a measurement to a child's record: hard errors are
//! listed, WHO's warnings must be confirmed, the z-scores are computed as it
//! is written.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use treem_domain::anthro::{parse_date, parse_measure, parse_position};
use treem_domain::clock::vn_today;
use treem_domain::i18n::fmt_date;
use treem_domain::nutrition::{Measured, Warning, assess};
use treem_store::{MeasuredRow, StoreError, ZRecord};

use crate::registry::child_page::{child_in_scope, sex_of};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/children/{id}/measurements/new", get(new_form))
        .route("/children/{id}/measurements", post(add))
}

/// The measurement form as typed (also the correction form, which adds a
/// reason and says whether it corrects or withdraws).
#[derive(Deserialize, Default, Clone)]
pub(super) struct MeasureForm {
    #[serde(default)]
    pub(super) measured_on: String,
    #[serde(default)]
    pub(super) weight_kg: String,
    #[serde(default)]
    pub(super) height_cm: String,
    #[serde(default)]
    pub(super) position: String,
    pub(super) oedema: Option<String>,
    #[serde(default)]
    pub(super) head_cm: String,
    pub(super) confirm: Option<String>,
    #[serde(default)]
    pub(super) reason: String,
    /// `correct` or `withdraw` (the correction page only).
    #[serde(default)]
    pub(super) action: String,
}

#[derive(Template)]
#[template(path = "registry/measure.html")]
struct MeasureTemplate {
    page: Page,
    id: i64,
    name: String,
    born: String,
    form: MeasureForm,
    errors: Vec<&'static str>,
    warnings: Vec<&'static str>,
    /// The measurement already on that date, to correct instead.
    conflict: Option<i64>,
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
        conflict: None,
    };
    Ok(Html(tpl.render()?))
}

/// A measured value: empty, or a positive number (beyond the physical
/// limits it is a warning to confirm, see `nutrition::assess`).
fn optional_measure(text: &str, key: &'static str, errors: &mut Vec<&'static str>) -> Option<f64> {
    if text.trim().is_empty() {
        return None;
    }
    let value = parse_measure(text);
    if value.is_none() {
        errors.push(key);
    }
    value
}

/// Reads the form at the edge: every problem is listed, not just the first.
pub(super) fn read_form(
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
    let weight_kg = optional_measure(&f.weight_kg, "measure.error_weight", &mut errors);
    let height_cm = optional_measure(&f.height_cm, "measure.error_height", &mut errors);
    let head_cm = optional_measure(&f.head_cm, "measure.error_head", &mut errors);
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
                  conflict: Option<i64>,
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
            conflict,
        };
        Ok((status, Html(tpl.render()?)).into_response())
    };
    let measured = match read_form(&f, c.date_of_birth, vn_today()) {
        Ok(m) => m,
        Err(errors) => return render(errors, Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let assessed = assess(sex_of(&c), c.date_of_birth, &measured);
    // Warnings must be seen and confirmed before the measurement is saved.
    if !assessed.warnings.is_empty() && f.confirm.is_none() {
        return render(
            Vec::new(),
            warnings(lang, &assessed.warnings),
            None,
            StatusCode::OK,
        );
    }
    let audit = user
        .event(&info, "measurement_added", "measurement", "")
        .with_detail(format!("child {id}"));
    let row = MeasuredRow::from_measured(&measured);
    match state
        .store
        .add_measurement(id, &row, &ZRecord::from_assessed(&assessed), audit)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?saved=1#measurements")).into_response()),
        Err(StoreError::Conflict(_)) => {
            let on_that_day = measurement_on(&state, id, measured.measured_on).await?;
            render(
                vec!["measure.error_duplicate"],
                Vec::new(),
                on_that_day,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// WHO's warnings about a measurement, in the user's language.
pub(super) fn warnings(lang: treem_domain::i18n::Lang, list: &[Warning]) -> Vec<&'static str> {
    list.iter().map(|w| lang.t(w.label_key())).collect()
}

/// The child's measurement on a date, if she has one.
pub(super) async fn measurement_on(
    state: &AppState,
    child: i64,
    on: NaiveDate,
) -> Result<Option<i64>, AppError> {
    let list = state.store.measurements(child).await?;
    Ok(list
        .iter()
        .find(|m| m.measured.measured_on == on)
        .map(|m| m.id))
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
        let e = read_form(&form("31/02/2025", "-1", "0"), born, today).unwrap_err();
        assert_eq!(
            e,
            vec![
                "measure.error_date",
                "measure.error_weight",
                "measure.error_height"
            ]
        );
        // Beyond the physical limits is no error here: a warning to confirm
        // (`nutrition::assess`).
        assert!(read_form(&form("01/03/2025", "950", "6,6"), born, today).is_ok());
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
