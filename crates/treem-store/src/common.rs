//! The SQL both backends share. The queries are written once, in the subset
//! that SQLite and PostgreSQL both accept (`$n` placeholders, `RETURNING`,
//! `ON CONFLICT`), and the macro below expands them into each backend's
//! `Store` implementation, where each body is type-checked against that
//! backend's own driver. What differs (audit locking, passing a list of ids,
//! the search index) is given to the macro by each backend. The queries of
//! each feature live in their own file (`accounts_sql.rs`, `audit_sql.rs`,
//! `units_sql.rs`, `children_sql.rs`, `measurements_sql.rs`, `cases_sql.rs`…)
//! as inherent methods that the `Store` methods here call; rows and shared
//! column lists are in `rows.rs`, binding helpers in `binds.rs`.

/// Expands into the shared part of a backend's `Store` implementation.
///
/// - `$store`: the backend type, with `fn writer(&self)` and `fn reader(&self)`
///   returning its pools;
/// - `$db`: the sqlx database type;
/// - `$lock`: SQL that serialises audit appends inside a transaction, or `None`
///   when the backend already has a single writer;
/// - `$in_ids`: what follows a column to keep its rows whose value is one of
///   the ids in the JSON array bound as `$2` (` IN (…)` on SQLite). On
///   PostgreSQL ` = ANY(ARRAY(…))`: the scopes' `($1 OR unit_id IN (sub-select))`
///   could not be pulled up into a join under the `OR`, so PostgreSQL
///   checked every row of the table against a hash of the list — a commune's
///   list of children at 5 M read all 5 M index entries (0.7 s) — while
///   `= ANY` of an array is an index condition once `$1` is known false.
macro_rules! shared_store {
    (
        $store:ty,
        $db:ty,
        audit_lock: $lock:expr,
        in_ids: $in_ids:literal,
        tokens_in: $tokens:literal,
        prefilter: $prefilter:literal,
        prefilter_value: $prefilter_value:path,
        backend: $name:literal
    ) => {
        $crate::children_sql::children_sql!(
            $store,
            $db,
            in_ids: $in_ids,
            tokens_in: $tokens,
            prefilter: $prefilter,
            prefilter_value: $prefilter_value
        );
        $crate::merges_sql::merges_sql!($store);
        $crate::accounts_sql::accounts_sql!($store, $db);
        $crate::audit_sql::audit_sql!($store, $db, audit_lock: $lock);
        $crate::units_sql::units_sql!($store);
        $crate::measurements_sql::measurements_sql!(
            $store,
            $db,
            in_ids: $in_ids,
            tokens_in: $tokens,
            prefilter: $prefilter,
            prefilter_value: $prefilter_value
        );

        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn backend(&self) -> &'static str {
                $name
            }

            async fn units(&self) -> $crate::StoreResult<Vec<$crate::StoredUnit>> {
                self.units_sql().await
            }

            async fn apply_unit_merge(
                &self,
                merge: &treem_domain::unit_file::UnitMerge,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.apply_unit_merge_sql(merge, audit).await
            }

            async fn create_account(
                &self,
                new: &$crate::NewAccount,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                self.create_account_sql(new, audit).await
            }

            async fn account_by_username(&self, username: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                self.account_by_username_sql(username).await
            }

            async fn account(&self, id: i64) -> $crate::StoreResult<Option<$crate::Account>> {
                self.account_sql(id).await
            }

            async fn accounts(&self) -> $crate::StoreResult<Vec<$crate::Account>> {
                self.accounts_sql().await
            }

            async fn set_password(
                &self,
                id: i64,
                password_hash: &str,
                must_change: bool,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.set_password_sql(id, password_hash, must_change, audit).await
            }

            async fn create_session(&self, s: &$crate::Session) -> $crate::StoreResult<()> {
                self.create_session_sql(s).await
            }

            async fn session(&self, id_hash: &str) -> $crate::StoreResult<Option<$crate::Session>> {
                self.session_sql(id_hash).await
            }

            async fn touch_session(&self, id_hash: &str, idle_until: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<()> {
                self.touch_session_sql(id_hash, idle_until).await
            }

            async fn delete_session(&self, id_hash: &str) -> $crate::StoreResult<()> {
                self.delete_session_sql(id_hash).await
            }

            async fn purge_sessions(&self, now: chrono::DateTime<chrono::Utc>) -> $crate::StoreResult<u64> {
                self.purge_sessions_sql(now).await
            }

            async fn create_token(
                &self,
                account_id: i64,
                token_hash: &str,
                expires_at: chrono::DateTime<chrono::Utc>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                self.create_token_sql(account_id, token_hash, expires_at, audit).await
            }

            async fn tokens(&self) -> $crate::StoreResult<Vec<$crate::TokenInfo>> {
                self.tokens_sql().await
            }

            async fn revoke_token(&self, id: i64, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<bool> {
                self.revoke_token_sql(id, audit).await
            }

            async fn change_account(
                &self,
                id: i64,
                change: $crate::AccountChange,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.change_account_sql(id, change, audit).await
            }

            async fn account_by_token(&self, token_hash: &str) -> $crate::StoreResult<Option<$crate::Account>> {
                self.account_by_token_sql(token_hash).await
            }

            async fn audit(&self, event: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                self.audit_sql(event).await
            }

            async fn audit_entries(
                &self,
                q: &$crate::AuditQuery,
            ) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                self.audit_entries_sql(q).await
            }

            async fn audit_chain(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<treem_domain::audit::AuditEntry>> {
                self.audit_chain_sql(after, limit).await
            }

            async fn count_login_attempt(
                &self,
                key: &str,
                window_from: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<i64> {
                self.count_login_attempt_sql(key, window_from, now).await
            }

            async fn take_login_slot(
                &self,
                key: &str,
                free_before: chrono::DateTime<chrono::Utc>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<bool> {
                self.take_login_slot_sql(key, free_before, now).await
            }

            async fn forget_login_attempts(
                &self,
                forget: &[String],
                one_less: &[String],
                stale_before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                self.forget_login_attempts_sql(forget, one_less, stale_before).await
            }

            async fn insert_children(
                &self,
                children: &[(treem_domain::child::Child, i64)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<i64>> {
                self.insert_children_sql(children, audit).await
            }

            async fn count_children(&self, scope: &$crate::Scope) -> $crate::StoreResult<i64> {
                self.count_children_sql(scope).await
            }

            async fn children(&self, q: &$crate::ChildQuery) -> $crate::StoreResult<(Vec<$crate::ChildRow>, i64)> {
                self.children_sql(q).await
            }

            async fn villages(&self, scope: &$crate::Scope) -> $crate::StoreResult<Vec<String>> {
                self.villages_sql(scope).await
            }

            async fn child_list(
                &self,
                scope: &$crate::Scope,
                list: $crate::ChildList,
                today: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                self.child_list_sql(scope, list, today).await
            }

            async fn child(&self, id: i64) -> $crate::StoreResult<Option<$crate::ChildDetail>> {
                self.child_sql(id).await
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
                self.update_child_sql(id, expected_version, c, unit_id, changed_fields, audit).await
            }

            async fn duplicate_pairs(&self, scope: &$crate::Scope, limit: i64) -> $crate::StoreResult<Vec<(i64, i64)>> {
                self.duplicate_pairs_sql(scope, limit).await
            }

            async fn duplicate_candidates(
                &self,
                national_id: Option<&str>,
                born: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                self.duplicate_candidates_sql(national_id, born).await
            }

            async fn child_id_taken(&self, child_id: &str) -> $crate::StoreResult<bool> {
                self.child_id_taken_sql(child_id).await
            }

            async fn children_by_id(&self, ids: &[i64]) -> $crate::StoreResult<Vec<$crate::ChildDetail>> {
                self.children_by_id_sql(ids).await
            }

            async fn merge_children(
                &self,
                survivor: i64,
                merged: i64,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                self.merge_children_sql(survivor, merged, audit).await
            }

            async fn unmerge(&self, merge: i64, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                self.unmerge_sql(merge, audit).await
            }

            async fn merge(&self, id: i64) -> $crate::StoreResult<Option<$crate::Merge>> {
                self.merge_sql(id).await
            }

            async fn merges_of(&self, child: i64) -> $crate::StoreResult<Vec<$crate::Merge>> {
                self.merges_of_sql(child).await
            }

            async fn child_versions(&self, id: i64) -> $crate::StoreResult<Vec<$crate::ChildVersion>> {
                self.child_versions_sql(id).await
            }

            async fn add_measurement(
                &self,
                child: i64,
                m: &$crate::MeasuredRow,
                z: &$crate::ZRecord,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                self.add_measurement_sql(child, m, z, audit).await
            }

            async fn insert_measurements(
                &self,
                rows: &[(i64, $crate::MeasuredRow, $crate::ZRecord)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<u64> {
                self.insert_measurements_sql(rows, audit).await
            }

            async fn measurements(&self, child: i64) -> $crate::StoreResult<Vec<$crate::StoredMeasurement>> {
                self.measurements_sql(child).await
            }

            async fn correct_measurement(&self, child: i64, id: i64, m: &$crate::MeasuredRow, z: &$crate::ZRecord,
                note: &$crate::ChangeNote, audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                self.correct_measurement_sql(child, id, m, z, note, audit).await
            }

            async fn withdraw_measurement(&self, child: i64, id: i64, note: &$crate::ChangeNote,
                audit: treem_domain::audit::AuditEvent) -> $crate::StoreResult<()> {
                self.withdraw_measurement_sql(child, id, note, audit).await
            }

            async fn measurement_changes(&self, child: i64) -> $crate::StoreResult<Vec<$crate::MeasurementChange>> {
                self.measurement_changes_sql(child).await
            }

            async fn measurement_inputs(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<$crate::MeasurementInput>> {
                self.measurement_inputs_sql(after, limit).await
            }

            async fn update_zscores(
                &self,
                rows: &[(i64, $crate::ZRecord)],
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.update_zscores_sql(rows, audit).await
            }

            async fn latest_measurements(
                &self,
                scope: &$crate::Scope,
                born_after: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::LatestMeasurement>> {
                self.latest_measurements_sql(scope, born_after).await
            }

            async fn begin_import(&self) -> $crate::StoreResult<Box<dyn $crate::ImportTx>> {
                self.begin_import_sql().await
            }

            async fn export_page(
                &self,
                file: $crate::ExportFile,
                after: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<(i64, Vec<$crate::Value>)>> {
                self.export_page_sql(file, after, limit).await
            }

            async fn export_units(&self) -> $crate::StoreResult<Vec<i64>> {
                self.export_units_sql().await
            }

            async fn indicator_rows(
                &self,
                start: chrono::NaiveDate,
                reference: chrono::NaiveDate,
                school_year: &str,
            ) -> $crate::StoreResult<$crate::IndicatorRows> {
                self.indicator_rows_sql(start, reference, school_year).await
            }

            async fn targets(&self) -> $crate::StoreResult<Vec<$crate::StoredTarget>> {
                self.targets_sql().await
            }

            async fn set_target(
                &self,
                indicator: &str,
                year: i64,
                value: Option<f64>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.set_target_sql(indicator, year, value, audit).await
            }

            async fn target_changes(&self, limit: i64) -> $crate::StoreResult<Vec<$crate::TargetChange>> {
                self.target_changes_sql(limit).await
            }

            async fn enrolments_of(&self, child: i64) -> $crate::StoreResult<Vec<$crate::EnrolmentRow>> {
                self.enrolments_of_sql(child).await
            }

            async fn participation_of(&self, child: i64) -> $crate::StoreResult<Vec<$crate::ParticipationRow>> {
                self.participation_of_sql(child).await
            }

            async fn child_by_code(&self, code: &str) -> $crate::StoreResult<Option<$crate::ChildDetail>> {
                self.child_by_code_sql(code).await
            }

            async fn search_epoch(&self) -> $crate::StoreResult<i64> {
                self.search_epoch_sql().await
            }

            async fn search_rows(
                &self,
                after: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<treem_domain::search_index::IndexRow>> {
                self.search_rows_sql(after, limit).await
            }

            async fn backup_into(&self, path: &std::path::Path) -> $crate::StoreResult<()> {
                self.backup_into_sql(path).await
            }

            async fn close(&self) {
                self.close_sql().await
            }

            async fn health(&self) -> $crate::StoreResult<()> {
                self.health_sql().await
            }

            async fn key_fingerprint(&self) -> $crate::StoreResult<Option<String>> {
                self.key_fingerprint_sql().await
            }

            async fn set_key_fingerprint(
                &self,
                fingerprint: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.set_key_fingerprint_sql(fingerprint, audit).await
            }

            async fn sealed_values(&self, limit: i64) -> $crate::StoreResult<Vec<$crate::SealedValue>> {
                self.sealed_values_sql(limit).await
            }

            async fn reseal(
                &self,
                values: &[$crate::SealedValue],
                fingerprint: &str,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.reseal_sql(values, fingerprint, audit).await
            }

            async fn holidays(&self) -> $crate::StoreResult<Vec<(chrono::NaiveDate, String)>> {
                self.holidays_sql().await
            }

            async fn set_holiday(
                &self,
                day: chrono::NaiveDate,
                name: Option<&str>,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.set_holiday_sql(day, name, audit).await
            }
        }
    };
}

pub(crate) use shared_store;
