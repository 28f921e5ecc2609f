//! The periodic report's drafts (issue 19): each section an officer wrote
//! for a unit and period. Saving writes the sections given (an empty text
//! removes one) and says how many changed.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::AuditEvent;

use crate::StoreResult;

/// A section as saved.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DraftSection {
    pub section: String,
    pub body: String,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// The storage of report drafts (a part of [`crate::Store`]).
#[async_trait]
pub trait ReportDraftStore: Send + Sync {
    /// A unit's saved sections for a period.
    async fn report_draft(&self, unit_id: i64, period: &str) -> StoreResult<Vec<DraftSection>>;
    /// Saves sections (section, text); an empty text removes the section.
    /// How many changed.
    async fn save_report_draft(
        &self,
        unit_id: i64,
        period: &str,
        sections: &[(String, String)],
        audit: AuditEvent,
    ) -> StoreResult<u64>;
    /// The children under 16 on `on`, living then (not dead nor moved
    /// away before it), who belong to a special-circumstance group:
    /// (unit id, group codes `;` between, whether a protection case's
    /// support or intervention had begun for the child by `on`). Counts for
    /// the report; no names.
    async fn special_circumstances_on(
        &self,
        on: NaiveDate,
    ) -> StoreResult<Vec<(i64, String, bool)>>;
}

/// Expands into a backend's `ReportDraftStore` implementation.
macro_rules! report_drafts_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::ReportDraftStore for $store {
            async fn report_draft(
                &self,
                unit_id: i64,
                period: &str,
            ) -> $crate::StoreResult<Vec<$crate::DraftSection>> {
                Ok(sqlx::query_as(
                    "SELECT section, body, written_by, written_at FROM report_drafts
                     WHERE unit_id = $1 AND period = $2 ORDER BY section",
                )
                .bind(unit_id)
                .bind(period)
                .fetch_all(self.reader())
                .await?)
            }

            async fn special_circumstances_on(
                &self,
                on: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<(i64, String, bool)>> {
                let born_after = on
                    .checked_sub_months(chrono::Months::new(16 * 12))
                    .unwrap_or(on);
                Ok(sqlx::query_as(
                    "SELECT unit_id, special_circumstances,
                            EXISTS (SELECT 1 FROM cases k WHERE k.child_id = children.id
                                    AND k.intervention_started_on <= $1) AS supported
                     FROM children
                     WHERE special_circumstances <> '' AND merged_into IS NULL
                       AND date_of_birth <= $1 AND date_of_birth > $2
                       AND (status = 'active' OR status_date > $1)",
                )
                .bind(on)
                .bind(born_after)
                .fetch_all(self.reader())
                .await?)
            }

            async fn save_report_draft(
                &self,
                unit_id: i64,
                period: &str,
                sections: &[(String, String)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<u64> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                let mut changed = 0;
                for (section, body) in sections {
                    let old: Option<String> = sqlx::query_scalar(
                        "SELECT body FROM report_drafts WHERE unit_id = $1 AND period = $2 AND section = $3",
                    )
                    .bind(unit_id)
                    .bind(period)
                    .bind(section)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if old.as_deref().unwrap_or("") == body.as_str() {
                        continue;
                    }
                    changed += 1;
                    if body.is_empty() {
                        sqlx::query(
                            "DELETE FROM report_drafts WHERE unit_id = $1 AND period = $2 AND section = $3",
                        )
                        .bind(unit_id)
                        .bind(period)
                        .bind(section)
                        .execute(&mut *tx)
                        .await?;
                        continue;
                    }
                    sqlx::query(
                        "INSERT INTO report_drafts (unit_id, period, section, body, written_by, written_at)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (unit_id, period, section) DO UPDATE SET body = excluded.body,
                           written_by = excluded.written_by, written_at = excluded.written_at",
                    )
                    .bind(unit_id)
                    .bind(period)
                    .bind(section)
                    .bind(body)
                    .bind(&audit.actor)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                if changed > 0 {
                    Self::append_audit(&mut tx, audit).await?;
                }
                tx.commit().await?;
                Ok(changed)
            }
        }
    };
}

pub(crate) use report_drafts_sql;
