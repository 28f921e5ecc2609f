//! Importing a data set from the browser: an officer uploads a workbook or
//! a zip of CSV files, checks it first if she likes, and sees the same
//! report as `treem import`. Her unit scope applies: rows of other communes
//! are errors. The import template is downloaded here too.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_interchange::ImportError;
use treem_interchange::source::SourceError;
use treem_interchange::{DataSet, Options, Quiet, Report, import};
use treem_store::Scope;

use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The largest data set accepted from a browser (the guard's body limit;
/// a larger one goes through `treem import`).
const MAX_UPLOAD: usize = crate::shell::guard::MAX_BODY;
/// Problems shown on the page (all are counted).
const SHOWN: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/datasets", get(page).post(upload))
        .route("/datasets/template.xlsx", get(template))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

/// One line of the report table.
struct FileLine {
    file: String,
    rows: u64,
    written: u64,
    unchanged: u64,
    rejected: u64,
}

#[derive(Template)]
#[template(path = "datasets/page.html")]
pub(super) struct DatasetTemplate {
    pub(super) page: Page,
    error: Option<&'static str>,
    verdict: Option<String>,
    ok: bool,
    files: Vec<FileLine>,
    conversions: Vec<String>,
    warnings: Vec<String>,
    problems: Vec<String>,
    /// Groups of problems beyond those shown.
    more: u64,
    /// Problems beyond what the report lists (counted only).
    unlisted: u64,
    /// The uploaded file, kept for a while on the server.
    held: Option<Held>,
}

/// An upload kept for the next step: storing it after a clean check, or
/// listing its problems.
pub(super) struct Held {
    pub token: String,
    /// The file's name as uploaded.
    pub file: String,
    /// Whether the check was clean (so «Lưu dữ liệu» is offered).
    pub can_save: bool,
}

impl DatasetTemplate {
    pub(super) fn empty(page: Page) -> Self {
        DatasetTemplate {
            page,
            error: None,
            verdict: None,
            ok: false,
            files: Vec::new(),
            conversions: Vec::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
            more: 0,
            unlisted: 0,
            held: None,
        }
    }
}

async fn page(info: RequestInfo, user: CurrentUser) -> Result<Html<String>, AppError> {
    let tpl = DatasetTemplate::empty(Page::new(&info, Some(&user), info.lang.t("datasets.title")));
    Ok(Html(tpl.render()?))
}

fn show(mut tpl: DatasetTemplate, report: &Report, lang: Lang) -> DatasetTemplate {
    let english = lang == Lang::En;
    // The last line of the text report is its verdict.
    tpl.verdict = report.render(english).lines().last().map(str::to_string);
    tpl.ok = report.problem_count() == 0;
    tpl.files = report
        .files
        .iter()
        .map(|f| FileLine {
            file: f.file.clone(),
            rows: f.rows,
            written: f.written,
            unchanged: f.unchanged,
            rejected: f.rejected,
        })
        .collect();
    tpl.conversions = report
        .conversions
        .iter()
        .map(|c| format!("{} / {}: {} ({})", c.file, c.column, c.encoding, c.values))
        .collect();
    tpl.warnings = crate::datasets::problems::grouped(&report.warnings, lang, SHOWN);
    // Identical problems are one line each; the groups beyond what is
    // shown are counted.
    let groups = crate::datasets::problems::grouped(&report.problems, lang, usize::MAX);
    tpl.more = groups.len().saturating_sub(SHOWN) as u64;
    tpl.unlisted = report.more_problems;
    tpl.problems = groups.into_iter().take(SHOWN).collect();
    tpl
}

async fn upload(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let lang = info.lang;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut check_only = false;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?;
                file = Some((name, bytes.to_vec())).filter(|(_, b)| !b.is_empty());
            }
            Some("check") => check_only = true,
            _ => {}
        }
    }
    let tpl = DatasetTemplate::empty(Page::new(&info, Some(&user), lang.t("datasets.title")));
    let Some((name, bytes)) = file else {
        return refused(tpl, "datasets.no_file", StatusCode::BAD_REQUEST);
    };
    let report = match run_import(&state, &user, &name, bytes.clone(), check_only).await? {
        Ok(report) => report,
        Err(key) => return refused(tpl, key, StatusCode::UNPROCESSABLE_ENTITY),
    };
    respond(&state, tpl, &user, (name, bytes), &report, lang).await
}

/// The page with an error instead of a report.
pub(super) fn refused(
    tpl: DatasetTemplate,
    key: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let tpl = DatasetTemplate {
        error: Some(tpl.page.lang.t(key)),
        ..tpl
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// Opens the uploaded file as a data set and imports (or checks) it;
/// `Err` holds the message key when the file is no data set or passes a
/// limit while it is unpacked (nothing is stored then).
pub(super) async fn run_import(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    bytes: Vec<u8>,
    check_only: bool,
) -> Result<Result<Report, &'static str>, AppError> {
    let workbook = !name.to_lowercase().ends_with(".zip");
    let data = match DataSet::from_bytes_limited(name, bytes, state.config.upload_limits) {
        Ok(d) => d,
        Err(SourceError::TooMuch(..)) => return Ok(Err("datasets.too_much")),
        Err(SourceError::DuplicateEntry(_)) => return Ok(Err("datasets.duplicate_entry")),
        Err(_) => return Ok(Err("datasets.unreadable")),
    };
    let opts = import_options(state, user, check_only, workbook);
    match import(state.store.as_ref(), &data, &opts, &Quiet).await {
        Ok(r) => Ok(Ok(r)),
        // A limit passed while the file was unpacked: said, nothing stored.
        Err(ImportError::Source(SourceError::TooMuch(..))) => Ok(Err("datasets.too_much")),
        Err(ImportError::Source(SourceError::Zip(_))) => Ok(Err("datasets.unreadable")),
        Err(e) => Err(AppError::Internal(format!("import: {e}"))),
    }
}

/// The report page. A clean check keeps the file for «Lưu dữ liệu», a
/// data set with problems keeps it for the list of problems; what was
/// stored is kept no longer.
pub(super) async fn respond(
    state: &AppState,
    tpl: DatasetTemplate,
    user: &CurrentUser,
    (name, bytes): (String, Vec<u8>),
    report: &Report,
    lang: Lang,
) -> Result<Response, AppError> {
    let clean = report.problem_count() == 0;
    let held = if !clean || report.checked_only {
        let token = crate::datasets::keep::hold(state, user, name.clone(), bytes).await?;
        Some(Held {
            token,
            file: name,
            can_save: clean,
        })
    } else {
        None
    };
    let status = if clean {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let tpl = DatasetTemplate {
        held,
        ..show(tpl, report, lang)
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

/// How a data set sent from the browser is imported: all or nothing, by the
/// signed-in user, within her unit scope, codes valid today.
pub(crate) fn import_options(
    state: &AppState,
    user: &CurrentUser,
    check_only: bool,
    workbook: bool,
) -> Options {
    let today = vn_today();
    let scope = match state.units().scope_of(&user.account, today) {
        Scope::All => None,
        Scope::Units(ids) => Some(ids.into_iter().collect()),
    };
    Options {
        as_of: None,
        partial: false,
        check_only,
        actor: user.account.username.clone(),
        agency: user.account.agency_code.clone(),
        actor_id: Some(user.account.id),
        scope,
        today,
        reject_dir: None,
        workbook,
    }
}

async fn template() -> Result<Response, AppError> {
    let bytes = treem_interchange::template::workbook()
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mau-nhap-du-lieu.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}
