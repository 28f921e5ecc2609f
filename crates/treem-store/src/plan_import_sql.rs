//! Writing a data set's plan files (docs/plan-files.md) inside the import's
//! transaction. The importer has checked every row and passes only what
//! changes; rows name their plan by its unit and title, their task by its
//! code, their agency by its code within the plan's unit, so that what an
//! earlier file of the same data set added is found here.

use chrono::NaiveDate;

/// An agency of a unit, added or renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyWrite {
    pub unit_id: i64,
    pub code: String,
    pub name: String,
}

/// A plan, added or with its document's details changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWrite {
    pub unit_id: i64,
    pub title: String,
    pub number: Option<String>,
    pub issued_on: Option<chrono::NaiveDate>,
    /// The documents the plan carries out, one a line.
    pub basis: String,
    pub issued_by: String,
    pub period_from: i64,
    pub period_to: i64,
}

/// Which plan a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanKey {
    pub unit_id: i64,
    pub title: String,
}

/// A task, added or changed, and its assignment when that changes (a new
/// assignment is kept beside the earlier ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskWrite {
    pub plan: PlanKey,
    pub code: String,
    pub group_no: i64,
    pub section: String,
    pub title: String,
    pub cadence: String,
    pub due: Option<NaiveDate>,
    pub programme: Option<String>,
    pub indicators: String,
    /// `(lead, partners)` when it differs from the one in force.
    pub assignment: Option<(Option<String>, String)>,
    /// The task's fields differ from the stored ones (or it is new).
    pub fields_changed: bool,
}

/// A progress report filed by an import (kept beside the earlier ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressWrite {
    pub plan: PlanKey,
    pub task_code: String,
    pub agency_code: String,
    pub period: String,
    pub status: String,
    pub summary: String,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    pub budget_spent: Option<i64>,
    pub problems: String,
    pub proposals: String,
}

/// A supervision, added or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionWrite {
    pub plan: PlanKey,
    pub code: String,
    pub kind: String,
    pub body: String,
    pub held_on: NaiveDate,
    pub visited: String,
    pub findings: String,
}

/// A recommendation, added, changed while open, or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecommendationWrite {
    pub plan: PlanKey,
    pub supervision_code: String,
    pub seq: i64,
    pub text: String,
    pub owner: String,
    pub due: NaiveDate,
    pub closed: Option<(NaiveDate, String)>,
}

/// Everything a data set's plan files change, in the order it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanWrites {
    pub agencies: Vec<AgencyWrite>,
    pub plans: Vec<PlanWrite>,
    pub tasks: Vec<TaskWrite>,
    pub progress: Vec<ProgressWrite>,
    pub supervisions: Vec<SupervisionWrite>,
    pub recommendations: Vec<RecommendationWrite>,
}

impl PlanWrites {
    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty()
            && self.plans.is_empty()
            && self.tasks.is_empty()
            && self.progress.is_empty()
            && self.supervisions.is_empty()
            && self.recommendations.is_empty()
    }
}

/// The plan a row names, as a subquery over parameters `$1` (unit) and `$2`
/// (title).
pub(crate) const PLAN_ID: &str = "(SELECT id FROM plans WHERE unit_id = $1 AND title = $2)";
/// The task a row names, over `$1`, `$2` and `$3` (its code).
pub(crate) const TASK_ID: &str = "(SELECT t.id FROM plan_tasks t JOIN plans p ON p.id = t.plan_id
     WHERE p.unit_id = $1 AND p.title = $2 AND t.code = $3)";

