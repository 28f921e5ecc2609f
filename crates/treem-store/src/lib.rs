//! The storage seam of treem: one trait, [`Store`], with a SQLite
//! implementation (the default, one file in the data folder) and a
//! PostgreSQL implementation (for a province or the nation). Both run the same
//! contract tests.
//!
//! Every write takes the [`AuditEvent`] that describes it and records it in
//! the same transaction, so no change is ever stored without its audit entry.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use treem_domain::access::Role;
use treem_domain::audit::{AuditEntry, AuditEvent};
use treem_domain::child::Child;
use treem_domain::unit_file::UnitMerge;

mod accounts_sql;
mod audit_sql;
mod binds;
mod breakdown_sql;
mod case_handover_sql;
mod case_store;
mod case_withdrawal_sql;
mod cases_sql;
mod children_sql;
mod common;
mod error;
mod export_sql;
mod facts_sql;
mod figures_rows;
mod figures_sql;
mod held_uploads_sql;
mod ids_sql;
mod import_model;
mod import_rows;
mod import_sql;
mod indicators_sql;
mod measurements_sql;
mod merges_sql;
mod model;
mod open;
mod plan_exports;
mod plan_import_sql;
mod plans_sql;
pub mod postgres;
mod programme_sql;
mod progress_sql;
mod read_rows;
pub mod replica;
mod report_drafts_sql;
mod returns_sql;
mod returns_write_sql;
mod rows;
mod seal_sql;
mod search_sql;
mod seed_plan;
pub mod sqlite;
mod supervisions_sql;
mod targets_sql;
pub mod testing;
mod token_writes_sql;
mod units_sql;
mod village_sql;

pub use breakdown_sql::{BreakdownStore, ChildGroups, GroupColumn};
pub use case_store::CaseStore;
pub use case_withdrawal_sql::{CaseRecord, StepWithdrawal, WithdrawnStep};
pub use cases_sql::{
    CaseFile, CaseFilter, CaseGrant, CaseStep, CaseSummary, NewCase, NewGrant, NewStep,
};
pub use error::{StoreError, StoreResult};
pub use export_sql::{ExportFile, Kind};
pub use facts_sql::{EnrolmentRow, ParticipationRow};
pub use held_uploads_sql::{HeldUpload, HeldUploads};
pub use import_model::*;
pub use indicators_sql::*;
pub use model::*;
pub use open::{open, open_with};
pub use plan_exports::*;
pub use seal_sql::SealedValue;
pub use targets_sql::{StoredTarget, TargetChange};
pub use token_writes_sql::TokenWrites;
pub use village_sql::{
    NewVillageSession, ReceivedEntry, Recorded, Resolution, VillageChild, VillageEntry,
    VillageSession, VillageStore, VillageWrite,
};

