//! `treem report`: the plan's 6-month or annual report (shared/spec/cli.md)
//! from the same figures as `treem indicators` — a DOCX in the Vietnamese
//! administrative format ([`treem_web::reports::docx`]) and, with `--xlsx`, an
//! annex of every indicator for every unit.

use std::path::Path;

use anyhow::{Context, bail};
use indicatif::ProgressFinish;
use treem_domain::i18n::Lang;
use treem_web::reports::annex::annex;
use treem_web::reports::docx::{self, root_of};

use crate::admin::progress_bar;
use crate::cli::PeriodArgs;
use crate::config::Config;
use crate::indicators::select;

pub async fn run(
    config: &Config,
    period: PeriodArgs,
    out: &Path,
    xlsx: Option<&Path>,
    signer: Option<String>,
) -> anyhow::Result<()> {
    let english = config.lang == Lang::En;
    check_target(out, "docx", english)?;
    if let Some(x) = xlsx {
        check_target(x, "xlsx", english)?;
    }
    // Cleared however the command ends (an error included).
    let bar = progress_bar(None, "{spinner} {msg}").with_finish(ProgressFinish::AndClear);
    bar.set_message(if english {
        "computing the indicators…"
    } else {
        "đang tính các chỉ tiêu…"
    });
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    // The splits by groups of children: section III's gaps, and the annex.
    let (rep, history, splits) = select(config, period, true).await?;
    let Some(root) = root_of(&rep, &history) else {
        bail!(if english {
            "no unit has figures for this period"
        } else {
            "không có đơn vị nào có số liệu cho kỳ này"
        });
    };
    bar.set_message(if english {
        "writing the report…"
    } else {
        "đang viết báo cáo…"
    });
    let today = treem_domain::clock::vn_today();
    // The sections the unit's officers wrote for this period, if any.
    let unit = &history.all()[root.unit];
    let store = crate::admin::open(config).await?;
    let id = store
        .units()
        .await?
        .into_iter()
        .find(|s| s.unit.code == unit.code && s.unit.valid_from == unit.valid_from)
        .map(|s| s.id);
    let drafts = docx::drafts_of(store.as_ref(), id, rep.period).await?;
    let mut doc = docx::ReportDoc::new(&rep, root, &history, today);
    doc.drafts = drafts;
    let index = treem_web::UnitIndex::new(store.units().await?);
    doc.facts =
        treem_web::reports::facts::gather(store.as_ref(), &index, unit, rep.period, &rep).await?;
    doc.gaps = treem_web::reports::gap_lines::lines(&splits, &unit.code);
    doc.with_annex = xlsx.is_some();
    doc.signer = signer;
    let docx = docx::document(&doc)?;
    let annex = match xlsx {
        Some(_) => {
            // How complete the link to the population database is, today.
            let ids = treem_domain::scope::scope_units(
                &index.history,
                &unit.code,
                rep.period.reference_date(),
            )
            .into_iter()
            .filter_map(|u| index.id_of(u))
            .collect();
            let (rows, total) = treem_web::ids::link_rows_of(
                store.as_ref(),
                &index,
                &treem_store::Scope::Units(ids),
                today,
            )
            .await?;
            let link = treem_web::reports::annex::Link {
                rows,
                total,
                on: today,
            };
            Some(annex(&rep, &splits, Some(&link))?)
        }
        None => None,
    };
    // Both files or neither: nothing is written until both are ready.
    write_new(out, &docx, english)?;
    if let (Some(path), Some(bytes)) = (xlsx, annex)
        && let Err(e) = write_new(path, &bytes, english)
    {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    drop(bar);
    let (met, with_data) = root.tally();
    println!(
        "{}",
        if english {
            format!(
                "Wrote the report of {} ({} units): {met} of {with_data} indicators with data met.",
                root.name,
                rep.units.len()
            )
        } else {
            format!(
                "Đã viết báo cáo của {} ({} đơn vị): đạt {met}/{with_data} chỉ tiêu có số liệu.",
                root.name,
                rep.units.len()
            )
        }
    );
    Ok(())
}

/// A report never replaces a file, and is written where it can be.
fn check_target(path: &Path, extension: &str, english: bool) -> anyhow::Result<()> {
    let shown = path.display();
    if path.extension().and_then(|e| e.to_str()) != Some(extension) {
        bail!(if english {
            format!("{shown}: the file name must end in .{extension}")
        } else {
            format!("{shown}: tên tệp phải có đuôi .{extension}")
        });
    }
    if path.exists() {
        bail!(if english {
            format!("{shown} already exists; choose another name")
        } else {
            format!("{shown} đã có; hãy chọn tên khác")
        });
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    if folder.is_some_and(|f| !f.is_dir()) {
        bail!(if english {
            format!("{shown}: the folder does not exist")
        } else {
            format!("{shown}: thư mục không tồn tại")
        });
    }
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8], english: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            if english {
                format!("cannot create {}", path.display())
            } else {
                format!("không tạo được {}", path.display())
            }
        })?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