/// Expands into a backend's writing of plan files.
macro_rules! plan_import_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            pub(crate) async fn write_plans_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                w: &$crate::PlanWrites,
                actor: &str,
            ) -> $crate::StoreResult<()> {
                use $crate::plan_import_sql::{PLAN_ID, TASK_ID};
                let now = chrono::Utc::now();
                for a in &w.agencies {
                    sqlx::query(
                        "INSERT INTO agencies (unit_id, code, name) VALUES ($1, $2, $3)
                         ON CONFLICT (unit_id, code) DO UPDATE SET name = excluded.name",
                    )
                    .bind(a.unit_id)
                    .bind(&a.code)
                    .bind(&a.name)
                    .execute(&mut **tx)
                    .await?;
                }
                for p in &w.plans {
                    sqlx::query(
                        "INSERT INTO plans (unit_id, title, number, issued_by, period_from, period_to, created_at,
                           issued_on, basis)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                         ON CONFLICT (unit_id, title) DO UPDATE SET number = excluded.number,
                           issued_by = excluded.issued_by, period_from = excluded.period_from,
                           period_to = excluded.period_to, issued_on = excluded.issued_on,
                           basis = excluded.basis",
                    )
                    .bind(p.unit_id)
                    .bind(&p.title)
                    .bind(&p.number)
                    .bind(&p.issued_by)
                    .bind(p.period_from)
                    .bind(p.period_to)
                    .bind(now)
                    .bind(p.issued_on)
                    .bind(&p.basis)
                    .execute(&mut **tx)
                    .await?;
                }
                for t in &w.tasks {
                    if t.fields_changed {
                        let sql = format!(
                            "INSERT INTO plan_tasks (plan_id, code, group_no, section, title, cadence, due,
                               programme, indicators)
                             VALUES ({PLAN_ID}, $3, $4, $5, $6, $7, $8, $9, $10)
                             ON CONFLICT (plan_id, code) DO UPDATE SET group_no = excluded.group_no,
                               section = excluded.section, title = excluded.title, cadence = excluded.cadence,
                               due = excluded.due, programme = excluded.programme,
                               indicators = excluded.indicators"
                        );
                        sqlx::query(&sql)
                            .bind(t.plan.unit_id)
                            .bind(&t.plan.title)
                            .bind(&t.code)
                            .bind(t.group_no)
                            .bind(&t.section)
                            .bind(&t.title)
                            .bind(&t.cadence)
                            .bind(t.due)
                            .bind(&t.programme)
                            .bind(&t.indicators)
                            .execute(&mut **tx)
                            .await?;
                    }
                    if let Some((lead, partners)) = &t.assignment {
                        let sql = format!(
                            "INSERT INTO task_assignments (task_id, lead, partners, assigned_by, assigned_at)
                             VALUES ({TASK_ID}, $4, $5, $6, $7)"
                        );
                        sqlx::query(&sql)
                            .bind(t.plan.unit_id)
                            .bind(&t.plan.title)
                            .bind(&t.code)
                            .bind(lead)
                            .bind(partners)
                            .bind(actor)
                            .bind(now)
                            .execute(&mut **tx)
                            .await?;
                    }
                }
                for r in &w.progress {
                    let sql = format!(
                        "INSERT INTO progress_reports (task_id, agency_id, period, status, summary, sessions,
                           people_reached, budget_spent, problems, proposals, written_by, written_at)
                         VALUES ({TASK_ID}, (SELECT id FROM agencies WHERE unit_id = $1 AND code = $4),
                           $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                    );
                    sqlx::query(&sql)
                        .bind(r.plan.unit_id)
                        .bind(&r.plan.title)
                        .bind(&r.task_code)
                        .bind(&r.agency_code)
                        .bind(&r.period)
                        .bind(&r.status)
                        .bind(&r.summary)
                        .bind(r.sessions)
                        .bind(r.people_reached)
                        .bind(r.budget_spent)
                        .bind(&r.problems)
                        .bind(&r.proposals)
                        .bind(actor)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                for s in &w.supervisions {
                    let sql = format!(
                        "INSERT INTO supervisions (plan_id, code, kind, body, held_on, visited, findings,
                           recorded_by, recorded_at)
                         VALUES ({PLAN_ID}, $3, $4, $5, $6, $7, $8, $9, $10)
                         ON CONFLICT (plan_id, code) DO UPDATE SET kind = excluded.kind,
                           body = excluded.body, held_on = excluded.held_on, visited = excluded.visited,
                           findings = excluded.findings"
                    );
                    sqlx::query(&sql)
                        .bind(s.plan.unit_id)
                        .bind(&s.plan.title)
                        .bind(&s.code)
                        .bind(&s.kind)
                        .bind(&s.body)
                        .bind(s.held_on)
                        .bind(&s.visited)
                        .bind(&s.findings)
                        .bind(actor)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                }
                for r in &w.recommendations {
                    let sql = format!(
                        "INSERT INTO recommendations (supervision_id, seq, text, owner, due, closed_on,
                           closed_note, closed_by)
                         VALUES ((SELECT id FROM supervisions WHERE plan_id = {PLAN_ID} AND code = $3),
                           $4, $5, $6, $7, $8, $9, $10)
                         ON CONFLICT (supervision_id, seq) DO UPDATE SET text = excluded.text,
                           owner = excluded.owner, due = excluded.due, closed_on = excluded.closed_on,
                           closed_note = excluded.closed_note,
                           closed_by = COALESCE(recommendations.closed_by, excluded.closed_by)"
                    );
                    let (closed_on, note, by) = match &r.closed {
                        Some((on, note)) => (Some(*on), Some(note.as_str()), Some(actor)),
                        None => (None, None, None),
                    };
                    sqlx::query(&sql)
                        .bind(r.plan.unit_id)
                        .bind(&r.plan.title)
                        .bind(&r.supervision_code)
                        .bind(r.seq)
                        .bind(&r.text)
                        .bind(&r.owner)
                        .bind(r.due)
                        .bind(closed_on)
                        .bind(note)
                        .bind(by)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use plan_import_sql;
