use super::*;

#[test]
fn reads_the_spellings() {
    assert_eq!(parse_sex("Nữ"), Some(Sex::Female));
    assert_eq!(parse_sex(" NAM "), Some(Sex::Male));
    assert_eq!(parse_sex("2"), Some(Sex::Female));
    assert_eq!(parse_sex("Trai"), Some(Sex::Male));
    assert_eq!(parse_sex("gái"), Some(Sex::Female));
    assert_eq!(parse_sex("Bé gái"), Some(Sex::Female));
    assert_eq!(parse_sex("x"), None);
    assert_eq!(
        parse_date("2024-02-29"),
        NaiveDate::from_ymd_opt(2024, 2, 29)
    );
    assert_eq!(
        parse_date("03/04/2020"),
        NaiveDate::from_ymd_opt(2020, 4, 3)
    );
    assert_eq!(parse_date("3/4/2020"), NaiveDate::from_ymd_opt(2020, 4, 3));
    assert_eq!(parse_date("2023-02-29"), None);
    assert_eq!(parse_date("hôm nay"), None);
    assert_eq!(parse_decimal("12,5"), Some(12.5));
    assert_eq!(parse_decimal("1.234,5"), None);
    assert_eq!(parse_decimal("1e3"), None);
    assert_eq!(parse_position("Nằm"), Ok(Some(Position::Lying)));
    assert_eq!(parse_position("đứng"), Ok(Some(Position::Standing)));
    assert_eq!(parse_position(""), Ok(None));
    assert!(parse_position("sitting").is_err());
    assert_eq!(parse_yes_no(""), Some(false));
    assert_eq!(parse_yes_no("Có"), Some(true));
    assert_eq!(parse_yes_no("maybe"), None);
}

fn run(csv: &str) -> (String, FileSummary) {
    let mut out = Vec::new();
    let summary = zscore_file(csv.as_bytes(), &mut out, &mut |_| {}).unwrap();
    (String::from_utf8(out).unwrap(), summary)
}

#[test]
fn file_copies_columns_and_appends_outputs() {
    let csv = "\u{feff}id,sex,date_of_birth,date_of_measurement,weight_kg,height_cm,measured,oedema,note\n\
               a1,1,2024-01-01,2025-06-30,\"9,8\",78.5,lying,n,\"hai\ndòng\"\n";
    let (out, summary) = run(csv);
    assert_eq!(summary.rows, 1);
    assert!(summary.errors.is_empty());
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,sex,date_of_birth,date_of_measurement,weight_kg,height_cm,measured,oedema,note,\
         age_days,clen_cm,c9mo_flag,waz,f_waz,haz,f_haz,whz,f_whz,baz,f_baz,hcz,f_hcz"
    );
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[8], "hai\ndòng", "other columns are copied untouched");
    assert_eq!(&row[4], "9,8");
    assert_eq!(&row[9], "546");
    assert_eq!(&row[10], "78.5");
    assert_eq!(&row[11], "0");
    assert!(!row[12].is_empty() && !row[14].is_empty() && !row[16].is_empty());
    assert_eq!(&row[20], "", "no head circumference, no hcz");
    assert_eq!(&row[21], "");
}

#[test]
fn bad_rows_keep_empty_outputs_and_are_located() {
    let csv = "sex,date_of_birth,measured_on,weight_kg,height_cm\n\
               1,2024-01-01,2025-01-01,-3,70\n\
               3,2024-01-01,2025-01-01,8,70\n\
               2,2025-01-01,2024-01-01,8,70\n\
               2,2024-31-01,2025-01-01,8,70\n\
               2,2024-01-01,2025-01-01,8,70\n";
    let (out, summary) = run(csv);
    assert_eq!(summary.rows, 5);
    let lines: Vec<u64> = summary.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5]);
    assert_eq!(summary.errors[0].error.column, "weight_kg");
    assert_eq!(summary.errors[1].error.column, "sex");
    assert_eq!(summary.errors[2].error.column, "date_of_measurement");
    assert_eq!(summary.errors[3].error.column, "date_of_birth");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[1].ends_with(",,,,,,,,,,,,,"), "{}", rows[1]);
    assert!(!rows[5].ends_with(",,,,,,,,,,,,,"));
}

#[test]
fn zero_is_read_but_gives_no_weight_scores() {
    let (out, summary) =
        run("sex,date_of_birth,measured_on,weight_kg,height_cm\n1,2024-01-01,2025-01-01,0,75\n");
    assert!(summary.errors.is_empty());
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[8], "", "no waz from a zero weight");
    assert!(!row[10].is_empty(), "haz still computed");
}

#[test]
fn missing_sex_column_is_an_error() {
    let mut out = Vec::new();
    let r = zscore_file("a,b\n1,2\n".as_bytes(), &mut out, &mut |_| {});
    assert!(matches!(r, Err(FileError::MissingColumn("sex"))));
}

#[test]
fn unknown_age_still_gives_weight_for_length() {
    let (out, summary) = run("sex,weight_kg,height_cm,measured\n2,9,75,lying\n");
    assert!(summary.errors.is_empty());
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[4], "", "age unknown");
    assert_eq!(&row[7], "", "no waz without age");
    assert!(!row[11].is_empty(), "whz computed");
}

#[test]
fn negative_zero_is_printed_as_zero() {
    let z = Some(Z {
        value: -0.0,
        flagged: false,
    });
    assert_eq!(z_text(z)[0], "0.00");
}
