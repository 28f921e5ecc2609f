//! The health check a load balancer asks (`Store::health`).

use std::sync::Arc;
use std::time::Duration;

use treem_store::Store;

async fn health_answers(store: Arc<dyn Store>) {
    store.health().await.unwrap();
}

on_both!(health_answers);

/// On PostgreSQL the check has a connection of its own: with every
/// connection of the pool held (32 officers' first views at 5 M did that,
/// and HAProxy took every server out), it still answers at once.
#[tokio::test]
async fn health_answers_with_the_pool_busy() {
    let Some(db) = treem_store::testing::postgres("health_answers_with_the_pool_busy")
        .await
        .unwrap()
    else {
        return;
    };
    let store = treem_store::postgres::PgStore::open(&db.url).await.unwrap();
    let mut held = Vec::new();
    while let Ok(Ok(conn)) =
        tokio::time::timeout(Duration::from_millis(500), store.pool().acquire()).await
    {
        held.push(conn);
    }
    assert_eq!(held.len(), 16, "the pool's connections, all held");
    // A read through the pool waits…
    assert!(
        tokio::time::timeout(Duration::from_millis(300), store.search_epoch())
            .await
            .is_err(),
        "a read went through a pool with no free connection"
    );
    // …the health check does not.
    tokio::time::timeout(Duration::from_secs(3), store.health())
        .await
        .expect("the health check waited for the users' pool")
        .unwrap();
    drop(held);
    store.search_epoch().await.unwrap();
}
