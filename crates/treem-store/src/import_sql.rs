//! The import transaction of both backends (see `ImportTx`), written once
//! and expanded per backend like the rest of the shared SQL.

/// From this many rows written, an import refreshes the planner's
/// statistics once committed (PostgreSQL's `ANALYZE`).
pub(crate) const LARGE_IMPORT: u64 = 50_000;

/// Below this many stored children an import is a bulk load: it sets
/// aside what grows row by row (see `Bulk`) and puts it back at the end.
pub(crate) const BULK_BELOW: i64 = 100_000;

/// What a bulk load sets aside. Into a small registry, building secondary
/// indexes once at the end is much faster than growing them row by row, and
/// a trigger run once for every row costs more than its work done once for
/// all of them; in a large registry rebuilding would cost more than it saves.
/// Everything is dropped and made again inside the import's transaction, as
/// the database's catalogue holds it (so as the migrations made it): a
/// failed import rolls the drops back with the rows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bulk {
    /// A query of the objects set aside: each a `DROP` statement and the
    /// statement that makes the object again.
    pub objects: &'static str,
    /// Run once the objects are back: what the triggers set aside would
    /// have done, for every row at once.
    pub after: &'static [&'static str],
}

/// Children per statement (fact rows: four times as many).
pub(crate) const BATCH_ROWS: usize = 1000;

