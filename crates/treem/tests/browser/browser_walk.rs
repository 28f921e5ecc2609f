//! Every page on a 360-px phone, as each kind of user sees it, in headless
//! Chromium: the menu is one closed button, nothing is wider than the
//! screen, and a list's first column is on the screen. Then the import of
//! an officer's own workbook ("Danh sach tre"): checked, named sheet by
//! sheet, stored with «Lưu dữ liệu» without choosing the file again.
//! Screenshots land in `target/browser/`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use fantoccini::Locator;

/// What is wrong with the page on a phone, if anything: the menu open or
/// wide, the page wider than the screen, a table whose first column is off
/// it (a wide table may scroll inside its frame, never its first column).
async fn phone_faults(b: &fantoccini::Client) -> Vec<String> {
    let v: serde_json::Value = b
        .execute(
            "const w = window.innerWidth; const out = []; \
             const page = document.documentElement.scrollWidth - w; \
             if (page > 0.5) out.push('page ' + page + 'px wider'); \
             const wide = document.querySelector('.menu-wide'); \
             if (wide && getComputedStyle(wide).display !== 'none') out.push('wide menu shown'); \
             const phone = document.querySelector('details.menu-phone'); \
             if (!phone) out.push('no phone menu'); else if (phone.open) out.push('menu open'); \
             for (const t of document.querySelectorAll('main table')) { \
               const cell = t.querySelector('tbody tr > *'); \
               if (!cell) continue; \
               const r = cell.getBoundingClientRect(); \
               if (r.right > w + 0.5 || r.left < -0.5) out.push('first column of «' + \
                 (t.querySelector('caption, th') || t).textContent.trim().slice(0, 30) + \
                 '» at ' + Math.round(r.left) + '–' + Math.round(r.right)); \
             } \
             return out;",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The links of the menu (hidden on a phone, but there).
async fn menu_links(b: &fantoccini::Client) -> Vec<String> {
    let v: serde_json::Value = b
        .execute(
            "return [...document.querySelectorAll('.menu-wide a')].map(a => a.getAttribute('href'));",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// The first link of the page matching `css`, if any.
async fn first_link(b: &fantoccini::Client, css: &str) -> Option<String> {
    let a = b.find(Locator::Css(css)).await.ok()?;
    a.attr("href").await.ok().flatten()
}

/// Visits the pages (the menu's and those found from them) and returns
/// every fault, by page.
async fn walk(b: &fantoccini::Client, base: &str, who: &str) -> Vec<String> {
    b.goto(&format!("{base}/")).await.unwrap();
    let mut pages = menu_links(b).await;
    pages.extend(["/account/password".to_string()]);
    // Pages one step down: a child, a case, an indicator's children, forms.
    let mut deeper = Vec::new();
    for (from, css) in [
        ("/children", "main table a[href^='/children/']"),
        ("/cases", "main table a[href^='/cases/']"),
        ("/indicators", "main table a[href^='/indicators/']"),
    ] {
        if !pages.iter().any(|p| p == from) {
            continue;
        }
        b.goto(&format!("{base}{from}")).await.unwrap();
        if let Some(href) = first_link(b, css).await {
            deeper.push(href);
        }
    }
    if pages.iter().any(|p| p == "/children") {
        deeper.push("/children/new".into());
        deeper.push("/children?q=L%C3%B2".into());
    }
    if pages.iter().any(|p| p == "/indicators") {
        deeper.push("/indicators/report".into());
        deeper.push("/indicators/trend".into());
    }
    if pages.iter().any(|p| p == "/cases") {
        deeper.push("/cases/new".into());
    }
    if let Some(child) = deeper
        .iter()
        .find(|p| p.starts_with("/children/") && p[10..].chars().all(|c| c.is_ascii_digit()))
        .cloned()
    {
        deeper.push(format!("{child}/measurements/new"));
        deeper.push(format!("{child}/edit"));
    }
    pages.extend(deeper);
    let mut faults = Vec::new();
    for path in &pages {
        b.goto(&format!("{base}{path}")).await.unwrap();
        b.wait().for_element(Locator::Css("main h1")).await.unwrap();
        let name: String = path
            .trim_matches('/')
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(40)
            .collect();
        shot(
            b,
            &format!(
                "walk-{who}-{}.png",
                if name.is_empty() { "home" } else { &name }
            ),
        )
        .await;
        for f in phone_faults(b).await {
            faults.push(format!("{who} {path}: {f}"));
        }
    }
    assert!(pages.len() >= 4, "{who} saw too few pages: {pages:?}");
    eprintln!("{who}: {} pages walked", pages.len());
    faults
}

#[tokio::test]
async fn every_page_fits_a_phone() {
    let Some(s) = launch().await else { return };
    let users = [
        ("can.bo", "commune", "03424"),
        ("tinh", "province", "12"),
        ("xem", "viewer", "12"),
        ("quan.tri", "admin", "12"),
    ];
    let mut faults = Vec::new();
    for (name, role, unit) in users {
        let password = format!("mat-khau-{name}-dai");
        add_user(&s.data, name, role, unit, &password);
        sign_in(&s.browser, &s.base, name, &password).await;
        faults.extend(walk(&s.browser, &s.base, name).await);
        sign_out(&s.browser).await;
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    s.browser.clone().close().await.unwrap();
}

/// A workbook as an officer makes it: a guide sheet and the children on a
/// sheet named her own way.
fn officers_workbook(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let note = book.add_worksheet();
    note.set_name("Ghi chu").unwrap();
    note.write_string(0, 0, "Danh sách tháng 11").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sach tre").unwrap();
    let rows = [
        [
            "Mã trẻ",
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Mã xã",
            "Thôn, bản",
        ],
        [
            "BB-T11-1",
            "Lò Thị Ngọc",
            "Gái",
            "03/02/2024",
            "03424",
            "Bản Bo",
        ],
        [
            "BB-T11-2",
            "Lò Văn Khánh",
            "Trai",
            "15/09/2023",
            "03424",
            "Nà Tăm",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[tokio::test]
async fn an_officers_workbook_is_checked_then_stored() {
    let Some(s) = launch().await else { return };
    add_user(&s.data, "can.bo", "commune", "03424", "mat-khau-can-bo-xa");
    let b = &s.browser;
    sign_in(b, &s.base, "can.bo", "mat-khau-can-bo-xa").await;
    let file = s.data.0.join("Danh sach tre thang 11.xlsx");
    officers_workbook(&file);

    b.goto(&format!("{}/datasets", s.base)).await.unwrap();
    b.wait()
        .for_element(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    // «Chỉ kiểm tra» is ticked by default.
    click(b, "form[action='/datasets'] button[type=submit]").await;
    let verdict = b
        .wait()
        .for_element(Locator::Css(".notice[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        verdict.contains("Kiểm tra xong: không có lỗi, 2 dòng"),
        "{verdict}"
    );
    let main = b
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        main.contains("Danh sach tre: đọc như trang tính «children»"),
        "{main}"
    );
    assert!(main.contains("Ghi chu"), "the stray sheet is named: {main}");
    shot(b, "import-checked-360.png").await;
    assert!(
        phone_faults(b).await.is_empty(),
        "{:?}",
        phone_faults(b).await
    );

    click(b, "form#save button[type=submit]").await;
    let verdict = b
        .wait()
        .for_element(Locator::XPath(
            "//div[@role='status'][contains(., 'Đã lưu toàn bộ')]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(verdict.contains("2 dòng mới hoặc đã sửa"), "{verdict}");
    let stored = b
        .find(Locator::XPath("//table//tr[td[1][.='children']]/td[3]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(stored, "2", "the table says what was stored");
    assert!(b.find(Locator::Css("form#save")).await.is_err());
    shot(b, "import-stored-360.png").await;

    // The children are in the registry.
    b.goto(&format!("{}/children?q=BB-T11-2", s.base))
        .await
        .unwrap();
    let found = b
        .wait()
        .for_element(Locator::Css("main table"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("Lò Văn Khánh"), "{found}");
    s.browser.clone().close().await.unwrap();
}
