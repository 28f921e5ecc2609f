//! The periodic report as a DOCX in the administrative format of Decree
//! 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman 14, the
//! issuing body and the national heading side by side, the place and date,
//! the title, the body, the recipients and the signature block. The report
//! is Vietnamese whatever the language of the command or the page: it is an
//! official document.

use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};
use treem_domain::i18n::Lang;
use treem_domain::indicators::{name_vi_on, shown};
use treem_domain::units::UnitHistory;

use crate::AppError;
use crate::indicators::figures::{Figure, Report, UnitReport, status_key};

/// Twentieths of a point: A4 and the margins of Decree 30 (appendix I).
const A4: (u32, u32) = (11906, 16838);
const MM: i32 = 57; // 1 mm ≈ 56.7 twips
/// The width between the margins.
const TEXT_WIDTH: usize = 11906 - 30 * 57 - 15 * 57;
/// Half-points: 14 pt for the text, 13 pt in tables.
const TEXT: usize = 28;
const SMALL: usize = 26;
/// How many units a finding names before it counts the rest.
const NAMED: usize = 10;

fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

/// A run on a new line of the same paragraph.
fn next_line(text: &str) -> Run {
    Run::new()
        .add_break(docx_rs::BreakType::TextWrapping)
        .add_text(text)
}

fn line(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text))
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text).bold())
}

fn cell(p: Paragraph, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
}

/// The report's own unit: the highest of those with figures (the province,
/// or the unit named by `--unit`).
pub fn root_of<'a>(rep: &'a Report, history: &UnitHistory) -> Option<&'a UnitReport> {
    rep.units
        .iter()
        .min_by_key(|u| history.ancestors(&history.all()[u.unit]).len())
}

/// The verdict of a figure in words.
pub fn status_vi(status: &str) -> &'static str {
    Lang::Vi.t(status_key(status))
}

/// The level of a unit in words.
pub fn level_vi(level: &str) -> &'static str {
    match level {
        "province" => "Tỉnh",
        "district" => "Huyện",
        _ => "Xã",
    }
}

/// "6 tháng đầu năm 2025" or "năm 2025".
pub fn period_words(rep: &Report) -> String {
    if rep.period.half {
        format!("6 tháng đầu năm {}", rep.period.year)
    } else {
        format!("năm {}", rep.period.year)
    }
}

const LEVEL_WORDS: [&str; 7] = [
    "Tỉnh ",
    "Thành phố ",
    "Huyện ",
    "Thị xã ",
    "Xã ",
    "Phường ",
    "Thị trấn ",
];

/// The place in the date line: the unit's name without its level.
fn place(name: &str) -> &str {
    LEVEL_WORDS
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
}

/// The name inside a sentence: "Ủy ban nhân dân tỉnh Lai Châu".
fn in_sentence(name: &str) -> String {
    match LEVEL_WORDS.iter().find(|p| name.starts_with(*p)) {
        Some(p) => format!("{}{}", p.to_lowercase(), &name[p.len()..]),
        None => name.to_string(),
    }
}

/// The comparison as printed: ≥, ≤, <, >.
fn symbol(comparison: &str) -> &str {
    match comparison {
        ">=" => "≥",
        "<=" => "≤",
        other => other,
    }
}

/// The issuing body and the national heading, then the number and the
/// place and date (a table without borders, as offices lay it out).
fn national_heading(root: &UnitReport, today: NaiveDate) -> Table {
    let (left, right) = (TEXT_WIDTH * 2 / 5, TEXT_WIDTH * 3 / 5);
    let body = cell(
        centred(run("ỦY BAN NHÂN DÂN").size(SMALL))
            .add_run(next_line(&root.name.to_uppercase()).size(SMALL).bold()),
        left,
    );
    let nation = cell(
        centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").size(SMALL).bold())
            .add_run(next_line("Độc lập - Tự do - Hạnh phúc").bold()),
        right,
    );
    let number = cell(centred(run("Số:       /BC-UBND").size(SMALL)), left);
    let date = cell(
        centred(
            run(&format!(
                "{}, ngày {} tháng {} năm {}",
                place(&root.name),
                today.day(),
                today.month(),
                today.year()
            ))
            .italic(),
        ),
        right,
    );
    Table::without_borders(vec![
        TableRow::new(vec![body, nation]),
        TableRow::new(vec![number, date]),
    ])
    .set_grid(vec![left, right])
}

fn value_of(f: &Figure) -> String {
    f.value
        .map(|v| format!("{}%", shown(v)))
        .unwrap_or_else(|| "—".into())
}

fn target_of(f: &Figure) -> String {
    f.target
        .map(|t| format!("{} {}%", symbol(f.comparison), shown(t)))
        .unwrap_or_else(|| "—".into())
}

/// The root unit's fourteen indicators.
fn indicator_table(root: &UnitReport, on: NaiveDate) -> Table {
    let widths = [500, TEXT_WIDTH - 500 - 4 * 1300, 1300, 1300, 1300, 1300];
    let head = [
        "TT",
        "Chỉ tiêu",
        "Kết quả",
        "Tử số / mẫu số",
        "Mục tiêu",
        "Đánh giá",
    ];
    let row = |texts: [String; 6], bold: bool| {
        TableRow::new(
            texts
                .iter()
                .zip(widths)
                .map(|(t, w)| {
                    let r = run(t).size(SMALL);
                    cell(Paragraph::new().add_run(if bold { r.bold() } else { r }), w)
                })
                .collect(),
        )
    };
    let mut rows = vec![row(head.map(String::from), true)];
    for (i, (key, f)) in root.indicators.iter().enumerate() {
        rows.push(row(
            [
                (i + 1).to_string(),
                name_vi_on(key, on).to_string(),
                value_of(f),
                format!("{}/{}", f.numerator, f.denominator),
                target_of(f),
                status_vi(f.status).to_string(),
            ],
            false,
        ));
    }
    Table::new(rows).set_grid(widths.to_vec())
}

