//! The children's search, for the list and the API: a server's in-memory
//! index (`treem_domain::search_index`) answers when it can do so exactly —
//! words of letters and digits, no field filters — and is current (built at
//! the store's present search epoch); otherwise the database answers, and a
//! new index is built in the background. Both give the same children in the
//! same order (tests compare them).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use treem_domain::search_index::{SearchIndex, indexable};
use treem_domain::text::fold;
use treem_store::{ChildFilters, ChildQuery, ChildRow, Scope};

use crate::{AppError, AppState};

/// Rows read per round trip while building.
const PAGE: i64 = 50_000;

/// The least time between the end of one background build and the start of
/// the next: on a day of many edits the database answers meanwhile, rather
/// than a core rebuilding without pause (3 s a build at a million children).
const REBUILD_PAUSE: Duration = Duration::from_secs(30);

/// The current index (with the epoch it was built at) and whether a build runs.
#[derive(Default)]
pub struct Searcher {
    current: RwLock<Option<Arc<(i64, SearchIndex)>>>,
    building: AtomicBool,
    /// When the last background build ended.
    last_built: std::sync::Mutex<Option<Instant>>,
}

impl Searcher {
    fn snapshot(&self) -> Option<Arc<(i64, SearchIndex)>> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn install(&self, index: Arc<(i64, SearchIndex)>) {
        match self.current.write() {
            Ok(mut g) => *g = Some(index),
            Err(p) => *p.into_inner() = Some(index),
        }
    }
}

/// Builds an index of the store as it is now and installs it.
pub async fn rebuild_now(state: &AppState) -> Result<usize, AppError> {
    let started = Instant::now();
    let epoch = state.store.search_epoch().await?;
    let mut rows = Vec::new();
    let mut after = 0;
    loop {
        let page = state.store.search_rows(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        rows.extend(page);
    }
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(rows))
        .await
        .map_err(|e| AppError::Internal(format!("search index: {e}")))?;
    let n = index.len();
    // Built at `epoch`: a change made while reading makes it stale at once.
    state.search.install(Arc::new((epoch, index)));
    tracing::info!(
        children = n,
        ms = started.elapsed().as_millis() as u64,
        "search index ready"
    );
    Ok(n)
}

/// Starts a build unless one is running or the last ended under
/// [`REBUILD_PAUSE`] ago.
pub fn rebuild_soon(state: &AppState) {
    let recent = state
        .search
        .last_built
        .lock()
        .map(|t| t.is_some_and(|t| t.elapsed() < REBUILD_PAUSE))
        .unwrap_or(false);
    if recent || state.search.building.swap(true, Ordering::AcqRel) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(e) = rebuild_now(&state).await {
            tracing::warn!(error = %e, "search index build failed");
        }
        if let Ok(mut t) = state.search.last_built.lock() {
            *t = Some(Instant::now());
        }
        state.search.building.store(false, Ordering::Release);
    });
}

/// A page of children and how many match, as [`treem_store::Store::children`].
pub async fn children(state: &AppState, q: &ChildQuery) -> Result<(Vec<ChildRow>, i64), AppError> {
    match from_index(state, q).await? {
        Some(found) => Ok(found),
        None => Ok(state.store.children(q).await?),
    }
}

/// How many children the scope holds: counted in the index while it is
/// current (a provincial officer's home page read a million rows for it,
/// 0.2 s), by the database otherwise.
pub async fn count_children(state: &AppState, scope: &Scope) -> Result<i64, AppError> {
    match current(state).await? {
        Some(snapshot) => Ok(snapshot.1.count(|unit| scope.contains(unit)) as i64),
        None => Ok(state.store.count_children(scope).await?),
    }
}

/// The index if it is current (built at the store's present search epoch);
/// otherwise `None`, and a rebuild is started.
async fn current(state: &AppState) -> Result<Option<Arc<(i64, SearchIndex)>>, AppError> {
    let epoch = state.store.search_epoch().await?;
    let snapshot = state.search.snapshot().filter(|s| s.0 == epoch);
    if snapshot.is_none() {
        rebuild_soon(state);
    }
    Ok(snapshot)
}

/// The index's answer, or `None` when it cannot give one exactly or is stale.
pub async fn from_index(
    state: &AppState,
    q: &ChildQuery,
) -> Result<Option<(Vec<ChildRow>, i64)>, AppError> {
    let folded = fold(&q.name);
    let words: Vec<String> = folded
        .split_whitespace()
        .take(8)
        .map(str::to_string)
        .collect();
    if words.is_empty()
        || !words.iter().all(|w| indexable(w))
        || q.filters != ChildFilters::default()
    {
        return Ok(None);
    }
    let Some(snapshot) = current(state).await? else {
        return Ok(None);
    };
    let (ids, total) = snapshot.1.search(
        &words,
        &folded,
        |unit| q.scope.contains(unit),
        q.offset.max(0) as usize,
        q.limit.max(0) as usize,
    );
    let mut found = if ids.is_empty() {
        Vec::new()
    } else {
        state.store.children_by_id(&ids).await?
    };
    found.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
    let rows = found.into_iter().map(ChildRow::from).collect();
    Ok(Some((rows, total as i64)))
}
