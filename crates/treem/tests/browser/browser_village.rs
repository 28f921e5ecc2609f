//! A weighing day without signal, on a 360-px phone in headless Chromium:
//! the session opened once, then the network cut (DevTools' network
//! emulation, and the server itself stopped), 20 measurements and one new
//! child entered, the page reloaded offline with every entry still there,
//! the signal back and the entries sent — stored exactly once, a second
//! sending changing nothing — and a conflicting entry shown on the phone and
//! resolved on treem's page.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser_common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use browser_common::*;
use fantoccini::Locator;
use serde_json::{Value, json};
use treem_domain::audit::AuditEvent;
use treem_domain::child::{Child, ChildStatus, Sex};
use treem_domain::clock::vn_today;
use treem_store::{ChildFilters, ChildQuery, MeasuredRow, Scope, Store, VillageStore, ZRecord};

/// A DevTools command sent through chromedriver.
#[derive(Debug)]
struct Cdp(Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.0.to_string()))
    }
}

async fn network(browser: &fantoccini::Client, offline: bool) {
    browser
        .issue_cmd(Cdp(json!({"cmd": "Network.enable", "params": {}})))
        .await
        .unwrap();
    browser
        .issue_cmd(Cdp(
            json!({"cmd": "Network.emulateNetworkConditions", "params": {
                "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1
            }}),
        ))
        .await
        .unwrap();
}

