//! Section IV of the periodic report from the records: the unit's cases of
//! the period by kind of harm and by source, how many were handled on time
//! (emergency measures within 12 hours, plans within 5 working days), the
//! cases now past a deadline, and the children in special circumstances by
//! group. Counts only: no name, no content.

use std::collections::BTreeMap;

use treem_domain::cases::deadlines::{Calendar, Urgency};
use treem_domain::cases::timeliness::{self, CaseTimes};
use treem_domain::cases::{Risk, Vocabulary};
use treem_domain::child::special_circumstance_name;
use treem_domain::indicators::{Period, shown};
use treem_domain::units::Unit;
use treem_store::{CaseFilter, Scope, Store};

use crate::{AppError, UnitIndex};

/// Section IV's lines, and the shortcoming lines it gives section VI.
pub struct ProtectionFacts {
    pub text: String,
    pub late: Vec<String>,
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        String::new()
    } else {
        format!(" ({}%)", shown(n as f64 / of as f64 * 100.0))
    }
}

/// Gathers section IV for `unit` and `period`.
pub async fn lines(
    store: &dyn Store,
    index: &UnitIndex,
    unit: &Unit,
    period: Period,
) -> Result<ProtectionFacts, AppError> {
    let history = &index.history;
    let reference = period.reference_date();
    // A unit id is in the report's unit when its commune (or what it became
    // by the reference date) lies under it.
    let in_unit = |unit_id: i64| {
        index
            .by_id(unit_id)
            .and_then(|u| history.became(u, reference))
            .is_some_and(|u| history.is_within(u, unit))
            || index
                .by_id(unit_id)
                .is_some_and(|u| history.is_within(u, unit))
    };
    let summaries: Vec<_> = store
        .case_summaries(&CaseFilter::Scope(Scope::All))
        .await?
        .into_iter()
        .filter(|s| in_unit(s.unit_id))
        .collect();
    let calendar = Calendar::new(store.holidays().await?.into_iter().map(|(d, _)| d));
    let now = chrono::Utc::now();
    let times: Vec<CaseTimes> = summaries
        .iter()
        .map(|s| CaseTimes {
            received_at: s.received_at,
            risk: s.risk_level.as_deref().and_then(Risk::parse),
            emergency_at: s.emergency_at,
            plan_at: s.plan_at,
            closed: s.closed_at.is_some(),
        })
        .collect();
    let t = timeliness::count(&times, period.start(), reference, &calendar);
    let kinds = timeliness::kinds(
        &summaries
            .iter()
            .map(|s| (s.received_at, s.source.as_str(), s.harm_types.as_str()))
            .collect::<Vec<_>>(),
        period.start(),
        reference,
    );
    let mut out = Vec::new();
    if t.received > 0 {
        out.push(format!(
            "- Trong kỳ tiếp nhận {} thông tin, thông báo về trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại; {} vụ việc đã kết thúc.",
            t.received, t.closed
        ));
        let list = |v: Vec<(&str, usize)>| {
            v.into_iter()
                .map(|(name, n)| format!("{} {n}", name.to_lowercase()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push(format!(
            "- Theo hình thức xâm hại (một vụ việc có thể có nhiều hình thức): {}.",
            list(kinds.harms.iter().map(|(h, n)| (h.vi(), *n)).collect())
        ));
        out.push(format!(
            "- Theo nguồn thông tin: {}.",
            list(kinds.sources.iter().map(|(s, n)| (s.vi(), *n)).collect())
        ));
        out.push(format!(
            "- {} vụ việc có nguy cơ cao cần áp dụng biện pháp khẩn cấp, trong đó {} vụ việc{} được áp dụng trong 12 giờ.",
            t.emergency_needed,
            t.emergency_on_time,
            pct(t.emergency_on_time, t.emergency_needed)
        ));
        out.push(format!(
            "- {} kế hoạch hỗ trợ, can thiệp được xây dựng, trong đó {}{} trong thời hạn 5 ngày làm việc.",
            t.plans,
            t.plans_on_time,
            pct(t.plans_on_time, t.plans)
        ));
    } else {
        out.push(
            "- Trong kỳ không tiếp nhận thông tin, thông báo nào về trẻ em bị xâm hại hoặc có nguy cơ bị xâm hại."
                .to_string(),
        );
    }
    let late_cases = summaries
        .iter()
        .filter(|s| crate::cases::service::judge(s, &calendar, now).1 == Urgency::Overdue)
        .count();
    let mut late = Vec::new();
    if late_cases > 0 {
        out.push(format!("- {late_cases} vụ việc đang quá thời hạn xử lý."));
        late.push(format!(
            "- {late_cases} vụ việc bảo vệ trẻ em quá thời hạn xử lý theo Nghị định 56/2017/NĐ-CP."
        ));
    }
    // Each group: (children, of whom supported under a case).
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut children, mut supported) = (0, 0);
    for (unit_id, codes, helped) in store.special_circumstances_on(reference).await? {
        if !in_unit(unit_id) {
            continue;
        }
        children += 1;
        supported += usize::from(helped);
        for code in codes.split(';').filter(|c| !c.is_empty()) {
            let g = groups.entry(code.to_string()).or_default();
            g.0 += 1;
            g.1 += usize::from(helped);
        }
    }
    if children > 0 {
        out.push(special_lines(reference, children, supported, groups));
    }
    Ok(ProtectionFacts {
        text: out.join("\n"),
        late,
    })
}

/// The children in special circumstances by group, with those given
/// support or intervention under a protection case (Decree 56/2017) by
/// the reference date — the support the records hold.
fn special_lines(
    reference: chrono::NaiveDate,
    children: usize,
    supported: usize,
    groups: BTreeMap<String, (usize, usize)>,
) -> String {
    let mut by: Vec<(String, (usize, usize))> = groups.into_iter().collect();
    by.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let groups = by
        .iter()
        .map(|(code, (n, helped))| {
            let name = special_circumstance_name(code)
                .unwrap_or(code)
                .to_lowercase();
            if *helped > 0 {
                format!("{name} {n} (được hỗ trợ, can thiệp {helped})")
            } else {
                format!("{name} {n}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "- Trẻ em dưới 16 tuổi có hoàn cảnh đặc biệt đến ngày {}: {children} em, trong đó: {groups}. \
         {supported} em đã được hỗ trợ, can thiệp theo kế hoạch hoặc biện pháp khẩn cấp (Nghị định 56/2017/NĐ-CP).",
        reference.format("%d/%m/%Y"),
    )
}
