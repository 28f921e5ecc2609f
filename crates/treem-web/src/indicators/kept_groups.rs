//! The breakdowns kept per commune (issue 20): each commune's counts of
//! the indicators counted child by child, split by sex, ethnicity and
//! household poverty, kept beside its figures (as the period `2025/groups`)
//! and made stale by the same marks (migration 0038 adds the three columns
//! to the children's trigger). A commune's groups are computed again only
//! when a breakdown is asked for (the gaps page, the report and its annex,
//! `treem indicators --by`), not by every dashboard view; every unit above
//! is their sum, as for the figures.
//!
//! The engine (`figures::report_by`) stays the definition: the tests check
//! the kept breakdowns equal to it.

use futures_util::StreamExt;
use std::collections::HashMap;

use treem_domain::indicators::{self as ind, Count, Dimension, GroupCounts, Period};
use treem_domain::units::{Unit, UnitHistory};
use treem_store::{ChildGroups, KeptCommune, Store, StoreError};

use super::figures::{Report, attach};
use super::kept::{self, AT_ONCE, BATCH, Found, Plan, Stale, Units, batch_units, load_batch};
use super::programme::period_code;

/// A commune's groups by each dimension (in the order of `Dimension::ALL`).
type Groups = [GroupCounts; 3];

/// The period's code for its kept groups.
fn code(period: Period) -> String {
    format!("{}/groups", period_code(period))
}

/// Each split indicator's index in `KEYS` (in the order of `BY_KEYS`: a
/// group's stored numbers are their numerators and denominators in pairs).
fn split_indexes() -> Vec<usize> {
    ind::BY_KEYS
        .iter()
        .filter_map(|k| ind::KEYS.iter().position(|x| x == k))
        .collect()
}

/// The stored row of a commune's groups (named `sex:F`, `ethnicity:08`…).
fn to_stored(unit_id: i64, stamp: String, holds: bool, groups: &Groups) -> KeptCommune {
    let at = split_indexes();
    let groups = Dimension::ALL
        .iter()
        .zip(groups)
        .flat_map(|(dim, g)| {
            let at = &at;
            g.iter().map(move |(name, counts)| {
                let numbers = at
                    .iter()
                    .flat_map(|&k| [counts[k].numerator, counts[k].denominator])
                    .collect();
                (format!("{}:{name}", dim.code()), numbers)
            })
        })
        .collect();
    KeptCommune {
        unit_id,
        stamp,
        holds,
        counts: Vec::new(),
        groups,
    }
}

/// A stored row's groups (`None`: not a row of groups as `to_stored`
/// writes them — computed again).
fn from_stored(k: &KeptCommune) -> Option<Groups> {
    if !k.counts.is_empty() {
        return None;
    }
    let at = split_indexes();
    let mut out: Groups = Default::default();
    for (name, numbers) in &k.groups {
        let (dim, group) = name.split_once(':')?;
        let d = Dimension::ALL.iter().position(|x| x.code() == dim)?;
        if numbers.len() != 2 * at.len() {
            return None;
        }
        let mut counts = [Count::default(); 14];
        for (pair, &k) in numbers.chunks(2).zip(&at) {
            counts[k].numerator = pair[0];
            counts[k].denominator = pair[1];
        }
        out[d].insert(group.to_string(), counts);
    }
    Some(out)
}

/// Every unit's indicators for a period, the ones counted child by child
/// split by `dim` — equal to `figures::report_by`.
pub async fn report_by(
    store: &dyn Store,
    period: Period,
    dim: Dimension,
) -> Result<(Report, UnitHistory), StoreError> {
    let units = Units::load(store).await?;
    let (report, mut splits) = reports_of(store, &units, period, &[dim], &|_| true).await?;
    let split = splits.pop().map_or(report, |(_, r)| r);
    Ok((split, units.history))
}

/// [`report_by`] for `root` and the units under it (the others left out):
/// only the communes under it are read and computed.
pub async fn report_by_under(
    store: &dyn Store,
    units: &Units,
    period: Period,
    dim: Dimension,
    root: &Unit,
) -> Result<Report, StoreError> {
    let under = kept::under(&units.history, root);
    let (report, mut splits) = reports_of(store, units, period, &[dim], &under).await?;
    let mut split = splits.pop().map_or(report, |(_, r)| r);
    split.units.retain(|u| under(u.unit));
    Ok(split)
}

/// The period's figures and the same split by each dimension in turn (the
/// report's annex) — equal to `figures::report` and `figures::splits`.
pub async fn splits(
    store: &dyn Store,
    period: Period,
) -> Result<(Report, Units, Vec<(Dimension, Report)>), StoreError> {
    let units = Units::load(store).await?;
    let (report, splits) = reports_of(store, &units, period, &Dimension::ALL, &|_| true).await?;
    Ok((report, units, splits))
}

/// [`splits`] for `root` and the units under it (the others left out):
/// only the communes under it are read and computed.
pub async fn splits_under(
    store: &dyn Store,
    units: &Units,
    period: Period,
    root: &Unit,
) -> Result<(Report, Vec<(Dimension, Report)>), StoreError> {
    let under = kept::under(&units.history, root);
    let (mut report, mut splits) =
        reports_of(store, units, period, &Dimension::ALL, &under).await?;
    report.units.retain(|u| under(u.unit));
    for (_, split) in &mut splits {
        split.units.retain(|u| under(u.unit));
    }
    Ok((report, splits))
}

