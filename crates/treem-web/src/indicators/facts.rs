//! Facts that are not about one child — a school's record for a year, a
//! commune's assessment, a disaster event, a child's participation in an
//! activity — entered in small forms. Each form is one row of the
//! interchange format, checked and stored by the same importer as a file,
//! with the officer's unit scope, so the rules cannot drift apart.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use std::collections::HashMap;
use treem_domain::i18n::Lang;
use treem_interchange::spec::File;
use treem_interchange::{DataSet, Quiet, import};

use crate::shell::page::{Page, code_word};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/facts", get(page))
        .route("/facts/{file}", post(save))
}

/// The forms: which file each is, in the order shown.
const FORMS: [File; 4] = [
    File::Schools,
    File::CommuneAssessments,
    File::Disasters,
    File::Participation,
];

struct Field {
    name: &'static str,
    label: &'static str,
    required: bool,
    value: String,
    /// A select's options (value, label); empty for a typed field.
    choices: Vec<(String, String)>,
    /// The input's type for a typed field (`text`, `date`, `number`).
    kind: &'static str,
}

/// Yes/no columns of the facts files.
const YES_NO: [&str; 4] = [
    "sanitation_standard",
    "psych_support",
    "child_friendly",
    "play_spot",
];

/// A code's word as an option's label: "Tiểu học"; an abbreviation in
/// capitals ("THCS").
fn label(word: &str) -> String {
    if word.len() <= 5 && word.chars().all(|c| c.is_ascii_lowercase()) {
        return word.to_uppercase();
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What a column is picked or typed with: a select's options, or the
/// input's type. `communes` are those of the user's scope, by name.
fn control(
    lang: Lang,
    file: File,
    column: &str,
    communes: &[(String, String)],
) -> (Vec<(String, String)>, &'static str) {
    use treem_interchange::cell::codes;
    let coded = |list: treem_interchange::cell::Codes| -> Vec<(String, String)> {
        list.iter()
            .map(|(code, _)| (code.to_string(), label(&code_word(lang, list, code))))
            .collect()
    };
    match column {
        "commune_code" => (communes.to_vec(), "text"),
        "level" if file == File::Schools => (coded(codes::SCHOOL_LEVEL), "text"),
        "kind" if file == File::Participation => (coded(codes::PARTICIPATION), "text"),
        c if YES_NO.contains(&c) => (
            vec![
                ("yes".into(), lang.t("dashboard.yes_word").into()),
                ("no".into(), lang.t("dashboard.no_word").into()),
            ],
            "text",
        ),
        "occurred_on" | "date" => (Vec::new(), "date"),
        "year" | "children_affected" | "children_supported_timely" => (Vec::new(), "number"),
        _ => (Vec::new(), "text"),
    }
}

struct FormView {
    file: &'static str,
    title: &'static str,
    fields: Vec<Field>,
    problems: Vec<String>,
    saved: bool,
    /// What is stored for the year shown: each row's cells as read, and the
    /// link that puts it in the form to correct.
    stored: Vec<(Vec<String>, String)>,
}

#[derive(Template)]
#[template(path = "indicators/facts.html")]
struct FactsTemplate {
    page: Page,
    forms: Vec<FormView>,
    /// The year whose stored records are listed.
    year: i32,
}

fn title(lang: Lang, file: File) -> &'static str {
    lang.t(match file {
        File::Schools => "facts.schools",
        File::CommuneAssessments => "facts.assessments",
        File::Disasters => "facts.disasters",
        _ => "facts.participation",
    })
}

fn view(
    lang: Lang,
    file: File,
    values: &HashMap<String, String>,
    problems: Vec<String>,
    saved: bool,
    communes: &[(String, String)],
) -> FormView {
    FormView {
        file: file.name(),
        title: title(lang, file),
        fields: file
            .columns()
            .iter()
            .map(|c| {
                let (choices, kind) = control(lang, file, c.name, communes);
                let typed = values.get(c.name).cloned().unwrap_or_default();
                Field {
                    name: c.name,
                    label: if lang == Lang::En { c.name } else { c.vi },
                    required: c.required,
                    value: match (saved, c.name) {
                        // The year stays for the next record of the same year.
                        (true, "year") => typed,
                        (true, _) => String::new(),
                        (false, "year") if typed.is_empty() => {
                            chrono::Datelike::year(&treem_domain::clock::vn_today()).to_string()
                        }
                        _ => typed,
                    },
                    choices,
                    kind,
                }
            })
            .collect(),
        problems,
        saved,
        stored: Vec::new(),
    }
}

/// A stored value as the form takes it back.
fn value_text(v: &treem_store::Value) -> String {
    use treem_store::Value;
    match v {
        Value::Text(t) => t.clone().unwrap_or_default(),
        Value::Int(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        Value::Real(x) => x.map(|x| x.to_string()).unwrap_or_default(),
        Value::Bool(b) => b
            .map(|b| if b { "yes" } else { "no" }.to_string())
            .unwrap_or_default(),
        Value::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// The records of `file` stored for `year` in the user's communes, with the
/// link that loads each into its form (saving it again updates it: a
/// record's key is in the form).
async fn stored(
    state: &AppState,
    communes: &[(String, String)],
    file: File,
    year: i32,
    lang: Lang,
) -> Result<Vec<(Vec<String>, String)>, AppError> {
    use treem_store::ExportFile;
    let export = match file {
        File::Schools => ExportFile::Schools,
        File::CommuneAssessments => ExportFile::CommuneAssessments,
        File::Disasters => ExportFile::Disasters,
        _ => return Ok(Vec::new()),
    };
    let columns = file.columns();
    let at = |name: &str| columns.iter().position(|c| c.name == name);
    let (commune_at, year_at) = (at("commune_code"), at("year").or(at("occurred_on")));
    let year = year.to_string();
    let units = state.units();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = state.store.export_page(export, after, 5_000).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        for (_, values) in &page {
            let mut text: Vec<String> = values.iter().map(value_text).collect();
            // A school is stored under its unit's id: its code is the form's.
            if let (File::Schools, Some(i)) = (file, commune_at) {
                let code = text
                    .get(i)
                    .and_then(|id| id.parse::<i64>().ok())
                    .and_then(|id| units.by_id(id).map(|u| u.code.clone()))
                    .unwrap_or_default();
                if let Some(t) = text.get_mut(i) {
                    *t = code;
                }
            }
            let cell = |i: Option<usize>| i.and_then(|i| text.get(i)).cloned().unwrap_or_default();
            let commune = cell(commune_at);
            let Some((_, commune_name)) = communes.iter().find(|(c, _)| *c == commune) else {
                continue;
            };
            if !cell(year_at).starts_with(&year) {
                continue;
            }
            let mut query: Vec<(&str, &str)> = vec![("file", file.name())];
            query.extend(
                columns
                    .iter()
                    .map(|c| c.name)
                    .zip(text.iter().map(String::as_str)),
            );
            let edit = format!(
                "/facts?{}#{}",
                serde_urlencoded::to_string(&query).unwrap_or_default(),
                file.name()
            );
            let shown = columns
                .iter()
                .zip(&text)
                .map(|(c, v)| match (c.name, v.as_str()) {
                    ("commune_code", _) => commune_name.clone(),
                    ("level", code) => label(&code_word(
                        lang,
                        treem_interchange::cell::codes::SCHOOL_LEVEL,
                        code,
                    )),
                    (_, "yes") => lang.t("dashboard.yes_word").to_string(),
                    (_, "no") => lang.t("dashboard.no_word").to_string(),
                    _ => v.clone(),
                })
                .collect();
            out.push((shown, edit));
        }
    }
    Ok(out)
}

/// The form just sent: what was typed, and what came of it.
struct Sent<'a> {
    file: File,
    values: &'a HashMap<String, String>,
    problems: Vec<String>,
    saved: bool,
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    page: Page,
    lang: Lang,
    sent: Option<Sent<'_>>,
    year: i32,
) -> Result<Html<String>, AppError> {
    let empty = HashMap::new();
    let today = treem_domain::clock::vn_today();
    let units = state.units();
    let communes = units.communes_in(&units.scope_of(&user.account, today), today);
    let mut forms = Vec::new();
    for f in FORMS {
        let mut form = match &sent {
            Some(s) if s.file == f => {
                view(lang, f, s.values, s.problems.clone(), s.saved, &communes)
            }
            _ => view(lang, f, &empty, Vec::new(), false, &communes),
        };
        form.stored = stored(state, &communes, f, year, lang).await?;
        forms.push(form);
    }
    Ok(Html(FactsTemplate { page, forms, year }.render()?))
}

/// The year asked for (`?year=`), else this year.
fn year_of(q: &HashMap<String, String>) -> Result<i32, AppError> {
    match q.get("year").filter(|y| !y.is_empty()) {
        None => Ok(chrono::Datelike::year(&treem_domain::clock::vn_today())),
        Some(y) => y
            .get(..4)
            .and_then(|y| y.parse().ok())
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(AppError::BadRequest),
    }
}

/// The page; `?file=schools&school_code=…` puts a stored record in its form.
async fn page(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Result<Html<String>, AppError> {
    let year = year_of(&q)?;
    let editing = q
        .get("file")
        .and_then(|name| FORMS.iter().find(|f| f.name() == name))
        .map(|f| Sent {
            file: *f,
            values: &q,
            problems: Vec::new(),
            saved: false,
        });
    render(
        &state,
        &user,
        Page::new(&info, Some(&user), info.lang.t("facts.title")),
        info.lang,
        editing,
        year,
    )
    .await
}

async fn save(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(name): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let file = FORMS
        .iter()
        .find(|f| f.name() == name)
        .copied()
        .ok_or(AppError::NotFound)?;
    let header: Vec<String> = file.columns().iter().map(|c| c.name.to_string()).collect();
    let row: Vec<String> = file
        .columns()
        .iter()
        .map(|c| values.get(c.name).cloned().unwrap_or_default())
        .collect();
    let data = DataSet::from_tables(vec![(file.name(), vec![header, row])])
        .map_err(|e| AppError::Internal(format!("facts form: {e}")))?;
    let opts = crate::datasets::page::import_options(&state, &user, false, false);
    let report = import(state.store.as_ref(), &data, &opts, &Quiet)
        .await
        .map_err(|e| AppError::Internal(format!("facts form: {e}")))?;
    let lang = info.lang;
    let problems: Vec<String> = report
        .problems
        .iter()
        .map(|p| {
            let label =
                file.columns()
                    .iter()
                    .find(|c| c.name == p.column)
                    .map_or(p.column.as_str(), |c| {
                        if lang == Lang::En { c.name } else { c.vi }
                    });
            let msg = if lang == Lang::En {
                &p.message_en
            } else {
                &p.message_vi
            };
            if label.is_empty() {
                msg.clone()
            } else {
                format!("{label}: {msg}")
            }
        })
        .collect();
    let saved = report.stored && problems.is_empty();
    let status = if saved {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = Page::new(&info, Some(&user), lang.t("facts.title"));
    Ok((
        status,
        render(
            &state,
            &user,
            page,
            lang,
            Some(Sent {
                file,
                values: &values,
                problems,
                saved,
            }),
            year_of(&values)
                .unwrap_or_else(|_| chrono::Datelike::year(&treem_domain::clock::vn_today())),
        )
        .await?,
    )
        .into_response())
}
