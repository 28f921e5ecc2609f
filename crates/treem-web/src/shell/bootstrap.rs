//! First start: the shipped unit list, the administrator, the demo district.
//! Shared by `treem serve`, `treem demo` and the tests.

use std::collections::HashMap;

use treem_domain::access::Role;
use treem_domain::audit::AuditEvent;
use treem_domain::child::Sex;
use treem_domain::demo;
use treem_domain::nutrition::assess;
use treem_domain::unit_file::{LAI_CHAU_UNITS, merge_units, parse_unit_file};
use treem_domain::units::UnitHistory;
use treem_growth::Sex as GrowthSex;
use treem_store::{MeasuredRow, NewAccount, Store, StoreResult, ZRecord};

use crate::auth::password;
use crate::{AppError, UnitIndex};

/// Loads the shipped unit list when the store has none. Returns whether it did.
pub async fn ensure_units(store: &dyn Store) -> Result<bool, AppError> {
    if !store.units().await?.is_empty() {
        return Ok(false);
    }
    let units = parse_unit_file(LAI_CHAU_UNITS.as_bytes())
        .and_then(|u| merge_units(&[], u))
        .map_err(|e| AppError::Internal(format!("shipped unit file: {} errors", e.len())))?;
    let audit = AuditEvent::system("system", "units_loaded", "unit_file", "shipped")
        .with_detail(format!("added {}", units.added.len()));
    store.apply_unit_merge(&units, audit).await?;
    Ok(true)
}

/// Creates the administrator `admin` with a one-time password when there is
/// no account yet; returns that password (to print once).
pub async fn ensure_admin(store: &dyn Store) -> Result<Option<String>, AppError> {
    if !store.accounts().await?.is_empty() {
        return Ok(None);
    }
    let one_time = password::one_time_password();
    let new = NewAccount {
        username: "admin".into(),
        display_name: "Quản trị viên".into(),
        role: Role::Admin,
        scope_code: "12".into(),
        password_hash: password::hash(one_time.clone()).await?,
        must_change_password: true,
        commune_chair: false,
    };
    store
        .create_account(
            &new,
            AuditEvent::system("system", "account_created", "account", ""),
        )
        .await?;
    Ok(Some(one_time))
}

/// How many children one demo transaction stores.
const DEMO_BATCH: usize = 5_000;

/// Loads a generated demo district when the store holds no child yet,
/// calling `progress` with the number stored so far after each batch.
/// Returns how many children were loaded (0 when skipped).
pub async fn load_demo(
    store: &dyn Store,
    children: usize,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> StoreResult<u64> {
    if store.count_children(&treem_store::Scope::All).await? > 0 {
        return Ok(0);
    }
    let index = UnitIndex::new(store.units().await?);
    let history: &UnitHistory = &index.history;
    let district = demo::generate(history, children, seed);
    let mut unit_ids: HashMap<(String, chrono::NaiveDate), i64> = HashMap::new();
    let mut rows = Vec::with_capacity(district.children.len());
    // For each generated child, its position among the stored rows.
    let mut kept: Vec<Option<usize>> = Vec::with_capacity(district.children.len());
    for c in &district.children {
        let key = (c.child.commune_code.clone(), c.as_of);
        let id = match unit_ids.get(&key) {
            Some(id) => *id,
            None => {
                let Some(id) = history.resolve(&key.0, key.1).and_then(|u| index.id_of(u)) else {
                    kept.push(None);
                    continue;
                };
                unit_ids.insert(key, id);
                id
            }
        };
        kept.push(Some(rows.len()));
        rows.push((c.child.clone(), id));
    }
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for batch in rows.chunks(DEMO_BATCH) {
        let audit =
            AuditEvent::system("system", "demo_loaded", "children", &format!("seed {seed}"));
        ids.extend(store.insert_children(batch, audit).await?);
        progress(ids.len() as u64);
    }
    // Children whose commune did not resolve were skipped: map generated
    // indexes to stored ids through the kept ones.
    let measurements: Vec<(i64, MeasuredRow, ZRecord)> = district
        .measurements
        .iter()
        .filter_map(|(i, m)| {
            let stored = ids.get(kept.get(*i).copied().flatten()?)?;
            let child = &district.children.get(*i)?.child;
            let sex = if child.sex == Sex::Female {
                GrowthSex::Female
            } else {
                GrowthSex::Male
            };
            let assessed = assess(sex, child.date_of_birth, m);
            Some((
                *stored,
                MeasuredRow::from_measured(m),
                ZRecord::from_assessed(&assessed),
            ))
        })
        .collect();
    for batch in measurements.chunks(DEMO_BATCH) {
        let audit = AuditEvent::system(
            "system",
            "demo_loaded",
            "measurements",
            &format!("seed {seed}"),
        );
        store.insert_measurements(batch, audit).await?;
    }
    load_demo_facts(store, history, &district, seed).await?;
    crate::plans::derive::load_demo_plans(store, &index).await?;
    crate::returns::demo::load_demo_returns(store, &index, treem_domain::clock::vn_today()).await?;
    Ok(ids.len() as u64)
}

/// Schools, enrolments, participation, assessments, disasters and cases of
/// the demo district, imported as data sets (one per side of the reform)
/// through the same importer as a district's own files.
async fn load_demo_facts(
    store: &dyn Store,
    history: &UnitHistory,
    district: &demo::DemoDistrict,
    seed: u64,
) -> StoreResult<()> {
    use treem_interchange::{DataSet, Options, Quiet, import};
    for set in treem_domain::demo_facts::facts(history, district, seed) {
        let data = DataSet::from_tables(set.files)
            .map_err(|e| treem_store::StoreError::Corrupt(format!("demo facts: {e}")))?;
        let opts = Options {
            as_of: Some(set.as_of),
            partial: false,
            check_only: false,
            actor: "system".into(),
            agency: None,
            actor_id: None,
            scope: None,
            today: demo::anchor_date().max(treem_domain::clock::vn_today()),
            reject_dir: None,
            workbook: false,
        };
        let report = import(store, &data, &opts, &Quiet)
            .await
            .map_err(|e| match e {
                treem_interchange::ImportError::Store(e) => e,
                e => treem_store::StoreError::Corrupt(format!("demo facts: {e}")),
            })?;
        if let Some(p) = report.problems.first() {
            // The generator makes valid rows; a rejection is a bug to see.
            return Err(treem_store::StoreError::Corrupt(format!(
                "demo facts rejected: {} line {} {}: {}",
                p.file, p.line, p.column, p.message_en
            )));
        }
    }
    Ok(())
}

/// Loads the seed plan when it is not there yet (see
/// `treem_store::ensure_seed_plan`), and the returns' data elements when
/// none is defined; returns whether the plan was loaded.
pub async fn ensure_seed_plan(store: &dyn Store) -> Result<bool, AppError> {
    treem_store::ensure_return_seed(store).await?;
    Ok(treem_store::ensure_seed_plan(store).await?)
}
