//! The ID link's figure on the dashboard (issue 21) kept per commune like
//! the indicators (`kept`), under the period `ids-DAY`.

use std::collections::HashMap;

use futures_util::StreamExt;
use treem_domain::indicators as ind;
use treem_store::{KeptCommune, Store, StoreError};

use super::kept::{AT_ONCE, Found, Marks, Plan, Units, batch_units, ids_by_index};

/// Communes counted by one read: each a few thousand children read in its
/// own index range.
const BATCH: usize = 16;

/// How complete the ID link is in each commune in force on `today` (the
/// children born after `born_after` — under 16 — with a verified number,
/// with a number not verified, with none), as `(stored id of the commune,
/// …)` for the communes with such children. Kept per commune like the
/// figures (counted today, so kept for today only) and computed again
/// where a record changed; with the marks they are all current at (as
/// [`communes`]). Only the communes `within` accepts (by index in the
/// history) are read and computed.
pub async fn link_counts(
    store: &dyn Store,
    units: &Units,
    today: chrono::NaiveDate,
    born_after: chrono::NaiveDate,
    within: &(dyn Fn(usize) -> bool + Sync),
) -> Result<(Vec<(i64, i64, i64, i64)>, Option<Marks>), StoreError> {
    let (history, index_of) = (&units.history, &units.index_of);
    let code = format!("ids-{today}");
    let mut preimages = ind::preimages(history, today);
    preimages.retain(|c, _| within(*c));
    let id_of = ids_by_index(history, index_of);
    let plan = Plan {
        preimages: &preimages,
        id_of: &id_of,
    };
    // (stored id, holds a child, the three counts)
    let decode = |k: &KeptCommune| {
        let counts: [i64; 3] = k.counts.as_slice().try_into().ok()?;
        Some((k.unit_id, k.holds, counts))
    };
    let (mut current, stale, _only, marks) = match plan.begin(store, &code, decode).await? {
        Found::Current(current, marks) => (current, Vec::new(), None, marks),
        Found::Stale(current, stale, only, marks) => (current, stale, Some(only), Some(marks)),
    };
    let mut rows = Vec::with_capacity(stale.len());
    let (preimages, id_of, plan) = (&preimages, &id_of, &plan);
    let pending: Vec<_> = stale
        .chunks(BATCH)
        .map(|batch| async move {
            let units = batch_units(plan, batch);
            let counts = store.link_counts_within(&units, born_after).await?;
            Ok::<_, StoreError>((batch, counts))
        })
        .collect();
    // A new batch starts as soon as one ends, as the figures' loads.
    let mut loads = futures_util::stream::iter(pending).buffer_unordered(AT_ONCE);
    while let Some(done) = loads.next().await {
        let (batch, counts) = done?;
        let counts: HashMap<i64, [i64; 3]> = counts
            .into_iter()
            .map(|(u, v, n, none)| (u, [v, n, none]))
            .collect();
        for s in batch {
            let mut sum = [0i64; 3];
            for u in preimages.get(&s.commune).into_iter().flatten() {
                if let Some(c) = counts.get(&id_of[*u]) {
                    for (t, c) in sum.iter_mut().zip(c) {
                        *t += c;
                    }
                }
            }
            let row = KeptCommune {
                unit_id: id_of[s.commune],
                stamp: s.stamp.clone(),
                holds: sum.iter().any(|c| *c > 0),
                counts: sum.to_vec(),
                groups: Vec::new(),
            };
            current.insert(s.commune, (row.unit_id, row.holds, sum));
            rows.push(row);
        }
    }
    plan.keep(store, &code, rows).await?;
    let mut out: Vec<(i64, i64, i64, i64)> = current
        .into_values()
        .filter(|(_, holds, _)| *holds)
        .map(|(id, _, [v, n, none])| (id, v, n, none))
        .collect();
    out.sort_unstable();
    Ok((out, marks))
}
