//! `returns.csv` (docs/plan-files.md): the communes' values of the returns'
//! data elements, one row per (commune, period, element, sex), checked once
//! every file is read against the returns defined and where each return
//! stands — a submitted or approved return takes no value until the level
//! above unlocks it — and written in the import's transaction. A value far
//! from the same period a year earlier is a warning; the export writes
//! every stored value back.

use std::collections::HashMap;

use treem_domain::plan::progress::ReportPeriod;
use treem_domain::returns::{DataElement, Frequency, ValueKind, jumps, parse_value};
use treem_store::{ReturnWrite, Store};

use crate::context::Ctx;
use crate::job::{ImportError, Parsed};
use crate::plan_files::cells::PlanCells;
use crate::records::FieldError;
use crate::report::Problem;
use crate::spec::File;

/// A return's definition as the check needs it.
struct FormOf {
    code: String,
    frequency: Frequency,
}

/// Checks and writes the `returns.csv` rows kept by `read_file`.
pub(crate) async fn apply(
    ctx: &mut Ctx<'_>,
    store: &dyn Store,
    tx: &mut dyn treem_store::ImportTx,
) -> Result<(), ImportError> {
    let rows: Vec<_> = ctx
        .plan_rows
        .iter()
        .filter(|(f, _)| *f == File::Returns)
        .map(|(_, r)| (r.line, r.raw.clone(), r.parsed.clone()))
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let elements: Vec<DataElement> = store
        .data_elements()
        .await?
        .iter()
        .map(|e| DataElement {
            code: e.code.clone(),
            name_vi: e.name_vi.clone(),
            name_en: e.name_en.clone(),
            kind: ValueKind::from_code(&e.kind).unwrap_or(ValueKind::Whole),
            by_sex: e.by_sex,
            programme: e.programme.clone(),
        })
        .collect();
    // Each element's return: the first that asks for it.
    let mut form_of: HashMap<String, FormOf> = HashMap::new();
    for f in store.return_forms().await? {
        for e in &f.elements {
            form_of.entry(e.clone()).or_insert(FormOf {
                code: f.code.clone(),
                frequency: Frequency::from_code(&f.frequency).unwrap_or(Frequency::Yearly),
            });
        }
    }
    let mut statuses: HashMap<(String, String), HashMap<i64, String>> = HashMap::new();
    let mut stored: HashMap<(i64, String), HashMap<(String, String), f64>> = HashMap::new();
    let mut writes = Vec::new();
    let label = ctx.label(File::Returns);
    let header = ctx.headers.get(&File::Returns).cloned().unwrap_or_default();
    for (line, raw, parsed) in rows {
        let Parsed::Plan(cells) = parsed else {
            continue;
        };
        let checked = check(ctx, &cells, &elements, &form_of);
        let (unit, period, element, form) = match checked {
            Ok(c) => c,
            Err(errors) => {
                ctx.reject(File::Returns, &header, line, &raw, errors)?;
                continue;
            }
        };
        let key = (form.code.clone(), period.code());
        if let std::collections::hash_map::Entry::Vacant(slot) = statuses.entry(key.clone()) {
            let filings = store.return_filings(&key.0, &key.1).await?;
            slot.insert(filings.into_iter().map(|f| (f.unit_id, f.status)).collect());
        }
        let status = statuses.get(&key).and_then(|s| s.get(&unit)).cloned();
        if status.as_deref().is_some_and(|s| s != "draft") {
            let e = cells.error(
                "period",
                "báo cáo kỳ này của xã đã gửi hoặc đã duyệt: cấp trên mở lại trước khi nhập",
                "the commune's return for this period is submitted or approved: the level above unlocks it first",
            );
            ctx.reject(File::Returns, &header, line, &raw, vec![e])?;
            continue;
        }
        let value = match parse_value(element.kind, cells.get("value")) {
            Ok(Some(v)) => v,
            Ok(None) => {
                let e = cells.error("value", "bắt buộc, đang để trống", "is required but empty");
                ctx.reject(File::Returns, &header, line, &raw, vec![e])?;
                continue;
            }
            Err(refused) => {
                let e = crate::plan_files::cells::domain_error(&cells, "value", refused.0);
                ctx.reject(File::Returns, &header, line, &raw, vec![e])?;
                continue;
            }
        };
        let sex = cells.get("sex").to_string();
        let cell = (element.code.clone(), sex.clone());
        for p in [
            period,
            ReportPeriod {
                year: period.year - 1,
                half: period.half,
            },
        ] {
            if let std::collections::hash_map::Entry::Vacant(slot) = stored.entry((unit, p.code()))
            {
                let values = store.return_values(unit, &p.code()).await?;
                slot.insert(
                    values
                        .into_iter()
                        .map(|v| ((v.element, v.sex), v.value))
                        .collect(),
                );
            }
        }
        let before = stored
            .get(&(
                unit,
                ReportPeriod {
                    year: period.year - 1,
                    half: period.half,
                }
                .code(),
            ))
            .and_then(|v| v.get(&cell))
            .copied();
        if jumps(value, before) {
            ctx.report.warnings.push(Problem {
                file: label.clone(),
                line,
                column: "value".into(),
                value: cells.get("value").to_string(),
                message_vi: format!(
                    "chênh lệch lớn so với cùng kỳ năm trước ({}): đã lưu, hãy kiểm tra lại",
                    before.unwrap_or_default()
                ),
                message_en: format!(
                    "far from the same period last year ({}): stored, check it",
                    before.unwrap_or_default()
                ),
            });
        }
        let now = stored.entry((unit, period.code())).or_default();
        let same = now.get(&cell) == Some(&value);
        if let Some(fr) = ctx.report.files.iter_mut().find(|f| f.file == label) {
            if same {
                fr.unchanged += 1;
            } else {
                fr.written += 1;
            }
        }
        if !same {
            now.insert(cell, value);
            writes.push(ReturnWrite {
                unit_id: unit,
                form: form.code.clone(),
                period: period.code(),
                element: element.code.clone(),
                sex,
                value,
            });
        }
    }
    let failed = ctx.report.problem_count() > 0 && !ctx.opts.partial;
    if !failed && !writes.is_empty() {
        tx.write_returns(&writes, &ctx.opts.actor).await?;
    }
    Ok(())
}

