//! Child-protection cases as stored. Sealed fields arrive and leave as
//! ciphertext: the store never sees a narrative, a note or an abuser's name.

use chrono::{DateTime, NaiveDate, Utc};

/// What it takes to open a case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub unit_id: i64,
    pub commune_code: String,
    pub year: i32,
    pub child_id: i64,
    pub source: String,
    pub received_at: DateTime<Utc>,
    /// Codes, comma-separated; the first is the exchange `harm_type`.
    pub harm_types: String,
    pub relation: Option<String>,
    pub risk_level: Option<String>,
    /// What the sealed fields are bound to (random, made by the caller).
    pub seal_id: String,
    pub summary: Vec<u8>,
    pub abuser: Option<Vec<u8>>,
    /// Form 01's fields, sealed (`None`: none recorded).
    pub details: Option<Vec<u8>>,
    pub created_by: i64,
    pub created_by_name: String,
    /// The notes of the `received` step.
    pub notes: Vec<u8>,
    /// The Vietnamese date of `received_at` (the exchange `reported_on`).
    pub reported_on: NaiveDate,
}

/// A case as stored (sealed fields still sealed).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseFile {
    pub id: i64,
    pub case_number: String,
    pub unit_id: i64,
    pub commune_code: String,
    pub child_id: i64,
    pub child_code: String,
    pub child_name: String,
    pub child_born: NaiveDate,
    /// The child's sex as the registry holds it (`M` or `F`).
    pub child_sex: String,
    pub source: String,
    pub received_at: DateTime<Utc>,
    pub harm_types: String,
    pub relation: Option<String>,
    pub risk_level: Option<String>,
    pub step: String,
    pub seal_id: String,
    pub summary: Vec<u8>,
    pub abuser: Option<Vec<u8>>,
    pub emergency_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the case took the step it stands at.
    pub step_at: Option<DateTime<Utc>>,
    /// Form 01's fields, sealed.
    pub details: Option<Vec<u8>>,
}

/// What lists and counts need of a case: no names, no contents.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseSummary {
    pub id: i64,
    pub case_number: String,
    pub unit_id: i64,
    /// The registry id of the child (not her name).
    pub child_id: i64,
    pub received_at: DateTime<Utc>,
    pub risk_level: Option<String>,
    pub step: String,
    pub emergency_at: Option<DateTime<Utc>>,
    pub plan_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// When the case took the step it stands at.
    pub step_at: Option<DateTime<Utc>>,
    /// Where the report came from (a code of `Source`).
    pub source: String,
    /// Codes of `Harm`, `;` between several.
    pub harm_types: String,
}

/// One step taken.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseStep {
    pub id: i64,
    pub step: String,
    pub at: DateTime<Utc>,
    pub author: String,
    pub notes: Vec<u8>,
    pub risk_level: Option<String>,
    /// The form's structured fields, sealed (none when none were given).
    pub form: Option<Vec<u8>>,
}

/// A step to record. The caller has checked it against the procedure.
#[derive(Debug, Clone)]
pub struct NewStep {
    pub step: String,
    pub at: DateTime<Utc>,
    pub author_id: i64,
    pub notes: Vec<u8>,
    pub risk_level: Option<String>,
    /// The form's structured fields, sealed.
    pub form: Option<Vec<u8>>,
    /// This step is the first emergency measure / plan / closure.
    pub emergency: bool,
    pub plan: bool,
    pub closed: bool,
    /// The Vietnamese date of `at` when the step starts the intervention.
    pub intervention_on: Option<NaiveDate>,
}

/// An account's standing on a case.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CaseGrant {
    pub id: i64,
    pub case_id: i64,
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub until: Option<DateTime<Utc>>,
    pub reason: Option<Vec<u8>>,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
}

/// A standing to add.
#[derive(Debug, Clone)]
pub struct NewGrant {
    pub account_id: i64,
    pub kind: String,
    pub until: Option<DateTime<Utc>>,
    pub reason: Option<Vec<u8>>,
    pub granted_by: String,
}

/// Which cases a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseFilter {
    /// Every case recorded under the scope's units (for counts).
    Scope(crate::Scope),
    /// The cases an account stands on (any grant still in force).
    Account(i64),
}

pub(crate) const FILE_COLUMNS: &str = "f.id, f.case_number, f.unit_id, f.commune_code, f.child_id,
    c.child_id AS child_code, c.full_name AS child_name, c.date_of_birth AS child_born, c.sex AS child_sex,
    f.source, f.received_at, f.harm_types, f.relation, f.risk_level, f.step, f.seal_id,
    f.summary, f.abuser, f.emergency_at, f.plan_at, f.closed_at, f.step_at, f.details";

