//! The figures kept per commune (issue 20): a period's figures read from
//! each commune's kept counts, summed up to every unit above — never
//! recomputed from a province's records. A commune whose records changed
//! since its counts were kept (its units' marks, changed by the database's
//! triggers in the writing transaction, differ from the ones its counts
//! name) is computed again from its own records, one small batch of
//! communes at a time, by the reader that finds it stale.
//!
//! The engine (`figures::report`) stays the definition: the kept figures
//! are the same counts of the same facts, checked equal by the tests.

use futures_util::StreamExt;
use std::collections::HashMap;

use treem_domain::indicators::{self as ind, Count, Period};
use treem_domain::returns::programme::registry_counts;
use treem_domain::units::UnitHistory;
use treem_store::{KeptCommune, Store, StoreError};

use super::figures::{Basis, Report, history_of, judge_with, targets_of};
use super::programme::{self, period_code};
use super::rows::facts;

/// Communes computed from one load of their records: a few, so a
/// recomputation reads a few thousand children at a time.
pub(super) const BATCH: usize = 4;
/// Loads under way at once when many communes are stale (the SQLite store
/// has four read connections; a load's queries run side by side).
pub(super) const AT_ONCE: usize = 3;

/// One recomputation of a database's period at a time in a process (no
/// stampede of 32 dashboards computing the same communes), by store and
/// period.
type Locks = HashMap<(usize, String), std::sync::Arc<tokio::sync::Mutex<()>>>;
static REFRESH: std::sync::Mutex<Option<Locks>> = std::sync::Mutex::new(None);

fn refresh_lock(store: &dyn Store, code: &str) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    let key = (
        std::ptr::from_ref(store).cast::<()>() as usize,
        code.to_string(),
    );
    let mut locks = match REFRESH.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    locks
        .get_or_insert_with(HashMap::new)
        .entry(key)
        .or_default()
        .clone()
}

/// A commune's kept counts as the figures need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    pub holds: bool,
    pub counts: [Count; 14],
    /// Children 0–15, under five, under one; `None` when no resident child
    /// counts under the commune.
    pub registry: Option<[i64; 3]>,
}

impl Kept {
    fn from_stored(k: &KeptCommune) -> Option<Kept> {
        let v = &k.counts;
        if v.len() != 28 && v.len() != 31 {
            return None;
        }
        let mut counts = [Count::default(); 14];
        for (i, c) in counts.iter_mut().enumerate() {
            c.numerator = v[2 * i];
            c.denominator = v[2 * i + 1];
        }
        let registry = (v.len() == 31).then(|| [v[28], v[29], v[30]]);
        Some(Kept {
            holds: k.holds,
            counts,
            registry,
        })
    }

    fn to_stored(self, unit_id: i64, stamp: String) -> KeptCommune {
        let mut counts: Vec<i64> = self
            .counts
            .iter()
            .flat_map(|c| [c.numerator, c.denominator])
            .collect();
        counts.extend(self.registry.into_iter().flatten());
        KeptCommune {
            unit_id,
            stamp,
            holds: self.holds,
            counts,
            groups: Vec::new(),
        }
    }
}

/// Every unit's indicators for a period from the kept counts (stale
/// communes computed again first), judged against the plan's targets —
/// equal to `figures::report`.
pub async fn report(
    store: &dyn Store,
    period: Period,
) -> Result<(Report, UnitHistory), StoreError> {
    let units = Units::load(store).await?;
    let (communes, _) = communes(store, &units.history, &units.index_of, period).await?;
    let report = report_from(store, &units, period, &communes).await?;
    Ok((report, units.history))
}

