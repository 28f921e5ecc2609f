//! The demo district is data an office could have: exported, it imports
//! back into an empty installation without an error and exports the same
//! again. Large enough to reach the demo's typing errors (misplaced decimal
//! points both ways), small enough for the suite.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use treem_interchange::export::{Target, export};
use treem_interchange::{DataSet, Options, Quiet, import};
use treem_store::Store;
use treem_web::shell::bootstrap;

async fn export_to(store: &dyn Store, dir: &Path) -> BTreeMap<String, String> {
    let today = treem_domain::clock::vn_today();
    export(store, &Target::Folder(dir.to_path_buf()), today, &Quiet)
        .await
        .unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_name().unwrap().to_string_lossy().to_string(), text)
        })
        .collect()
}

#[tokio::test]
async fn a_demo_district_exports_and_imports_back_whole() {
    let a = treem_store::testing::sqlite().await.unwrap();
    bootstrap::ensure_units(a.store.as_ref()).await.unwrap();
    bootstrap::load_demo(a.store.as_ref(), 3000, 3, &|_| {})
        .await
        .unwrap();
    let dir = treem_store::testing::temp_dir().unwrap();
    let first = export_to(a.store.as_ref(), &dir.0.join("1")).await;
    assert!(!first.values().any(|t| t.contains('\0')));

    let b = treem_store::testing::sqlite().await.unwrap();
    bootstrap::ensure_units(b.store.as_ref()).await.unwrap();
    // The returns' definitions, as every start stores them.
    treem_store::ensure_return_seed(b.store.as_ref())
        .await
        .unwrap();
    let data = DataSet::open(&dir.0.join("1")).unwrap();
    let opts = Options::operator("test", treem_domain::clock::vn_today());
    let report = import(b.store.as_ref(), &data, &opts, &Quiet)
        .await
        .unwrap();
    assert_eq!(report.problem_count(), 0, "{:?}", report.problems);
    let second = export_to(b.store.as_ref(), &dir.0.join("2")).await;
    for (name, text) in &first {
        if name != "manifest.csv" {
            assert!(second[name] == *text, "{name} differs after the round trip");
        }
    }
}
