//! The sealed case contents as a whole: the fingerprint of the key that
//! sealed them, and every sealed value, to check a key against or to seal
//! again under a new key in one transaction (`treem key rotate`).

/// A sealed value: where it is, the case seal it is bound to, its bytes.
/// `column` is also the field name the value was sealed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValue {
    pub table: &'static str,
    pub column: &'static str,
    pub row_id: i64,
    pub seal_id: String,
    pub bytes: Vec<u8>,
}

/// Every sealed column: (table, column, the query of its values — row id,
/// seal id, bytes — limited by `$1`).
pub(crate) const SEALED: [(&str, &str, &str); 8] = [
    (
        "case_files",
        "summary",
        "SELECT id, seal_id, summary FROM case_files ORDER BY id LIMIT $1",
    ),
    (
        "case_files",
        "abuser",
        "SELECT id, seal_id, abuser FROM case_files WHERE abuser IS NOT NULL ORDER BY id LIMIT $1",
    ),
    (
        "case_files",
        "details",
        "SELECT id, seal_id, details FROM case_files WHERE details IS NOT NULL ORDER BY id LIMIT $1",
    ),
    (
        "case_steps",
        "notes",
        "SELECT s.id, f.seal_id, s.notes FROM case_steps s JOIN case_files f ON f.id = s.case_id
         ORDER BY s.id LIMIT $1",
    ),
    (
        "case_steps",
        "withdrawn_reason",
        "SELECT s.id, f.seal_id, s.withdrawn_reason FROM case_steps s JOIN case_files f ON f.id = s.case_id
         WHERE s.withdrawn_reason IS NOT NULL ORDER BY s.id LIMIT $1",
    ),
    (
        "case_steps",
        "form",
        "SELECT s.id, f.seal_id, s.form FROM case_steps s JOIN case_files f ON f.id = s.case_id
         WHERE s.form IS NOT NULL ORDER BY s.id LIMIT $1",
    ),
    (
        "case_handovers",
        "reason",
        "SELECT h.id, f.seal_id, h.reason FROM case_handovers h JOIN case_files f ON f.id = h.case_id
         ORDER BY h.id LIMIT $1",
    ),
    (
        "case_grants",
        "reason",
        "SELECT g.id, f.seal_id, g.reason FROM case_grants g JOIN case_files f ON f.id = g.case_id
         WHERE g.reason IS NOT NULL ORDER BY g.id LIMIT $1",
    ),
];

/// Expands into a backend's sealed-contents methods.
macro_rules! seal_sql {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn key_fingerprint_sql(&self) -> $crate::StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT fingerprint FROM seal_key WHERE id = 1")
                    .fetch_optional(self.writer())
                    .await?)
            }

            pub(crate) async fn set_key_fingerprint_sql(
                &self,
                fingerprint: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::put_fingerprint(&mut tx, fingerprint).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn put_fingerprint(
                tx: &mut sqlx::Transaction<'static, <Self as $crate::seal_sql::Backend>::Db>,
                fingerprint: &str,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO seal_key (id, fingerprint, set_at) VALUES (1, $1, $2)
                     ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, set_at = excluded.set_at",
                )
                .bind(fingerprint)
                .bind(chrono::Utc::now())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            pub(crate) async fn sealed_values_sql(
                &self,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::SealedValue>> {
                let mut out = Vec::new();
                for (table, column, sql) in $crate::seal_sql::SEALED {
                    let left = limit - out.len() as i64;
                    if left <= 0 {
                        break;
                    }
                    let rows: Vec<(i64, String, Vec<u8>)> =
                        sqlx::query_as(sql).bind(left).fetch_all(self.writer()).await?;
                    out.extend(rows.into_iter().map(|(row_id, seal_id, bytes)| $crate::SealedValue {
                        table,
                        column,
                        row_id,
                        seal_id,
                        bytes,
                    }));
                }
                Ok(out)
            }

            pub(crate) async fn reseal_sql(
                &self,
                values: &[$crate::SealedValue],
                fingerprint: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for v in values {
                    let known = $crate::seal_sql::SEALED
                        .iter()
                        .any(|(t, c, _)| *t == v.table && *c == v.column);
                    if !known {
                        return Err($crate::StoreError::Corrupt(format!("{}.{}", v.table, v.column)));
                    }
                    let sql = format!("UPDATE {} SET {} = $1 WHERE id = $2", v.table, v.column);
                    sqlx::query(&sql)
                        .bind(&v.bytes)
                        .bind(v.row_id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::put_fingerprint(&mut tx, fingerprint).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

/// The database type of a store (for the transaction a helper takes).
pub(crate) trait Backend {
    type Db: sqlx::Database;
}

pub(crate) use seal_sql;
