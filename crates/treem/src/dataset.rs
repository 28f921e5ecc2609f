//! `treem import` and `treem export`: data sets of interchange format v1.

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use treem_domain::clock::vn_today;
use treem_domain::i18n::Lang;
use treem_interchange::export::{Target, export};
use treem_interchange::{DataSet, Options, Progress, import};

use crate::admin::{open, progress_bar};
use crate::config::Config;

/// A spinner per file with rows per second (hidden when stderr is not a
/// terminal). With `TREEM_TIMINGS` set, each file's time is printed on
/// stderr (for the benchmarks in docs/performance.md).
struct Bar {
    english: bool,
    current: Mutex<Option<(ProgressBar, String, std::time::Instant)>>,
}

impl Bar {
    fn new(english: bool) -> Self {
        Bar {
            english,
            current: Mutex::new(None),
        }
    }
}

impl Progress for Bar {
    fn start(&self, file: &str) {
        let template = if self.english {
            "{spinner} {prefix} {pos} rows · {per_sec}"
        } else {
            "{spinner} {prefix} {pos} dòng · {per_sec}"
        };
        let b = progress_bar(None, template);
        b.set_prefix(file.to_string());
        if let Ok(mut slot) = self.current.lock() {
            *slot = Some((b, file.to_string(), std::time::Instant::now()));
        }
    }

    fn advance(&self, rows: u64) {
        if let Ok(slot) = self.current.lock()
            && let Some((b, _, _)) = slot.as_ref()
        {
            b.inc(rows);
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.current.lock()
            && let Some((b, file, started)) = slot.take()
        {
            b.finish_and_clear();
            if std::env::var_os("TREEM_TIMINGS").is_some() {
                eprintln!("{file}: {:.1} s", started.elapsed().as_secs_f64());
            }
        }
    }
}

/// `treem import PATH [--partial] [--as-of DATE] [--check]`.
pub async fn run_import(
    config: &Config,
    path: &Path,
    partial: bool,
    as_of: Option<String>,
    check_only: bool,
) -> anyhow::Result<()> {
    let english = config.lang == Lang::En;
    let as_of = match as_of {
        Some(s) => Some(treem_interchange::cell::date(&s).with_context(|| {
            if english {
                format!("--as-of {s}: not a date (YYYY-MM-DD)")
            } else {
                format!("--as-of {s}: không phải ngày (YYYY-MM-DD)")
            }
        })?),
        None => None,
    };
    let data = DataSet::open(path)?;
    let store = open(config).await?;
    let workbook = !path.is_dir()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let reject_dir = {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".rejects");
        path.with_file_name(name)
    };
    let opts = Options {
        as_of,
        partial,
        check_only,
        actor: "cli".into(),
        agency: None,
        actor_id: None,
        scope: None,
        today: vn_today(),
        reject_dir: Some(reject_dir.clone()),
        workbook,
    };
    let report = import(store.as_ref(), &data, &opts, &Bar::new(english)).await?;
    let text = report.render(english);
    if report.problem_count() == 0 {
        print!("{text}");
        return Ok(());
    }
    eprint!("{text}");
    if partial && report.stored {
        std::fs::write(reject_dir.join("report.txt"), &text)?;
        eprintln!(
            "{} {}",
            if english {
                "Rejected rows and the report:"
            } else {
                "Các dòng bị từ chối và báo cáo:"
            },
            reject_dir.display()
        );
    }
    bail!(if english {
        "the data set has errors"
    } else {
        "bộ dữ liệu có lỗi"
    })
}

/// `treem export PATH [--xlsx]`.
pub async fn run_export(config: &Config, path: &Path, xlsx: bool) -> anyhow::Result<()> {
    let english = config.lang == Lang::En;
    let store = open(config).await?;
    let target = if xlsx {
        Target::Workbook(path.to_path_buf())
    } else {
        Target::Folder(path.to_path_buf())
    };
    let done = export(store.as_ref(), &target, vn_today(), &Bar::new(english)).await?;
    // Every record left the system: that is a read to remember.
    let rows: u64 = done.rows.iter().map(|(_, n)| n).sum();
    let audit = treem_domain::audit::AuditEvent::system("cli", "dataset.export", "dataset", "")
        .with_detail(format!("{rows} rows"));
    store.audit(audit).await?;
    if let Some(d) = done.as_of {
        println!("as_of: {}", d.format("%Y-%m-%d"));
    }
    for (file, n) in done.rows {
        println!("{file}: {n} {}", if english { "rows" } else { "dòng" });
    }
    Ok(())
}
