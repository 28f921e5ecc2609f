//! One rule for a measured value wherever it comes from: beyond the
//! physical limits (a decimal slip, weight and height swapped) it is a
//! warning with its place, and the row is stored as given; only what cannot
//! be a measurement (not a number, zero, negative) is an error. On SQLite
//! and PostgreSQL.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::future::Future;

use common::*;
use treem_store::testing::TestDb;
use treem_store::{ExportFile, Value};

const CHILDREN: &str = "child_id,full_name,sex,date_of_birth,commune_code\n\
                        L1,Lò Thị Một,F,2023-01-10,03424\n\
                        L2,Lò Văn Hai,M,2022-06-01,03424\n";

async fn slips_are_stored_and_listed<F>(open: Open<F>)
where
    F: Future<Output = Option<TestDb>>,
{
    let Some(db) = open("a").await else { return };
    // 6,6 cm (for 66) and 950 kg (for 9,50): warnings; the weight of the
    // first row is not lost with its height.
    let measurements = "child_id,measured_on,weight_kg,height_cm,position\n\
                        L1,2024-12-01,\"7,9\",\"6,6\",lying\n\
                        L2,2024-12-01,950,84,standing\n";
    let dir = folder(&[
        ("manifest", MANIFEST),
        ("children", CHILDREN),
        ("measurements", measurements),
    ]);
    let r = run(&db.store, dir.path(), &options()).await;
    assert_clean(&r);
    let warned: Vec<(u64, &str, &str)> = r
        .warnings
        .iter()
        .filter(|w| w.file == "measurements.csv")
        .map(|w| (w.line, w.column.as_str(), w.value.as_str()))
        .collect();
    assert_eq!(
        warned,
        vec![(2, "height_cm", "6,6"), (3, "weight_kg", "950")]
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message_vi.contains("20–250 cm"))
    );
    let stored = rows(&db.store, ExportFile::Measurements).await;
    assert_eq!(stored.len(), 2, "{stored:?}");
    let all: Vec<String> = stored.iter().flatten().map(value_text).collect();
    assert!(
        all.iter().any(|v| v == "6.6") && all.iter().any(|v| v == "950"),
        "{all:?}"
    );
    assert!(
        all.iter().any(|v| v == "7.9"),
        "the weight beside the slip is kept"
    );

    // Zero, negative, not a number: errors, nothing stored.
    let bad = "child_id,measured_on,weight_kg,height_cm\n\
               L1,2025-01-05,0,70\n\
               L1,2025-01-06,-8,70\n\
               L1,2025-01-07,tám,70\n";
    let dir = folder(&[("manifest", MANIFEST), ("measurements", bad)]);
    let r = run(&db.store, dir.path(), &options()).await;
    assert!(!r.stored);
    assert_eq!(r.problem_count(), 3, "{:?}", r.problems);
    assert!(r.problems[0].message_en.contains("positive number"));
    assert!(r.problems[2].message_en.contains("not a number"));
    assert_eq!(rows(&db.store, ExportFile::Measurements).await.len(), 2);
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Real(Some(x)) => x.to_string(),
        Value::Int(Some(n)) => n.to_string(),
        Value::Text(Some(s)) => s.clone(),
        other => format!("{other:?}"),
    }
}

on_both!(slips_are_stored_and_listed);