/// Expands into a backend's import transaction type and `begin_import`.
macro_rules! import_sql {
    (
        $store:ty,
        $db:ty,
        $tx:ident,
        texts_in: $texts:literal,
        agg: $agg:literal,
        rows: $rows:ident,
        setup: $setup:expr,
        finish: $finish:expr,
        after_large: $after:expr,
        bulk: $bulk:expr,
        child_unit: $child_unit:expr
    ) => {
        /// An import in progress (see `ImportTx`).
        pub struct $tx {
            tx: sqlx::Transaction<'static, $db>,
            /// What a bulk load set aside (`DROP` and making statements),
            /// to make again at the end.
            rebuild: Vec<(String, String)>,
            /// Rows written so far (children and facts).
            written: u64,
            /// Where `after_large` runs once committed.
            pool: sqlx::Pool<$db>,
        }

        impl $store {
            pub(crate) async fn begin_import_sql(&self) -> $crate::StoreResult<Box<dyn $crate::ImportTx>> {
                let mut tx = self.writer().begin().await?;
                let setup: &[&str] = $setup;
                for sql in setup {
                    sqlx::query(sql).execute(&mut *tx).await?;
                }
                let bulk: $crate::import_sql::Bulk = $bulk;
                // (Counted only as far as the limit: a large registry is
                // not counted through.)
                let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM children LIMIT $1) AS c")
                    .bind($crate::import_sql::BULK_BELOW)
                    .fetch_one(&mut *tx)
                .await?;
                let mut rebuild = Vec::new();
                if stored < $crate::import_sql::BULK_BELOW {
                    rebuild = sqlx::query_as::<_, (String, String)>(bulk.objects).fetch_all(&mut *tx).await?;
                    for (drop, _) in &rebuild {
                        sqlx::query(drop).execute(&mut *tx).await?;
                    }
                }
                let pool = self.writer().clone();
                Ok(Box::new($tx { tx, rebuild, written: 0, pool }))
            }
        }

        impl $tx {
            /// Inserts the children whose code is new, created at `now`;
            /// returns how many (the others are already stored).
            async fn insert_new_children(
                &mut self,
                rows: &[$crate::NewChild],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<u64> {
                use $crate::Value as V;
                let values: Vec<Vec<V>> = rows
                    .iter()
                    .map(|n| {
                        let c = &n.child;
                        let t = |s: &Option<String>| V::Text(s.clone());
                        vec![
                            V::Text(Some(c.child_id.clone())),
                            t(&c.national_id),
                            V::Text(Some(c.full_name.clone())),
                            V::Text(Some(n.name_folded.clone())),
                            V::Text(Some(n.name_sort.clone())),
                            V::Text(Some(c.sex.code().to_string())),
                            V::Date(Some(c.date_of_birth)),
                            t(&c.ethnicity),
                            V::Int(Some(n.unit_id)),
                            t(&c.village),
                            V::Bool(c.birth_registered),
                            V::Date(c.birth_registration_date),
                            t(&c.mother_name),
                            t(&c.father_name),
                            t(&c.caregiver_name),
                            t(&c.caregiver_phone),
                            V::Text(c.household_poverty.map(|p| p.code().to_string())),
                            V::Text(Some(c.special_circumstances.join(";"))),
                            V::Text(Some(c.status.code().to_string())),
                            V::Date(c.status_date),
                            V::Text(Some(n.search_text.clone())),
                        ]
                    })
                    .collect();
                let Some(first) = values.first() else {
                    return Ok(0);
                };
                const COLUMNS: &str = "child_id, national_id, full_name, name_folded, name_sort, sex, date_of_birth,
                       ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name,
                       caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date,
                       search_text, created_at, updated_at";
                let kinds = $crate::import_rows::kinds(first);
                let sql = format!(
                    "INSERT INTO children ({COLUMNS}) {} ON CONFLICT (child_id) DO NOTHING",
                    $crate::import_rows::$rows::sql(&kinds, values.len(), 2)
                );
                let q = $crate::import_rows::$rows::bind(sqlx::query(&sql), &values, &[now, now])?;
                Ok(q.execute(&mut *self.tx).await?.rows_affected())
            }

            async fn update_child(
                &mut self,
                current: &$crate::ChildDetail,
                c: &treem_domain::child::Child,
                unit: i64,
                changed: &[&str],
                actor: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                let query = sqlx::query(
                    "UPDATE children SET child_id = $1, national_id = $2, full_name = $3, name_folded = $4, name_sort = $5,
                       sex = $6, date_of_birth = $7, ethnicity = $8, unit_id = $9, village = $10, birth_registered = $11,
                       birth_registration_date = $12, mother_name = $13, father_name = $14, caregiver_name = $15,
                       caregiver_phone = $16, household_poverty = $17, special_circumstances = $18, status = $19,
                       status_date = $20, version = version + 1, updated_at = $21, search_text = $23
                     WHERE id = $22",
                );
                bind_child!(query, c, unit)
                    .bind(now)
                    .bind(current.id)
                    .bind(treem_domain::child::search_text(c))
                    .execute(&mut *self.tx)
                    .await?;
                let previous = serde_json::to_string(current).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO child_versions (child_id, version, changed_at, actor, previous, changed_fields)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(current.id)
                .bind(current.version)
                .bind(now)
                .bind(actor)
                .bind(previous)
                .bind(changed.join(";"))
                .execute(&mut *self.tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::ImportTx for $tx {
            async fn upsert_children(
                &mut self,
                rows: &[$crate::NewChild],
                actor: &str,
            ) -> $crate::StoreResult<$crate::Upserted> {
                let now = chrono::Utc::now();
                let mut done = $crate::Upserted::default();
                for chunk in rows.chunks($crate::import_sql::BATCH_ROWS) {
                    // New codes go in at once; only the others need reading:
                    // those stored before this statement, which did not
                    // write them now.
                    let inserted = self.insert_new_children(chunk, now).await?;
                    done.written += inserted;
                    if inserted == chunk.len() as u64 {
                        continue;
                    }
                    let codes: Vec<&str> = chunk.iter().map(|n| n.child.child_id.as_str()).collect();
                    let json = serde_json::to_string(&codes).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    let sql = format!(
                        concat!("SELECT {} FROM children WHERE child_id IN (", $texts, ") AND created_at <> $2"),
                        $crate::rows::CHILD_DETAIL_COLUMNS
                    );
                    let stored: Vec<$crate::ChildDetail> =
                        sqlx::query_as(&sql).bind(json).bind(now).fetch_all(&mut *self.tx).await?;
                    let by_code: std::collections::HashMap<&str, &$crate::ChildDetail> =
                        stored.iter().map(|d| (d.child_id.as_str(), d)).collect();
                    let mut updated = 0;
                    for n in chunk {
                        let Some(current) = by_code.get(n.child.child_id.as_str()) else {
                            continue;
                        };
                        let changed = $crate::rows::child_changes(current, &n.child, n.unit_id);
                        if !changed.is_empty() {
                            self.update_child(current, &n.child, n.unit_id, &changed, actor, now).await?;
                            updated += 1;
                        }
                    }
                    done.written += updated;
                    done.unchanged += chunk.len() as u64 - inserted - updated;
                }
                self.written += done.written;
                Ok(done)
            }

            async fn child_facts(&mut self, child_ids: &[String]) -> $crate::StoreResult<Vec<$crate::ChildFacts>> {
                let mut out = Vec::with_capacity(child_ids.len());
                // One row of JSON, not a row a child: a database's rows each
                // cost more in the driver than a child's few fields to parse.
                for chunk in child_ids.chunks(5000) {
                    let json = serde_json::to_string(chunk).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    let sql = format!(
                        concat!("SELECT ", $agg, " FROM children WHERE child_id IN (", $texts, ")"),
                        "id, child_id, sex, date_of_birth, unit_id"
                    );
                    let found: Option<String> = sqlx::query_scalar(&sql).bind(json).fetch_one(&mut *self.tx).await?;
                    let rows: Vec<(i64, String, String, chrono::NaiveDate, i64)> =
                        serde_json::from_str(found.as_deref().unwrap_or("[]"))
                            .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    out.extend(rows.into_iter().map(|(id, child_id, sex, date_of_birth, unit_id)| {
                        $crate::ChildFacts { id, child_id, sex, date_of_birth, unit_id }
                    }));
                }
                Ok(out)
            }

            async fn stored_owners(
                &mut self,
                table: $crate::FactTable,
                keys: &[Vec<$crate::Value>],
            ) -> $crate::StoreResult<Vec<Option<i64>>> {
                let matches: Vec<String> = table
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| format!("t.{k} = ${}", i + 1))
                    .collect();
                let sql = format!(
                    "SELECT {} FROM {} t WHERE {}",
                    table.owner,
                    table.table,
                    matches.join(" AND ")
                );
                let mut out = Vec::with_capacity(keys.len());
                for key in keys {
                    if key.len() != table.keys.len() {
                        return Err($crate::StoreError::Corrupt(format!("{} key values for {}", key.len(), table.table)));
                    }
                    let mut q = sqlx::query_scalar::<_, Option<i64>>(&sql);
                    for v in key {
                        q = bind_value!(q, v);
                    }
                    out.push(q.fetch_optional(&mut *self.tx).await?.flatten());
                }
                Ok(out)
            }

            async fn known_schools(&mut self, codes: &[String]) -> $crate::StoreResult<Vec<String>> {
                let json = serde_json::to_string(codes).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                Ok(sqlx::query_scalar(concat!(
                    "SELECT DISTINCT school_code FROM schools WHERE school_code IN (",
                    $texts,
                    ")"
                ))
                .bind(json)
                .fetch_all(&mut *self.tx)
                .await?)
            }

            async fn upsert_facts(
                &mut self,
                table: $crate::FactTable,
                rows: &[Vec<$crate::Value>],
            ) -> $crate::StoreResult<$crate::Upserted> {
                let width = table.keys.len() + table.values.len();
                let now = chrono::Utc::now();
                let mut done = $crate::Upserted::default();
                // SQLite takes at most 32,766 parameters in a statement.
                let per = (30_000 / (width + 1)).clamp(1, $crate::import_sql::BATCH_ROWS * 4);
                for chunk in rows.chunks(per) {
                    if let Some(bad) = chunk.iter().find(|r| r.len() != width) {
                        return Err($crate::StoreError::Corrupt(format!("{} values for {}", bad.len(), table.table)));
                    }
                    let kinds = $crate::import_rows::kinds(&chunk[0]);
                    let extra = usize::from(table.created.is_some());
                    let source = $crate::import_rows::$rows::sql(&kinds, chunk.len(), extra);
                    // The child's unit of a row that carries it (PostgreSQL:
                    // migration 0042), found for the batch by the statement.
                    let child_unit: Option<&str> = $child_unit;
                    let (source, unit) = match child_unit {
                        Some(with) if $crate::import_model::carries_child_unit(&table) => {
                            (with.replace("{source}", &source), true)
                        }
                        _ => (source, false),
                    };
                    let sql = $crate::import_rows::upsert_sql(&table, &source, unit);
                    let q = $crate::import_rows::$rows::bind(sqlx::query(&sql), chunk, &[now][..extra])?;
                    let written = q.execute(&mut *self.tx).await?.rows_affected();
                    done.written += written;
                    done.unchanged += chunk.len() as u64 - written;
                }
                self.written += done.written;
                Ok(done)
            }

            async fn write_plans(&mut self, writes: &$crate::PlanWrites, actor: &str) -> $crate::StoreResult<()> {
                <$store>::write_plans_in(&mut self.tx, writes, actor).await
            }

            async fn write_returns(&mut self, writes: &[$crate::ReturnWrite], actor: &str) -> $crate::StoreResult<()> {
                <$store>::write_returns_in(&mut self.tx, writes, actor).await
            }

            async fn commit(self: Box<Self>, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.tx;
                if !self.rebuild.is_empty() {
                    for (_, create) in &self.rebuild {
                        sqlx::query(create).execute(&mut *tx).await?;
                    }
                    let bulk: $crate::import_sql::Bulk = $bulk;
                    for sql in bulk.after {
                        sqlx::query(sql).execute(&mut *tx).await?;
                    }
                }
                let finish: &[&str] = $finish;
                for sql in finish {
                    sqlx::query(sql).execute(&mut *tx).await?;
                }
                <$store>::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                // After a large load the planner's statistics describe the
                // tables as they were: refreshed at once, not when the
                // background worker gets to them.
                if self.written >= $crate::import_sql::LARGE_IMPORT {
                    let after: &[&str] = $after;
                    for sql in after {
                        sqlx::query(sql).execute(&self.pool).await?;
                    }
                }
                Ok(())
            }
        }
    };
}

pub(crate) use import_sql;
