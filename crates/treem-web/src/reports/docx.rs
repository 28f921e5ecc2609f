//! The periodic report as a DOCX in the administrative format of Decree
//! 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, Times New Roman 14, the
//! issuing body and the national heading side by side, the place and date,
//! the title, the body, the recipients and the signature block. The report
//! is Vietnamese whatever the language of the command or the page: it is an
//! official document.

use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use docx_rs::{Docx, Paragraph, Table};
use treem_domain::i18n::Lang;
use treem_domain::indicators::{name_vi_on, shown};
use treem_domain::report_sections::{RESULTS, SECTIONS};

use super::facts::Facts;
use treem_domain::returns::programme::{amount, shown_value};
use treem_domain::units::{Level, UnitHistory};

use super::issuer::{Issuer, issuer};
use crate::AppError;
use crate::indicators::figures::{Figure, Report, UnitReport, status_key};
use crate::shell::docx_parts::{
    TEXT_WIDTH, body, body_runs, centred, closing, data_table, heading, in_sentence,
    national_heading, new_document, page_numbers, repeat_header_rows, rule, run,
};

/// How many units a finding names before it counts the rest.
const NAMED: usize = 10;

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

/// The comparison as printed: ≥, ≤, <, >.
fn symbol(comparison: &str) -> &str {
    match comparison {
        ">=" => "≥",
        "<=" => "≤",
        other => other,
    }
}

fn value_of(f: &Figure) -> String {
    f.value
        .map(|v| format!("{}%", shown(v)))
        .unwrap_or_else(|| "—".into())
}

/// The target as the report words it: a milestone of a later year says
/// so ("mục tiêu năm 2030") — the verdict stays the one `indicators.md`
/// defines.
fn target_of(f: &Figure, year: i32) -> String {
    let later = f
        .target_year
        .filter(|y| *y > year)
        .map(|y| format!(" (mục tiêu năm {y})"))
        .unwrap_or_default();
    f.target
        .map(|t| format!("{} {}%{later}", symbol(f.comparison), shown(t)))
        .unwrap_or_else(|| "—".into())
}

/// The columns of a table of figures: number, name, result, fraction,
/// target, verdict (twips; the name takes what is left).
const WIDTHS: [usize; 6] = [
    700,
    TEXT_WIDTH - 700 - 1150 - 1750 - 1300 - 1300,
    1150,
    1750,
    1300,
    1300,
];

/// The header row of a table of figures, its second column named `what`.
fn header_row(what: &str) -> Vec<String> {
    [
        "TT",
        what,
        "Kết quả",
        "Tử số / mẫu số",
        "Mục tiêu",
        "Đánh giá",
    ]
    .map(String::from)
    .to_vec()
}

/// The root unit's fourteen indicators.
fn indicator_table(root: &UnitReport, on: NaiveDate) -> Table {
    let mut rows = vec![header_row("Chỉ tiêu")];
    for (i, (key, f)) in root.indicators.iter().enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            name_vi_on(key, on).to_string(),
            value_of(f),
            format!("{}/{}", f.numerator, f.denominator),
            target_of(f, on.year()),
            status_vi(f.status).to_string(),
        ]);
    }
    data_table(&WIDTHS, rows)
}

/// The root unit's programme indicators (defined as data), when any.
fn programme_table(rep: &Report, root: &UnitReport) -> Option<Table> {
    if root.programme.is_empty() {
        return None;
    }
    let mut rows = vec![header_row("Chỉ số")];
    for (i, ((_, f), def)) in root.programme.iter().zip(&rep.programme).enumerate() {
        let sums = match f.denominator {
            Some(d) => format!("{}/{}", amount(f.numerator.0), amount(d.0)),
            None => amount(f.numerator.0),
        };
        rows.push(vec![
            (i + 1).to_string(),
            format!("{} ({})", def.name_vi, def.programme),
            f.value.map_or_else(|| "—".into(), |v| shown_value(def, v)),
            sums,
            f.target.map_or_else(
                || "—".into(),
                |t| format!("{} {}", symbol(f.comparison), shown_value(def, t)),
            ),
            Lang::Vi
                .t(crate::indicators::programme::status_key(f.status))
                .to_string(),
        ]);
    }
    Some(data_table(&WIDTHS, rows))
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
        out.push(body_runs(vec![
            run(&format!(
                "- {}: ",
                name_vi_on(key, rep.period.reference_date())
            ))
            .italic(),
            run(&format!(
                "{} xã chưa đạt: {}{more}.",
                below.len(),
                named.join(", ")
            )),
        ]));
    }
    if out.is_empty() {
        out.push(body(
            "Không có xã nào chưa đạt mục tiêu ở các chỉ tiêu có số liệu.",
        ));
    }
    out
}

