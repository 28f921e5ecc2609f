//! How treem's PostgreSQL connections are set (`postgres::options`): JIT
//! off, and every statement planned for its values. A generic plan of a
//! scope `($1 OR unit_id = ANY(…))` read the whole children table for one
//! commune's page (`docs/decisions.md`, «Every statement planned for its
//! values»); the setting must hold on every connection of the pool (the
//! replica's pool and the health check's connect by the same function).

use treem_store::postgres::PgStore;

#[tokio::test]
async fn every_connection_plans_for_its_values_without_jit() {
    let Some(db) =
        treem_store::testing::postgres("every_connection_plans_for_its_values_without_jit")
            .await
            .unwrap()
    else {
        return;
    };
    let store = PgStore::open(&db.url).await.unwrap();
    // Several connections at once, so not only the first is asked.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(store.pool().acquire().await.unwrap());
    }
    for conn in &mut held {
        let (jit, plans): (String, String) =
            sqlx::query_as("SELECT current_setting('jit'), current_setting('plan_cache_mode')")
                .fetch_one(&mut **conn)
                .await
                .unwrap();
        assert_eq!((jit.as_str(), plans.as_str()), ("off", "force_custom_plan"));
    }
}
