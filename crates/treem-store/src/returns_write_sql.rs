//! The writing of a return's values, shared by the page's draft and an
//! import: each value written with the earlier one kept.

/// Expands into a backend's value writing.
macro_rules! returns_write_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Writes one value (`None` clears it), keeping the earlier one;
            /// whether anything changed.
            #[allow(clippy::too_many_arguments)]
            async fn put_value(
                tx: &mut sqlx::Transaction<'_, $db>,
                unit_id: i64,
                period: &str,
                element: &str,
                sex: &str,
                value: Option<f64>,
                actor: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<bool> {
                let old: Option<(f64, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT value, written_by, written_at FROM return_values
                     WHERE unit_id = $1 AND period = $2 AND element = $3 AND sex = $4",
                )
                .bind(unit_id)
                .bind(period)
                .bind(element)
                .bind(sex)
                .fetch_optional(&mut **tx)
                .await?;
                if old.as_ref().map(|o| o.0) == value {
                    return Ok(false);
                }
                if let Some((v, by, at)) = old {
                    sqlx::query(
                        "INSERT INTO return_value_history (unit_id, period, element, sex, value,
                           written_by, written_at, replaced_by, replaced_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(unit_id)
                    .bind(period)
                    .bind(element)
                    .bind(sex)
                    .bind(v)
                    .bind(by)
                    .bind(at)
                    .bind(actor)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                match value {
                    Some(v) => {
                        sqlx::query(
                            "INSERT INTO return_values (unit_id, period, element, sex, value, written_by, written_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)
                             ON CONFLICT (unit_id, period, element, sex) DO UPDATE
                             SET value = excluded.value, written_by = excluded.written_by,
                               written_at = excluded.written_at",
                        )
                        .bind(unit_id)
                        .bind(period)
                        .bind(element)
                        .bind(sex)
                        .bind(v)
                        .bind(&actor)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                    }
                    None => {
                        sqlx::query(
                            "DELETE FROM return_values
                             WHERE unit_id = $1 AND period = $2 AND element = $3 AND sex = $4",
                        )
                        .bind(unit_id)
                        .bind(period)
                        .bind(element)
                        .bind(sex)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(true)
            }

            /// Writes an import's values in its transaction: each return it
            /// touches is (still) a draft, with one step saying so.
            pub(crate) async fn write_returns_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                writes: &[$crate::ReturnWrite],
                actor: &str,
            ) -> $crate::StoreResult<()> {
                let now = chrono::Utc::now();
                let mut touched: Vec<(i64, &str, &str, u64)> = Vec::new();
                for w in writes {
                    let changed = Self::put_value(
                        tx, w.unit_id, &w.period, &w.element, &w.sex, Some(w.value), actor, now,
                    )
                    .await?;
                    let at = touched
                        .iter()
                        .position(|t| t.0 == w.unit_id && t.1 == w.form && t.2 == w.period);
                    match at {
                        Some(i) => touched[i].3 += u64::from(changed),
                        None => touched.push((w.unit_id, &w.form, &w.period, u64::from(changed))),
                    }
                }
                for (unit_id, form, period, n) in touched {
                    sqlx::query(
                        "INSERT INTO return_filings (unit_id, form, period, status, changed_by, changed_at)
                         VALUES ($1, $2, $3, 'draft', $4, $5)
                         ON CONFLICT (unit_id, form, period) DO UPDATE
                         SET changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                    )
                    .bind(unit_id)
                    .bind(form)
                    .bind(period)
                    .bind(actor)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                    let key = $crate::FilingKey { unit_id, form, period };
                    Self::record_step(tx, key, "imported", &n.to_string(), actor).await?;
                }
                Ok(())
            }
        }
    };
}
pub(crate) use returns_write_sql;