/// [`report`] for one unit and the units under it (`code`, in force on
/// the reference date): only the communes under it are read and computed,
/// so a province's first view of a period does not compute the country.
/// The units under it are exactly as in [`report`]; the others are left
/// out. An unknown code: every unit, as [`report`].
pub async fn report_under(
    store: &dyn Store,
    period: Period,
    code: &str,
) -> Result<(Report, UnitHistory), StoreError> {
    let units = Units::load(store).await?;
    let history = &units.history;
    let Some(root) = history.resolve(code, period.reference_date()) else {
        return report(store, period).await;
    };
    let under = under(history, root);
    let (communes, _) = communes_within(store, history, &units.index_of, period, &under).await?;
    let mut report = report_from(store, &units, period, &communes).await?;
    report.units.retain(|u| under(u.unit));
    drop(under);
    Ok((report, units.history))
}

/// Whether a unit (by index in the history) is `root` or under it.
pub fn under<'a>(
    history: &'a UnitHistory,
    root: &'a treem_domain::units::Unit,
) -> impl Fn(usize) -> bool + Sync + 'a {
    move |c| {
        history
            .all()
            .get(c)
            .is_some_and(|u| history.ancestors(u).iter().any(|a| std::ptr::eq(*a, root)))
    }
}

/// The stored units as the kept figures read them: their history and each
/// stored id's index in it (read from the store: a unit file loaded a
/// moment ago counts at once).
pub struct Units {
    pub history: UnitHistory,
    pub index_of: HashMap<i64, usize>,
}

impl Units {
    pub async fn load(store: &dyn Store) -> Result<Units, StoreError> {
        let (history, index_of) = history_of(store.units().await?);
        Ok(Units { history, index_of })
    }
}

/// [`report`] from each commune's kept counts already read.
pub async fn report_from(
    store: &dyn Store,
    units: &Units,
    period: Period,
    communes: &HashMap<usize, Kept>,
) -> Result<Report, StoreError> {
    let (history, index_of) = (&units.history, &units.index_of);
    let stored_targets = store.targets().await?;
    let targets = targets_of(&stored_targets);
    let programme = programme::load(store, period, &stored_targets).await?;
    let holding: Vec<(usize, &Kept)> = communes
        .iter()
        .filter(|(_, k)| k.holds)
        .map(|(c, k)| (*c, k))
        .collect();
    let figures = ind::sum_communes(
        history,
        holding.iter().map(|(c, k)| (*c, &k.counts)),
        period.reference_date(),
    );
    let registry = holding
        .iter()
        .filter_map(|(c, k)| Some((*c, k.registry?)))
        .collect();
    let basis = Basis {
        history,
        index_of,
        targets: &targets,
        programme: &programme,
    };
    Ok(judge_with(basis, registry, period, figures))
}

/// Each unit's mark, sorted by unit.
pub type Marks = Vec<(i64, i64)>;

/// Each commune valid on the reference date with its kept counts, the
/// stale ones computed again and kept; with the marks they are all current
/// at (none when some were served as kept before, another reader computing
/// them).
pub async fn communes(
    store: &dyn Store,
    history: &UnitHistory,
    index_of: &HashMap<i64, usize>,
    period: Period,
) -> Result<(HashMap<usize, Kept>, Option<Marks>), StoreError> {
    communes_within(store, history, index_of, period, &|_| true).await
}

