//! The ID verification round with the commune police (issue 21): the
//! children a list may hold with what the police need, who holds a number,
//! the returned list stored all at once (a changed number with the child's
//! history), and how complete the link is per unit.

use async_trait::async_trait;
use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;

use crate::{Scope, StoreResult};

/// A child as the police list needs her, with her number's standing.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IdChild {
    pub id: i64,
    pub child_id: String,
    pub national_id: Option<String>,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub ethnicity: Option<String>,
    pub unit_id: i64,
    pub village: Option<String>,
    pub mother_name: Option<String>,
    pub father_name: Option<String>,
    pub version: i64,
    pub national_id_verified: Option<String>,
    pub national_id_verified_by: Option<String>,
    pub national_id_verified_on: Option<NaiveDate>,
    pub national_id_result: Option<String>,
    /// Another record (not merged away) holds the same number.
    pub shared: bool,
}

/// One returned row to store.
#[derive(Debug, Clone)]
pub struct IdVerification {
    pub child: i64,
    /// The record's version when the list was checked (a record changed
    /// since makes the whole import stale).
    pub expected_version: i64,
    /// `match`, `corrected` or `not_found`.
    pub result: String,
    /// The verified number (none when not found).
    pub number: Option<String>,
}

/// The storage of the ID verification round (a part of [`crate::Store`]).
#[async_trait]
pub trait IdStore: Send + Sync {
    /// The children within `scope` (of one village if given), living there
    /// and not merged away, born after `born_after` (under 16), by village
    /// then name.
    async fn id_children(
        &self,
        scope: &Scope,
        village: Option<&str>,
        born_after: NaiveDate,
    ) -> StoreResult<Vec<IdChild>>;
    /// The records by code (not merged away), whatever their unit.
    async fn id_children_by_code(&self, codes: &[String]) -> StoreResult<Vec<IdChild>>;
    /// Who holds these numbers: (number, record id, child code), records
    /// not merged away.
    async fn national_id_holders(
        &self,
        numbers: &[String],
    ) -> StoreResult<Vec<(String, i64, String)>>;
    /// How complete the link is, per unit: (unit id, children with a
    /// verified number, with a number not verified, without a number),
    /// among the children within `scope`, living there and not merged
    /// away, born after `born_after`.
    async fn id_link_counts(
        &self,
        scope: &Scope,
        born_after: NaiveDate,
    ) -> StoreResult<Vec<(i64, i64, i64, i64)>>;
    /// Stores a returned list in one transaction: each child's result, the
    /// verified number with who verified it and when, and a changed number
    /// with the child's history. `Stale` when a record changed since.
    /// How many numbers changed.
    async fn record_id_verifications(
        &self,
        rows: &[IdVerification],
        by: &str,
        on: NaiveDate,
        audit: AuditEvent,
    ) -> StoreResult<usize>;
}

/// The three counts of the ID link's figure per unit (a verified number,
/// one not verified, none), as SQL (shared with the kept figures).
macro_rules! link_sums {
    () => {
        "SUM(CASE WHEN national_id <> '' AND national_id_verified = national_id THEN 1 ELSE 0 END),
         SUM(CASE WHEN national_id <> '' AND (national_id_verified IS NULL OR national_id_verified <> national_id)
            THEN 1 ELSE 0 END),
         SUM(CASE WHEN national_id IS NULL OR national_id = '' THEN 1 ELSE 0 END)"
    };
}

pub(crate) use link_sums;

