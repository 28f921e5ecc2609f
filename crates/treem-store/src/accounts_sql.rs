//! The SQL of accounts, sessions, API tokens and the audit log.
//! Expanded into each backend by `shared_store!` (in `common.rs`), whose
//! `Store` methods call these.

/// Inherent methods of a backend for accounts, sessions, tokens and audit.
macro_rules! accounts_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            pub(crate) async fn create_account_sql(
                &self,
                new: &$crate::NewAccount,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO accounts (username, display_name, role, scope_code, password_hash, must_change_password, active, created_at, commune_chair)
                     VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8) RETURNING id",
                )
                .bind(&new.username)
                .bind(&new.display_name)
                .bind(new.role.as_str())
                .bind(&new.scope_code)
                .bind(&new.password_hash)
                .bind(new.must_change_password)
                .bind(chrono::Utc::now())
                .bind(new.commune_chair)
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            pub(crate) async fn account_by_username_sql(&self, username: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts WHERE username = $1", $crate::rows::ACCOUNT_COLUMNS);
                let row: Option<$crate::rows::AccountRow> =
                    sqlx::query_as(&sql).bind(username).fetch_optional(self.fresh()).await?;
                row.map(|r| r.into_account()).transpose()
            }

            pub(crate) async fn account_sql(&self, id: i64) -> $crate::StoreResult<Option<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts WHERE id = $1", $crate::rows::ACCOUNT_COLUMNS);
                let row: Option<$crate::rows::AccountRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(self.fresh()).await?;
                row.map(|r| r.into_account()).transpose()
            }

            pub(crate) async fn accounts_sql(&self) -> $crate::StoreResult<Vec<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts ORDER BY username", $crate::rows::ACCOUNT_COLUMNS);
                let rows: Vec<$crate::rows::AccountRow> = sqlx::query_as(&sql).fetch_all(self.fresh()).await?;
                rows.into_iter().map(|r| r.into_account()).collect()
            }

            pub(crate) async fn set_password_sql(
                &self,
                id: i64,
                password_hash: &str,
                must_change: bool,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query("UPDATE accounts SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                    .bind(password_hash)
                    .bind(must_change)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                // A new password ends every other session and every token.
                Self::end_access(&mut tx, id).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn create_session_sql(&self, s: &$crate::Session) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, expires_at, idle_until)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&s.id_hash)
                .bind(s.account_id)
                .bind(&s.csrf_token)
                .bind(s.created_at)
                .bind(s.expires_at)
                .bind(s.idle_until)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            pub(crate) async fn session_sql(&self, id_hash: &str) -> $crate::StoreResult<Option<$crate::Session>> {
                let row: Option<(String, i64, String, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as(
                        "SELECT id_hash, account_id, csrf_token, created_at, expires_at, idle_until FROM sessions WHERE id_hash = $1",
                    )
                    .bind(id_hash)
                    .fetch_optional(self.fresh())
                    .await?;
                Ok(row.map(|(id_hash, account_id, csrf_token, created_at, expires_at, idle_until)| $crate::Session {
                    id_hash,
                    account_id,
                    csrf_token,
                    created_at,
                    expires_at,
                    idle_until,
                }))
            }

            pub(crate) async fn touch_session_sql(&self, id_hash: &str, idle_until: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<()> {
                sqlx::query("UPDATE sessions SET idle_until = $1 WHERE id_hash = $2")
                    .bind(idle_until)
                    .bind(id_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            pub(crate) async fn delete_session_sql(&self, id_hash: &str) -> $crate::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            pub(crate) async fn purge_sessions_sql(&self, now: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR idle_until < $1")
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
            }

            pub(crate) async fn create_token_sql(
                &self,
                account_id: i64,
                token_hash: &str,
                expires_at: chrono::DateTime<chrono::Utc>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO api_tokens (account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(account_id)
                .bind(token_hash)
                .bind(chrono::Utc::now())
                .bind(expires_at)
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.detail = format!("{} token {id}", audit.detail).trim().to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            pub(crate) async fn account_by_token_sql(&self, token_hash: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                // Only a live token of an active account: not revoked, not
                // past its end (one without an end is from before ends).
                let sql = format!(
                    "SELECT {} FROM accounts WHERE active AND id = (SELECT account_id FROM api_tokens
                       WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2)",
                    $crate::rows::ACCOUNT_COLUMNS
                );
                let row: Option<$crate::rows::AccountRow> = sqlx::query_as(&sql)
                    .bind(token_hash)
                    .bind(chrono::Utc::now())
                    .fetch_optional(self.fresh())
                    .await?;
                row.map(|r| r.into_account()).transpose()
            }

            /// Ends every session and token of an account.
            async fn end_access(tx: &mut sqlx::Transaction<'static, $db>, id: i64) -> $crate::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(chrono::Utc::now())
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            pub(crate) async fn change_account_sql(
                &self,
                id: i64,
                change: $crate::AccountChange,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let query = match &change {
                    $crate::AccountChange::Active(v) => {
                        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2").bind(*v)
                    }
                    $crate::AccountChange::CommuneChair(v) => {
                        sqlx::query("UPDATE accounts SET commune_chair = $1 WHERE id = $2").bind(*v)
                    }
                    $crate::AccountChange::Agency(code) => {
                        sqlx::query("UPDATE accounts SET agency_code = $1 WHERE id = $2").bind(code.clone())
                    }
                };
                let done = query.bind(id).execute(&mut *tx).await?;
                if done.rows_affected() == 0 {
                    return Err($crate::StoreError::NotFound);
                }
                if change == $crate::AccountChange::Active(false) {
                    Self::end_access(&mut tx, id).await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn tokens_sql(&self) -> $crate::StoreResult<Vec<$crate::TokenInfo>> {
                type Row = (
                    i64,
                    i64,
                    String,
                    chrono::DateTime<chrono::Utc>,
                    Option<chrono::DateTime<chrono::Utc>>,
                    Option<chrono::DateTime<chrono::Utc>>,
                );
                let rows: Vec<Row> = sqlx::query_as(
                    "SELECT t.id, t.account_id, a.username, t.created_at, t.expires_at, t.revoked_at
                     FROM api_tokens t JOIN accounts a ON a.id = t.account_id ORDER BY t.id",
                )
                .fetch_all(self.fresh())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, account_id, username, created_at, expires_at, revoked_at)| $crate::TokenInfo {
                        id,
                        account_id,
                        username,
                        created_at,
                        expires_at,
                        revoked_at,
                    })
                    .collect())
            }

            pub(crate) async fn revoke_token_sql(
                &self,
                id: i64,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(chrono::Utc::now())
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            pub(crate) async fn audit_sql(&self, event: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::append_audit(&mut tx, event).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn audit_entries_sql(
                &self,
                q: &$crate::AuditQuery,
            ) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                let sql = format!(
                    "SELECT {} FROM audit_log
                     WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR actor = $2)
                       AND ($3 IS NULL OR record_type = $3) AND ($4 IS NULL OR seq < $4)
                       AND ($6 IS NULL OR at >= $6) AND ($7 IS NULL OR at < $7)
                     ORDER BY seq DESC LIMIT $5",
                    $crate::rows::AUDIT_COLUMNS
                );
                let rows: Vec<$crate::rows::AuditRow> = sqlx::query_as(&sql)
                    .bind(&q.action)
                    .bind(&q.actor)
                    .bind(&q.record_type)
                    .bind(q.before_seq)
                    .bind(q.limit)
                    .bind(q.from)
                    .bind(q.until)
                    .fetch_all(self.fresh())
                    .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            pub(crate) async fn audit_chain_sql(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                let sql = format!(
                    "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                    $crate::rows::AUDIT_COLUMNS
                );
                let rows: Vec<$crate::rows::AuditRow> =
                    sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(self.fresh()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            pub(crate) async fn count_login_attempt_sql(
                &self,
                key: &str,
                window_from: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<i64> {
                // One statement: the row lock of the upsert orders concurrent
                // attempts, each sees the count with its own.
                Ok(sqlx::query_scalar(
                    "INSERT INTO login_counters (key, window_start, count) VALUES ($1, $2, 1)
                     ON CONFLICT (key) DO UPDATE SET
                       count = CASE WHEN login_counters.window_start < $3 THEN 1 ELSE login_counters.count + 1 END,
                       window_start = CASE WHEN login_counters.window_start < $3 THEN $2 ELSE login_counters.window_start END
                     RETURNING count",
                )
                .bind(key)
                .bind(now)
                .bind(window_from)
                .fetch_one(self.writer())
                .await?)
            }

            pub(crate) async fn take_login_slot_sql(
                &self,
                key: &str,
                free_before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<bool> {
                let taken: Option<String> = sqlx::query_scalar(
                    "UPDATE login_counters SET slot_at = $2
                     WHERE key = $1 AND (slot_at IS NULL OR slot_at <= $3) RETURNING key",
                )
                .bind(key)
                .bind(now)
                .bind(free_before)
                .fetch_optional(self.writer())
                .await?;
                Ok(taken.is_some())
            }

            pub(crate) async fn forget_login_attempts_sql(
                &self,
                forget: &[String],
                one_less: &[String],
                stale_before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for key in forget {
                    sqlx::query("DELETE FROM login_counters WHERE key = $1")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
                for key in one_less {
                    sqlx::query("UPDATE login_counters SET count = count - 1 WHERE key = $1 AND count > 0")
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("DELETE FROM login_counters WHERE window_start < $1")
                    .bind(stale_before)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use accounts_sql;
