//! The next step on a data set the server keeps (see `keep.rs`): storing
//! it after a clean check without choosing the file again, and its
//! problems as a workbook to correct the file from.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date};
use treem_interchange::Problem;

use crate::datasets::keep;
use crate::datasets::page::{DatasetTemplate, refused, respond, run_import};
use crate::datasets::problems::column_name;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::shell::xlsx::{Cell, Sheet, download, file_stem, table};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/datasets/save", post(save))
        .route("/datasets/problems.xlsx", post(problems))
}

#[derive(Deserialize)]
pub struct HeldForm {
    token: String,
}

/// «Lưu dữ liệu»: the kept file imported as a whole (checked again, since
/// the records may have changed meanwhile).
async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<HeldForm>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let tpl = DatasetTemplate::empty(Page::new(&info, Some(&user), lang.t("datasets.title")));
    let Some(held) = keep::take(&state, &user, &f.token).await? else {
        return refused(tpl, "datasets.expired", StatusCode::GONE);
    };
    let report = match run_import(&state, &user, &held.file_name, held.body.clone(), false).await? {
        Ok(report) => report,
        Err(key) => return refused(tpl, key, StatusCode::UNPROCESSABLE_ENTITY),
    };
    respond(
        &state,
        tpl,
        &user,
        (held.file_name, held.body),
        &report,
        lang,
    )
    .await
}

/// The kept file's problems (and warnings), one row each, as a workbook.
async fn problems(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(f): Form<HeldForm>,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let tpl = DatasetTemplate::empty(Page::new(&info, Some(&user), lang.t("datasets.title")));
    let Some(held) = keep::find(&state, &user, &f.token).await? else {
        return refused(tpl, "datasets.expired", StatusCode::GONE);
    };
    let report = match run_import(&state, &user, &held.file_name, held.body, true).await? {
        Ok(report) => report,
        Err(key) => return refused(tpl, key, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let today = vn_today();
    let mut title = format!(
        "{} «{}» — {}",
        lang.t("datasets.problem_list"),
        held.file_name,
        fmt_date(today)
    );
    if report.more_problems > 0 {
        title.push_str(&format!(
            " ({} {})",
            lang.t("datasets.unlisted"),
            report.more_problems
        ));
    }
    let error = lang.t("datasets.problem");
    let warning = lang.t("datasets.warning");
    let rows = report
        .problems
        .iter()
        .map(|p| row(p, error, lang))
        .chain(report.warnings.iter().map(|p| row(p, warning, lang)))
        .collect();
    let headers = [
        lang.t("datasets.kind"),
        lang.t("datasets.file"),
        lang.t("datasets.line"),
        lang.t("datasets.column"),
        lang.t("datasets.value"),
        lang.t("datasets.message"),
    ];
    let bytes = table(&Sheet {
        name: lang.t("datasets.problems"),
        title,
        headers: &headers,
        rows,
    })?;
    let date = today.to_string();
    Ok(download(
        &file_stem(lang.t("datasets.problem_list"), &[&held.file_name, &date]),
        bytes,
    ))
}

fn row(p: &Problem, kind: &str, lang: Lang) -> Vec<Cell> {
    vec![
        Cell::text(kind),
        Cell::text(p.file.as_str()),
        if p.line > 0 {
            Cell::Number(p.line as f64, 0)
        } else {
            Cell::Empty
        },
        Cell::text(if p.column.is_empty() {
            String::new()
        } else {
            column_name(&p.column, lang)
        }),
        Cell::text(p.value.as_str()),
        Cell::text(lang.pick(&p.message_vi, &p.message_en)),
    ]
}
