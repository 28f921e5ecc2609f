//! What every request can reach: the store, the unit history and settings.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use treem_domain::access::Role;
use treem_domain::scope::scope_units;
use treem_domain::text::fold;
use treem_domain::units::{Level, Unit, UnitHistory};
use treem_store::{Account, Scope, Store, StoredUnit};

use crate::AppError;

/// Settings of the web application.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Absolute session lifetime.
    pub session_hours: i64,
    /// Idle time after which a session ends.
    pub idle_minutes: i64,
    /// Always mark cookies `Secure` (behind TLS). When false, they are marked
    /// `Secure` only for requests that arrived over HTTPS via a proxy.
    pub secure_cookies: bool,
    /// Sign-in attempts for one username from one address within the
    /// window before that pair is refused until the window ends.
    pub max_failures_per_user: i64,
    /// Failed sign-ins from one address within the window before refusing.
    pub max_failures_per_ip: i64,
    /// Attempts for one username from every address within the window
    /// after which it is slowed down (never locked: its owner signs in from
    /// another address).
    pub slow_user_after: i64,
    /// While slowed down, one attempt for the username every this many
    /// seconds.
    pub slow_user_seconds: i64,
    /// The throttling window.
    pub throttle_minutes: i64,
    /// Reverse proxies whose `X-Forwarded-For` is believed: the client's
    /// address is the last entry a trusted proxy added; anyone else's
    /// header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// What an uploaded data set may hold once unpacked.
    pub upload_limits: treem_interchange::Limits,
    /// The key sealing case contents (from the data folder). Without it the
    /// case pages refuse to work rather than store anything in clear.
    pub case_key: Option<crate::cases::seal::CaseKey>,
    /// The store reads from a streaming replica: requests that write, and
    /// a browser's requests for a few seconds after, read from the primary
    /// (`shell::reads`).
    pub read_replica: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            session_hours: 12,
            idle_minutes: 120,
            secure_cookies: false,
            max_failures_per_user: 5,
            max_failures_per_ip: 30,
            slow_user_after: 10,
            slow_user_seconds: 5,
            throttle_minutes: 15,
            trusted_proxies: Vec::new(),
            upload_limits: treem_interchange::Limits::upload(),
            case_key: None,
            read_replica: false,
        }
    }
}

/// The unit history with each version's database id.
#[derive(Debug, Default)]
pub struct UnitIndex {
    pub history: UnitHistory,
    ids: Vec<i64>,
}

impl UnitIndex {
    /// Indexes stored unit versions.
    pub fn new(stored: Vec<StoredUnit>) -> Self {
        let ids = stored.iter().map(|s| s.id).collect();
        let history = UnitHistory::new(stored.into_iter().map(|s| s.unit).collect());
        UnitIndex { history, ids }
    }

    /// The database id of a unit version.
    pub fn id_of(&self, unit: &Unit) -> Option<i64> {
        self.ids.get(self.history.index_of(unit)?).copied()
    }

    /// The unit version with a database id.
    pub fn by_id(&self, id: i64) -> Option<&Unit> {
        let i = self.ids.iter().position(|&x| x == id)?;
        self.history.all().get(i)
    }

    /// The records an account may read, on `today`.
    pub fn scope_of(&self, account: &Account, today: NaiveDate) -> Scope {
        if account.role == Role::Admin {
            return Scope::All;
        }
        let units = scope_units(&self.history, &account.scope_code, today);
        Scope::Units(units.into_iter().filter_map(|u| self.id_of(u)).collect())
    }

    /// The communes in force on `today` whose records the scope may read,
    /// as (code, name), sorted by name.
    pub fn communes_in(&self, scope: &Scope, today: NaiveDate) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .history
            .valid_on(today)
            .into_iter()
            .filter(|u| {
                u.level == Level::Commune && self.id_of(u).is_some_and(|id| scope.contains(id))
            })
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect();
        v.sort_by_cached_key(|c| fold(&c.1));
        v
    }

    /// The scope narrowed to one commune in force on `today`: the records of
    /// every unit version that has become it. An empty or unknown code
    /// leaves the scope as it is.
    pub fn narrow(&self, scope: &Scope, commune: &str, today: NaiveDate) -> Scope {
        let Some(target) = self
            .history
            .resolve(commune, today)
            .filter(|_| !commune.is_empty())
        else {
            return scope.clone();
        };
        Scope::Units(
            self.history
                .all()
                .iter()
                .filter(|u| {
                    self.history
                        .became(u, today)
                        .is_some_and(|now| now == target)
                })
                .filter_map(|u| self.id_of(u))
                .filter(|id| scope.contains(*id))
                .collect(),
        )
    }

    /// The display name of a unit code as of `date`, or of its last version.
    pub fn name_of(&self, code: &str, date: NaiveDate) -> String {
        self.history
            .resolve(code, date)
            .or_else(|| self.history.all().iter().rev().find(|u| u.code == code))
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

/// How long a unit index is used before it is read again from the store,
/// so that a unit file loaded through one server reaches the others.
const UNIT_REFRESH: Duration = Duration::from_secs(60);

/// Shared application state (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    units: Arc<RwLock<(Arc<UnitIndex>, Instant)>>,
    refreshing: Arc<AtomicBool>,
    /// The in-memory children's search index.
    pub(crate) search: Arc<crate::registry::search::Searcher>,
    /// The dashboard's copy of the kept figures last read.
    pub(crate) figures: Arc<crate::indicators::view_cache::ViewCache>,
}

impl AppState {
    /// Loads the unit history from the store.
    pub async fn new(config: WebConfig, store: Arc<dyn Store>) -> Result<Self, AppError> {
        let index = UnitIndex::new(store.units().await?);
        let state = AppState {
            store,
            config: Arc::new(config),
            units: Arc::new(RwLock::new((Arc::new(index), Instant::now()))),
            refreshing: Arc::new(AtomicBool::new(false)),
            search: Arc::default(),
            figures: Arc::default(),
        };
        // Searches use the database until the index is ready.
        crate::registry::search::rebuild_soon(&state);
        Ok(state)
    }

    /// The current unit index (a snapshot; never waits for the database).
    /// A snapshot older than a minute is refreshed in the background.
    pub fn units(&self) -> Arc<UnitIndex> {
        let (index, loaded) = match self.units.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        if loaded.elapsed() > UNIT_REFRESH && !self.refreshing.swap(true, Ordering::AcqRel) {
            let state = self.clone();
            tokio::spawn(async move {
                if let Err(e) = state.reload_units().await {
                    tracing::warn!(error = %e, "unit refresh failed");
                }
                state.refreshing.store(false, Ordering::Release);
            });
        }
        index
    }

    /// Reloads the unit index (after the unit list changed).
    pub async fn reload_units(&self) -> Result<(), AppError> {
        let fresh = (
            Arc::new(UnitIndex::new(self.store.units().await?)),
            Instant::now(),
        );
        match self.units.write() {
            Ok(mut g) => *g = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}
