//! The data elements and returns treem starts with: what the five
//! programmes of the plan (`data/plan_programmes.csv`) obviously need a
//! commune to count, with no targets (those come from each programme's own
//! document and are entered by administrators).

use super::{Comparison, DataElement, Frequency, ReturnForm, Rule, ValueKind};

/// (code, Vietnamese name, English name, kind, by sex, programme).
type ElementRow = (
    &'static str,
    &'static str,
    &'static str,
    ValueKind,
    bool,
    &'static str,
);

const ELEMENTS: [ElementRow; 14] = [
    (
        "INJ_ALL",
        "Số trẻ em bị tai nạn, thương tích",
        "Children injured",
        ValueKind::Whole,
        true,
        "CT2",
    ),
    (
        "INJ_DROWN",
        "Số trẻ em bị đuối nước",
        "Children who drowned (fatal or not)",
        ValueKind::Whole,
        true,
        "CT2",
    ),
    (
        "INJ_DROWN_DEATH",
        "Số trẻ em tử vong do đuối nước",
        "Children who died by drowning",
        ValueKind::Whole,
        true,
        "CT2",
    ),
    (
        "INJ_TRAFFIC",
        "Số trẻ em bị tai nạn giao thông",
        "Children injured in traffic",
        ValueKind::Whole,
        true,
        "CT2",
    ),
    (
        "INJ_DEATH",
        "Số trẻ em tử vong do tai nạn, thương tích",
        "Children who died of an injury",
        ValueKind::Whole,
        true,
        "CT2",
    ),
    (
        "U5_DEATH",
        "Số trẻ em dưới 5 tuổi tử vong",
        "Deaths of children under five",
        ValueKind::Whole,
        true,
        "CT3",
    ),
    (
        "U1_DEATH",
        "Số trẻ em dưới 1 tuổi tử vong",
        "Deaths of infants under one",
        ValueKind::Whole,
        true,
        "CT3",
    ),
    (
        "U5_DEATH_DISEASE",
        "Số trẻ em dưới 5 tuổi tử vong do bệnh tật",
        "Deaths of under-fives by disease",
        ValueKind::Whole,
        false,
        "CT3",
    ),
    (
        "LIVE_BIRTHS",
        "Số trẻ đẻ ra sống",
        "Live births",
        ValueKind::Whole,
        true,
        "CT3",
    ),
    (
        "LABOUR_FOUND",
        "Số trẻ em lao động trái quy định được phát hiện",
        "Children found in prohibited work",
        ValueKind::Whole,
        true,
        "CT4",
    ),
    (
        "LABOUR_HELPED",
        "Số trẻ em lao động trái quy định được hỗ trợ",
        "Children in prohibited work given support",
        ValueKind::Whole,
        true,
        "CT4",
    ),
    (
        "ORPHAN_ONE",
        "Số trẻ em mồ côi cha hoặc mẹ",
        "Children orphaned of one parent",
        ValueKind::Whole,
        true,
        "CT5",
    ),
    (
        "ORPHAN_BOTH",
        "Số trẻ em mồ côi cả cha và mẹ",
        "Children orphaned of both parents",
        ValueKind::Whole,
        true,
        "CT5",
    ),
    (
        "MENTAL_SUPPORT",
        "Số trẻ em được hỗ trợ, chăm sóc sức khỏe tâm thần",
        "Children given mental-health support",
        ValueKind::Whole,
        true,
        "CT5",
    ),
];

/// The seed's data elements.
pub fn elements() -> Vec<DataElement> {
    ELEMENTS
        .iter()
        .map(|(code, vi, en, kind, by_sex, programme)| DataElement {
            code: (*code).into(),
            name_vi: (*vi).into(),
            name_en: (*en).into(),
            kind: *kind,
            by_sex: *by_sex,
            programme: Some((*programme).into()),
        })
        .collect()
}

fn rule(left: &str, comparison: Comparison, right: &str) -> Rule {
    Rule {
        left: left.into(),
        comparison,
        right: right.into(),
    }
}

/// The seed's returns: one every six months (injuries, deaths, child
/// labour), one a year (orphans, mental health).
pub fn forms() -> Vec<ReturnForm> {
    use Comparison::AtMost;
    vec![
        ReturnForm {
            code: "BC_6THANG".into(),
            name_vi: "Báo cáo số liệu trẻ em 6 tháng".into(),
            name_en: "Six-monthly children's figures".into(),
            frequency: Frequency::SixMonthly,
            elements: [
                "INJ_ALL",
                "INJ_DROWN",
                "INJ_DROWN_DEATH",
                "INJ_TRAFFIC",
                "INJ_DEATH",
                "U5_DEATH",
                "U1_DEATH",
                "U5_DEATH_DISEASE",
                "LIVE_BIRTHS",
                "LABOUR_FOUND",
                "LABOUR_HELPED",
            ]
            .map(String::from)
            .to_vec(),
            rules: vec![
                rule("INJ_DROWN", AtMost, "INJ_ALL"),
                rule("INJ_TRAFFIC", AtMost, "INJ_ALL"),
                rule("INJ_DROWN_DEATH", AtMost, "INJ_DROWN"),
                rule("INJ_DROWN_DEATH", AtMost, "INJ_DEATH"),
                rule("U1_DEATH", AtMost, "U5_DEATH"),
                rule("U5_DEATH_DISEASE", AtMost, "U5_DEATH"),
                rule("LABOUR_HELPED", AtMost, "LABOUR_FOUND"),
            ],
        },
        ReturnForm {
            code: "BC_NAM".into(),
            name_vi: "Báo cáo số liệu trẻ em hằng năm".into(),
            name_en: "Yearly children's figures".into(),
            frequency: Frequency::Yearly,
            elements: ["ORPHAN_ONE", "ORPHAN_BOTH", "MENTAL_SUPPORT"]
                .map(String::from)
                .to_vec(),
            rules: Vec::new(),
        },
    ]
}
