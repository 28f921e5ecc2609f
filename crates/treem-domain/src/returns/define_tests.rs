use super::*;

fn defined() -> Vec<String> {
    ["INJ_ALL", "INJ_DROWN", "ORPHAN_ONE"]
        .map(String::from)
        .to_vec()
}

fn el<'a>(code: &'a str, kind: &'a str, by_sex: bool, programme: &'a str) -> ElementInput<'a> {
    ElementInput {
        code,
        name_vi: "Số trẻ",
        name_en: "Children",
        kind,
        by_sex,
        programme,
    }
}

#[test]
fn elements_are_checked() {
    let e =
        element(&el(" inj_fall ", "whole", true, "ct2")).map(|e| (e.code, e.by_sex, e.programme));
    assert_eq!(e, Ok(("INJ_FALL".into(), true, Some("CT2".into()))));
    // A yes/no is never split by sex.
    assert_eq!(
        element(&el("HAS_CLUB", "yes_no", true, "")).map(|e| e.by_sex),
        Ok(false)
    );
    let key = |i: ElementInput<'_>| element(&i).map_err(|r| r.key);
    assert_eq!(
        key(el("bad code", "whole", false, "")),
        Err("define.err_code")
    );
    assert_eq!(key(el("X", "whole", false, "")), Err("define.err_code"));
    assert_eq!(
        key(el("INJ_FALL", "count", false, "")),
        Err("define.err_kind")
    );
    assert_eq!(
        key(el("INJ_FALL", "whole", false, "CT9")),
        Err("define.err_programme")
    );
    let mut blank = el("INJ_FALL", "whole", false, "");
    blank.name_en = " ";
    assert_eq!(key(blank), Err("define.err_name"));
    let long = "x".repeat(NAME_MAX + 1);
    let mut too_long = el("INJ_FALL", "whole", false, "");
    too_long.name_vi = &long;
    assert_eq!(key(too_long), Err("define.err_name_long"));
}

#[test]
fn returns_are_checked() {
    let input = |elements: &'static str, rules: &'static str| FormInput {
        code: "BC_TNTT",
        name_vi: "Báo cáo tai nạn",
        name_en: "Injuries",
        frequency: "6-monthly",
        elements,
        rules,
    };
    let f = form(
        &input("inj_all, INJ_DROWN\nORPHAN_ONE", "inj_drown <= INJ_ALL\n\n"),
        &defined(),
    );
    assert_eq!(f.as_ref().map(|f| f.elements.len()), Ok(3));
    assert_eq!(
        f.map(|f| f.rules),
        Ok(vec![Rule {
            left: "INJ_DROWN".into(),
            comparison: Comparison::AtMost,
            right: "INJ_ALL".into()
        }])
    );
    let key = |e, r| form(&input(e, r), &defined()).map_err(|r| (r.key, r.at));
    assert_eq!(
        key("INJ_ALL NOPE", ""),
        Err(("define.err_unknown_element", "NOPE".into()))
    );
    assert_eq!(
        key("INJ_ALL INJ_ALL", ""),
        Err(("define.err_twice", "INJ_ALL".into()))
    );
    assert_eq!(key(" ", ""), Err(("define.err_no_elements", "".into())));
    assert_eq!(
        key("INJ_ALL", "INJ_ALL is big"),
        Err(("define.err_rule", "INJ_ALL is big".into()))
    );
    assert_eq!(
        key("INJ_ALL", "INJ_DROWN <= INJ_ALL"),
        Err(("define.err_rule_elements", "INJ_DROWN <= INJ_ALL".into()))
    );
    let mut bad = input("INJ_ALL", "");
    bad.frequency = "monthly";
    assert_eq!(
        form(&bad, &defined()).map_err(|r| r.key),
        Err("define.err_frequency")
    );
}

#[test]
fn indicators_and_milestones_are_checked() {
    let input =
        |numerator: &'static str, factor: &'static str, goal: &'static str| IndicatorInput {
            code: "CT2_RATE",
            name_vi: "Tỷ suất",
            name_en: "Rate",
            programme: "CT2",
            numerator,
            denominator: "#children_0_15",
            factor,
            goal,
        };
    let ok = indicator(&input("INJ_ALL:F", "100.000", "<="), &defined());
    assert_eq!(
        ok.map(|i| (i.factor, i.goal, i.numerator.text())),
        Ok((100_000, Goal::AtMost, "INJ_ALL:F".into()))
    );
    let key = |i: IndicatorInput<'_>| indicator(&i, &defined()).map_err(|r| r.key);
    assert_eq!(key(input("", "100", ">=")), Err("define.err_no_numerator"));
    assert_eq!(
        key(input("NOPE", "100", ">=")),
        Err("programme.err_element")
    );
    assert_eq!(key(input("INJ_ALL", "50", ">=")), Err("define.err_factor"));
    assert_eq!(key(input("INJ_ALL", "100", "=>")), Err("define.err_goal"));
    let mut no_programme = input("INJ_ALL", "100", ">=");
    no_programme.programme = "";
    assert_eq!(key(no_programme), Err("define.err_programme"));

    assert_eq!(milestone("2030", "2,5"), Ok((2030, Some(2.5))));
    assert_eq!(milestone(" 2030 ", ""), Ok((2030, None)));
    assert_eq!(
        milestone("1999", "1").map_err(|r| r.key),
        Err("define.err_year")
    );
    assert_eq!(
        milestone("2030", "-1").map_err(|r| r.key),
        Err("define.err_value")
    );
    assert_eq!(
        milestone("2030", "NaN").map_err(|r| r.key),
        Err("define.err_value")
    );
}
