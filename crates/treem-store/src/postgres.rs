//! The PostgreSQL backend, for a province or the nation, shared by several
//! stateless `treem serve` processes.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

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

/// The PostgreSQL store: a pool on the primary and, when opened with a
/// read URL, one on a streaming replica (see [`crate::replica`]).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    read: Option<PgPool>,
    /// One connection each to the primary and the replica for the health
    /// check alone (made when first asked for).
    health: Vec<PgPool>,
}

/// How long a health check waits for its connection.
const HEALTH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl PgStore {
    /// Connects and migrates.
    pub async fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(url, None).await
    }

    /// Connects to the primary (and migrates it) and, with `read_url`, to
    /// a replica of it for reads.
    pub async fn open_with(url: &str, read_url: Option<&str>) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options(url)?)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let read = match read_url {
            Some(r) => Some(
                PgPoolOptions::new()
                    .max_connections(16)
                    .connect_with(options(r)?)
                    .await?,
            ),
            None => None,
        };
        let health = std::iter::once(url)
            .chain(read_url)
            .map(|u| {
                Ok(PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(HEALTH_WAIT)
                    .connect_lazy_with(options(u)?))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let store = PgStore { pool, read, health };
        // Just migrated: the replica may not have the new schema yet.
        crate::replica::on_primary(store.backfill_search_text()).await?;
        Ok(store)
    }

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// Reads a replica may serve (the primary's when pinned, or without
    /// one).
    fn reader(&self) -> &PgPool {
        crate::replica::choose(&self.pool, self.read.as_ref())
    }

    /// Reads that must see every commit: the primary's.
    fn fresh(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn backup_into_sql(&self, _path: &std::path::Path) -> StoreResult<()> {
        Err(crate::StoreError::Unsupported(
            "use pg_dump for a PostgreSQL database".into(),
        ))
    }

    pub(crate) async fn health_sql(&self) -> StoreResult<()> {
        for pool in &self.health {
            sqlx::query("SELECT 1").execute(pool).await?;
        }
        Ok(())
    }

    pub(crate) async fn close_sql(&self) {
        for pool in &self.health {
            pool.close().await;
        }
        self.pool.close().await;
    }

    /// The underlying pool, for tests that tamper with rows on purpose.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// How treem connects: as the URL says, with JIT compilation off and
/// every statement planned for its values.
///
/// JIT: treem's queries each read a batch of rows, and PostgreSQL 15
/// compiled a read whose estimate passed `jit_above_cost` — tens of
/// milliseconds for a query that runs in a few (2,368 ids read as runs of
/// one, each run estimated as a range of unknown bounds: 58 ms compiled,
/// 7 ms not).
///
/// Custom plans: a scope is `($1 OR unit_id = ANY(…))`, an index range
/// only once `$1` is known to be false. After five executions of a
/// prepared statement PostgreSQL may keep a generic plan, made without
/// the values, when its estimate is lower than the custom plans' — for a
/// commune's ID page at 5 M children a parallel read of the whole
/// children table (generic estimate 340,842 against 519,000: the custom
/// plan counts the unit list as 100 values), 20–60 s a page under load
/// where the custom plan takes 72 ms (`docs/decisions.md`).
fn options(url: &str) -> StoreResult<PgConnectOptions> {
    Ok(url
        .parse::<PgConnectOptions>()?
        .options([("jit", "off"), ("plan_cache_mode", "force_custom_plan")]))
}

/// A `LIKE` pattern the trigram index can answer: the longest word of the
/// search (three letters or more); the other words are checked on its rows.
fn trigram_pattern(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| w.chars().count() >= 3)
        .max_by_key(|w| w.chars().count())
        .map(|w| crate::rows::like_contains(w))
        .unwrap_or_default()
}

shared_store!(
    PgStore,
    sqlx::Postgres,
    // Several servers may append at once; the chain needs one writer at a time.
    audit_lock: Some("SELECT pg_advisory_xact_lock(7370656501)"),
    in_ids: " = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))",
    tokens_in: "SELECT jsonb_array_elements_text($3::jsonb) AS t",
    prefilter: "search_text LIKE $4 ESCAPE '\\'",
    prefilter_value: trigram_pattern,
    backend: "postgres"
);

import_sql!(PgStore, sqlx::Postgres, PgImport, texts_in: "SELECT jsonb_array_elements_text($1::jsonb)", agg: "json_agg(json_build_array({}))::text", rows: arrays, setup: &[], finish: &[], after_large: &["ANALYZE"], bulk: BULK,
    // A batch's rows with their child's unit (the first column, `c0`, is
    // the child's id): one statement for the batch, where the row trigger
    // of migration 0042 looks each child up in a query of its own — set
    // aside by a bulk load, which holds the children for itself.
    child_unit: Some("SELECT s.*, (SELECT c.unit_id FROM children c WHERE c.id = s.c0) FROM ({source}) AS s"));

/// A bulk load into PostgreSQL sets aside the secondary (not unique)
/// indexes of children and of the tables of their records (measurements,
/// enrolments, participation: their indexes by unit, migration 0043), the
/// foreign keys of the tables a data set fills (each checked by a query
/// for every row; put back, each is checked by one query over the table),
/// their figure marks' insert triggers (once a statement, each looks up
/// every row's child; once back, every unit is marked) and the row
/// triggers that give a child's rows her unit (a query for every row; the
/// import's statements set it, `child_unit`). While the import runs,
/// dropping them holds those tables for it alone: other sessions reading
/// them wait for its commit (a registry under `BULK_BELOW` children, so a
/// first load).
const BULK: crate::import_sql::Bulk = crate::import_sql::Bulk {
    objects: "SELECT 'DROP INDEX ' || quote_ident(c.relname), pg_get_indexdef(x.indexrelid)
              FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
              WHERE t.relname IN ('children', 'measurements', 'enrolments', 'participation') AND t.relnamespace = current_schema()::regnamespace
                AND NOT x.indisunique
              UNION ALL
              SELECT 'ALTER TABLE ' || quote_ident(t.relname) || ' DROP CONSTRAINT ' || quote_ident(k.conname),
                     'ALTER TABLE ' || quote_ident(t.relname) || ' ADD CONSTRAINT ' || quote_ident(k.conname)
                       || ' ' || pg_get_constraintdef(k.oid)
              FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
              WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
                AND t.relname IN ('children', 'measurements', 'enrolments', 'participation', 'cases')
              UNION ALL
              SELECT 'DROP TRIGGER ' || quote_ident(g.tgname) || ' ON ' || quote_ident(t.relname),
                     pg_get_triggerdef(g.oid)
              FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
              WHERE NOT g.tgisinternal AND t.relnamespace = current_schema()::regnamespace
                AND g.tgname IN ('children_figures_insert', 'measurements_figures_insert',
                    'enrolments_figures_insert', 'participation_figures_insert', 'cases_figures_insert',
                    'measurements_unit', 'enrolments_unit', 'participation_unit')
              ORDER BY 1",
    after: &["SELECT figures_mark(ARRAY(SELECT id FROM units))"],
};
export_sql!(PgStore, sqlx::Postgres);
indicators_sql!(PgStore, sqlx::Postgres, agg: "json_agg(json_build_array({}))::text");
targets_sql!(PgStore);
facts_sql!(PgStore);
search_sql!(PgStore, agg: "json_agg(json_build_array({}))::text");
seal_sql!(PgStore);
impl crate::seal_sql::Backend for PgStore {
    type Db = sqlx::Postgres;
}
cases_sql!(PgStore, sqlx::Postgres, ids_in: "SELECT jsonb_array_elements_text($2::jsonb)::bigint");
case_withdrawal_sql!(PgStore, sqlx::Postgres);
crate::held_uploads_sql::held_uploads_sql!(PgStore);
crate::token_writes_sql::token_writes_sql!(PgStore);
crate::plans_sql::plans_sql!(PgStore);
crate::breakdown_sql::breakdown_sql!(PgStore, each: "{table} WHERE {on} = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::bigint))", agg: "json_agg(json_build_array({}))::text");
crate::progress_sql::progress_sql!(PgStore, sqlx::Postgres);
crate::supervisions_sql::supervisions_sql!(PgStore, sqlx::Postgres);
crate::returns_sql::returns_sql!(PgStore, sqlx::Postgres);
crate::returns_write_sql::returns_write_sql!(PgStore, sqlx::Postgres);
crate::programme_sql::programme_sql!(PgStore);
crate::report_drafts_sql::report_drafts_sql!(PgStore);
crate::case_handover_sql::case_handover_sql!(PgStore);
crate::case_store::case_store!(PgStore);
crate::ids_sql::ids_sql!(PgStore, in_ids: " = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))", codes_in: "SELECT jsonb_array_elements_text($1::jsonb)");
crate::figures_sql::figures_sql!(PgStore, sqlx::Postgres, units_in: "SELECT unnest($1::bigint[])",
    each: "{table} WHERE {on} = ANY(ARRAY(SELECT unnest($1::bigint[])))",
    each_few: "{table} WHERE {on} IN (SELECT unnest($1::bigint[]))",
    // Each run read in the index from its first id to its last (`OFFSET
    // 0` keeps the runs outside: joined plainly, the planner, not knowing
    // a run's bounds, scanned every measurement in parallel at 5 M — 1.3 s
    // a batch instead of 12 ms).
    each_run: "unnest(($1::bigint[])[:cardinality($1::bigint[]) / 2], ($1::bigint[])[cardinality($1::bigint[]) / 2 + 1:]) AS r(lo, hi)
               CROSS JOIN LATERAL (SELECT * FROM {table} WHERE {on} BETWEEN r.lo AND r.hi{rest} OFFSET 0) {alias}",
    // Each unit's rows one range of the table's index led by the unit
    // (migration 0043; the unit on the rows since 0042), holding every
    // column read: the table not visited.
    by_unit: Some("unnest($1::bigint[]) AS u(id)
                   CROSS JOIN LATERAL (SELECT {cols} FROM {table} WHERE {alias}.unit_id = u.id{rest} OFFSET 0) {alias}"),
    agg: "json_agg(json_build_array({}))::text",
    rows: arrays,
    marks: "SELECT unit_id, SUM(n)::bigint, SUM(logged)::bigint FROM (
                SELECT unit_id, token AS n, 0 AS logged FROM figure_marks
                UNION ALL SELECT unit_id, COUNT(*), COUNT(*) FROM figure_mark_log GROUP BY unit_id) t
            GROUP BY unit_id",
    fold: Some("WITH gone AS (DELETE FROM figure_mark_log RETURNING unit_id),
                     n AS (SELECT unit_id, COUNT(*) AS n FROM gone GROUP BY unit_id)
                INSERT INTO figure_marks (unit_id, token) SELECT unit_id, n FROM n
                ON CONFLICT (unit_id) DO UPDATE SET token = figure_marks.token + excluded.token"),
    // Each unit's children read in its own index range (`OFFSET 0` keeps
    // the units outside): with the list joined plainly the planner read
    // 0034's index over every child of the nation (3.0 s for 64 communes at
    // 5 M). Since migration 0041 the ID link's index is led by the unit and
    // holds every column read here (a province 1.07 -> 0.41 s at 5 M).
    link_children: "(SELECT DISTINCT unnest($1::bigint[]) AS id) AS u
                    CROSS JOIN LATERAL (SELECT unit_id, national_id, national_id_verified FROM children
                      WHERE unit_id = u.id AND merged_into IS NULL AND status = 'active' AND date_of_birth > $2
                      OFFSET 0) AS c");
crate::plan_import_sql::plan_import_sql!(PgStore, sqlx::Postgres);
crate::village_sql::village_sql!(PgStore, sqlx::Postgres, in_ids: " = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))");
