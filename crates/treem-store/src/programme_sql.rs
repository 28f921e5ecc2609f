//! Defining what is counted beyond the fourteen (issue 18): an
//! administrator's data elements and returns, the indicators defined as
//! data, and the filed values those indicators read.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::audit::AuditEvent;

use crate::{ElementRow, FormRow, StoreResult};

/// An indicator defined as data, as stored (formulas as written).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ProgrammeIndicatorRow {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub programme: String,
    pub numerator: String,
    pub denominator: String,
    pub factor: i64,
    /// `>=`, `<=`, `<`, `>`.
    pub goal: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A value of a submitted or approved return.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FiledValue {
    pub unit_id: i64,
    pub element: String,
    pub sex: String,
    pub value: f64,
}

/// What storing a data element did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementPut {
    Created,
    Updated,
    /// The same definition was stored already.
    Unchanged,
    /// Its kind or split by sex would change while values are filed for
    /// it: refused (the values would no longer read as they were typed).
    InUse,
}

/// The storage of definitions (a part of [`crate::Store`]).
#[async_trait]
pub trait ProgrammeStore: Send + Sync {
    /// Adds or changes a data element.
    async fn put_data_element(&self, e: &ElementRow, audit: AuditEvent) -> StoreResult<ElementPut>;
    /// Adds or changes a return (its elements and rules replaced, values
    /// kept); whether it was new. Its elements must be defined.
    async fn put_return_form(&self, f: &FormRow, audit: AuditEvent) -> StoreResult<bool>;
    /// Every indicator defined as data, by code.
    async fn programme_indicators(&self) -> StoreResult<Vec<ProgrammeIndicatorRow>>;
    /// Adds or changes an indicator defined as data; whether it was new.
    async fn put_programme_indicator(
        &self,
        row: &ProgrammeIndicatorRow,
        audit: AuditEvent,
    ) -> StoreResult<bool>;
    /// Every commune's values of a period whose return is submitted or
    /// approved (a draft is not yet the commune's word).
    async fn filed_values(&self, period: &str) -> StoreResult<Vec<FiledValue>>;
}

/// Expands into a backend's `ProgrammeStore` implementation.
macro_rules! programme_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::ProgrammeStore for $store {
            async fn put_data_element(
                &self,
                e: &$crate::ElementRow,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<$crate::ElementPut> {
                let mut tx = self.writer().begin().await?;
                let old: Option<$crate::ElementRow> = sqlx::query_as(
                    "SELECT code, name_vi, name_en, kind, by_sex, programme FROM data_elements WHERE code = $1",
                )
                .bind(&e.code)
                .fetch_optional(&mut *tx)
                .await?;
                let put = match &old {
                    None => $crate::ElementPut::Created,
                    Some(o) if o == e => return Ok($crate::ElementPut::Unchanged),
                    Some(o) if o.kind != e.kind || o.by_sex != e.by_sex => {
                        let filed: i64 =
                            sqlx::query_scalar("SELECT COUNT(*) FROM return_values WHERE element = $1")
                                .bind(&e.code)
                                .fetch_one(&mut *tx)
                                .await?;
                        if filed > 0 {
                            return Ok($crate::ElementPut::InUse);
                        }
                        $crate::ElementPut::Updated
                    }
                    Some(_) => $crate::ElementPut::Updated,
                };
                sqlx::query(
                    "INSERT INTO data_elements (code, name_vi, name_en, kind, by_sex, programme)
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi,
                       name_en = excluded.name_en, kind = excluded.kind,
                       by_sex = excluded.by_sex, programme = excluded.programme",
                )
                .bind(&e.code)
                .bind(&e.name_vi)
                .bind(&e.name_en)
                .bind(&e.kind)
                .bind(e.by_sex)
                .bind(&e.programme)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(put)
            }

            async fn put_return_form(
                &self,
                f: &$crate::FormRow,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let new = sqlx::query_scalar::<_, String>("SELECT code FROM return_forms WHERE code = $1")
                    .bind(&f.code)
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_none();
                Self::write_form(&mut tx, f).await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(new)
            }

            async fn programme_indicators(
                &self,
            ) -> $crate::StoreResult<Vec<$crate::ProgrammeIndicatorRow>> {
                Ok(sqlx::query_as(
                    "SELECT code, name_vi, name_en, programme, numerator, denominator, factor, goal,
                       changed_by, changed_at
                     FROM programme_indicators ORDER BY programme, code",
                )
                .fetch_all(self.reader())
                .await?)
            }

            async fn put_programme_indicator(
                &self,
                row: &$crate::ProgrammeIndicatorRow,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.writer().begin().await?;
                let new = sqlx::query_scalar::<_, String>(
                    "SELECT code FROM programme_indicators WHERE code = $1",
                )
                .bind(&row.code)
                .fetch_optional(&mut *tx)
                .await?
                .is_none();
                sqlx::query(
                    "INSERT INTO programme_indicators (code, name_vi, name_en, programme, numerator,
                       denominator, factor, goal, changed_by, changed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                     ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi,
                       name_en = excluded.name_en, programme = excluded.programme,
                       numerator = excluded.numerator, denominator = excluded.denominator,
                       factor = excluded.factor, goal = excluded.goal,
                       changed_by = excluded.changed_by, changed_at = excluded.changed_at",
                )
                .bind(&row.code)
                .bind(&row.name_vi)
                .bind(&row.name_en)
                .bind(&row.programme)
                .bind(&row.numerator)
                .bind(&row.denominator)
                .bind(row.factor)
                .bind(&row.goal)
                .bind(&row.changed_by)
                .bind(row.changed_at)
                .execute(&mut *tx)
                .await?;
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(new)
            }

            async fn filed_values(&self, period: &str) -> $crate::StoreResult<Vec<$crate::FiledValue>> {
                Ok(sqlx::query_as(
                    "SELECT v.unit_id, v.element, v.sex, v.value FROM return_values v
                     WHERE v.period = $1 AND EXISTS (
                       SELECT 1 FROM return_form_elements fe
                       JOIN return_filings f ON f.form = fe.form
                       WHERE fe.element = v.element AND f.unit_id = v.unit_id
                         AND f.period = v.period AND f.status IN ('submitted', 'approved'))
                     ORDER BY v.unit_id, v.element, v.sex",
                )
                .bind(period)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use programme_sql;
