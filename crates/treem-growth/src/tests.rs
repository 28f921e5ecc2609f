//! Reference points of the WHO method, edge by edge.

use super::*;
use proptest::prelude::*;

fn boy(age: i64) -> Measurement {
    Measurement {
        sex: Sex::Male,
        age_days: Some(age),
        weight_kg: None,
        length_cm: None,
        position: None,
        oedema: false,
        head_cm: None,
    }
}

fn z(v: Option<Z>) -> f64 {
    v.map(|z| z.value).unwrap_or(f64::NAN)
}

#[test]
fn the_median_is_zero_and_sd_curves_are_their_k() {
    let t = &*TABLES;
    for (sex, s) in [(Sex::Male, 0), (Sex::Female, 1)] {
        for day in [0, 1, 365, 730, 731, 1000, 1826] {
            let p = t.wfa.at(s, day).unwrap();
            for k in [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0] {
                let y = sd(k, p);
                let m = Measurement {
                    sex,
                    weight_kg: Some(y),
                    ..boy(day)
                };
                assert_eq!(z(zscores(&m).waz), k, "{sex:?} day {day} k {k}");
            }
            let h = t.lhfa.at(s, day).unwrap();
            let m = Measurement {
                sex,
                length_cm: Some(h.m),
                ..boy(day)
            };
            // Lying before 731 days, standing after: no adjustment when the
            // position is unknown.
            assert_eq!(z(zscores(&m).haz), 0.0);
        }
    }
}

#[test]
fn published_birth_values() {
    // WHO's published SD tables (one decimal): weight-for-age and
    // length-for-age at birth.
    let r1 = |x: Option<f64>| x.map(|v| (v * 10.0).round() / 10.0);
    assert_eq!(r1(curve_by_age("wfa", Sex::Male, 0, -3.0)), Some(2.1));
    assert_eq!(r1(curve_by_age("wfa", Sex::Male, 0, -2.0)), Some(2.5));
    assert_eq!(r1(curve_by_age("wfa", Sex::Male, 0, 0.0)), Some(3.3));
    assert_eq!(r1(curve_by_age("wfa", Sex::Male, 0, 2.0)), Some(4.4));
    assert_eq!(r1(curve_by_age("wfa", Sex::Male, 0, 3.0)), Some(5.0));
    assert_eq!(r1(curve_by_age("wfa", Sex::Female, 0, -2.0)), Some(2.4));
    assert_eq!(r1(curve_by_age("wfa", Sex::Female, 0, 0.0)), Some(3.2));
    assert_eq!(r1(curve_by_age("lhfa", Sex::Male, 0, -2.0)), Some(46.1));
    assert_eq!(r1(curve_by_age("lhfa", Sex::Male, 0, 0.0)), Some(49.9));
    assert_eq!(r1(curve_by_age("lhfa", Sex::Male, 0, 2.0)), Some(53.7));
    assert_eq!(r1(curve_by_age("lhfa", Sex::Female, 0, 0.0)), Some(49.1));
    assert_eq!(r1(curve_by_age("hcfa", Sex::Male, 0, 0.0)), Some(34.5));
    // Weight-for-length at 45 cm and weight-for-height at 65 cm (boys),
    // BMI-for-age at birth (boys).
    assert_eq!(
        r1(curve_by_length(Position::Lying, Sex::Male, 45.0, -2.0)),
        Some(2.0)
    );
    assert_eq!(
        r1(curve_by_length(Position::Lying, Sex::Male, 45.0, 0.0)),
        Some(2.4)
    );
    assert_eq!(
        r1(curve_by_length(Position::Lying, Sex::Male, 45.0, 2.0)),
        Some(3.0)
    );
    assert_eq!(
        r1(curve_by_length(Position::Standing, Sex::Male, 65.0, -2.0)),
        Some(6.3)
    );
    assert_eq!(
        r1(curve_by_length(Position::Standing, Sex::Male, 65.0, 0.0)),
        Some(7.4)
    );
    assert_eq!(
        r1(curve_by_length(Position::Standing, Sex::Male, 65.0, 2.0)),
        Some(8.8)
    );
    assert_eq!(r1(curve_by_age("bfa", Sex::Male, 0, -2.0)), Some(11.1));
    assert_eq!(r1(curve_by_age("bfa", Sex::Male, 0, 0.0)), Some(13.4));
    assert_eq!(r1(curve_by_age("bfa", Sex::Male, 0, 2.0)), Some(16.3));
}

