//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL
//! database on the server named by `TREEM_TEST_POSTGRES`. Never shared
//! between tests, never a mock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

use crate::{Store, StoreResult};

/// The environment variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "TREEM_TEST_POSTGRES";

/// The environment variable naming a streaming replica of that server
/// (`.ci/pg-replica.sh` makes one).
pub const REPLICA_ENV: &str = "TREEM_TEST_PG_REPLICA";

/// A store on a fresh database, and what keeps that database alive.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    /// The URL the store was opened with (for opening it a second time).
    pub url: String,
    _dir: Option<TempDir>,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{t}_{n}", std::process::id())
}

/// A new temporary folder.
pub fn temp_dir() -> std::io::Result<TempDir> {
    let dir = std::env::temp_dir().join(unique_name("treem"));
    std::fs::create_dir_all(&dir)?;
    Ok(TempDir(dir))
}

/// A fresh SQLite database in a temporary folder.
pub async fn sqlite() -> StoreResult<TestDb> {
    let dir = temp_dir().map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
    let path = dir.0.join("treem.db");
    let url = format!("sqlite://{}", path.display());
    let store = crate::open(&url).await?;
    Ok(TestDb {
        store,
        url,
        _dir: Some(dir),
    })
}

/// A fresh PostgreSQL database, or `None` (after saying so) when
/// `TREEM_TEST_POSTGRES` is not set.
pub async fn postgres(test: &str) -> StoreResult<Option<TestDb>> {
    let Ok(base) = std::env::var(PG_ENV) else {
        eprintln!("skipped on PostgreSQL: {test} ({PG_ENV} is not set)");
        return Ok(None);
    };
    fresh_postgres(&base, None).await.map(Some)
}

/// A fresh PostgreSQL database whose store reads from the replica named by
/// `TREEM_TEST_PG_REPLICA` (once the new database has reached it), with
/// the replica's URL of that database; `None` (after saying so) when
/// either server is not configured.
pub async fn postgres_with_replica(test: &str) -> StoreResult<Option<(TestDb, String)>> {
    let (Ok(base), Ok(replica)) = (std::env::var(PG_ENV), std::env::var(REPLICA_ENV)) else {
        eprintln!("skipped on PostgreSQL: {test} ({PG_ENV} or {REPLICA_ENV} is not set)");
        return Ok(None);
    };
    let db = fresh_postgres(&base, Some(&replica)).await?;
    let read = on_server(&replica, db.url.rsplit('/').next().unwrap_or_default());
    Ok(Some((db, read)))
}

/// The URL of database `name` on the server of `url`.
fn on_server(url: &str, name: &str) -> String {
    match url.rsplit_once('/') {
        Some((server, _db)) => format!("{server}/{name}"),
        None => format!("{url}/{name}"),
    }
}

async fn fresh_postgres(base: &str, replica: Option<&str>) -> StoreResult<TestDb> {
    let name = unique_name("treem_test");
    let mut admin = sqlx::PgConnection::connect(base).await?;
    // The name is generated above from digits and letters only.
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    let url = on_server(base, &name);
    let read = replica.map(|r| on_server(r, &name));
    if let Some(read) = &read {
        // The new database reaches the replica a moment later.
        let mut tries = 0;
        while sqlx::PgConnection::connect(read).await.is_err() {
            tries += 1;
            if tries > 300 {
                return Err(crate::StoreError::Unsupported(format!(
                    "the database {name} did not reach the replica in 30 s"
                )));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    let store = crate::open_with(&url, read.as_deref()).await?;
    Ok(TestDb {
        store,
        url,
        _dir: None,
    })
}

/// The database's indexes, triggers and foreign keys with their definitions,
/// sorted: what a bulk import sets aside must come back exactly.
pub async fn schema_objects(url: &str) -> StoreResult<Vec<String>> {
    if url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        // (SQLite keeps a foreign key in its table's definition.)
        return Ok(sqlx::query_scalar(
            "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master
             WHERE type IN ('index', 'trigger', 'table') ORDER BY 1",
        )
        .fetch_all(&mut c)
        .await?);
    }
    let mut c = sqlx::PgConnection::connect(url).await?;
    Ok(sqlx::query_scalar(
        "SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()
         UNION ALL
         SELECT 'constraint ' || t.relname || '.' || k.conname || ': ' || pg_get_constraintdef(k.oid)
         FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
         WHERE t.relnamespace = current_schema()::regnamespace
         UNION ALL
         SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(g.oid) FROM pg_trigger g
         JOIN pg_class t ON t.oid = g.tgrelid
         WHERE NOT g.tgisinternal AND t.relnamespace = current_schema()::regnamespace
         ORDER BY 1",
    )
    .fetch_all(&mut c)
    .await?)
}
