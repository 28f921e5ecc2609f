use super::*;

fn values(v: &[(&str, &str, f64)]) -> Values {
    v.iter()
        .map(|(e, s, x)| ((e.to_string(), s.to_string()), *x))
        .collect()
}

#[test]
fn values_are_read_by_their_kind() {
    assert_eq!(parse_value(ValueKind::Whole, " 1.200 "), Ok(Some(1200.0)));
    assert_eq!(parse_value(ValueKind::Whole, ""), Ok(None));
    assert_eq!(
        parse_value(ValueKind::Whole, "2,5"),
        Err(ValueRefused("returns.err_whole"))
    );
    assert_eq!(
        parse_value(ValueKind::Whole, "-3"),
        Err(ValueRefused("returns.err_whole"))
    );
    assert_eq!(parse_value(ValueKind::Decimal, "12,5"), Ok(Some(12.5)));
    assert_eq!(
        parse_value(ValueKind::Decimal, "NaN"),
        Err(ValueRefused("returns.err_decimal"))
    );
    assert_eq!(parse_value(ValueKind::YesNo, "Có"), Ok(Some(1.0)));
    assert_eq!(parse_value(ValueKind::YesNo, "KHÔNG"), Ok(Some(0.0)));
    assert_eq!(
        parse_value(ValueKind::YesNo, "maybe"),
        Err(ValueRefused("returns.err_yes_no"))
    );
    assert_eq!(
        parse_value(ValueKind::Decimal, "1e13"),
        Err(ValueRefused("returns.err_too_large"))
    );
}

#[test]
fn rules_compare_totals_over_both_sexes_when_both_are_filed() {
    let form = &seed::forms()[0];
    // 3 + 2 drownings, 4 injuries in all: drownings ≤ injuries is broken.
    let v = values(&[
        ("INJ_DROWN", "F", 3.0),
        ("INJ_DROWN", "M", 2.0),
        ("INJ_ALL", "F", 2.0),
        ("INJ_ALL", "M", 2.0),
    ]);
    let broken: Vec<(&str, &str)> = broken_rules(form, &v)
        .iter()
        .map(|r| (r.left.as_str(), r.right.as_str()))
        .collect();
    assert_eq!(broken, vec![("INJ_DROWN", "INJ_ALL")]);
    assert_eq!(total(&v, "INJ_DROWN"), Some(5.0));
    assert_eq!(total(&v, "U5_DEATH"), None);
    // A rule with a side not filed is not judged.
    let v = values(&[("U1_DEATH", "F", 1.0)]);
    assert!(broken_rules(form, &v).is_empty());
}

#[test]
fn a_return_is_submitted_approved_and_unlocked_with_a_reason() {
    use ReturnStatus::*;
    assert_eq!(step(Draft, &Step::Submit), Ok(Submitted));
    assert_eq!(step(Submitted, &Step::Approve), Ok(Approved));
    assert_eq!(
        step(Draft, &Step::Approve),
        Err(StepRefused("returns.err_not_submitted"))
    );
    assert_eq!(
        step(Approved, &Step::Submit),
        Err(StepRefused("returns.err_not_draft"))
    );
    assert_eq!(
        step(Approved, &Step::Unlock("  ".into())),
        Err(StepRefused("returns.err_unlock_reason"))
    );
    assert_eq!(
        step(
            Approved,
            &Step::Unlock("Xã báo thiếu 2 trẻ đuối nước".into())
        ),
        Ok(Draft)
    );
    assert_eq!(
        step(Draft, &Step::Unlock("Xã báo thiếu".into())),
        Err(StepRefused("returns.err_not_locked"))
    );
    assert!(Draft.editable() && !Submitted.editable() && !Approved.editable());
}

#[test]
fn a_jump_from_the_last_period_is_a_warning_for_large_moves_only() {
    assert!(!jumps(14.0, Some(10.0)), "small counts move by chance");
    assert!(jumps(40.0, Some(20.0)));
    assert!(jumps(0.0, Some(30.0)));
    assert!(!jumps(25.0, Some(20.0)));
    assert!(!jumps(100.0, None));
}

#[test]
fn the_seed_names_every_element_its_returns_use() {
    let elements = seed::elements();
    let codes: Vec<&str> = elements.iter().map(|e| e.code.as_str()).collect();
    for form in seed::forms() {
        for e in &form.elements {
            assert!(codes.contains(&e.as_str()), "{e}");
        }
        for r in &form.rules {
            assert!(form.elements.contains(&r.left) && form.elements.contains(&r.right));
        }
    }
    assert!(Frequency::Yearly.files(ReportPeriod {
        year: 2025,
        half: false
    }));
    assert!(!Frequency::Yearly.files(ReportPeriod {
        year: 2025,
        half: true
    }));
    for kind in [ValueKind::Whole, ValueKind::Decimal, ValueKind::YesNo] {
        assert_eq!(ValueKind::from_code(kind.code()), Some(kind));
    }
}
