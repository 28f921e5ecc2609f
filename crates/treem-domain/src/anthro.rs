//! Anthropometry files: reading a measurement row into the WHO method's
//! input (parse at the edge, with located errors), and `treem zscore`'s
//! file-to-file computation.

use std::io::{Read, Write};

use chrono::NaiveDate;
use treem_growth::{Measurement, Position, Sex, Z, ZScores, zscores};

use crate::text::fold;

/// Why a row could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{column}: {message_vi} / {message_en}")]
pub struct FieldError {
    pub column: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

fn bad(column: &'static str, value: &str, vi: &str, en: &str) -> FieldError {
    FieldError {
        column,
        message_vi: format!("«{value}» {vi}"),
        message_en: format!("'{value}' {en}"),
    }
}

/// Reads a sex: `1`/`2`, `M`/`F`, `male`/`female`, `Nam`/`Nữ`, and the
/// words officers write for children, `Trai`/`Gái` (also `bé trai`…).
pub fn parse_sex(s: &str) -> Option<Sex> {
    match fold(s).as_str() {
        "1" | "m" | "male" | "nam" | "trai" | "be trai" | "con trai" => Some(Sex::Male),
        "2" | "f" | "female" | "nu" | "gai" | "be gai" | "con gai" => Some(Sex::Female),
        _ => None,
    }
}

/// The physical limits of a measurement, the same everywhere it is typed
/// or imported (the form, a data set, the village app): beyond them a value
/// is probably a slip (95 for 9,5; weight and height swapped). It is a
/// **warning**, never an error: the form asks to confirm it, an import
/// stores it and lists it, WHO's flags decide which z-scores count (the
/// interchange contract). Only what cannot be a measurement — not a
/// number, zero or negative — is an error.
pub const WEIGHT_KG: (f64, f64) = (0.2, 200.0);
pub const HEIGHT_CM: (f64, f64) = (20.0, 250.0);
pub const HEAD_CM: (f64, f64) = (20.0, 70.0);

/// Whether a value is within limits (both included).
pub fn within(value: f64, limits: (f64, f64)) -> bool {
    (limits.0..=limits.1).contains(&value)
}

/// A measured value as typed: a positive number (`,` or `.` for the
/// decimal mark), or `None`.
pub fn parse_measure(s: &str) -> Option<f64> {
    parse_decimal(s).filter(|v| *v > 0.0 && v.is_finite())
}

/// Reads a date: `YYYY-MM-DD`, `DD/MM/YYYY` or `D/M/YYYY` (never guessed:
/// `03/04/2020` is 3 April).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|_| s.len() >= 8)
}

/// Reads a decimal with `.` or `,` as the decimal mark.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let t = s.trim().replace(',', ".");
    if t.is_empty()
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A position text that is neither lying nor standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownPosition;

/// Reads a position: `lying`/`l`/`nằm`, `standing`/`h`/`s`/`đứng`; empty is
/// unknown.
pub fn parse_position(s: &str) -> Result<Option<Position>, UnknownPosition> {
    match fold(s).as_str() {
        "" => Ok(None),
        "lying" | "l" | "nam" | "recumbent" => Ok(Some(Position::Lying)),
        "standing" | "h" | "s" | "dung" => Ok(Some(Position::Standing)),
        _ => Err(UnknownPosition),
    }
}

/// Reads a yes/no value; empty is no.
pub fn parse_yes_no(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "" | "n" | "no" | "0" | "false" | "khong" => Some(false),
        "y" | "yes" | "1" | "true" | "co" | "x" => Some(true),
        _ => None,
    }
}

/// The raw text of the recognised columns of one row.
#[derive(Debug, Default, Clone, Copy)]
pub struct RowText<'a> {
    pub sex: &'a str,
    pub date_of_birth: &'a str,
    pub measured_on: &'a str,
    pub weight_kg: &'a str,
    pub height_cm: &'a str,
    pub position: &'a str,
    pub oedema: &'a str,
    pub head_cm: &'a str,
}

fn measure(column: &'static str, text: &str) -> Result<Option<f64>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    // A negative measure cannot be read; zero can, and WHO computes
    // nothing from it (method rule 11), so it is passed on as it is.
    match parse_decimal(text) {
        Some(x) if x >= 0.0 => Ok(Some(x)),
        Some(_) => Err(bad(column, text, "không được âm", "must not be negative")),
        None => Err(bad(column, text, "không phải là số", "is not a number")),
    }
}

fn date(column: &'static str, text: &str) -> Result<Option<NaiveDate>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_date(text).map(Some).ok_or_else(|| {
        bad(
            column,
            text,
            "không phải ngày hợp lệ",
            "is not a valid date",
        )
    })
}

