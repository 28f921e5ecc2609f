//! The list back from the police (`POST /ids/import`): read, checked all at
//! once within the officer's scope — every problem located, nothing stored
//! unless there is none — then stored with who verified it and when; the
//! details the police corrected are shown for the officer to accept one by
//! one (`POST /ids/accept`), each through the record's own checks and
//! history.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use axum::{Form, Router};
use chrono::NaiveDate;
use treem_domain::child_input::read_child;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_interchange::ids::read_returned;
use treem_interchange::ids_round::{Difference, LineProblem, check, store_checked};
use treem_store::StoreError;

use crate::registry::records::{changed_fields, stored_text};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ids/import", post(import))
        .route("/ids/accept", post(accept))
}

#[derive(Template)]
#[template(path = "ids/result.html")]
struct ResultTemplate {
    page: Page,
    /// What was stored, or why nothing was.
    said: String,
    stored: bool,
    problems: Vec<LineProblem>,
    /// Details the police corrected: (child id, code, field name, field
    /// code, on record, returned).
    differences: Vec<(i64, String, &'static str, &'static str, String, String)>,
}

fn field_vi(field: &str) -> &'static str {
    match field {
        "full_name" => "Họ và tên",
        "date_of_birth" => "Ngày sinh",
        "sex" => "Giới tính",
        "mother_name" => "Họ tên mẹ",
        "father_name" => "Họ tên cha",
        _ => "Dân tộc",
    }
}

fn result(
    info: &RequestInfo,
    user: &CurrentUser,
    status: StatusCode,
    said: String,
    problems: Vec<LineProblem>,
    differences: &[Difference],
) -> Result<Response, AppError> {
    let tpl = ResultTemplate {
        page: Page::new(info, Some(user), info.lang.t("ids.title")),
        stored: status.is_success(),
        said,
        problems: problems
            .into_iter()
            .map(|p| LineProblem {
                column: treem_interchange::ids::COLUMNS
                    .iter()
                    .find(|(code, _)| *code == p.column)
                    .map_or(p.column, |(_, vi)| *vi),
                ..p
            })
            .collect(),
        differences: differences
            .iter()
            .map(|d| {
                (
                    d.child,
                    d.child_code.clone(),
                    field_vi(d.field),
                    d.field,
                    d.on_record.clone(),
                    d.returned.clone(),
                )
            })
            .collect(),
    };
    Ok((status, Html(tpl.render()?)).into_response())
}

async fn import(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (mut file, mut by, mut on) = (Vec::new(), String::new(), String::new());
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        match field.name() {
            Some("file") => {
                file = field
                    .bytes()
                    .await
                    .map_err(|_| AppError::BadRequest)?
                    .to_vec()
            }
            Some("verified_by") => by = field.text().await.map_err(|_| AppError::BadRequest)?,
            Some("on") => on = field.text().await.map_err(|_| AppError::BadRequest)?,
            _ => {}
        }
    }
    let lang = info.lang;
    let refuse = |vi: &str, en: &str| {
        result(
            &info,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.pick(vi, en).to_string(),
            Vec::new(),
            &[],
        )
    };
    let by = treem_domain::text::nfc(by.trim());
    let length = by.chars().count();
    if !(5..=200).contains(&length) || treem_domain::text::forbidden_char(&by).is_some() {
        return refuse(
            "Ghi rõ cơ quan xác thực (5–200 ký tự, ví dụ «Công an xã Bản Bo»). Chưa lưu gì.",
            "Name who verified (5–200 characters, e.g. «Công an xã Bản Bo»). Nothing was stored.",
        );
    }
    let Ok(on) = NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d") else {
        return refuse(
            "Chọn ngày công an xác thực. Chưa lưu gì.",
            "Choose the day the police verified. Nothing was stored.",
        );
    };
    if file.is_empty() {
        return refuse(
            "Chọn tệp danh sách công an đã ghi kết quả. Chưa lưu gì.",
            "Choose the list the police filled in. Nothing was stored.",
        );
    }
    let Ok(lines) = read_returned(&file) else {
        return refuse(
            "Tệp không phải danh sách đối chiếu: cần sổ tính có các cột «Mã trẻ», «Số định danh cá nhân đã xác thực» và «Kết quả». Chưa lưu gì.",
            "The file is not the verification list: a workbook with the columns child_id, verified_national_id and result is needed. Nothing was stored.",
        );
    };
    let today = vn_today();
    let scope = state.units().scope_of(&user.account, today);
    match check(state.store.as_ref(), &scope, &lines, on, today).await? {
        Err(problems) => {
            let n = problems.len();
            let said = match lang {
                Lang::Vi => format!(
                    "{n} lỗi: chưa lưu gì. Sửa tệp (hoặc xử lý hồ sơ được nêu) rồi nhập lại."
                ),
                Lang::En => format!(
                    "{n} problems: nothing was stored. Mend the file (or the record named), then import it again."
                ),
            };
            result(
                &info,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                said,
                problems,
                &[],
            )
        }
        Ok(checked) => {
            let audit = user.event(&info, "ids_imported", "children", "");
            let changed = match store_checked(state.store.as_ref(), &checked, &by, on, audit).await
            {
                Ok(n) => n,
                Err(StoreError::Stale(_)) => {
                    return refuse(
                        "Một hồ sơ vừa được sửa trong lúc kiểm tra: chưa lưu gì, hãy nhập lại tệp.",
                        "A record changed while the list was checked: nothing was stored; import the file again.",
                    );
                }
                Err(e) => return Err(e.into()),
            };
            let (day, m, c, nf) = (
                on.format("%d/%m/%Y"),
                checked.matched,
                checked.corrected,
                checked.not_found,
            );
            let said = match lang {
                Lang::Vi => format!(
                    "Đã lưu kết quả đối chiếu của {by} ngày {day}: {m} khớp, {c} đã sửa thông tin, {nf} không tìm thấy; {changed} số định danh được cập nhật."
                ),
                Lang::En => format!(
                    "Stored what {by} verified on {day}: {m} match, {c} corrected, {nf} not found; {changed} ID numbers updated."
                ),
            };
            result(
                &info,
                &user,
                StatusCode::OK,
                said,
                Vec::new(),
                &checked.differences,
            )
        }
    }
}

