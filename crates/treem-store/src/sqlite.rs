//! The SQLite backend: one file in the data folder, WAL mode.
//!
//! Writes go through a pool of one connection, so transactions never race
//! for SQLite's single write lock (no `SQLITE_BUSY` under load) and the audit
//! chain needs no extra lock; reads use their own pool and never block.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::StoreResult;
use crate::binds::{bind_child, bind_z};
use crate::case_withdrawal_sql::case_withdrawal_sql;
use crate::cases_sql::cases_sql;
use crate::common::shared_store;
use crate::export_sql::export_sql;
use crate::facts_sql::facts_sql;
use crate::import_rows::bind_value;
use crate::import_sql::import_sql;
use crate::indicators_sql::indicators_sql;
use crate::seal_sql::seal_sql;
use crate::search_sql::search_sql;
use crate::targets_sql::targets_sql;

/// The database file and its WAL companions: owner only.
fn private_file(path: &Path) {
    #[cfg(unix)]
    for p in [
        path.to_path_buf(),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ] {
        use std::os::unix::fs::PermissionsExt;
        if p.exists() {
            let _ = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600));
        }
    }
}

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and migrates it.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A commit is on disk before it is acknowledged: with NORMAL, a
            // full disk could lose writes already answered 2xx.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // A commit that failed (a full disk) can leave the connection
            // inside a transaction that every later write would join and
            // never commit: such a connection is closed, not reused.
            .after_release(|conn, _| {
                Box::pin(async move {
                    use sqlx::Connection;
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options.clone())
            .await?;
        private_file(path);
        sqlx::migrate!("migrations/sqlite").run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            // Readers map the file (its first GiB) instead of copying each
            // page read through a system call, and keep 16 MB of pages
            // each (SQLite's default is 2 MB): a commune's figures read
            // ~20,000 rows by index (issue 20). Mapped pages are the
            // operating system's file cache, counted in the process's RSS
            // but not its own memory.
            .connect_with(
                options
                    .read_only(true)
                    .pragma("mmap_size", "1073741824")
                    .pragma("cache_size", "-16384"),
            )
            .await?;
        let store = SqliteStore { writer, reader };
        store.backfill_search_text().await?;
        Ok(store)
    }

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    /// Reads that must see every commit (the read connections do: WAL).
    fn fresh(&self) -> &SqlitePool {
        &self.reader
    }

    /// A consistent copy of the database in a new file.
    pub(crate) async fn backup_into_sql(&self, path: &Path) -> StoreResult<()> {
        sqlx::query("VACUUM INTO ?")
            .bind(path.to_string_lossy().to_string())
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub(crate) async fn health_sql(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    pub(crate) async fn close_sql(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The underlying write pool, for tests that tamper with rows on purpose.
    pub fn pool(&self) -> &SqlitePool {
        &self.writer
    }
}

/// The trigram index query for the words of a search: every word of three
/// letters or more, quoted. Shorter words cannot use a trigram index; they
/// are still checked, row by row, on what the others leave.
fn fts_query(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

shared_store!(
    SqliteStore,
    sqlx::Sqlite,
    audit_lock: None,
    in_ids: " IN (SELECT value FROM json_each($2))",
    tokens_in: "SELECT value AS t FROM json_each($3)",
    prefilter: "id IN (SELECT rowid FROM children_fts WHERE children_fts MATCH $4)",
    prefilter_value: fts_query,
    backend: "sqlite"
);

import_sql!(
    SqliteStore,
    sqlx::Sqlite,
    SqliteImport,
    texts_in: "SELECT value FROM json_each($1)",
    agg: "json_group_array(json_array({}))",
    rows: values,
    // A data set is one transaction: a bigger page cache (about 128 MB)
    // keeps its pages from spilling to the log before the commit; and new
    // children join the search index in one pass at the end (see
    // migration 0008).
    setup: &[
        "PRAGMA cache_size = -131072",
        "INSERT INTO fts_deferred (since_id) SELECT COALESCE(MAX(id), 0) FROM children",
    ],
    finish: &[
        // The search index's in-memory part written out as a segment every
        // 64 MB instead of every 1 MB (the default, set back after): a
        // million children go in in 3.9 s instead of 8.3 s, and searches
        // afterwards take as long as before (14–37 ms for three names).
        "INSERT INTO children_fts (children_fts, rank) VALUES ('hashsize', 67108864)",
        "INSERT INTO children_fts (rowid, search_text)
         SELECT id, search_text FROM children WHERE id > (SELECT since_id FROM fts_deferred)",
        "INSERT INTO children_fts (children_fts, rank) VALUES ('hashsize', 1048576)",
        "DELETE FROM fts_deferred",
        "PRAGMA cache_size = -2000",
    ],
    // (SQLite's planner keeps no statistics unless asked to.)
    after_large: &[],
    // The secondary indexes of children and enrolments; the figure marks'
    // insert triggers of the tables a data set fills (each looks the child
    // up and updates her unit's mark, for every row) and the search epoch's.
    // Once back: every unit's mark and the epoch move on once.
    bulk: crate::import_sql::Bulk {
        objects: "SELECT 'DROP ' || upper(type) || ' ' || name, sql FROM sqlite_master
                  WHERE (type = 'index' AND tbl_name IN ('children', 'enrolments')
                         AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%')
                     OR (type = 'trigger' AND name IN ('children_figures_insert', 'measurements_figures_insert',
                         'enrolments_figures_insert', 'participation_figures_insert', 'cases_figures_insert',
                         'children_epoch_insert'))",
        after: &[
            "UPDATE figure_marks SET token = token + 1",
            "UPDATE search_epoch SET n = n + 1 WHERE id = 1",
        ],
    },
    // (No unit on a child's rows: SQLite holds one commune.)
    child_unit: None
);
export_sql!(SqliteStore, sqlx::Sqlite);
indicators_sql!(SqliteStore, sqlx::Sqlite, agg: "json_group_array(json_array({}))");
targets_sql!(SqliteStore);
facts_sql!(SqliteStore);
search_sql!(SqliteStore, agg: "json_group_array(json_array({}))");
seal_sql!(SqliteStore);
impl crate::seal_sql::Backend for SqliteStore {
    type Db = sqlx::Sqlite;
}
cases_sql!(SqliteStore, sqlx::Sqlite, ids_in: "SELECT value FROM json_each($2)");
case_withdrawal_sql!(SqliteStore, sqlx::Sqlite);
crate::held_uploads_sql::held_uploads_sql!(SqliteStore);
crate::token_writes_sql::token_writes_sql!(SqliteStore);
crate::plans_sql::plans_sql!(SqliteStore);
crate::breakdown_sql::breakdown_sql!(SqliteStore, each: "json_each($1) AS ids CROSS JOIN {table} WHERE {on} = ids.value", agg: "json_group_array(json_array({}))");
crate::progress_sql::progress_sql!(SqliteStore, sqlx::Sqlite);
crate::supervisions_sql::supervisions_sql!(SqliteStore, sqlx::Sqlite);
crate::returns_sql::returns_sql!(SqliteStore, sqlx::Sqlite);
crate::returns_write_sql::returns_write_sql!(SqliteStore, sqlx::Sqlite);
crate::programme_sql::programme_sql!(SqliteStore);
crate::report_drafts_sql::report_drafts_sql!(SqliteStore);
crate::case_handover_sql::case_handover_sql!(SqliteStore);
crate::case_store::case_store!(SqliteStore);
crate::ids_sql::ids_sql!(SqliteStore, in_ids: " IN (SELECT value FROM json_each($2))", codes_in: "SELECT value FROM json_each($1)");
crate::figures_sql::figures_sql!(SqliteStore, sqlx::Sqlite, units_in: "SELECT value FROM json_each($1)", each: "json_each($1) AS ids CROSS JOIN {table} WHERE {on} = ids.value", each_few: "json_each($1) AS ids CROSS JOIN {table} WHERE {on} = ids.value", each_run: "json_each($1) AS ids CROSS JOIN {table} WHERE {on} = ids.value{rest}", by_unit: None, agg: "json_group_array(json_array({}))", rows: json, marks: "SELECT unit_id, token, 0 FROM figure_marks", fold: None,
    // `+` keeps SQLite from the ID link's index (led by status and birth
    // date), which would read a province's children.
    link_children: "children WHERE unit_id IN (SELECT value FROM json_each($1)) AND merged_into IS NULL
                    AND +status = 'active' AND +date_of_birth > $2");
crate::plan_import_sql::plan_import_sql!(SqliteStore, sqlx::Sqlite);
crate::village_sql::village_sql!(SqliteStore, sqlx::Sqlite, in_ids: " IN (SELECT value FROM json_each($2))");
