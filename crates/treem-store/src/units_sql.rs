//! The SQL of the unit list: reading every unit version, and applying a
//! merge (changed versions with their previous state kept, new versions
//! added) in one audited transaction.
//! Expanded into each backend by `shared_store!` (in `common.rs`), whose
//! `Store` methods call these.

/// Inherent methods of a backend for units.
macro_rules! units_sql {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn units_sql(&self) -> $crate::StoreResult<Vec<$crate::StoredUnit>> {
                let sql = format!("SELECT {} FROM units ORDER BY id", $crate::rows::UNIT_COLUMNS);
                let rows: Vec<$crate::rows::UnitRow> =
                    sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                rows.into_iter().map(|r| r.into_stored()).collect()
            }

            pub(crate) async fn apply_unit_merge_sql(
                &self,
                merge: &treem_domain::unit_file::UnitMerge,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                for (old, new) in &merge.changed {
                    let id: i64 = sqlx::query_scalar(
                        "SELECT id FROM units WHERE code = $1 AND valid_from IS NOT DISTINCT FROM $2",
                    )
                    .bind(&old.code)
                    .bind(old.valid_from)
                    .fetch_one(&mut *tx)
                    .await?;
                    let previous = serde_json::to_string(old)
                        .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    sqlx::query("INSERT INTO unit_changes (unit_id, changed_at, previous) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(now)
                        .bind(previous)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "UPDATE units SET name = $1, level = $2, parent_code = $3, valid_to = $4,
                         successor_code = $5, note = $6 WHERE id = $7",
                    )
                    .bind(&new.name)
                    .bind(new.level.as_str())
                    .bind(&new.parent_code)
                    .bind(new.valid_to)
                    .bind(&new.successor_code)
                    .bind(&new.note)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                for u in &merge.added {
                    sqlx::query(
                        "INSERT INTO units (code, name, level, parent_code, valid_from, valid_to, successor_code, note)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&u.code)
                    .bind(&u.name)
                    .bind(u.level.as_str())
                    .bind(&u.parent_code)
                    .bind(u.valid_from)
                    .bind(u.valid_to)
                    .bind(&u.successor_code)
                    .bind(&u.note)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use units_sql;
