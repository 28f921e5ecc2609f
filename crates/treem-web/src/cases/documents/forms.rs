//! Forms 01–04 and 06 of Decree 56/2017's appendix, filled from the case:
//! the report as received (01), the risk factors ticked as scored with the
//! overall level (02, 03, 06), the child's needs (03) and the plan as a
//! table (04). A field the case does not hold is left in dots to fill by
//! hand.

use treem_domain::cases::step_form::cell_vi;
use treem_domain::cases::{FORMS, Factor, Risk, Step, Vocabulary};
use treem_domain::clock::{document_date, vn_today};

use super::model::{Block, Document, Signature, Span, field, or_dots};
use crate::cases::view::View;
use crate::shell::docx_parts::place;

/// Form `n` (1–4 or 6; form 05 is a decision: `orders::approval`).
pub fn form(v: &View, n: u8) -> Document {
    let title = FORMS
        .iter()
        .find(|(k, _)| *k == n)
        .map_or("", |(_, t)| t)
        .to_uppercase();
    let day = if n == 1 {
        v.received_words.clone()
    } else {
        document_date(vn_today())
    };
    let mut blocks = vec![
        Block::Line(vec![
            Span::Plain("Số hồ sơ: ".into()),
            Span::Bold(v.number.clone()),
        ]),
        Block::Section("I. Thông tin về trẻ em".into()),
        Block::Line(vec![
            Span::Plain("Họ và tên: ".into()),
            Span::Bold(v.child_name.clone()),
            Span::Plain(format!(
                " · Mã trẻ: {} · Ngày sinh: {} · Giới tính: {}",
                v.child_code, v.child_born, v.child_sex
            )),
        ]),
        field("Nơi cư trú", &v.commune),
    ];
    blocks.extend(match n {
        1 => report(v),
        2 => initial(v),
        3 => detailed(v),
        4 => plan(v),
        _ => review(v),
    });
    let signer = |title: &str| Signature {
        title: title.into(),
        note: "(Ký, ghi rõ họ tên)",
    };
    let signatures = match n {
        1 => (None, signer("NGƯỜI TIẾP NHẬN THÔNG TIN")),
        4 => (
            Some(signer("NGƯỜI LẬP KẾ HOẠCH")),
            Signature {
                title: "CHỦ TỊCH ỦY BAN NHÂN DÂN".into(),
                note: "(Ký, ghi rõ họ tên, đóng dấu)",
            },
        ),
        _ => (
            Some(signer("NGƯỜI LẬP")),
            Signature {
                title: "XÁC NHẬN CỦA ỦY BAN NHÂN DÂN".into(),
                note: "(Ký, ghi rõ họ tên, đóng dấu)",
            },
        ),
    };
    Document {
        commune: v.commune.clone(),
        symbol: None,
        place_date: Some(format!("{}, {day}", place(&v.commune))),
        form_tag: Some(format!("Mẫu số {n:02} (Nghị định 56/2017/NĐ-CP)")),
        draft_note: None,
        title,
        subtitle: None,
        blocks,
        recipients: Vec::new(),
        signatures,
        stem: format!("mau-{n:02}-{}", v.number),
    }
}

/// Form 01: the report as it came in.
fn report(v: &View) -> Vec<Block> {
    let d = &v.details;
    let parent = |who: &str, p: &treem_domain::cases::report_form::Parent| {
        field(
            &format!("Họ tên {who}"),
            &format!(
                "{} · Tuổi: {} · Nghề nghiệp: {}",
                or_dots(&p.name),
                if p.age.is_empty() { "……" } else { &p.age },
                or_dots(&p.occupation)
            ),
        )
    };
    vec![
        Block::Section("II. Thông tin tiếp nhận".into()),
        field(
            "Thời điểm tiếp nhận",
            &format!("{} · Nguồn thông tin: {}", v.received, v.source),
        ),
        field("Hình thức xâm hại", &v.harms),
        field(
            "Quan hệ của người gây hại với trẻ",
            &if v.abuser.is_empty() {
                v.relation.to_string()
            } else {
                format!("{} · Người gây hại: {}", v.relation, v.abuser)
            },
        ),
        field("Hình thức tiếp nhận", v.channel),
        field("Nơi xảy ra sự việc", &d.place),
        field("Trẻ em hiện đang ở đâu", &d.child_now),
        Block::Line(vec![Span::Plain("Nội dung thông tin, thông báo:".into())]),
        Block::Prose(v.summary.clone()),
        field(
            "Hậu quả có thể xảy ra nếu trẻ em không được hỗ trợ",
            &d.consequence,
        ),
        Block::Section("III. Thông tin về gia đình của trẻ em".into()),
        parent("mẹ", &d.mother),
        parent("cha", &d.father),
        field("Hoàn cảnh gia đình", &d.family),
        field("Người đang trực tiếp chăm sóc trẻ em", &d.caregiver),
        Block::Section("IV. Các biện pháp đã thực hiện".into()),
        Block::Line(vec![Span::Plain(or_dots(&d.action_taken))]),
        Block::Section("V. Thông tin về người cung cấp thông tin, thông báo".into()),
        field(
            "Họ và tên",
            &format!(
                "{} · Số điện thoại: {}",
                or_dots(&d.informant_name),
                or_dots(&d.informant_phone)
            ),
        ),
        field("Địa chỉ", &d.informant_address),
    ]
}