/// The figures from the kept counts, and a copy split by each dimension
/// from the kept groups, of the communes `within` accepts (by index in the
/// history; a unit above them sums only those).
async fn reports_of(
    store: &dyn Store,
    units: &Units,
    period: Period,
    dims: &[Dimension],
    within: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(Report, Vec<(Dimension, Report)>), StoreError> {
    let (communes, _) =
        kept::communes_within(store, &units.history, &units.index_of, period, within).await?;
    let groups = communes_groups(store, units, period, within).await?;
    let report = kept::report_from(store, units, period, &communes).await?;
    let reference = period.reference_date();
    let splits = dims
        .iter()
        .map(|&dim| {
            let d = Dimension::ALL.iter().position(|x| *x == dim).unwrap_or(0);
            let holding = groups.iter().map(|(c, g)| (*c, &g[d]));
            let sums = ind::sum_groups(&units.history, holding, reference);
            let mut split = report.clone();
            attach(&mut split, &sums);
            (dim, split)
        })
        .collect();
    Ok((report, splits))
}

/// Each commune valid on the reference date that holds a record with its
/// kept groups, the stale ones computed again and kept (only those
/// `within` accepts).
async fn communes_groups(
    store: &dyn Store,
    units: &Units,
    period: Period,
    within: &(dyn Fn(usize) -> bool + Sync),
) -> Result<HashMap<usize, Groups>, StoreError> {
    let (history, index_of) = (&units.history, &units.index_of);
    let code = code(period);
    let mut preimages = ind::preimages(history, period.reference_date());
    preimages.retain(|c, _| within(*c));
    let id_of = kept::ids_by_index(history, index_of);
    let plan = Plan {
        preimages: &preimages,
        id_of: &id_of,
    };
    let decode = |k: &KeptCommune| Some((k.holds, from_stored(k)?));
    let (mut current, stale, _only) = match plan.begin(store, &code, decode).await? {
        Found::Current(current, _) => (current, Vec::new(), None),
        Found::Stale(current, stale, only, _) => (current, stale, Some(only)),
    };
    let started = std::time::Instant::now();
    let pending: Vec<_> = stale
        .chunks(BATCH)
        .map(|batch| compute(store, history, index_of, &plan, period, batch))
        .collect();
    let mut loads = futures_util::stream::iter(pending).buffer_unordered(AT_ONCE);
    let mut rows = Vec::with_capacity(stale.len());
    while let Some(done) = loads.next().await {
        for (commune, groups, row) in done? {
            current.insert(commune, groups);
            rows.push(row);
        }
    }
    drop(loads);
    let computed = rows.len();
    plan.keep(store, &code, rows).await?;
    if computed > 0 {
        // Counts only: no name, no unit (the timing is what `scripts/` reads).
        tracing::debug!(
            communes = computed,
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "recomputed kept groups"
        );
    }
    Ok(current
        .into_iter()
        .filter(|(_, (holds, _))| *holds)
        .map(|(c, (_, groups))| (c, groups))
        .collect())
}

/// A batch of communes' groups computed from their own records: each
/// one's groups (and whether it holds a record) and the row they are kept
/// as.
async fn compute(
    store: &dyn Store,
    history: &UnitHistory,
    index_of: &HashMap<i64, usize>,
    plan: &Plan<'_>,
    period: Period,
    batch: &[Stale],
) -> Result<Vec<(usize, (bool, Groups), KeptCommune)>, StoreError> {
    let units = batch_units(plan, batch);
    let (loaded, rows) = tokio::join!(
        load_batch(store, index_of, plan, period, batch),
        store.child_groups_within(&units)
    );
    let (facts, child_ids) = loaded?;
    let groupings = groupings(&child_ids, rows?);
    let communes: Vec<usize> = batch.iter().map(|s| s.commune).collect();
    let by = [&groupings[0], &groupings[1], &groupings[2]];
    let counted = ind::commune_groups(history, &facts, period, &communes, &by);
    Ok(batch
        .iter()
        .zip(counted)
        .map(|(s, (holds, groups))| {
            let groups: Groups = groups.try_into().unwrap_or_default();
            // The row keeps the split indicators only; the groups are used
            // as computed, and only for those (`figures::attach`).
            let row = to_stored(plan.id_of[s.commune], s.stamp.clone(), holds, &groups);
            (s.commune, (holds, groups), row)
        })
        .collect())
}

/// Each fact child's group by each dimension (in the order of
/// `Dimension::ALL`) from the stored rows (a child not among them — merged
/// away, or living outside the batch — is unknown, as for the engine's
/// merged records; one living outside counts in no commune of the batch).
fn groupings(child_ids: &[i64], mut rows: Vec<ChildGroups>) -> [ind::Grouping; 3] {
    rows.sort_unstable_by_key(|r| r.0);
    let row = |id: &i64| {
        rows.binary_search_by_key(id, |r| r.0)
            .ok()
            .map(|at| &rows[at])
    };
    let of = |pick: fn(&ChildGroups) -> Option<&str>| {
        ind::Grouping::new(child_ids.iter().map(|id| row(id).and_then(pick)))
    };
    [
        of(|r| r.1.as_deref()),
        of(|r| r.2.as_deref()),
        of(|r| r.3.as_deref()),
    ]
}
