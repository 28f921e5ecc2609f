//! The PostgreSQL backend, for a province or the nation, shared by several
//! stateless `treem serve` processes.

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::StoreResult;
use crate::common::shared_store;

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects and migrates.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let store = PgStore { pool };
        store.backfill_search_text().await?;
        Ok(store)
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    /// The underlying pool, for tests that tamper with rows on purpose.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

shared_store!(
    PgStore,
    sqlx::Postgres,
    // Several servers may append at once; the chain needs one writer at a time.
    audit_lock: Some("SELECT pg_advisory_xact_lock(7370656501)"),
    ids_in: "SELECT jsonb_array_elements_text($2::jsonb)::bigint",
    tokens_in: "SELECT jsonb_array_elements_text($3::jsonb) AS t",
    backend: "postgres"
);