/// The risk factors of the latest step of a kind, ticked, with the
/// overall level; left to tick by hand when it scored none.
fn factors(v: &View, step: Step) -> Block {
    let levels = [Risk::High, Risk::Medium, Risk::Low];
    let tick = |given: &str, r: Risk| if given == r.code() { "X" } else { "" }.to_string();
    let mut rows: Vec<Vec<String>> = Factor::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let given = v.level(step.code(), f.code());
            let mut row = vec![(i + 1).to_string(), f.vi().to_string()];
            row.extend(levels.iter().map(|r| tick(given, *r)));
            row
        })
        .collect();
    let overall = v.overall_of(step.code());
    let mut last = vec![String::new(), "Mức độ nguy cơ chung".to_string()];
    last.extend(levels.iter().map(|r| tick(overall, *r)));
    rows.push(last);
    Block::Table {
        header: vec!["TT", "Yếu tố đánh giá", "Cao", "Trung bình", "Thấp"],
        widths: vec![7, 51, 14, 14, 14],
        rows,
        centred: vec![0, 2, 3, 4],
    }
}

/// The notes of the latest step of a kind, under their heading.
fn notes(v: &View, heading: &str, step: Step) -> [Block; 2] {
    [
        Block::Line(vec![Span::Plain(format!("{heading}:"))]),
        Block::Prose(v.notes_of(step.code())),
    ]
}

/// Form 02: the initial assessment.
fn initial(v: &View) -> Vec<Block> {
    let step = Step::InitialAssessment;
    let mut out = vec![
        Block::Section("II. Đánh giá nguy cơ ban đầu".into()),
        field("Thời điểm đánh giá", &v.at_of(step.code())),
        factors(v, step),
        // The level as this assessment found it, not the case's today.
        Block::Line(vec![
            Span::Plain("Mức độ nguy cơ: ".into()),
            Span::Bold(or_dots(v.last(step.code()).map_or("", |s| s.risk))),
        ]),
    ];
    out.extend(notes(v, "Nhận xét, ghi chú", step));
    // The emergency measures, when the risk called for them or they were
    // taken.
    let taken = v.last(Step::EmergencyMeasures.code()).is_some();
    if v.emergency_by.is_some() || taken {
        out.push(Block::Line(vec![
            Span::Plain("Biện pháp khẩn cấp phải áp dụng trước: ".into()),
            Span::Bold(or_dots(v.emergency_by.as_deref().unwrap_or(""))),
            Span::Plain(format!(
                "; đã áp dụng: {}",
                or_dots(&v.at_of(Step::EmergencyMeasures.code()))
            )),
        ]));
        out.push(Block::Prose(v.notes_of(Step::EmergencyMeasures.code())));
    }
    out
}

/// Form 03: the detailed assessment of the child's situation and needs.
fn detailed(v: &View) -> Vec<Block> {
    let step = Step::DetailedAssessment;
    let needs = v.needs();
    let mut out = vec![
        Block::Section("II. Đánh giá tình trạng, nhu cầu của trẻ em".into()),
        field("Thời điểm đánh giá", &v.at_of(step.code())),
        factors(v, step),
        Block::Section("III. Nhu cầu của trẻ em".into()),
        if needs.is_empty() {
            Block::Line(vec![Span::Plain(or_dots(""))])
        } else {
            Block::Numbered(needs)
        },
    ];
    out.extend(notes(v, "Nhận xét, ghi chú", step));
    out
}

/// Form 04: the plan as a table (five lines to write in when none was
/// recorded).
fn plan(v: &View) -> Vec<Block> {
    let lines = v.plan_rows();
    let rows: Vec<Vec<String>> = if lines.is_empty() {
        (1..=5)
            .map(|i| {
                let mut r = vec![i.to_string()];
                r.extend(std::iter::repeat_n(String::new(), 5));
                r
            })
            .collect()
    } else {
        lines
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    (i + 1).to_string(),
                    r.need.clone(),
                    r.activity.clone(),
                    r.who.clone(),
                    r.when.clone(),
                    r.resources.clone(),
                ]
            })
            .collect()
    };
    let mut out = vec![
        Block::Section("II. Kế hoạch hỗ trợ, can thiệp".into()),
        field(
            "Thời hạn xây dựng kế hoạch",
            &format!("{} · Ngày xây dựng: {}", v.plan_by, or_dots(&v.plan_at())),
        ),
        Block::Table {
            header: vec![
                "TT",
                cell_vi("need"),
                cell_vi("activity"),
                cell_vi("who"),
                cell_vi("when"),
                cell_vi("resources"),
            ],
            widths: vec![6, 20, 26, 18, 15, 15],
            rows,
            centred: vec![0],
        },
        Block::Line(vec![Span::Plain("Nhận xét, ghi chú:".into())]),
        Block::Prose(v.plan_notes()),
    ];
    if v.meeting().is_some() {
        out.push(Block::Line(vec![Span::Plain(format!(
            "Kế hoạch được thống nhất tại cuộc họp ngày {} (biên bản kèm theo).",
            v.meeting_day()
        ))]));
    }
    let approved = v.at_of(Step::PlanApproved.code());
    out.push(field(
        "Phê duyệt",
        &if v.approver.is_empty() {
            approved
        } else {
            format!("{approved} — {}", v.approver)
        },
    ));
    out
}

/// Form 06: the review of the plan.
fn review(v: &View) -> Vec<Block> {
    let step = Step::Review;
    let mut out = vec![
        Block::Section("II. Kết quả theo dõi, đánh giá".into()),
        field(
            "Thời điểm đánh giá",
            &format!(
                "{} · Bước hiện tại: {}",
                or_dots(&v.at_of(step.code())),
                v.step
            ),
        ),
        factors(v, step),
    ];
    out.extend(notes(v, "Kết quả thực hiện kế hoạch, nhận xét", step));
    out
}
