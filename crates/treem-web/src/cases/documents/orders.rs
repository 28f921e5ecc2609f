//! The documents the commune chair signs or the meeting records, in the
//! layout of Decree 30/2020: the decision approving the plan (form 05, art.
//! 28), the decision on emergency measures, the decision closing the case
//! (art. 30) — each a draft with its number and date left to fill — and
//! the minutes of the needs meeting (art. 27).

use treem_domain::cases::Step;
use treem_domain::cases::Vocabulary;
use treem_domain::cases::decisions::DECISIONS;
use treem_domain::cases::step_form::lines;

use super::model::{Block, Document, Signature, Span};
use crate::cases::view::View;

const UNDATED: &str = "……………, ngày …… tháng …… năm ……";
const BASIS: [&str; 2] = [
    "Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016;",
    "Căn cứ Nghị định số 56/2017/NĐ-CP ngày 09 tháng 5 năm 2017 của Chính phủ quy định chi tiết Luật Trẻ em;",
];
const IN_FORCE: &str = "Quyết định này có hiệu lực kể từ ngày ký. Công chức được giao quản lý trường hợp, các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.";

fn article(n: u8, text: String) -> Block {
    Block::Body(vec![
        Span::Bold(format!("Điều {n}.")),
        Span::Plain(format!(" {text}")),
    ])
}

fn italic(text: String) -> Block {
    Block::Body(vec![Span::Italic(text)])
}

/// The child as a decision names her.
fn child(v: &View) -> String {
    format!(
        "trẻ em {}, sinh ngày {}, mã trẻ {}, cư trú tại {}",
        v.child_name, v.child_born, v.child_code, v.commune
    )
}

/// A decision of the chair: the basis, the proposal it answers, its
/// articles, «Nơi nhận» and the chair's signature.
fn decision_of(
    v: &View,
    subject: &str,
    proposal: String,
    articles: Vec<Block>,
    stem: &str,
) -> Document {
    let mut blocks = vec![Block::Center(vec![Span::Bold(format!(
        "CHỦ TỊCH ỦY BAN NHÂN DÂN {}",
        v.commune.to_uppercase()
    ))])];
    blocks.extend(BASIS.iter().map(|b| italic(b.to_string())));
    blocks.push(italic(proposal));
    blocks.push(Block::Center(vec![Span::Bold("QUYẾT ĐỊNH:".into())]));
    blocks.extend(articles);
    Document {
        commune: v.commune.clone(),
        symbol: Some("QĐ-UBND"),
        place_date: Some(UNDATED.into()),
        form_tag: None,
        draft_note: Some("Dự thảo để Chủ tịch Ủy ban nhân dân xã ký"),
        title: "QUYẾT ĐỊNH".into(),
        subtitle: Some(subject.into()),
        blocks,
        recipients: vec!["Như Điều 3;", "Lưu: VT, hồ sơ trường hợp."],
        signatures: (
            None,
            Signature {
                title: "CHỦ TỊCH".into(),
                note: "(Ký, ghi rõ họ tên, đóng dấu)",
            },
        ),
        stem: format!("{stem}-{}", v.number),
    }
}

/// Form 05: the draft decision approving the plan in force.
pub fn approval(v: &View) -> Document {
    let mut d = decision_of(
        v,
        "Về việc phê duyệt kế hoạch hỗ trợ, can thiệp đối với trẻ em",
        format!(
            "Xét đề nghị của công chức được giao quản lý trường hợp tại kế hoạch hỗ trợ, can thiệp lập ngày {}.",
            v.plan_day()
        ),
        vec![
            article(
                1,
                format!(
                    "Phê duyệt Kế hoạch hỗ trợ, can thiệp đối với {} (hồ sơ trường hợp số {}), kèm theo Quyết định này.",
                    child(v),
                    v.number
                ),
            ),
            article(
                2,
                "Giao công chức được giao quản lý trường hợp chủ trì, phối hợp với các cơ quan, tổ chức, cá nhân có liên quan tổ chức thực hiện Kế hoạch; theo dõi, đánh giá việc thực hiện và báo cáo kết quả theo quy định.".into(),
            ),
            article(3, IN_FORCE.into()),
        ],
        "mau-05",
    );
    // Issued, the decision carries no form number: it says so on screen.
    d.draft_note =
        Some("Mẫu số 05 (Nghị định 56/2017/NĐ-CP) — dự thảo để Chủ tịch Ủy ban nhân dân xã ký");
    d
}

