//! Deriving a plan for a lower unit (`spec/plan.md`: "a plan may be
//! derived from a higher unit's plan"): the tasks are copied with their
//! assignment in force, the unit gets the seed's agencies under the same
//! codes, and the new plan names the one it came from. The communes that
//! took a retired district's territory are its plan's heirs.

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::clock::vn_today;
use treem_domain::plan::document::{basis_lines, document_name};
use treem_domain::plan::progress::Window;
use treem_domain::plan::{Cadence, commune_agencies, demo, seed};
use treem_domain::units::{Level, Unit, UnitHistory};
use treem_store::{
    NewPlan, NewProgress, NewSupervision, NewTask, PlanRow, PlanSeed, Store, StoreResult,
};

use crate::shell::state::UnitIndex;

/// Derives `parent` for the unit `unit_id` named `unit_name`. Returns the
/// new plan's id, or `None` when the unit already has a plan of that title.
pub async fn derive(
    store: &dyn Store,
    parent: &PlanRow,
    unit_id: i64,
    unit_name: &str,
    audit: AuditEvent,
) -> StoreResult<Option<i64>> {
    let tasks = store
        .plan_tasks(parent.id)
        .await?
        .into_iter()
        .map(|t| NewTask {
            code: t.code,
            group_no: i32::try_from(t.group_no).unwrap_or(0),
            section: t.section,
            title: t.title,
            cadence: t.cadence,
            due: t.due,
            programme: t.programme,
            indicators: t.indicators,
            lead: t.lead,
            partners: t.partners,
        })
        .collect();
    let seed = PlanSeed {
        plan: NewPlan {
            unit_id,
            title: parent.title.clone(),
            number: None,
            issued_on: None,
            issued_by: format!("Ban Thường vụ Đảng ủy {}", lower_first(unit_name)),
            period_from: i32::try_from(parent.period_from).unwrap_or(0),
            period_to: i32::try_from(parent.period_to).unwrap_or(0),
            derived_from: Some(parent.id),
            // What the parent carries out, and the parent itself.
            basis: derived_basis(parent),
        },
        tasks,
        programmes: Vec::new(),
        agencies: commune_agencies(unit_name),
    };
    store.load_plan(&seed, audit).await
}

/// A derived plan's basis: the parent's, then the parent plan named.
fn derived_basis(parent: &PlanRow) -> String {
    let mut lines: Vec<String> = basis_lines(&parent.basis)
        .into_iter()
        .map(String::from)
        .collect();
    lines.push(document_name(
        &parent.title,
        parent.number.as_deref(),
        parent.issued_on,
        &parent.issued_by,
    ));
    lines.join("\n")
}