/// Expands into a backend's `IdStore` implementation.
macro_rules! ids_sql {
    ($store:ty, in_ids: $in_ids:literal, codes_in: $codes:literal) => {
        #[async_trait::async_trait]
        impl $crate::IdStore for $store {
            async fn id_children(
                &self,
                scope: &$crate::Scope,
                village: Option<&str>,
                born_after: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::IdChild>> {
                let (all, ids) = scope.as_params();
                let sql = format!(
                    concat!(
                        "SELECT {} FROM children c
                         WHERE c.merged_into IS NULL AND c.status = 'active' AND c.date_of_birth > $3
                           AND ($1 OR c.unit_id", $in_ids, ")
                           AND ($4 IS NULL OR c.village = $4)
                         ORDER BY c.village, c.name_sort, c.id"
                    ),
                    $crate::ids_sql::ID_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                .bind(all)
                .bind(ids)
                .bind(born_after)
                .bind(village)
                .fetch_all(self.reader())
                .await?)
            }

            async fn id_link_counts(
                &self,
                scope: &$crate::Scope,
                born_after: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<(i64, i64, i64, i64)>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT unit_id, ", $crate::ids_sql::link_sums!(), "
                     FROM children
                     WHERE merged_into IS NULL AND status = 'active' AND date_of_birth > $3
                       AND ($1 OR unit_id", $in_ids, ")
                     GROUP BY unit_id ORDER BY unit_id"
                ))
                .bind(all)
                .bind(ids)
                .bind(born_after)
                .fetch_all(self.reader())
                .await?)
            }

            async fn id_children_by_code(&self, codes: &[String]) -> $crate::StoreResult<Vec<$crate::IdChild>> {
                let list = serde_json::to_string(codes).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let sql = format!(
                    concat!(
                        "SELECT {} FROM children c WHERE c.merged_into IS NULL AND c.child_id IN (",
                        $codes,
                        ")"
                    ),
                    $crate::ids_sql::ID_COLUMNS
                );
                Ok(sqlx::query_as(&sql)
                .bind(list)
                .fetch_all(self.reader())
                .await?)
            }

            async fn national_id_holders(
                &self,
                numbers: &[String],
            ) -> $crate::StoreResult<Vec<(String, i64, String)>> {
                let list = serde_json::to_string(numbers).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                Ok(sqlx::query_as(concat!(
                    "SELECT national_id, id, child_id FROM children
                     WHERE merged_into IS NULL AND national_id IN (", $codes, ")"
                ))
                .bind(list)
                .fetch_all(self.reader())
                .await?)
            }

            async fn record_id_verifications(
                &self,
                rows: &[$crate::IdVerification],
                by: &str,
                on: chrono::NaiveDate,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<usize> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                let mut changed = 0;
                for r in rows {
                    let sql = format!("SELECT {} FROM children WHERE id = $1", $crate::rows::CHILD_DETAIL_COLUMNS);
                    let current: $crate::ChildDetail = sqlx::query_as(&sql)
                        .bind(r.child)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or($crate::StoreError::NotFound)?;
                    if current.version != r.expected_version || current.merged_into.is_some() {
                        return Err($crate::StoreError::Stale(current.version));
                    }
                    if let Some(number) = r.number.as_ref().filter(|n| current.national_id.as_ref() != Some(*n)) {
                        // The number as the police verified it, kept with the
                        // record's history like any other change.
                        let mut next = current.clone();
                        next.national_id = Some(number.clone());
                        sqlx::query(
                            "UPDATE children SET national_id = $1, search_text = $2, version = version + 1, updated_at = $3
                             WHERE id = $4 AND version = $5",
                        )
                        .bind(number)
                        .bind($crate::rows::detail_search_text(&next))
                        .bind(now)
                        .bind(r.child)
                        .bind(current.version)
                        .execute(&mut *tx)
                        .await?;
                        let previous = serde_json::to_string(&current)
                            .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                        sqlx::query(
                            "INSERT INTO child_versions (child_id, version, changed_at, actor, previous, changed_fields)
                             VALUES ($1, $2, $3, $4, $5, 'national_id')",
                        )
                        .bind(r.child)
                        .bind(current.version)
                        .bind(now)
                        .bind(&audit.actor)
                        .bind(previous)
                        .execute(&mut *tx)
                        .await?;
                        changed += 1;
                    }
                    sqlx::query(
                        "UPDATE children SET national_id_verified = $1, national_id_verified_by = $2,
                            national_id_verified_on = $3, national_id_result = $4
                         WHERE id = $5",
                    )
                    .bind(&r.number)
                    .bind(by)
                    .bind(on)
                    .bind(&r.result)
                    .bind(r.child)
                    .execute(&mut *tx)
                    .await?;
                }
                let mut audit = audit;
                audit.detail = format!("{} rows, {changed} numbers changed", rows.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(changed)
            }
        }
    };
}

pub(crate) use ids_sql;

/// The columns of an [`IdChild`] (`c` the child's row).
pub(crate) const ID_COLUMNS: &str = "c.id, c.child_id, c.national_id, c.full_name, c.sex, c.date_of_birth,
    c.ethnicity, c.unit_id, c.village, c.mother_name, c.father_name, c.version, c.national_id_verified,
    c.national_id_verified_by, c.national_id_verified_on, c.national_id_result,
    (c.national_id IS NOT NULL AND EXISTS (SELECT 1 FROM children o WHERE o.national_id = c.national_id
       AND o.id <> c.id AND o.merged_into IS NULL)) AS shared";