/// The chair's decision `kind` (`emergency`, `closing`) once the case has
/// taken the step it follows.
pub fn decision(v: &View, kind: &str) -> Option<Document> {
    let (_, step, _) = DECISIONS.iter().find(|(k, ..)| *k == kind)?;
    let code = step.code();
    v.last(code)?;
    let day = v.day_of(code);
    let notes = v.notes_of(code);
    Some(if *step == Step::EmergencyMeasures {
        decision_of(
            v,
            "Về việc áp dụng biện pháp khẩn cấp bảo vệ trẻ em",
            format!(
                "Xét đề nghị của công chức được giao quản lý trường hợp ngày {day} về việc áp dụng biện pháp khẩn cấp đối với trẻ em có nguy cơ bị tổn hại,"
            ),
            vec![
                article(
                    1,
                    format!(
                        "Áp dụng biện pháp khẩn cấp bảo vệ {} (hồ sơ trường hợp số {}), gồm:",
                        child(v),
                        v.number
                    ),
                ),
                Block::Prose(notes),
                Block::Body(vec![Span::Plain(format!(
                    "Thời hạn áp dụng: từ ngày {day} đến khi trẻ em được bảo đảm an toàn theo kế hoạch hỗ trợ, can thiệp."
                ))]),
                article(
                    2,
                    "Giao công chức được giao quản lý trường hợp chủ trì, phối hợp với Công an xã và các cơ quan, tổ chức, cá nhân có liên quan thực hiện ngay các biện pháp tại Điều 1; theo dõi, bảo đảm an toàn cho trẻ em và báo cáo Chủ tịch Ủy ban nhân dân xã.".into(),
                ),
                article(3, IN_FORCE.into()),
            ],
            "quyet-dinh-bien-phap-khan-cap",
        )
    } else {
        decision_of(
            v,
            "Về việc đóng hồ sơ trường hợp trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại",
            format!(
                "Xét đề nghị đóng hồ sơ của công chức được giao quản lý trường hợp ngày {day},"
            ),
            vec![
                article(
                    1,
                    format!(
                        "Đóng hồ sơ trường hợp số {} của {}.",
                        v.number,
                        child(v)
                    ),
                ),
                Block::Body(vec![Span::Plain(format!("Lý do: {notes}"))]),
                article(
                    2,
                    "Công chức được giao quản lý trường hợp lưu trữ hồ sơ theo quy định; tiếp tục theo dõi và báo cáo khi phát sinh nguy cơ đối với trẻ em.".into(),
                ),
                article(3, IN_FORCE.into()),
            ],
            "quyet-dinh-dong-ho-so",
        )
    })
}

/// The minutes of the latest needs meeting, if one was recorded.
pub fn minutes(v: &View) -> Option<Document> {
    let m = v.latest_meeting()?;
    let day = m
        .day()
        .map(treem_domain::clock::document_date)
        .unwrap_or_default();
    let place = if m.place.is_empty() {
        String::new()
    } else {
        format!(" Địa điểm: {}.", m.place)
    };
    let said = |label: &str, text: &str| {
        [
            Block::Body(vec![Span::Bold(label.to_string())]),
            Block::Body(vec![Span::Plain(if text.is_empty() {
                "……………………………………………………".to_string()
            } else {
                text.to_string()
            })]),
        ]
    };
    let mut blocks = vec![
        Block::Body(vec![Span::Plain(format!("Thời gian: {day}.{place}"))]),
        Block::Body(vec![Span::Plain(format!(
            "Trường hợp: {} (hồ sơ trường hợp số {}).",
            child(v),
            v.number
        ))]),
        Block::Section("I. Thành phần tham dự".into()),
        Block::Numbered(
            lines(&m.participants)
                .into_iter()
                .map(String::from)
                .collect(),
        ),
        Block::Section("II. Nội dung".into()),
    ];
    blocks.extend(said("1. Ý kiến của trẻ em:", &m.child_views));
    blocks.extend(said(
        "2. Ý kiến của cha mẹ, người chăm sóc trẻ em:",
        &m.family_views,
    ));
    blocks.extend(said("3. Kết luận:", &m.conclusions));
    blocks.push(Block::Body(vec![Span::Plain(
        "Kế hoạch hỗ trợ, can thiệp (Mẫu số 04) được xây dựng theo kết luận của cuộc họp. Biên bản đã được đọc lại cho những người tham dự cùng nghe và thống nhất."
            .into(),
    )]));
    let sign = |title: &str| Signature {
        title: title.into(),
        note: "(Ký, ghi rõ họ tên)",
    };
    Some(Document {
        commune: v.commune.clone(),
        symbol: None,
        place_date: None,
        form_tag: None,
        draft_note: None,
        title: "BIÊN BẢN HỌP".into(),
        subtitle: Some(
            "Về việc đánh giá nhu cầu và xây dựng kế hoạch hỗ trợ, can thiệp đối với trẻ em".into(),
        ),
        blocks,
        recipients: Vec::new(),
        signatures: (Some(sign("THƯ KÝ")), sign("CHỦ TRÌ")),
        stem: format!("bien-ban-hop-{}", v.number),
    })
}
