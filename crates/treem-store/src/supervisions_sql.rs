//! Supervisions and inspections of a plan, and their recommendations as
//! follow-up items (module 7). A recommendation is closed once, with what
//! was done; nothing is deleted.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::AuditEvent;

use crate::StoreResult;

/// A supervision as it is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSupervision {
    pub plan_id: i64,
    /// `council`, `front`, `party` or `committee`.
    pub kind: String,
    pub body: String,
    pub held_on: NaiveDate,
    pub visited: String,
    pub findings: String,
}

/// A stored supervision.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SupervisionRow {
    pub id: i64,
    pub plan_id: i64,
    /// Its key within the plan in a data set (`GS-12` when recorded here).
    pub code: String,
    pub kind: String,
    pub body: String,
    pub held_on: NaiveDate,
    pub visited: String,
    pub findings: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A stored recommendation, with its supervision's plan.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RecommendationRow {
    pub id: i64,
    pub supervision_id: i64,
    /// Its number within the supervision (1, 2…).
    pub seq: i64,
    pub plan_id: i64,
    pub text: String,
    /// An agency code of the plan's unit.
    pub owner: String,
    pub due: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub closed_note: Option<String>,
    pub closed_by: Option<String>,
}

/// The storage of supervisions (a part of [`crate::Store`]).
#[async_trait]
pub trait SupervisionStore: Send + Sync {
    /// Records a supervision with its recommendations (text, owner, due) in
    /// one transaction (the audit event's actor records it).
    async fn record_supervision(
        &self,
        new: &NewSupervision,
        recommendations: &[(String, String, NaiveDate)],
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// A plan's supervisions, latest first.
    async fn supervisions(&self, plan: i64) -> StoreResult<Vec<SupervisionRow>>;
    async fn supervision(&self, id: i64) -> StoreResult<Option<SupervisionRow>>;
    /// Adds a recommendation to a supervision.
    async fn add_recommendation(
        &self,
        supervision: i64,
        text: &str,
        owner: &str,
        due: NaiveDate,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// Closes an open recommendation with what was done (the audit event's
    /// actor closes it); `false` when it was already closed.
    async fn close_recommendation(
        &self,
        id: i64,
        closed_on: NaiveDate,
        note: &str,
        audit: AuditEvent,
    ) -> StoreResult<bool>;
    async fn recommendation(&self, id: i64) -> StoreResult<Option<RecommendationRow>>;
    /// The recommendations of a plan's supervisions, by due date.
    async fn plan_recommendations(&self, plan: i64) -> StoreResult<Vec<RecommendationRow>>;
}

pub(crate) const RECOMMENDATION_SELECT: &str =
    "SELECT r.id, r.supervision_id, r.seq, s.plan_id, r.text, r.owner, r.due, r.closed_on,
       r.closed_note, r.closed_by
     FROM recommendations r JOIN supervisions s ON s.id = r.supervision_id";

pub(crate) const SUPERVISION_SELECT: &str =
    "SELECT id, plan_id, code, kind, body, held_on, visited, findings, recorded_by, recorded_at
     FROM supervisions";

/// Expands into a backend's `SupervisionStore` implementation.
macro_rules! supervisions_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn insert_recommendation(
                tx: &mut sqlx::Transaction<'_, $db>,
                supervision: i64,
                text: &str,
                owner: &str,
                due: chrono::NaiveDate,
            ) -> $crate::StoreResult<i64> {
                Ok(sqlx::query_scalar(
                    "INSERT INTO recommendations (supervision_id, seq, text, owner, due)
                     VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM recommendations WHERE supervision_id = $1),
                       $2, $3, $4) RETURNING id",
                )
                .bind(supervision)
                .bind(text)
                .bind(owner)
                .bind(due)
                .fetch_one(&mut **tx)
                .await?)
            }
        }

        #[async_trait::async_trait]
        impl $crate::SupervisionStore for $store {
            async fn record_supervision(
                &self,
                new: &$crate::NewSupervision,
                recommendations: &[(String, String, chrono::NaiveDate)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO supervisions (plan_id, kind, body, held_on, visited, findings, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(new.plan_id)
                .bind(&new.kind)
                .bind(&new.body)
                .bind(new.held_on)
                .bind(&new.visited)
                .bind(&new.findings)
                .bind(&audit.actor)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                // Its code in the plan: `GS-` and its number, unless an
                // imported supervision of the plan already has that code.
                let mut code = format!("GS-{id}");
                let mut n = 1;
                while sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM supervisions WHERE plan_id = $1 AND code = $2",
                )
                .bind(new.plan_id)
                .bind(&code)
                .fetch_one(&mut *tx)
                .await?
                    > 0
                {
                    n += 1;
                    code = format!("GS-{id}-{n}");
                }
                sqlx::query("UPDATE supervisions SET code = $1 WHERE id = $2")
                    .bind(&code)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for (text, owner, due) in recommendations {
                    Self::insert_recommendation(&mut tx, id, text, owner, *due).await?;
                }
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn supervisions(
                &self,
                plan: i64,
            ) -> $crate::StoreResult<Vec<$crate::SupervisionRow>> {
                let sql = format!(
                    "{} WHERE plan_id = $1 ORDER BY held_on DESC, id DESC",
                    $crate::supervisions_sql::SUPERVISION_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(plan).fetch_all(self.reader()).await?)
            }

            async fn supervision(
                &self,
                id: i64,
            ) -> $crate::StoreResult<Option<$crate::SupervisionRow>> {
                let sql = format!(
                    "{} WHERE id = $1",
                    $crate::supervisions_sql::SUPERVISION_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?)
            }

            async fn add_recommendation(
                &self,
                supervision: i64,
                text: &str,
                owner: &str,
                due: chrono::NaiveDate,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id = Self::insert_recommendation(&mut tx, supervision, text, owner, due).await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn close_recommendation(
                &self,
                id: i64,
                closed_on: chrono::NaiveDate,
                note: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE recommendations SET closed_on = $1, closed_note = $2, closed_by = $3
                     WHERE id = $4 AND closed_on IS NULL",
                )
                .bind(closed_on)
                .bind(note)
                .bind(&audit.actor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn recommendation(
                &self,
                id: i64,
            ) -> $crate::StoreResult<Option<$crate::RecommendationRow>> {
                let sql = format!(
                    "{} WHERE r.id = $1",
                    $crate::supervisions_sql::RECOMMENDATION_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?)
            }

            async fn plan_recommendations(
                &self,
                plan: i64,
            ) -> $crate::StoreResult<Vec<$crate::RecommendationRow>> {
                let sql = format!(
                    "{} WHERE s.plan_id = $1 ORDER BY r.due, r.id",
                    $crate::supervisions_sql::RECOMMENDATION_SELECT
                );
                Ok(sqlx::query_as(&sql).bind(plan).fetch_all(self.reader()).await?)
            }
        }
    };
}
pub(crate) use supervisions_sql;
