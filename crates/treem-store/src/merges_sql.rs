//! The SQL of merging two children's records and undoing a merge.
//! Expanded into each backend by `shared_store!` (in `common.rs`), whose
//! `Store` methods call these.

/// The facts a merge moves to the survivor: (table, the ids to move, given
/// the merged record as `$1` and the survivor as `$2`).
pub(crate) const MOVABLE_FACTS: [(&str, &str); 4] = [
    (
        "enrolments",
        "SELECT id FROM enrolments m WHERE child_id = $1 AND NOT EXISTS (
           SELECT 1 FROM enrolments s WHERE s.child_id = $2 AND s.school_year = m.school_year AND s.level = m.level)
         ORDER BY id",
    ),
    (
        "participation",
        "SELECT id FROM participation m WHERE child_id = $1 AND NOT EXISTS (
           SELECT 1 FROM participation s WHERE s.child_id = $2 AND s.date = m.date AND s.kind = m.kind)
         ORDER BY id",
    ),
    ("cases", "SELECT id FROM cases WHERE child_id = $1 AND $2 = $2 ORDER BY id"),
    ("case_files", "SELECT id FROM case_files WHERE child_id = $1 AND $2 = $2 ORDER BY id"),
];

/// Inherent methods of a backend for merges of children's records.
macro_rules! merges_sql {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn merge_children_sql(
                &self,
                survivor: i64,
                merged: i64,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                if survivor == merged {
                    return Err($crate::StoreError::Conflict("same record".into()));
                }
                let mut tx = self.writer().begin().await?;
                for id in [survivor, merged] {
                    let state: Option<Option<i64>> = sqlx::query_scalar("SELECT merged_into FROM children WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    match state {
                        None => return Err($crate::StoreError::NotFound),
                        Some(Some(_)) => return Err($crate::StoreError::Conflict("already merged".into())),
                        Some(None) => {}
                    }
                }
                let moved: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM measurements WHERE child_id = $1
                       AND measured_on NOT IN (SELECT measured_on FROM measurements WHERE child_id = $2) ORDER BY id",
                )
                .bind(merged)
                .bind(survivor)
                .fetch_all(&mut *tx)
                .await?;
                for m in &moved {
                    sqlx::query("UPDATE measurements SET child_id = $1 WHERE id = $2")
                        .bind(survivor)
                        .bind(m)
                        .execute(&mut *tx)
                        .await?;
                }
                // The other facts follow the child, except where the survivor
                // already has the same school year and level, or the same
                // activity on the same day (those stay, and still count for
                // the survivor through `merged_into`).
                let mut facts = serde_json::Map::new();
                for (table, select) in $crate::merges_sql::MOVABLE_FACTS {
                    let ids: Vec<i64> = sqlx::query_scalar(select).bind(merged).bind(survivor).fetch_all(&mut *tx).await?;
                    for id in &ids {
                        sqlx::query(&format!("UPDATE {table} SET child_id = $1 WHERE id = $2"))
                            .bind(survivor)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    facts.insert(table.to_string(), serde_json::json!(ids));
                }
                sqlx::query("UPDATE children SET merged_into = $1, version = version + 1 WHERE id = $2")
                    .bind(survivor)
                    .bind(merged)
                    .execute(&mut *tx)
                    .await?;
                let moved_json = serde_json::to_string(&moved).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let facts_json = serde_json::Value::Object(facts).to_string();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO merges (survivor_id, merged_id, merged_at, actor, moved_measurements, moved_facts)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(survivor)
                .bind(merged)
                .bind(chrono::Utc::now())
                .bind(&audit.actor)
                .bind(moved_json)
                .bind(facts_json)
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                audit.detail = format!("child {merged} into {survivor}, {} measurements moved", moved.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            pub(crate) async fn unmerge_sql(&self, merge: i64, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let m: $crate::Merge = sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges WHERE id = $1",
                )
                .bind(merge)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or($crate::StoreError::NotFound)?;
                if m.undone_at.is_some() {
                    return Err($crate::StoreError::Conflict("already undone".into()));
                }
                let moved: Vec<i64> =
                    serde_json::from_str(&m.moved_measurements).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                for id in &moved {
                    sqlx::query("UPDATE measurements SET child_id = $1 WHERE id = $2 AND child_id = $3")
                        .bind(m.merged_id)
                        .bind(id)
                        .bind(m.survivor_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let facts: String = sqlx::query_scalar("SELECT moved_facts FROM merges WHERE id = $1")
                    .bind(merge)
                    .fetch_one(&mut *tx)
                    .await?;
                let facts: std::collections::BTreeMap<String, Vec<i64>> =
                    serde_json::from_str(&facts).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                for (table, _) in $crate::merges_sql::MOVABLE_FACTS {
                    for id in facts.get(table).into_iter().flatten() {
                        sqlx::query(&format!("UPDATE {table} SET child_id = $1 WHERE id = $2 AND child_id = $3"))
                            .bind(m.merged_id)
                            .bind(id)
                            .bind(m.survivor_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                sqlx::query("UPDATE children SET merged_into = NULL, version = version + 1 WHERE id = $1")
                    .bind(m.merged_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE merges SET undone_at = $1 WHERE id = $2")
                    .bind(chrono::Utc::now())
                    .bind(merge)
                    .execute(&mut *tx)
                    .await?;
                let mut audit = audit;
                audit.record_id = merge.to_string();
                audit.detail = format!("child {} out of {}", m.merged_id, m.survivor_id);
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn merge_sql(&self, id: i64) -> $crate::StoreResult<Option<$crate::Merge>> {
                Ok(sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?)
            }

            pub(crate) async fn merges_of_sql(&self, child: i64) -> $crate::StoreResult<Vec<$crate::Merge>> {
                Ok(sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges
                     WHERE survivor_id = $1 OR merged_id = $1 ORDER BY id DESC",
                )
                .bind(child)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use merges_sql;