/// A row's commune (in scope, existing at the period's end), period (one
/// its return is filed for, begun), element and sex.
fn check<'a>(
    ctx: &Ctx<'_>,
    cells: &PlanCells,
    elements: &'a [DataElement],
    form_of: &'a HashMap<String, FormOf>,
) -> Result<(i64, ReportPeriod, &'a DataElement, &'a FormOf), Vec<FieldError>> {
    let mut errors = Vec::new();
    if ctx.opts.agency.is_some() {
        errors.push(cells.error(
            "",
            "tài khoản làm việc cho một cơ quan không nhập báo cáo số liệu của xã",
            "an account that works for an agency does not import a commune's returns",
        ));
        return Err(errors);
    }
    let period = ReportPeriod::parse(cells.get("period"));
    if period.is_none() {
        errors.push(cells.error(
            "period",
            "kỳ báo cáo: 2025h1 (6 tháng đầu năm) hoặc 2025 (cả năm)",
            "the period: 2025h1 (first half) or 2025 (the year)",
        ));
    }
    let unit = period.and_then(|p| {
        ctx.commune("unit_code", cells.get("unit_code"), p.last_day())
            .map_err(|e| errors.push(e))
            .ok()
    });
    let element = elements.iter().find(|e| e.code == cells.get("element"));
    let form = element.and_then(|e| form_of.get(&e.code));
    match (element, form) {
        (None, _) => errors.push(cells.error(
            "element",
            "không có số liệu nào mang mã này",
            "no data element has this code",
        )),
        (Some(_), None) => errors.push(cells.error(
            "element",
            "số liệu này không thuộc báo cáo nào",
            "this data element is in no return",
        )),
        _ => {}
    }
    if let Some(e) = element {
        let sex = cells.get("sex");
        let ok = if e.by_sex {
            sex == "F" || sex == "M"
        } else {
            sex.is_empty()
        };
        if !ok {
            let (vi, en) = if e.by_sex {
                (
                    "số liệu này ghi riêng cho nữ (F) và nam (M)",
                    "this element is filed for girls (F) and boys (M)",
                )
            } else {
                (
                    "số liệu này không chia theo giới tính: để trống",
                    "this element is not split by sex: leave it empty",
                )
            };
            errors.push(cells.error("sex", vi, en));
        }
    }
    if let (Some(p), Some(f)) = (period, form) {
        if !f.frequency.files(p) {
            errors.push(cells.error(
                "period",
                "báo cáo này không có kỳ 6 tháng",
                "this return has no half-year period",
            ));
        } else if p.first_day() > ctx.opts.today {
            errors.push(cells.error("period", "kỳ này chưa bắt đầu", "this period has not begun"));
        }
    }
    match (unit, period, element, form) {
        (Some(u), Some(p), Some(e), Some(f)) if errors.is_empty() => Ok((u, p, e, f)),
        _ => Err(errors),
    }
}

/// The rows of `returns.csv` for an export, the header first.
pub(crate) async fn export_rows(
    store: &dyn Store,
    units: &crate::units::Units,
) -> Result<Vec<Vec<String>>, treem_store::StoreError> {
    let mut rows = vec![
        File::Returns
            .columns()
            .iter()
            .map(|c| c.name.to_string())
            .collect::<Vec<_>>(),
    ];
    for v in store.all_return_values().await? {
        let code = units
            .by_id(v.unit_id)
            .map(|u| u.code.clone())
            .unwrap_or_default();
        rows.push(vec![code, v.period, v.element, v.sex, v.value.to_string()]);
    }
    Ok(rows)
}
