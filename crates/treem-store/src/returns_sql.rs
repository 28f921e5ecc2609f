//! Returns (issue 18): the data elements and returns defined, each
//! commune's values per period (every earlier value kept), and where each
//! return stands with every step taken. A value changes only while its
//! return is a draft; the status moves only from the status the caller saw.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::audit::AuditEvent;

use crate::StoreResult;

/// A data element as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ElementRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `whole`, `decimal`, `yes_no`.
    pub kind: String,
    pub by_sex: bool,
    pub programme: Option<String>,
}

/// A return as stored: its elements in order, its rules (left, `<=`/`>=`/`=`, right).
#[derive(Debug, Clone, PartialEq)]
pub struct FormRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `6-monthly`, `yearly`.
    pub frequency: String,
    pub elements: Vec<String>,
    pub rules: Vec<(String, String, String)>,
}

/// A commune's value of an element for a period.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ValueRow {
    pub unit_id: i64,
    pub period: String,
    pub element: String,
    /// `F`, `M`, or `""`.
    pub sex: String,
    pub value: f64,
    pub written_by: String,
    pub written_at: DateTime<Utc>,
}

/// Where a commune's return for a period stands.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FilingRow {
    pub unit_id: i64,
    pub form: String,
    pub period: String,
    /// `draft`, `submitted`, `approved`.
    pub status: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A step taken on a return.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StepRow {
    /// `saved`, `submitted`, `approved`, `unlocked`, `imported`.
    pub step: String,
    pub reason: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// A value an import writes (checked before: its return is a draft, or
/// not begun).
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnWrite {
    pub unit_id: i64,
    pub form: String,
    pub period: String,
    pub element: String,
    pub sex: String,
    pub value: f64,
}

/// Which return of which commune and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingKey<'a> {
    pub unit_id: i64,
    pub form: &'a str,
    pub period: &'a str,
}

