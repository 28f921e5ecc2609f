//! The import template: a workbook with one sheet per file, headed with
//! the Vietnamese column names, and a sheet explaining every column.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::cell::codes;
use crate::spec::File;

/// What a column holds, in Vietnamese, for the explanation sheet.
fn explain(file: File, column: &str) -> String {
    let list = |c: crate::cell::Codes| {
        c.iter()
            .map(|(code, words)| match words.first() {
                Some(w) => format!("{code} ({w})"),
                None => code.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (file, column) {
        (_, "as_of") => {
            "Ngày mà các mã đơn vị trong bộ dữ liệu có hiệu lực (mặc định: ngày nhập)".into()
        }
        (_, c) if c.ends_with("_on") || c.contains("date") || c == "date" || c == "status_date" => {
            "Ngày: dd/mm/yyyy hoặc yyyy-mm-dd (03/04/2020 là ngày 3 tháng 4)".into()
        }
        (_, "sex") => "Nam/Nữ, M/F hoặc 1/2 (1 = nam)".into(),
        (_, "national_id") => "12 chữ số; kiểm tra mã tỉnh, giới tính/thế kỷ và năm sinh".into(),
        (_, "commune_code") => "Mã xã theo danh mục đơn vị hành chính (GSO)".into(),
        (_, "ethnicity") => "Tên hoặc mã dân tộc".into(),
        (_, "special_circumstances") => {
            "Các mã a–o (Điều 10 Luật Trẻ em), cách nhau bằng dấu ;".into()
        }
        (_, "household_poverty") => "poor (nghèo), near_poor (cận nghèo), none (không)".into(),
        (File::Children, "status") => "active (mặc định), moved (chuyển đi), dead (tử vong)".into(),
        (_, "weight_kg") | (_, "height_cm") => {
            "Số, dấu thập phân là , hoặc . (cần cân nặng hoặc chiều cao)".into()
        }
        (_, "position") => list(codes::POSITION),
        (File::Enrolments, "level") => list(codes::ENROLMENT_LEVEL),
        (File::Schools, "level") => list(codes::SCHOOL_LEVEL),
        (File::Enrolments, "status") => list(codes::ENROLMENT_STATUS),
        (File::Participation, "kind") => list(codes::PARTICIPATION),
        (_, "harm_type") => list(codes::HARM),
        (_, "school_year") => "Dạng 2024-2025".into(),
        (_, "grade") => "1–5 (tiểu học), 6–9 (THCS); bắt buộc với hai cấp này".into(),
        (_, "children_supported_timely") => "Số nguyên, không lớn hơn số trẻ bị ảnh hưởng".into(),
        (_, "birth_registered")
        | (_, "oedema")
        | (_, "sanitation_standard")
        | (_, "psych_support")
        | (_, "child_friendly")
        | (_, "play_spot") => "có/không, yes/no, x/để trống, 1/0".into(),
        _ => explain_plan(file, column),
    }
}

/// What a column of the plan's files holds (docs/plan-files.md).
fn explain_plan(file: File, column: &str) -> String {
    let list = |c: crate::cell::Codes| {
        c.iter()
            .map(|(code, words)| format!("{code} ({})", words.first().unwrap_or(code)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (file, column) {
        (_, "unit_code") => "Mã đơn vị hành chính (GSO) sở hữu kế hoạch / cơ quan".into(),
        (_, "plan") => {
            "Tên kế hoạch, đúng như đã lưu (cùng đơn vị không có hai kế hoạch cùng tên)".into()
        }
        (_, "from_year") | (_, "to_year") => {
            "Năm (2000–2100); bắt buộc khi kế hoạch chưa có trong hệ thống".into()
        }
        (_, "issued_by") => "Cơ quan ban hành; bắt buộc khi kế hoạch chưa có trong hệ thống".into(),
        (File::Agencies, "code") | (File::PlanTasks, "code") | (_, "supervision_id") => {
            "Mã: chữ không dấu, số, - _ . (tối đa 20 ký tự)".into()
        }
        (_, "group") => "1–5: nhóm nhiệm vụ III.1–III.5; 6: tổ chức thực hiện (IV)".into(),
        (_, "cadence") => list(codes::CADENCE),
        (_, "plan_number") => "Số, ký hiệu văn bản của kế hoạch (ví dụ 12-KH/HU); để trống giữ số đã lưu".into(),
        (_, "plan_issued_on") => "Ngày ban hành kế hoạch; để trống giữ ngày đã lưu".into(),
        (_, "plan_basis") => {
            "Các văn bản kế hoạch thực hiện (căn cứ), mỗi văn bản một dòng; để trống giữ căn cứ đã lưu"
                .into()
        }
        (File::PlanTasks, "due") => "Ngày; chỉ và bắt buộc với nhiệm vụ một lần".into(),
        (_, "due") => "Ngày: dd/mm/yyyy hoặc yyyy-mm-dd".into(),
        (_, "lead") | (_, "owner") | (_, "agency") => "Mã một cơ quan của đơn vị".into(),
        (_, "partners") => "Mã các cơ quan của đơn vị, cách nhau bằng dấu ;".into(),
        (_, "programme") => "Mã chương trình (CT1–CT5) hoặc để trống".into(),
        (_, "indicators") => "Mã các chỉ tiêu trong 14 chỉ tiêu, cách nhau bằng dấu ;".into(),
        (_, "period") => "2025h1 (6 tháng đầu năm 2025) hoặc 2025 (cả năm)".into(),
        (File::Progress, "status") => list(codes::PROGRESS_STATUS),
        (_, "sessions") | (_, "people_reached") | (_, "budget_spent") => {
            "Số nguyên (có thể tách nghìn bằng dấu chấm: 1.500.000)".into()
        }
        (File::Supervisions, "kind") => list(codes::SUPERVISION_KIND),
        (_, "no") => "Số thứ tự kiến nghị trong đợt giám sát (1, 2…)".into(),
        (_, "closed_note") => "Kết quả thực hiện; cùng với ngày hoàn thành".into(),
        _ => "Văn bản (tối đa 1.000 ký tự)".into(),
    }
}

/// The name of the template's guide sheet: an import passes over it without
/// a warning (it is the template's own, not a stray sheet).
pub const GUIDE_SHEET: &str = "Huong dan";

/// The template workbook's bytes.
pub fn workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let help = book.add_worksheet();
    help.set_name(GUIDE_SHEET)?;
    for (c, h) in [
        "Tệp / trang",
        "Cột (tiếng Anh)",
        "Tiêu đề tiếng Việt",
        "Bắt buộc",
        "Cách ghi",
    ]
    .iter()
    .enumerate()
    {
        help.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut row = 1;
    for file in File::every() {
        for col in file.columns() {
            help.write_string(row, 0, file.name())?;
            help.write_string(row, 1, col.name)?;
            help.write_string(row, 2, col.vi)?;
            help.write_string(row, 3, if col.required { "có" } else { "" })?;
            help.write_string(row, 4, explain(file, col.name))?;
            row += 1;
        }
    }
    help.set_column_width(4, 70)?;
    for file in File::every() {
        let sheet = book.add_worksheet();
        sheet.set_name(file.name())?;
        for (c, col) in file.columns().iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, col.vi, &bold)?;
            sheet.set_column_width(c as u16, 18)?;
        }
    }
    book.save_to_buffer()
}
