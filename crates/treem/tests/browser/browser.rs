//! The first-start flow in a real browser (Debian's headless Chromium through
//! chromedriver): `treem serve --demo`, the printed one-time password, the
//! Vietnamese login page, the forced password change, the home page, the
//! children's list, the nutrition list and a child's growth charts, then
//! search → a child's page → correcting her record, then the indicators of
//! her commune and the children behind a figure — on a 360-px-wide phone
//! window. Screenshots land in `target/browser/`.
//!
//! Runs when chromedriver is installed; set `TREEM_TEST_BROWSER=1` to make
//! its absence a failure (CI does).

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use fantoccini::Locator;

#[tokio::test]
async fn first_start_login_in_chromium() {
    let Some(session) = launch().await else {
        return;
    };
    let (browser, base, one_time, data) = (
        &session.browser,
        session.base.clone(),
        session.one_time.clone(),
        &session.data,
    );
    // Any page leads to the Vietnamese login page.
    browser.goto(&format!("{base}/children")).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Đăng nhập · treem");
    shot(browser, "login-360.png").await;

    // A wrong password first: a clear message, still on the login page.
    type_into(browser, "username", "admin").await;
    type_into(browser, "password", "sai-mat-khau").await;
    click(browser, "form[action='/login'] button").await;
    let alert = browser
        .wait()
        .for_element(Locator::Css("[role=alert]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alert, "Tên đăng nhập hoặc mật khẩu không đúng.");

    // The one-time password leads to the password change.
    type_into(browser, "password", &one_time).await;
    click(browser, "form[action='/login'] button").await;
    wait_path(browser, "/account/password").await;
    type_into(browser, "current", &one_time).await;
    type_into(browser, "new", "mat-khau-cua-toi-2026").await;
    type_into(browser, "repeat", "mat-khau-cua-toi-2026").await;
    click(browser, "form[action='/account/password'] button").await;

    // Home: greeting, the number of children, the menu.
    wait_path(browser, "/").await;
    let h1 = browser
        .wait()
        .for_element(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Xin chào, Quản trị viên");
    let status = browser
        .find(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "Đã đổi mật khẩu.");
    let tile = browser
        .find(Locator::Css("a.tile[href='/children'] .big"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(tile, "3.000");
    shot(browser, "home-360.png").await;

    // The page fits a phone: nothing wider than the window.
    let js = "return [document.documentElement.scrollWidth, window.innerWidth]";
    let sizes = browser.execute(js, vec![]).await.unwrap();
    assert_eq!(
        sizes,
        serde_json::json!([360, 360]),
        "page width, window width"
    );

    // On the phone the menu is one button: closed, the wide bar hidden;
    // opened, its links are there.
    let menu: serde_json::Value = browser
        .execute(
            "const d = document.querySelector('details.menu-phone'); \
             const wide = document.querySelector('nav.menu-wide'); \
             return [d.open, getComputedStyle(wide).display, d.getBoundingClientRect().height];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(menu[0], false, "{menu}");
    assert_eq!(menu[1], "none", "{menu}");
    assert!(menu[2].as_f64().unwrap() < 60.0, "one line: {menu}");
    shot(browser, "home-menu-closed-360.png").await;
    click(browser, "details.menu-phone summary").await;
    shot(browser, "home-menu-open-360.png").await;
    browser
        .find(Locator::Css("details.menu-phone a[href='/children']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(browser, "/children").await;
    let total = browser
        .wait()
        .for_element(Locator::Css("main p.muted"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(total, "Tổng số: 3.000 trẻ");
    shot(browser, "children-360.png").await;

    // The nutrition list, lowest weight-for-age first, leads to a child
    // with measurements and her growth charts.
    browser
        .goto(&format!("{base}/nutrition?sort=waz"))
        .await
        .unwrap();
    let first = browser
        .wait()
        .for_element(Locator::Css("table.list tbody tr td a"))
        .await
        .unwrap();
    first.click().await.unwrap();
    browser
        .wait()
        .for_element(Locator::Css("figure.chart svg"))
        .await
        .unwrap();
    let js = "return Array.from(document.querySelectorAll('figure.chart svg')).map(s => Math.round(s.getBoundingClientRect().width))";
    let widths = browser.execute(js, vec![]).await.unwrap();
    let widths: Vec<u64> = widths
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_u64())
        .collect();
    assert_eq!(widths.len(), 3, "three charts");
    assert!(
        widths.iter().all(|w| *w > 250 && *w <= 360),
        "charts fit the phone: {widths:?}"
    );
    let curves = browser
        .execute(
            "return document.querySelectorAll('figure.chart polyline.sd0').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(curves, serde_json::json!(3));
    let points = browser
        .execute("return document.querySelectorAll('figure.chart circle.pt, figure.chart rect.flagged').length", vec![])
        .await
        .unwrap();
    assert!(
        points.as_u64().unwrap() >= 1,
        "the child's points are drawn"
    );
    let chart = browser.find(Locator::Css("div.charts")).await.unwrap();
    std::fs::write(
        screenshot_dir().join("growth-chart-360.png"),
        chart.screenshot().await.unwrap(),
    )
    .unwrap();
    // A commune officer (added on the command line beside the running
    // server): search without accents → the child's page → correct her record.
    add_user(data, "can.bo", "commune", "03424", "mat-khau-can-bo-xa");
    click(browser, "form[action='/logout'] button").await;
    wait_path(browser, "/login").await;
    type_into(browser, "username", "can.bo").await;
    type_into(browser, "password", "mat-khau-can-bo-xa").await;
    click(browser, "form[action='/login'] button").await;
    wait_path(browser, "/").await;
    browser.goto(&format!("{base}/children")).await.unwrap();
    let first_name = browser
        .wait()
        .for_element(Locator::Css("table.list tbody tr td a"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let typed = treem_domain::text::fold(&first_name);
    // As she types, the results follow without a button (the address too).
    type_into(browser, "q", &typed).await;
    wait_url(browser, |u| u.query().is_some_and(|q| q.contains("q="))).await;
    let hit = browser
        .wait()
        .for_element(Locator::LinkText(&first_name))
        .await
        .unwrap();
    hit.click().await.unwrap();
    wait_url(browser, |u| u.path().starts_with("/children/")).await;
    let h1 = browser
        .wait()
        .for_element(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, first_name);
    browser
        .find(Locator::LinkText("Sửa hồ sơ"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_url(browser, |u| u.path().ends_with("/edit")).await;
    let village = browser
        .wait()
        .for_element(Locator::Id("village"))
        .await
        .unwrap();
    village.clear().await.unwrap();
    village.send_keys("Bản Thử Nghiệm").await.unwrap();
    shot(browser, "edit-360.png").await;
    click(browser, "form.card button[type=submit]").await;
    wait_url(browser, |u| {
        u.query().is_some_and(|q| q.contains("saved=child"))
    })
    .await;
    let saved = browser
        .wait()
        .for_element(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(saved, "Đã lưu hồ sơ.");
    let facts = browser
        .find(Locator::Css("dl.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(facts.contains("Bản Thử Nghiệm"), "{facts}");

    // The indicators of her commune, and the children behind a figure.
    browser
        .goto(&format!("{base}/indicators?year=2025&half=1"))
        .await
        .unwrap();
    let figure = browser
        .wait()
        .for_element(Locator::Css("tr#birth_registration_u5 a"))
        .await
        .unwrap();
    let shown = figure.text().await.unwrap();
    let denominator: usize = shown.rsplit('/').next().unwrap().parse().unwrap();
    shot(browser, "indicators-360.png").await;
    figure.click().await.unwrap();
    wait_url(browser, |u| u.path() == "/indicators/birth_registration_u5").await;
    let h1 = browser
        .wait()
        .for_element(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(h1.contains("đăng ký khai sinh"), "{h1}");
    let rows = browser.find_all(Locator::Css("tbody tr")).await.unwrap();
    assert_eq!(rows.len(), denominator);
    shot(browser, "drill-down-360.png").await;
    browser
        .goto(&format!("{base}/indicators/trend"))
        .await
        .unwrap();
    let chart = browser
        .wait()
        .for_element(Locator::Css(".trend figure"))
        .await
        .unwrap();
    std::fs::write(
        screenshot_dir().join("trend-360.png"),
        chart.screenshot().await.unwrap(),
    )
    .unwrap();
    browser.clone().close().await.unwrap();
}
