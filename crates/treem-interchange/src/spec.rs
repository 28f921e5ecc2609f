//! The files of interchange format v1 and their columns
//! (shared/spec/interchange.md), with the Vietnamese header each column
//! also answers to.

use treem_domain::text::fold;

/// One column of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub vi: &'static str,
    pub required: bool,
    /// Free text that may start with a formula sign (escaped on export).
    pub text: bool,
}

const fn col(name: &'static str, vi: &'static str, required: bool) -> Column {
    Column {
        name,
        vi,
        required,
        text: false,
    }
}

const fn text(name: &'static str, vi: &'static str, required: bool) -> Column {
    Column {
        name,
        vi,
        required,
        text: true,
    }
}

const MANIFEST: &[Column] = &[
    col("as_of", "Ngày số liệu", false),
    text("source", "Nguồn", false),
];

const CHILDREN: &[Column] = &[
    text("child_id", "Mã trẻ", true),
    text("national_id", "Số định danh cá nhân", false),
    text("full_name", "Họ và tên", true),
    col("sex", "Giới tính", true),
    col("date_of_birth", "Ngày sinh", true),
    text("ethnicity", "Dân tộc", false),
    text("commune_code", "Mã xã", true),
    text("village", "Thôn, bản", false),
    col("birth_registered", "Đã đăng ký khai sinh", false),
    col("birth_registration_date", "Ngày đăng ký khai sinh", false),
    text("mother_name", "Họ tên mẹ", false),
    text("father_name", "Họ tên cha", false),
    text("caregiver_name", "Người chăm sóc", false),
    text("caregiver_phone", "Số điện thoại", false),
    col("household_poverty", "Hộ nghèo/cận nghèo", false),
    text("special_circumstances", "Hoàn cảnh đặc biệt", false),
    col("status", "Tình trạng", false),
    col("status_date", "Ngày thay đổi", false),
];

const MEASUREMENTS: &[Column] = &[
    text("child_id", "Mã trẻ", true),
    col("measured_on", "Ngày cân đo", true),
    col("weight_kg", "Cân nặng (kg)", false),
    col("height_cm", "Chiều cao (cm)", false),
    col("position", "Tư thế đo", false),
    col("oedema", "Phù", false),
];

const ENROLMENTS: &[Column] = &[
    text("child_id", "Mã trẻ", true),
    col("school_year", "Năm học", true),
    text("school_code", "Mã trường", true),
    col("level", "Cấp học", true),
    col("grade", "Lớp", false),
    col("status", "Kết quả", true),
];

const SCHOOLS: &[Column] = &[
    text("school_code", "Mã trường", true),
    text("name", "Tên trường", true),
    col("level", "Cấp học", true),
    text("commune_code", "Mã xã", true),
    col("year", "Năm", true),
    col("sanitation_standard", "Công trình vệ sinh đạt chuẩn", true),
    col("psych_support", "Có dịch vụ hỗ trợ tâm lý", true),
];

const COMMUNE_ASSESSMENTS: &[Column] = &[
    text("commune_code", "Mã xã", true),
    col("year", "Năm", true),
    col("child_friendly", "Đạt tiêu chuẩn phù hợp với trẻ em", true),
    col("play_spot", "Có điểm vui chơi cho trẻ em", true),
];

const DISASTERS: &[Column] = &[
    text("event_id", "Mã sự kiện", true),
    text("commune_code", "Mã xã", true),
    col("occurred_on", "Ngày xảy ra", true),
    text("kind", "Loại thiên tai", true),
    col("children_affected", "Số trẻ em bị ảnh hưởng", true),
    col(
        "children_supported_timely",
        "Số trẻ em được hỗ trợ kịp thời",
        true,
    ),
];

const PARTICIPATION: &[Column] = &[
    text("child_id", "Mã trẻ", true),
    col("date", "Ngày", true),
    col("kind", "Hình thức", true),
    text("note", "Ghi chú", false),
];

const CASES: &[Column] = &[
    text("case_id", "Mã vụ việc", true),
    text("child_id", "Mã trẻ", true),
    col("reported_on", "Ngày tiếp nhận", true),
    col("harm_type", "Hình thức xâm hại", true),
    col("intervention_started_on", "Ngày bắt đầu can thiệp", false),
    col("closed_on", "Ngày đóng hồ sơ", false),
];

const AGENCIES: &[Column] = &[
    text("unit_code", "Mã đơn vị", true),
    text("code", "Mã cơ quan", true),
    text("name", "Tên cơ quan", true),
];

const PLAN_TASKS: &[Column] = &[
    text("unit_code", "Mã đơn vị", true),
    text("plan", "Kế hoạch", true),
    text("plan_number", "Số kế hoạch", false),
    col("plan_issued_on", "Ngày ban hành", false),
    text("plan_basis", "Căn cứ", false),
    text("issued_by", "Cơ quan ban hành", false),
    col("from_year", "Từ năm", false),
    col("to_year", "Đến năm", false),
    text("code", "Mã nhiệm vụ", true),
    col("group", "Nhóm nhiệm vụ", true),
    text("section", "Mục", false),
    text("title", "Nội dung nhiệm vụ", true),
    text("lead", "Cơ quan chủ trì", false),
    text("partners", "Cơ quan phối hợp", false),
    col("cadence", "Tần suất", true),
    col("due", "Hạn hoàn thành", false),
    text("programme", "Chương trình", false),
    text("indicators", "Chỉ tiêu liên quan", false),
];

