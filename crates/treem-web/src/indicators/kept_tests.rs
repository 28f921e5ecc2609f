//! Two readers of the same stale figures in one process: while the first
//! computes them, the second shows what was kept before, and waits for a
//! commune never kept.

use std::time::Duration;

use super::*;
use crate::shell::bootstrap;

const PERIOD: Period = Period {
    year: 2026,
    half: false,
};

async fn read(store: &dyn Store, units: &Units) -> (HashMap<usize, Kept>, Option<Marks>) {
    communes(store, &units.history, &units.index_of, PERIOD)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_reader_shows_the_counts_kept_before_or_waits() {
    let db = treem_store::testing::sqlite().await.unwrap();
    let store = db.store.as_ref();
    bootstrap::ensure_units(store).await.unwrap();
    bootstrap::load_demo(store, 400, 11, &|_| {}).await.unwrap();
    let units = Units::load(store).await.unwrap();
    let (first, marks) = read(store, &units).await;
    assert!(
        marks.is_some(),
        "computed by this reader: current at its marks"
    );
    assert!(!first.is_empty());

    // A child under five no longer registered, behind the store's back:
    // her commune's counts are stale.
    let sql = sqlx::SqlitePool::connect(&db.url).await.unwrap();
    let written = sqlx::query(
        "UPDATE children SET birth_registered = FALSE WHERE id = (
           SELECT id FROM children WHERE merged_into IS NULL AND status = 'active'
             AND birth_registered = TRUE AND date_of_birth > '2023-01-01'
           ORDER BY id LIMIT 1)",
    )
    .execute(&sql)
    .await
    .unwrap();
    assert_eq!(written.rows_affected(), 1);

    // Another reader of this process is computing them: the commune is
    // shown as it was kept, at once, with no marks to be current at.
    let lock = refresh_lock(store, &period_code(PERIOD));
    let computing = lock.clone().lock_owned().await;
    let (during, marks) = tokio::time::timeout(Duration::from_secs(10), read(store, &units))
        .await
        .expect("waited for the other reader although every commune was kept before");
    assert!(marks.is_none());
    assert_eq!(during, first);

    // Communes never kept are waited for.
    let forgotten = sqlx::query("DELETE FROM commune_figures")
        .execute(&sql)
        .await
        .unwrap();
    assert!(forgotten.rows_affected() > 0);
    let waiting = tokio::time::timeout(Duration::from_millis(300), read(store, &units)).await;
    assert!(
        waiting.is_err(),
        "a commune never kept shown before it was computed"
    );
    drop(computing);

    let (after, marks) = read(store, &units).await;
    assert!(marks.is_some());
    assert_ne!(
        after, first,
        "the write left every commune's counts as they were"
    );
    let changed: Vec<usize> = first
        .keys()
        .filter(|c| after.get(c) != first.get(c))
        .copied()
        .collect();
    assert_eq!(changed.len(), 1, "only the written child's commune changes");
    // And now kept: read again, the same.
    assert_eq!(read(store, &units).await.0, after);
}