#[test]
fn restricted_application_beyond_three_sd() {
    let p = TABLES.wfa.at(0, 400).unwrap();
    let (sd2, sd3) = (sd(2.0, p), sd(3.0, p));
    let m = Measurement {
        weight_kg: Some(sd3 + (sd3 - sd2)),
        ..boy(400)
    };
    assert_eq!(z(zscores(&m).waz), 4.0);
    let (n2, n3) = (sd(-2.0, p), sd(-3.0, p));
    let m = Measurement {
        weight_kg: Some(n3 - (n2 - n3)),
        ..boy(400)
    };
    assert_eq!(z(zscores(&m).waz), -4.0);
    // Length-for-age is not restricted: the plain LMS value holds.
    let h = TABLES.lhfa.at(0, 400).unwrap();
    let m = Measurement {
        length_cm: Some(h.m * (1.0 + 4.5 * h.s)),
        position: Some(Position::Lying),
        ..boy(400)
    };
    assert_eq!(z(zscores(&m).haz), 4.5);
}

#[test]
fn the_730_731_switch() {
    // Standing at 730 days: +0.7 cm; lying at 731 days: −0.7 cm.
    let m = Measurement {
        length_cm: Some(88.0),
        position: Some(Position::Standing),
        ..boy(730)
    };
    let r = zscores(&m);
    assert_eq!(r.clen_cm, Some(88.7));
    let p = TABLES.lhfa.at(0, 730).unwrap();
    assert_eq!(z(r.haz), round2((88.7 / p.m - 1.0) / p.s));
    let m = Measurement {
        length_cm: Some(88.0),
        position: Some(Position::Lying),
        ..boy(731)
    };
    let r = zscores(&m);
    assert_eq!(r.clen_cm, Some(87.3));
    let p = TABLES.lhfa.at(0, 731).unwrap();
    assert_eq!(z(r.haz), round2((87.3 / p.m - 1.0) / p.s));
    // Correctly measured children are not adjusted.
    let m = Measurement {
        length_cm: Some(88.0),
        position: Some(Position::Lying),
        ..boy(730)
    };
    assert_eq!(zscores(&m).clen_cm, Some(88.0));
    let m = Measurement {
        length_cm: Some(88.0),
        position: Some(Position::Standing),
        ..boy(731)
    };
    assert_eq!(zscores(&m).clen_cm, Some(88.0));
}

#[test]
fn weight_for_length_or_height_by_age() {
    // 730 days → weight-for-length table; 731 → weight-for-height.
    let wfl = TABLES.wfl.at(0, 850).unwrap();
    let wfh = TABLES.wfh.at(0, 850).unwrap();
    let at = |age| Measurement {
        weight_kg: Some(12.0),
        length_cm: Some(85.0),
        ..boy(age)
    };
    assert_eq!(z(zscores(&at(730)).whz), round2(z_restricted(12.0, wfl)));
    assert_eq!(z(zscores(&at(731)).whz), round2(z_restricted(12.0, wfh)));
    // Table bounds: 45–110 cm lying, 65–120 cm standing; no fallback.
    let l = |age, len| Measurement {
        weight_kg: Some(5.0),
        length_cm: Some(len),
        ..boy(age)
    };
    assert!(zscores(&l(100, 45.0)).whz.is_some());
    assert!(zscores(&l(100, 44.9)).whz.is_none());
    assert!(zscores(&l(700, 110.0)).whz.is_some());
    assert!(zscores(&l(700, 110.01)).whz.is_none());
    assert!(zscores(&l(800, 64.9)).whz.is_none());
    assert!(zscores(&l(800, 120.0)).whz.is_some());
    // Age unknown: by position, then by length (< 87 cm → length table).
    let unknown = |len, pos| Measurement {
        age_days: None,
        weight_kg: Some(12.0),
        length_cm: Some(len),
        position: pos,
        ..boy(0)
    };
    assert_eq!(
        z(zscores(&unknown(86.9, None)).whz),
        round2(z_restricted(
            12.0,
            at_length(&TABLES.wfl, 0, 86_900).unwrap()
        ))
    );
    assert_eq!(
        z(zscores(&unknown(87.0, None)).whz),
        round2(z_restricted(
            12.0,
            at_length(&TABLES.wfh, 0, 87_000).unwrap()
        ))
    );
    assert_eq!(
        z(zscores(&unknown(87.0, Some(Position::Lying))).whz),
        round2(z_restricted(
            12.0,
            at_length(&TABLES.wfl, 0, 87_000).unwrap()
        ))
    );
    assert!(
        zscores(&unknown(87.0, None)).waz.is_none(),
        "no age, no weight-for-age"
    );
}

