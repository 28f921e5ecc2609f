//! The session on paper and in Excel, for a day when no phone can go: an A4
//! form with the children's names and boxes to write in, and a workbook in
//! the interchange format (sheet `measurements` or `participation`) that
//! imports back as a data set once filled.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use rust_xlsxwriter::{Format, Workbook};
use treem_domain::i18n::fmt_date;
use treem_domain::nutrition::Status;
use treem_domain::village::SessionKind;
use treem_interchange::spec::File;
use treem_interchange::template::GUIDE_SHEET;
use treem_store::VillageChild;

use super::found::{Found, session_in_scope};
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/village/{id}/print", get(print))
        .route("/village/{id}/sheet.xlsx", get(sheet))
}

async fn children(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    id: i64,
    what: &str,
) -> Result<(Found, Vec<VillageChild>), AppError> {
    let found = session_in_scope(state, user, id).await?;
    let (after, until) = found.kind.born_between(found.day());
    let list = state
        .store
        .village_children(&found.scope, &found.session.village, after, until)
        .await?;
    let audit = user
        .event(info, what, "village_session", &id.to_string())
        .with_detail(format!("{} children", list.len()));
    state.store.audit(audit).await?;
    Ok((found, list))
}

struct PaperRow {
    n: usize,
    name: String,
    born: String,
    sex: &'static str,
    mother: String,
    last: String,
}

#[derive(Template)]
#[template(path = "village/print.html")]
struct PrintTemplate {
    page: Page,
    id: i64,
    kind: &'static str,
    weighing: bool,
    commune: String,
    village: String,
    date: String,
    rows: Vec<PaperRow>,
    /// Empty lines for children met in the village.
    spare: Vec<usize>,
}

async fn print(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let lang = info.lang;
    let (found, list) = children(&state, &info, &user, id, "village_paper_printed").await?;
    let rows: Vec<PaperRow> = list
        .into_iter()
        .enumerate()
        .map(|(i, c)| PaperRow {
            n: i + 1,
            born: fmt_date(c.date_of_birth),
            sex: lang.t(if c.sex == "F" {
                "village.female"
            } else {
                "village.male"
            }),
            mother: c.mother_name.unwrap_or_default(),
            last: c
                .measured_on
                .map(|on| {
                    let statuses = Status::parse_list(c.nutrition.as_deref().unwrap_or(""));
                    let words: Vec<&str> = statuses.iter().map(|s| lang.t(s.label_key())).collect();
                    let w = c
                        .weight_kg
                        .map(|w| format!(" · {w:.1} kg"))
                        .unwrap_or_default();
                    format!("{}{w} {}", fmt_date(on), words.join(", "))
                })
                .unwrap_or_default(),
            name: c.full_name,
        })
        .collect();
    let spare = (rows.len() + 1..=rows.len() + 5).collect();
    let tpl = PrintTemplate {
        page: Page::new(&info, Some(&user), lang.t(found.kind.label_key())),
        id,
        kind: lang.t(found.kind.label_key()),
        weighing: found.kind == SessionKind::Weighing,
        commune: found.commune.1.clone(),
        village: found.session.village.clone(),
        date: fmt_date(found.day()),
        rows,
        spare,
    };
    Ok(Html(tpl.render()?))
}

/// The workbook's bytes: the guide sheet, then the data set's sheet with
/// the contract's Vietnamese headers, the session's children and its date
/// filled in, and two columns to read by (name, birth date) that an import
/// reports as unknown and passes over.
fn workbook(found: &Found, list: &[VillageChild]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let guide = book.add_worksheet();
    guide.set_name(GUIDE_SHEET)?;
    let weighing = found.kind == SessionKind::Weighing;
    let lines = [
        format!("{} — thôn {} — {} — ngày {}", treem_domain::i18n::Lang::Vi.t(found.kind.label_key()), found.session.village, found.commune.1, fmt_date(found.day())),
        if weighing {
            "Ghi cân nặng (kg) và chiều dài/chiều cao (cm) của từng trẻ được cân, đo; tư thế: nằm hoặc đứng; phù: có/không.".into()
        } else {
            "Giữ dòng của những trẻ có mặt; xóa dòng của trẻ vắng mặt.".into()
        },
        "Xóa dòng của trẻ không cân, đo hoặc vắng mặt trước khi nhập (một dòng không có số đo là lỗi).".into(),
        "Nhập lại vào treem: trang Bộ dữ liệu → chọn tệp này. Hai cột cuối (họ tên, ngày sinh) chỉ để đọc, treem bỏ qua.".into(),
    ];
    for (r, line) in lines.iter().enumerate() {
        guide.write_string(r as u32, 0, line)?;
    }
    let file = if weighing {
        File::Measurements
    } else {
        File::Participation
    };
    let sheet = book.add_worksheet();
    sheet.set_name(file.name())?;
    let columns = file.columns();
    for (c, col) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, col.vi, &bold)?;
        sheet.set_column_width(c as u16, 16)?;
    }
    let extra = columns.len() as u16;
    sheet.write_string_with_format(0, extra, "Họ và tên (để đọc)", &bold)?;
    sheet.write_string_with_format(0, extra + 1, "Ngày sinh (để đọc)", &bold)?;
    sheet.set_column_width(extra, 28)?;
    sheet.set_column_width(extra + 1, 14)?;
    let day = fmt_date(found.day());
    for (r, child) in list.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, col) in columns.iter().enumerate() {
            let value = match col.name {
                "child_id" => child.child_id.clone(),
                "measured_on" | "date" => day.clone(),
                "kind" => found.kind.code().to_string(),
                _ => continue,
            };
            sheet.write_string(r, c as u16, value)?;
        }
        sheet.write_string(r, extra, &child.full_name)?;
        sheet.write_string(r, extra + 1, fmt_date(child.date_of_birth))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

async fn sheet(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (found, list) = children(&state, &info, &user, id, "village_sheet_downloaded").await?;
    let bytes = workbook(&found, &list).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("buoi-{}-{}.xlsx", found.kind.code(), found.day());
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response())
}
