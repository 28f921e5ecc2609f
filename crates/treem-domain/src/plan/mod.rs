//! Running the plan (module 7, `spec/plan.md`): plans of a unit, their
//! task groups and tasks, the agencies that lead and support them, and the
//! programmes that group tasks. This file holds the vocabulary; `seed`
//! reads the seed plan kept with treem.

pub mod demo;
pub mod document;
pub mod filing;
pub mod progress;
pub mod seed;
pub mod supervision;

use serde::Serialize;

/// How often a task is reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cadence {
    /// Once, by its due date.
    Once,
    /// Every half-year.
    SixMonthly,
    Yearly,
    /// Continuous work, reported every half-year.
    Ongoing,
}

impl Cadence {
    pub const ALL: [Cadence; 4] = [
        Cadence::Once,
        Cadence::SixMonthly,
        Cadence::Yearly,
        Cadence::Ongoing,
    ];

    /// The code used in files and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Cadence::Once => "once",
            Cadence::SixMonthly => "6-monthly",
            Cadence::Yearly => "yearly",
            Cadence::Ongoing => "ongoing",
        }
    }

    pub fn from_code(s: &str) -> Option<Cadence> {
        Cadence::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The locale key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Cadence::Once => "plan.cadence_once",
            Cadence::SixMonthly => "plan.cadence_6_monthly",
            Cadence::Yearly => "plan.cadence_yearly",
            Cadence::Ongoing => "plan.cadence_ongoing",
        }
    }
}

/// The task groups of the seed plan: section III.1–III.5, and section IV
/// ("Tổ chức thực hiện") as group 6.
pub const GROUPS: [(u8, &str, &str); 6] = [
    (
        1,
        "III.1",
        "Tăng cường sự lãnh đạo, chỉ đạo của cấp uỷ, chính quyền các cấp đối với công tác chăm sóc, giáo dục và bảo vệ trẻ em",
    ),
    (
        2,
        "III.2",
        "Hoàn thiện chính sách, pháp luật; tiêu chuẩn, quy trình tiếp cận dịch vụ xã hội cơ bản cho trẻ em phù hợp giai đoạn mới",
    ),
    (
        3,
        "III.3",
        "Nâng cao hiệu lực, hiệu quả công tác quản lý nhà nước về chăm sóc, giáo dục và bảo vệ trẻ em",
    ),
    (
        4,
        "III.4",
        "Nâng cao hiệu quả thực hiện các chính sách nuôi dưỡng, chăm sóc sức khoẻ, giáo dục và bảo vệ trẻ em",
    ),
    (
        5,
        "III.5",
        "Tăng cường vai trò của Mặt trận Tổ quốc, các đoàn thể chính trị - xã hội, cơ quan truyền thông trong chăm sóc, giáo dục và bảo vệ trẻ em",
    ),
    (6, "IV", "Tổ chức thực hiện"),
];

/// The agencies the seed plan names (`spec/plan.md`), by code.
pub const SEED_AGENCIES: [(&str, &str); 9] = [
    ("BTV", "Ban Thường vụ Huyện ủy"),
    ("BTG", "Ban Tuyên giáo Huyện ủy"),
    ("HDND", "Hội đồng nhân dân"),
    ("UBND", "Ủy ban nhân dân"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam"),
    (
        "DT",
        "Các đoàn thể chính trị - xã hội (Hội Liên hiệp Phụ nữ, Đoàn Thanh niên, Hội Nông dân, Hội Cựu chiến binh)",
    ),
    ("TTVH", "Trung tâm Văn hóa - Thể thao và Truyền thông"),
    ("CB", "Các chi, đảng bộ cơ sở"),
    ("DUX", "Đảng ủy các xã"),
];

/// The name of a seed agency code.
pub fn seed_agency_name(code: &str) -> Option<&'static str> {
    SEED_AGENCIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// The agencies of a commune (or ward) after the 2025 reform, under the
/// seed plan's codes, named for the commune: `unit_name` as the unit list
/// writes it ("Xã Bình Lư", "Phường Tân Phong").
pub fn commune_agencies(unit_name: &str) -> Vec<(String, String)> {
    let mut chars = unit_name.trim().chars();
    let of = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    [
        ("BTV", format!("Ban Thường vụ Đảng ủy {of}")),
        ("BTG", format!("Ban Xây dựng Đảng Đảng ủy {of}")),
        ("HDND", format!("Hội đồng nhân dân {of}")),
        ("UBND", format!("Ủy ban nhân dân {of}")),
        ("MTTQ", format!("Ủy ban Mặt trận Tổ quốc Việt Nam {of}")),
        (
            "DT",
            format!(
                "Các đoàn thể chính trị - xã hội {of} (Hội Liên hiệp Phụ nữ, Đoàn Thanh niên, Hội Nông dân, Hội Cựu chiến binh)"
            ),
        ),
        ("TTVH", format!("Trung tâm Dịch vụ tổng hợp {of}")),
        ("CB", format!("Các chi bộ trực thuộc Đảng ủy {of}")),
        ("DUX", format!("Đảng ủy {of}")),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_string(), n))
    .collect()
}

/// The agency that answers for a task whose lead is not assigned yet: the
/// People's Committee, which assigns it.
pub const DEFAULT_LEAD: &str = "UBND";
