//! Writes a CSV of N generated measurements for `treem zscore` benchmarks:
//! `cargo run --release -p treem-domain --example gen_measurements -- N OUT.csv`

use std::io::Write;

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args
        .get(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let path = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "measurements.csv".into());
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut rng = StdRng::seed_from_u64(2006);
    let measured = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default();
    writeln!(
        out,
        "id,sex,date_of_birth,date_of_measurement,weight_kg,height_cm,measured,oedema,head_cm"
    )?;
    for i in 0..n {
        let age: u64 = rng.random_range(0..1900);
        let months = age as f64 / 30.4375;
        let born = measured
            .checked_sub_days(Days::new(age))
            .unwrap_or(measured);
        let weight = 3.3 + months * 0.2 + rng.random_range(-2.0..2.0);
        let height = 50.0 + months * 0.9 + rng.random_range(-8.0..8.0);
        let position = if rng.random_bool(0.9) == (age < 731) {
            "lying"
        } else {
            "standing"
        };
        let oedema = if rng.random_bool(0.01) { "y" } else { "n" };
        let sex = if rng.random_bool(0.5) { 1 } else { 2 };
        writeln!(
            out,
            "{i},{sex},{},{},{weight:.1},{height:.1},{position},{oedema},{:.1}",
            born.format("%Y-%m-%d"),
            measured.format("%Y-%m-%d"),
            34.0 + months * 0.25,
        )?;
    }
    out.flush()
}
