//! The running of a plan's tasks: who leads and supports each (every
//! assignment kept), and the progress reports agencies file per task and
//! period (every filing kept; the latest per task, agency and period is
//! the one in force).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::audit::AuditEvent;

use crate::{StoreResult, TaskRow};

/// A progress report as it is filed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProgress {
    pub task_id: i64,
    pub agency_id: i64,
    /// `2025h1` or `2025`.
    pub period: String,
    /// `not_started`, `under_way` or `done`.
    pub status: String,
    pub summary: String,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    /// In đồng.
    pub budget_spent: Option<i64>,
    pub problems: String,
    pub proposals: String,
}

/// A stored progress report, with its agency's code.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProgressRow {
    pub id: i64,
    pub task_id: i64,
    pub agency_id: i64,
    pub agency_code: String,
    pub period: String,
    pub status: String,
    pub summary: String,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    pub budget_spent: Option<i64>,
    pub problems: String,
    pub proposals: String,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// One assignment of a task's lead and partners.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub task_id: i64,
    pub lead: Option<String>,
    pub partners: String,
    pub assigned_by: String,
    pub assigned_at: DateTime<Utc>,
}

/// The storage of task assignments and progress (a part of [`crate::Store`]).
#[async_trait]
pub trait ProgressStore: Send + Sync {
    async fn task(&self, id: i64) -> StoreResult<Option<TaskRow>>;
    /// Records a new assignment (the audit event's actor assigns).
    async fn assign_task(
        &self,
        task: i64,
        lead: Option<&str>,
        partners: &str,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// Every assignment of a task, oldest first.
    async fn assignments(&self, task: i64) -> StoreResult<Vec<AssignmentRow>>;
    /// Files a report (the audit event's actor writes it) and returns its id.
    async fn file_progress(&self, new: &NewProgress, audit: AuditEvent) -> StoreResult<i64>;
    /// Files many reports in one transaction with one audit entry (the
    /// demo, an import); returns how many were stored.
    async fn load_progress(&self, reports: &[NewProgress], audit: AuditEvent) -> StoreResult<u64>;
    /// Every report filed for a task, by period (a year's first half before
    /// the year), agency, then oldest first.
    async fn task_reports(&self, task: i64) -> StoreResult<Vec<ProgressRow>>;
    /// The reports in force (latest per task, agency and period) of a plan.
    async fn plan_reports(&self, plan: i64) -> StoreResult<Vec<ProgressRow>>;
}

pub(crate) const PROGRESS_SELECT: &str = "SELECT r.id, r.task_id, r.agency_id, g.code AS agency_code, r.period, r.status,
       r.summary, r.sessions, r.people_reached, r.budget_spent, r.problems, r.proposals, r.written_by, r.written_at
     FROM progress_reports r JOIN agencies g ON g.id = r.agency_id";

/// Expands into a backend's `ProgressStore` implementation.
macro_rules! progress_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn insert_progress(
                tx: &mut sqlx::Transaction<'_, $db>,
                new: &$crate::NewProgress,
                written_by: &str,
            ) -> $crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO progress_reports (task_id, agency_id, period, status, summary, sessions,
                       people_reached, budget_spent, problems, proposals, written_by, written_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                )
                .bind(new.task_id)
                .bind(new.agency_id)
                .bind(&new.period)
                .bind(&new.status)
                .bind(&new.summary)
                .bind(new.sessions)
                .bind(new.people_reached)
                .bind(new.budget_spent)
                .bind(&new.problems)
                .bind(&new.proposals)
                .bind(written_by)
                .bind(chrono::Utc::now())
                .fetch_one(&mut **tx)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::ProgressStore for $store {
            async fn task(&self, id: i64) -> $crate::StoreResult<Option<$crate::TaskRow>> {
                let sql = format!("{} WHERE t.id = $1", $crate::plans_sql::TASK_SELECT);
                Ok(sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn assign_task(
                &self,
                task: i64,
                lead: Option<&str>,
                partners: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO task_assignments (task_id, lead, partners, assigned_by, assigned_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(task)
                .bind(lead)
                .bind(partners)
                .bind(&audit.actor)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn assignments(
                &self,
                task: i64,
            ) -> $crate::StoreResult<Vec<$crate::AssignmentRow>> {
                Ok(sqlx::query_as(
                    "SELECT id, task_id, lead, partners, assigned_by, assigned_at
                     FROM task_assignments WHERE task_id = $1 ORDER BY id",
                )
                .bind(task)
                .fetch_all(self.reader())
                .await?)
            }

            async fn file_progress(
                &self,
                new: &$crate::NewProgress,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id = Self::insert_progress(&mut tx, new, &audit.actor).await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn load_progress(
                &self,
                reports: &[$crate::NewProgress],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<u64> {
                let mut tx = self.writer().begin().await?;
                for new in reports {
                    Self::insert_progress(&mut tx, new, &audit.actor).await?;
                }
                let mut audit = audit;
                audit.detail = format!("{} reports", reports.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(reports.len() as u64)
            }

            async fn task_reports(
                &self,
                task: i64,
            ) -> $crate::StoreResult<Vec<$crate::ProgressRow>> {
                let sql = format!(
                    "{} WHERE r.task_id = $1 ORDER BY SUBSTR(r.period, 1, 4), LENGTH(r.period) DESC, g.code, r.id",
                    $crate::progress_sql::PROGRESS_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(task).fetch_all(self.reader()).await?)
            }

            async fn plan_reports(
                &self,
                plan: i64,
            ) -> $crate::StoreResult<Vec<$crate::ProgressRow>> {
                let sql = format!(
                    "{} JOIN plan_tasks t ON t.id = r.task_id
                     WHERE t.plan_id = $1 AND r.id = (SELECT MAX(l.id) FROM progress_reports l
                       WHERE l.task_id = r.task_id AND l.agency_id = r.agency_id AND l.period = r.period)
                     ORDER BY r.task_id, r.period, g.code",
                    $crate::progress_sql::PROGRESS_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(plan).fetch_all(self.reader()).await?)
            }
        }
    };
}
pub(crate) use progress_sql;
