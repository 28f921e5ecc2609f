//! What a server's in-memory search index is built from, and the counter
//! that says whether it is still current (migration 0012).

/// Expands into a backend's search-index queries; `$agg` turns the column
/// list `{}` into one JSON array per page (row by row is far slower).
macro_rules! search_sql {
    ($store:ty, agg: $agg:literal) => {
        impl $store {
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
