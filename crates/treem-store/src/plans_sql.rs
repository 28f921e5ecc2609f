//! Plans, their tasks, the agencies of a unit and the programmes (module 7).
//! Every assignment of a task's lead and partners is kept; the latest is
//! the one in force.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::AuditEvent;

use crate::StoreResult;

/// A plan as it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlan {
    pub unit_id: i64,
    pub title: String,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issued_by: String,
    pub period_from: i32,
    pub period_to: i32,
    pub derived_from: Option<i64>,
    /// The documents the plan carries out, one a line.
    pub basis: String,
}

/// A task as it is stored, with its first assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub code: String,
    pub group_no: i32,
    pub section: String,
    pub title: String,
    pub cadence: String,
    pub due: Option<NaiveDate>,
    pub programme: Option<String>,
    /// `;` between several keys.
    pub indicators: String,
    pub lead: Option<String>,
    /// `;` between several codes.
    pub partners: String,
}

/// What a plan brings on its first loading: the programmes its tasks name
/// and the agencies of its unit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSeed {
    pub plan: NewPlan,
    pub tasks: Vec<NewTask>,
    /// (code, title, period).
    pub programmes: Vec<(String, String, String)>,
    /// (code, name) of the plan's unit.
    pub agencies: Vec<(String, String)>,
}

/// A stored plan with its number of tasks.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub unit_id: i64,
    pub title: String,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub issued_by: String,
    pub period_from: i64,
    pub period_to: i64,
    pub derived_from: Option<i64>,
    /// The documents the plan carries out, one a line.
    pub basis: String,
    pub created_at: DateTime<Utc>,
    pub tasks: i64,
}

/// A plan's source document as its unit writes it down: number, date of
/// issue and the documents it carries out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub basis: String,
}

/// A stored task with its assignment in force.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub code: String,
    pub group_no: i64,
    pub section: String,
    pub title: String,
    pub cadence: String,
    pub due: Option<NaiveDate>,
    pub programme: Option<String>,
    pub indicators: String,
    pub lead: Option<String>,
    pub partners: String,
}

/// An agency of a unit.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AgencyRow {
    pub id: i64,
    pub unit_id: i64,
    pub code: String,
    pub name: String,
}

/// A programme.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProgrammeRow {
    pub code: String,
    pub title: String,
    pub period: String,
}

/// The storage of plans (a part of [`crate::Store`]).
#[async_trait]
pub trait PlanStore: Send + Sync {
    /// Stores a plan with its tasks, programmes and agencies in one
    /// transaction, unless its unit already has a plan of that title
    /// (then nothing is written). Returns the new plan's id.
    async fn load_plan(&self, seed: &PlanSeed, audit: AuditEvent) -> StoreResult<Option<i64>>;
    /// Every plan, with its number of tasks (plans hold no personal data).
    async fn plans(&self) -> StoreResult<Vec<PlanRow>>;
    async fn plan(&self, id: i64) -> StoreResult<Option<PlanRow>>;
    /// Writes a plan's document (number, date, basis); whether anything
    /// changed (an unchanged document writes nothing, not even audit).
    async fn set_plan_document(
        &self,
        plan: i64,
        doc: &PlanDocument,
        audit: AuditEvent,
    ) -> StoreResult<bool>;
    /// A plan's tasks in code order (N1, N2 … N10), with the assignment in
    /// force.
    async fn plan_tasks(&self, plan: i64) -> StoreResult<Vec<TaskRow>>;
    /// The agencies of a unit, by code.
    async fn agencies(&self, unit_id: i64) -> StoreResult<Vec<AgencyRow>>;
    async fn programmes(&self) -> StoreResult<Vec<ProgrammeRow>>;
    /// Every unit's agencies, by unit then code (an export).
    async fn all_agencies(&self) -> StoreResult<Vec<AgencyRow>>;
}

/// A task with its assignment in force, for `WHERE` on `t` to follow.
pub(crate) const TASK_SELECT: &str =
    "SELECT t.id, t.plan_id, t.code, t.group_no, t.section, t.title, t.cadence, t.due,
       t.programme, t.indicators, a.lead, a.partners
     FROM plan_tasks t
     JOIN task_assignments a ON a.id = (SELECT MAX(id) FROM task_assignments WHERE task_id = t.id)";

