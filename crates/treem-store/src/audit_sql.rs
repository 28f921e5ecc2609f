//! Appending to the audit log: every write of every feature calls
//! `append_audit` inside its own transaction, so no change is stored
//! without its entry, and the hash chain has one writer at a time.

/// Expands into a backend's audit append; `$lock` is SQL that serialises
/// appends inside a transaction, or `None` when the backend already has a
/// single writer.
macro_rules! audit_sql {
    ($store:ty, $db:ty, audit_lock: $lock:expr) => {
        impl $store {
            /// Appends an audit entry inside a transaction, after the last one.
            async fn append_audit(
                tx: &mut sqlx::Transaction<'_, $db>,
                event: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let lock: Option<&str> = $lock;
                if let Some(sql) = lock {
                    sqlx::query(sql).execute(&mut **tx).await?;
                }
                let last: Option<(i64, String)> =
                    sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                        .fetch_optional(&mut **tx)
                        .await?;
                let prev = last.as_ref().map(|(s, h)| (*s, h.as_str()));
                let e = treem_domain::audit::next_entry(prev, chrono::Utc::now(), event);
                sqlx::query(
                    "INSERT INTO audit_log (seq, at, actor_id, actor, action, record_type, record_id, ip, detail, prev_hash, hash)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(e.seq)
                .bind(e.at)
                .bind(e.event.actor_id)
                .bind(&e.event.actor)
                .bind(&e.event.action)
                .bind(&e.event.record_type)
                .bind(&e.event.record_id)
                .bind(&e.event.ip)
                .bind(&e.event.detail)
                .bind(&e.prev_hash)
                .bind(&e.hash)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use audit_sql;
