//! The import transaction of both backends (see `ImportTx`), written once
//! and expanded per backend like the rest of the shared SQL.

/// Rows per multi-row statement: SQLite allows 32,766 parameters, and a
/// child takes 22.
pub(crate) const BATCH_ROWS: usize = 500;

/// Binds one typed value.
macro_rules! bind_value {
    ($q:expr, $v:expr) => {
        match $v {
            $crate::Value::Text(x) => $q.bind(x.clone()),
            $crate::Value::Int(x) => $q.bind(*x),
            $crate::Value::Real(x) => $q.bind(*x),
            $crate::Value::Bool(x) => $q.bind(*x),
            $crate::Value::Date(x) => $q.bind(*x),
        }
    };
}

/// `$a, $b, …` for `n` placeholders starting after `first`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first + 1..=first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The upsert of `rows` rows into a fact table: new keys inserted, rows
/// whose values differ updated (the history trigger keeps the old state),
/// identical rows untouched; `RETURNING` names only the rows written.
pub(crate) fn upsert_sql(t: &crate::FactTable, rows: usize) -> String {
    let cols: Vec<&str> = t.keys.iter().chain(t.values).copied().collect();
    let width = cols.len();
    let mut names = cols.join(", ");
    if let Some(c) = t.created {
        names.push_str(", ");
        names.push_str(c);
    }
    let tuples: Vec<String> = (0..rows)
        .map(|r| {
            let mut p = placeholders(r * width, width);
            if t.created.is_some() {
                // The creation time is the last parameter of the statement.
                p.push_str(&format!(", ${}", rows * width + 1));
            }
            format!("({p})")
        })
        .collect();
    let set: Vec<String> = t
        .values
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let differs: Vec<String> = t
        .values
        .iter()
        .map(|c| format!("{0}.{1} IS DISTINCT FROM excluded.{1}", t.table, c))
        .collect();
    format!(
        "INSERT INTO {table} ({names}) VALUES {tuples} ON CONFLICT ({keys}) DO UPDATE SET {set} WHERE {differs} RETURNING id",
        table = t.table,
        tuples = tuples.join(", "),
        keys = t.keys.join(", "),
        set = set.join(", "),
        differs = differs.join(" OR "),
    )
}

/// Expands into a backend's import transaction type and `begin_import`.
macro_rules! import_sql {
    ($store:ty, $db:ty, $tx:ident, texts_in: $texts:literal) => {
        /// An import in progress (see `ImportTx`).
        pub struct $tx {
            tx: sqlx::Transaction<'static, $db>,
        }

        impl $store {
            pub(crate) async fn begin_import_sql(&self) -> $crate::StoreResult<Box<dyn $crate::ImportTx>> {
                Ok(Box::new($tx { tx: self.writer().begin().await? }))
            }
        }

        impl $tx {
            async fn insert_children(
                &mut self,
                rows: &[&(treem_domain::child::Child, i64)],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                const WIDTH: usize = 22;
                let tuples: Vec<String> = (0..rows.len())
                    .map(|r| {
                        let b = r * WIDTH;
                        let p = $crate::import_sql::placeholders(b, 20);
                        format!("({p}, 1, ${0}, ${0}, ${1})", b + 21, b + 22)
                    })
                    .collect();
                let sql = format!(
                    "INSERT INTO children (child_id, national_id, full_name, name_folded, name_sort, sex, date_of_birth,
                       ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name,
                       caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date,
                       version, created_at, updated_at, search_text) VALUES {}",
                    tuples.join(", ")
                );
                let mut q = sqlx::query(&sql);
                for (c, unit) in rows {
                    q = bind_child!(q, c, *unit).bind(now).bind(treem_domain::child::search_text(c));
                }
                q.execute(&mut *self.tx).await?;
                Ok(())
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
                rows: &[(treem_domain::child::Child, i64)],
                actor: &str,
            ) -> $crate::StoreResult<$crate::Upserted> {
                let now = chrono::Utc::now();
                let mut done = $crate::Upserted::default();
                for chunk in rows.chunks($crate::import_sql::BATCH_ROWS) {
                    let codes: Vec<&str> = chunk.iter().map(|(c, _)| c.child_id.as_str()).collect();
                    let json = serde_json::to_string(&codes).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    let sql = format!(
                        concat!("SELECT {} FROM children WHERE child_id IN (", $texts, ")"),
                        $crate::rows::CHILD_DETAIL_COLUMNS
                    );
                    let stored: Vec<$crate::ChildDetail> =
                        sqlx::query_as(&sql).bind(json).fetch_all(&mut *self.tx).await?;
                    let by_code: std::collections::HashMap<&str, &$crate::ChildDetail> =
                        stored.iter().map(|d| (d.child_id.as_str(), d)).collect();
                    let mut new = Vec::new();
                    for row in chunk {
                        match by_code.get(row.0.child_id.as_str()) {
                            None => new.push(row),
                            Some(current) => {
                                let changed = $crate::rows::child_changes(current, &row.0, row.1);
                                if changed.is_empty() {
                                    done.unchanged += 1;
                                } else {
                                    self.update_child(current, &row.0, row.1, &changed, actor, now).await?;
                                    done.written += 1;
                                }
                            }
                        }
                    }
                    if !new.is_empty() {
                        self.insert_children(&new, now).await?;
                        done.written += new.len() as u64;
                    }
                }
                Ok(done)
            }

            async fn child_facts(&mut self, child_ids: &[String]) -> $crate::StoreResult<Vec<$crate::ChildFacts>> {
                let mut out = Vec::with_capacity(child_ids.len());
                for chunk in child_ids.chunks(5000) {
                    let json = serde_json::to_string(chunk).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    let rows: Vec<$crate::ChildFacts> = sqlx::query_as(concat!(
                        "SELECT id, child_id, sex, date_of_birth, unit_id FROM children WHERE child_id IN (",
                        $texts,
                        ")"
                    ))
                    .bind(json)
                    .fetch_all(&mut *self.tx)
                    .await?;
                    out.extend(rows);
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
                let per = ($crate::import_sql::BATCH_ROWS * 22 / width).max(1);
                let now = chrono::Utc::now();
                let mut done = $crate::Upserted::default();
                for chunk in rows.chunks(per) {
                    let sql = $crate::import_sql::upsert_sql(&table, chunk.len());
                    let mut q = sqlx::query_scalar::<_, i64>(&sql);
                    for row in chunk {
                        if row.len() != width {
                            return Err($crate::StoreError::Corrupt(format!("{} values for {}", row.len(), table.table)));
                        }
                        for v in row {
                            q = bind_value!(q, v);
                        }
                    }
                    if table.created.is_some() {
                        q = q.bind(now);
                    }
                    let written = q.fetch_all(&mut *self.tx).await?.len() as u64;
                    done.written += written;
                    done.unchanged += chunk.len() as u64 - written;
                }
                Ok(done)
            }

            async fn commit(self: Box<Self>, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.tx;
                <$store>::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use bind_value;
pub(crate) use import_sql;
