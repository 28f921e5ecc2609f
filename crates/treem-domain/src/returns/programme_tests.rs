use super::*;
use crate::indicators::ChildFact;
use crate::test_support::{d, history, unit};

fn known(code: &str) -> bool {
    ["INJ_ALL", "INJ_DROWN_DEATH", "U5_DEATH", "LIVE_BIRTHS"].contains(&code)
}

fn formula(text: &str) -> Formula {
    Formula::parse(text, &known).unwrap_or_default()
}

fn indicator(numerator: &str, denominator: &str, factor: u32) -> ProgrammeIndicator {
    ProgrammeIndicator {
        code: "CT2_TEST".into(),
        name_vi: "Thử".into(),
        name_en: "Test".into(),
        programme: "CT2".into(),
        numerator: formula(numerator),
        denominator: formula(denominator),
        factor,
        goal: Goal::AtMost,
        milestones: Vec::new(),
    }
}

fn child(unit: usize, born: NaiveDate) -> ChildFact {
    ChildFact {
        unit,
        born,
        status: ChildStatus::Active,
        status_date: None,
        birth_registered: Some(true),
        birth_registration_date: None,
    }
}

#[test]
fn formulas_read_elements_sexes_and_registry_counts() {
    let f = Formula::parse(" inj_all:f + U5_DEATH+#CHILDREN_U5 ", &known);
    assert_eq!(
        f.as_ref().map(|f| f.text()),
        Ok("INJ_ALL:F + U5_DEATH + #children_u5".to_string())
    );
    assert_eq!(
        f.map(|f| f.elements().map(String::from).collect::<Vec<_>>()),
        Ok(vec!["INJ_ALL".to_string(), "U5_DEATH".to_string()])
    );
    assert_eq!(Formula::parse("  ", &known), Ok(Formula::default()));
    let refused = |t: &str| Formula::parse(t, &known).map_err(|e| (e.key, e.term));
    assert_eq!(
        refused("INJ_ALL + NOPE"),
        Err(("programme.err_element", "NOPE".into()))
    );
    assert_eq!(
        refused("INJ_ALL +"),
        Err(("programme.err_empty_term", "".into()))
    );
    assert_eq!(
        refused("INJ_ALL:X"),
        Err(("programme.err_sex", "INJ_ALL:X".into()))
    );
    assert_eq!(
        refused("#adults"),
        Err(("programme.err_registry", "#adults".into()))
    );
    assert!(valid_code("CT2_DROWN_RATE"));
    assert!(
        !valid_code("ct2_rate") && !valid_code("C") && !valid_code("2CT") && !valid_code("A-B")
    );
}

#[test]
fn values_factor_zero_denominators_and_no_data() {
    let rate = indicator("INJ_DROWN_DEATH", "#children_0_15", 100_000);
    let s = |n, d, filed| Sums {
        numerator: n,
        denominator: d,
        filed,
    };
    assert_eq!(s(3.0, Some(12_000.0), 2).value(&rate), Some(25.0));
    // A zero denominator is no data, never 0 or infinity.
    assert_eq!(s(3.0, Some(0.0), 2).value(&rate), None);
    // Nothing filed for the numerator: no data, not 0.
    assert_eq!(s(0.0, Some(12_000.0), 0).value(&rate), None);
    // A count has no denominator.
    let count = indicator("INJ_DROWN_DEATH", "", 1);
    assert_eq!(s(4.0, None, 1).value(&count), Some(4.0));
    // A registry-only numerator has data without any return.
    let reg = indicator("#children_u1", "#children_u5", 100);
    assert_eq!(s(1.0, Some(4.0), 0).value(&reg), Some(25.0));
}

#[test]
fn status_is_judged_on_the_exact_value() {
    assert_eq!(status(None, Some(5.0), Goal::AtMost), "no_data");
    assert_eq!(status(Some(4.0), None, Goal::AtMost), "no_target");
    assert_eq!(status(Some(5.0), Some(5.0), Goal::AtMost), "met");
    assert_eq!(status(Some(5.0), Some(5.0), Goal::Below), "not_met");
    assert_eq!(status(Some(4.99), Some(5.0), Goal::Below), "met");
    assert_eq!(status(Some(80.0), Some(80.0), Goal::AtLeast), "met");
    assert_eq!(status(Some(80.0), Some(80.0), Goal::Above), "not_met");
    assert_eq!(target_for(&[(2025, 10.0), (2030, 5.0)], 2027), Some(10.0));
    assert_eq!(target_for(&[(2025, 10.0), (2030, 5.0)], 2024), Some(10.0));
    assert_eq!(target_for(&[(2025, 10.0), (2030, 5.0)], 2031), Some(5.0));
    assert_eq!(target_for(&[], 2031), None);
    for g in Goal::ALL {
        assert_eq!(Goal::from_symbol(g.symbol()), Some(g));
    }
}

