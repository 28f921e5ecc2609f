//! The SQL both backends share. The queries are written once, in the subset
//! that SQLite and PostgreSQL both accept (`$n` placeholders, `RETURNING`,
//! `ON CONFLICT`), and the macro below expands them into each backend's
//! `Store` implementation, where each body is type-checked against that
//! backend's own driver. What differs (audit locking, passing a list of ids)
//! is given to the macro by each backend.

use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::{AuditEntry, AuditEvent};
use treem_domain::units::{Level, Unit};

use crate::{Account, StoreError, StoreResult, StoredUnit, parse_role};

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    id: i64,
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    successor_code: Option<String>,
    note: String,
}

impl UnitRow {
    pub(crate) fn into_stored(self) -> StoreResult<StoredUnit> {
        let level = Level::parse(&self.level)
            .ok_or_else(|| StoreError::Corrupt(format!("unit level {}", self.level)))?;
        Ok(StoredUnit {
            id: self.id,
            unit: Unit {
                code: self.code,
                name: self.name,
                level,
                parent_code: self.parent_code,
                valid_from: self.valid_from,
                valid_to: self.valid_to,
                successor_code: self.successor_code,
                note: self.note,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    scope_code: String,
    password_hash: String,
    must_change_password: bool,
    active: bool,
    created_at: DateTime<Utc>,
}

impl AccountRow {
    pub(crate) fn into_account(self) -> StoreResult<Account> {
        Ok(Account {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: parse_role(&self.role)?,
            scope_code: self.scope_code,
            password_hash: self.password_hash,
            must_change_password: self.must_change_password,
            active: self.active,
            created_at: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    ip: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            event: AuditEvent {
                actor_id: r.actor_id,
                actor: r.actor,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                ip: r.ip,
                detail: r.detail,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

pub(crate) const UNIT_COLUMNS: &str =
    "id, code, name, level, parent_code, valid_from, valid_to, successor_code, note";
pub(crate) const ACCOUNT_COLUMNS: &str = "id, username, display_name, role, scope_code, password_hash, must_change_password, active, created_at";
pub(crate) const CHILD_DETAIL_COLUMNS: &str = "id, child_id, national_id, full_name, sex, date_of_birth, ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name, caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date, version, merged_into";
pub(crate) const MEASUREMENT_COLUMNS: &str = "id, child_id, measured_on, weight_kg, height_cm, position, oedema, head_cm, age_days, clen_cm, c9mo_flag, waz, f_waz, haz, f_haz, whz, f_whz, baz, f_baz, hcz, f_hcz, nutrition, method";
pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor_id, actor, action, record_type, record_id, ip, detail, prev_hash, hash";

/// The search text of a stored record (see `treem_domain::child::search_text`).
pub(crate) fn detail_search_text(r: &crate::ChildDetail) -> String {
    treem_domain::child::search_text_of(
        &[
            Some(r.full_name.as_str()),
            r.mother_name.as_deref(),
            r.father_name.as_deref(),
            r.caregiver_name.as_deref(),
            r.national_id.as_deref(),
        ],
        chrono::Datelike::year(&r.date_of_birth),
    )
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE … ESCAPE '\'`.
pub(crate) fn like_contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The field filters of the children's list, parameters `$5`–`$11`
/// (see `ChildFilters`); a NULL parameter narrows nothing.
macro_rules! field_filters {
    () => {
        "
          AND ($5 IS NULL OR sex = $5)
          AND ($6 IS NULL OR date_of_birth >= $6)
          AND ($7 IS NULL OR date_of_birth <= $7)
          AND ($8 IS NULL OR ethnicity = $8)
          AND ($9 IS NULL OR (';' || special_circumstances || ';') LIKE ('%;' || $9 || ';%'))
          AND ($10 IS NULL OR COALESCE(birth_registered, FALSE) = $10)
          AND ($11 IS NULL OR village = $11)"
    };
}

/// Binds a child's 20 stored columns, in the order `$1`…`$20` of the insert
/// and the update (`unit_id` is the record's unit version).
macro_rules! bind_child {
    ($q:expr, $c:expr, $unit:expr) => {
        $q.bind(&$c.child_id)
            .bind(&$c.national_id)
            .bind(&$c.full_name)
            .bind(treem_domain::text::fold(&$c.full_name))
            .bind(treem_domain::text::name_sort_key(&$c.full_name))
            .bind($c.sex.code())
            .bind($c.date_of_birth)
            .bind(&$c.ethnicity)
            .bind($unit)
            .bind(&$c.village)
            .bind($c.birth_registered)
            .bind($c.birth_registration_date)
            .bind(&$c.mother_name)
            .bind(&$c.father_name)
            .bind(&$c.caregiver_name)
            .bind(&$c.caregiver_phone)
            .bind($c.household_poverty.map(|p| p.code()))
            .bind($c.special_circumstances.join(";"))
            .bind($c.status.code())
            .bind($c.status_date)
    };
}

/// Expands into the shared part of a backend's `Store` implementation.
///
/// - `$store`: the backend type, with `fn writer(&self)` and `fn reader(&self)`
///   returning its pools;
/// - `$db`: the sqlx database type;
/// - `$lock`: SQL that serialises audit appends inside a transaction, or `None`
///   when the backend already has a single writer;
/// - `$ids`: a sub-select yielding the ids in the JSON array bound as `$2`.
macro_rules! shared_store {
    (
        $store:ty,
        $db:ty,
        audit_lock: $lock:expr,
        ids_in: $ids:literal,
        tokens_in: $tokens:literal,
        prefilter: $prefilter:literal,
        prefilter_value: $prefilter_value:path,
        backend: $name:literal
    ) => {
        impl $store {
            /// Fills the search text of rows stored before it existed.
            async fn backfill_search_text(&self) -> $crate::StoreResult<()> {
                loop {
                    let sql = format!(
                        "SELECT {} FROM children WHERE search_text = '' LIMIT 5000",
                        $crate::common::CHILD_DETAIL_COLUMNS
                    );
                    let rows: Vec<$crate::ChildDetail> = sqlx::query_as(&sql).fetch_all(self.writer()).await?;
                    if rows.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.writer().begin().await?;
                    for r in &rows {
                        let text = $crate::common::detail_search_text(r);
                        sqlx::query("UPDATE children SET search_text = $1 WHERE id = $2")
                            .bind(text)
                            .bind(r.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                }
            }

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

            /// Inserts one measurement inside a transaction.
            async fn insert_measurement(
                tx: &mut sqlx::Transaction<'_, $db>,
                child: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
            ) -> $crate::StoreResult<i64> {
                let id: i64 = sqlx::query_scalar(
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
                .bind(m.head_cm)
                .bind(z.age_days)
                .bind(z.clen_cm)
                .bind(z.c9mo_flag)
                .bind(z.waz)
                .bind(z.f_waz)
                .bind(z.haz)
                .bind(z.f_haz)
                .bind(z.whz)
                .bind(z.f_whz)
                .bind(z.baz)
                .bind(z.f_baz)
                .bind(z.hcz)
                .bind(z.f_hcz)
                .bind(&z.nutrition)
                .bind(&z.method)
                .bind(chrono::Utc::now())
                .fetch_one(&mut **tx)
                .await?;
                Ok(id)
            }
        }

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn units(&self) -> $crate::StoreResult<Vec<$crate::StoredUnit>> {
                let sql = format!("SELECT {} FROM units ORDER BY id", $crate::common::UNIT_COLUMNS);
                let rows: Vec<$crate::common::UnitRow> =
                    sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                rows.into_iter().map(|r| r.into_stored()).collect()
            }

            async fn apply_unit_merge(
                &self,
                merge: &treem_domain::units::UnitMerge,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                for (old, new) in &merge.changed {
                    let id: i64 = sqlx::query_scalar(
                        "SELECT id FROM units WHERE code = $1 AND valid_from IS NOT DISTINCT FROM $2",
                    )
                    .bind(&old.code)
                    .bind(old.valid_from)
                    .fetch_one(&mut *tx)
                    .await?;
                    let previous = serde_json::to_string(old)
                        .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                    sqlx::query("INSERT INTO unit_changes (unit_id, changed_at, previous) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(now)
                        .bind(previous)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "UPDATE units SET name = $1, level = $2, parent_code = $3, valid_to = $4,
                         successor_code = $5, note = $6 WHERE id = $7",
                    )
                    .bind(&new.name)
                    .bind(new.level.as_str())
                    .bind(&new.parent_code)
                    .bind(new.valid_to)
                    .bind(&new.successor_code)
                    .bind(&new.note)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                for u in &merge.added {
                    sqlx::query(
                        "INSERT INTO units (code, name, level, parent_code, valid_from, valid_to, successor_code, note)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&u.code)
                    .bind(&u.name)
                    .bind(u.level.as_str())
                    .bind(&u.parent_code)
                    .bind(u.valid_from)
                    .bind(u.valid_to)
                    .bind(&u.successor_code)
                    .bind(&u.note)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_account(
                &self,
                new: &$crate::NewAccount,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO accounts (username, display_name, role, scope_code, password_hash, must_change_password, active, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id",
                )
                .bind(&new.username)
                .bind(&new.display_name)
                .bind(new.role.as_str())
                .bind(&new.scope_code)
                .bind(&new.password_hash)
                .bind(new.must_change_password)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn account_by_username(&self, username: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts WHERE username = $1", $crate::common::ACCOUNT_COLUMNS);
                let row: Option<$crate::common::AccountRow> =
                    sqlx::query_as(&sql).bind(username).fetch_optional(self.reader()).await?;
                row.map(|r| r.into_account()).transpose()
            }

            async fn account(&self, id: i64) -> $crate::StoreResult<Option<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts WHERE id = $1", $crate::common::ACCOUNT_COLUMNS);
                let row: Option<$crate::common::AccountRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?;
                row.map(|r| r.into_account()).transpose()
            }

            async fn accounts(&self) -> $crate::StoreResult<Vec<$crate::Account>> {
                let sql = format!("SELECT {} FROM accounts ORDER BY username", $crate::common::ACCOUNT_COLUMNS);
                let rows: Vec<$crate::common::AccountRow> = sqlx::query_as(&sql).fetch_all(self.reader()).await?;
                rows.into_iter().map(|r| r.into_account()).collect()
            }

            async fn set_password(
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
                // A new password ends every other session of the account.
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn create_session(&self, s: &$crate::Session) -> $crate::StoreResult<()> {
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

            async fn session(&self, id_hash: &str) -> $crate::StoreResult<Option<$crate::Session>> {
                let row: Option<(String, i64, String, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as(
                        "SELECT id_hash, account_id, csrf_token, created_at, expires_at, idle_until FROM sessions WHERE id_hash = $1",
                    )
                    .bind(id_hash)
                    .fetch_optional(self.reader())
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

            async fn touch_session(&self, id_hash: &str, idle_until: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<()> {
                sqlx::query("UPDATE sessions SET idle_until = $1 WHERE id_hash = $2")
                    .bind(idle_until)
                    .bind(id_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn delete_session(&self, id_hash: &str) -> $crate::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(id_hash)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn purge_sessions(&self, now: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR idle_until < $1")
                    .bind(now)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
            }

            async fn create_token(
                &self,
                account_id: i64,
                token_hash: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("INSERT INTO api_tokens (account_id, token_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(account_id)
                    .bind(token_hash)
                    .bind(chrono::Utc::now())
                    .execute(&mut *tx)
                    .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn account_by_token(&self, token_hash: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                let sql = format!(
                    "SELECT {} FROM accounts WHERE id = (SELECT account_id FROM api_tokens WHERE token_hash = $1)",
                    $crate::common::ACCOUNT_COLUMNS
                );
                let row: Option<$crate::common::AccountRow> =
                    sqlx::query_as(&sql).bind(token_hash).fetch_optional(self.reader()).await?;
                row.map(|r| r.into_account()).transpose()
            }

            async fn audit(&self, event: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                Self::append_audit(&mut tx, event).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_entries(
                &self,
                q: &$crate::AuditQuery,
            ) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                let sql = format!(
                    "SELECT {} FROM audit_log
                     WHERE ($1 IS NULL OR action = $1) AND ($2 IS NULL OR actor = $2)
                       AND ($3 IS NULL OR record_type = $3) AND ($4 IS NULL OR seq < $4)
                     ORDER BY seq DESC LIMIT $5",
                    $crate::common::AUDIT_COLUMNS
                );
                let rows: Vec<$crate::common::AuditRow> = sqlx::query_as(&sql)
                    .bind(&q.action)
                    .bind(&q.actor)
                    .bind(&q.record_type)
                    .bind(q.before_seq)
                    .bind(q.limit)
                    .fetch_all(self.reader())
                    .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn audit_chain(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                let sql = format!(
                    "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                    $crate::common::AUDIT_COLUMNS
                );
                let rows: Vec<$crate::common::AuditRow> =
                    sqlx::query_as(&sql).bind(after).bind(limit).fetch_all(self.reader()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn recent_login_failures(
                &self,
                username: &str,
                ip: &str,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<(i64, i64)> {
                let by_user: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND record_id = $1 AND at > $2",
                )
                .bind(username)
                .bind(since)
                .fetch_one(self.reader())
                .await?;
                let by_ip: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed' AND ip = $1 AND at > $2",
                )
                .bind(ip)
                .bind(since)
                .fetch_one(self.reader())
                .await?;
                Ok((by_user, by_ip))
            }

            async fn insert_children(
                &self,
                children: &[(treem_domain::child::Child, i64)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<i64>> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                let mut ids = Vec::with_capacity(children.len());
                for (c, unit_id) in children {
                    let query = sqlx::query_scalar(
                        "INSERT INTO children (child_id, national_id, full_name, name_folded, name_sort, sex, date_of_birth,
                           ethnicity, unit_id, village, birth_registered, birth_registration_date, mother_name, father_name,
                           caregiver_name, caregiver_phone, household_poverty, special_circumstances, status, status_date,
                           version, created_at, updated_at, search_text)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $21, $22)
                         RETURNING id",
                    );
                    let id: i64 = bind_child!(query, c, unit_id)
                    .bind(now)
                    .bind(treem_domain::child::search_text(c))
                    .fetch_one(&mut *tx)
                    .await?;
                    ids.push(id);
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

            async fn count_children(&self, scope: &$crate::Scope) -> $crate::StoreResult<i64> {
                let (all, ids) = scope.as_params();
                let n: i64 = sqlx::query_scalar(concat!(
                    "SELECT COUNT(*) FROM children WHERE merged_into IS NULL AND ($1 OR unit_id IN (", $ids, "))"
                ))
                .bind(all)
                .bind(ids)
                .fetch_one(self.reader())
                .await?;
                Ok(n)
            }

            async fn children(&self, q: &$crate::ChildQuery) -> $crate::StoreResult<(Vec<$crate::ChildRow>, i64)> {
                let (all, ids) = q.scope.as_params();
                let tokens = serde_json::to_string(&treem_domain::child::search_tokens(&q.name))
                    .map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let words: Vec<String> =
                    treem_domain::text::fold(&q.name).split_whitespace().take(8).map(str::to_string).collect();
                let narrow: String = $prefilter_value(&words);
                let phrase = $crate::common::like_contains(&treem_domain::text::fold(&q.name));
                // With words long enough for the index, the index drives the
                // query ($4); without, `$4 = ''` keeps the same parameters.
                // Either way every word must occur in the search text.
                let filter = if narrow.is_empty() {
                    concat!(
                        " FROM children WHERE merged_into IS NULL AND ($1 OR unit_id IN (", $ids, "))
                          AND $4 = ''", $crate::common::field_filters!(), "
                          AND NOT EXISTS (SELECT 1 FROM (", $tokens, ") tk
                                          WHERE search_text NOT LIKE '%' || tk.t || '%' ESCAPE '\\')"
                    )
                } else {
                    concat!(
                        " FROM children WHERE ", $prefilter, " AND merged_into IS NULL
                          AND ($1 OR unit_id IN (", $ids, "))", $crate::common::field_filters!(), "
                          AND NOT EXISTS (SELECT 1 FROM (", $tokens, ") tk
                                          WHERE search_text NOT LIKE '%' || tk.t || '%' ESCAPE '\\')"
                    )
                };
                let f = &q.filters;
                let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*){filter}"))
                    .bind(all)
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
                    .fetch_one(self.reader())
                    .await?;
                // The whole phrase in the child's own name ranks first.
                let rows: Vec<$crate::ChildRow> = sqlx::query_as(&format!(
                    "SELECT id, child_id, full_name, sex, date_of_birth, ethnicity, unit_id, village, status, version{filter}
                     ORDER BY CASE WHEN name_folded LIKE $12 ESCAPE '\\' THEN 0 ELSE 1 END, name_sort, child_id
                     LIMIT $13 OFFSET $14"
                ))
                .bind(all)
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
                .bind(&phrase)
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(self.reader())
                .await?;
                Ok((rows, total))
            }

            async fn villages(&self, scope: &$crate::Scope) -> $crate::StoreResult<Vec<String>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_scalar(concat!(
                    "SELECT DISTINCT village FROM children
                     WHERE village IS NOT NULL AND merged_into IS NULL AND ($1 OR unit_id IN (", $ids, "))
                     ORDER BY village"
                ))
                .bind(all)
                .bind(ids)
                .fetch_all(self.reader())
                .await?)
            }

            async fn child_list(
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
                        "SELECT {} FROM children WHERE merged_into IS NULL AND ($1 OR unit_id IN (", $ids, "))
                           AND status = 'active' AND {}
                         ORDER BY name_sort, child_id"
                    ),
                    $crate::common::CHILD_DETAIL_COLUMNS,
                    condition
                );
                Ok(sqlx::query_as(&sql).bind(all).bind(ids).bind(from).bind(to).fetch_all(self.reader()).await?)
            }

            async fn child(&self, id: i64) -> $crate::StoreResult<Option<$crate::ChildDetail>> {
                let sql = format!("SELECT {} FROM children WHERE id = $1", $crate::common::CHILD_DETAIL_COLUMNS);
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?)
            }

            async fn update_child(
                &self,
                id: i64,
                expected_version: i64,
                c: &treem_domain::child::Child,
                unit_id: i64,
                changed_fields: &[String],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let sql = format!("SELECT {} FROM children WHERE id = $1", $crate::common::CHILD_DETAIL_COLUMNS);
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

            async fn duplicate_pairs(&self, scope: &$crate::Scope, limit: i64) -> $crate::StoreResult<Vec<(i64, i64)>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT a.id, b.id FROM children a JOIN children b ON b.id > a.id
                       AND ((a.national_id IS NOT NULL AND b.national_id = a.national_id)
                         OR (b.date_of_birth = a.date_of_birth
                             AND (b.unit_id = a.unit_id OR b.village = a.village OR b.mother_name = a.mother_name)))
                     WHERE a.merged_into IS NULL AND b.merged_into IS NULL
                       AND ($1 OR a.unit_id IN (", $ids, ")) AND ($1 OR b.unit_id IN (", $ids, "))
                     ORDER BY a.id, b.id LIMIT $3"
                ))
                .bind(all)
                .bind(ids)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            async fn duplicate_candidates(
                &self,
                national_id: Option<&str>,
                born: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                let sql = format!(
                    "SELECT {} FROM children WHERE merged_into IS NULL AND (national_id = $1 OR date_of_birth = $2) LIMIT 500",
                    $crate::common::CHILD_DETAIL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(national_id).bind(born).fetch_all(self.reader()).await?)
            }

            async fn child_id_taken(&self, child_id: &str) -> $crate::StoreResult<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE child_id = $1")
                    .bind(child_id)
                    .fetch_one(self.reader())
                    .await?;
                Ok(n > 0)
            }

            async fn children_by_id(&self, ids: &[i64]) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                let (_, list) = $crate::Scope::Units(ids.to_vec()).as_params();
                // `$1` is always true; the id list is the `$2` of the shared sub-select.
                let sql = format!(
                    concat!("SELECT {} FROM children WHERE $1 AND id IN (", $ids, ")"),
                    $crate::common::CHILD_DETAIL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(true).bind(list).fetch_all(self.reader()).await?)
            }

            async fn merge_children(
                &self,
                survivor: i64,
                merged: i64,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                if survivor == merged {
                    return Err($crate::StoreError::Conflict("same record".into()));
                }
                let mut tx = self.writer().begin().await?;
                for id in [survivor, merged] {
                    let state: Option<Option<i64>> = sqlx::query_scalar("SELECT merged_into FROM children WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    match state {
                        None => return Err($crate::StoreError::NotFound),
                        Some(Some(_)) => return Err($crate::StoreError::Conflict("already merged".into())),
                        Some(None) => {}
                    }
                }
                let moved: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM measurements WHERE child_id = $1
                       AND measured_on NOT IN (SELECT measured_on FROM measurements WHERE child_id = $2) ORDER BY id",
                )
                .bind(merged)
                .bind(survivor)
                .fetch_all(&mut *tx)
                .await?;
                for m in &moved {
                    sqlx::query("UPDATE measurements SET child_id = $1 WHERE id = $2")
                        .bind(survivor)
                        .bind(m)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE children SET merged_into = $1, version = version + 1 WHERE id = $2")
                    .bind(survivor)
                    .bind(merged)
                    .execute(&mut *tx)
                    .await?;
                let moved_json = serde_json::to_string(&moved).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO merges (survivor_id, merged_id, merged_at, actor, moved_measurements)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(survivor)
                .bind(merged)
                .bind(chrono::Utc::now())
                .bind(&audit.actor)
                .bind(moved_json)
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                audit.detail = format!("child {merged} into {survivor}, {} measurements moved", moved.len());
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn unmerge(&self, merge: i64, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let m: $crate::Merge = sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges WHERE id = $1",
                )
                .bind(merge)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or($crate::StoreError::NotFound)?;
                if m.undone_at.is_some() {
                    return Err($crate::StoreError::Conflict("already undone".into()));
                }
                let moved: Vec<i64> =
                    serde_json::from_str(&m.moved_measurements).map_err(|e| $crate::StoreError::Corrupt(e.to_string()))?;
                for id in &moved {
                    sqlx::query("UPDATE measurements SET child_id = $1 WHERE id = $2 AND child_id = $3")
                        .bind(m.merged_id)
                        .bind(id)
                        .bind(m.survivor_id)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("UPDATE children SET merged_into = NULL, version = version + 1 WHERE id = $1")
                    .bind(m.merged_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE merges SET undone_at = $1 WHERE id = $2")
                    .bind(chrono::Utc::now())
                    .bind(merge)
                    .execute(&mut *tx)
                    .await?;
                let mut audit = audit;
                audit.record_id = merge.to_string();
                audit.detail = format!("child {} out of {}", m.merged_id, m.survivor_id);
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn merge(&self, id: i64) -> $crate::StoreResult<Option<$crate::Merge>> {
                Ok(sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?)
            }

            async fn merges_of(&self, child: i64) -> $crate::StoreResult<Vec<$crate::Merge>> {
                Ok(sqlx::query_as(
                    "SELECT id, survivor_id, merged_id, merged_at, actor, moved_measurements, undone_at FROM merges
                     WHERE survivor_id = $1 OR merged_id = $1 ORDER BY id DESC",
                )
                .bind(child)
                .fetch_all(self.reader())
                .await?)
            }

            async fn child_versions(&self, id: i64) -> $crate::StoreResult<Vec<$crate::ChildVersion>> {
                Ok(sqlx::query_as(
                    "SELECT version, changed_at, actor, previous, changed_fields FROM child_versions
                     WHERE child_id = $1 ORDER BY version DESC",
                )
                .bind(id)
                .fetch_all(self.reader())
                .await?)
            }

            async fn add_measurement(
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

            async fn insert_measurements(
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

            async fn measurements(&self, child: i64) -> $crate::StoreResult<Vec<$crate::StoredMeasurement>> {
                let sql = format!(
                    "SELECT {} FROM measurements WHERE child_id = $1 ORDER BY measured_on",
                    $crate::common::MEASUREMENT_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(child).fetch_all(self.reader()).await?)
            }

            async fn measurement_inputs(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<$crate::MeasurementInput>> {
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

            async fn update_zscores(
                &self,
                rows: &[(i64, $crate::ZRecord)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                for (id, z) in rows {
                    sqlx::query(
                        "UPDATE measurements SET age_days = $1, clen_cm = $2, c9mo_flag = $3, waz = $4, f_waz = $5,
                           haz = $6, f_haz = $7, whz = $8, f_whz = $9, baz = $10, f_baz = $11, hcz = $12, f_hcz = $13,
                           nutrition = $14, method = $15
                         WHERE id = $16",
                    )
                    .bind(z.age_days)
                    .bind(z.clen_cm)
                    .bind(z.c9mo_flag)
                    .bind(z.waz)
                    .bind(z.f_waz)
                    .bind(z.haz)
                    .bind(z.f_haz)
                    .bind(z.whz)
                    .bind(z.f_whz)
                    .bind(z.baz)
                    .bind(z.f_baz)
                    .bind(z.hcz)
                    .bind(z.f_hcz)
                    .bind(&z.nutrition)
                    .bind(&z.method)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn latest_measurements(
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
                     WHERE c.merged_into IS NULL AND ($1 OR c.unit_id IN (", $ids, ")) AND c.date_of_birth > $3
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

pub(crate) use bind_child;
pub(crate) use field_filters;
pub(crate) use shared_store;
