//! `treem ids export` and `treem ids import`: the ID verification round
//! with the commune police (issue 21) from the command line.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::clock::vn_today;
use treem_interchange::ids::{read_returned, write_list};
use treem_interchange::ids_round::{check, guide, line_of, list, store_checked};
use treem_store::Scope;

use crate::admin::open;
use crate::config::Config;

/// `treem ids export --unit CODE [--village V] --out FILE.xlsx`.
pub async fn export(
    config: &Config,
    unit: &str,
    village: Option<&str>,
    out: &Path,
) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} đã có: không ghi đè / already exists", out.display());
    }
    let store = open(config).await?;
    let today = vn_today();
    let index = treem_web::UnitIndex::new(store.units().await?);
    let Some(found) = index.history.resolve(unit, today) else {
        bail!("không có đơn vị mã {unit} vào ngày {today} / no unit {unit} today");
    };
    let name = found.name.clone();
    let ids = treem_domain::scope::scope_units(&index.history, unit, today)
        .into_iter()
        .filter_map(|u| index.id_of(u))
        .collect();
    let listed = list(store.as_ref(), &Scope::Units(ids), village, today).await?;
    let lines: Vec<_> = listed.iter().map(|l| line_of(l, &name)).collect();
    let bytes = write_list(&guide(&name, today), &lines)?;
    std::fs::write(out, bytes).with_context(|| format!("không ghi được {}", out.display()))?;
    store
        .audit(
            AuditEvent::system("cli", "ids_list_exported", "unit", unit)
                .with_detail(format!("{} children", lines.len())),
        )
        .await?;
    println!(
        "Đã ghi {} trẻ em cần đối chiếu số định danh ({name}) vào {}.",
        lines.len(),
        out.display()
    );
    Ok(())
}

/// `treem ids import FILE.xlsx --verified-by "Công an xã …" --on DATE`.
pub async fn import(config: &Config, file: &Path, by: &str, on: &str) -> anyhow::Result<()> {
    let by = treem_domain::text::nfc(by.trim());
    let length = by.chars().count();
    if !(5..=200).contains(&length) || treem_domain::text::forbidden_char(&by).is_some() {
        bail!("--verified-by: ghi rõ cơ quan xác thực (5–200 ký tự, ví dụ «Công an xã Bản Bo»)");
    }
    let by = by.as_str();
    let on = NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(on.trim(), "%d/%m/%Y"))
        .with_context(|| format!("--on: «{on}» không phải ngày (YYYY-MM-DD hoặc dd/mm/yyyy)"))?;
    let bytes =
        std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))?;
    let lines = read_returned(&bytes)?;
    let store = open(config).await?;
    match check(store.as_ref(), &Scope::All, &lines, on, vn_today()).await? {
        Err(problems) => {
            for p in &problems {
                if p.line == 0 {
                    eprintln!("{}", p.vi);
                } else {
                    eprintln!("dòng {}, cột «{}»: {}", p.line, p.column, p.vi);
                }
            }
            bail!(
                "{} lỗi: chưa lưu gì. Sửa tệp (hoặc xử lý hồ sơ được nêu) rồi nhập lại.",
                problems.len()
            );
        }
        Ok(checked) => {
            let audit = AuditEvent::system("cli", "ids_imported", "children", "");
            let changed = store_checked(store.as_ref(), &checked, by, on, audit).await?;
            println!(
                "Đã lưu kết quả đối chiếu của {by} ngày {}: {} khớp, {} đã sửa thông tin, {} không tìm thấy; {changed} số định danh được cập nhật.",
                on.format("%d/%m/%Y"),
                checked.matched,
                checked.corrected,
                checked.not_found
            );
            if !checked.differences.is_empty() {
                println!(
                    "{} thông tin khác với hồ sơ (công an đã sửa); hồ sơ chưa đổi — sửa từng thông tin trên trang hồ sơ trẻ em nếu đồng ý (nhập tệp trên trang «Số định danh» để chấp nhận từng thông tin):",
                    checked.differences.len()
                );
                for d in &checked.differences {
                    println!(
                        "  {} · {}: «{}» → «{}»",
                        d.child_code, d.field, d.on_record, d.returned
                    );
                }
            }
            Ok(())
        }
    }
}