#[test]
fn lengths_are_exact_and_interpolated() {
    // 103.1 cm measured lying after two years is 102.4 cm: the 102.4 row
    // exactly, not 102.3 (WHO's floating-point artefact avoided).
    let m = Measurement {
        weight_kg: Some(16.0),
        length_cm: Some(103.1),
        position: Some(Position::Lying),
        ..boy(800)
    };
    let r = zscores(&m);
    assert_eq!(r.clen_cm, Some(102.4));
    assert_eq!(
        z(r.whz),
        round2(z_restricted(16.0, TABLES.wfh.at(0, 1024).unwrap()))
    );
    // Between rows: linear in L, M and S.
    let lo = TABLES.wfl.at(0, 600).unwrap();
    let hi = TABLES.wfl.at(0, 601).unwrap();
    let mid = at_length(&TABLES.wfl, 0, 60_050).unwrap();
    assert!((mid.m - (lo.m + hi.m) / 2.0).abs() < 1e-12);
    assert!((mid.s - (lo.s + hi.s) / 2.0).abs() < 1e-12);
}

#[test]
fn standing_under_nine_months_is_discarded() {
    let m = Measurement {
        length_cm: Some(65.0),
        position: Some(Position::Standing),
        ..boy(273)
    };
    let r = zscores(&m);
    assert!(r.c9mo_flag);
    assert_eq!(r.clen_cm, Some(65.0));
    let m = Measurement {
        length_cm: Some(65.0),
        position: Some(Position::Standing),
        ..boy(274)
    };
    let r = zscores(&m);
    assert!(!r.c9mo_flag);
    assert_eq!(r.clen_cm, Some(65.7));
}

#[test]
fn oedema_suppresses_weight_based_scores() {
    let m = Measurement {
        weight_kg: Some(8.0),
        length_cm: Some(70.0),
        oedema: true,
        head_cm: Some(44.0),
        ..boy(300)
    };
    let r = zscores(&m);
    assert!(r.waz.is_none() && r.whz.is_none() && r.baz.is_none());
    assert!(r.haz.is_some() && r.hcz.is_some());
}

#[test]
fn age_limits() {
    let at = |age| {
        zscores(&Measurement {
            weight_kg: Some(15.0),
            length_cm: Some(100.0),
            head_cm: Some(49.0),
            ..boy(age)
        })
    };
    let r = at(1826);
    assert!(
        r.waz.is_some() && r.haz.is_some() && r.whz.is_some() && r.baz.is_some() && r.hcz.is_some()
    );
    let r = at(1827);
    assert!(
        r.waz.is_none() && r.haz.is_none() && r.whz.is_none() && r.baz.is_none() && r.hcz.is_none()
    );
    assert_eq!(r.clen_cm, Some(100.0));
    assert!(at(-1).waz.is_none());
    let r = at(0);
    assert!(r.waz.is_some());
}

#[test]
fn measures_that_are_not_positive_give_nothing() {
    let r = zscores(&Measurement {
        weight_kg: Some(0.0),
        length_cm: Some(-5.0),
        head_cm: Some(f64::NAN),
        ..boy(100)
    });
    assert_eq!(
        r,
        ZScores {
            c9mo_flag: false,
            ..ZScores::default()
        }
    );
}

#[test]
fn bmi_uses_the_adjusted_length() {
    let m = Measurement {
        weight_kg: Some(12.0),
        length_cm: Some(86.3),
        position: Some(Position::Standing),
        ..boy(700)
    };
    let r = zscores(&m);
    let bmi = 12.0 / (0.87 * 0.87);
    assert_eq!(
        z(r.baz),
        round2(z_restricted(bmi, TABLES.bfa.at(0, 700).unwrap()))
    );
}

#[test]
fn flags_follow_who_limits_on_rounded_values() {
    let p = TABLES.wfa.at(1, 500).unwrap();
    let girl = |w| {
        zscores(&Measurement {
            sex: Sex::Female,
            weight_kg: Some(w),
            ..boy(500)
        })
        .waz
        .unwrap()
    };
    let (n2, n3) = (sd(-2.0, p), sd(-3.0, p));
    let w = |z: f64| n3 + (z + 3.0) * (n2 - n3);
    assert!(!girl(w(-6.0)).flagged);
    assert!(girl(w(-6.02)).flagged);
    let (p2, p3) = (sd(2.0, p), sd(3.0, p));
    let up = |z: f64| p3 + (z - 3.0) * (p3 - p2);
    assert!(!girl(up(5.0)).flagged);
    assert!(girl(up(5.02)).flagged);
}