#[test]
fn registry_counts_follow_residence_age_and_the_reform() {
    let h = history();
    let old = unit(&h, "03394", d(2025, 1, 1));
    let reference = d(2025, 12, 31);
    let mut moved = child(old, d(2020, 1, 1));
    moved.status = ChildStatus::Moved;
    moved.status_date = Some(d(2025, 3, 1));
    let mut dead_after = child(old, d(2025, 2, 1));
    dead_after.status = ChildStatus::Dead;
    dead_after.status_date = Some(d(2026, 1, 5));
    let facts = Facts {
        children: vec![
            child(old, d(2025, 6, 1)),   // under one
            child(old, d(2020, 12, 31)), // 1826 days: under five
            child(old, d(2020, 12, 30)), // 1827 days: not
            child(old, d(2010, 1, 1)),   // 15
            child(old, d(2009, 12, 31)), // 16: not a child
            child(old, d(2026, 1, 1)),   // not yet born
            moved,                       // gone before the day
            dead_after,                  // died after it: counted
        ],
        ..Facts::default()
    };
    let counts = registry_counts(&h, &facts, reference);
    // The old commune's children count under the commune it became.
    let now = unit(&h, "03394", d(2025, 8, 1));
    assert_eq!(counts.len(), 1);
    assert_eq!(counts.get(&now), Some(&[5, 3, 2]));
}

#[test]
fn units_sum_their_communes_on_the_reference_date() {
    let h = history();
    let on = d(2025, 6, 30);
    let (a, b) = (unit(&h, "03394", on), unit(&h, "03400", on));
    let district = unit(&h, "106", on);
    let province = unit(&h, "12", on);
    let inputs = |pairs: &[(&str, &str, f64)], children: i64| CommuneInputs {
        values: pairs
            .iter()
            .map(|(e, s, v)| (((*e).to_string(), (*s).to_string()), *v))
            .collect(),
        registry: [children, 0, 0],
    };
    let communes = HashMap::from([
        (
            a,
            inputs(
                &[("INJ_DROWN_DEATH", "F", 1.0), ("INJ_DROWN_DEATH", "M", 2.0)],
                4_000,
            ),
        ),
        (b, inputs(&[], 6_000)),
    ]);
    let rate = indicator("INJ_DROWN_DEATH", "#children_0_15", 100_000);
    let girls = indicator("INJ_DROWN_DEATH:F", "", 1);
    let out = compute(&h, &communes, on, &[rate.clone(), girls.clone()]);
    let at = |u: usize| out.get(&u).cloned().unwrap_or_default();
    assert_eq!(at(a)[0].value(&rate), Some(75.0));
    assert_eq!(at(a)[1].value(&girls), Some(1.0));
    // A commune with no return filed: no data for it…
    assert_eq!(at(b)[0].value(&rate), None);
    // …but its children count in the district's denominator.
    assert_eq!(at(district)[0].denominator, Some(10_000.0));
    assert_eq!(at(district)[0].filed, 1);
    assert_eq!(at(district)[0].value(&rate), Some(30.0));
    assert_eq!(at(province)[0], at(district)[0]);
    // On the annual reference date the district is gone: province only.
    let annual = compute(&h, &HashMap::new(), d(2025, 12, 31), &[rate]);
    assert!(annual.is_empty());
}

#[test]
fn amounts_and_factors_are_written_the_vietnamese_way() {
    assert_eq!(amount(12_000.0), "12.000");
    assert_eq!(amount(999.0), "999");
    assert_eq!(amount(1_234_567.0), "1.234.567");
    assert_eq!(amount(0.0), "0");
    assert_eq!(amount(2.5), "2,5");
    assert_eq!(amount(1.25), "1,25");
    assert_eq!(per(100), "%");
    assert_eq!(per(1000), "‰");
    assert_eq!(per(100_000), " /100.000");
    assert_eq!(per(1), "");
    let rate = indicator("INJ_ALL", "#children_0_15", 100_000);
    assert_eq!(shown_value(&rate, 28_350.46), "28.350,5 /100.000");
    assert_eq!(shown_value(&rate, 0.04), "0,0 /100.000");
    assert_eq!(shown_value(&rate, 14.95), "15,0 /100.000");
    let count = indicator("INJ_ALL", "", 1);
    assert_eq!(shown_value(&count, 1200.0), "1.200");
}