pub(crate) const SUMMARY_COLUMNS: &str =
    "f.id, f.case_number, f.unit_id, f.child_id, f.received_at, f.risk_level,
    f.step, f.emergency_at, f.plan_at, f.closed_at, f.step_at, f.source, f.harm_types";

/// Expands into a backend's case queries.
macro_rules! cases_sql {
    ($store:ty, $db:ty, ids_in: $ids:literal) => {
        impl $store {
            pub(crate) async fn create_case_sql(
                &self,
                new: &$crate::NewCase,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<(i64, String)> {
                let mut tx = self.writer().begin().await?;
                let seq: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM case_files WHERE commune_code = $1 AND year = $2",
                )
                .bind(&new.commune_code)
                .bind(new.year)
                .fetch_one(&mut *tx)
                .await?;
                let number = treem_domain::cases::case_number(&new.commune_code, new.year, seq);
                let first_harm = new.harm_types.split(',').next().unwrap_or("other").to_string();
                let exchange: i64 = sqlx::query_scalar(
                    "INSERT INTO cases (case_id, child_id, reported_on, harm_type) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(&number)
                .bind(new.child_id)
                .bind(new.reported_on)
                .bind(first_harm)
                .fetch_one(&mut *tx)
                .await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO case_files (case_number, exchange_id, unit_id, commune_code, year, seq, child_id,
                        source, received_at, harm_types, relation, risk_level, step, seal_id, summary, abuser, created_by,
                        details, step_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'received', $13, $14, $15, $16, $17, $9)
                     RETURNING id",
                )
                .bind(&number)
                .bind(exchange)
                .bind(new.unit_id)
                .bind(&new.commune_code)
                .bind(new.year)
                .bind(seq)
                .bind(new.child_id)
                .bind(&new.source)
                .bind(new.received_at)
                .bind(&new.harm_types)
                .bind(&new.relation)
                .bind(&new.risk_level)
                .bind(&new.seal_id)
                .bind(&new.summary)
                .bind(&new.abuser)
                .bind(new.created_by)
                .bind(&new.details)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO case_steps (case_id, step, at, author_id, notes, risk_level) VALUES ($1, 'received', $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(new.received_at)
                .bind(new.created_by)
                .bind(&new.notes)
                .bind(&new.risk_level)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO case_grants (case_id, account_id, kind, granted_by, granted_at) VALUES ($1, $2, 'assigned', $3, $4)",
                )
                .bind(id)
                .bind(new.created_by)
                .bind(&new.created_by_name)
                .bind(chrono::Utc::now())
                .execute(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok((id, number))
            }

            pub(crate) async fn case_file_sql(&self, id: i64) -> $crate::StoreResult<Option<$crate::CaseFile>> {
                let sql = format!(
                    "SELECT {} FROM case_files f JOIN children c ON c.id = f.child_id WHERE f.id = $1",
                    $crate::cases_sql::FILE_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(id).fetch_optional(self.reader()).await?)
            }

            pub(crate) async fn case_steps_sql(&self, id: i64) -> $crate::StoreResult<Vec<$crate::CaseStep>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, s.step, s.at, a.username AS author, s.notes, s.risk_level, s.form
                     FROM case_steps s JOIN accounts a ON a.id = s.author_id
                     WHERE s.case_id = $1 AND s.withdrawn_at IS NULL ORDER BY s.id",
                )
                .bind(id)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn case_grants_sql(&self, id: i64) -> $crate::StoreResult<Vec<$crate::CaseGrant>> {
                Ok(sqlx::query_as(
                    "SELECT g.id, g.case_id, g.account_id, a.username, a.display_name, g.kind, g.until, g.reason,
                            g.granted_by, g.granted_at
                     FROM case_grants g JOIN accounts a ON a.id = g.account_id WHERE g.case_id = $1 ORDER BY g.id",
                )
                .bind(id)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn case_summaries_sql(
                &self,
                filter: &$crate::CaseFilter,
            ) -> $crate::StoreResult<Vec<$crate::CaseSummary>> {
                let cols = $crate::cases_sql::SUMMARY_COLUMNS;
                let rows = match filter {
                    $crate::CaseFilter::Scope($crate::Scope::All) => {
                        sqlx::query_as(&format!("SELECT {cols} FROM case_files f ORDER BY f.received_at"))
                            .fetch_all(self.reader())
                            .await?
                    }
                    $crate::CaseFilter::Scope($crate::Scope::Units(ids)) => {
                        let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
                        sqlx::query_as(&format!(
                            "SELECT {cols} FROM case_files f WHERE $1 = $1 AND f.unit_id IN ({}) ORDER BY f.received_at",
                            $ids
                        ))
                        .bind(0_i64)
                        .bind(ids)
                        .fetch_all(self.reader())
                        .await?
                    }
                    $crate::CaseFilter::Account(account) => {
                        sqlx::query_as(&format!(
                            "SELECT {cols} FROM case_files f WHERE f.id IN (
                                SELECT case_id FROM case_grants WHERE account_id = $1 AND (until IS NULL OR until >= $2))
                             ORDER BY f.received_at"
                        ))
                        .bind(*account)
                        .bind(chrono::Utc::now())
                        .fetch_all(self.reader())
                        .await?
                    }
                };
                Ok(rows)
            }

            pub(crate) async fn add_case_step_sql(
                &self,
                case: i64,
                from: &str,
                s: &$crate::NewStep,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE case_files SET step = $1, risk_level = COALESCE($2, risk_level), step_at = $4,
                        emergency_at = CASE WHEN $3 AND emergency_at IS NULL THEN $4 ELSE emergency_at END,
                        plan_at = CASE WHEN $5 AND plan_at IS NULL THEN $4 ELSE plan_at END,
                        closed_at = CASE WHEN $6 THEN $4 ELSE closed_at END
                     WHERE id = $7 AND step = $8",
                )
                .bind(&s.step)
                .bind(&s.risk_level)
                .bind(s.emergency)
                .bind(s.at)
                .bind(s.plan)
                .bind(s.closed)
                .bind(case)
                .bind(from)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done == 0 {
                    // Another officer recorded a step first.
                    return Err($crate::StoreError::Conflict("case_step".into()));
                }
                sqlx::query(
                    "INSERT INTO case_steps (case_id, step, at, author_id, notes, risk_level, form)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case)
                .bind(&s.step)
                .bind(s.at)
                .bind(s.author_id)
                .bind(&s.notes)
                .bind(&s.risk_level)
                .bind(&s.form)
                .execute(&mut *tx)
                .await?;
                // The exchange row: the first intervention and the closure.
                sqlx::query(
                    "UPDATE cases SET
                        intervention_started_on = CASE
                            WHEN $1 IS NOT NULL AND (intervention_started_on IS NULL OR intervention_started_on > $1) THEN $1
                            ELSE intervention_started_on END,
                        closed_on = CASE WHEN $2 THEN $3 ELSE closed_on END
                     WHERE id = (SELECT exchange_id FROM case_files WHERE id = $4)",
                )
                .bind(s.intervention_on)
                .bind(s.closed)
                .bind(treem_domain::clock::vn_date(s.at))
                .bind(case)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn grant_case_sql(
                &self,
                case: i64,
                g: &$crate::NewGrant,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                if g.kind == "approver" {
                    // One approver per case: the chair's account replaces any other.
                    sqlx::query("DELETE FROM case_grants WHERE case_id = $1 AND kind = 'approver'")
                        .bind(case)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO case_grants (case_id, account_id, kind, until, reason, granted_by, granted_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case)
                .bind(g.account_id)
                .bind(&g.kind)
                .bind(g.until)
                .bind(&g.reason)
                .bind(&g.granted_by)
                .bind(chrono::Utc::now())
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn break_glass_grants_sql(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<Vec<$crate::CaseGrant>> {
                Ok(sqlx::query_as(
                    "SELECT g.id, g.case_id, g.account_id, a.username, a.display_name, g.kind, g.until, g.reason,
                            g.granted_by, g.granted_at
                     FROM case_grants g JOIN accounts a ON a.id = g.account_id
                     WHERE g.kind = 'break_glass' AND g.granted_at >= $1 ORDER BY g.id DESC",
                )
                .bind(since)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn child_by_code_sql(&self, code: &str) -> $crate::StoreResult<Option<$crate::ChildDetail>> {
                let sql = format!(
                    "SELECT {} FROM children WHERE child_id = $1 AND merged_into IS NULL",
                    $crate::rows::CHILD_DETAIL_COLUMNS
                );
                Ok(sqlx::query_as(&sql).bind(code).fetch_optional(self.reader()).await?)
            }

            pub(crate) async fn holidays_sql(&self) -> $crate::StoreResult<Vec<(chrono::NaiveDate, String)>> {
                Ok(sqlx::query_as("SELECT day, name FROM public_holidays ORDER BY day")
                    .fetch_all(self.reader())
                    .await?)
            }

            pub(crate) async fn set_holiday_sql(
                &self,
                day: chrono::NaiveDate,
                name: Option<&str>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                match name {
                    Some(n) => {
                        sqlx::query(
                            "INSERT INTO public_holidays (day, name) VALUES ($1, $2)
                             ON CONFLICT (day) DO UPDATE SET name = excluded.name",
                        )
                        .bind(day)
                        .bind(n)
                        .execute(&mut *tx)
                        .await?;
                    }
                    None => {
                        sqlx::query("DELETE FROM public_holidays WHERE day = $1")
                            .bind(day)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use cases_sql;
