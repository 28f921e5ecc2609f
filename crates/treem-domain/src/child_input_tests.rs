use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
}

fn lap() -> ChildText {
    ChildText {
        child_id: "BB-001".into(),
        national_id: "012 319 001234".into(),
        full_name: "  Lò Thị Lập ".into(),
        sex: "Nữ".into(),
        date_of_birth: "17/05/2019".into(),
        ethnicity: "Thái".into(),
        commune_code: "03424".into(),
        village: "Bản Bo".into(),
        birth_registered: "có".into(),
        household_poverty: "cận nghèo".into(),
        special_circumstances: "d; N".into(),
        ..ChildText::default()
    }
}

#[test]
fn a_good_record_is_read_and_normalised() {
    let c = read_child(&lap(), today()).unwrap();
    assert_eq!(c.full_name, "Lò Thị Lập");
    assert_eq!(c.national_id.as_deref(), Some("012319001234"));
    assert_eq!(c.sex, Sex::Female);
    assert_eq!(c.ethnicity.as_deref(), Some("03"));
    assert_eq!(c.birth_registered, Some(true));
    assert_eq!(c.household_poverty, Some(Poverty::NearPoor));
    assert_eq!(c.special_circumstances, vec!["d", "n"]);
    assert_eq!(c.status, ChildStatus::Active);
    // And back to text and in again: the same record.
    assert_eq!(read_child(&child_text(&c), today()).unwrap(), c);
}

#[test]
fn every_problem_is_located() {
    let bad = ChildText {
        child_id: String::new(),
        national_id: "012219001234".into(),
        sex: "X".into(),
        date_of_birth: "2027-01-01".into(),
        ethnicity: "Martian".into(),
        special_circumstances: "z".into(),
        status: "moved".into(),
        birth_registered: "maybe".into(),
        ..lap()
    };
    let problems = read_child(&bad, today()).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    for f in [
        "child_id",
        "sex",
        "date_of_birth",
        "ethnicity",
        "special_circumstances",
        "status_date",
        "birth_registered",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(
        problems
            .iter()
            .all(|p| !p.message_vi.is_empty() && !p.message_en.is_empty())
    );
}

#[test]
fn id_number_must_fit_the_child() {
    let wrong_sex = ChildText {
        sex: "Nam".into(),
        ..lap()
    };
    let p = read_child(&wrong_sex, today()).unwrap_err();
    assert_eq!(p[0].field, "national_id");
    assert!(p[0].message_en.contains("4th digit"));
    // Each language says it in its own words only.
    assert!(p[0].message_vi.contains("chữ số thứ 4"));
    assert!(!p[0].message_vi.contains("digit"), "{}", p[0].message_vi);
    assert!(!p[0].message_en.contains("chữ số"), "{}", p[0].message_en);
}

#[test]
fn long_text_is_refused_but_a_thousand_characters_are_kept() {
    let long = "Ư".repeat(MAX_FIELD_CHARS);
    let ok = ChildText {
        full_name: long.clone(),
        ..lap()
    };
    assert_eq!(read_child(&ok, today()).unwrap().full_name, long);
    let too_long = ChildText {
        full_name: format!("{long}a"),
        ..lap()
    };
    assert_eq!(
        read_child(&too_long, today()).unwrap_err()[0].field,
        "full_name"
    );
}

#[test]
fn hostile_text_is_kept_verbatim() {
    let evil = "<script>alert('x')</script> =1+1 '; DROP TABLE children; -- 👶";
    let c = read_child(
        &ChildText {
            full_name: evil.into(),
            ..lap()
        },
        today(),
    )
    .unwrap();
    assert_eq!(c.full_name, evil);
}

#[test]
fn ethnicity_by_code_or_name() {
    assert_eq!(parse_ethnicity("8").as_deref(), Some("08"));
    assert_eq!(parse_ethnicity("hmong").as_deref(), Some("08"));
    assert_eq!(parse_ethnicity("Khơ Mú").as_deref(), Some("29"));
    assert_eq!(parse_ethnicity("99"), None);
}