const PROGRESS: &[Column] = &[
    text("unit_code", "Mã đơn vị", true),
    text("plan", "Kế hoạch", true),
    text("task_code", "Mã nhiệm vụ", true),
    text("agency", "Cơ quan báo cáo", true),
    col("period", "Kỳ báo cáo", true),
    col("status", "Tình trạng", true),
    text("summary", "Kết quả thực hiện", false),
    col("sessions", "Số buổi", false),
    col("people_reached", "Số người được tiếp cận", false),
    col("budget_spent", "Kinh phí (đồng)", false),
    text("problems", "Khó khăn, vướng mắc", false),
    text("proposals", "Đề xuất, kiến nghị", false),
];

const SUPERVISIONS: &[Column] = &[
    text("unit_code", "Mã đơn vị", true),
    text("plan", "Kế hoạch", true),
    text("supervision_id", "Mã đợt giám sát", true),
    col("kind", "Loại giám sát", true),
    text("body", "Cơ quan giám sát", true),
    col("held_on", "Ngày giám sát", true),
    text("visited", "Nơi đến giám sát", false),
    text("findings", "Kết quả giám sát", true),
];

const RECOMMENDATIONS: &[Column] = &[
    text("unit_code", "Mã đơn vị", true),
    text("plan", "Kế hoạch", true),
    text("supervision_id", "Mã đợt giám sát", true),
    col("no", "STT", true),
    text("text", "Nội dung kiến nghị", true),
    text("owner", "Cơ quan thực hiện", true),
    col("due", "Hạn thực hiện", true),
    col("closed_on", "Ngày hoàn thành", false),
    text("closed_note", "Kết quả thực hiện", false),
];

const RETURNS: &[Column] = &[
    text("unit_code", "Mã xã", true),
    col("period", "Kỳ báo cáo", true),
    text("element", "Mã số liệu", true),
    col("sex", "Giới tính", false),
    col("value", "Giá trị", true),
];

/// The files of a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum File {
    Manifest,
    Children,
    Measurements,
    Enrolments,
    Schools,
    CommuneAssessments,
    Disasters,
    Participation,
    Cases,
    Agencies,
    PlanTasks,
    Progress,
    Supervisions,
    Recommendations,
    Returns,
}

impl File {
    /// Every file, in the order an import reads them (a file is read after
    /// the files its rows refer to).
    pub const ALL: [File; 9] = [
        File::Manifest,
        File::Children,
        File::Schools,
        File::Measurements,
        File::Enrolments,
        File::CommuneAssessments,
        File::Disasters,
        File::Participation,
        File::Cases,
    ];

    /// The plan's files (module 7, docs/plan-files.md), in the order an
    /// import reads them: after the files above, within the same
    /// transaction.
    pub const PLAN: [File; 5] = [
        File::Agencies,
        File::PlanTasks,
        File::Progress,
        File::Supervisions,
        File::Recommendations,
    ];

    /// Every file of the format, the plan's and the returns' included.
    pub fn every() -> impl Iterator<Item = File> {
        File::ALL
            .into_iter()
            .chain(File::PLAN)
            .chain(std::iter::once(File::Returns))
    }

    /// Whether this is one of the plan's files.
    pub fn is_plan(self) -> bool {
        File::PLAN.contains(&self)
    }

    /// Whether its rows are checked once every file is read (against the
    /// stored plans or returns), not as they are read.
    pub fn checked_later(self) -> bool {
        self.is_plan() || self == File::Returns
    }

