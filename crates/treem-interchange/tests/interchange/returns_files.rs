//! `returns.csv` on SQLite and PostgreSQL: the communes' values imported,
//! again unchanged, exported and imported into another database alike;
//! bad rows located; a submitted return takes no value; scope held to.

use std::future::Future;

use crate::common;
use common::*;
use treem_interchange::Quiet;
use treem_interchange::export::{Target, export};
use treem_store::testing::TestDb;
use treem_store::{FilingKey, Store};

const RETURNS: &str = "Mã xã,Kỳ báo cáo,Mã số liệu,Giới tính,Giá trị
03390,2026h1,INJ_ALL,Nữ,4
03390,2026h1,INJ_ALL,M,2
03390,2026h1,U5_DEATH_DISEASE,,1
03390,2025,ORPHAN_ONE,F,3
";

async fn unit_id(store: &dyn Store, code: &str) -> i64 {
    store
        .units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.unit.code == code)
        .max_by_key(|u| u.unit.valid_from)
        .unwrap()
        .id
}

async fn values(store: &dyn Store, period: &str) -> Vec<(String, String, f64)> {
    let unit = unit_id(store, "03390").await;
    store
        .return_values(unit, period)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.element, v.sex, v.value))
        .collect()
}

async fn a_communes_values_import_and_export_back<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_return_seed(db.store.as_ref())
        .await
        .unwrap();
    let set = folder(&[("returns", RETURNS)]);
    let r = run(&db.store, set.path(), &options()).await;
    assert_clean(&r);
    assert_eq!((r.files[0].written, r.files[0].unchanged), (4, 0));
    assert_eq!(
        values(db.store.as_ref(), "2026h1").await,
        vec![
            ("INJ_ALL".into(), "F".into(), 4.0),
            ("INJ_ALL".into(), "M".into(), 2.0),
            ("U5_DEATH_DISEASE".into(), "".into(), 1.0),
        ]
    );
    let again = run(&db.store, set.path(), &options()).await;
    assert_clean(&again);
    assert_eq!((again.files[0].written, again.files[0].unchanged), (0, 4));
    // The import left each return a draft, its step kept.
    let unit = unit_id(db.store.as_ref(), "03390").await;
    let key = FilingKey {
        unit_id: unit,
        form: "BC_6THANG",
        period: "2026h1",
    };
    let steps = db.store.return_steps(key).await.unwrap();
    assert_eq!(steps[0].step, "imported");

    let out = tempfile::tempdir().unwrap();
    let e = export(
        db.store.as_ref(),
        &Target::Folder(out.path().join("ds")),
        today(),
        &Quiet,
    )
    .await
    .unwrap();
    assert_eq!(e.rows.iter().find(|(f, _)| *f == "returns").unwrap().1, 4);
    let Some(other) = open("b").await else { return };
    treem_store::ensure_return_seed(other.store.as_ref())
        .await
        .unwrap();
    assert_clean(&run(&other.store, &out.path().join("ds"), &options()).await);
    assert_eq!(
        values(other.store.as_ref(), "2025").await,
        vec![("ORPHAN_ONE".into(), "F".into(), 3.0)]
    );
}

async fn bad_rows_and_locked_returns_are_refused<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    treem_store::ensure_return_seed(db.store.as_ref())
        .await
        .unwrap();
    let bad = "unit_code,period,element,sex,value
03390,2026h1,NO_SUCH,F,1
03390,2026h1,INJ_ALL,,1
03390,2026h1,U5_DEATH_DISEASE,F,1
03390,2026h1,ORPHAN_ONE,F,1
03390,2027,INJ_ALL,F,1
03390,2026h1,INJ_DROWN,F,ba
99999,2026h1,INJ_DROWN,F,1
";
    let r = run(&db.store, folder(&[("returns", bad)]).path(), &options()).await;
    assert!(!r.stored);
    let at = |line: u64, column: &str| {
        assert!(
            r.problems
                .iter()
                .any(|p| p.line == line && p.column == column),
            "line {line} {column}:\n{}",
            r.render(true)
        );
    };
    at(2, "element");
    at(3, "sex");
    at(4, "sex");
    at(5, "period");
    at(6, "period");
    at(7, "value");
    at(8, "unit_code");
    // A submitted return takes no value until it is unlocked.
    assert_clean(
        &run(
            &db.store,
            folder(&[("returns", RETURNS)]).path(),
            &options(),
        )
        .await,
    );
    let unit = unit_id(db.store.as_ref(), "03390").await;
    let key = FilingKey {
        unit_id: unit,
        form: "BC_6THANG",
        period: "2026h1",
    };
    let ev = treem_domain::audit::AuditEvent::system("test", "return_submitted", "return", "");
    assert!(
        db.store
            .step_return(key, "draft", "submitted", "submitted", "", ev)
            .await
            .unwrap()
    );
    let changed = RETURNS.replace("INJ_ALL,Nữ,4", "INJ_ALL,Nữ,5");
    let r = run(
        &db.store,
        folder(&[("returns", &changed)]).path(),
        &options(),
    )
    .await;
    assert!(!r.stored);
    assert!(
        r.problems
            .iter()
            .any(|p| p.line == 2 && p.message_en.contains("unlocks it first"))
    );
    // Outside the importer's scope.
    let mut other = options();
    other.scope = Some(
        [unit_id(db.store.as_ref(), "03394").await]
            .into_iter()
            .collect(),
    );
    let r = run(&db.store, folder(&[("returns", RETURNS)]).path(), &other).await;
    assert!(!r.stored);
    assert!(
        r.problems.iter().all(|p| p.column == "unit_code"),
        "{}",
        r.render(true)
    );
}

on_both!(
    a_communes_values_import_and_export_back,
    bad_rows_and_locked_returns_are_refused,
);