/// For each indicator, the communes under the root that did not meet it,
/// lowest first.
fn findings(rep: &Report, root: &UnitReport) -> Vec<Paragraph> {
    let mut out = Vec::new();
    for (i, (key, _)) in root.indicators.iter().enumerate() {
        let mut below: Vec<(&str, f64)> = rep
            .units
            .iter()
            .filter(|u| u.level == "commune" && u.code != root.code)
            .filter_map(|u| {
                let (_, f) = u.indicators.get(i)?;
                (f.status == "not_met").then(|| (u.name.as_str(), f.value.unwrap_or(0.0)))
            })
            .collect();
        if below.is_empty() {
            continue;
        }
        below.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)));
        let named: Vec<String> = below
            .iter()
            .take(NAMED)
            .map(|(n, v)| format!("{n} ({}%)", shown(*v)))
            .collect();
        let rest = below.len().saturating_sub(NAMED);
        let more = if rest > 0 {
            format!(" và {rest} xã khác")
        } else {
            String::new()
        };
        out.push(
            Paragraph::new()
                .add_run(
                    run(&format!(
                        "- {}: ",
                        name_vi_on(key, rep.period.reference_date())
                    ))
                    .italic(),
                )
                .add_run(run(&format!(
                    "{} xã chưa đạt: {}{more}.",
                    below.len(),
                    named.join(", ")
                ))),
        );
    }
    if out.is_empty() {
        out.push(line(
            "Không có xã nào chưa đạt mục tiêu ở các chỉ tiêu có số liệu.",
        ));
    }
    out
}

/// The report as the bytes of a DOCX file.
pub fn document(
    rep: &Report,
    root: &UnitReport,
    today: NaiveDate,
    with_annex: bool,
) -> Result<Vec<u8>, AppError> {
    let reference = rep.period.reference_date().format("%d/%m/%Y");
    let (met, with_data) = root.tally();
    let missing = root.indicators.len() - with_data;
    let mut doc = Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(20 * MM)
                .bottom(20 * MM)
                .left(30 * MM)
                .right(15 * MM),
        )
        .default_fonts(
            RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(TEXT)
        .add_table(national_heading(root, today))
        .add_paragraph(line(""))
        .add_paragraph(centred(run("BÁO CÁO").bold()))
        .add_paragraph(centred(
            run(&format!(
                "Kết quả thực hiện Kế hoạch chăm sóc, giáo dục và bảo vệ trẻ em {}",
                period_words(rep)
            ))
            .bold(),
        ))
        .add_paragraph(line(""))
        .add_paragraph(
            line(&format!(
                "Ủy ban nhân dân {} báo cáo kết quả thực hiện các chỉ tiêu của Kế hoạch \
                 chăm sóc, giáo dục và bảo vệ trẻ em {}. Số liệu tính đến ngày {reference}, \
                 từ hồ sơ trẻ em và số liệu của {} đơn vị cập nhật trên hệ thống treem.",
                in_sentence(&root.name),
                period_words(rep),
                rep.units.len(),
            ))
            .align(AlignmentType::Both),
        )
        .add_paragraph(heading("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
        .add_paragraph(line(&format!(
            "Đạt {met}/{with_data} chỉ tiêu có số liệu; {missing} chỉ tiêu chưa có số liệu."
        )))
        .add_table(indicator_table(root, rep.period.reference_date()))
        .add_paragraph(line(""));
    // A commune's own report has no communes under it to name.
    if root.level != "commune" {
        doc = doc.add_paragraph(heading("II. CÁC XÃ CHƯA ĐẠT MỤC TIÊU"));
        for p in findings(rep, root) {
            doc = doc.add_paragraph(p.align(AlignmentType::Both));
        }
    }
    if with_annex {
        doc = doc.add_paragraph(line(
            "Số liệu của từng chỉ tiêu theo từng đơn vị (tử số, mẫu số, tỷ lệ, mục tiêu): \
             xem Phụ lục (tệp Excel kèm theo).",
        ));
    }
    let (left, right) = (TEXT_WIDTH / 2, TEXT_WIDTH - TEXT_WIDTH / 2);
    let recipients = cell(
        Paragraph::new()
            .add_run(run("Nơi nhận:").size(24).bold().italic())
            .add_run(next_line("- Như trên;").size(22))
            .add_run(next_line("- Lưu: VT.").size(22)),
        left,
    );
    let signature = cell(
        centred(run("TM. ỦY BAN NHÂN DÂN").bold()).add_run(next_line("CHỦ TỊCH").bold()),
        right,
    );
    doc = doc.add_paragraph(line("")).add_table(
        Table::without_borders(vec![TableRow::new(vec![recipients, signature])])
            .set_grid(vec![left, right]),
    );
    let mut bytes = Cursor::new(Vec::new());
    doc.pack(&mut bytes)
        .map_err(|e| AppError::Internal(format!("docx: {e}")))?;
    Ok(bytes.into_inner())
}
