//! Writes a generated data set of interchange format v1 for import and
//! export benchmarks: the demo district's children (N of them), their
//! measurements, two school years of enrolments, participation, schools,
//! commune assessments, disasters and cases.
//!
//! `cargo run --release -p treem-interchange --example gen_dataset -- N OUT_DIR`
//!
//! With `--nation PROVINCES COMMUNES UNIT_FILE` (issue 22: a synthetic
//! nation), the children are spread over PROVINCES generated provinces of
//! COMMUNES communes each (each commune's children together, ~N ÷ all
//! communes each), written as a unit file to load first (`treem units
//! load`); each commune has its own preschool, primary and lower secondary
//! school, assessment and disaster row, as in the demo district.

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use treem_domain::demo::generate;
use treem_domain::unit_file::{LAI_CHAU_UNITS, parse_unit_file};
use treem_domain::units::UnitHistory;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let out = std::path::PathBuf::from(args.get(2).cloned().unwrap_or_else(|| "dataset".into()));
    std::fs::create_dir_all(&out)?;
    let history =
        UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).map_err(|e| format!("{e:?}"))?);
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).ok_or("date")?;
    let district = generate(&history, n, 2025);
    let file = |name: &str| -> std::io::Result<csv::Writer<std::fs::File>> {
        Ok(csv::Writer::from_path(out.join(format!("{name}.csv")))?)
    };
    let mut w = file("manifest")?;
    w.write_record(["as_of", "source"])?;
    w.write_record([as_of.to_string().as_str(), "gen_dataset"])?;
    w.flush()?;

    let code_on = |code: &str, on: NaiveDate| -> String {
        history
            .resolve(code, on)
            .and_then(|u| history.became(u, as_of))
            .map(|u| u.code.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let nation = nation_of(&args)?;
    let communes: Vec<String> = match &nation {
        Some((provinces, each, units)) => write_nation(*provinces, *each, units)?,
        None => history
            .valid_on(as_of)
            .into_iter()
            .filter(|u| u.level == treem_domain::units::Level::Commune && u.code.starts_with("03"))
            .map(|u| u.code.clone())
            .collect(),
    };
    let total = district.children.len().max(1);

    let mut w = file("children")?;
    w.write_record([
        "child_id",
        "national_id",
        "full_name",
        "sex",
        "date_of_birth",
        "ethnicity",
        "commune_code",
        "village",
        "birth_registered",
        "birth_registration_date",
        "mother_name",
        "father_name",
        "household_poverty",
        "special_circumstances",
        "status",
        "status_date",
    ])?;
    let d = |x: Option<NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
    let mut codes = Vec::with_capacity(district.children.len());
    for (i, dc) in district.children.iter().enumerate() {
        let c = &dc.child;
        let code = match nation {
            Some(_) => communes[i * communes.len() / total].clone(),
            None => code_on(&c.commune_code, dc.as_of),
        };
        w.write_record([
            c.child_id.as_str(),
            c.national_id.as_deref().unwrap_or(""),
            &c.full_name,
            c.sex.code(),
            &c.date_of_birth.to_string(),
            c.ethnicity.as_deref().unwrap_or(""),
            &code,
            c.village.as_deref().unwrap_or(""),
            match c.birth_registered {
                Some(true) => "yes",
                Some(false) => "no",
                None => "",
            },
            &d(c.birth_registration_date),
            c.mother_name.as_deref().unwrap_or(""),
            c.father_name.as_deref().unwrap_or(""),
            c.household_poverty.map(|p| p.code()).unwrap_or(""),
            &c.special_circumstances.join(";"),
            c.status.code(),
            &d(c.status_date),
        ])?;
        codes.push(code);
    }
    w.flush()?;

    let mut w = file("measurements")?;
    w.write_record([
        "child_id",
        "measured_on",
        "weight_kg",
        "height_cm",
        "position",
        "oedema",
    ])?;
    for (i, m) in &district.measurements {
        // The demo's deliberate typing errors (a weight of 205.8 kg) would
        // make the data set fail; the benchmark imports a clean one.
        if m.weight_kg.is_some_and(|w| w > 200.0) {
            continue;
        }
        let f = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_default();
        w.write_record([
            district.children[*i].child.child_id.as_str(),
            &m.measured_on.to_string(),
            &f(m.weight_kg),
            &f(m.height_cm),
            treem_domain::nutrition::position_code(m.position).unwrap_or(""),
            if m.oedema { "yes" } else { "no" },
        ])?;
    }
    w.flush()?;

    // Schools: a primary, a lower secondary and a preschool per commune.
    let mut w = file("schools")?;
    w.write_record([
        "school_code",
        "name",
        "level",
        "commune_code",
        "year",
        "sanitation_standard",
        "psych_support",
    ])?;
    for (k, code) in communes.iter().enumerate() {
        for (level, prefix) in [
            ("preschool", "MN"),
            ("primary", "TH"),
            ("lower_secondary", "THCS"),
        ] {
            for year in [2024, 2025] {
                w.write_record([
                    format!("{prefix}-{code}").as_str(),
                    &format!("Trường {prefix} {code}"),
                    level,
                    code,
                    &year.to_string(),
                    if (k + year as usize).is_multiple_of(4) {
                        "no"
                    } else {
                        "yes"
                    },
                    if k.is_multiple_of(3) { "no" } else { "yes" },
                ])?;
            }
        }
    }
    w.flush()?;

    let mut enrol = file("enrolments")?;
    enrol.write_record([
        "child_id",
        "school_year",
        "school_code",
        "level",
        "grade",
        "status",
    ])?;
    let mut part = file("participation")?;
    part.write_record(["child_id", "date", "kind", "note"])?;
    let mut cases = file("cases")?;
    cases.write_record([
        "case_id",
        "child_id",
        "reported_on",
        "harm_type",
        "intervention_started_on",
        "closed_on",
    ])?;
    for (i, dc) in district.children.iter().enumerate() {
        let c = &dc.child;
        let code = &codes[i];
        for end in [2025, 2026] {
            let age = end - 1 - c.date_of_birth.year();
            let (level, prefix, grade) = match age {
                3..=5 => ("preschool", "MN", String::new()),
                6..=10 => ("primary", "TH", (age - 5).to_string()),
                11..=14 => ("lower_secondary", "THCS", (age - 5).to_string()),
                _ => continue,
            };
            let status = match (i % 97, grade.as_str()) {
                (0, _) => "dropped_out",
                (1, _) => "transferred",
                (_, "5") => "completed",
                (_, "9") => "graduated",
                _ => "enrolled",
            };
            enrol.write_record([
                c.child_id.as_str(),
                &format!("{}-{end}", end - 1),
                &format!("{prefix}-{code}"),
                level,
                &grade,
                status,
            ])?;
        }
        let age = 2026 - c.date_of_birth.year();
        if (6..=15).contains(&age) && i % 10 < 9 {
            part.write_record([c.child_id.as_str(), "2025-11-20", "awareness", ""])?;
        }
        if (11..=15).contains(&age) && i.is_multiple_of(3) {
            part.write_record([
                c.child_id.as_str(),
                "2025-06-01",
                "club",
                "Câu lạc bộ quyền trẻ em",
            ])?;
        }
        if i % 1000 == 7 {
            cases.write_record([
                format!("K{i}").as_str(),
                c.child_id.as_str(),
                "2025-09-03",
                "neglect",
                "2025-09-04",
                "",
            ])?;
        }
    }
    enrol.flush()?;
    part.flush()?;
    cases.flush()?;

    let mut w = file("commune_assessments")?;
    w.write_record(["commune_code", "year", "child_friendly", "play_spot"])?;
    let mut dis = file("disasters")?;
    dis.write_record([
        "event_id",
        "commune_code",
        "occurred_on",
        "kind",
        "children_affected",
        "children_supported_timely",
    ])?;
    for (k, code) in communes.iter().enumerate() {
        w.write_record([
            code.as_str(),
            "2025",
            if k.is_multiple_of(2) { "yes" } else { "no" },
            "yes",
        ])?;
        dis.write_record([
            "LU-2025-08",
            code.as_str(),
            "2025-08-02",
            "Lũ quét",
            "40",
            &(38 + k % 3).to_string(),
        ])?;
    }
    w.flush()?;
    dis.flush()?;
    let _ = std::io::stdout().flush();
    println!("{n} children written to {}", out.display());
    Ok(())
}

/// `--nation PROVINCES COMMUNES UNIT_FILE`, if given.
fn nation_of(args: &[String]) -> Result<Option<(usize, usize, std::path::PathBuf)>, String> {
    let Some(at) = args.iter().position(|a| a == "--nation") else {
        return Ok(None);
    };
    let count = |k: usize| -> Result<usize, String> {
        args.get(at + k)
            .and_then(|s| s.parse().ok())
            .filter(|n| (1..=if k == 1 { 87 } else { 9999 }).contains(n))
            .ok_or_else(|| "--nation PROVINCES(1–87) COMMUNES(1–9999) UNIT_FILE".to_string())
    };
    let (provinces, each) = (count(1)?, count(2)?);
    if provinces * each > 89_999 {
        return Err("at most 89,999 communes (five-digit codes from 10000)".into());
    }
    let file = args
        .get(at + 3)
        .ok_or("--nation needs a unit file to write")?;
    Ok(Some((provinces, each, file.into())))
}

/// Writes the nation's unit file — provinces coded 13, 14, … (after Lai
/// Châu's 12, whose units stay), named «Tỉnh Thử N»; their communes coded
/// 10000, 10001, … through the nation (none of them the demo's 03xxx) —
/// and returns the communes' codes.
fn write_nation(
    provinces: usize,
    each: usize,
    file: &std::path::Path,
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut w = csv::Writer::from_path(file)?;
    w.write_record(treem_domain::unit_file::COLUMNS)?;
    let mut communes = Vec::with_capacity(provinces * each);
    for p in 0..provinces {
        let province = format!("{:02}", 13 + p);
        w.write_record([
            province.as_str(),
            &format!("Tỉnh Thử {}", p + 1),
            "province",
            "",
            "",
            "",
            "",
            "generated",
        ])?;
        for c in 0..each {
            let code = format!("{:05}", 10_000 + communes.len());
            w.write_record([
                code.as_str(),
                &format!("Xã Thử {}-{}", p + 1, c + 1),
                "commune",
                &province,
                "",
                "",
                "",
                "generated",
            ])?;
            communes.push(code);
        }
    }
    w.flush()?;
    Ok(communes)
}
