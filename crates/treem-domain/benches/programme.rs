//! The cost the programme indicators (issue 18) add to a figures run: the
//! registry counts over a million children and the sums of five indicators
//! over the communes of Lai Châu, with two years of filed values each.
//! `cargo bench -p treem-domain --bench programme`.

use std::collections::HashMap;
use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use treem_domain::child::ChildStatus;
use treem_domain::indicators::{ChildFact, Facts};
use treem_domain::returns::demo::INDICATORS;
use treem_domain::returns::programme::{
    CommuneInputs, Formula, Goal, ProgrammeIndicator, compute, registry_counts,
};
use treem_domain::returns::seed;
use treem_domain::unit_file::{LAI_CHAU_UNITS, parse_unit_file};
use treem_domain::units::{Level, UnitHistory};

fn bench(c: &mut Criterion) {
    let history = UnitHistory::new(parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap_or_default());
    let reference = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
    // Children under the communes of either side of the reform.
    let communes: Vec<usize> = history
        .all()
        .iter()
        .enumerate()
        .filter(|(_, u)| u.level == Level::Commune)
        .map(|(i, _)| i)
        .collect();
    let born0 = NaiveDate::from_ymd_opt(2008, 1, 1).unwrap_or_default();
    let facts = Facts {
        children: (0..1_000_000usize)
            .map(|i| ChildFact {
                unit: communes[i % communes.len()],
                born: born0 + chrono::Duration::days((i * 7919 % 6600) as i64),
                status: if i % 50 == 0 {
                    ChildStatus::Moved
                } else {
                    ChildStatus::Active
                },
                status_date: (i % 50 == 0).then_some(born0),
                birth_registered: Some(true),
                birth_registration_date: None,
            })
            .collect(),
        ..Facts::default()
    };
    let elements: Vec<String> = seed::elements().into_iter().map(|e| e.code).collect();
    let known = |code: &str| elements.iter().any(|e| e == code);
    let indicators: Vec<ProgrammeIndicator> = INDICATORS
        .iter()
        .map(
            |(code, vi, en, p, num, den, factor, goal)| ProgrammeIndicator {
                code: (*code).into(),
                name_vi: (*vi).into(),
                name_en: (*en).into(),
                programme: (*p).into(),
                numerator: Formula::parse(num, &known).unwrap_or_default(),
                denominator: Formula::parse(den, &known).unwrap_or_default(),
                factor: *factor,
                goal: Goal::from_symbol(goal).unwrap_or(Goal::AtMost),
                milestones: Vec::new(),
            },
        )
        .collect();
    let mut g = c.benchmark_group("programme indicators");
    g.sample_size(10);
    g.bench_function("registry counts, 1,000,000 children", |b| {
        b.iter(|| black_box(registry_counts(&history, black_box(&facts), reference)))
    });
    let counts = registry_counts(&history, &facts, reference);
    let inputs: HashMap<usize, CommuneInputs> = counts
        .into_iter()
        .map(|(commune, registry)| {
            let values = elements
                .iter()
                .flat_map(|e| ["F", "M"].map(|s| ((e.clone(), s.to_string()), 3.0)))
                .collect();
            (commune, CommuneInputs { values, registry })
        })
        .collect();
    g.bench_function("five indicators summed over the communes", |b| {
        b.iter(|| {
            black_box(compute(
                &history,
                black_box(&inputs),
                reference,
                &indicators,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
