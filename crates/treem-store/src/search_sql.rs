//! What a server's in-memory search index is built from, the counter that
//! says whether it is still current (migration 0012), and the filling of
//! the search text of rows stored before it existed.

/// Expands into a backend's search-index queries; `$agg` turns the column
/// list `{}` into one JSON array per page (row by row is far slower).
macro_rules! search_sql {
    ($store:ty, agg: $agg:literal) => {
        impl $store {
            /// Fills the search text of rows stored before it existed.
            async fn backfill_search_text(&self) -> $crate::StoreResult<()> {
                loop {
                    let sql = format!(
                        "SELECT {} FROM children WHERE search_text = '' LIMIT 5000",
                        $crate::rows::CHILD_DETAIL_COLUMNS
                    );
                    let rows: Vec<$crate::ChildDetail> = sqlx::query_as(&sql).fetch_all(self.writer()).await?;
                    if rows.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.writer().begin().await?;
                    for r in &rows {
                        let text = $crate::rows::detail_search_text(r);
                        sqlx::query("UPDATE children SET search_text = $1 WHERE id = $2")
                            .bind(text)
                            .bind(r.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
            }

            pub(crate) async fn search_epoch_sql(&self) -> $crate::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT n FROM search_epoch WHERE id = 1")
                    .fetch_one(self.reader())
                    .await?)
            }

            pub(crate) async fn search_rows_sql(
                &self,
                after: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<treem_domain::search_index::IndexRow>> {
                let cols = format!($agg, "id, unit_id, child_id, name_sort, name_folded, search_text");
                let sql = format!(
                    "SELECT {cols} FROM (SELECT id, unit_id, child_id, name_sort, name_folded, search_text
                       FROM children WHERE merged_into IS NULL AND id > $1 ORDER BY id LIMIT $2) page"
                );
                let json: Option<String> = sqlx::query_scalar(&sql).bind(after).bind(limit).fetch_one(self.reader()).await?;
                let rows: Vec<(i64, i64, String, String, String, String)> = match json {
                    Some(j) => serde_json::from_str(&j).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?,
                    None => Vec::new(),
                };
                Ok(rows
                    .into_iter()
                    .map(|(id, unit_id, child_id, name_sort, name_folded, search_text)| {
                        treem_domain::search_index::IndexRow { id, unit_id, child_id, name_sort, name_folded, search_text }
                    })
                    .collect())
            }
        }
    };
}

pub(crate) use search_sql;