/// `POST /ids/accept`: each ticked `accept` is «child id|field|value»;
/// each accepted detail goes through the record's own checks and keeps
/// its history. What was accepted, or why a detail was not, is said.
async fn accept(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let mut by_child: Vec<(i64, Vec<(String, String)>)> = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "accept") {
        let mut parts = v.splitn(3, '|');
        let (Some(id), Some(field), Some(value)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(AppError::BadRequest);
        };
        let id: i64 = id.parse().map_err(|_| AppError::BadRequest)?;
        match by_child.iter_mut().find(|(c, _)| *c == id) {
            Some((_, fields)) => fields.push((field.to_string(), value.to_string())),
            None => by_child.push((id, vec![(field.to_string(), value.to_string())])),
        }
    }
    let mut done = Vec::new();
    let mut problems = Vec::new();
    for (id, fields) in by_child {
        let Some(c) = state
            .store
            .child(id)
            .await?
            .filter(|c| scope.contains(c.unit_id))
        else {
            return Err(AppError::NotFound);
        };
        let before = stored_text(&units, &c);
        let mut text = before.clone();
        for (field, value) in &fields {
            let value = value.trim().to_string();
            match field.as_str() {
                "full_name" => text.full_name = value,
                "date_of_birth" => {
                    text.date_of_birth = NaiveDate::parse_from_str(&value, "%d/%m/%Y")
                        .map_or(value, |d| d.format("%Y-%m-%d").to_string());
                }
                "sex" => {
                    text.sex = match treem_domain::text::fold(&value).as_str() {
                        "nam" | "m" => "M".into(),
                        "nu" | "f" => "F".into(),
                        _ => value,
                    };
                }
                "mother_name" => text.mother_name = value,
                "father_name" => text.father_name = value,
                "ethnicity" => text.ethnicity = value,
                _ => return Err(AppError::BadRequest),
            }
        }
        let child = match read_child(&text, today) {
            Ok(child) => child,
            Err(found) => {
                problems.extend(found.into_iter().map(|p| LineProblem {
                    line: 0,
                    column: p.field,
                    vi: format!("{}: {}", c.child_id, p.message_vi),
                    en: format!("{}: {}", c.child_id, p.message_en),
                }));
                continue;
            }
        };
        let changed = changed_fields(&before, &text);
        if changed.is_empty() {
            continue;
        }
        let audit = user.event(&info, "ids_corrections_accepted", "child", &id.to_string());
        match state
            .store
            .update_child(id, c.version, &child, c.unit_id, &changed, audit)
            .await
        {
            Ok(_) => done.push(format!("{} ({})", c.child_id, changed.join(", "))),
            Err(StoreError::Stale(_)) => problems.push(LineProblem {
                line: 0,
                column: "child_id",
                vi: format!("{}: hồ sơ vừa được sửa, hãy xem lại", c.child_id),
                en: format!("{}: the record changed meanwhile", c.child_id),
            }),
            Err(e) => return Err(e.into()),
        }
    }
    let said = match (done.is_empty(), info.lang) {
        (true, Lang::Vi) => "Chưa chấp nhận thông tin nào.".to_string(),
        (true, Lang::En) => "No detail was accepted.".to_string(),
        (false, Lang::Vi) => format!(
            "Đã cập nhật hồ sơ theo thông tin công an đã sửa: {}.",
            done.join("; ")
        ),
        (false, Lang::En) => format!(
            "Records updated with the police's corrections: {}.",
            done.join("; ")
        ),
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    result(&info, &user, status, said, problems, &[])
}
