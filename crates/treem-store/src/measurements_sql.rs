//! The SQL of measurements and their z-scores.
//! Expanded into each backend by `shared_store!` (in `common.rs`), whose
//! `Store` methods call these.

/// Inherent methods of a backend for measurements.
macro_rules! measurements_sql {
    (
        $store:ty,
        $db:ty,
        in_ids: $in_ids:literal,
        tokens_in: $tokens:literal,
        prefilter: $prefilter:literal,
        prefilter_value: $prefilter_value:path
    ) => {
        impl $store {
            /// Inserts one measurement inside a transaction.
            async fn insert_measurement(
                tx: &mut sqlx::Transaction<'_, $db>,
                child: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
            ) -> $crate::StoreResult<i64> {
                let query = sqlx::query_scalar(
                    "INSERT INTO measurements (child_id, measured_on, weight_kg, height_cm, position, oedema, head_cm,
                       age_days, clen_cm, c9mo_flag, waz, f_waz, haz, f_haz, whz, f_whz, baz, f_baz, hcz, f_hcz,
                       nutrition, method, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
                     RETURNING id",
                )
                .bind(child)
                .bind(m.measured_on)
                .bind(m.weight_kg)
                .bind(m.height_cm)
                .bind(&m.position)
                .bind(m.oedema)
                .bind(m.head_cm);
                let id: i64 = bind_z!(query, z)
                    .bind(chrono::Utc::now())
                .fetch_one(&mut **tx)
                .await?;
                Ok(id)
            }

            pub(crate) async fn add_measurement_sql(
                &self,
                child: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id = Self::insert_measurement(&mut tx, child, m, z).await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            pub(crate) async fn insert_measurements_sql(
                &self,
                rows: &[(i64, $crate::MeasuredRow, $crate::ZRecord)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<u64> {
                let mut tx = self.writer().begin().await?;
                for (child, m, z) in rows {
                    Self::insert_measurement(&mut tx, *child, m, z).await?;
                }
                let mut audit = audit;
                audit.detail = format!("{} measurements", rows.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(rows.len() as u64)
            }

            pub(crate) async fn measurements_sql(&self, child: i64) -> $crate::StoreResult<Vec<$crate::StoredMeasurement>> {
                let sql = format!(
                    "SELECT {} FROM measurements WHERE child_id = $1 ORDER BY measured_on",
                    $crate::rows::MEASUREMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(child).fetch_all(self.reader()).await?)
            }

            pub(crate) async fn measurement_inputs_sql(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<$crate::MeasurementInput>> {
                Ok(sqlx::query_as(
                    "SELECT m.id, c.sex, c.date_of_birth, m.measured_on, m.weight_kg, m.height_cm, m.position, m.oedema, m.head_cm
                     FROM measurements m JOIN children c ON c.id = m.child_id
                     WHERE m.id > $1 ORDER BY m.id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn update_zscores_sql(
                &self,
                rows: &[(i64, $crate::ZRecord)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for (id, z) in rows {
                    let query = sqlx::query(
                        "UPDATE measurements SET age_days = $1, clen_cm = $2, c9mo_flag = $3, waz = $4, f_waz = $5,
                           haz = $6, f_haz = $7, whz = $8, f_whz = $9, baz = $10, f_baz = $11, hcz = $12, f_hcz = $13,
                           nutrition = $14, method = $15
                         WHERE id = $16",
                    );
                    bind_z!(query, z)
                        .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Keeps a measurement's values before it is corrected or
            /// withdrawn; `NotFound` when `child` has no measurement `id`.
            async fn keep_measurement(
                tx: &mut sqlx::Transaction<'_, $db>,
                child: i64,
                id: i64,
                kind: &str,
                note: &$crate::ChangeNote,
            ) -> $crate::StoreResult<()> {
                let kept = sqlx::query(
                    "INSERT INTO measurement_changes (measurement_id, child_id, kind, reason, changed_by, changed_at,
                       measured_on, weight_kg, height_cm, position, oedema, head_cm)
                     SELECT id, child_id, $1, $2, $3, $4, measured_on, weight_kg, height_cm, position, oedema, head_cm
                     FROM measurements WHERE id = $5 AND child_id = $6",
                )
                .bind(kind)
                .bind(&note.reason)
                .bind(&note.by)
                .bind(chrono::Utc::now())
                .bind(id)
                .bind(child)
                .execute(&mut **tx)
                .await?;
                if kept.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                Ok(())
            }

            /// Corrects a measurement inside a transaction, keeping what it was.
            async fn correct_in(
                tx: &mut sqlx::Transaction<'_, $db>,
                child: i64,
                id: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
                note: &$crate::ChangeNote,
            ) -> $crate::StoreResult<()> {
                Self::keep_measurement(tx, child, id, "corrected", note).await?;
                let query = sqlx::query(
                    "UPDATE measurements SET measured_on = $1, weight_kg = $2, height_cm = $3, position = $4,
                       oedema = $5, head_cm = $6, age_days = $7, clen_cm = $8, c9mo_flag = $9, waz = $10, f_waz = $11,
                       haz = $12, f_haz = $13, whz = $14, f_whz = $15, baz = $16, f_baz = $17, hcz = $18, f_hcz = $19,
                       nutrition = $20, method = $21
                     WHERE id = $22",
                )
                .bind(m.measured_on)
                .bind(m.weight_kg)
                .bind(m.height_cm)
                .bind(&m.position)
                .bind(m.oedema)
                .bind(m.head_cm);
                bind_z!(query, z).bind(id).execute(&mut **tx).await?;
                Ok(())
            }

            pub(crate) async fn correct_measurement_sql(
                &self,
                child: i64,
                id: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
                note: &$crate::ChangeNote,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::correct_in(&mut tx, child, id, m, z, note).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn withdraw_measurement_sql(
                &self,
                child: i64,
                id: i64,
                note: &$crate::ChangeNote,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::keep_measurement(&mut tx, child, id, "withdrawn", note).await?;
                sqlx::query("DELETE FROM measurements WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn measurement_changes_sql(
                &self,
                child: i64,
            ) -> $crate::StoreResult<Vec<$crate::MeasurementChange>> {
                Ok(sqlx::query_as(
                    "SELECT id, measurement_id, kind, reason, changed_by, changed_at, measured_on, weight_kg, height_cm,
                       position, oedema, head_cm
                     FROM measurement_changes
                     WHERE child_id = $1 OR measurement_id IN (SELECT id FROM measurements WHERE child_id = $1)
                     ORDER BY id DESC",
                )
                .bind(child)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn latest_measurements_sql(
                &self,
                scope: &$crate::Scope,
                born_after: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::LatestMeasurement>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT c.id, c.child_id, c.full_name, c.sex, c.date_of_birth, c.ethnicity, c.unit_id, c.village, c.status,
                       c.version, m.measured_on, m.waz, m.f_waz, m.haz, m.f_haz, m.whz, m.f_whz, m.nutrition
                     FROM children c
                     LEFT JOIN measurements m ON m.child_id = c.id
                       AND m.measured_on = (SELECT MAX(measured_on) FROM measurements WHERE child_id = c.id)
                     WHERE c.merged_into IS NULL AND ($1 OR c.unit_id", $in_ids, ") AND c.date_of_birth > $3
                       AND c.status = 'active'
                     ORDER BY c.name_sort, c.child_id"
                ))
                .bind(all)
                .bind(ids)
                .bind(born_after)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use measurements_sql;
