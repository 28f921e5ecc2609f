//! `treem report` as a real process on a demo district: the DOCX carries the
//! administrative format and the same figures as `treem indicators`, the
//! XLSX annex every figure of every unit; bad options write nothing.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use common::{text, treem};
use treem_domain::indicators::name_vi_on;
use treem_store::testing::temp_dir;

/// The text of `word/document.xml` inside a DOCX.
fn document_xml(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// `1234.5` as the report prints it: one decimal, a decimal comma.
fn shown(v: f64) -> String {
    format!("{:.1}", (v * 10.0 + 0.5).floor() / 10.0).replace('.', ",")
}

fn indicators(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["indicators", "--year", "2025", "--format", "json"];
    args.extend(extra);
    let o = treem(dir, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The reference date of the annual report of 2025.
fn ref_date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
}

#[test]
fn the_report_and_its_annex_carry_the_indicators() {
    let dir = temp_dir().unwrap();
    let o = treem(&dir.0, &["demo", "--children", "600", "--seed", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let (docx, xlsx) = (dir.0.join("bao-cao.docx"), dir.0.join("phu-luc.xlsx"));
    let o = treem(
        &dir.0,
        &[
            "report",
            "--year",
            "2025",
            "--out",
            docx.to_str().unwrap(),
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--signer",
            "Nguyễn Văn Minh",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Đã viết báo cáo của Tỉnh Lai Châu"));

    let xml = document_xml(&docx);
    for needle in [
        "<w:pgSz w:w=\"11906\" w:h=\"16838\" />",
        "ỦY BAN NHÂN DÂN",
        "TỈNH LAI CHÂU",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lai Châu, ngày ",
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch chăm sóc, giáo dục và bảo vệ trẻ em năm 2025",
        "Ủy ban nhân dân tỉnh Lai Châu",
        "Số liệu tính đến ngày 31/12/2025",
        "xem Phụ lục",
        // The eight sections of a real report, section III from the
        // figures with its parts.
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TUYÊN TRUYỀN",
        "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "III. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "2. Chỉ số của các chương trình",
        "3. Chênh lệch giữa các nhóm trẻ em",
        "- Theo giới tính: ",
        "4. Các xã chưa đạt mục tiêu",
        "IV. CÔNG TÁC BẢO VỆ TRẺ EM",
        "V. CÔNG TÁC KIỂM TRA, GIÁM SÁT",
        "VI. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "VII. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "VIII. KIẾN NGHỊ, ĐỀ XUẤT",
        "TM. ỦY BAN NHÂN DÂN",
        "Nguyễn Văn Minh",
        // Decree 30: the header row of a table repeats on every page, no
        // row splits across pages, page numbers from page 2 (the first
        // page has a header of its own), the first line indented.
        "<w:tblHeader />",
        "<w:cantSplit />",
        "w:type=\"first\"",
        "<w:titlePg />",
        "w:firstLine=\"720\"",
        "- Lưu: VT.",
        // Birth registration has a target only for 2030: worded as such.
        "≥ 100,0% (mục tiêu năm 2030)",
    ] {
        assert!(xml.contains(needle), "{needle}");
    }
    // No "Như trên" without a "Kính gửi"; the software is never named.
    assert!(!xml.contains("Như trên") && !xml.to_lowercase().contains("treem"));
    // Every indicator of the province, as `treem indicators` computes it.
    let json = indicators(&dir.0, &[]);
    let units = json["units"].as_array().unwrap();
    let province = units.iter().find(|u| u["code"] == "12").unwrap();
    let figures = province["indicators"].as_object().unwrap();
    assert_eq!(figures.len(), 14);
    let mut met = 0;
    for (key, f) in figures {
        let fraction = format!(">{}/{}<", f["numerator"], f["denominator"]);
        assert!(xml.contains(&fraction), "{key}: {fraction}");
        if let Some(v) = f["value"].as_f64() {
            assert!(xml.contains(&format!(">{}%<", shown(v))), "{key}");
        }
        met += usize::from(f["status"] == "met");
    }
    assert!(xml.contains(&format!("Đạt {met}/")), "the summary counts");
    // The communes below target are counted and named, lowest first.
    let below: Vec<(&str, f64)> = units
        .iter()
        .filter(|u| u["level"] == "commune")
        .filter_map(|u| {
            let f = &u["indicators"]["birth_registration_u5"];
            (f["status"] == "not_met")
                .then(|| (u["name"].as_str().unwrap(), f["value"].as_f64().unwrap()))
        })
        .collect();
    assert!(!below.is_empty(), "the demo has a commune below target");
    let lowest = below
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(b.0)))
        .unwrap();
    let finding = format!(
        "{} xã chưa đạt: {} ({}%)",
        below.len(),
        lowest.0,
        shown(lowest.1)
    );
    assert!(xml.contains(&finding), "{finding}");

    // The annex: a rate per unit and indicator, every figure in detail, and
    // the programme indicators the demo defines.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(std::fs::read(&xlsx).unwrap())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Tỷ lệ (%)",
            "Chi tiết",
            "Chỉ số chương trình",
            "Theo nhóm trẻ em",
            "Số định danh"
        ]
    );
    // The link to the population database: nobody verified yet in a demo,
    // so every child is either unverified or without a number; the total
    // row sums the communes.
    let link = wb.worksheet_range("Số định danh").unwrap();
    let cells: Vec<Vec<String>> = link
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let total = cells
        .iter()
        .find(|r| r.get(1).is_some_and(|n| n == "Tổng"))
        .unwrap();
    assert_eq!(total[2], "0");
    let sum = |col: usize| {
        cells[3..cells.len() - 1]
            .iter()
            .map(|r| r[col].parse::<f64>().unwrap())
            .sum::<f64>()
    };
    assert_eq!(sum(5), total[5].parse::<f64>().unwrap());
    assert!(sum(5) > 0.0);
    // The groups of each dimension sum to the province's figure.
    let groups = wb.worksheet_range("Theo nhóm trẻ em").unwrap();
    let reg = &figures["birth_registration_u5"];
    for dimension in ["Giới tính", "Dân tộc", "Hộ nghèo"] {
        let (n, d) = groups
            .rows()
            .filter(|r| r[0] == Data::String("12".into()))
            .filter(|r| r[4] == Data::String(dimension.into()))
            .filter(|r| {
                r[3] == Data::String(name_vi_on("birth_registration_u5", ref_date()).into())
            })
            .fold((0.0, 0.0), |(n, d), r| match (&r[6], &r[7]) {
                (Data::Float(a), Data::Float(b)) => (n + a, d + b),
                _ => panic!("{r:?}"),
            });
        assert_eq!(
            (Some(n), Some(d)),
            (reg["numerator"].as_f64(), reg["denominator"].as_f64()),
            "{dimension}"
        );
    }
    let rates = wb.worksheet_range("Tỷ lệ (%)").unwrap();
    assert_eq!(rates.height(), units.len() + 1);
    let detail = wb.worksheet_range("Chi tiết").unwrap();
    assert_eq!(detail.height(), units.len() * 14 + 1);
    let row = rates
        .rows()
        .find(|r| r[0] == Data::String("12".into()))
        .unwrap();
    let birth = figures["birth_registration_u5"]["value"].as_f64().unwrap();
    assert!(row.contains(&Data::Float(birth)), "{row:?}");
    let numerators: f64 = detail
        .rows()
        .filter(|r| r[0] == Data::String("12".into()))
        .map(|r| match r[4] {
            Data::Float(n) => n,
            _ => panic!("{r:?}"),
        })
        .sum();
    let expected: f64 = figures
        .values()
        .map(|f| f["numerator"].as_f64().unwrap())
        .sum();
    assert_eq!(numerators, expected);
    // The programme indicators: a row per unit and indicator, the
    // province's numerators those of `treem indicators`.
    let programme = wb.worksheet_range("Chỉ số chương trình").unwrap();
    let defined = province["programme_indicators"].as_object().unwrap();
    assert_eq!(programme.height(), units.len() * defined.len() + 1);
    for row in programme
        .rows()
        .filter(|r| r[0] == Data::String("12".into()))
    {
        let Data::String(code) = &row[4] else {
            panic!("{row:?}")
        };
        let n = defined[code]["numerator"].as_f64().unwrap();
        assert_eq!(row[6], Data::Float(n), "{code}");
    }

    // The 6-month report of one commune (of the units before the reform),
    // without an annex.
    let h1_units = indicators(&dir.0, &["--half", "1"]);
    let commune = h1_units["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["level"] == "commune")
        .unwrap();
    let code = commune["code"].as_str().unwrap();
    let name = commune["name"].as_str().unwrap();
    let h1 = dir.0.join("6-thang.docx");
    let o = treem(
        &dir.0,
        &[
            "report",
            "--year",
            "2025",
            "--half",
            "1",
            "--unit",
            code,
            "--out",
            h1.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let xml = document_xml(&h1);
    assert!(xml.contains("6 tháng đầu năm 2025") && xml.contains("30/06/2025"));
    // The former commune no longer exists: the commune that took it over
    // issues the report about its territory.
    assert!(!xml.contains(&name.to_uppercase()) && !xml.contains("TỈNH LAI CHÂU"));
    let mut chars = name.chars();
    let first: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_lowercase)
        .collect();
    let former = format!("{first}{} (cũ)", chars.as_str());
    assert!(xml.contains(&former), "{former}");
    assert!(!xml.contains("xem Phụ lục") && !xml.contains("CÁC XÃ CHƯA ĐẠT"));

    // The former district's first half of 2025: issued today by the
    // province, naming the district and its thirteen communes.
    let district = dir.0.join("huyen-cu.docx");
    let args = [
        "report", "--year", "2025", "--half", "1", "--unit", "106", "--out",
    ];
    let o = treem(&dir.0, &[&args[..], &[district.to_str().unwrap()]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let xml = document_xml(&district);
    assert!(xml.contains("TỈNH LAI CHÂU") && !xml.contains("HUYỆN TAM ĐƯỜNG"));
    assert!(xml.contains("trên địa bàn huyện Tam Đường (cũ), gồm 13 xã, thị trấn"));
}

#[test]
fn bad_options_write_nothing() {
    let dir = temp_dir().unwrap();
    let o = treem(&dir.0, &["demo", "--children", "100", "--seed", "4"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = dir.0.join("bc.docx");
    let annex = dir.0.join("pl.xlsx");
    let (o_, a_) = (out.to_str().unwrap(), annex.to_str().unwrap());
    let cases: [(&[&str], &str); 7] = [
        (&["--year", "2025", "--out", "bc.pdf"], "đuôi .docx"),
        (
            &["--year", "2025", "--out", o_, "--xlsx", "pl.csv"],
            "đuôi .xlsx",
        ),
        (
            &["--year", "2025", "--out", "/khong-co/bc.docx"],
            "thư mục không tồn tại",
        ),
        (
            &["--year", "2025", "--half", "2", "--out", o_],
            "--half chỉ nhận 1",
        ),
        (&["--year", "1800", "--out", o_], "--year phải từ 1990"),
        (
            &["--year", "2025", "--unit", "99999", "--out", o_],
            "không có đơn vị mang mã 99999",
        ),
        (
            &["--year", "2025", "--out", o_, "--xlsx", a_, "--unit", "x"],
            "không có đơn vị",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["report"];
        all.extend(args);
        let o = treem(&dir.0, &all);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            text(&o.stderr).contains(message),
            "{args:?}: {}",
            text(&o.stderr)
        );
        assert!(!out.exists() && !annex.exists(), "{args:?} wrote a file");
    }
    // Without --out the command line is misused.
    assert_eq!(
        treem(&dir.0, &["report", "--year", "2025"]).status.code(),
        Some(2)
    );
    // A report never replaces a file, nor writes one half of the pair.
    std::fs::write(&annex, b"an older annex").unwrap();
    let o = treem(
        &dir.0,
        &["report", "--year", "2025", "--out", o_, "--xlsx", a_],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("đã có; hãy chọn tên khác"));
    assert!(!out.exists());
    assert_eq!(std::fs::read(&annex).unwrap(), b"an older annex");
}
