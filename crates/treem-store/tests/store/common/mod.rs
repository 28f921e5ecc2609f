//! What the contract suites share: fresh data, the audit check, and the
//! macro that runs a suite on both backends.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use treem_domain::access::Role;
use treem_domain::audit::{AuditEvent, ChainVerifier};
use treem_domain::child::Child;
use treem_domain::demo;
use treem_domain::unit_file::{LAI_CHAU_UNITS, merge_units, parse_unit_file};
use treem_domain::units::UnitHistory;
use treem_store::{NewAccount, Store};

pub fn ev(action: &str) -> AuditEvent {
    AuditEvent::system("test", action, "test", "1")
}

pub async fn load_units(store: &Arc<dyn Store>) {
    let units = parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap();
    let merge = merge_units(&[], units).unwrap();
    store
        .apply_unit_merge(&merge, ev("units_loaded"))
        .await
        .unwrap();
}

pub fn account(name: &str) -> NewAccount {
    NewAccount {
        username: name.into(),
        display_name: "Lò Thị Lập".into(),
        role: Role::Commune,
        scope_code: "03424".into(),
        password_hash: "$argon2id$fake".into(),
        must_change_password: true,
        commune_chair: false,
    }
}

pub async fn verify_chain(store: &Arc<dyn Store>) -> Result<i64, String> {
    let mut v = ChainVerifier::default();
    let mut after = 0;
    loop {
        let batch = store
            .audit_chain(after, 100)
            .await
            .map_err(|e| e.to_string())?;
        if batch.is_empty() {
            return Ok(v.checked());
        }
        for e in &batch {
            v.check(e).map_err(|e| e.to_string())?;
            after = e.seq;
        }
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let db = treem_store::testing::sqlite().await.unwrap();
                super::$name(db.store.clone()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                if let Some(db) = treem_store::testing::postgres(stringify!($name)).await.unwrap() {
                    super::$name(db.store.clone()).await;
                }
            })*
        }
    };
}

/// Loads the units and `n` children of a seeded demo district, each under
/// its unit version; returns the rows inserted and their ids, in order.
pub async fn demo_children(
    store: &Arc<dyn Store>,
    n: usize,
    seed: u64,
) -> (Vec<(Child, i64)>, Vec<i64>) {
    load_units(store).await;
    let stored = store.units().await.unwrap();
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    let rows: Vec<(Child, i64)> = demo::generate(&history, n, seed)
        .children
        .iter()
        .map(|c| {
            let u = history.resolve(&c.child.commune_code, c.as_of).unwrap();
            (
                c.child.clone(),
                stored.iter().find(|s| &s.unit == u).unwrap().id,
            )
        })
        .collect();
    let ids = store
        .insert_children(&rows, ev("demo_loaded"))
        .await
        .unwrap();
    (rows, ids)
}
