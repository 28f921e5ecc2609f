//! The offline page's WHO computation (`assets/offline/who.js`) run in
//! headless Chromium on 12,000 generated measurements — every age, both
//! sexes, both positions and none, oedema, the 0.7 cm adjustment at its
//! edges, values far outside the curves, unknown ages — gives exactly what
//! `treem-growth` gives (the engine of `treem zscore`): the same adjusted
//! length, the same five z-scores to two decimals, the same flags.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use treem_growth::{Measurement, Position, Sex, Z, zscores};

const CASES: usize = 12_000;

/// A measurement as an officer might type it, now and then wrong.
fn case(rng: &mut StdRng) -> Measurement {
    let age_days = match rng.random_range(0..100) {
        0..=3 => None,
        4..=6 => Some(rng.random_range(-30..2000)),
        // Around the position and nine-month edges.
        7..=16 => Some(
            *[272, 273, 274, 729, 730, 731, 732, 1826, 1827, 0]
                .get(rng.random_range(0..10))
                .unwrap(),
        ),
        _ => Some(rng.random_range(0..=1826)),
    };
    let months = age_days.unwrap_or(24).clamp(0, 1826) as f64 / 30.4375;
    // Typical values for the age, with a spread that reaches the flags.
    let typical_length = 50.0 + 35.0 * (months / 24.0).min(1.0) + 0.55 * (months - 24.0).max(0.0);
    let typical_weight = 3.3 + 9.0 * (months / 24.0).min(1.0) + 0.17 * (months - 24.0).max(0.0);
    let spread = |rng: &mut StdRng, v: f64, wide: f64| -> f64 {
        let x: f64 = match rng.random_range(0..100) {
            0..=2 => v * rng.random_range(3.0..11.0),
            3..=5 => v / rng.random_range(3.0..11.0),
            _ => v * (1.0 + rng.random_range(-wide..wide)),
        };
        // As typed: one decimal for lengths, two for weights, sometimes more.
        match rng.random_range(0..10) {
            0 => x,
            1..=5 => (x * 10.0).round() / 10.0,
            _ => (x * 100.0).round() / 100.0,
        }
    };
    let weight_kg = (rng.random_range(0..50) > 0).then(|| spread(rng, typical_weight, 0.35));
    let length_cm = (rng.random_range(0..50) > 0).then(|| spread(rng, typical_length, 0.2));
    let head_cm =
        (rng.random_range(0..3) == 0).then(|| spread(rng, 35.0 + 0.4 * months.min(30.0), 0.12));
    let position = match rng.random_range(0..10) {
        0 => None,
        1..=4 => Some(Position::Lying),
        _ => Some(Position::Standing),
    };
    Measurement {
        sex: if rng.random_bool(0.5) {
            Sex::Male
        } else {
            Sex::Female
        },
        age_days,
        weight_kg,
        length_cm,
        position,
        oedema: rng.random_range(0..30) == 0,
        head_cm,
    }
}

fn to_js(m: &Measurement) -> Value {
    json!({
        "sex": if m.sex == Sex::Female { "F" } else { "M" },
        "age_days": m.age_days,
        "weight_kg": m.weight_kg,
        "length_cm": m.length_cm,
        "position": m.position.map(|p| if p == Position::Lying { "lying" } else { "standing" }),
        "oedema": m.oedema,
        "head_cm": m.head_cm,
    })
}

fn z_json(z: Option<Z>) -> Value {
    z.map_or(
        Value::Null,
        |z| json!({ "value": z.value, "flagged": z.flagged }),
    )
}

#[tokio::test]
async fn the_browser_computes_what_the_server_computes() {
    let Some(s) = launch().await else { return };
    let b = &s.browser;
    let mut rng = StdRng::seed_from_u64(20_061_128);
    let cases: Vec<Measurement> = (0..CASES).map(|_| case(&mut rng)).collect();
    // Any page of the server gives the origin; the script and tables come
    // from it as the offline page will load them.
    b.goto(&format!("{}/login", s.base)).await.unwrap();
    let input: Vec<Value> = cases.iter().map(to_js).collect();
    let out = b
        .execute_async(
            "const [cases, done] = arguments; \
             const script = new Promise((ok, fail) => { \
               const el = document.createElement('script'); \
               el.src = '/static/who.js'; el.onload = ok; el.onerror = fail; \
               document.head.appendChild(el); }); \
             Promise.all([script, fetch('/static/who-tables.json').then(r => r.json())]) \
               .then(([_, tables]) => { \
                 TreemWho.load(tables); \
                 done(cases.map(c => TreemWho.zscores(c))); }) \
               .catch(e => done(String(e)));",
            vec![Value::Array(input)],
        )
        .await
        .unwrap();
    let out = out.as_array().unwrap_or_else(|| panic!("{out}"));
    assert_eq!(out.len(), CASES);
    let mut differ = Vec::new();
    let mut computed = [0usize; 5];
    let mut flagged = 0usize;
    for (m, js) in cases.iter().zip(out) {
        let z = zscores(m);
        let want = json!({
            "clen_cm": z.clen_cm,
            "c9mo_flag": z.c9mo_flag,
            "waz": z_json(z.waz),
            "haz": z_json(z.haz),
            "whz": z_json(z.whz),
            "baz": z_json(z.baz),
            "hcz": z_json(z.hcz),
        });
        for (i, v) in [z.waz, z.haz, z.whz, z.baz, z.hcz].iter().enumerate() {
            computed[i] += usize::from(v.is_some());
            flagged += usize::from(v.is_some_and(|z| z.flagged));
        }
        // Numbers compared as numbers: 12 and 12.0 are one value.
        let same = want.as_object().unwrap().iter().all(|(k, w)| {
            let g = &js[k];
            match (w, g) {
                (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
                (Value::Object(a), Value::Object(b)) => {
                    a["value"].as_f64() == b["value"].as_f64() && a["flagged"] == b["flagged"]
                }
                _ => w == g,
            }
        });
        if !same {
            differ.push(format!("{}\n  server {want}\n  browser {js}", to_js(m)));
        }
    }
    eprintln!("z-scores computed (waz, haz, whz, baz, hcz): {computed:?}; flagged: {flagged}");
    assert!(computed.iter().all(|n| *n > 2_000), "{computed:?}");
    assert!(flagged > 100, "the flags are exercised: {flagged}");
    assert!(
        differ.is_empty(),
        "{} of {CASES} differ:\n{}",
        differ.len(),
        differ
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    s.browser.clone().close().await.unwrap();
}