/// The one trait at the SQLite/PostgreSQL seam.
#[async_trait]
pub trait Store:
    HeldUploads
    + FigureStore
    + CaseHandoverStore
    + CaseStore
    + IdStore
    + VillageStore
    + PlanStore
    + ProgressStore
    + SupervisionStore
    + BreakdownStore
    + ReturnStore
    + ProgrammeStore
    + ReportDraftStore
    + TokenWrites
    + Send
    + Sync
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    // --- administrative units ---

    /// Every stored unit version.
    async fn units(&self) -> StoreResult<Vec<StoredUnit>>;
    /// Applies a merge computed by `treem_domain::unit_file::merge_units`,
    /// keeping the previous state of every changed version.
    async fn apply_unit_merge(&self, merge: &UnitMerge, audit: AuditEvent) -> StoreResult<()>;

    // --- accounts, sessions, tokens ---

    /// Creates an account; `Conflict` when the username is taken.
    async fn create_account(&self, new: &NewAccount, audit: AuditEvent) -> StoreResult<i64>;
    /// An account by username.
    async fn account_by_username(&self, username: &str) -> StoreResult<Option<Account>>;
    /// An account by id.
    async fn account(&self, id: i64) -> StoreResult<Option<Account>>;
    /// All accounts, by username.
    async fn accounts(&self) -> StoreResult<Vec<Account>>;
    /// Replaces an account's password hash.
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        must_change: bool,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// Stores a new session (its id already hashed).
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    /// A session by the hash of its cookie value.
    async fn session(&self, id_hash: &str) -> StoreResult<Option<Session>>;
    /// Extends a session's idle deadline.
    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> StoreResult<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    /// Removes expired sessions; returns how many.
    async fn purge_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Stores the hash of a new API token for an account.
    async fn create_token(
        &self,
        account_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// The active account a live API token (not revoked, not expired)
    /// belongs to.
    async fn account_by_token(&self, token_hash: &str) -> StoreResult<Option<Account>>;
    /// Every API token, oldest first (never their values).
    async fn tokens(&self) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes a token; false when there is no live token with that id.
    async fn revoke_token(&self, id: i64, audit: AuditEvent) -> StoreResult<bool>;
    /// Enables or disables an account (disabling ends its sessions and
    /// tokens), or sets whether it is the commune chair.
    async fn change_account(
        &self,
        id: i64,
        change: AccountChange,
        audit: AuditEvent,
    ) -> StoreResult<()>;

    // --- audit log ---

    /// Appends an event that is not part of another write (logins, reads).
    async fn audit(&self, event: AuditEvent) -> StoreResult<()>;
    /// Entries matching a filter, newest first.
    async fn audit_entries(&self, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;
    /// Entries with `seq` > `after`, oldest first, at most `limit` (for verifying).
    async fn audit_chain(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// Counts a sign-in attempt under `key`, atomically: returns the count
    /// in the key's window with this attempt, a window that started before
    /// `window_from` starting again at `now`.
    async fn count_login_attempt(
        &self,
        key: &str,
        window_from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Lets one attempt through a counted key if none was let through since
    /// `free_before`; true if this one was.
    async fn take_login_slot(
        &self,
        key: &str,
        free_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// After a successful sign-in: forgets the counts of `forget`, takes one
    /// attempt off each of `one_less`, and drops windows older than
    /// `stale_before`.
    async fn forget_login_attempts(
        &self,
        forget: &[String],
        one_less: &[String],
        stale_before: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- children ---

    /// Inserts children in one transaction; each is paired with its unit id.
    /// Returns their database ids, in order.
    async fn insert_children(
        &self,
        children: &[(Child, i64)],
        audit: AuditEvent,
    ) -> StoreResult<Vec<i64>>;
    /// Counts children within a scope.
    async fn count_children(&self, scope: &Scope) -> StoreResult<i64>;
    /// A page of children within a scope, in Vietnamese name order.
    async fn children(&self, query: &ChildQuery) -> StoreResult<(Vec<ChildRow>, i64)>;
    /// Resident children in scope on one of the officer's lists on `today`,
    /// in name order.
    async fn child_list(
        &self,
        scope: &Scope,
        list: ChildList,
        today: chrono::NaiveDate,
    ) -> StoreResult<Vec<ChildDetail>>;
    /// The villages recorded for children in scope, sorted.
    async fn villages(&self, scope: &Scope) -> StoreResult<Vec<String>>;
    /// A child's full record by database id (scope is the caller's check).
    async fn child(&self, id: i64) -> StoreResult<Option<ChildDetail>>;
    /// Replaces a child's record if it is still at `expected_version`,
    /// keeping the previous state as a version; returns the new version.
    /// `Stale(current)` when someone else changed it first.
    async fn update_child(
        &self,
        id: i64,
        expected_version: i64,
        child: &Child,
        unit_id: i64,
        changed_fields: &[String],
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// Pairs of unmerged records within a scope that may be one child: the
    /// same personal ID number, or the same birth date and the same unit,
    /// village or mother (the domain decides; this only narrows).
    async fn duplicate_pairs(&self, scope: &Scope, limit: i64) -> StoreResult<Vec<(i64, i64)>>;
    /// Unmerged records, anywhere, with this ID number or this birth date.
    async fn duplicate_candidates(
        &self,
        national_id: Option<&str>,
        born: chrono::NaiveDate,
    ) -> StoreResult<Vec<ChildDetail>>;
    /// Whether a record already uses this child code (the interchange key).
    async fn child_id_taken(&self, child_id: &str) -> StoreResult<bool>;
    /// Full records by id (merged ones included).
    async fn children_by_id(&self, ids: &[i64]) -> StoreResult<Vec<ChildDetail>>;
    /// Merges `merged` into `survivor`: its measurements, enrolments,
    /// participation and protection cases move (except a measurement on a
    /// day, an enrolment in a school year and level, or an activity on a day
    /// the survivor already has), it is hidden, and the merge can be undone.
    /// `Conflict` when either is already merged.
    async fn merge_children(
        &self,
        survivor: i64,
        merged: i64,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// Undoes a merge: what moved moves back and the record reappears.
    async fn unmerge(&self, merge: i64, audit: AuditEvent) -> StoreResult<()>;
    /// One merge by id.
    async fn merge(&self, id: i64) -> StoreResult<Option<Merge>>;
    /// The merges a record took part in, newest first.
    async fn merges_of(&self, child: i64) -> StoreResult<Vec<Merge>>;
    /// A child's school years (hers and those of records merged into her),
    /// newest first.
    async fn enrolments_of(&self, child: i64) -> StoreResult<Vec<EnrolmentRow>>;
    /// The activities a child took part in (likewise), newest first.
    async fn participation_of(&self, child: i64) -> StoreResult<Vec<ParticipationRow>>;
    /// A child's earlier versions, newest first.
    async fn child_versions(&self, id: i64) -> StoreResult<Vec<ChildVersion>>;

    // --- measurements ---

    /// Stores a measurement with its z-scores; `Conflict` when the child
    /// already has one on that day.
    async fn add_measurement(
        &self,
        child: i64,
        measured: &MeasuredRow,
        z: &ZRecord,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    /// Stores many measurements in one transaction with one audit entry
    /// (imports, the demo district).
    async fn insert_measurements(
        &self,
        rows: &[(i64, MeasuredRow, ZRecord)],
        audit: AuditEvent,
    ) -> StoreResult<u64>;
    /// A child's measurements, oldest first.
    async fn measurements(&self, child: i64) -> StoreResult<Vec<StoredMeasurement>>;
    /// Corrects measurement `id` of `child`: its values and z-scores are
    /// replaced, the values it had are kept with the note, audited in the
    /// same transaction. `NotFound` when the child has no such measurement,
    /// `Conflict` when the new date is another measurement's.
    async fn correct_measurement(
        &self,
        child: i64,
        id: i64,
        measured: &MeasuredRow,
        z: &ZRecord,
        note: &ChangeNote,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// Withdraws measurement `id` of `child`: it no longer counts anywhere,
    /// its values are kept with the note. `NotFound` as above.
    async fn withdraw_measurement(
        &self,
        child: i64,
        id: i64,
        note: &ChangeNote,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// The corrections and withdrawals of a child's measurements, newest
    /// first.
    async fn measurement_changes(&self, child: i64) -> StoreResult<Vec<MeasurementChange>>;
    /// Measurements with `id` > `after`, with what recomputing them needs.
    async fn measurement_inputs(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<MeasurementInput>>;
    /// Replaces the computed columns of measurements, in one transaction.
    async fn update_zscores(&self, rows: &[(i64, ZRecord)], audit: AuditEvent) -> StoreResult<()>;
    /// Resident children in scope born after `born_after`, each with her
    /// latest measurement (if any), in name order.
    async fn latest_measurements(
        &self,
        scope: &Scope,
        born_after: chrono::NaiveDate,
    ) -> StoreResult<Vec<LatestMeasurement>>;

    // --- data sets (interchange format v1) ---

    /// Starts an import: one transaction for the whole data set.
    async fn begin_import(&self) -> StoreResult<Box<dyn ImportTx>>;
    /// Stored rows of one file with id > `after`, at most `limit`, by id.
    async fn export_page(
        &self,
        file: ExportFile,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, Vec<Value>)>>;
    /// The unit versions children and schools are recorded under.
    async fn export_units(&self) -> StoreResult<Vec<i64>>;

    // --- indicators ---

    /// The stored rows a period's indicators are computed from.
    async fn indicator_rows(
        &self,
        start: chrono::NaiveDate,
        reference: chrono::NaiveDate,
        school_year: &str,
    ) -> StoreResult<IndicatorRows>;
    /// The plan's milestones, by indicator and year.
    async fn targets(&self) -> StoreResult<Vec<StoredTarget>>;
    /// Sets (or with `None` removes) a milestone, keeping the change.
    async fn set_target(
        &self,
        indicator: &str,
        year: i64,
        value: Option<f64>,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// The latest changes of milestones, newest first.
    async fn target_changes(&self, limit: i64) -> StoreResult<Vec<TargetChange>>;

    /// The unmerged record with this child code (the interchange key).
    async fn child_by_code(&self, code: &str) -> StoreResult<Option<ChildDetail>>;
    /// The counter of changes to what the children's search reads.
    async fn search_epoch(&self) -> StoreResult<i64>;
    /// Unmerged children with id > `after`, by id, at most `limit`: what the
    /// in-memory search index is built from.
    async fn search_rows(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<treem_domain::search_index::IndexRow>>;
    /// Writes a consistent copy of the whole database to a new file
    /// (SQLite's `VACUUM INTO`); PostgreSQL has its own tools (`Unsupported`).
    async fn backup_into(&self, path: &std::path::Path) -> StoreResult<()>;
    /// Closes the connections (before the database file is moved).
    async fn close(&self);
    /// Whether the database answers, for a load balancer's health check:
    /// on PostgreSQL through a connection of its own to the primary (and
    /// one to the replica, if any), so a server whose pool is busy with
    /// users is not taken for a dead one; on SQLite a read.
    async fn health(&self) -> StoreResult<()>;

    // --- the key that seals case contents ---

    /// The fingerprint of the sealing key the database was last used with.
    async fn key_fingerprint(&self) -> StoreResult<Option<String>>;
    /// Records the fingerprint of the sealing key.
    async fn set_key_fingerprint(&self, fingerprint: &str, audit: AuditEvent) -> StoreResult<()>;
    /// Sealed values, at most `limit` (all of them for a rotation; one to
    /// try a key on).
    async fn sealed_values(&self, limit: i64) -> StoreResult<Vec<SealedValue>>;
    /// Replaces sealed values (sealed again under a new key) and the key's
    /// fingerprint, in one transaction with its audit entry.
    async fn reseal(
        &self,
        values: &[SealedValue],
        fingerprint: &str,
        audit: AuditEvent,
    ) -> StoreResult<()>;
    /// The public holidays on record.
    async fn holidays(&self) -> StoreResult<Vec<(chrono::NaiveDate, String)>>;
    /// Adds, renames or (with `None`) removes a public holiday.
    async fn set_holiday(
        &self,
        day: chrono::NaiveDate,
        name: Option<&str>,
        audit: AuditEvent,
    ) -> StoreResult<()>;
}

/// Whether `role` is stored correctly (used by row mapping).
pub(crate) fn parse_role(s: &str) -> StoreResult<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("role {s}")))
}
