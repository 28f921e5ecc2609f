//! Child-protection cases under Decree 56/2017/NĐ-CP, chapter III: the
//! vocabulary of a case, the lawful order of its steps, who may read it and
//! its deadlines ([`deadlines`]). Pure: the web and the store only ask.

pub mod deadlines;
pub mod decisions;
pub mod derived;
pub mod report_form;
pub mod step_form;
#[cfg(test)]
mod tests;
pub mod timeliness;

use serde::Serialize;

use crate::i18n::Lang;

/// A closed vocabulary of the case module: stable codes for storage and the
/// API, Vietnamese labels for printed forms and labels in the page's
/// language for pages.
pub trait Vocabulary: Copy + 'static {
    /// Every value, in the order forms list them.
    const ALL: &'static [Self];
    /// The stable code.
    fn code(self) -> &'static str;
    /// The Vietnamese label (printed forms use it whatever the language).
    fn vi(self) -> &'static str;
    /// The English label.
    fn en(self) -> &'static str;
    /// The label in a page's language.
    fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi(),
            Lang::En => self.en(),
        }
    }
    /// Parses a stable code (surrounding spaces ignored).
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == s.trim())
    }
}

/// Declares a closed vocabulary: a stable code for storage and the API, a
/// Vietnamese and an English label.
macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl Vocabulary for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            fn vi(self) -> &'static str {
                match self { $($name::$variant => $vi),+ }
            }

            fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }
    };
}

vocabulary! {
    /// One step of the procedure. A case is at the step it last took.
    Step {
        Received = "received", "Tiếp nhận thông tin, thông báo", "Report received";
        InitialAssessment = "initial_assessment", "Đánh giá nguy cơ ban đầu", "Initial risk assessment";
        EmergencyMeasures = "emergency_measures", "Áp dụng biện pháp khẩn cấp", "Emergency measures";
        DetailedAssessment = "detailed_assessment", "Đánh giá chi tiết tình trạng, nhu cầu", "Detailed assessment of situation and needs";
        PlanDrafted = "plan_drafted", "Xây dựng kế hoạch hỗ trợ, can thiệp", "Support and intervention plan drafted";
        PlanReturned = "plan_returned", "Kế hoạch bị trả lại", "Plan returned";
        PlanApproved = "plan_approved", "Phê duyệt kế hoạch", "Plan approved";
        Implementation = "implementation", "Thực hiện kế hoạch", "Plan carried out";
        Review = "review", "Theo dõi, đánh giá", "Monitoring and review";
        Replan = "replan", "Xây dựng lại kế hoạch", "Plan redrafted";
        ClosureProposed = "closure_proposed", "Đề nghị đóng hồ sơ", "Closure proposed";
        Closed = "closed", "Đóng hồ sơ", "Case closed";
    }
}

vocabulary! {
    /// Where the report came from.
    Source {
        Hotline111 = "hotline_111", "Tổng đài 111", "Hotline 111";
        Police = "police", "Công an", "Police";
        School = "school", "Nhà trường", "School";
        HealthStation = "health_station", "Trạm y tế", "Health station";
        Neighbour = "neighbour", "Hàng xóm, người dân", "Neighbour, resident";
        Family = "family", "Gia đình", "Family";
        Child = "child", "Trẻ em tự báo", "The child herself";
        Other = "other", "Khác", "Other";
    }
}

vocabulary! {
    /// The kinds of harm (the same codes as `cases.csv`).
    Harm {
        Violence = "violence", "Bạo lực", "Violence";
        SexualAbuse = "sexual_abuse", "Xâm hại tình dục", "Sexual abuse";
        Exploitation = "exploitation", "Bóc lột", "Exploitation";
        ChildLabour = "child_labour", "Lao động trẻ em", "Child labour";
        Trafficking = "trafficking", "Mua bán", "Trafficking";
        Abandonment = "abandonment", "Bỏ rơi", "Abandonment";
        Neglect = "neglect", "Bỏ mặc, sao nhãng", "Neglect";
        Other = "other", "Khác", "Other";
    }
}

vocabulary! {
    /// The risk graded at the assessments.
    Risk {
        High = "high", "Cao", "High";
        Medium = "medium", "Trung bình", "Medium";
        Low = "low", "Thấp", "Low";
    }
}

vocabulary! {
    /// The risk factors forms 02, 03 and 06 score high, medium or low, in
    /// the forms' order (the case's overall level follows from them:
    /// [`step_form::StepForm::overall`]).
    Factor {
        HarmSeverity = "harm_severity", "Mức độ tổn hại đối với trẻ em", "Severity of the harm to the child";
        AbuserAccess = "abuser_access", "Khả năng người gây tổn hại tiếp cận trẻ em", "The abuser's access to the child";
        CareObstacles = "care_obstacles", "Những trở ngại trong môi trường chăm sóc trẻ em", "Obstacles in the care setting";
        ChildCoping = "child_coping", "Khả năng tự bảo vệ, ứng phó của trẻ em", "The child's own coping";
    }
}

vocabulary! {
    /// The alleged abuser's relation to the child.
    Relation {
        Parent = "parent", "Cha, mẹ", "Parent";
        StepParent = "step_parent", "Cha dượng, mẹ kế", "Step-parent";
        Caregiver = "caregiver", "Người chăm sóc", "Caregiver";
        Relative = "relative", "Người thân khác", "Other relative";
        Teacher = "teacher", "Giáo viên", "Teacher";
        Acquaintance = "acquaintance", "Người quen", "Acquaintance";
        Stranger = "stranger", "Người lạ", "Stranger";
        Unknown = "unknown", "Chưa rõ", "Not known";
    }
}

