//! Throughput of the z-score crate: one call computes up to five z-scores.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use treem_growth::{Measurement, Position, Sex, zscores};

fn inputs() -> Vec<Measurement> {
    // A deterministic spread of ages, sizes and positions, no randomness.
    (0..10_000i64)
        .map(|i| {
            let age = (i * 7919) % 1827;
            let months = age as f64 / 30.4375;
            Measurement {
                sex: if i % 2 == 0 { Sex::Male } else { Sex::Female },
                age_days: Some(age),
                weight_kg: Some(3.3 + months * 0.2 + ((i % 13) as f64 - 6.0) * 0.15),
                length_cm: Some(50.0 + months * 0.9 + ((i % 11) as f64 - 5.0) * 0.37),
                position: Some(if age < 731 {
                    Position::Lying
                } else {
                    Position::Standing
                }),
                oedema: i % 97 == 0,
                head_cm: Some(34.0 + months * 0.25),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = inputs();
    let mut g = c.benchmark_group("who2006");
    // Each measurement yields five z-scores (fewer with oedema).
    g.throughput(Throughput::Elements(data.len() as u64 * 5));
    g.bench_function("zscores (5 per measurement)", |b| {
        b.iter(|| {
            for m in &data {
                black_box(zscores(black_box(m)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
