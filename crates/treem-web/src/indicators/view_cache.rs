//! A server's copy of what its dashboard views last read of the kept
//! figures (issue 20): the units with their history, and each period's
//! kept counts per commune (and the day's ID link counts) — checked on
//! every view by one read of the unit list's epoch and of the marks. The
//! kept counts are a function of the units and of the marks (every write
//! to a record an indicator reads changes a mark, every change to the
//! units the epoch, by the database's triggers in the writing
//! transaction), so equal epoch and marks mean the copy is what the
//! database holds — whichever server wrote. Anything else is read again.
//! Targets and programme values are read on every view (judged when read).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use treem_domain::indicators::Period;
use treem_store::{Store, StoreError};

use super::figures::Report;
use super::kept::{self, Kept, Marks, Units};

/// What a view found: the units (read again only when the epoch changed)
/// and the marks, read before anything else.
pub struct Seen {
    pub units: Arc<Units>,
    epoch: i64,
    marks: Arc<Marks>,
}

type LinkCounts = Vec<(i64, i64, i64, i64)>;

/// The most entries (a period, for a unit) the copy holds at once.
const ENTRIES: usize = 64;

/// The copy: the units of an epoch, and each entry with the epoch and the
/// marks it is current at.
#[derive(Default)]
pub struct ViewCache {
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    units: Option<(i64, Arc<Units>)>,
    periods: HashMap<String, Entry<Arc<HashMap<usize, Kept>>>>,
    /// Today's only.
    links: HashMap<String, Entry<Arc<LinkCounts>>>,
    /// The entries a view of this server is reading again now.
    refreshing: std::collections::HashSet<String>,
}

struct Entry<T> {
    epoch: i64,
    marks: Arc<Marks>,
    value: T,
}

/// Which of the copy's maps.
type Map<T> = fn(&mut Held) -> &mut HashMap<String, Entry<T>>;

/// What a view does: show the copy's entry — current at its marks, or,
/// while another view of this server reads it again, taken at earlier
/// marks (a moment behind the last write, as the kept counts are served
/// while another reader computes them; never across a unit change) — or
/// read it again itself (holding the right to, released when dropped).
enum Refresh<'a, T> {
    Mine(Refreshing<'a>),
    Copied(T),
}

struct Refreshing<'a> {
    cache: &'a ViewCache,
    key: String,
}

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.cache.held().refreshing.remove(&self.key);
    }
}

impl ViewCache {
    fn held(&self) -> std::sync::MutexGuard<'_, Held> {
        match self.held.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The epoch and the marks now, and the units of that epoch.
    pub async fn seen(&self, store: &dyn Store) -> Result<Seen, StoreError> {
        // The epoch first: units read after it are at least that new (a
        // newer copy under an older epoch is only read again).
        let epoch = store.unit_epoch().await?;
        let mut marks = store.figure_marks().await?;
        marks.sort_unstable();
        let held = self.held().units.clone();
        let units = match held {
            Some((e, units)) if e == epoch => units,
            _ => {
                let units = Arc::new(Units::load(store).await?);
                self.held().units = Some((epoch, units.clone()));
                units
            }
        };
        Ok(Seen {
            units,
            epoch,
            marks: Arc::new(marks),
        })
    }

    /// The entry current at the view's epoch and marks, or the right to
    /// read it again, or an earlier entry while another view reads it.
    fn find<T: Clone>(&self, seen: &Seen, map: Map<T>, key: &str) -> Refresh<'_, T> {
        let mut held = self.held();
        let busy = held.refreshing.contains(key);
        if let Some(entry) = map(&mut held).get(key).filter(|e| e.epoch == seen.epoch)
            && (*entry.marks == *seen.marks || busy)
        {
            return Refresh::Copied(entry.value.clone());
        }
        held.refreshing.insert(key.to_string());
        Refresh::Mine(Refreshing {
            cache: self,
            key: key.to_string(),
        })
    }

    /// Keeps an entry computed current at `at` when that is what the view
    /// saw.
    fn keep<T>(&self, seen: &Seen, at: Option<Marks>, map: Map<T>, key: String, value: T) {
        if at.as_ref() == Some(&*seen.marks) {
            let entry = Entry {
                epoch: seen.epoch,
                marks: seen.marks.clone(),
                value,
            };
            let mut held = self.held();
            let map = map(&mut held);
            // A few periods at a time (a view may ask for any year from
            // 2020 to 2100): the entries of earlier marks go first.
            if map.len() >= ENTRIES && !map.contains_key(&key) {
                map.retain(|_, e| *e.marks == *seen.marks);
                if map.len() >= ENTRIES {
                    map.clear();
                }
            }
            map.insert(key, entry);
        }
    }

    /// The indicators of a period (as [`kept::report`]) of `root` (by
    /// index in the history) and every unit under it, from its communes
    /// alone (a province's view neither reads nor computes the others).
    /// Units above the root are sums of the root's communes only: not for
    /// showing.
    pub async fn report(
        &self,
        store: &dyn Store,
        seen: &Seen,
        period: Period,
        root: usize,
    ) -> Result<Report, StoreError> {
        let key = format!("{}@{root}", super::programme::period_code(period));
        let periods: Map<Arc<HashMap<usize, Kept>>> = |h| &mut h.periods;
        let communes = match self.find(seen, periods, &key) {
            Refresh::Copied(communes) => communes,
            Refresh::Mine(_mine) => {
                let units = &seen.units;
                let history = &units.history;
                let Some(root) = history.all().get(root) else {
                    return Err(StoreError::Corrupt(format!("no unit at index {root}")));
                };
                let under = kept::under(history, root);
                let (communes, at) =
                    kept::communes_within(store, history, &units.index_of, period, &under).await?;
                let communes = Arc::new(communes);
                self.keep(seen, at, periods, key, communes.clone());
                communes
            }
        };
        kept::report_from(store, &seen.units, period, &communes).await
    }

    /// The ID link's counts per commune today (as
    /// [`super::kept_link::link_counts`]) of the communes among the stored
    /// units `ids` (the unit shown and those under it): the others are
    /// neither read nor computed.
    pub async fn link_counts(
        &self,
        store: &dyn Store,
        seen: &Seen,
        today: chrono::NaiveDate,
        born_after: chrono::NaiveDate,
        ids: &[i64],
    ) -> Result<Arc<LinkCounts>, StoreError> {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        let day = format!("{today}/{born_after}@");
        // Keyed by the units themselves (a province's few hundred ids):
        // two sets of units never share a copy.
        let list: Vec<String> = sorted.iter().map(i64::to_string).collect();
        let code = format!("{day}{}", list.join(","));
        let links: Map<Arc<LinkCounts>> = |h| &mut h.links;
        let _mine = match self.find(seen, links, &code) {
            Refresh::Copied(counts) => return Ok(counts),
            Refresh::Mine(mine) => mine,
        };
        let units = &seen.units;
        let at: std::collections::HashSet<usize> = sorted
            .iter()
            .filter_map(|id| units.index_of.get(id).copied())
            .collect();
        let within = |c: usize| at.contains(&c);
        let (counts, marks) =
            super::kept_link::link_counts(store, units, today, born_after, &within).await?;
        let counts = Arc::new(counts);
        if marks.is_some() {
            // Counted today: the copies of earlier days go.
            self.held().links.retain(|k, _| k.starts_with(&day));
        }
        self.keep(seen, marks, links, code, counts.clone());
        Ok(counts)
    }
}