/// Expands into a backend's `PlanStore` implementation.
macro_rules! plans_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::PlanStore for $store {
            async fn load_plan(
                &self,
                seed: &$crate::PlanSeed,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Option<i64>> {
                let mut tx = self.writer().begin().await?;
                let p = &seed.plan;
                let exists: Option<i64> =
                    sqlx::query_scalar("SELECT id FROM plans WHERE unit_id = $1 AND title = $2")
                        .bind(p.unit_id)
                        .bind(&p.title)
                        .fetch_optional(&mut *tx)
                        .await?;
                if exists.is_some() {
                    return Ok(None);
                }
                for (code, title, period) in &seed.programmes {
                    sqlx::query(
                        "INSERT INTO programmes (code, title, period) VALUES ($1, $2, $3)
                         ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(code)
                    .bind(title)
                    .bind(period)
                    .execute(&mut *tx)
                    .await?;
                }
                for (code, name) in &seed.agencies {
                    sqlx::query(
                        "INSERT INTO agencies (unit_id, code, name) VALUES ($1, $2, $3)
                         ON CONFLICT (unit_id, code) DO NOTHING",
                    )
                    .bind(p.unit_id)
                    .bind(code)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?;
                }
                let now = chrono::Utc::now();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO plans (unit_id, title, number, issued_by, period_from, period_to, derived_from,
                       created_at, issued_on, basis)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(p.unit_id)
                .bind(&p.title)
                .bind(&p.number)
                .bind(&p.issued_by)
                .bind(i64::from(p.period_from))
                .bind(i64::from(p.period_to))
                .bind(p.derived_from)
                .bind(now)
                .bind(p.issued_on)
                .bind(&p.basis)
                .fetch_one(&mut *tx)
                .await?;
                for t in &seed.tasks {
                    let task: i64 = sqlx::query_scalar(
                        "INSERT INTO plan_tasks (plan_id, code, group_no, section, title, cadence, due, programme, indicators)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                    )
                    .bind(id)
                    .bind(&t.code)
                    .bind(i64::from(t.group_no))
                    .bind(&t.section)
                    .bind(&t.title)
                    .bind(&t.cadence)
                    .bind(t.due)
                    .bind(&t.programme)
                    .bind(&t.indicators)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO task_assignments (task_id, lead, partners, assigned_by, assigned_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(task)
                    .bind(&t.lead)
                    .bind(&t.partners)
                    .bind(&audit.actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                let mut audit = audit;
                audit.record_id = id.to_string();
                audit.detail = format!("{} tasks", seed.tasks.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(Some(id))
            }

            async fn plans(&self) -> $crate::StoreResult<Vec<$crate::PlanRow>> {
                Ok(sqlx::query_as(
                    "SELECT p.id, p.unit_id, p.title, p.number, p.issued_on, p.issued_by, p.period_from,
                       p.period_to, p.derived_from, p.basis, p.created_at, (SELECT COUNT(*) FROM plan_tasks t WHERE t.plan_id = p.id) AS tasks
                     FROM plans p ORDER BY p.period_from DESC, p.id",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn plan(&self, id: i64) -> $crate::StoreResult<Option<$crate::PlanRow>> {
                Ok(sqlx::query_as(
                    "SELECT p.id, p.unit_id, p.title, p.number, p.issued_on, p.issued_by, p.period_from,
                       p.period_to, p.derived_from, p.basis, p.created_at, (SELECT COUNT(*) FROM plan_tasks t WHERE t.plan_id = p.id) AS tasks
                     FROM plans p WHERE p.id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?)
            }

            async fn set_plan_document(
                &self,
                plan: i64,
                doc: &$crate::PlanDocument,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let n = sqlx::query(
                    "UPDATE plans SET number = $2, issued_on = $3, basis = $4
                     WHERE id = $1 AND NOT (number IS NOT DISTINCT FROM $2
                       AND issued_on IS NOT DISTINCT FROM $3 AND basis = $4)",
                )
                .bind(plan)
                .bind(&doc.number)
                .bind(doc.issued_on)
                .bind(&doc.basis)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 0 {
                    return Ok(false);
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn plan_tasks(&self, plan: i64) -> $crate::StoreResult<Vec<$crate::TaskRow>> {
                let sql = format!(
                    "{} WHERE t.plan_id = $1 ORDER BY t.group_no, LENGTH(t.code), t.code",
                    $crate::plans_sql::TASK_SELECT
                );
                Ok(sqlx::query_as(&sql)
                .bind(plan)
                .fetch_all(self.reader())
                .await?)
            }

            async fn agencies(&self, unit_id: i64) -> $crate::StoreResult<Vec<$crate::AgencyRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, unit_id, code, name FROM agencies WHERE unit_id = $1 ORDER BY code",
                )
                .bind(unit_id)
                .fetch_all(self.reader())
                .await?)
            }

            async fn all_agencies(&self) -> $crate::StoreResult<Vec<$crate::AgencyRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, unit_id, code, name FROM agencies ORDER BY unit_id, code",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn programmes(&self) -> $crate::StoreResult<Vec<$crate::ProgrammeRow>> {
                Ok(sqlx::query_as("SELECT code, title, period FROM programmes ORDER BY code")
                    .fetch_all(self.reader())
                    .await?)
            }
        }
    };
}
pub(crate) use plans_sql;
