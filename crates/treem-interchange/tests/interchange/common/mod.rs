//! Shared helpers of the import tests: databases of both backends with the
//! Lai Châu units, and data sets written to temporary folders.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// Each test crate uses a part of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::unit_file::{LAI_CHAU_UNITS, merge_units, parse_unit_file};
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
    Options::operator("test", today())
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

// The data set most tests start from: every file, Vietnamese and English
// headers, the spellings the contract allows.

pub const MANIFEST: &str = "as_of,source\n2025-03-01,Phòng LĐTBXH\n";

pub const CHILDREN: &str = "\u{feff}Mã trẻ,HO VA TEN,Giới tính,Ngày sinh,Dân tộc,Mã xã,\"Thôn, bản\",Đã đăng ký khai sinh,Hoàn cảnh đặc biệt,Số điện thoại,Cột lạ
C1,Lò Thị Lập,Nữ,3/4/2021,Thái,03424,Bản Bo,có,a;b,'+84912345678,x
C2,Nguyễn Văn An,1,2019-12-31,01,03390,,x,,,
C3,\"Hà \"\"Bé\"\" Na\",F,01/06/2012,Mông,03394,\"Thôn\nMới\",no,,,
";

pub const SCHOOLS: &str =
    "school_code,name,level,commune_code,year,sanitation_standard,psych_support
S1,Trường Tiểu học Bản Bo,tiểu học,03424,2024,đạt,không
S2,Trường Mầm non Bình Lư,mầm non,03390,2024,yes,1
";

pub const MEASUREMENTS: &str = "child_id,measured_on,weight_kg,height_cm,position,oedema
C1,01/12/2023,\"10,5\",82.4,nằm,
C2,2024-06-01,15.2,,,không
";

pub const ENROLMENTS: &str = "child_id,school_year,school_code,level,grade,status
C3,2024-2025,S1,primary,5,hoàn thành
C2,2024-2025,S2,mầm non,,đang học
";

pub const ASSESSMENTS: &str = "commune_code,year,child_friendly,play_spot
03424,2024,yes,no
03424,2025,có,có
";

pub const DISASTERS: &str =
    "event_id,commune_code,occurred_on,kind,children_affected,children_supported_timely
E1,03424,2025-08-02,Lũ quét,40,38
E1,03390,2025-08-02,Lũ quét,12,12
";

pub const PARTICIPATION: &str = "child_id,date,kind,note
C3,2024-11-20,diễn đàn,Diễn đàn trẻ em huyện
C3,2024-11-20,awareness,
";

pub const CASES: &str = "case_id,child_id,reported_on,harm_type,intervention_started_on,closed_on
K1,C3,2025-02-10,bạo lực,2025-02-10,
";

pub fn full() -> tempfile::TempDir {
    folder(&[
        ("manifest", MANIFEST),
        ("children", CHILDREN),
        ("schools", SCHOOLS),
        ("measurements", MEASUREMENTS),
        ("enrolments", ENROLMENTS),
        ("commune_assessments", ASSESSMENTS),
        ("disasters", DISASTERS),
        ("participation", PARTICIPATION),
        ("cases", CASES),
    ])
}

pub fn assert_clean(r: &Report) {
    assert!(r.problems.is_empty(), "{}", r.render(true));
    assert!(r.stored, "{}", r.render(true));
}

pub type Open<F> = fn(&'static str) -> F;
