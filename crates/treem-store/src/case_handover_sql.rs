//! Handing a case over to another commune (issue 19): in one transaction
//! the case moves to the receiving commune (its number stays), the
//! standings of those who worked it end at the hand-over, the receiving
//! officer is assigned, and the hand-over is kept with its sealed reason.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::audit::AuditEvent;

use crate::StoreResult;

/// A hand-over to record. The caller has checked who may give and take.
#[derive(Debug, Clone)]
pub struct NewHandover {
    /// The commune the case is at (the hand-over fails if it moved since).
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub by_account_id: i64,
    /// Who records it (the granting account's username on the new grant).
    pub by_username: String,
    /// The receiving commune's officer, assigned to the case.
    pub to_account_id: i64,
    pub at: DateTime<Utc>,
    /// Sealed.
    pub reason: Vec<u8>,
}

/// A hand-over as kept.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseHandover {
    pub id: i64,
    pub from_unit_id: i64,
    pub to_unit_id: i64,
    pub by_username: String,
    pub to_username: String,
    pub at: DateTime<Utc>,
    pub reason: Vec<u8>,
}

/// The storage of hand-overs (a part of [`crate::Store`]).
#[async_trait]
pub trait CaseHandoverStore: Send + Sync {
    /// Hands the case over; `Conflict` when it is no longer at
    /// `from_unit_id` (someone handed it over first).
    async fn hand_over_case(
        &self,
        case: i64,
        h: &NewHandover,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// The case's hand-overs, oldest first.
    async fn case_handovers(&self, case: i64) -> StoreResult<Vec<CaseHandover>>;
}

/// Expands into a backend's `CaseHandoverStore` implementation.
macro_rules! case_handover_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::CaseHandoverStore for $store {
            async fn hand_over_case(
                &self,
                case: i64,
                h: &$crate::NewHandover,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let moved = sqlx::query("UPDATE case_files SET unit_id = $1 WHERE id = $2 AND unit_id = $3")
                    .bind(h.to_unit_id)
                    .bind(case)
                    .bind(h.from_unit_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if moved == 0 {
                    return Err($crate::StoreError::Conflict("case_handover".into()));
                }
                // Those who worked the case stand on it no more; the record
                // of their standing stays.
                sqlx::query(
                    "UPDATE case_grants SET until = $1
                     WHERE case_id = $2 AND kind IN ('assigned', 'granted') AND (until IS NULL OR until > $1)",
                )
                .bind(h.at)
                .bind(case)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO case_grants (case_id, account_id, kind, until, reason, granted_by, granted_at)
                     VALUES ($1, $2, 'assigned', NULL, NULL, $3, $4)",
                )
                .bind(case)
                .bind(h.to_account_id)
                .bind(&h.by_username)
                .bind(h.at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO case_handovers (case_id, from_unit_id, to_unit_id, by_account_id, to_account_id, at, reason)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case)
                .bind(h.from_unit_id)
                .bind(h.to_unit_id)
                .bind(h.by_account_id)
                .bind(h.to_account_id)
                .bind(h.at)
                .bind(&h.reason)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn case_handovers(&self, case: i64) -> $crate::StoreResult<Vec<$crate::CaseHandover>> {
                Ok(sqlx::query_as(
                    "SELECT h.id, h.from_unit_id, h.to_unit_id, b.username AS by_username,
                            t.username AS to_username, h.at, h.reason
                     FROM case_handovers h
                     JOIN accounts b ON b.id = h.by_account_id
                     JOIN accounts t ON t.id = h.to_account_id
                     WHERE h.case_id = $1 ORDER BY h.id",
                )
                .bind(case)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use case_handover_sql;
