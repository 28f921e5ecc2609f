//! Reads from a streaming replica (issue 22): a PostgreSQL store opened
//! with a read URL sends its reads there — dashboards, searches, lists,
//! drill-downs, reports — except inside [`on_primary`], where every read
//! goes to the primary (a request that writes, and a user's requests for a
//! few seconds after her write: she reads her own write at once). Reads
//! that must always see the latest commit (sessions, accounts, tokens, the
//! audit chain) go to the primary whatever the scope; writes always do.
//! SQLite has no replica: its read connections see every commit.

use std::future::Future;

tokio::task_local! {
    static PRIMARY: ();
}

/// Runs `f` with every read of the stores it uses sent to the primary.
pub async fn on_primary<F: Future>(f: F) -> F::Output {
    PRIMARY.scope((), f).await
}

/// Whether the running task reads from the primary only.
pub fn pinned() -> bool {
    PRIMARY.try_with(|_| ()).is_ok()
}

/// The pool a replica-served read takes: the replica's, unless the task is
/// pinned to the primary (or there is no replica).
pub(crate) fn choose<'a, P>(primary: &'a P, replica: Option<&'a P>) -> &'a P {
    match replica {
        Some(r) if !pinned() => r,
        _ => primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pinned_inside_the_scope_only() {
        assert!(!pinned());
        let (p, r) = (1, 2);
        assert_eq!(*choose(&p, Some(&r)), 2);
        assert_eq!(*choose(&p, None), 1);
        on_primary(async {
            assert!(pinned());
            assert_eq!(*choose(&p, Some(&r)), 1);
            // Still pinned after an await point.
            tokio::task::yield_now().await;
            assert!(pinned());
        })
        .await;
        assert!(!pinned());
    }
}
