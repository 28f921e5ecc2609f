use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn record(number: Option<&str>) -> OnRecord<'_> {
    OnRecord {
        national_id: number,
        sex: Sex::Female,
        born: day(2019, 5, 1),
        verified: None,
        last_result: None,
        shared: false,
    }
}

#[test]
fn each_child_goes_on_the_list_for_its_first_reason() {
    assert_eq!(reason(&record(None)), Some(Reason::Missing));
    assert_eq!(reason(&record(Some("  "))), Some(Reason::Missing));
    // A man's century digit for a girl.
    assert!(matches!(
        reason(&record(Some("012219001234"))),
        Some(Reason::Malformed(NationalIdError::CenturySex))
    ));
    let good = Some("012319001234");
    let shared = OnRecord {
        shared: true,
        ..record(good)
    };
    assert_eq!(reason(&shared), Some(Reason::Shared));
    assert_eq!(reason(&record(good)), Some(Reason::Unverified));
    let verified = OnRecord {
        verified: good,
        last_result: Some("match"),
        ..record(good)
    };
    assert_eq!(
        reason(&verified),
        None,
        "verified and unchanged: off the list"
    );
    let changed = OnRecord {
        verified: Some("012319009999"),
        ..record(good)
    };
    assert_eq!(reason(&changed), Some(Reason::Unverified), "changed since");
    let lost = OnRecord {
        last_result: Some("not_found"),
        ..record(None)
    };
    assert_eq!(
        reason(&lost),
        Some(Reason::NotFound),
        "stays on the next list"
    );
}

#[test]
fn the_link_has_three_states() {
    assert_eq!(link(None, None), Link::None);
    assert_eq!(link(Some("012319001234"), None), Link::Unverified);
    assert_eq!(
        link(Some("012319001234"), Some("012319001234")),
        Link::Verified
    );
    assert_eq!(
        link(Some("012319001234"), Some("012319009999")),
        Link::Unverified
    );
}

#[test]
fn the_police_write_codes_or_words() {
    for (typed, o) in [
        ("match", Outcome::Match),
        ("Khớp", Outcome::Match),
        ("khop", Outcome::Match),
        ("Đã sửa thông tin", Outcome::Corrected),
        ("not_found", Outcome::NotFound),
        ("KHÔNG TÌM THẤY", Outcome::NotFound),
    ] {
        assert_eq!(Outcome::parse(typed), Some(o), "{typed}");
    }
    assert_eq!(Outcome::parse("ok"), None);
}

fn row(number: &str, result: &str) -> Returned {
    Returned {
        line: 2,
        child_code: "TD-000001".into(),
        number: number.into(),
        result: result.into(),
    }
}

#[test]
fn a_returned_row_is_checked_against_the_child() {
    let girl = Some((Sex::Female, day(2019, 5, 1)));
    let (o, id) = check_returned(&row("012 319 001234", "khớp"), girl, None).unwrap();
    assert_eq!((o, id.unwrap().as_str()), (Outcome::Match, "012319001234"));
    let (o, id) = check_returned(&row("", "không tìm thấy"), girl, None).unwrap();
    assert_eq!((o, id), (Outcome::NotFound, None));
    let fields = |r: Result<_, Vec<Problem>>| {
        r.unwrap_err()
            .into_iter()
            .map(|(f, vi, _)| format!("{f}: {vi}"))
            .collect::<Vec<_>>()
    };
    assert!(
        fields(check_returned(&row("012319001234", "khớp"), None, None))[0]
            .contains("không có trong danh sách")
    );
    assert!(
        fields(check_returned(&row("012319001234", "ok"), girl, None))[0].starts_with("result")
    );
    assert!(fields(check_returned(&row("", "khớp"), girl, None))[0].contains("Bắt buộc"));
    assert!(
        fields(check_returned(
            &row("012319001234", "not_found"),
            girl,
            None
        ))[0]
            .contains("không ghi số")
    );
    // Born 2019: digits 5–6 must be 19.
    assert!(
        fields(check_returned(&row("012318001234", "khớp"), girl, None))[0].contains("năm sinh")
    );
    assert!(fields(check_returned(&row("12345", "khớp"), girl, None))[0].contains("12 chữ số"));
    let held = fields(check_returned(
        &row("012319001234", "corrected"),
        girl,
        Some("TD-000777"),
    ));
    assert!(held[0].contains("TD-000777"), "{held:?}");
}
