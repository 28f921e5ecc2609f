//! `treem report`: the plan's 6-month or annual report (shared/spec/cli.md)
//! from the same figures as `treem indicators` — a DOCX in the Vietnamese
//! administrative format ([`crate::report_docx`]) and, with `--xlsx`, an
//! annex of every indicator for every unit.

use std::path::Path;

use anyhow::{Context, bail};
use rust_xlsxwriter::{Format, Workbook};
use treem_domain::i18n::Lang;
use treem_domain::indicators::name_vi;
use treem_domain::units::UnitHistory;
use treem_web::indicator_report::{Report, UnitReport};

use crate::admin::progress_bar;
use crate::config::Config;
use crate::indicators::select;
use crate::report_docx;

pub async fn run(
    config: &Config,
    year: i32,
    half: Option<u8>,
    unit: Option<String>,
    out: &Path,
    xlsx: Option<&Path>,
) -> anyhow::Result<()> {
    let english = config.lang == Lang::En;
    check_target(out, "docx", english)?;
    if let Some(x) = xlsx {
        check_target(x, "xlsx", english)?;
    }
    let bar = progress_bar(None, "{spinner} {msg}");
    bar.set_message(if english {
        "computing the indicators…"
    } else {
        "đang tính các chỉ tiêu…"
    });
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let (rep, history) = select(config, year, half, unit).await?;
    let Some(root) = root_of(&rep, &history) else {
        bar.finish_and_clear();
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
    let docx = report_docx::document(&rep, root, today, xlsx.is_some())?;
    let annex = xlsx.map(|_| annex(&rep)).transpose()?;
    // Both files or neither: nothing is written until both are ready.
    write_new(out, &docx, english)?;
    if let (Some(path), Some(bytes)) = (xlsx, annex)
        && let Err(e) = write_new(path, &bytes, english)
    {
        let _ = std::fs::remove_file(out);
        return Err(e);
    }
    bar.finish_and_clear();
    let met = root
        .indicators
        .iter()
        .filter(|(_, f)| f.status == "met")
        .count();
    let with_data = root
        .indicators
        .iter()
        .filter(|(_, f)| f.status != "no_data")
        .count();
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

/// The report's own unit: the highest of those with figures (the province,
/// or the unit named by `--unit`).
pub fn root_of<'a>(rep: &'a Report, history: &UnitHistory) -> Option<&'a UnitReport> {
    rep.units
        .iter()
        .min_by_key(|u| history.ancestors(&history.all()[u.unit]).len())
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

/// The status of a figure in words.
pub fn status_vi(status: &str) -> &'static str {
    match status {
        "met" => "Đạt",
        "not_met" => "Chưa đạt",
        _ => "Chưa có số liệu",
    }
}

/// The level of a unit in words.
pub fn level_vi(level: &str) -> &'static str {
    match level {
        "province" => "Tỉnh",
        "district" => "Huyện",
        _ => "Xã",
    }
}

/// The annex: a sheet of rates (a row per unit, a column per indicator) and
/// a sheet of every figure with its numerator, denominator and target.
fn annex(rep: &Report) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let percent = Format::new().set_num_format("0.0");
    let rates = wb.add_worksheet();
    rates.set_name("Tỷ lệ (%)")?;
    for (c, h) in ["Mã", "Đơn vị", "Cấp"].iter().enumerate() {
        rates.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    rates.set_column_width(1, 28)?;
    if let Some(first) = rep.units.first() {
        for (i, (key, _)) in first.indicators.iter().enumerate() {
            let c = 3 + i as u16;
            rates.write_string_with_format(0, c, name_vi(key), &bold)?;
            rates.set_column_width(c, 16)?;
        }
    }
    rates.set_row_height(0, 90)?;
    for (r, u) in rep.units.iter().enumerate() {
        let r = r as u32 + 1;
        rates.write_string(r, 0, &u.code)?;
        rates.write_string(r, 1, &u.name)?;
        rates.write_string(r, 2, level_vi(u.level))?;
        for (i, (_, f)) in u.indicators.iter().enumerate() {
            // An indicator without a denominator is left empty, not 0.
            if let Some(v) = f.value {
                rates.write_number_with_format(r, 3 + i as u16, v, &percent)?;
            }
        }
    }
    let detail = wb.add_worksheet();
    detail.set_name("Chi tiết")?;
    let headers = [
        "Mã",
        "Đơn vị",
        "Cấp",
        "Chỉ tiêu",
        "Tử số",
        "Mẫu số",
        "Tỷ lệ (%)",
        "So sánh",
        "Mục tiêu (%)",
        "Đánh giá",
    ];
    for (c, h) in headers.iter().enumerate() {
        detail.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    detail.set_column_width(1, 28)?;
    detail.set_column_width(3, 60)?;
    let mut r = 1u32;
    for u in &rep.units {
        for (key, f) in &u.indicators {
            detail.write_string(r, 0, &u.code)?;
            detail.write_string(r, 1, &u.name)?;
            detail.write_string(r, 2, level_vi(u.level))?;
            detail.write_string(r, 3, name_vi(key))?;
            detail.write_number(r, 4, f.numerator as f64)?;
            detail.write_number(r, 5, f.denominator as f64)?;
            if let Some(v) = f.value {
                detail.write_number_with_format(r, 6, v, &percent)?;
            }
            detail.write_string(r, 7, f.comparison)?;
            if let Some(t) = f.target {
                detail.write_number(r, 8, t)?;
            }
            detail.write_string(r, 9, status_vi(f.status))?;
            r += 1;
        }
    }
    Ok(wb.save_to_buffer()?)
}