/// Runs a script until it returns `true`.
async fn until(browser: &fantoccini::Client, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if browser.execute(script, vec![]).await.ok() == Some(Value::Bool(true)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(browser, "village-timeout.png").await;
    let status = browser
        .execute(
            "return document.getElementById('status').textContent",
            vec![],
        )
        .await
        .unwrap_or_default();
    panic!("waited in vain for {what} (the page says {status})");
}

async fn visible(browser: &fantoccini::Client, id: &str) {
    until(
        browser,
        &format!("return !document.getElementById('{id}').hidden"),
        id,
    )
    .await;
}

async fn text_of(browser: &fantoccini::Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The commune (code) and village with the most resident under-fives, and
/// their record ids.
async fn busiest_village(store: &dyn Store) -> (String, String, Vec<i64>) {
    let (code, village, ids) = busiest(store).await;
    // A demo village has a dozen under-fives; a real one has more. The
    // village gets children enough for 20 measurements and a conflict.
    if ids.len() < 22 {
        let index = treem_web::UnitIndex::new(store.units().await.unwrap());
        let unit = index.history.resolve(&code, vn_today()).unwrap();
        let unit_id = index.id_of(unit).unwrap();
        let more: Vec<(Child, i64)> = (ids.len()..22)
            .map(|i| {
                let child = Child {
                    child_id: format!("THON-{i:03}"),
                    national_id: None,
                    full_name: format!("Giàng Thị Mẩy {i}"),
                    sex: if i % 2 == 0 { Sex::Female } else { Sex::Male },
                    date_of_birth: vn_today() - chrono::Duration::days(200 + 50 * i as i64),
                    ethnicity: None,
                    commune_code: code.clone(),
                    village: Some(village.clone()),
                    birth_registered: Some(true),
                    birth_registration_date: None,
                    mother_name: Some(format!("Giàng Thị Dua {i}")),
                    father_name: None,
                    caregiver_name: None,
                    caregiver_phone: None,
                    household_poverty: None,
                    special_circumstances: Vec::new(),
                    status: ChildStatus::Active,
                    status_date: None,
                };
                (child, unit_id)
            })
            .collect();
        store
            .insert_children(
                &more,
                AuditEvent::system("test", "children_added", "child", ""),
            )
            .await
            .unwrap();
        return busiest(store).await;
    }
    (code, village, ids)
}

async fn busiest(store: &dyn Store) -> (String, String, Vec<i64>) {
    let today = vn_today();
    let q = ChildQuery {
        scope: Scope::All,
        name: String::new(),
        filters: ChildFilters {
            born_from: Some(today - chrono::Duration::days(5 * 365 - 10)),
            ..Default::default()
        },
        limit: 1_000_000,
        offset: 0,
    };
    let index = treem_web::UnitIndex::new(store.units().await.unwrap());
    let mut groups: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for c in store.children(&q).await.unwrap().0 {
        let (Some(village), Some(unit)) = (c.village.clone(), index.by_id(c.unit_id)) else {
            continue;
        };
        let Some(now) = index.history.became(unit, today) else {
            continue;
        };
        if c.status == "active" {
            groups
                .entry((now.code.clone(), village))
                .or_default()
                .push(c.id);
        }
    }
    let ((code, village), ids) = groups.into_iter().max_by_key(|(_, v)| v.len()).unwrap();
    (code, village, ids)
}

/// Enters a measurement for the child on the list with this key.
async fn measure(browser: &fantoccini::Client, key: &str, weight: &str, height: &str) {
    click(browser, &format!("li[data-key='{key}']")).await;
    visible(browser, "measure").await;
    type_into(browser, "m-weight", weight).await;
    if !height.is_empty() {
        type_into(browser, "m-height", height).await;
    }
    // The z-scores and the status appear as the values are typed.
    until(
        browser,
        "return document.getElementById('m-result').textContent.indexOf('WAZ') >= 0",
        "the z-scores",
    )
    .await;
    shot(browser, "village-measure.png").await;
    click(browser, "#m-save").await;
    visible(browser, "session").await;
}

#[tokio::test]
async fn a_weighing_day_without_signal() {
    let Some(mut s) = launch().await else {
        return;
    };
    let b = s.browser.clone();
    let db = s.data.0.join("treem.db");
    let store = treem_store::sqlite::SqliteStore::open(&db).await.unwrap();
    let (commune, village, ids) = busiest_village(&store).await;
    assert!(
        ids.len() >= 22,
        "the demo's busiest village has {}",
        ids.len()
    );
    add_user(
        &s.data,
        "canbothon",
        "commune",
        &commune,
        "mat-khau-can-bo-thon",
    );
    sign_in(&b, &s.base, "canbothon", "mat-khau-can-bo-thon").await;

    // Prepared online: the session and its list.
    b.goto(&format!("{}/village", s.base)).await.unwrap();
    type_into(&b, "village", &village).await;
    click(&b, "#prepare button").await;
    wait_url(&b, |u| {
        u.path().starts_with("/village/") && u.query() == Some("made=1")
    })
    .await;
    let session: i64 = b.current_url().await.unwrap().path()[9..].parse().unwrap();
    shot(&b, "village-office.png").await;
    b.goto(&format!("{}/village/{session}/print", s.base))
        .await
        .unwrap();
    shot(&b, "village-print.png").await;
    b.goto(&format!("{}/village/{session}", s.base))
        .await
        .unwrap();
    click(&b, "#open-phone").await;
    until(
        &b,
        "return document.querySelectorAll('li.village-child').length >= 22",
        "the list",
    )
    .await;
    until(
        &b,
        "return !!(navigator.serviceWorker.controller || true) && TreemWho.loaded()",
        "the WHO tables",
    )
    .await;
    let ready = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(r => caches.keys().then(k => done(!!r.active && k.length > 0)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        ready,
        Value::Bool(true),
        "the worker is installed and has its cache"
    );
    // Chrome would install it as an app: manifest, icons, worker, secure page.
    let installable = b
        .issue_cmd(Cdp(
            json!({"cmd": "Page.getInstallabilityErrors", "params": {}}),
        ))
        .await
        .unwrap();
    assert_eq!(
        installable["installabilityErrors"],
        json!([]),
        "{installable}"
    );
    let keys: Vec<String> = serde_json::from_value(
        b.execute(
            "return Array.from(document.querySelectorAll('li.village-child')).map(li => li.dataset.key)",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();

    // No signal: the browser is offline and the server is gone.
    network(&b, true).await;
    s.stop_server();
    until(
        &b,
        "return navigator.onLine === false",
        "the phone to be offline",
    )
    .await;
    for (i, key) in keys.iter().take(20).enumerate() {
        let weight = format!("{},{}", 8 + i % 7, i % 10);
        let height = format!("{}", 70 + i);
        measure(&b, key, &weight, &height).await;
    }
    click(&b, "#add-new").await;
    visible(&b, "newchild").await;
    type_into(&b, "n-name", "Lò Thị Phương Anh").await;
    b.find(Locator::Id("n-sex"))
        .await
        .unwrap()
        .select_by_value("F")
        .await
        .unwrap();
    type_into(&b, "n-born", "01/03/2024").await;
    type_into(&b, "n-mother", "Lò Thị Xuân").await;
    click(&b, "#n-save").await;
    visible(&b, "measure").await;
    type_into(&b, "m-weight", "11,2").await;
    type_into(&b, "m-height", "84").await;
    click(&b, "#m-save").await;
    visible(&b, "session").await;
    assert!(
        text_of(&b, "#pending").await.starts_with("21 "),
        "{}",
        text_of(&b, "#pending").await
    );
    shot(&b, "village-offline.png").await;

    // Reloaded with no signal: the page comes from the phone, and so do the
    // entries.
    b.refresh().await.unwrap();
    until(
        &b,
        "return document.querySelectorAll('li.village-child.entered').length === 21",
        "the entries after a reload",
    )
    .await;
    assert!(text_of(&b, "#pending").await.starts_with("21 "));
    let on_server = store.village_entries(session).await.unwrap();
    assert!(
        on_server.is_empty(),
        "nothing reached the server while offline"
    );

    // The signal returns: the entries go by themselves.
    s.start_server();
    network(&b, false).await;
    until(&b, "return document.querySelectorAll('.state-pending').length === 0 && document.querySelectorAll('.state-stored').length === 21", "the entries to be sent").await;
    shot(&b, "village-sent.png").await;
    let entries = store.village_entries(session).await.unwrap();
    assert_eq!(entries.len(), 21);
    assert!(entries.iter().all(|e| e.state == "stored"), "{entries:?}");
    let day = store
        .village_session(session)
        .await
        .unwrap()
        .unwrap()
        .held_on;
    let count_on_day = |list: Vec<treem_store::StoredMeasurement>| {
        list.iter()
            .filter(|m| m.measured.measured_on == day)
            .count()
    };
    for key in keys.iter().take(20) {
        let id: i64 = key[1..].parse().unwrap();
        assert_eq!(
            count_on_day(store.measurements(id).await.unwrap()),
            1,
            "child {id}"
        );
    }
    let new_child = entries
        .iter()
        .find_map(|e| e.body.contains("Phương Anh").then_some(e.child_id))
        .flatten()
        .unwrap();
    assert_eq!(
        count_on_day(store.measurements(new_child).await.unwrap()),
        1
    );
    // Sending again changes nothing.
    let children_before = store.count_children(&Scope::All).await.unwrap();
    click(&b, "#send").await;
    until(&b, "return document.getElementById('status').textContent.length > 0 && !document.getElementById('status').hidden", "the answer").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.village_entries(session).await.unwrap().len(), 21);
    assert_eq!(
        store.count_children(&Scope::All).await.unwrap(),
        children_before
    );

    // A conflict: another weight for the 21st child was stored meanwhile.
    let other: i64 = keys[20][1..].parse().unwrap();
    let child = store.child(other).await.unwrap().unwrap();
    let stored = MeasuredRow {
        measured_on: day,
        weight_kg: Some(9.0),
        height_cm: None,
        position: None,
        oedema: false,
        head_cm: None,
    };
    let sex = if child.sex == "F" {
        treem_growth::Sex::Female
    } else {
        treem_growth::Sex::Male
    };
    let z = ZRecord::from_assessed(&treem_domain::nutrition::assess(
        sex,
        child.date_of_birth,
        &stored.measured(),
    ));
    store
        .add_measurement(
            other,
            &stored,
            &z,
            AuditEvent::system("test", "measurement_added", "measurement", ""),
        )
        .await
        .unwrap();
    measure(&b, &keys[20], "12,3", "").await;
    until(
        &b,
        &format!(
            "return !!document.querySelector(\"li[data-key='{}'] .state-conflict\")",
            keys[20]
        ),
        "the conflict on the phone",
    )
    .await;
    shot(&b, "village-conflict.png").await;
    assert_eq!(
        store
            .measurements(other)
            .await
            .unwrap()
            .iter()
            .find(|m| m.measured.measured_on == day)
            .unwrap()
            .measured
            .weight_kg,
        Some(9.0),
        "nothing overwritten"
    );

    // Resolved on treem's page: the phone's weight is the one kept.
    b.goto(&format!("{}/village/{session}", s.base))
        .await
        .unwrap();
    shot(&b, "village-resolve.png").await;
    click(&b, ".card.conflict button[value='replace']").await;
    wait_url(&b, |u| u.query() == Some("resolved=1")).await;
    assert_eq!(
        store
            .measurements(other)
            .await
            .unwrap()
            .iter()
            .find(|m| m.measured.measured_on == day)
            .unwrap()
            .measured
            .weight_kg,
        Some(12.3)
    );
    b.goto(&format!("{}/village/app#s={session}", s.base))
        .await
        .unwrap();
    until(
        &b,
        &format!(
            "return !!document.querySelector(\"li[data-key='{}'] .state-resolved\")",
            keys[20]
        ),
        "the phone to learn the resolution",
    )
    .await;

    // Another day without signal: one entry not sent yet.
    network(&b, true).await;
    until(
        &b,
        "return navigator.onLine === false",
        "the phone to be offline",
    )
    .await;
    measure(&b, &keys[21], "10,1", "75").await;
    assert!(text_of(&b, "#pending").await.starts_with("1 "));
    // The list's week is over: the list is wiped, the entry is kept.
    b.execute_async(EXPIRE, vec![]).await.unwrap();
    b.refresh().await.unwrap();
    visible(&b, "home").await;
    assert_eq!(stored_on_phone(&b).await, (0, 1));
    // Signing out of treem asks to send it first; signing out anyway keeps it.
    // The village page is closed first: left open (or kept in the
    // back-forward cache) it would send the entry as soon as the signal
    // comes back, as it should.
    let app = b.window().await.unwrap();
    let other = b.new_window(true).await.unwrap();
    b.switch_to_window(app).await.unwrap();
    b.close_window().await.unwrap();
    b.switch_to_window(other.handle).await.unwrap();
    network(&b, false).await;
    b.goto(&format!("{}/", s.base)).await.unwrap();
    // The question is asked by a deferred script: sign out once it is in
    // place (under load the click could otherwise come first).
    until(
        &b,
        "const f = document.querySelector(\"form[action='/logout']\"); return !!f && f.dataset.guarded === '1'",
        "the sign-out question to be in place",
    )
    .await;
    assert_eq!(
        stored_on_phone(&b).await,
        (0, 1),
        "kept while the app was closed"
    );
    click(&b, "form[action='/logout'] button").await;
    // Counting the entries on the phone may be slow on a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(30);
    let question = loop {
        if let Ok(text) = b.get_alert_text().await {
            break text;
        }
        if Instant::now() >= deadline {
            let url = b.current_url().await.map(|u| u.to_string());
            let phone = stored_on_phone(&b).await;
            panic!("no question on signing out: at {url:?}, phone holds {phone:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(question.contains(" 1 "), "{question}");
    b.dismiss_alert().await.unwrap();
    wait_path(&b, "/login").await;
    assert_eq!(stored_on_phone(&b).await, (0, 1));
}

/// Makes every list on the phone older than its week.
const EXPIRE: &str = "const done = arguments[arguments.length - 1];
    const r = indexedDB.open('treem-village');
    r.onsuccess = () => {
      const db = r.result;
      const tx = db.transaction('lists', 'readwrite');
      const lists = tx.objectStore('lists');
      lists.getAll().onsuccess = (e) => e.target.result.forEach((l) => { l.expires_at = 0; lists.put(l); });
      tx.oncomplete = () => { db.close(); done(true); };
    };";

/// (lists, entries not sent) held on the phone.
async fn stored_on_phone(b: &fantoccini::Client) -> (i64, i64) {
    let v = b
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const r = indexedDB.open('treem-village');
             r.onsuccess = () => {
               const db = r.result;
               const tx = db.transaction(['lists', 'entries']);
               const lists = tx.objectStore('lists').count();
               const pending = tx.objectStore('entries').index('state').count('pending');
               tx.oncomplete = () => { db.close(); done([lists.result, pending.result]); };
             };",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(v).unwrap()
}
