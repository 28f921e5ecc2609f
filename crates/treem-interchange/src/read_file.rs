//! Reading one file of a data set: its header, the encoding of each column,
//! every row normalised and checked, checked rows handed to the writer.

use std::collections::HashMap;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::context::Ctx;
use crate::job::{ImportError, Parsed, Pending, Progress, fingerprint};
use crate::legacy::{self, Detector, Legacy};
use crate::records::{self, Cells, FieldError};
use crate::report::{Conversion, FileReport, Problem};
use crate::source::DataSet;
use crate::spec::{ColumnMap, File};

/// Rows checked before they are stored together.
const FLUSH_ROWS: usize = 2000;

/// Finds the columns of a file written in an old encoding (a first pass
/// over the file).
async fn detect(data: &DataSet, file: File) -> Result<Vec<Option<Legacy>>, ImportError> {
    let mut rx = data.legacy_candidates(file);
    let mut map: Option<ColumnMap> = None;
    let n = file.columns().len();
    let mut detectors = vec![Detector::default(); n];
    while let Some(batch) = rx.recv().await {
        for row in batch? {
            let Some(m) = &map else {
                map = Some(ColumnMap::new(file, &row.cells));
                continue;
            };
            for (i, pos) in m.positions.iter().enumerate() {
                if let Some(v) = pos.and_then(|p| row.cells.get(p)) {
                    detectors[i].add(v);
                }
            }
        }
    }
    Ok(detectors.iter().map(Detector::verdict).collect())
}

/// The cells of a row in the file's column order: converted from an old
/// encoding where the column is one, NFC, trimmed, the export's formula
/// prefix removed; with the fields that are too long.
fn normalise(
    file: File,
    map: &ColumnMap,
    verdicts: &[Option<Legacy>],
    converted: &mut [u64],
    restored: &mut [u64],
    raw: &[String],
) -> (Vec<String>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let cells = file
        .columns()
        .iter()
        .enumerate()
        .map(|(i, col)| {
            let Some(v) = map.positions[i].and_then(|p| raw.get(p)) else {
                return String::new();
            };
            let v: std::borrow::Cow<'_, str> = match verdicts[i].and_then(|l| legacy::convert(l, v))
            {
                Some(c) => {
                    converted[i] += 1;
                    c.into()
                }
                // Most cells are ASCII or already NFC: no copy for them.
                None if unicode_normalization::is_nfc_quick(v.chars())
                    == unicode_normalization::IsNormalized::Yes =>
                {
                    v.as_str().into()
                }
                None => v.nfc().collect::<String>().into(),
            };
            let v = v.trim();
            let v = if col.text {
                crate::cell::unescape(v)
            } else {
                v
            };
            if let Some(whole) = leading_zeros(col.name, v) {
                restored[i] += 1;
                return whole;
            }
            if v.chars().count() > treem_domain::child_input::MAX_FIELD_CHARS {
                errors.push(FieldError {
                    column: col.name,
                    value: v.chars().take(40).collect::<String>() + "…",
                    vi: format!(
                        "dài quá {} ký tự",
                        treem_domain::child_input::MAX_FIELD_CHARS
                    ),
                    en: format!(
                        "longer than {} characters",
                        treem_domain::child_input::MAX_FIELD_CHARS
                    ),
                });
            }
            v.to_string()
        })
        .collect();
    (cells, errors)
}

/// A personal ID number a spreadsheet stored as a number has lost its
/// leading zero: every one has twelve digits, the first a 0 (province codes
/// 001–096), so eleven digits get it back (counted in the report). Commune
/// codes are given theirs when they are resolved (`Units::commune`).
fn leading_zeros(column: &str, v: &str) -> Option<String> {
    let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    (column == "national_id" && digits && v.len() == 11).then(|| format!("0{v}"))
}