/// What a report document is made of: the figures, its own unit, who
/// issues it and when, whether an annex goes with it, who signs it.
pub struct ReportDoc<'a> {
    pub rep: &'a Report,
    pub root: &'a UnitReport,
    pub issuer: Issuer,
    pub today: NaiveDate,
    pub with_annex: bool,
    pub signer: Option<String>,
    /// The sections the unit's officers wrote (section, text).
    pub drafts: Vec<(String, String)>,
    /// What the records say for the report (`facts.rs`): its legal basis,
    /// and the text of a section nobody wrote.
    pub facts: Facts,
    /// The gaps between groups of children (`gap_lines.rs`).
    pub gaps: Vec<String>,
    /// The communes under the root valid on the reference date, and how
    /// many of them hold records (a report built from part of them says so).
    pub communes: (usize, usize),
}

impl<'a> ReportDoc<'a> {
    /// The document of `root`'s figures, issued on `today`.
    pub fn new(
        rep: &'a Report,
        root: &'a UnitReport,
        history: &UnitHistory,
        today: NaiveDate,
    ) -> Self {
        let unit = &history.all()[root.unit];
        let reference = rep.period.reference_date();
        let all = history
            .valid_on(reference)
            .into_iter()
            .filter(|u| u.level == Level::Commune && history.is_within(u, unit))
            .count();
        let with_records = rep
            .units
            .iter()
            .filter(|u| u.level == "commune" && history.is_within(&history.all()[u.unit], unit))
            .count();
        ReportDoc {
            rep,
            root,
            issuer: issuer(history, unit, reference, today),
            today,
            with_annex: false,
            signer: None,
            drafts: Vec::new(),
            facts: Facts::default(),
            gaps: Vec::new(),
            communes: (with_records, all),
        }
    }
}

/// The opening paragraph: who reports what, about which territory, from
/// which records.
fn opening(d: &ReportDoc<'_>) -> Paragraph {
    let reference = d.rep.period.reference_date().format("%d/%m/%Y");
    let territory = match &d.issuer.former {
        None => String::new(),
        Some(former) if d.issuer.former_communes.is_empty() => format!(" trên địa bàn {former}"),
        Some(former) => format!(
            " trên địa bàn {former}, gồm {} xã, thị trấn: {}",
            d.issuer.former_communes.len(),
            d.issuer.former_communes.join(", ")
        ),
    };
    let (with_records, all) = d.communes;
    let coverage = if d.root.level == "commune" {
        String::new()
    } else if with_records < all {
        format!(
            " Số liệu được tổng hợp từ {with_records}/{all} xã, phường, thị trấn có hồ sơ \
             trẻ em; {} xã, phường, thị trấn chưa có số liệu.",
            all - with_records
        )
    } else {
        format!(" Số liệu được tổng hợp từ {all} xã, phường, thị trấn.")
    };
    let whose = if d.root.level == "commune" {
        "của xã"
    } else {
        "cập nhật của các xã"
    };
    body(&format!(
        "Ủy ban nhân dân {} báo cáo kết quả thực hiện các chỉ tiêu của Kế hoạch \
         chăm sóc, giáo dục và bảo vệ trẻ em {}{territory}. Số liệu tính đến ngày \
         {reference}, từ hồ sơ trẻ em và số liệu {whose}.{coverage}",
        in_sentence(&d.issuer.name),
        period_words(d.rep),
    ))
}

/// A unit's saved sections for the report's period, by the unit's stored
/// id (`None`: the unit is not stored, nothing written).
pub async fn drafts_of(
    store: &dyn treem_store::Store,
    unit_id: Option<i64>,
    period: treem_domain::indicators::Period,
) -> Result<Vec<(String, String)>, AppError> {
    let Some(id) = unit_id else {
        return Ok(Vec::new());
    };
    let code = crate::indicators::programme::period_code(period);
    Ok(store
        .report_draft(id, &code)
        .await?
        .into_iter()
        .map(|s| (s.section, s.body))
        .collect())
}