/// [`communes`], only those `within` accepts (by index in the history):
/// the others are neither read nor computed.
pub async fn communes_within(
    store: &dyn Store,
    history: &UnitHistory,
    index_of: &HashMap<i64, usize>,
    period: Period,
    within: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(HashMap<usize, Kept>, Option<Marks>), StoreError> {
    let code = period_code(period);
    let mut preimages = ind::preimages(history, period.reference_date());
    preimages.retain(|c, _| within(*c));
    let id_of = ids_by_index(history, index_of);
    let plan = Plan {
        preimages: &preimages,
        id_of: &id_of,
    };
    let (mut current, stale, _only, marks) =
        match plan.begin(store, &code, Kept::from_stored).await? {
            Found::Current(current, marks) => return Ok((current, marks)),
            Found::Stale(current, stale, only, marks) => (current, stale, only, marks),
        };
    let started = std::time::Instant::now();
    let mut rows: Vec<KeptCommune> = Vec::with_capacity(stale.len());
    // A new load starts as soon as one ends (not when a group of them
    // has), so the read connections never wait for the slowest.
    let pending: Vec<_> = stale
        .chunks(BATCH)
        .map(|batch| compute(store, history, index_of, &plan, period, batch))
        .collect();
    let mut loads = futures_util::stream::iter(pending).buffer_unordered(AT_ONCE);
    while let Some(done) = loads.next().await {
        for (commune, kept, row) in done? {
            current.insert(commune, kept);
            rows.push(row);
        }
    }
    drop(loads);
    let computed = rows.len();
    plan.keep(store, &code, rows).await?;
    // Counts only: no name, no unit (the timing is what `scripts/` reads).
    tracing::debug!(
        communes = computed,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "recomputed kept figures"
    );
    Ok((current, Some(marks)))
}

/// Each unit's stored id, by index in the history.
pub(super) fn ids_by_index(history: &UnitHistory, index_of: &HashMap<i64, usize>) -> Vec<i64> {
    let mut id_of = vec![0i64; history.all().len()];
    for (id, at) in index_of {
        if let Some(slot) = id_of.get_mut(*at) {
            *slot = *id;
        }
    }
    id_of
}

/// What a period's communes are made of.
pub(super) struct Plan<'a> {
    /// Each commune with the units whose records count under it.
    pub(super) preimages: &'a HashMap<usize, Vec<usize>>,
    /// Each unit's stored id, by index in the history.
    pub(super) id_of: &'a [i64],
}

/// What a reader finds: every commune current at the marks (or, while
/// another reader computes the stale ones, their counts as kept before: no
/// marks), or the stale communes to compute with the process's lock on them
/// held and the marks they will be current at.
pub(super) enum Found<T> {
    Current(HashMap<usize, T>, Option<Marks>),
    Stale(
        HashMap<usize, T>,
        Vec<Stale>,
        tokio::sync::OwnedMutexGuard<()>,
        Marks,
    ),
}

/// A commune to compute again, with the stamp its counts will be kept at
/// (and what was kept for it before, if anything).
pub(super) struct Stale {
    pub(super) commune: usize,
    pub(super) stamp: String,
    pub(super) previous: Option<KeptCommune>,
}