pub(crate) async fn read_file(
    ctx: &mut Ctx<'_>,
    data: &DataSet,
    file: File,
    progress: &dyn Progress,
) -> Result<(), ImportError> {
    let label = ctx.label(file);
    ctx.report.files.push(FileReport {
        file: label.clone(),
        ..FileReport::default()
    });
    let verdicts = detect(data, file).await?;
    let mut converted = vec![0u64; verdicts.len()];
    let mut restored = vec![0u64; verdicts.len()];
    progress.start(&label);
    let mut rx = data.rows(file);
    let mut header: Option<(Vec<String>, ColumnMap)> = None;
    let mut keys: HashMap<u128, (u128, u64)> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::with_capacity(FLUSH_ROWS);
    while let Some(batch) = rx.recv().await {
        let batch = batch?;
        progress.advance(batch.len() as u64);
        for raw in batch {
            let Some((head, map)) = &header else {
                let map = ColumnMap::new(file, &raw.cells);
                if !check_header(ctx, file, &map) {
                    // Without its required columns the file is not read; its
                    // rows count as rejected.
                    let mut rest = 0;
                    while let Some(b) = rx.recv().await {
                        rest += b?.len() as u64;
                    }
                    if let Some(fr) = ctx.report.files.last_mut() {
                        fr.rejected = rest;
                        fr.rows = rest;
                    }
                    progress.finish();
                    return Ok(());
                }
                ctx.headers.insert(file, raw.cells.clone());
                header = Some((raw.cells, map));
                continue;
            };
            if let Some(fr) = ctx.report.files.last_mut() {
                fr.rows += 1;
            }
            if raw.too_long {
                let e = FieldError {
                    column: "",
                    value: String::new(),
                    vi: format!(
                        "dòng quá dài (quá {} byte) hoặc quá nhiều cột",
                        crate::source::MAX_ROW_BYTES
                    ),
                    en: format!(
                        "row too long (over {} bytes) or too many columns",
                        crate::source::MAX_ROW_BYTES
                    ),
                };
                ctx.reject(file, head, raw.line, &raw.cells, vec![e])?;
                continue;
            }
            let (cells, mut errors) = normalise(
                file,
                map,
                &verdicts,
                &mut converted,
                &mut restored,
                &raw.cells,
            );
            // More cells than the header has columns: most often a comma in
            // a value that was not quoted, which shifts every later column.
            if raw
                .cells
                .iter()
                .skip(head.len())
                .any(|c| !c.trim().is_empty())
            {
                errors.push(FieldError {
                    column: "",
                    value: String::new(),
                    vi: format!(
                        "dòng có {} ô, nhiều hơn {} cột của dòng tiêu đề (dấu phẩy trong một giá trị không có ngoặc kép?)",
                        raw.cells.len(),
                        head.len()
                    ),
                    en: format!(
                        "the row has {} cells, more than the header's {} columns (a comma in an unquoted value?)",
                        raw.cells.len(),
                        head.len()
                    ),
                });
            }
            let parsed = if errors.is_empty() {
                parse(ctx, file, &cells)
            } else {
                Err(std::mem::take(&mut errors))
            };
            let parsed = parsed.and_then(|p| {
                let (key, value) = p.key_and_value();
                match keys.get(&key) {
                    None => {
                        keys.insert(key, (value, raw.line));
                        Ok(Some(p))
                    }
                    // The same row again once read: nothing more to store.
                    Some((v, _)) if *v == value => Ok(None),
                    Some((_, first)) => Err(vec![FieldError {
                        column: file.columns()[0].name,
                        value: cells[0].clone(),
                        vi: format!("trùng khoá với dòng {first} nhưng khác nội dung"),
                        en: format!("same key as line {first} with different values"),
                    }]),
                }
            });
            match parsed {
                Ok(Some(p)) => {
                    ctx.note_child(raw.line, &p);
                    if let Parsed::Measurement(m) = &p {
                        beyond_limits(ctx, &label, raw.line, &m.measured, &cells);
                    }
                    let row = Pending {
                        line: raw.line,
                        raw: raw.cells,
                        parsed: p,
                    };
                    if file.checked_later() && ctx.plan_rows.len() >= crate::plan_files::MAX_ROWS {
                        let e = FieldError {
                            column: "",
                            value: String::new(),
                            vi: format!(
                                "quá {} dòng kế hoạch trong một bộ dữ liệu: hãy chia theo đơn vị",
                                crate::plan_files::MAX_ROWS
                            ),
                            en: format!(
                                "over {} plan rows in one data set: split it by unit",
                                crate::plan_files::MAX_ROWS
                            ),
                        };
                        ctx.reject(file, head, row.line, &row.raw, vec![e])?;
                    } else if file.checked_later() {
                        ctx.plan_rows.push((file, row));
                    } else {
                        pending.push(row);
                    }
                }
                Ok(None) => {}
                Err(errors) => {
                    if file == File::Children {
                        ctx.children_rejected.insert(fingerprint(&cells[0]));
                    }
                    if file == File::Schools {
                        ctx.schools_rejected.insert(fingerprint(&cells[0]));
                    }
                    ctx.reject(file, head, raw.line, &raw.cells, errors)?;
                }
            }
            if pending.len() >= FLUSH_ROWS {
                ctx.send(file, std::mem::take(&mut pending)).await?;
            }
        }
    }
    ctx.send(file, pending).await?;
    for (i, n) in restored.iter().enumerate().filter(|(_, n)| **n > 0) {
        ctx.report.conversions.push(Conversion {
            file: label.clone(),
            column: file.columns()[i].name.to_string(),
            encoding: "số 0 đầu được khôi phục / leading zeros restored",
            values: *n,
        });
    }
    for (i, n) in converted.iter().enumerate() {
        if let (Some(l), true) = (verdicts[i], *n > 0) {
            ctx.report.conversions.push(Conversion {
                file: label.clone(),
                column: file.columns()[i].name.to_string(),
                encoding: l.name(),
                values: *n,
            });
        }
    }
    progress.finish();
    Ok(())
}

