//! The storage of child-protection cases (a part of [`crate::Store`]):
//! opening a case, its steps, withdrawals and grants. Sealed fields stay
//! sealed here; scope and access are the caller's check.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::audit::AuditEvent;

use crate::{
    CaseFile, CaseFilter, CaseGrant, CaseRecord, CaseStep, CaseSummary, NewCase, NewGrant, NewStep,
    StepWithdrawal, StoreResult, WithdrawnStep,
};

/// The cases' storage.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Opens a case at step `received`, numbered per commune and year, with
    /// its exchange row and its creator assigned; returns (id, case number).
    async fn create_case(&self, new: &NewCase, audit: AuditEvent) -> StoreResult<(i64, String)>;
    /// A case with its child's identity (scope and access are the caller's check).
    async fn case_file(&self, id: i64) -> StoreResult<Option<CaseFile>>;
    /// The steps a case took, in order.
    async fn case_steps(&self, id: i64) -> StoreResult<Vec<CaseStep>>;
    /// Who stands on a case.
    async fn case_grants(&self, id: i64) -> StoreResult<Vec<CaseGrant>>;
    /// Cases for lists and counts, oldest report first.
    async fn case_summaries(&self, filter: &CaseFilter) -> StoreResult<Vec<CaseSummary>>;
    /// Records a step if the case is still at step `from`; `Conflict` when
    /// someone else moved it first. Keeps the exchange row in step.
    /// Withdraws the case's last standing step (never the report that
    /// opened it) and gives the case the record `after`; `Conflict` when
    /// the step is not that one (someone else moved the case first).
    async fn withdraw_case_step(
        &self,
        case: i64,
        withdrawal: &StepWithdrawal,
        after: &CaseRecord,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// The withdrawn steps of a case, in the order they were recorded.
    async fn withdrawn_case_steps(&self, case: i64) -> StoreResult<Vec<WithdrawnStep>>;
    async fn add_case_step(
        &self,
        case: i64,
        from: &str,
        step: &NewStep,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// Gives an account a standing on a case (one approver per case).
    async fn grant_case(&self, case: i64, grant: &NewGrant, audit: AuditEvent) -> StoreResult<()>;
    /// Break-glass accesses granted since `since`, newest first.
    async fn break_glass_grants(&self, since: DateTime<Utc>) -> StoreResult<Vec<CaseGrant>>;
}

/// Expands into a backend's `CaseStore`, each method forwarding to the
/// backend's `*_sql` implementation (`cases_sql`, `case_withdrawal_sql`).
macro_rules! case_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::CaseStore for $store {
            async fn create_case(
                &self,
                new: &$crate::NewCase,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<(i64, String)> {
                self.create_case_sql(new, audit).await
            }

            async fn case_file(&self, id: i64) -> $crate::StoreResult<Option<$crate::CaseFile>> {
                self.case_file_sql(id).await
            }

            async fn case_steps(&self, id: i64) -> $crate::StoreResult<Vec<$crate::CaseStep>> {
                self.case_steps_sql(id).await
            }

            async fn case_grants(&self, id: i64) -> $crate::StoreResult<Vec<$crate::CaseGrant>> {
                self.case_grants_sql(id).await
            }

            async fn case_summaries(
                &self,
                filter: &$crate::CaseFilter,
            ) -> $crate::StoreResult<Vec<$crate::CaseSummary>> {
                self.case_summaries_sql(filter).await
            }

            async fn withdraw_case_step(
                &self,
                case: i64,
                w: &$crate::StepWithdrawal,
                after: &$crate::CaseRecord,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.withdraw_case_step_sql(case, w, after, audit).await
            }

            async fn withdrawn_case_steps(
                &self,
                case: i64,
            ) -> $crate::StoreResult<Vec<$crate::WithdrawnStep>> {
                self.withdrawn_case_steps_sql(case).await
            }

            async fn add_case_step(
                &self,
                case: i64,
                from: &str,
                step: &$crate::NewStep,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.add_case_step_sql(case, from, step, audit).await
            }

            async fn grant_case(
                &self,
                case: i64,
                grant: &$crate::NewGrant,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.grant_case_sql(case, grant, audit).await
            }

            async fn break_glass_grants(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<Vec<$crate::CaseGrant>> {
                self.break_glass_grants_sql(since).await
            }
        }
    };
}

pub(crate) use case_store;