vocabulary! {
    /// Why an account may open a case.
    Grant {
        Assigned = "assigned", "Người được giao xử lý", "Assigned to the case";
        Approver = "approver", "Người phê duyệt (Chủ tịch UBND xã)", "Approver (commune chair)";
        Granted = "granted", "Cán bộ được cấp quyền", "Officer granted access";
        BreakGlass = "break_glass", "Truy cập khẩn cấp", "Emergency access";
    }
}

impl Step {
    /// The steps that may follow this one, the procedure's own next step
    /// first (an emergency measure may come at any point before the plan,
    /// but it is not the step the procedure moves on to). `replan` opens a
    /// new round of planning after a review. A case is closed by the
    /// commune chair's decision on the officer's proposal (art. 30): after
    /// the review, or straight after the initial assessment when the report
    /// proved unfounded; a proposal the chair does not take leaves the
    /// officer to assess or plan again. `closed` ends the case.
    pub fn next(self) -> &'static [Step] {
        use Step::*;
        match self {
            Received => &[InitialAssessment, EmergencyMeasures],
            InitialAssessment => &[DetailedAssessment, EmergencyMeasures, ClosureProposed],
            EmergencyMeasures => &[DetailedAssessment],
            DetailedAssessment => &[PlanDrafted, EmergencyMeasures],
            PlanDrafted => &[PlanApproved, PlanReturned],
            PlanReturned => &[PlanDrafted],
            PlanApproved => &[Implementation],
            Implementation => &[Review],
            Review => &[ClosureProposed, Replan],
            Replan => &[PlanDrafted, DetailedAssessment],
            ClosureProposed => &[Closed, DetailedAssessment, Replan],
            Closed => &[],
        }
    }

    /// The step the procedure moves on to from this one, if any.
    pub fn forward(self) -> Option<Step> {
        self.next().first().copied()
    }

    /// Whether the procedure allows `to` after this step.
    pub fn allows(self, to: Step) -> bool {
        self.next().contains(&to)
    }

    /// Steps only the approver (the commune chair) may take: deciding on
    /// the plan and closing the case.
    pub fn needs_approver(self) -> bool {
        matches!(self, Step::PlanApproved | Step::PlanReturned | Step::Closed)
    }

    /// The step an approver's decision answers (whoever took that one does
    /// not decide on it).
    pub fn decides_on(self) -> Option<Step> {
        match self {
            Step::PlanApproved | Step::PlanReturned => Some(Step::PlanDrafted),
            Step::Closed => Some(Step::ClosureProposed),
            _ => None,
        }
    }

    /// The printed form (Decree 56, 01–06) a step fills, if any.
    pub fn form(self) -> Option<u8> {
        match self {
            Step::Received => Some(1),
            Step::InitialAssessment => Some(2),
            Step::DetailedAssessment => Some(3),
            Step::PlanDrafted => Some(4),
            Step::Review => Some(6),
            _ => None,
        }
    }

    /// Whether this step starts the intervention counted by the indicator
    /// `abuse_intervention`: the first emergency measure or the start of
    /// carrying out the plan.
    pub fn starts_intervention(self) -> bool {
        matches!(self, Step::EmergencyMeasures | Step::Implementation)
    }
}

/// The titles of the six forms of Decree 56, as printed.
pub const FORMS: [(u8, &str); 6] = [
    (
        1,
        "Phiếu ghi nhận thông tin, thông báo về trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại",
    ),
    (2, "Biên bản đánh giá nguy cơ ban đầu"),
    (3, "Báo cáo đánh giá tình trạng, nhu cầu của trẻ em"),
    (4, "Kế hoạch hỗ trợ, can thiệp"),
    (
        5,
        "Quyết định phê duyệt kế hoạch hỗ trợ, can thiệp (dự thảo)",
    ),
    (
        6,
        "Báo cáo kết quả theo dõi, đánh giá thực hiện kế hoạch hỗ trợ, can thiệp",
    ),
];

/// The case number shown to people and used as the exchange `case_id`:
/// per commune and year, e.g. `03208-2026-0007`.
pub fn case_number(commune_code: &str, year: i32, seq: i64) -> String {
    format!("{commune_code}-{year}-{seq:04}")
}

/// One account's standing on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub account_id: i64,
    pub grant: Grant,
    /// Break-glass access ends; other grants last until removed.
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// What an account may do with one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseAccess {
    /// Read the contents (names, narrative, notes, forms).
    pub read: bool,
    /// Record steps other than approval.
    pub act: bool,
    /// Approve or return the plan.
    pub approve: bool,
}

impl CaseAccess {
    /// No access at all.
    pub const NONE: CaseAccess = CaseAccess {
        read: false,
        act: false,
        approve: false,
    };
}

/// Decides an account's access from the case's standings. Contents are for
/// the case's own people only: role and unit scope never open a case by
/// themselves (an administrator included); break-glass access reads only.
/// A standing counts until it ends (break-glass after its hours; those who
/// worked a case handed over to another commune at the hand-over).
pub fn access(
    account_id: i64,
    standings: &[Standing],
    now: chrono::DateTime<chrono::Utc>,
) -> CaseAccess {
    let mut a = CaseAccess::NONE;
    let standing = |s: &&Standing| s.account_id == account_id && s.until.is_none_or(|u| now <= u);
    for s in standings.iter().filter(standing) {
        match s.grant {
            Grant::Assigned | Grant::Granted => {
                a.read = true;
                a.act = true;
            }
            Grant::Approver => {
                a.read = true;
                a.approve = true;
            }
            Grant::BreakGlass => a.read = true,
        }
    }
    a
}

/// Whether an account may record `step` given its access.
pub fn may_take(access: CaseAccess, step: Step) -> bool {
    if step.needs_approver() {
        access.approve
    } else {
        access.act
    }
}