/// A measured value beyond the physical limits: stored as given, listed as
/// a warning with its place so the source can be corrected (the
/// interchange contract).
fn beyond_limits(
    ctx: &mut Ctx<'_>,
    label: &str,
    line: u64,
    m: &treem_domain::nutrition::Measured,
    values: &[String],
) {
    use treem_domain::anthro::{HEIGHT_CM, WEIGHT_KG, within};
    let cells = Cells {
        file: File::Measurements,
        values,
    };
    for (column, value, (lo, hi), unit) in [
        ("weight_kg", m.weight_kg, WEIGHT_KG, "kg"),
        ("height_cm", m.height_cm, HEIGHT_CM, "cm"),
    ] {
        if value.is_some_and(|v| !within(v, (lo, hi))) {
            let (lo_vi, hi_vi) = (
                lo.to_string().replace('.', ","),
                hi.to_string().replace('.', ","),
            );
            ctx.report.warnings.push(Problem {
                file: label.to_string(),
                line,
                column: column.to_string(),
                value: cells.get(column).to_string(),
                message_vi: format!(
                    "ngoài giới hạn thường gặp {lo_vi}–{hi_vi} {unit}: đã lưu như trong tệp, chỉ số Z bị gắn cờ nếu không hợp lý; kiểm tra lại nguồn"
                ),
                message_en: format!(
                    "outside the usual limits {lo}–{hi} {unit}: stored as given, z-scores flagged where implausible; check the source"
                ),
            });
        }
    }
}

/// Checks a header: a missing required column is an error (the file is not
/// read), an unknown or repeated one a warning.
fn check_header(ctx: &mut Ctx<'_>, file: File, map: &ColumnMap) -> bool {
    let label = ctx.label(file);
    for h in &map.unknown {
        ctx.report.warnings.push(Problem {
            file: label.clone(),
            line: 1,
            column: h.clone(),
            value: String::new(),
            message_vi: "cột không thuộc định dạng, bỏ qua".into(),
            message_en: "unknown column, ignored".into(),
        });
    }
    for h in &map.repeated {
        ctx.report.warnings.push(Problem {
            file: label.clone(),
            line: 1,
            column: h.clone(),
            value: String::new(),
            message_vi: "cột lặp lại; dùng cột đầu tiên".into(),
            message_en: "repeated column; the first is used".into(),
        });
    }
    for c in &map.missing {
        ctx.report.push(Problem {
            file: label.clone(),
            line: 1,
            column: c.to_string(),
            value: String::new(),
            message_vi: "thiếu cột bắt buộc".into(),
            message_en: "required column missing".into(),
        });
    }
    map.missing.is_empty()
}

fn parse(ctx: &Ctx<'_>, file: File, values: &[String]) -> Result<Parsed, Vec<FieldError>> {
    let cells = Cells { file, values };
    let today = ctx.opts.today;
    // The commune is resolved even when other fields fail, so that every
    // problem of the row is reported at once.
    let commune = |on: Option<NaiveDate>| -> Result<i64, Vec<FieldError>> {
        let code = cells.get("commune_code");
        match on {
            Some(on) if !code.is_empty() => {
                ctx.commune("commune_code", code, on).map_err(|e| vec![e])
            }
            _ => Err(Vec::new()),
        }
    };
    fn both<T, U>(
        a: Result<T, Vec<FieldError>>,
        b: Result<U, Vec<FieldError>>,
    ) -> Result<(T, U), Vec<FieldError>> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (a, b) => {
                let mut errors = a.err().unwrap_or_default();
                errors.extend(b.err().unwrap_or_default());
                Err(errors)
            }
        }
    }
    Ok(match file {
        File::Manifest => return Err(Vec::new()),
        File::Children => {
            let (c, unit) = both(records::child(&cells, today), commune(Some(ctx.as_of)))?;
            Parsed::Child(Box::new(treem_store::NewChild::new(c, unit)))
        }
        File::Measurements => Parsed::Measurement(records::measurement(&cells, today)?),
        File::Enrolments => Parsed::Enrolment(records::enrolment(&cells, today)?),
        File::Schools => {
            let (s, unit) = both(records::school(&cells, today), commune(Some(ctx.as_of)))?;
            Parsed::School(s, unit)
        }
        File::CommuneAssessments => {
            let year = crate::cell::integer(cells.get("year"))
                .and_then(|y| NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, 12, 31));
            let (a, unit) = both(records::assessment(&cells, today), commune(year))?;
            Parsed::Assessment(a, unit)
        }
        File::Disasters => {
            let on = crate::cell::date(cells.get("occurred_on"));
            let (d, unit) = both(records::disaster(&cells, today), commune(on))?;
            Parsed::Disaster(d, unit)
        }
        File::Participation => Parsed::Participation(records::participation(&cells, today)?),
        File::Cases => Parsed::Case(records::case(&cells, today)?),
        File::Agencies
        | File::PlanTasks
        | File::Progress
        | File::Supervisions
        | File::Recommendations
        | File::Returns => Parsed::Plan(crate::plan_files::cells::PlanCells::read(file, values)),
    })
}
