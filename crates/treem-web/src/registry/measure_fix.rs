//! Correcting or withdrawing a measurement: a typing error (95 kg for a
//! 21-month-old) must not stay in the record forever. Either needs a reason;
//! the values the measurement had are kept in its history, the z-scores are
//! computed again, and both are audited. A withdrawn measurement no longer
//! counts anywhere and its date can be measured again.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, fmt_decimal};
use treem_domain::nutrition::assess;
use treem_store::{ChangeNote, ChildDetail, MeasuredRow, StoreError, StoredMeasurement, ZRecord};

use crate::registry::child_page::{child_in_scope, sex_of};
use crate::registry::measure::{MeasureForm, measurement_on, read_form, warnings};
use crate::registry::measurement_history::summary;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/children/{id}/measurements/{mid}",
        get(edit_form).post(change),
    )
}

/// The longest reason kept (characters).
const REASON_MAX: usize = 500;

#[derive(Template)]
#[template(path = "registry/measure_fix.html")]
struct FixTemplate {
    page: Page,
    id: i64,
    mid: i64,
    name: String,
    born: String,
    /// The measurement as stored: its date and values.
    stored: String,
    form: MeasureForm,
    errors: Vec<&'static str>,
    warnings: Vec<&'static str>,
    conflict: Option<i64>,
}

/// The form filled with a stored measurement.
fn filled(lang: Lang, m: &MeasuredRow) -> MeasureForm {
    let number = |v: Option<f64>| v.map(|v| fmt_decimal(v, 1, lang)).unwrap_or_default();
    MeasureForm {
        measured_on: fmt_date(m.measured_on),
        weight_kg: number(m.weight_kg),
        height_cm: number(m.height_cm),
        position: m.position.clone().unwrap_or_default(),
        oedema: m.oedema.then(|| "on".to_string()),
        head_cm: number(m.head_cm),
        ..MeasureForm::default()
    }
}

/// The child (in the user's scope) and her measurement `mid`.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mid: i64,
) -> Result<(ChildDetail, StoredMeasurement), AppError> {
    let c = child_in_scope(state, user, id).await?;
    let m = state
        .store
        .measurements(id)
        .await?
        .into_iter()
        .find(|m| m.id == mid)
        .ok_or(AppError::NotFound)?;
    Ok((c, m))
}

async fn edit_form(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, mid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (c, m) = load(&state, &user, id, mid).await?;
    let form = filled(info.lang, &m.measured);
    render(
        &info,
        &user,
        &c,
        &m,
        form,
        Vec::new(),
        Vec::new(),
        None,
        StatusCode::OK,
    )
}

#[allow(clippy::too_many_arguments)]
fn render(
    info: &RequestInfo,
    user: &CurrentUser,
    c: &ChildDetail,
    m: &StoredMeasurement,
    form: MeasureForm,
    errors: Vec<&'static str>,
    warnings: Vec<&'static str>,
    conflict: Option<i64>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tpl = FixTemplate {
        page: Page::new(info, Some(user), info.lang.t("measure.fix_title")),
        id: c.id,
        mid: m.id,
        name: c.full_name.clone(),
        born: fmt_date(c.date_of_birth),
        stored: summary(info.lang, &m.measured),
        form,
        errors,
        warnings,
        conflict,
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

async fn change(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path((id, mid)): Path<(i64, i64)>,
    Form(f): Form<MeasureForm>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let (c, m) = load(&state, &user, id, mid).await?;
    let fail = |errors, warnings, conflict, status| {
        render(
            &info,
            &user,
            &c,
            &m,
            f.clone(),
            errors,
            warnings,
            conflict,
            status,
        )
    };
    let reason = f.reason.trim();
    let withdraw = f.action == "withdraw";
    let mut errors = Vec::new();
    if reason.is_empty() {
        errors.push("measure.error_reason");
    } else if reason.chars().count() > REASON_MAX {
        errors.push("measure.error_reason_long");
    }
    if withdraw && f.confirm.is_none() {
        errors.push("measure.error_withdraw_confirm");
    }
    let note = ChangeNote {
        reason: reason.to_string(),
        by: user.account.username.clone(),
    };
    if withdraw {
        if !errors.is_empty() {
            return fail(errors, Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let audit = user
            .event(
                &info,
                "measurement_withdrawn",
                "measurement",
                &mid.to_string(),
            )
            .with_detail(format!("child {id}"));
        state
            .store
            .withdraw_measurement(id, mid, &note, audit)
            .await?;
        return Ok(
            Redirect::to(&format!("/children/{id}?saved=withdrawn#measurements")).into_response(),
        );
    }
    let measured = match read_form(&f, c.date_of_birth, vn_today()) {
        Ok(measured) if errors.is_empty() => measured,
        Ok(_) => return fail(errors, Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(mut more) => {
            more.extend(errors);
            return fail(more, Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let assessed = assess(sex_of(&c), c.date_of_birth, &measured);
    if !assessed.warnings.is_empty() && f.confirm.is_none() {
        return fail(
            Vec::new(),
            warnings(lang, &assessed.warnings),
            None,
            StatusCode::OK,
        );
    }
    let audit = user
        .event(
            &info,
            "measurement_corrected",
            "measurement",
            &mid.to_string(),
        )
        .with_detail(format!("child {id}"));
    let row = MeasuredRow::from_measured(&measured);
    let z = ZRecord::from_assessed(&assessed);
    match state
        .store
        .correct_measurement(id, mid, &row, &z, &note, audit)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/children/{id}?saved=corrected#measurements")).into_response(),
        ),
        Err(StoreError::Conflict(_)) => {
            let other = measurement_on(&state, id, measured.measured_on).await?;
            fail(
                vec!["measure.error_duplicate"],
                Vec::new(),
                other,
                StatusCode::CONFLICT,
            )
        }
        Err(e) => Err(e.into()),
    }
}