/// Reads a row into the method's input. An empty date of birth or of
/// measurement means the age is unknown (WHO still computes what it can).
pub fn read_row(r: &RowText<'_>) -> Result<Measurement, FieldError> {
    let sex = parse_sex(r.sex).ok_or_else(|| {
        bad(
            "sex",
            r.sex,
            "không phải giới tính (1/2, M/F, Nam/Nữ)",
            "is not a sex (1/2, M/F)",
        )
    })?;
    let born = date("date_of_birth", r.date_of_birth)?;
    let measured = date("date_of_measurement", r.measured_on)?;
    let age_days = match (born, measured) {
        (Some(b), Some(m)) if m < b => {
            return Err(bad(
                "date_of_measurement",
                r.measured_on,
                "trước ngày sinh",
                "is before the date of birth",
            ));
        }
        (Some(b), Some(m)) => Some((m - b).num_days()),
        _ => None,
    };
    let position = parse_position(r.position).map_err(|_| {
        bad(
            "measured",
            r.position,
            "phải là lying hoặc standing",
            "must be lying or standing",
        )
    })?;
    let oedema = parse_yes_no(r.oedema)
        .ok_or_else(|| bad("oedema", r.oedema, "phải là y hoặc n", "must be y or n"))?;
    Ok(Measurement {
        sex,
        age_days,
        weight_kg: measure("weight_kg", r.weight_kg)?,
        length_cm: measure("height_cm", r.height_cm)?,
        position,
        oedema,
        head_cm: measure("head_cm", r.head_cm)?,
    })
}

/// The output columns `treem zscore` appends.
pub const OUTPUT_COLUMNS: [&str; 13] = [
    "age_days",
    "clen_cm",
    "c9mo_flag",
    "waz",
    "f_waz",
    "haz",
    "f_haz",
    "whz",
    "f_whz",
    "baz",
    "f_baz",
    "hcz",
    "f_hcz",
];

fn z_text(z: Option<Z>) -> [String; 2] {
    match z {
        Some(z) => {
            // Never print "-0.00".
            let v = if z.value == 0.0 { 0.0 } else { z.value };
            [
                format!("{v:.2}"),
                if z.flagged { "1" } else { "0" }.to_string(),
            ]
        }
        None => [String::new(), String::new()],
    }
}

/// A length as WHO's output shows it: up to three decimals, no trailing zeros.
fn length_text(cm: f64) -> String {
    let s = format!("{cm:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The 13 output cells for a row (all empty for a row that was not read).
pub fn output_cells(m: Option<&Measurement>, z: &ZScores) -> [String; 13] {
    let Some(m) = m else {
        return Default::default();
    };
    let [waz, f_waz] = z_text(z.waz);
    let [haz, f_haz] = z_text(z.haz);
    let [whz, f_whz] = z_text(z.whz);
    let [baz, f_baz] = z_text(z.baz);
    let [hcz, f_hcz] = z_text(z.hcz);
    [
        m.age_days.map(|a| a.to_string()).unwrap_or_default(),
        z.clen_cm.map(length_text).unwrap_or_default(),
        if z.c9mo_flag { "1" } else { "0" }.to_string(),
        waz,
        f_waz,
        haz,
        f_haz,
        whz,
        f_whz,
        baz,
        f_baz,
        hcz,
        f_hcz,
    ]
}

/// A row of the input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line of the file where the row starts (the header is line 1).
    pub line: u64,
    pub error: FieldError,
}

/// What a file run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileSummary {
    pub rows: u64,
    pub errors: Vec<RowError>,
}

/// Why a whole file could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("tệp thiếu cột bắt buộc «{0}» / missing required column '{0}'")]
    MissingColumn(&'static str),
    #[error("tệp CSV không đọc được: {0} / unreadable CSV")]
    Csv(#[from] csv::Error),
    #[error("không ghi được tệp kết quả: {0} / cannot write the output")]
    Io(#[from] std::io::Error),
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.contains(&h.as_str()))
}

/// Computes z-scores for every row of a CSV file, copying the input columns
/// and appending [`OUTPUT_COLUMNS`]. Rows that cannot be read keep empty
/// outputs and are listed in the summary. `progress` is called every 65,536
/// rows with the count so far.
pub fn zscore_file(
    input: impl Read,
    output: impl Write,
    progress: &mut dyn FnMut(u64),
) -> Result<FileSummary, FileError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let mut writer = csv::Writer::from_writer(output);
    let raw_header = reader.headers()?.clone();
    let header: Vec<String> = raw_header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let col = |names: &[&str]| find(&header, names);
    let sex = col(&["sex"]).ok_or(FileError::MissingColumn("sex"))?;
    let dob = col(&["date_of_birth"]);
    let dom = col(&["date_of_measurement", "measured_on"]);
    let weight = col(&["weight_kg"]);
    let height = col(&["height_cm"]);
    let position = col(&["measured", "position"]);
    let oedema = col(&["oedema"]);
    let head = col(&["head_cm"]);
    let mut out_header: Vec<&str> = raw_header.iter().collect();
    if let Some(first) = out_header.first_mut() {
        *first = first.trim_start_matches('\u{feff}');
    }
    out_header.extend(OUTPUT_COLUMNS);
    writer.write_record(&out_header)?;
    let mut summary = FileSummary::default();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let text = RowText {
            sex: get(Some(sex)),
            date_of_birth: get(dob),
            measured_on: get(dom),
            weight_kg: get(weight),
            height_cm: get(height),
            position: get(position),
            oedema: get(oedema),
            head_cm: get(head),
        };
        let cells = match read_row(&text) {
            Ok(m) => output_cells(Some(&m), &zscores(&m)),
            Err(error) => {
                summary.errors.push(RowError { line, error });
                output_cells(None, &ZScores::default())
            }
        };
        let mut row: Vec<&str> = record.iter().collect();
        row.extend(cells.iter().map(String::as_str));
        writer.write_record(&row)?;
        summary.rows += 1;
        if summary.rows % 65_536 == 0 {
            progress(summary.rows);
        }
    }
    writer.flush()?;
    Ok(summary)
}

#[cfg(test)]
#[path = "anthro_tests.rs"]
mod tests;
