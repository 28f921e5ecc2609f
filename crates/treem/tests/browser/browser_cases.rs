//! A child-protection case in a real browser on a 360-px phone: the
//! officer reports harm from the child's page, grades the risk, takes
//! emergency measures, assesses and drafts a plan; the commune chair returns
//! it, then approves the new draft; the plan is carried out, reviewed,
//! planned again and finally closed; form 01 prints. Screenshots land in
//! `target/browser/`.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use std::time::{Duration, Instant};

use browser_common::*;
use fantoccini::Locator;
use treem_domain::cases::{Step, Vocabulary};

const OFFICER: (&str, &str) = ("can.bo", "mat-khau-can-bo-xa");
const CHAIR: (&str, &str) = ("chu.tich", "mat-khau-chu-tich");

/// Waits until the element's text is `expected`.
async fn wait_text(browser: &fantoccini::Client, css: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(e) = browser.find(Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last == expected {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let alert = match browser.find(Locator::Css("[role=alert]")).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    std::fs::write(
        screenshot_dir().join("case-failed.png"),
        browser.screenshot().await.unwrap_or_default(),
    )
    .ok();
    let url = browser
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    panic!("{css} shows «{last}», not «{expected}» at {url} {alert}");
}

/// Chooses an option of a select by its value (a click on an option opens
/// the phone's picker, which swallows the next click).
async fn choose(browser: &fantoccini::Client, id: &str, value: &str) {
    browser.wait().for_element(Locator::Id(id)).await.unwrap();
    browser
        .execute(
            "const s = document.getElementById(arguments[0]); s.value = arguments[1]; return s.value;",
            vec![id.into(), value.into()],
        )
        .await
        .unwrap();
}

/// Whether an element is shown (a part of the step form may be hidden).
async fn visible(browser: &fantoccini::Client, id: &str) -> bool {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap()
        .is_displayed()
        .await
        .unwrap()
}

/// Records the next step through the case page's form.
async fn take(browser: &fantoccini::Client, step: Step) {
    click(
        browser,
        &format!("#step-select option[value={}]", step.code()),
    )
    .await;
    click(browser, "#next-step button[type=submit]").await;
    wait_text(browser, "#step", step.vi()).await;
}

async fn as_user(s: &Session, who: (&str, &str), case: &str) {
    sign_out(&s.browser).await;
    sign_in(&s.browser, &s.base, who.0, who.1).await;
    s.browser.goto(&format!("{}{case}", s.base)).await.unwrap();
}

#[tokio::test]
async fn a_case_through_the_whole_procedure_in_chromium() {
    let Some(s) = launch().await else { return };
    add_user(&s.data, OFFICER.0, "commune", "03424", OFFICER.1);
    add_user(&s.data, CHAIR.0, "commune", "03424", CHAIR.1);
    make_chair(&s.data, CHAIR.0);
    let b = &s.browser;
    sign_in(b, &s.base, OFFICER.0, OFFICER.1).await;

    // From the child's page to the report form.
    b.goto(&format!("{}/children", s.base)).await.unwrap();
    let child = b
        .wait()
        .for_element(Locator::Css("table.list tbody tr td a"))
        .await
        .unwrap();
    let name = child.text().await.unwrap();
    child.click().await.unwrap();
    wait_url(b, |u| u.path().starts_with("/children/")).await;
    b.wait()
        .for_element(Locator::LinkText("Báo vụ việc xâm hại"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_path(b, "/cases/new").await;
    choose(b, "source", "hotline_111").await;
    click(b, "input[name=harm_types][value=violence]").await;
    click(b, "input[name=harm_types][value=neglect]").await;
    choose(b, "relation", "step_parent").await;
    type_into(b, "summary", "Hàng xóm gọi 111: cháu bị đánh, bỏ đói.").await;
    type_into(b, "abuser", "Cha dượng").await;
    click(b, "form[action='/cases/new'] button[type=submit]").await;
    wait_url(b, |u| {
        u.path().starts_with("/cases/") && u.query() == Some("saved=1")
    })
    .await;
    let case = b.current_url().await.unwrap().path().to_string();
    let facts = b
        .find(Locator::Css("dl.facts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        facts.contains(&name) && facts.contains("Bạo lực, Bỏ mặc, sao nhãng"),
        "{facts}"
    );

    // High risk at the initial assessment, as the factors scored on form
    // 02 give it: the 12-hour deadline appears. The form shows the parts
    // of the chosen step's form only.
    click(b, "#step-select option[value=emergency_measures]").await;
    assert!(
        !visible(b, "factor-harm_severity").await,
        "no factors for an emergency measure"
    );
    click(b, "#step-select option[value=initial_assessment]").await;
    assert!(visible(b, "factor-harm_severity").await);
    for (factor, level) in [
        ("harm_severity", "medium"),
        ("abuser_access", "high"),
        ("care_obstacles", "medium"),
        ("child_coping", "low"),
    ] {
        choose(b, &format!("factor-{factor}"), level).await;
    }
    choose(b, "step-risk", "high").await;
    type_into(b, "notes", "Nguy cơ cao: người gây hại sống cùng nhà.").await;
    click(b, "#next-step button[type=submit]").await;
    wait_text(b, "#step", Step::InitialAssessment.vi()).await;
    let deadlines = b
        .find(Locator::Css("section.deadlines"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(deadlines.contains("12 giờ"), "{deadlines}");
    for step in [Step::EmergencyMeasures, Step::DetailedAssessment] {
        take(b, step).await;
    }
    // The page names the procedure's next step, and offers it first.
    let forward = b
        .find(Locator::Id("forward"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(forward.contains(Step::PlanDrafted.vi()), "{forward}");
    // A second emergency measure recorded by mistake is withdrawn.
    take(b, Step::EmergencyMeasures).await;
    click(b, "#withdraw-step summary").await;
    type_into(
        b,
        "withdraw-reason",
        "Ghi nhầm: chưa áp dụng thêm biện pháp nào",
    )
    .await;
    shot(b, "case-withdraw-360.png").await;
    click(b, "#withdraw-step button[type=submit]").await;
    wait_text(b, "#step", Step::DetailedAssessment.vi()).await;
    shot(b, "case-withdrawn-360.png").await;
    // The plan as form 04's table, and the minutes of its meeting.
    click(b, "#step-select option[value=plan_drafted]").await;
    for (id, text) in [
        ("plan-0-need", "Tư vấn tâm lý"),
        ("plan-0-activity", "Gặp chuyên viên tư vấn hằng tuần"),
        ("plan-0-who", "Trạm y tế xã"),
        ("plan-0-when", "Tháng 3–5"),
        (
            "meeting_participants",
            "Công chức văn hóa - xã hội\nMẹ của trẻ",
        ),
        ("meeting_conclusions", "Trẻ ở với bà ngoại trong 3 tháng"),
    ] {
        type_into(b, id, text).await;
    }
    let today = treem_domain::clock::vn_today().to_string();
    b.execute(
        "document.getElementById('meeting-on').value = arguments[0];",
        vec![today.into()],
    )
    .await
    .unwrap();
    shot(b, "case-plan-form-360.png").await;
    click(b, "#next-step button[type=submit]").await;
    wait_text(b, "#step", Step::PlanDrafted.vi()).await;
    let plan = b
        .find(Locator::Css("table.step-plan"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(plan.contains("Gặp chuyên viên tư vấn hằng tuần"), "{plan}");
    b.find(Locator::Id("minutes-link")).await.unwrap();
    let waiting = b
        .find(Locator::Id("awaiting"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        waiting.contains("chờ Chủ tịch UBND xã phê duyệt"),
        "{waiting}"
    );
    // The officer cannot approve her own plan, nor add anyone: the
    // commune chair approves.
    assert!(b.find(Locator::Id("next-step")).await.is_err());
    assert!(
        b.find(Locator::Css(&format!("form[action='{case}/people']")))
            .await
            .is_err()
    );
    shot(b, "case-360.png").await;

    // The chair's home lists the plan waiting for her; she returns it; the
    // officer drafts again; the chair approves.
    sign_out(b).await;
    sign_in(b, &s.base, CHAIR.0, CHAIR.1).await;
    b.find(Locator::Css(&format!("#awaiting a[href='{case}']")))
        .await
        .unwrap();
    shot(b, "chair-home-360.png").await;
    as_user(&s, CHAIR, &case).await;
    take(b, Step::PlanReturned).await;
    as_user(&s, OFFICER, &case).await;
    take(b, Step::PlanDrafted).await;
    as_user(&s, CHAIR, &case).await;
    take(b, Step::PlanApproved).await;
    // Carried out, reviewed, planned again.
    as_user(&s, OFFICER, &case).await;
    for step in [
        Step::Implementation,
        Step::Review,
        Step::Replan,
        Step::PlanDrafted,
    ] {
        take(b, step).await;
    }
    as_user(&s, CHAIR, &case).await;
    take(b, Step::PlanApproved).await;
    as_user(&s, OFFICER, &case).await;
    for step in [Step::Implementation, Step::Review, Step::ClosureProposed] {
        take(b, step).await;
    }
    // The chair closes the case on the officer's proposal (art. 30).
    as_user(&s, CHAIR, &case).await;
    take(b, Step::Closed).await;
    as_user(&s, OFFICER, &case).await;
    assert!(
        b.find(Locator::Id("next-step")).await.is_err(),
        "a closed case takes no step"
    );
    let steps = b.find_all(Locator::Css("ol.timeline li")).await.unwrap();
    assert_eq!(steps.len(), 17);

    // Her list shows it; form 01 prints the report.
    b.goto(&format!("{}/cases", s.base)).await.unwrap();
    b.wait()
        .for_element(Locator::Css("table.cases"))
        .await
        .unwrap();
    shot(b, "cases-360.png").await;
    b.goto(&format!("{}{case}/forms/1", s.base)).await.unwrap();
    let doc = b
        .wait()
        .for_element(Locator::Css("main.form-doc"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        doc.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
            && doc.contains(&name)
            && doc.contains("cháu bị đánh")
    );
    shot(b, "case-form-01-360.png").await;
    // Form 05: the draft decision for the chair's signature.
    b.goto(&format!("{}{case}/forms/5", s.base)).await.unwrap();
    let doc = b
        .wait()
        .for_element(Locator::Css("main.form-doc"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(doc.contains("QUYẾT ĐỊNH") && doc.contains("Điều 3.") && doc.contains(&name));
    shot(b, "case-form-05.png").await;
    s.browser.clone().close().await.unwrap();
}