proptest! {
    #[test]
    fn waz_is_monotone_in_weight(age in 0i64..=1826, w in 0.5f64..40.0, dw in 0.0f64..5.0, girl: bool) {
        let sex = if girl { Sex::Female } else { Sex::Male };
        let a = zscores(&Measurement { sex, weight_kg: Some(w), ..boy(age) }).waz.unwrap();
        let b = zscores(&Measurement { sex, weight_kg: Some(w + dw), ..boy(age) }).waz.unwrap();
        prop_assert!(a.value <= b.value);
    }

    #[test]
    fn whz_is_monotone_in_weight(len in 45.0f64..110.0, w in 1.0f64..30.0, dw in 0.0f64..5.0) {
        let a = zscores(&Measurement { weight_kg: Some(w), length_cm: Some(len), ..boy(300) }).whz.unwrap();
        let b = zscores(&Measurement { weight_kg: Some(w + dw), length_cm: Some(len), ..boy(300) }).whz.unwrap();
        prop_assert!(a.value <= b.value);
    }

    #[test]
    fn restricted_bounds_are_symmetric(age in 0i64..=1826, k in 0.0f64..8.0) {
        // k SD above +2 and k SD below −2, measured in each side's own
        // 2-to-3 SD step, give z-scores of the same size.
        let p = TABLES.wfa.at(0, age).unwrap();
        let above = sd(3.0, p) + (k - 1.0).max(0.0) * (sd(3.0, p) - sd(2.0, p));
        let below = sd(-3.0, p) - (k - 1.0).max(0.0) * (sd(-2.0, p) - sd(-3.0, p));
        prop_assume!(below > 0.0);
        let za = zscores(&Measurement { weight_kg: Some(above), ..boy(age) }).waz.unwrap().value;
        let zb = zscores(&Measurement { weight_kg: Some(below), ..boy(age) }).waz.unwrap().value;
        prop_assert!((za + zb).abs() < 0.011, "{za} {zb}");
    }
}

/// Values WHO's own anthro test suite expects (ages given there in months,
/// converted to whole days as WHO does: days = months × 30.4375, rounded
/// half up).
#[test]
fn who_anthro_expected_values() {
    // 987 days, 72.86 cm measured lying: 0.7 cm off, then −6.09, flagged.
    let r = zscores(&Measurement {
        length_cm: Some(72.86),
        position: Some(Position::Lying),
        ..boy(987)
    });
    assert_eq!(
        r.haz,
        Some(Z {
            value: -6.09,
            flagged: true
        })
    );
    // 8 months (244 d) standing: position discarded, 60.0 cm, −4.81.
    let r = zscores(&Measurement {
        length_cm: Some(60.0),
        position: Some(Position::Standing),
        ..boy(244)
    });
    assert!(r.c9mo_flag);
    assert_eq!(r.clen_cm, Some(60.0));
    assert!((z(r.haz) - (-4.81)).abs() <= 0.01, "{:?}", r.haz);
    // 9 months (274 d) standing: +0.7 cm, −5.02.
    let r = zscores(&Measurement {
        length_cm: Some(60.0),
        position: Some(Position::Standing),
        ..boy(274)
    });
    assert!(!r.c9mo_flag);
    assert_eq!(r.clen_cm, Some(60.7));
    assert!((z(r.haz) - (-5.02)).abs() <= 0.01, "{:?}", r.haz);
    // A girl of 24 months (731 d), 77.5 cm, position unknown: −2.55.
    let girl = Measurement {
        sex: Sex::Female,
        length_cm: Some(77.5),
        ..boy(731)
    };
    assert_eq!(z(zscores(&girl).haz), -2.55);
    let girl = Measurement {
        weight_kg: Some(8.8),
        position: Some(Position::Standing),
        ..girl
    };
    assert_eq!(z(zscores(&girl).haz), -2.55);
    // Weight-for-age of a girl of 1,522 days weighing 17 kg: 0.24, not flagged.
    let girl = Measurement {
        sex: Sex::Female,
        weight_kg: Some(17.0),
        ..boy(1522)
    };
    assert_eq!(
        zscores(&girl).waz,
        Some(Z {
            value: 0.24,
            flagged: false
        })
    );
    // A girl of 1 day weighing 10.37 kg is flagged.
    let girl = Measurement {
        sex: Sex::Female,
        weight_kg: Some(10.37),
        ..boy(1)
    };
    assert!(zscores(&girl).waz.is_some_and(|z| z.flagged));
}

#[test]
fn tables_json_holds_every_row_as_written() {
    let json = tables_json();
    assert!(json.starts_with("{\"wfa\":{\"first\":0,\"rows\":[[0.3487,3.3464,0.14602,"));
    assert!(json.contains("\"wfl\":{\"first\":450,"));
    assert!(json.ends_with("]]}}"));
    // Every table's rows, three numbers each, both sexes: within a sex's
    // array n - 1 commas, one between the two arrays, one after "first",
    // and one between tables.
    let t = &*crate::tables::TABLES;
    let rows: usize = [&t.wfa, &t.lhfa, &t.wfl, &t.wfh, &t.bfa, &t.hcfa]
        .iter()
        .map(|t| t.rows[0].len() + t.rows[1].len())
        .sum();
    assert_eq!(json.matches(',').count(), 3 * rows + 5);
}
