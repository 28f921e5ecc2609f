//! Withdrawing the last step of a case: the step stays, marked withdrawn
//! with who, when and the sealed reason; the case's record and its
//! exchange row take the values the remaining steps give (computed by the
//! caller with `treem_domain::cases::derived`).

use chrono::{DateTime, NaiveDate, Utc};

/// A withdrawal to record.
#[derive(Debug, Clone)]
pub struct StepWithdrawal {
    /// The step withdrawn: it must be the case's last step still standing.
    pub step_id: i64,
    pub by: i64,
    pub at: DateTime<Utc>,
    /// Sealed as `withdrawn_reason`.
    pub reason: Vec<u8>,
}

/// The case's record once the step is withdrawn.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub step: String,
    pub risk_level: Option<String>,
    pub emergency_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the step the case is back at was taken.
    pub step_at: DateTime<Utc>,
    pub intervention_on: Option<NaiveDate>,
}

/// A withdrawn step, for the case's history.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WithdrawnStep {
    pub id: i64,
    pub step: String,
    pub at: DateTime<Utc>,
    pub author: String,
    pub withdrawn_at: DateTime<Utc>,
    pub withdrawn_by: String,
    pub withdrawn_reason: Vec<u8>,
}

/// Expands into a backend's withdrawal methods.
macro_rules! case_withdrawal_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            pub(crate) async fn withdraw_case_step_sql(
                &self,
                case: i64,
                w: &$crate::StepWithdrawal,
                after: &$crate::CaseRecord,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                // Only the last step still standing, never the report itself;
                // the guard also stops two people withdrawing at once.
                let done = sqlx::query(
                    "UPDATE case_steps SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3
                     WHERE id = $4 AND case_id = $5 AND withdrawn_at IS NULL AND step <> 'received'
                       AND id = (SELECT MAX(id) FROM case_steps WHERE case_id = $5 AND withdrawn_at IS NULL)",
                )
                .bind(w.at)
                .bind(w.by)
                .bind(&w.reason)
                .bind(w.step_id)
                .bind(case)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done == 0 {
                    return Err($crate::StoreError::Conflict("case_step".into()));
                }
                sqlx::query(
                    "UPDATE case_files SET step = $1, risk_level = $2, emergency_at = $3, plan_at = $4, closed_at = $5,
                        step_at = $7
                     WHERE id = $6",
                )
                .bind(&after.step)
                .bind(&after.risk_level)
                .bind(after.emergency_at)
                .bind(after.plan_at)
                .bind(after.closed_at)
                .bind(case)
                .bind(after.step_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE cases SET intervention_started_on = $1, closed_on = $2
                     WHERE id = (SELECT exchange_id FROM case_files WHERE id = $3)",
                )
                .bind(after.intervention_on)
                .bind(after.closed_at.map(treem_domain::clock::vn_date))
                .bind(case)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn withdrawn_case_steps_sql(
                &self,
                case: i64,
            ) -> $crate::StoreResult<Vec<$crate::WithdrawnStep>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, s.step, s.at, a.username AS author, s.withdrawn_at, w.username AS withdrawn_by,
                       s.withdrawn_reason
                     FROM case_steps s JOIN accounts a ON a.id = s.author_id JOIN accounts w ON w.id = s.withdrawn_by
                     WHERE s.case_id = $1 AND s.withdrawn_at IS NOT NULL ORDER BY s.id",
                )
                .bind(case)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use case_withdrawal_sql;