/// The report as the bytes of a DOCX file.
pub fn document(d: &ReportDoc<'_>) -> Result<Vec<u8>, AppError> {
    let rep = d.rep;
    let mut doc = new_document();
    doc = page_numbers(doc)
        .add_table(national_heading(&d.issuer.name, "BC-UBND", d.today))
        .add_paragraph(Paragraph::new())
        .add_paragraph(centred(run("BÁO CÁO").bold()))
        .add_paragraph(centred(
            run(&format!(
                "Kết quả thực hiện Kế hoạch chăm sóc, giáo dục và bảo vệ trẻ em {}",
                period_words(rep)
            ))
            .bold(),
        ))
        .add_paragraph(rule(TEXT_WIDTH, TEXT_WIDTH / 3));
    // The legal basis, from the unit's plan (data, not code).
    let basis = &d.facts.basis;
    for (i, line) in basis.iter().enumerate() {
        let end = if i + 1 == basis.len() { "," } else { ";" };
        doc = doc.add_paragraph(body(&format!("Căn cứ {line}{end}")));
    }
    doc = doc.add_paragraph(opening(d));
    // The sections of a real report, in order: each as its officers wrote
    // it, else as the records say it; section III from the figures. A
    // section with nothing to say is left out and the rest renumbered.
    let mut n = 0;
    for (key, title) in SECTIONS {
        let heading_of = |n: usize| {
            let words = title.split_once(". ").map_or(title, |(_, w)| w);
            heading(&format!("{}. {}", roman(n), words.to_uppercase()))
        };
        if key == RESULTS {
            n += 1;
            doc = results(doc.add_paragraph(heading_of(n)), d, &|n, t| {
                if n == 1 {
                    "1. Các chỉ tiêu của Kế hoạch".to_string()
                } else {
                    format!("{n}. {t}")
                }
            });
            continue;
        }
        let written = d
            .drafts
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.as_str())
            .filter(|t| !t.trim().is_empty());
        let text = written.unwrap_or_else(|| d.facts.of(key));
        if text.trim().is_empty() {
            continue;
        }
        n += 1;
        doc = doc.add_paragraph(heading_of(n));
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            doc = doc.add_paragraph(body(line));
        }
    }
    if d.with_annex {
        doc = doc.add_paragraph(body(
            "Số liệu của từng chỉ tiêu theo từng đơn vị (tử số, mẫu số, tỷ lệ, mục tiêu): \
             xem Phụ lục (tệp Excel kèm theo).",
        ));
    }
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(closing(&d.issuer.recipients(), d.signer.as_deref()));
    let mut bytes = Cursor::new(Vec::new());
    doc.pack(&mut bytes)
        .map_err(|e| AppError::Internal(format!("docx: {e}")))?;
    repeat_header_rows(bytes.into_inner())
}

/// The figures: the fourteen against their targets, the programme
/// indicators, the communes below target — each part headed as `title`
/// numbers it (a section of its own, or a part of section III).
fn results(mut doc: Docx, d: &ReportDoc<'_>, title: &dyn Fn(usize, &str) -> String) -> Docx {
    let (rep, root) = (d.rep, d.root);
    let (met, with_data) = root.tally();
    let missing = root.indicators.len() - with_data;
    doc = doc
        .add_paragraph(heading(&title(1, "Kết quả thực hiện các chỉ tiêu")))
        .add_paragraph(body(&format!(
            "Đạt {met}/{with_data} chỉ tiêu có số liệu; {missing} chỉ tiêu chưa có số liệu."
        )))
        .add_table(indicator_table(root, rep.period.reference_date()));
    let mut part = 2;
    if let Some(table) = programme_table(rep, root) {
        doc = doc
            .add_paragraph(Paragraph::new())
            .add_paragraph(heading(&title(part, "Chỉ số của các chương trình")))
            .add_paragraph(body(
                "Tính từ báo cáo số liệu đã gửi hoặc đã được duyệt của các xã và từ hồ sơ trẻ em.",
            ))
            .add_table(table);
        part += 1;
    }
    if !d.gaps.is_empty() {
        doc = doc
            .add_paragraph(Paragraph::new())
            .add_paragraph(heading(&title(part, "Chênh lệch giữa các nhóm trẻ em")))
            .add_paragraph(body(
                "Nhóm có kết quả tốt nhất và kém nhất trong các nhóm có từ 10 trẻ em trở lên:",
            ));
        for line in &d.gaps {
            doc = doc.add_paragraph(body(line));
        }
        part += 1;
    }
    // A commune's own report has no communes under it to name.
    if root.level != "commune" {
        doc = doc
            .add_paragraph(Paragraph::new())
            .add_paragraph(heading(&title(part, "Các xã chưa đạt mục tiêu")));
        for p in findings(rep, root) {
            doc = doc.add_paragraph(p);
        }
    }
    doc
}

/// A section's number: I, II, III…
fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("")
}