/// The storage of returns (a part of [`crate::Store`]).
#[async_trait]
pub trait ReturnStore: Send + Sync {
    /// Stores the seed's elements and returns when none is defined yet;
    /// whether it did.
    async fn load_return_seed(
        &self,
        elements: &[ElementRow],
        forms: &[FormRow],
        audit: AuditEvent,
    ) -> StoreResult<bool>;
    async fn data_elements(&self) -> StoreResult<Vec<ElementRow>>;
    async fn return_forms(&self) -> StoreResult<Vec<FormRow>>;
    /// A commune's values of a period (every element).
    async fn return_values(&self, unit_id: i64, period: &str) -> StoreResult<Vec<ValueRow>>;
    /// Every commune's values of every period (an export).
    async fn all_return_values(&self) -> StoreResult<Vec<ValueRow>>;
    /// Where every commune's return of a period stands.
    async fn return_filings(&self, form: &str, period: &str) -> StoreResult<Vec<FilingRow>>;
    /// The steps taken on a return, oldest first.
    async fn return_steps(&self, key: FilingKey<'_>) -> StoreResult<Vec<StepRow>>;
    /// Writes a draft's values (`None` clears one; the earlier value is
    /// kept) and marks it a draft; `None` when the return is submitted or
    /// approved (nothing written), else how many values changed.
    async fn save_return(
        &self,
        key: FilingKey<'_>,
        values: &[(String, String, Option<f64>)],
        audit: AuditEvent,
    ) -> StoreResult<Option<u64>>;
    /// Moves a return from `from` to `to` (`step` and `reason` recorded);
    /// `false` when it was not at `from` (someone moved it first).
    async fn step_return(
        &self,
        key: FilingKey<'_>,
        from: &str,
        to: &str,
        step: &str,
        reason: &str,
        audit: AuditEvent,
    ) -> StoreResult<bool>;
}

/// Expands into a backend's `ReturnStore` implementation.
macro_rules! returns_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Stores a return: its row (added or renamed), its elements in
            /// order and its rules, replacing those it had.
            pub(crate) async fn write_form(
                tx: &mut sqlx::Transaction<'_, $db>,
                f: &$crate::FormRow,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO return_forms (code, name_vi, name_en, frequency) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi,
                       name_en = excluded.name_en, frequency = excluded.frequency",
                )
                .bind(&f.code)
                .bind(&f.name_vi)
                .bind(&f.name_en)
                .bind(&f.frequency)
                .execute(&mut **tx)
                .await?;
                for delete in [
                    "DELETE FROM return_form_elements WHERE form = $1",
                    "DELETE FROM return_rules WHERE form = $1",
                ] {
                    sqlx::query(delete).bind(&f.code).execute(&mut **tx).await?;
                }
                for (i, e) in f.elements.iter().enumerate() {
                    sqlx::query("INSERT INTO return_form_elements (form, element, position) VALUES ($1, $2, $3)")
                        .bind(&f.code)
                        .bind(e)
                        .bind(i as i64)
                        .execute(&mut **tx)
                        .await?;
                }
                for (l, c, r) in &f.rules {
                    sqlx::query(
                        "INSERT INTO return_rules (form, left_element, comparison, right_element)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&f.code)
                    .bind(l)
                    .bind(c)
                    .bind(r)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            async fn record_step(
                tx: &mut sqlx::Transaction<'_, $db>,
                key: $crate::FilingKey<'_>,
                step: &str,
                reason: &str,
                actor: &str,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO return_steps (unit_id, form, period, step, reason, actor, at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(key.unit_id)
                .bind(key.form)
                .bind(key.period)
                .bind(step)
                .bind(reason)
                .bind(actor)
                .bind(chrono::Utc::now())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::ReturnStore for $store {
            async fn load_return_seed(
                &self,
                elements: &[$crate::ElementRow],
                forms: &[$crate::FormRow],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let any: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM data_elements")
                    .fetch_one(&mut *tx)
                    .await?;
                if any > 0 {
                    return Ok(false);
                }
                for e in elements {
                    sqlx::query(
                        "INSERT INTO data_elements (code, name_vi, name_en, kind, by_sex, programme)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&e.code)
                    .bind(&e.name_vi)
                    .bind(&e.name_en)
                    .bind(&e.kind)
                    .bind(e.by_sex)
                    .bind(&e.programme)
                    .execute(&mut *tx)
                    .await?;
                }
                for f in forms {
                    Self::write_form(&mut tx, f).await?;
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn data_elements(&self) -> $crate::StoreResult<Vec<$crate::ElementRow>> {
                Ok(sqlx::query_as(
                    "SELECT code, name_vi, name_en, kind, by_sex, programme FROM data_elements ORDER BY code",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn return_forms(&self) -> $crate::StoreResult<Vec<$crate::FormRow>> {
                let forms: Vec<(String, String, String, String)> = sqlx::query_as(
                    "SELECT code, name_vi, name_en, frequency FROM return_forms ORDER BY code",
                )
                .fetch_all(self.reader())
                .await?;
                let elements: Vec<(String, String)> = sqlx::query_as(
                    "SELECT form, element FROM return_form_elements ORDER BY form, position",
                )
                .fetch_all(self.reader())
                .await?;
                let rules: Vec<(String, String, String, String)> = sqlx::query_as(
                    "SELECT form, left_element, comparison, right_element FROM return_rules ORDER BY id",
                )
                .fetch_all(self.reader())
                .await?;
                Ok(forms
                    .into_iter()
                    .map(|(code, name_vi, name_en, frequency)| $crate::FormRow {
                        elements: elements
                            .iter()
                            .filter(|(f, _)| *f == code)
                            .map(|(_, e)| e.clone())
                            .collect(),
                        rules: rules
                            .iter()
                            .filter(|(f, ..)| *f == code)
                            .map(|(_, l, c, r)| (l.clone(), c.clone(), r.clone()))
                            .collect(),
                        code,
                        name_vi,
                        name_en,
                        frequency,
                    })
                    .collect())
            }

            async fn return_values(
                &self,
                unit_id: i64,
                period: &str,
            ) -> $crate::StoreResult<Vec<$crate::ValueRow>> {
                Ok(sqlx::query_as(
                    "SELECT unit_id, period, element, sex, value, written_by, written_at
                     FROM return_values WHERE unit_id = $1 AND period = $2 ORDER BY element, sex",
                )
                .bind(unit_id)
                .bind(period)
                .fetch_all(self.reader())
                .await?)
            }

            async fn all_return_values(&self) -> $crate::StoreResult<Vec<$crate::ValueRow>> {
                Ok(sqlx::query_as(
                    "SELECT unit_id, period, element, sex, value, written_by, written_at
                     FROM return_values ORDER BY unit_id, period, element, sex",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn return_filings(
                &self,
                form: &str,
                period: &str,
            ) -> $crate::StoreResult<Vec<$crate::FilingRow>> {
                Ok(sqlx::query_as(
                    "SELECT unit_id, form, period, status, changed_by, changed_at
                     FROM return_filings WHERE form = $1 AND period = $2 ORDER BY unit_id",
                )
                .bind(form)
                .bind(period)
                .fetch_all(self.reader())
                .await?)
            }

            async fn return_steps(
                &self,
                key: $crate::FilingKey<'_>,
            ) -> $crate::StoreResult<Vec<$crate::StepRow>> {
                Ok(sqlx::query_as(
                    "SELECT step, reason, actor, at FROM return_steps
                     WHERE unit_id = $1 AND form = $2 AND period = $3 ORDER BY id",
                )
                .bind(key.unit_id)
                .bind(key.form)
                .bind(key.period)
                .fetch_all(self.reader())
                .await?)
            }

            async fn save_return(
                &self,
                key: $crate::FilingKey<'_>,
                values: &[(String, String, Option<f64>)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Option<u64>> {
                let mut tx = self.writer().begin().await?;
                let status: Option<String> = sqlx::query_scalar(
                    "SELECT status FROM return_filings WHERE unit_id = $1 AND form = $2 AND period = $3",
                )
                .bind(key.unit_id)
                .bind(key.form)
                .bind(key.period)
                .fetch_optional(&mut *tx)
                .await?;
                if status.as_deref().is_some_and(|s| s != "draft") {
                    return Ok(None);
                }
                let now = chrono::Utc::now();
                let actor = audit.actor.clone();
                let mut written = 0u64;
                for (element, sex, value) in values {
                    if Self::put_value(&mut tx, key.unit_id, key.period, element, sex, *value, &actor, now)
                        .await?
                    {
                        written += 1;
                    }
                }
                sqlx::query(
                    "INSERT INTO return_filings (unit_id, form, period, status, changed_by, changed_at)
                     VALUES ($1, $2, $3, 'draft', $4, $5)
                     ON CONFLICT (unit_id, form, period) DO UPDATE
                     SET changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                )
                .bind(key.unit_id)
                .bind(key.form)
                .bind(key.period)
                .bind(&actor)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Self::record_step(&mut tx, key, "saved", &format!("{written}"), &actor).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(Some(written))
            }

            async fn step_return(
                &self,
                key: $crate::FilingKey<'_>,
                from: &str,
                to: &str,
                step: &str,
                reason: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE return_filings SET status = $1, changed_by = $2, changed_at = $3
                     WHERE unit_id = $4 AND form = $5 AND period = $6 AND status = $7",
                )
                .bind(to)
                .bind(&audit.actor)
                .bind(chrono::Utc::now())
                .bind(key.unit_id)
                .bind(key.form)
                .bind(key.period)
                .bind(from)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                let actor = audit.actor.clone();
                Self::record_step(&mut tx, key, step, reason, &actor).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(true)
            }
        }
    };
}
pub(crate) use returns_sql;
