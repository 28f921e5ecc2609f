//! The pieces of an administrative document in the format of Decree
//! 30/2020/NĐ-CP (appendix I): the heading (issuing body and national name
//! side by side, each with its short rule line), body paragraphs (first-line
//! indent 1.27 cm, 6 pt after), tables whose rows never split and whose
//! header row repeats on every page, the page number from page 2, the
//! recipients and the signature block.

use std::io::{Cursor, Read, Write};

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, Header, LineSpacing, PageNum, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, SpecialIndentType, Table, TableCell, TableRow,
    WidthType,
};

use crate::AppError;

/// Twentieths of a point: A4 and the margins of Decree 30 (appendix I).
pub const A4: (u32, u32) = (11906, 16838);
pub const MM: i32 = 57; // 1 mm ≈ 56.7 twips
/// The width between the margins (30 mm left, 15 mm right).
pub const TEXT_WIDTH: usize = 11906 - 30 * 57 - 15 * 57;
/// Half-points: 14 pt for the text, 13 pt for the heading, 12 pt in tables
/// and for the national name (so that it stays on one line).
pub const TEXT: usize = 28;
pub const HEADING: usize = 26;
pub const TABLE: usize = 24;
/// A header row's height (twips): also how the header rows are found when
/// the file is finished (`repeat_header_rows`).
const HEADER_ROW: f32 = 397.0;

pub fn run(text: &str) -> Run {
    Run::new().add_text(text)
}

/// A run on a new line of the same paragraph.
pub fn next_line(text: &str) -> Run {
    Run::new()
        .add_break(docx_rs::BreakType::TextWrapping)
        .add_text(text)
}

pub fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

/// A paragraph of the body: justified, first line indented 1.27 cm, 6 pt
/// after.
pub fn body(text: &str) -> Paragraph {
    body_runs(vec![run(text)])
}

/// A body paragraph of several runs (an italic lead-in, say).
pub fn body_runs(runs: Vec<Run>) -> Paragraph {
    let mut p = Paragraph::new()
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(720)), None, None)
        .line_spacing(LineSpacing::new().after(120));
    for r in runs {
        p = p.add_run(r);
    }
    p
}

/// A section heading: bold, indented as the body, kept with what follows.
pub fn heading(text: &str) -> Paragraph {
    body_runs(vec![run(text).bold()]).keep_next(true)
}

/// An empty paragraph whose top border is a centred rule `length` twips
/// long within `width` (under the issuing body, the motto, the summary).
pub fn rule(width: usize, length: usize) -> Paragraph {
    let side = (width.saturating_sub(length) / 2) as i32;
    Paragraph::new()
        .indent(Some(side), None, Some(side), None)
        .line_spacing(LineSpacing::new().line(120).after(0))
        .set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Top)
                    .val(BorderType::Single)
                    .size(6)
                    .space(1),
            ),
        )
}

pub fn cell(p: Paragraph, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
}

/// The place in the date line: the unit's name without its level.
pub fn place(name: &str) -> &str {
    LEVEL_WORDS
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
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

/// The name inside a sentence: "Ủy ban nhân dân tỉnh Lai Châu".
pub fn in_sentence(name: &str) -> String {
    match LEVEL_WORDS.iter().find(|p| name.starts_with(*p)) {
        Some(p) => format!("{}{}", p.to_lowercase(), &name[p.len()..]),
        None => name.to_string(),
    }
}

/// The issuing body and the national name with their rules, then the
/// number and the place and date (a table without borders). The issuer's
/// column is 36 % of the line, the nation's 64 %: the national name in
/// 12 pt bold fits on one line.
pub fn national_heading(issuer: &str, symbol: &str, today: NaiveDate) -> Table {
    heading_table(
        issuer,
        Some(&format!("Số:       /{symbol}")),
        Some(&format!(
            "{}, {}",
            place(issuer),
            treem_domain::clock::document_date(today)
        )),
    )
}

/// The heading of any document of the People's Committee of `issuer`:
/// the number line under the issuer and the place-and-date line under the
/// motto, each when given.
pub fn heading_table(issuer: &str, number: Option<&str>, place_date: Option<&str>) -> Table {
    let left = TEXT_WIDTH * 36 / 100;
    let right = TEXT_WIDTH - left;
    let body = TableCell::new()
        .add_paragraph(
            centred(run("ỦY BAN NHÂN DÂN").size(HEADING).bold())
                .add_run(next_line(&issuer.to_uppercase()).size(HEADING).bold()),
        )
        .add_paragraph(rule(left, left / 3))
        .width(left, WidthType::Dxa);
    let nation = TableCell::new()
        .add_paragraph(
            centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").size(TABLE).bold()).add_run(
                next_line("Độc lập - Tự do - Hạnh phúc")
                    .size(HEADING)
                    .bold(),
            ),
        )
        // As long as the motto (13 pt: about 6.2 cm).
        .add_paragraph(rule(right, 62 * MM as usize))
        .width(right, WidthType::Dxa);
    let mut rows = vec![TableRow::new(vec![body, nation])];
    if number.is_some() || place_date.is_some() {
        let number = cell(centred(run(number.unwrap_or("")).size(HEADING)), left);
        let date = cell(centred(run(place_date.unwrap_or("")).italic()), right);
        rows.push(TableRow::new(vec![number, date]));
    }
    Table::without_borders(rows).set_grid(vec![left, right])
}

