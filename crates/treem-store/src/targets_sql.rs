//! The plan's targets as stored, and their changes.

use chrono::{DateTime, Utc};

/// One milestone.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredTarget {
    pub indicator: String,
    pub year: i64,
    pub value: f64,
}

/// A change of a milestone (`None`: added or removed).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TargetChange {
    pub indicator: String,
    pub year: i64,
    pub previous: Option<f64>,
    pub value: Option<f64>,
    pub changed_at: DateTime<Utc>,
    pub actor: String,
}

/// Expands into a backend's target queries.
macro_rules! targets_sql {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn targets_sql(&self) -> $crate::StoreResult<Vec<$crate::StoredTarget>> {
                Ok(sqlx::query_as("SELECT indicator, year, value FROM indicator_targets ORDER BY indicator, year")
                    .fetch_all(self.reader())
                    .await?)
            }

            pub(crate) async fn set_target_sql(
                &self,
                indicator: &str,
                year: i64,
                value: Option<f64>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let previous: Option<f64> =
                    sqlx::query_scalar("SELECT value FROM indicator_targets WHERE indicator = $1 AND year = $2")
                        .bind(indicator)
                        .bind(year)
                        .fetch_optional(&mut *tx)
                        .await?;
                if previous == value {
                    return Ok(());
                }
                match value {
                    Some(v) => {
                        sqlx::query(
                            "INSERT INTO indicator_targets (indicator, year, value) VALUES ($1, $2, $3)
                             ON CONFLICT (indicator, year) DO UPDATE SET value = excluded.value",
                        )
                        .bind(indicator)
                        .bind(year)
                        .bind(v)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM indicator_targets WHERE indicator = $1 AND year = $2")
                            .bind(indicator)
                            .bind(year)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                sqlx::query(
                    "INSERT INTO indicator_target_changes (indicator, year, previous, value, changed_at, actor)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(indicator)
                .bind(year)
                .bind(previous)
                .bind(value)
                .bind(chrono::Utc::now())
                .bind(&audit.actor)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn target_changes_sql(&self, limit: i64) -> $crate::StoreResult<Vec<$crate::TargetChange>> {
                Ok(sqlx::query_as(
                    "SELECT indicator, year, previous, value, changed_at, actor FROM indicator_target_changes
                     ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use targets_sql;
