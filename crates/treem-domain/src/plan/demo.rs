//! The demo's plan work: what the commune People's Committees assigned and
//! what their agencies reported, made up but true-looking. Every closed
//! period has its reports except a few (so the overdue list shows
//! something), and figures go with the tasks that hold sessions.

use chrono::NaiveDate;

use super::Cadence;
use super::progress::{ProgressStatus, ReportPeriod, Window, periods};

/// A report the demo files.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReport {
    pub period: ReportPeriod,
    pub status: ProgressStatus,
    pub summary: &'static str,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    pub budget_spent: Option<i64>,
    pub problems: &'static str,
    pub proposals: &'static str,
}

/// The lead and partners the demo's committee gives a task the seed left
/// unassigned, by task group.
pub fn assignment(group: i64) -> (&'static str, &'static str) {
    match group {
        5 => ("MTTQ", "DT;TTVH"),
        1 => ("DUX", "UBND"),
        _ => ("UBND", "DT;MTTQ"),
    }
}

const SUMMARIES: [&str; 6] = [
    "Đã quán triệt, triển khai đến các chi bộ, thôn, bản; lồng ghép trong các buổi họp thôn.",
    "Phối hợp với trường học và trạm y tế tổ chức truyền thông tại các thôn, bản.",
    "Rà soát, cập nhật danh sách trẻ em có hoàn cảnh đặc biệt; hỗ trợ kịp thời theo quy định.",
    "Tổ chức các buổi sinh hoạt chuyên đề, tuyên truyền phòng, chống đuối nước, bạo lực, xâm hại trẻ em.",
    "Kiểm tra, đôn đốc việc thực hiện tại các thôn; tổng hợp kết quả báo cáo Ủy ban nhân dân xã.",
    "Vận động các tổ chức, cá nhân hỗ trợ quà, học bổng cho trẻ em có hoàn cảnh khó khăn.",
];

const PROBLEMS: [&str; 3] = [
    "",
    "Địa bàn rộng, giao thông đi lại khó khăn vào mùa mưa; kinh phí còn hạn chế.",
    "Một bộ phận người dân chưa quan tâm đúng mức đến công tác trẻ em.",
];

/// The demo's reports for one task of commune number `commune` (0, 1, …)
/// as of `today`: every period of the plan up to the current one, except
/// a few closed ones left without a report.
pub fn reports(
    task_index: usize,
    group: i64,
    cadence: Cadence,
    due: Option<NaiveDate>,
    window: Window,
    commune: usize,
    today: NaiveDate,
) -> Vec<DemoReport> {
    let mut out = Vec::new();
    let current = ReportPeriod::containing(today);
    for (k, period) in periods(cadence, window).into_iter().enumerate() {
        if period > current {
            break;
        }
        // One task in eight (four in each commune) misses its latest
        // closed period.
        let closed = period.closed(today);
        let next_closed = period.next().closed(today);
        if closed && !next_closed && (task_index * 5 + commune * 3).is_multiple_of(8) {
            continue;
        }
        // The current period is reported by about half of the tasks.
        if !closed && (task_index + commune) % 2 == 1 {
            continue;
        }
        let seed = task_index * 7 + commune * 11 + k * 3;
        let done_once = cadence == Cadence::Once
            && due.is_some_and(|d| d <= period.last_day())
            && !(task_index + commune).is_multiple_of(3);
        let status = if done_once {
            ProgressStatus::Done
        } else if cadence == Cadence::Once && k == 0 && seed.is_multiple_of(4) {
            ProgressStatus::NotStarted
        } else {
            ProgressStatus::UnderWay
        };
        let holds_sessions = matches!(group, 4 | 5);
        out.push(DemoReport {
            period,
            status,
            summary: SUMMARIES[seed % SUMMARIES.len()],
            sessions: holds_sessions.then_some(2 + (seed % 9) as i64),
            people_reached: holds_sessions.then_some(80 + (seed % 23) as i64 * 15),
            budget_spent: holds_sessions.then_some(2_000_000 + (seed % 7) as i64 * 1_500_000),
            problems: PROBLEMS[seed % PROBLEMS.len()],
            proposals: if seed.is_multiple_of(5) {
                "Đề nghị cấp trên bố trí kinh phí cho các hoạt động tại thôn, bản."
            } else {
                ""
            },
        });
        if done_once {
            break;
        }
    }
    out
}
