//! A commune officer's day on a 360-px phone in headless Chromium: every
//! list fits the screen (cards, no sideways scrolling), the menu is one
//! button, and a measurement typed wrong (95 kg for a toddler) shows at the
//! chart's edge and is corrected with a reason. Screenshots land in
//! `target/browser/`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use browser_common::*;
use fantoccini::Locator;

const OFFICER: (&str, &str) = ("can.bo", "mat-khau-can-bo-xa");

/// How far the page and its widest table reach past the window (px).
async fn overflow(b: &fantoccini::Client) -> f64 {
    let v: serde_json::Value = b
        .execute(
            "const w = window.innerWidth; \
             let right = document.documentElement.scrollWidth; \
             for (const t of document.querySelectorAll('main table')) { \
               right = Math.max(right, t.getBoundingClientRect().right); } \
             return right - w;",
            vec![],
        )
        .await
        .unwrap();
    v.as_f64().unwrap()
}

#[tokio::test]
async fn an_officers_phone_day_in_chromium() {
    let Some(s) = launch().await else { return };
    add_user(&s.data, OFFICER.0, "commune", "03424", OFFICER.1);
    let b = &s.browser;
    sign_in(b, &s.base, OFFICER.0, OFFICER.1).await;

    // Every list as cards: nothing wider than the phone.
    for (path, name) in [
        ("/children", "children"),
        ("/nutrition", "nutrition"),
        ("/cases", "cases"),
        ("/lists/no-birth-registration", "list-no-birth-registration"),
        ("/indicators/stunting_u5?year=2025&half=0", "drill-stunting"),
    ] {
        b.goto(&format!("{}{path}", s.base)).await.unwrap();
        b.wait().for_element(Locator::Css("main h1")).await.unwrap();
        shot(b, &format!("{name}-360.png")).await;
        let over = overflow(b).await;
        assert!(over <= 0.5, "{path} is {over}px wider than the phone");
    }
    // The nutrition list's reason is on the screen, beside the name.
    b.goto(&format!("{}/nutrition", s.base)).await.unwrap();
    let first = b
        .wait()
        .for_element(Locator::Css("table.cards tbody tr"))
        .await
        .unwrap();
    let reason: serde_json::Value = b
        .execute(
            "const td = document.querySelector('table.cards tbody tr td[data-label=\"Lý do\"]'); \
             const r = td.getBoundingClientRect(); \
             return [r.width > 0, r.right <= window.innerWidth, getComputedStyle(td, '::before').content];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(reason[0], true, "{reason}");
    assert_eq!(reason[1], true, "{reason}");
    assert_eq!(reason[2], "\"Lý do: \"", "{reason}");

    // 95 kg for a toddler: checked, confirmed, drawn at the chart's edge.
    let child = first
        .find(Locator::Css("td a"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    b.goto(&format!("{}{child}/measurements/new", s.base))
        .await
        .unwrap();
    type_into(b, "weight_kg", "95").await;
    click(b, "form.card button[type=submit]").await;
    b.wait()
        .for_element(Locator::Css("input[name=confirm]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(b, "form.card button[type=submit]").await;
    wait_url(b, |u| u.query() == Some("saved=1")).await;
    let off = b
        .wait()
        .for_element(Locator::Css("text.offscale"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(off, "95,0 ⚠");
    b.execute(
        "document.querySelector('.charts').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    shot(b, "child-offscale-360.png").await;

    // Corrected from the child's page, with a reason.
    let fix = b
        .find(Locator::XPath(
            "//tr[td[contains(., '95,0')]]//a[contains(@href, '/measurements/')]",
        ))
        .await
        .unwrap();
    let href = fix.attr("href").await.unwrap().unwrap();
    b.goto(&format!("{}{href}", s.base)).await.unwrap();
    let weight = b
        .wait()
        .for_element(Locator::Id("weight_kg"))
        .await
        .unwrap();
    weight.clear().await.unwrap();
    type_into(b, "weight_kg", "9,5").await;
    type_into(b, "reason", "Gõ nhầm 9,5 thành 95").await;
    shot(b, "measurement-fix-360.png").await;
    click(b, "form.card input[value=correct] ~ button[type=submit]").await;
    wait_url(b, |u| u.query() == Some("saved=corrected")).await;
    let notice = b
        .wait()
        .for_element(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.starts_with("Đã lưu số đo đã sửa"), "{notice}");
    assert!(b.find(Locator::Css("text.offscale")).await.is_err());
    let page = b
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Gõ nhầm 9,5 thành 95"),
        "the history keeps why"
    );
    shot(b, "child-corrected-360.png").await;
    s.browser.clone().close().await.unwrap();
}