impl Plan<'_> {
    /// The kept counts of a period (`code`), current or to compute; each
    /// row read as `decode` makes it (`None`: not a row it can use —
    /// computed again).
    pub(super) async fn begin<T>(
        &self,
        store: &dyn Store,
        code: &str,
        decode: fn(&KeptCommune) -> Option<T>,
    ) -> Result<Found<T>, StoreError> {
        let (mut current, stale, marks) = self.read(store, code, decode).await?;
        if stale.is_empty() {
            return Ok(Found::Current(current, Some(marks)));
        }
        let lock = refresh_lock(store, code);
        let only = match lock.clone().try_lock_owned() {
            Ok(guard) => guard,
            // Another reader is computing them: meanwhile a commune kept
            // before is shown as it was kept — a moment behind its last
            // write, as a replica would be — and one never kept is waited
            // for.
            Err(_) => {
                let before: Option<Vec<(usize, T)>> = stale
                    .iter()
                    .map(|s| Some((s.commune, decode(s.previous.as_ref()?)?)))
                    .collect();
                if let Some(before) = before {
                    current.extend(before);
                    return Ok(Found::Current(current, None));
                }
                lock.lock_owned().await
            }
        };
        // Another reader may have computed them meanwhile; the marks read
        // now, before the records, are the ones the new counts are kept with
        // (a write after them makes the counts stale again, never wrongly
        // current).
        let (current, stale, marks) = self.read(store, code, decode).await?;
        Ok(Found::Stale(current, stale, only, marks))
    }

    /// Keeps the counts computed.
    pub(super) async fn keep(
        &self,
        store: &dyn Store,
        code: &str,
        mut rows: Vec<KeptCommune>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        // Written in the order of their ids whatever order the loads ended
        // in: two servers keeping the same communes at once take their
        // rows' locks in the same order (no deadlock on PostgreSQL).
        rows.sort_unstable_by_key(|k| k.unit_id);
        store.keep_figures(code, &rows).await
    }

    /// The communes whose kept counts are current (as `decode` makes
    /// them), and the others.
    async fn read<T>(
        &self,
        store: &dyn Store,
        code: &str,
        decode: fn(&KeptCommune) -> Option<T>,
    ) -> Result<(HashMap<usize, T>, Vec<Stale>, Marks), StoreError> {
        let mut read = store.figure_marks().await?;
        read.sort_unstable();
        let marks: HashMap<i64, i64> = read.iter().copied().collect();
        let mut kept: HashMap<i64, KeptCommune> = store
            .kept_figures(code)
            .await?
            .into_iter()
            .map(|k| (k.unit_id, k))
            .collect();
        let mut current = HashMap::new();
        let mut stale = Vec::new();
        for (&commune, units) in self.preimages {
            let mut ids: Vec<i64> = units.iter().map(|u| self.id_of[*u]).collect();
            ids.sort_unstable();
            let stamp = ids
                .iter()
                .map(|id| format!("{id}:{}", marks.get(id).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(";");
            let stored = kept.remove(&self.id_of[commune]);
            match stored
                .as_ref()
                .filter(|k| k.stamp == stamp)
                .and_then(decode)
            {
                Some(k) => {
                    current.insert(commune, k);
                }
                None => stale.push(Stale {
                    commune,
                    stamp,
                    previous: stored,
                }),
            }
        }
        // Neighbours together: a batch's communes share schools and pupils.
        stale.sort_unstable_by_key(|s| s.commune);
        Ok((current, stale, read))
    }
}

/// A batch of communes computed from their own records: each one's counts
/// and the row they are kept as.
async fn compute(
    store: &dyn Store,
    history: &UnitHistory,
    index_of: &HashMap<i64, usize>,
    plan: &Plan<'_>,
    period: Period,
    batch: &[Stale],
) -> Result<Vec<(usize, Kept, KeptCommune)>, StoreError> {
    let (facts, _) = load_batch(store, index_of, plan, period, batch).await?;
    let communes: Vec<usize> = batch.iter().map(|s| s.commune).collect();
    let counts = ind::commune_counts(history, &facts, period, &communes);
    let registry = registry_counts(history, &facts, period.reference_date());
    Ok(batch
        .iter()
        .zip(counts)
        .map(|(s, (holds, counts))| {
            let kept = Kept {
                holds,
                counts,
                registry: registry.get(&s.commune).copied(),
            };
            let row = kept.to_stored(plan.id_of[s.commune], s.stamp.clone());
            (s.commune, kept, row)
        })
        .collect())
}

/// The stored ids of the units whose records count under a batch of
/// communes (sorted).
pub(super) fn batch_units(plan: &Plan<'_>, batch: &[Stale]) -> Vec<i64> {
    let mut units: Vec<i64> = batch
        .iter()
        .flat_map(|s| plan.preimages.get(&s.commune).into_iter().flatten())
        .map(|u| plan.id_of[*u])
        .collect();
    units.sort_unstable();
    units.dedup();
    units
}

/// The facts a batch of communes' figures are computed from, with each
/// fact child's stored id.
pub(super) async fn load_batch(
    store: &dyn Store,
    index_of: &HashMap<i64, usize>,
    plan: &Plan<'_>,
    period: Period,
    batch: &[Stale],
) -> Result<(ind::Facts, Vec<i64>), StoreError> {
    let units = batch_units(plan, batch);
    let rows = store
        .indicator_rows_within(
            &units,
            period.start(),
            period.reference_date(),
            &period.school_year(),
        )
        .await?;
    let child_ids = rows.children.iter().map(|c| c.id).collect();
    let mut facts = facts(rows, index_of);
    let school_year = period.school_year();
    for e in &mut facts.enrolments {
        e.school_year.clone_from(&school_year);
    }
    Ok((facts, child_ids))
}

#[cfg(test)]
#[path = "kept_tests.rs"]
mod tests;