fn lower_first(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The communes in force on `today` that took over some of the territory
/// of the retired unit `code` (its communes, followed to what they became),
/// by name.
pub fn heirs<'a>(history: &'a UnitHistory, code: &str, today: NaiveDate) -> Vec<&'a Unit> {
    let mut out: Vec<&Unit> = Vec::new();
    for u in history.all() {
        if u.parent_code.as_deref() != Some(code) {
            continue;
        }
        if let Some(now) = history.became(u, today)
            && now.level == Level::Commune
            && !out.contains(&now)
        {
            out.push(now);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The demo's plans: the seed plan derived for every commune that took the
/// former district's territory, the committee's assignment of the tasks
/// the seed left open, and the agencies' reports up to today.
pub async fn load_demo_plans(store: &dyn Store, units: &UnitIndex) -> StoreResult<()> {
    let today = vn_today();
    let plans = store.plans().await?;
    let Some(parent) = plans.iter().find(|p| {
        p.derived_from.is_none()
            && p.title == seed::TITLE
            && units
                .by_id(p.unit_id)
                .is_some_and(|u| u.code == seed::OWNER_UNIT)
    }) else {
        return Ok(());
    };
    let mut reports = Vec::new();
    for (n, unit) in heirs(&units.history, seed::OWNER_UNIT, today)
        .into_iter()
        .enumerate()
    {
        let Some(unit_id) = units.id_of(unit) else {
            continue;
        };
        let audit = AuditEvent::system("system", "plan_derived", "plan", "");
        let Some(plan) = derive(store, parent, unit_id, &unit.name, audit).await? else {
            continue;
        };
        demo_supervision(store, plan, &unit.name, today).await?;
        let agencies = store.agencies(unit_id).await?;
        let window = Window::new(
            (seed::PERIOD.0, seed::PERIOD.1),
            unit.valid_from,
            unit.valid_to,
        );
        for (i, task) in store.plan_tasks(plan).await?.into_iter().enumerate() {
            let lead = match &task.lead {
                Some(lead) => lead.clone(),
                None => {
                    let (lead, partners) = demo::assignment(task.group_no);
                    let audit = AuditEvent::system(
                        "system",
                        "task_assigned",
                        "plan_task",
                        &task.id.to_string(),
                    );
                    store
                        .assign_task(task.id, Some(lead), partners, audit)
                        .await?;
                    lead.to_string()
                }
            };
            let Some(agency) = agencies.iter().find(|a| a.code == lead) else {
                continue;
            };
            let cadence = Cadence::from_code(&task.cadence).unwrap_or(Cadence::Ongoing);
            for r in demo::reports(i, task.group_no, cadence, task.due, window, n, today) {
                reports.push(NewProgress {
                    task_id: task.id,
                    agency_id: agency.id,
                    period: r.period.code(),
                    status: r.status.code().to_string(),
                    summary: r.summary.to_string(),
                    sessions: r.sessions,
                    people_reached: r.people_reached,
                    budget_spent: r.budget_spent,
                    problems: r.problems.to_string(),
                    proposals: r.proposals.to_string(),
                });
            }
        }
    }
    let audit = AuditEvent::system("system", "progress_loaded", "plan", "demo");
    store.load_progress(&reports, audit).await?;
    Ok(())
}

/// The demo's supervision of a commune's plan by its People's Council,
/// two and a half months ago: one recommendation overdue, one open, one
/// done.
async fn demo_supervision(
    store: &dyn Store,
    plan: i64,
    unit_name: &str,
    today: NaiveDate,
) -> StoreResult<()> {
    let of = lower_first(unit_name);
    let days = |n: i64| today + chrono::Duration::days(n);
    let new = NewSupervision {
        plan_id: plan,
        kind: "council".into(),
        body: format!("Thường trực Hội đồng nhân dân {of}"),
        held_on: days(-75),
        visited: "Ủy ban nhân dân xã; Trạm Y tế xã; Trường Tiểu học; hai thôn, bản".into(),
        findings: "Công tác tuyên truyền được duy trì; việc rà soát, lập danh sách trẻ em có hoàn cảnh đặc biệt còn chậm; một số thôn chưa có điểm sinh hoạt cho trẻ em.".into(),
    };
    let recommendations = [
        (
            "Hoàn thành rà soát, cập nhật danh sách trẻ em có hoàn cảnh đặc biệt".to_string(),
            "UBND".to_string(),
            days(-15),
        ),
        (
            "Vận động xây dựng điểm sinh hoạt cho trẻ em tại các thôn còn thiếu".to_string(),
            "MTTQ".to_string(),
            days(45),
        ),
        (
            "Tổ chức truyền thông phòng, chống đuối nước trước mùa mưa".to_string(),
            "DT".to_string(),
            days(-45),
        ),
    ];
    let audit = AuditEvent::system("system", "supervision_recorded", "supervision", "");
    let id = store
        .record_supervision(&new, &recommendations, audit)
        .await?;
    // The third was done in time.
    for r in store.plan_recommendations(plan).await? {
        if r.supervision_id == id && r.owner == "DT" {
            let audit = AuditEvent::system("system", "recommendation_closed", "recommendation", "");
            store
                .close_recommendation(
                    r.id,
                    days(-50),
                    "Đã tổ chức 6 buổi truyền thông tại các bản.",
                    audit,
                )
                .await?;
        }
    }
    Ok(())
}