    /// The file's name without `.csv` (also the sheet's name).
    pub fn name(self) -> &'static str {
        match self {
            File::Manifest => "manifest",
            File::Children => "children",
            File::Measurements => "measurements",
            File::Enrolments => "enrolments",
            File::Schools => "schools",
            File::CommuneAssessments => "commune_assessments",
            File::Disasters => "disasters",
            File::Participation => "participation",
            File::Cases => "cases",
            File::Agencies => "agencies",
            File::PlanTasks => "plan_tasks",
            File::Progress => "progress",
            File::Supervisions => "supervisions",
            File::Recommendations => "recommendations",
            File::Returns => "returns",
        }
    }

    /// The file's name in Vietnamese, for reports and templates.
    pub fn title_vi(self) -> &'static str {
        match self {
            File::Manifest => "Thông tin bộ dữ liệu",
            File::Children => "Trẻ em",
            File::Measurements => "Cân đo",
            File::Enrolments => "Đi học",
            File::Schools => "Trường học",
            File::CommuneAssessments => "Đánh giá xã",
            File::Disasters => "Thiên tai",
            File::Participation => "Tham gia",
            File::Cases => "Vụ việc bảo vệ trẻ em",
            File::Agencies => "Cơ quan, đơn vị thực hiện",
            File::PlanTasks => "Nhiệm vụ kế hoạch",
            File::Progress => "Tiến độ thực hiện",
            File::Supervisions => "Giám sát, kiểm tra",
            File::Recommendations => "Kiến nghị sau giám sát",
            File::Returns => "Báo cáo số liệu",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            File::Manifest => MANIFEST,
            File::Children => CHILDREN,
            File::Measurements => MEASUREMENTS,
            File::Enrolments => ENROLMENTS,
            File::Schools => SCHOOLS,
            File::CommuneAssessments => COMMUNE_ASSESSMENTS,
            File::Disasters => DISASTERS,
            File::Participation => PARTICIPATION,
            File::Cases => CASES,
            File::Agencies => AGENCIES,
            File::PlanTasks => PLAN_TASKS,
            File::Progress => PROGRESS,
            File::Supervisions => SUPERVISIONS,
            File::Recommendations => RECOMMENDATIONS,
            File::Returns => RETURNS,
        }
    }

    /// The file named by a file or sheet name (`children.csv`, `Children`).
    pub fn from_name(name: &str) -> Option<File> {
        let stem = name.strip_suffix(".csv").unwrap_or(name);
        let key = header_key(stem);
        File::every().find(|f| header_key(f.name()) == key)
    }
}

impl File {
    /// The file whose header a row is, when the sheet's or file's name says
    /// nothing (an officer's "Danh sach tre"): every required column of the
    /// file is there, and it matches more columns than any other file does.
    /// Ties and headers of fewer than two known columns name none.
    pub fn from_header(header: &[String]) -> Option<File> {
        let mut best: Option<(File, usize)> = None;
        let mut tied = false;
        for file in File::every().filter(|f| *f != File::Manifest) {
            let map = ColumnMap::new(file, header);
            let found = map.positions.iter().filter(|p| p.is_some()).count();
            if !map.missing.is_empty() || found < 2 {
                continue;
            }
            match best {
                Some((_, n)) if n > found => {}
                Some((_, n)) if n == found => tied = true,
                _ => {
                    best = Some((file, found));
                    tied = false;
                }
            }
        }
        best.filter(|_| !tied).map(|(f, _)| f)
    }
}

/// How headers compare: accents, case, `_` and runs of spaces ignored.
pub fn header_key(s: &str) -> String {
    fold(s)
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where each column of a file sits in a header row.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    /// For each column of the file (in spec order), its position if present.
    pub positions: Vec<Option<usize>>,
    /// Headers that name no column (ignored, reported as warnings).
    pub unknown: Vec<String>,
    /// Required columns the header lacks.
    pub missing: Vec<&'static str>,
    /// Columns named twice (the first is used).
    pub repeated: Vec<String>,
}

impl ColumnMap {
    pub fn new(file: File, header: &[String]) -> Self {
        let columns = file.columns();
        let mut positions = vec![None; columns.len()];
        let mut unknown = Vec::new();
        let mut repeated = Vec::new();
        for (at, h) in header.iter().enumerate() {
            let key = header_key(h);
            if key.is_empty() {
                continue;
            }
            let found = columns
                .iter()
                .position(|c| header_key(c.name) == key || header_key(c.vi) == key);
            match found {
                Some(i) if positions[i].is_none() => positions[i] = Some(at),
                Some(_) => repeated.push(h.clone()),
                None => unknown.push(h.clone()),
            }
        }
        let missing = columns
            .iter()
            .zip(&positions)
            .filter(|(c, p)| c.required && p.is_none())
            .map(|(c, _)| c.name)
            .collect();
        ColumnMap {
            positions,
            unknown,
            missing,
            repeated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_match_in_english_or_vietnamese_whatever_the_accents_and_case() {
        let m = ColumnMap::new(
            File::Children,
            &h(&[
                "HO VA TEN",
                "Mã trẻ",
                "giới tính",
                "Date_Of_Birth",
                "mã xã",
                "Ghi chú riêng",
            ]),
        );
        assert_eq!(m.positions[0], Some(1));
        assert_eq!(m.positions[2], Some(0));
        assert_eq!(m.positions[3], Some(2));
        assert_eq!(m.positions[4], Some(3));
        assert_eq!(m.unknown, vec!["Ghi chú riêng".to_string()]);
        assert!(m.missing.is_empty());
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let m = ColumnMap::new(File::Measurements, &h(&["child_id", "weight_kg"]));
        assert_eq!(m.missing, vec!["measured_on"]);
    }

    #[test]
    fn files_are_found_by_name_or_sheet() {
        assert_eq!(File::from_name("children.csv"), Some(File::Children));
        assert_eq!(
            File::from_name("Commune_Assessments"),
            Some(File::CommuneAssessments)
        );
        assert_eq!(File::from_name("notes.csv"), None);
    }
}
