//! Shared helpers of the import tests: databases of both backends with the
//! Lai Châu units, and data sets written to temporary folders.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::units::{LAI_CHAU_UNITS, merge_units, parse_unit_file};
use treem_interchange::{DataSet, Options, Quiet, Report, import};
use treem_store::{ExportFile, Store};

pub async fn with_units(db: &Arc<dyn Store>) {
    let units = parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap();
    let merge = merge_units(&[], units).unwrap();
    db.apply_unit_merge(&merge, AuditEvent::system("test", "units", "units", ""))
        .await
        .unwrap();
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

pub fn options() -> Options {
    Options {
        as_of: None,
        partial: false,
        check_only: false,
        actor: "test".into(),
        actor_id: None,
        scope: None,
        today: today(),
        reject_dir: None,
        workbook: false,
    }
}

/// A data set folder with these files (name without `.csv`, content).
pub fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(format!("{name}.csv")), content).unwrap();
    }
    dir
}

pub async fn run(db: &Arc<dyn Store>, path: &Path, opts: &Options) -> Report {
    let data = DataSet::open(path).unwrap();
    import(db.as_ref(), &data, opts, &Quiet).await.unwrap()
}

/// Every stored row of a file, as values.
pub async fn rows(db: &Arc<dyn Store>, file: ExportFile) -> Vec<Vec<treem_store::Value>> {
    db.export_page(file, 0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

/// The files of an exported folder, by name.
pub fn read_folder(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p: PathBuf = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// Runs a test body on SQLite, and on PostgreSQL when configured (each
/// body gets a function that opens a fresh database).
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(|_tag: &'static str| async {
                    let db = treem_store::testing::sqlite().await.unwrap();
                    $crate::common::with_units(&db.store).await;
                    Some(db)
                }).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name(|tag: &'static str| async move {
                    let name = format!("{}_{}", stringify!($name), tag);
                    let db = treem_store::testing::postgres(&name).await.unwrap()?;
                    $crate::common::with_units(&db.store).await;
                    Some(db)
                }).await;
            })*
        }
    };
}
