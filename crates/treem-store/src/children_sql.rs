//! The SQL of children's records: insert, search, lists, edits with versions,
//! duplicates (their merges: `merges_sql.rs`).
//! Expanded into each backend by `shared_store!` (in `common.rs`), whose
//! `Store` methods call these.

/// Inherent methods of a backend for children's records.
macro_rules! children_sql {
    (
        $store:ty,
        $db:ty,
        in_ids: $in_ids:literal,
        tokens_in: $tokens:literal,
        prefilter: $prefilter:literal,
        prefilter_value: $prefilter_value:path
    ) => {
        impl $store {
            /// Inserts one child inside a transaction; returns her id.
            async fn insert_child(
                tx: &mut sqlx::Transaction<'_, $db>,
                c: &treem_domain::child::Child,
                unit_id: &i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<i64> {
                let query = sqlx::query_scalar(
                    "INSERT INTO children (child_id, national_id, full_name, name_folded, name_sort, sex, date_of_birth,
                       ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name,
                       caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date,
                       version, created_at, updated_at, search_text)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $21, $22)
                     RETURNING id",
                );
                Ok(bind_child!(query, c, unit_id)
                    .bind(now)
                    .bind(treem_domain::child::search_text(c))
                    .fetch_one(&mut **tx)
                    .await?)
            }

            pub(crate) async fn insert_children_sql(
                &self,
                children: &[(treem_domain::child::Child, i64)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<i64>> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                let mut ids = Vec::with_capacity(children.len());
                for (c, unit_id) in children {
                    ids.push(Self::insert_child(&mut tx, c, unit_id, now).await?);
                }
                let mut audit = audit;
                audit.detail = format!("{} children", children.len());
                // A single new record is named by its id; a batch by its size.
                if let [only] = ids.as_slice() {
                    audit.record_id = only.to_string();
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(ids)
            }

            pub(crate) async fn count_children_sql(&self, scope: &$crate::Scope) -> $crate::StoreResult<i64> {
                let (all, ids) = scope.as_params();
                let n: i64 = sqlx::query_scalar(concat!(
                    "SELECT COUNT(*) FROM children WHERE merged_into IS NULL AND ($1 OR unit_id", $in_ids, ")"
                ))
                .bind(all)
                .bind(ids)
                .fetch_one(self.reader())
                .await?;
                Ok(n)
            }

            pub(crate) async fn children_sql(&self, q: &$crate::ChildQuery) -> $crate::StoreResult<(Vec<$crate::ChildRow>, i64)> {
                let (all, ids) = q.scope.as_params();
                let tokens = serde_json::to_string(&treem_domain::child::search_tokens(&q.name))
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let words: Vec<String> =
                    treem_domain::text::fold(&q.name).split_whitespace().take(8).map(str::to_string).collect();
                let narrow: String = $prefilter_value(&words);
                let phrase = $crate::rows::like_contains(&treem_domain::text::fold(&q.name));
                // With words long enough for the index, the index drives the
                // query ($4); without, `$4 = ''` keeps the same parameters.
                // Either way every word must occur in the search text.
                let filter = if narrow.is_empty() {
                    concat!(
                        " FROM children WHERE merged_into IS NULL AND ($1 OR unit_id", $in_ids, ")
                          AND $4 = ''", $crate::binds::field_filters!(), "
                          AND NOT EXISTS (SELECT 1 FROM (", $tokens, ") tk
                                          WHERE search_text NOT LIKE '%' || tk.t || '%' ESCAPE '\\')"
                    )
                } else {
                    concat!(
                        " FROM children WHERE ", $prefilter, " AND merged_into IS NULL
                          AND ($1 OR unit_id", $in_ids, ")", $crate::binds::field_filters!(), "
                          AND NOT EXISTS (SELECT 1 FROM (", $tokens, ") tk
                                          WHERE search_text NOT LIKE '%' || tk.t || '%' ESCAPE '\\')"
                    )
                };
                let f = &q.filters;
                // Parameters $1–$12, the same for the count and the page.
                macro_rules! bind_search {
                    ($q:expr) => {
                        $q.bind(all)
                            .bind(&ids)
                            .bind(&tokens)
                            .bind(&narrow)
                            .bind(&f.sex)
                            .bind(f.born_from)
                            .bind(f.born_to)
                            .bind(&f.ethnicity)
                            .bind(&f.special)
                            .bind(f.registered)
                            .bind(&f.village)
                            .bind(&f.nutrition)
                    };
                }
                let total: i64 = bind_search!(sqlx::query_scalar(&format!("SELECT COUNT(*){filter}")))
                    .fetch_one(self.reader())
                    .await?;
                // The whole phrase in the child's own name ranks first.
                let rows: Vec<$crate::ChildRow> = bind_search!(sqlx::query_as(&format!(
                    "SELECT id, child_id, full_name, sex, date_of_birth, ethnicity, unit_id, village, status, version{filter}
                     ORDER BY CASE WHEN name_folded LIKE $13 ESCAPE '\\' THEN 0 ELSE 1 END, name_sort, child_id
                     LIMIT $14 OFFSET $15"
                )))
                .bind(&phrase)
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(self.reader())
                .await?;
                Ok((rows, total))
            }

            pub(crate) async fn villages_sql(&self, scope: &$crate::Scope) -> $crate::StoreResult<Vec<String>> {
                // Two statements rather than `$1 OR unit_id IN (…)`, which
                // keeps the planner from the (unit, village) index
                // (migration 0020): a commune's villages are then read from
                // the index alone.
                let (all, ids) = scope.as_params();
                if all {
                    return Ok(sqlx::query_scalar(
                        "SELECT DISTINCT village FROM children
                         WHERE village IS NOT NULL AND merged_into IS NULL ORDER BY village",
                    )
                    .fetch_all(self.reader())
                    .await?);
                }
                // `$1` (false) is there so the list is `$2`, as `$in_ids` says.
                Ok(sqlx::query_scalar(concat!(
                    "SELECT DISTINCT village FROM children
                     WHERE village IS NOT NULL AND merged_into IS NULL AND NOT $1
                       AND unit_id", $in_ids, "
                     ORDER BY village"
                ))
                .bind(all)
                .bind(ids)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn child_list_sql(
                &self,
                scope: &$crate::Scope,
                list: $crate::ChildList,
                today: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                use chrono::Datelike;
                let (all, ids) = scope.as_params();
                // $3 and $4 bound the dates each list needs.
                let (condition, from, to) = match list {
                    $crate::ChildList::NoBirthRegistration => (
                        "date_of_birth > $3 AND (birth_registered IS NULL OR birth_registered = FALSE
                           OR birth_registration_date > $4)",
                        today - chrono::Duration::days(1827),
                        today,
                    ),
                    $crate::ChildList::Turning5Or6 => (
                        "date_of_birth >= $3 AND date_of_birth <= $4",
                        chrono::NaiveDate::from_ymd_opt(today.year() - 6, 1, 1).unwrap_or(today),
                        chrono::NaiveDate::from_ymd_opt(today.year() - 5, 12, 31).unwrap_or(today),
                    ),
                    $crate::ChildList::SpecialCircumstances => ("special_circumstances <> '' AND $3 <= $4", today, today),
                    $crate::ChildList::NoNationalId => ("national_id IS NULL AND $3 <= $4", today, today),
                };
                let sql = format!(
                    concat!(
                        "SELECT {} FROM children WHERE merged_into IS NULL AND ($1 OR unit_id", $in_ids, ")
                           AND status = 'active' AND {}
                         ORDER BY name_sort, child_id"
                    ),
                    $crate::rows::CHILD_DETAIL_COLUMNS,
                    condition
                );
                Ok(sqlx::query_as(&sql).bind(all).bind(ids).bind(from).bind(to).fetch_all(self.reader()).await?)
            }

            pub(crate) async fn child_sql(&self, id: i64) -> $crate::StoreResult<Option<$crate::ChildDetail>> {
                let sql = format!("SELECT {} FROM children WHERE id = $1", $crate::rows::CHILD_DETAIL_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?)
            }

            pub(crate) async fn update_child_sql(
                &self,
                id: i64,
                expected_version: i64,
                c: &treem_domain::child::Child,
                unit_id: i64,
                changed_fields: &[String],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let sql = format!("SELECT {} FROM children WHERE id = $1", $crate::rows::CHILD_DETAIL_COLUMNS);
                let current: $crate::ChildDetail = sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or($crate::StoreError::NotFound)?;
                if current.version != expected_version {
                    return Err($crate::StoreError::Stale(current.version));
                }
                let query = sqlx::query(
                    "UPDATE children SET child_id = $1, national_id = $2, full_name = $3, name_folded = $4, name_sort = $5,
                       sex = $6, date_of_birth = $7, ethnicity = $8, unit_id = $9, village = $10, birth_registered = $11,
                       birth_registration_date = $12, mother_name = $13, father_name = $14, caregiver_name = $15,
                       caregiver_phone = $16, household_poverty = $17, special_circumstances = $18, status = $19,
                       status_date = $20, version = version + 1, updated_at = $21, search_text = $24
                     WHERE id = $22 AND version = $23",
                );
                let done = bind_child!(query, c, unit_id)
                .bind(chrono::Utc::now())
                .bind(id)
                .bind(expected_version)
                .bind(treem_domain::child::search_text(c))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    // Another writer got there first (PostgreSQL re-checks the
                    // version after waiting for its row lock).
                    let now: i64 = sqlx::query_scalar("SELECT version FROM children WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                    return Err($crate::StoreError::Stale(now));
                }
                // The update matched `expected_version`, so `current` is exactly
                // the state it replaced.
                let previous = serde_json::to_string(&current).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO child_versions (child_id, version, changed_at, actor, previous, changed_fields)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(current.version)
                .bind(chrono::Utc::now())
                .bind(&audit.actor)
                .bind(previous)
                .bind(changed_fields.join(";"))
                .execute(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                audit.detail = changed_fields.join(", ");
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(expected_version + 1)
            }

            pub(crate) async fn duplicate_pairs_sql(&self, scope: &$crate::Scope, limit: i64) -> $crate::StoreResult<Vec<(i64, i64)>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT a.id, b.id FROM children a JOIN children b ON b.id > a.id
                       AND ((a.national_id IS NOT NULL AND b.national_id = a.national_id)
                         OR (b.date_of_birth = a.date_of_birth
                             AND (b.unit_id = a.unit_id OR b.village = a.village OR b.mother_name = a.mother_name)))
                     WHERE a.merged_into IS NULL AND b.merged_into IS NULL
                       AND ($1 OR a.unit_id", $in_ids, ") AND ($1 OR b.unit_id", $in_ids, ")
                     ORDER BY a.id, b.id LIMIT $3"
                ))
                .bind(all)
                .bind(ids)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn duplicate_candidates_sql(
                &self,
                national_id: Option<&str>,
                born: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                let sql = format!(
                    "SELECT {} FROM children WHERE merged_into IS NULL AND (national_id = $1 OR date_of_birth = $2) LIMIT 500",
                    $crate::rows::CHILD_DETAIL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(national_id).bind(born).fetch_all(self.reader()).await?)
            }

            pub(crate) async fn child_id_taken_sql(&self, child_id: &str) -> $crate::StoreResult<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE child_id = $1")
                    .bind(child_id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(n > 0)
            }

            pub(crate) async fn children_by_id_sql(&self, ids: &[i64]) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                let (_, list) = $crate::Scope::Units(ids.to_vec()).as_params();
                // `$1` is always true; the id list is the `$2` of the shared sub-select.
                let sql = format!(
                    concat!("SELECT {} FROM children WHERE $1 AND id", $in_ids),
                    $crate::rows::CHILD_DETAIL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(true).bind(list).fetch_all(self.reader()).await?)
            }

            pub(crate) async fn child_versions_sql(&self, id: i64) -> $crate::StoreResult<Vec<$crate::ChildVersion>> {
                Ok(sqlx::query_as(
                    "SELECT version, changed_at, actor, previous, changed_fields FROM child_versions
                     WHERE child_id = $1 ORDER BY version DESC",
                )
                .bind(id)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use children_sql;
