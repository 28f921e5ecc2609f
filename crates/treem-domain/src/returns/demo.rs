//! The demo's returns and programme indicators: two years of figures for
//! each commune, the year's figures the first half's plus the second's (a
//! year's return is cumulative), every rule of the seed's returns kept, and
//! a few indicators an administrator would define over them. No targets:
//! those come from each programme's own document.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::ReturnStatus;
use crate::plan::progress::ReportPeriod;

/// One commune's return of one period, as the demo files it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReturn {
    pub form: &'static str,
    pub period: ReportPeriod,
    pub status: ReturnStatus,
    /// (element, sex, value).
    pub values: Vec<(&'static str, &'static str, f64)>,
}

/// Half a year's counts of one commune, one sex: every rule holds.
fn half_year(rng: &mut StdRng) -> [(&'static str, u32); 10] {
    let all = rng.random_range(1..=8);
    let drown = rng.random_range(0..=all.min(3));
    let traffic = rng.random_range(0..=(all - drown).min(5));
    let death = rng.random_range(0..=2.min(all));
    let drown_death = rng.random_range(0..=drown.min(death));
    let u5 = rng.random_range(0..=1);
    let u1 = rng.random_range(0..=u5);
    let births = rng.random_range(8..=30);
    let found = rng.random_range(0..=3);
    let helped = rng.random_range(0..=found);
    [
        ("INJ_ALL", all),
        ("INJ_DROWN", drown),
        ("INJ_DROWN_DEATH", drown_death),
        ("INJ_TRAFFIC", traffic),
        ("INJ_DEATH", death),
        ("U5_DEATH", u5),
        ("U1_DEATH", u1),
        ("LIVE_BIRTHS", births),
        ("LABOUR_FOUND", found),
        ("LABOUR_HELPED", helped),
    ]
}

/// The commune's returns for `years`: the first half and the year of each
/// (the year only once `today` is past it). The last half-year filed is
/// still being approved — submitted, or a draft in every third commune.
pub fn returns(
    commune_no: usize,
    years: &[i32],
    today: chrono::NaiveDate,
    seed: u64,
) -> Vec<DemoReturn> {
    use chrono::Datelike;
    let mut out = Vec::new();
    for &year in years {
        let mut rng = StdRng::seed_from_u64(seed ^ ((commune_no as u64) << 20) ^ year as u64);
        let mut h1: Vec<(&'static str, &'static str, f64)> = Vec::new();
        let mut full: Vec<(&'static str, &'static str, f64)> = Vec::new();
        for sex in ["F", "M"] {
            let first = half_year(&mut rng);
            let second = half_year(&mut rng);
            for ((e, a), (_, b)) in first.iter().zip(second.iter()) {
                h1.push((e, sex, f64::from(*a)));
                full.push((e, sex, f64::from(a + b)));
            }
        }
        let disease_h1 = rng.random_range(0..=1);
        let disease_h2 = rng.random_range(0..=1);
        // Deaths by disease are not split by sex: at most the deaths.
        let u5 = |v: &[(&str, &str, f64)]| {
            v.iter()
                .filter(|(e, _, _)| *e == "U5_DEATH")
                .map(|(_, _, x)| *x)
                .sum::<f64>()
        };
        let d1 = f64::from(disease_h1).min(u5(&h1));
        h1.push(("U5_DEATH_DISEASE", "", d1));
        full.push((
            "U5_DEATH_DISEASE",
            "",
            (d1 + f64::from(disease_h2)).min(u5(&full)),
        ));

        let year_over = today.year() > year;
        let last_half = !year_over;
        let h1_status = if last_half && commune_no % 3 == 2 {
            ReturnStatus::Draft
        } else if last_half {
            ReturnStatus::Submitted
        } else {
            ReturnStatus::Approved
        };
        out.push(DemoReturn {
            form: "BC_6THANG",
            period: ReportPeriod { year, half: true },
            status: h1_status,
            values: h1,
        });
        if year_over {
            out.push(DemoReturn {
                form: "BC_6THANG",
                period: ReportPeriod { year, half: false },
                status: ReturnStatus::Approved,
                values: full,
            });
            let one = rng.random_range(3..=20);
            let both = rng.random_range(0..=3);
            let support = rng.random_range(0..=6);
            out.push(DemoReturn {
                form: "BC_NAM",
                period: ReportPeriod { year, half: false },
                status: ReturnStatus::Approved,
                values: ["F", "M"]
                    .into_iter()
                    .flat_map(|sex| {
                        [
                            (
                                "ORPHAN_ONE",
                                sex,
                                f64::from(one / 2 + u32::from(sex == "F") * (one % 2)),
                            ),
                            (
                                "ORPHAN_BOTH",
                                sex,
                                f64::from(both / 2 + u32::from(sex == "M") * (both % 2)),
                            ),
                            ("MENTAL_SUPPORT", sex, f64::from(support / 2)),
                        ]
                    })
                    .collect(),
            });
        }
    }
    out
}

/// A programme indicator as the demo defines it: (code, Vietnamese name,
/// English name, programme, numerator, denominator, factor, goal).
pub type DemoIndicator = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static str,
);