/// The recipients (no "Như trên": the report has no "Kính gửi") and the
/// signature block, with the signer's name when it is known.
pub fn closing(recipients: &[String], signer: Option<&str>) -> Table {
    let (left, right) = (TEXT_WIDTH / 2, TEXT_WIDTH - TEXT_WIDTH / 2);
    let mut to = Paragraph::new().add_run(run("Nơi nhận:").size(24).bold().italic());
    for r in recipients {
        to = to.add_run(next_line(&format!("- {r}")).size(22));
    }
    let mut sign = centred(run("TM. ỦY BAN NHÂN DÂN").bold()).add_run(next_line("CHỦ TỊCH").bold());
    // Room for the signature and the seal.
    for _ in 0..4 {
        sign = sign.add_run(next_line(""));
    }
    if let Some(name) = signer.map(str::trim).filter(|n| !n.is_empty()) {
        sign = sign.add_run(next_line(name).bold());
    }
    Table::without_borders(vec![TableRow::new(vec![cell(to, left), cell(sign, right)])])
        .set_grid(vec![left, right])
}

/// An empty document in Decree 30's page: A4, margins 20/20/30/15 mm, the
/// header 10 mm from the edge, Times New Roman 14 pt.
pub fn new_document() -> docx_rs::Docx {
    docx_rs::Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            docx_rs::PageMargin::new()
                .top(20 * MM)
                .bottom(20 * MM)
                .left(30 * MM)
                .right(15 * MM)
                .header(10 * MM),
        )
        .default_fonts(
            docx_rs::RunFonts::new()
                .ascii("Times New Roman")
                .hi_ansi("Times New Roman")
                .cs("Times New Roman")
                .east_asia("Times New Roman"),
        )
        .default_size(TEXT)
}

/// The page header: the page number, top centre, from page 2 (the first
/// page has an empty header of its own).
pub fn page_numbers(doc: docx_rs::Docx) -> docx_rs::Docx {
    doc.header(
        Header::new().add_paragraph(
            Paragraph::new()
                .add_page_num(PageNum::new())
                .align(AlignmentType::Center)
                .size(HEADING),
        ),
    )
    .first_header(Header::new())
}

/// A table whose rows never split across pages and whose first row is its
/// header (repeated on every page once the file is finished).
pub fn data_table(widths: &[usize], rows: Vec<Vec<String>>) -> Table {
    data_table_centred(widths, rows, &[])
}

/// A [`data_table`] whose columns `centred` (by index) are centred — a
/// line's number, a ticked box.
pub fn data_table_centred(widths: &[usize], rows: Vec<Vec<String>>, centred: &[usize]) -> Table {
    let mut out = Vec::new();
    for (i, texts) in rows.iter().enumerate() {
        let cells = texts
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(col, (t, w))| {
                let r = run(t).size(TABLE);
                let r = if i == 0 { r.bold() } else { r };
                let p = Paragraph::new().add_run(r);
                cell(
                    if i == 0 || centred.contains(&col) {
                        p.align(AlignmentType::Center)
                    } else {
                        p
                    },
                    *w,
                )
            })
            .collect();
        let row = TableRow::new(cells).cant_split();
        out.push(if i == 0 {
            row.row_height(HEADER_ROW)
        } else {
            row
        });
    }
    Table::new(out).set_grid(widths.to_vec())
}

/// Marks the header rows of `data_table`s as repeated on every page
/// (`<w:tblHeader/>`, which the writer cannot set) in a packed DOCX.
pub fn repeat_header_rows(docx: Vec<u8>) -> Result<Vec<u8>, AppError> {
    let fail = |e: &dyn std::fmt::Display| AppError::Internal(format!("docx: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).map_err(|e| fail(&e))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let marker = format!("<w:trHeight w:val=\"{HEADER_ROW}\"");
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| fail(&e))?;
        let name = file.name().map_err(|e| fail(&e))?.to_string();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| fail(&e))?;
        if name == "word/document.xml" {
            let xml = String::from_utf8(bytes).map_err(|e| fail(&e))?;
            bytes = xml
                .replace(&marker, &format!("<w:tblHeader />{marker}"))
                .into_bytes();
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file(name, options).map_err(|e| fail(&e))?;
        out.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    Ok(out.finish().map_err(|e| fail(&e))?.into_inner())
}