/// The demo's programme indicators (no targets).
pub const INDICATORS: [DemoIndicator; 5] = [
    (
        "CT2_INJURY_RATE",
        "Tỷ suất trẻ em bị tai nạn, thương tích trên 100.000 trẻ em",
        "Children injured per 100,000 children",
        "CT2",
        "INJ_ALL",
        "#children_0_15",
        100_000,
        "<=",
    ),
    (
        "CT2_DROWN_DEATHS",
        "Số trẻ em tử vong do đuối nước",
        "Children who died by drowning",
        "CT2",
        "INJ_DROWN_DEATH",
        "",
        1,
        "<=",
    ),
    (
        "CT3_U5_DEATH_RATE",
        "Số trẻ em dưới 5 tuổi tử vong trên 1.000 trẻ đẻ ra sống",
        "Under-five deaths per 1,000 live births",
        "CT3",
        "U5_DEATH",
        "LIVE_BIRTHS",
        1_000,
        "<=",
    ),
    (
        "CT4_LABOUR_HELPED",
        "Tỷ lệ trẻ em lao động trái quy định được hỗ trợ",
        "Children in prohibited work given support (%)",
        "CT4",
        "LABOUR_HELPED",
        "LABOUR_FOUND",
        100,
        ">=",
    ),
    (
        "CT5_ORPHANS_RATE",
        "Số trẻ em mồ côi trên 1.000 trẻ em",
        "Orphans per 1,000 children",
        "CT5",
        "ORPHAN_ONE + ORPHAN_BOTH",
        "#children_0_15",
        1_000,
        "<=",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::returns::seed;
    use crate::returns::{Values, broken_rules};

    #[test]
    fn demo_returns_keep_every_rule_and_years_are_cumulative() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let forms = seed::forms();
        for n in 0..13 {
            let all = returns(n, &[2025, 2026], today, 7);
            // 2025: h1, year (two returns); 2026: h1 only.
            assert_eq!(all.len(), 4);
            for r in &all {
                let form = forms.iter().find(|f| f.code == r.form).unwrap();
                let values: Values = r
                    .values
                    .iter()
                    .map(|(e, s, v)| (((*e).to_string(), (*s).to_string()), *v))
                    .collect();
                assert!(broken_rules(form, &values).is_empty(), "{r:?}");
                for key in values.keys() {
                    assert!(form.elements.contains(&key.0), "{key:?} in {}", r.form);
                }
            }
            let h1 = &all[0].values;
            let year = &all[1].values;
            for ((e, s, a), (e2, s2, b)) in h1.iter().zip(year) {
                assert_eq!((e, s), (e2, s2));
                assert!(b >= a, "a year holds its first half");
            }
            assert_eq!(
                all[3].period,
                ReportPeriod {
                    year: 2026,
                    half: true
                }
            );
            assert_ne!(all[3].status, ReturnStatus::Approved);
        }
    }

    #[test]
    fn demo_indicators_read() {
        let elements: Vec<String> = seed::elements().into_iter().map(|e| e.code).collect();
        let known = |c: &str| elements.iter().any(|e| e == c);
        for (code, .., num, den, factor, goal) in INDICATORS {
            assert!(super::super::programme::valid_code(code));
            assert!(super::super::programme::Formula::parse(num, &known).is_ok());
            assert!(super::super::programme::Formula::parse(den, &known).is_ok());
            assert!(super::super::programme::FACTORS.contains(&factor));
            assert!(super::super::programme::Goal::from_symbol(goal).is_some());
        }
    }
}
