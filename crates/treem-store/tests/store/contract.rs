//! The contract of the storage seam, run on SQLite and on PostgreSQL.
//! Every function here takes a fresh store; the macro at the end runs it on
//! both backends.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{Duration, Utc};
use treem_domain::access::Role;
use treem_domain::audit::AuditEvent;
use treem_domain::demo;
use treem_domain::unit_file::{LAI_CHAU_UNITS, merge_units, parse_unit_file};
use treem_domain::units::UnitHistory;
use treem_store::AccountChange;
use treem_store::{AuditQuery, ChildQuery, Scope, Session, Store, StoreError};

use crate::common;
use common::*;

async fn units_round_trip(store: Arc<dyn Store>) {
    load_units(&store).await;
    let stored = store.units().await.unwrap();
    assert_eq!(stored.len(), 153);
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    let again = parse_unit_file(LAI_CHAU_UNITS.as_bytes()).unwrap();
    assert_eq!(history.all(), again.as_slice());
}

async fn unit_merge_keeps_history(store: Arc<dyn Store>) {
    load_units(&store).await;
    let stored: Vec<_> = store
        .units()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.unit)
        .collect();
    let newer = "code,name,level,parent_code,valid_from,valid_to,successor_code,note\n\
                 03424,Xã Bản Bo (mới),commune,12,2025-07-01,,,renamed\n\
                 09999,Xã Thử,commune,12,2026-01-01,,,\n";
    let merge = merge_units(&stored, parse_unit_file(newer.as_bytes()).unwrap()).unwrap();
    store
        .apply_unit_merge(&merge, ev("units_loaded"))
        .await
        .unwrap();
    let after = store.units().await.unwrap();
    assert_eq!(after.len(), 154);
    assert!(after.iter().any(|s| s.unit.name == "Xã Bản Bo (mới)"));
    // The old Bản Bo (before the reform) is untouched.
    assert!(
        after
            .iter()
            .any(|s| s.unit.name == "Xã Bản Bo" && s.unit.valid_to.is_some())
    );
}

async fn accounts_and_conflicts(store: Arc<dyn Store>) {
    let id = store
        .create_account(&account("lap"), ev("account_created"))
        .await
        .unwrap();
    let a = store.account_by_username("lap").await.unwrap().unwrap();
    assert_eq!(a.id, id);
    assert_eq!(a.role, Role::Commune);
    assert!(a.must_change_password);
    assert_eq!(
        store.account(id).await.unwrap().unwrap().display_name,
        "Lò Thị Lập"
    );
    let dup = store
        .create_account(&account("lap"), ev("account_created"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    assert!(store.account_by_username("nobody").await.unwrap().is_none());
    store
        .set_password(id, "$argon2id$new", false, ev("password_changed"))
        .await
        .unwrap();
    let a = store.account(id).await.unwrap().unwrap();
    assert_eq!(a.password_hash, "$argon2id$new");
    assert!(!a.must_change_password);
    let missing = store
        .set_password(999, "x", false, ev("password_changed"))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

async fn sessions_expire_and_end(store: Arc<dyn Store>) {
    let id = store
        .create_account(&account("lap"), ev("account_created"))
        .await
        .unwrap();
    let now = Utc::now();
    let s = Session {
        id_hash: "h1".into(),
        account_id: id,
        csrf_token: "c1".into(),
        created_at: now,
        expires_at: now + Duration::hours(8),
        idle_until: now + Duration::hours(1),
    };
    store.create_session(&s).await.unwrap();
    let got = store.session("h1").await.unwrap().unwrap();
    assert_eq!(got.csrf_token, "c1");
    assert_eq!(got.expires_at.timestamp(), s.expires_at.timestamp());
    store
        .touch_session("h1", now + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(store.purge_sessions(now).await.unwrap(), 0);
    assert_eq!(
        store
            .purge_sessions(now + Duration::hours(9))
            .await
            .unwrap(),
        1
    );
    assert!(store.session("h1").await.unwrap().is_none());
    // A password change ends the account's sessions.
    store
        .create_session(&Session {
            id_hash: "h2".into(),
            ..s
        })
        .await
        .unwrap();
    store
        .set_password(id, "x", false, ev("password_changed"))
        .await
        .unwrap();
    assert!(store.session("h2").await.unwrap().is_none());
}

async fn tokens_find_their_account(store: Arc<dyn Store>) {
    let id = store
        .create_account(&account("lap"), ev("account_created"))
        .await
        .unwrap();
    let later = Utc::now() + Duration::days(90);
    let t1 = store
        .create_token(id, "tokenhash", later, ev("token_created"))
        .await
        .unwrap();
    let found = |h: &'static str| {
        let s = store.clone();
        async move { s.account_by_token(h).await.unwrap().map(|a| a.id) }
    };
    assert_eq!(found("tokenhash").await, Some(id));
    assert_eq!(found("other").await, None);
    // When a token last wrote (read-your-write with a replica): none yet,
    // then the time noted; a token not stored notes nothing.
    assert_eq!(store.token_wrote_at("tokenhash").await.unwrap(), None);
    let wrote = Utc::now();
    store.note_token_write("tokenhash", wrote).await.unwrap();
    store.note_token_write("other", wrote).await.unwrap();
    let at = store.token_wrote_at("tokenhash").await.unwrap().unwrap();
    assert!((at - wrote).num_milliseconds().abs() < 1, "{at} {wrote}");
    assert_eq!(store.token_wrote_at("other").await.unwrap(), None);
    // A token past its end is not accepted.
    store
        .create_token(
            id,
            "old",
            Utc::now() - Duration::seconds(1),
            ev("token_created"),
        )
        .await
        .unwrap();
    assert_eq!(found("old").await, None);
    // Revoked: refused, and revoking twice says so.
    assert!(store.revoke_token(t1, ev("token_revoked")).await.unwrap());
    assert_eq!(found("tokenhash").await, None);
    assert!(!store.revoke_token(t1, ev("token_revoked")).await.unwrap());
    // A password change ends every token; so does disabling the account.
    store
        .create_token(id, "second", later, ev("token_created"))
        .await
        .unwrap();
    assert_eq!(found("second").await, Some(id));
    store
        .set_password(id, "$argon2id$new", false, ev("password_changed"))
        .await
        .unwrap();
    assert_eq!(found("second").await, None);
    store
        .create_token(id, "third", later, ev("token_created"))
        .await
        .unwrap();
    store
        .change_account(id, AccountChange::Active(false), ev("account_disabled"))
        .await
        .unwrap();
    assert_eq!(found("third").await, None);
    assert!(!store.account(id).await.unwrap().unwrap().active);
    store
        .change_account(id, AccountChange::Active(true), ev("account_enabled"))
        .await
        .unwrap();
    assert_eq!(found("third").await, None, "re-enabling revives no token");
    let listed = store.tokens().await.unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|t| t.username == "lap"));
    // The expired one too: a password change revokes every live-or-not token.
    assert_eq!(listed.iter().filter(|t| t.revoked_at.is_some()).count(), 4);
    // The commune chair is an attribute an administrator sets.
    assert!(!store.account(id).await.unwrap().unwrap().commune_chair);
    store
        .change_account(id, AccountChange::CommuneChair(true), ev("account_chair"))
        .await
        .unwrap();
    assert!(store.account(id).await.unwrap().unwrap().commune_chair);
    assert!(matches!(
        store
            .change_account(999_999, AccountChange::CommuneChair(true), ev("x"))
            .await,
        Err(treem_store::StoreError::NotFound)
    ));
}

async fn audit_chain_verifies_and_filters(store: Arc<dyn Store>) {
    load_units(&store).await;
    store
        .create_account(&account("lap"), ev("account_created"))
        .await
        .unwrap();
    for _ in 0..3 {
        let mut e = AuditEvent::system("lap", "login_failed", "account", "lap");
        e.ip = Some("10.0.0.9".into());
        store.audit(e).await.unwrap();
    }
    assert_eq!(verify_chain(&store).await, Ok(5));
    let failed = store
        .audit_entries(&AuditQuery {
            action: Some("login_failed".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.len(), 3);
    assert!(failed[0].seq > failed[1].seq, "newest first");
    let older = store
        .audit_entries(&AuditQuery {
            before_seq: Some(3),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(older.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 1]);
    // By time: from the third entry's time on, and before a time.
    let third = failed[2].at;
    let since = store
        .audit_entries(&AuditQuery {
            from: Some(third),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(since.iter().all(|e| e.at >= third) && since.len() >= 3);
    let none = store
        .audit_entries(&AuditQuery {
            until: Some(older[1].at),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.iter().all(|e| e.at < older[1].at), "{none:?}");
    let later = store
        .audit_entries(&AuditQuery {
            from: Some(Utc::now() + Duration::hours(1)),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(later.is_empty());
}

async fn login_attempts_are_counted_atomically(store: Arc<dyn Store>) {
    let now = Utc::now();
    let from = now - Duration::minutes(15);
    // Forty attempts at once: each gets its own count, 1 to 40.
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.count_login_attempt("p:lap|10.0.0.9", from, now)
                .await
                .unwrap()
        }));
    }
    let mut counts = Vec::new();
    for t in tasks {
        counts.push(t.await.unwrap());
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=40).collect::<Vec<i64>>());
    // A window that began before `window_from` starts again.
    let later = now + Duration::minutes(16);
    let count = store
        .count_login_attempt("p:lap|10.0.0.9", later - Duration::minutes(15), later)
        .await
        .unwrap();
    assert_eq!(count, 1);
    // One slot at a time: twenty asking at once, one let through.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.take_login_slot("p:lap|10.0.0.9", later - Duration::seconds(5), later)
                .await
                .unwrap()
        }));
    }
    let mut granted = 0;
    for t in tasks {
        granted += usize::from(t.await.unwrap());
    }
    assert_eq!(granted, 1);
    let after = later + Duration::seconds(6);
    assert!(
        store
            .take_login_slot("p:lap|10.0.0.9", after - Duration::seconds(5), after)
            .await
            .unwrap()
    );
    // After a success: forgotten, one less, stale ones dropped.
    store
        .count_login_attempt("a:10.0.0.9", from, now)
        .await
        .unwrap();
    store
        .count_login_attempt("a:10.0.0.9", from, now)
        .await
        .unwrap();
    store
        .forget_login_attempts(&["p:lap|10.0.0.9".into()], &["a:10.0.0.9".into()], from)
        .await
        .unwrap();
    let c = store
        .count_login_attempt("p:lap|10.0.0.9", from, now)
        .await
        .unwrap();
    assert_eq!(c, 1);
    let c = store
        .count_login_attempt("a:10.0.0.9", from, now)
        .await
        .unwrap();
    assert_eq!(c, 2);
    store
        .forget_login_attempts(&[], &[], now + Duration::days(1))
        .await
        .unwrap();
    let c = store
        .count_login_attempt("a:10.0.0.9", from, now)
        .await
        .unwrap();
    assert_eq!(c, 1);
}

async fn concurrent_audit_appends_keep_the_chain(store: Arc<dyn Store>) {
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            s.audit(AuditEvent::system("t", "test", "n", &i.to_string()))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(verify_chain(&store).await, Ok(20));
}

async fn children_respect_scope(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 300, 3).await;
    assert_eq!(ids.len(), 300);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids in insertion order"
    );
    assert_eq!(store.count_children(&Scope::All).await.unwrap(), 300);
    let one_unit = rows[0].1;
    let expected = rows.iter().filter(|(_, u)| *u == one_unit).count() as i64;
    let scope = Scope::Units(vec![one_unit]);
    assert_eq!(store.count_children(&scope).await.unwrap(), expected);
    assert_eq!(
        store.count_children(&Scope::Units(vec![])).await.unwrap(),
        0
    );
    let q = ChildQuery {
        scope: scope.clone(),
        name: String::new(),
        filters: Default::default(),
        limit: 1000,
        offset: 0,
    };
    let (page, total) = store.children(&q).await.unwrap();
    assert_eq!(total, expected);
    assert!(page.iter().all(|c| c.unit_id == one_unit));
    // Search by folded name; LIKE wildcards in the input match literally.
    let name = treem_domain::text::fold(&rows[0].0.full_name);
    let q = ChildQuery {
        scope: Scope::All,
        name: name.clone(),
        filters: Default::default(),
        limit: 5,
        offset: 0,
    };
    let (page, _) = store.children(&q).await.unwrap();
    assert!(page.iter().any(|c| c.child_id == rows[0].0.child_id));
    let q = ChildQuery {
        scope: Scope::All,
        name: "%".into(),
        filters: Default::default(),
        limit: 5,
        offset: 0,
    };
    assert_eq!(store.children(&q).await.unwrap().1, 0);
}

async fn measurements_store_their_zscores(store: Arc<dyn Store>) {
    use treem_domain::nutrition::{Measured, assess};
    use treem_growth::{Position, Sex};
    use treem_store::{MeasuredRow, ZRecord};
    demo_children(&store, 40, 5).await;
    let (page, _) = store
        .children(&ChildQuery {
            scope: Scope::All,
            name: String::new(),
            filters: Default::default(),
            limit: 100,
            offset: 0,
        })
        .await
        .unwrap();
    let young = page
        .iter()
        .find(|c| c.date_of_birth > chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
        .expect("a child under five in the demo");
    let detail = store.child(young.id).await.unwrap().unwrap();
    assert_eq!(detail.full_name, young.full_name);
    assert!(store.child(999_999).await.unwrap().is_none());
    let sex = if young.sex == "M" {
        Sex::Male
    } else {
        Sex::Female
    };
    let on = young.date_of_birth + Duration::days(400);
    let m = Measured {
        measured_on: on,
        weight_kg: Some(7.1),
        height_cm: Some(70.2),
        position: Some(Position::Lying),
        oedema: false,
        head_cm: None,
    };
    let a = assess(sex, young.date_of_birth, &m);
    let z = ZRecord::from_assessed(&a);
    let row = MeasuredRow::from_measured(&m);
    let id = store
        .add_measurement(young.id, &row, &z, ev("measurement_added"))
        .await
        .unwrap();
    let again = store
        .add_measurement(young.id, &row, &z, ev("measurement_added"))
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "one measurement per day"
    );
    let list = store.measurements(young.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(list[0].measured, row);
    assert_eq!(list[0].z, z);
    // Recomputing: the inputs come back, and updates replace the columns.
    let inputs = store.measurement_inputs(0, 10).await.unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0].measured.measured(), m);
    let changed = ZRecord {
        method: "test-method".into(),
        waz: Some(-9.99),
        ..z.clone()
    };
    store
        .update_zscores(&[(id, changed.clone())], ev("zscores_recomputed"))
        .await
        .unwrap();
    assert_eq!(store.measurements(young.id).await.unwrap()[0].z, changed);
    // Latest measurement per child under five.
    let latest = store
        .latest_measurements(
            &Scope::All,
            chrono::NaiveDate::from_ymd_opt(2021, 6, 30).unwrap(),
        )
        .await
        .unwrap();
    let mine = latest.iter().find(|l| l.child.id == young.id).unwrap();
    assert_eq!(mine.measured_on, Some(on));
    assert_eq!(mine.waz, Some(-9.99));
    assert!(
        latest
            .iter()
            .filter(|l| l.child.id != young.id)
            .all(|l| l.measured_on.is_none())
    );
    assert!(latest.iter().all(|l| l.child.status == "active"));
    let long_ago = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let none = store
        .latest_measurements(&Scope::Units(vec![]), long_ago)
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn child_edits_keep_versions_and_refuse_stale_writes(store: Arc<dyn Store>) {
    let (rows, ids) = demo_children(&store, 3, 2).await;
    let (id, unit) = (ids[0], rows[0].1);
    let before = store.child(id).await.unwrap().unwrap();
    assert_eq!(before.version, 1);
    let mut changed = rows[0].0.clone();
    changed.full_name = "Lò Thị Lập".into();
    changed.village = Some("Bản Mới".into());
    let fields = vec!["full_name".to_string(), "village".to_string()];
    let v2 = store
        .update_child(id, 1, &changed, unit, &fields, ev("child_updated"))
        .await
        .unwrap();
    assert_eq!(v2, 2);
    let after = store.child(id).await.unwrap().unwrap();
    assert_eq!((after.full_name.as_str(), after.version), ("Lò Thị Lập", 2));
    // The old version is kept.
    let versions = store.child_versions(id).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].version, 1);
    assert_eq!(versions[0].changed_fields, "full_name;village");
    assert!(versions[0].previous.contains(&before.full_name));
    // A write based on version 1 is now stale, and changes nothing.
    let stale = store
        .update_child(id, 1, &rows[0].0, unit, &fields, ev("child_updated"))
        .await;
    assert!(matches!(stale, Err(StoreError::Stale(2))), "{stale:?}");
    assert_eq!(store.child(id).await.unwrap().unwrap(), after);
    // Two writers on the same version: exactly one wins.
    let (a, b) = (store.clone(), store.clone());
    let (ca, cb) = (changed.clone(), changed.clone());
    let fa = fields.clone();
    let fb = fields.clone();
    let ta = tokio::spawn(async move {
        a.update_child(id, 2, &ca, unit, &fa, ev("child_updated"))
            .await
    });
    let tb = tokio::spawn(async move {
        b.update_child(id, 2, &cb, unit, &fb, ev("child_updated"))
            .await
    });
    let results = [ta.await.unwrap(), tb.await.unwrap()];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::Stale(3))))
    );
    // Taking another child's key is a conflict.
    let mut clash = changed.clone();
    clash.child_id = rows[1].0.child_id.clone();
    let r = store
        .update_child(id, 3, &clash, unit, &fields, ev("child_updated"))
        .await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    assert!(matches!(
        store
            .update_child(999_999, 1, &changed, unit, &fields, ev("x"))
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn search_ignores_accents_case_and_word_order(store: Arc<dyn Store>) {
    use treem_domain::child::{Child, ChildStatus, Sex};
    load_units(&store).await;
    let unit = store.units().await.unwrap()[5].id;
    let child = |id: &str, name: &str, mother: &str, nid: Option<&str>, year: i32| Child {
        child_id: id.into(),
        national_id: nid.map(str::to_string),
        full_name: name.into(),
        sex: Sex::Female,
        date_of_birth: chrono::NaiveDate::from_ymd_opt(year, 3, 1).unwrap(),
        ethnicity: None,
        commune_code: "03424".into(),
        village: None,
        birth_registered: None,
        birth_registration_date: None,
        mother_name: Some(mother.into()),
        father_name: None,
        caregiver_name: None,
        caregiver_phone: None,
        household_poverty: None,
        special_circumstances: vec![],
        status: ChildStatus::Active,
        status_date: None,
    };
    let mut rows = vec![
        (
            child(
                "1",
                "Nguyễn Thị Lập",
                "Đỗ Thị Hoa",
                Some("012319001234"),
                2019,
            ),
            unit,
        ),
        (child("2", "Lập Văn Nguyên", "Lò Thị Mai", None, 2020), unit),
        (
            child("3", "Lò Thị 50%_Lập", "Giàng Thị Dua", None, 2021),
            unit,
        ),
    ];
    rows[0].0.special_circumstances = vec!["d".into()];
    rows[0].0.village = Some("Bản Bo".into());
    store
        .insert_children(&rows, ev("demo_loaded"))
        .await
        .unwrap();
    let find = |q: &str| {
        let store = store.clone();
        let q = q.to_string();
        async move {
            let query = ChildQuery {
                scope: Scope::All,
                name: q,
                filters: Default::default(),
                limit: 10,
                offset: 0,
            };
            store
                .children(&query)
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|c| c.child_id)
                .collect::<Vec<_>>()
        }
    };
    // Words may come from any name; the child's own full name ranks first.
    assert_eq!(find("nguyen thi lap").await, vec!["1", "2"]);
    assert_eq!(
        find("LẬP nguyễn").await,
        vec!["1", "2"],
        "any order; the exact phrase ranks first"
    );
    assert_eq!(
        find("do thi hoa").await,
        vec!["1"],
        "by the mother's name, đ = d"
    );
    assert_eq!(find("012319").await, vec!["1"], "by personal ID number");
    assert_eq!(find("2020").await, vec!["2"], "by birth year");
    assert_eq!(
        find("50%_").await,
        vec!["3"],
        "LIKE wildcards match literally"
    );
    assert_eq!(find("%").await, vec!["3"], "a literal percent sign");
    assert_eq!(find("a%").await, Vec::<String>::new(), "not a wildcard");
    assert_eq!(find("").await.len(), 3);
    // Field filters narrow the same list.
    let filtered = |f: treem_store::ChildFilters| {
        let store = store.clone();
        async move {
            let q = ChildQuery {
                scope: Scope::All,
                name: String::new(),
                filters: f,
                limit: 10,
                offset: 0,
            };
            store
                .children(&q)
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|c| c.child_id)
                .collect::<Vec<_>>()
        }
    };
    let d = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1);
    let none = treem_store::ChildFilters::default();
    assert_eq!(
        filtered(treem_store::ChildFilters {
            born_from: d(2020),
            born_to: d(2020).map(|x| x + chrono::Duration::days(364)),
            ..none.clone()
        })
        .await,
        vec!["2"]
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            sex: Some("M".into()),
            ..none.clone()
        })
        .await,
        Vec::<String>::new()
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            registered: Some(false),
            ..none.clone()
        })
        .await
        .len(),
        3,
        "unknown counts as not registered"
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            registered: Some(true),
            ..none.clone()
        })
        .await
        .len(),
        0
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            special: Some("d".into()),
            ..none.clone()
        })
        .await,
        vec!["1"]
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            special: Some("a".into()),
            ..none.clone()
        })
        .await
        .len(),
        0
    );
    assert_eq!(
        filtered(treem_store::ChildFilters {
            village: Some("Bản Bo".into()),
            ..none.clone()
        })
        .await,
        vec!["1"]
    );
    // Nutrition: what the latest measurement says. Child 1 is underweight and
    // stunted; child 2 was underweight but her latest measurement is normal;
    // child 3 was never measured.
    let all = store
        .children(&ChildQuery {
            scope: Scope::All,
            name: String::new(),
            filters: none.clone(),
            limit: 10,
            offset: 0,
        })
        .await
        .unwrap()
        .0;
    let id_of = |code: &str| all.iter().find(|c| c.child_id == code).unwrap().id;
    let measure = |child: i64, on: (i32, u32, u32), nutrition: &str| {
        let store = store.clone();
        let nutrition = nutrition.to_string();
        async move {
            let row = treem_store::MeasuredRow {
                measured_on: chrono::NaiveDate::from_ymd_opt(on.0, on.1, on.2).unwrap(),
                weight_kg: Some(9.0),
                height_cm: Some(80.0),
                position: Some("standing".into()),
                oedema: false,
                head_cm: None,
            };
            let z = treem_store::ZRecord {
                nutrition,
                ..Default::default()
            };
            store
                .add_measurement(child, &row, &z, ev("measurement_added"))
                .await
                .unwrap();
        }
    };
    measure(id_of("1"), (2024, 6, 1), "underweight;stunting").await;
    measure(id_of("2"), (2024, 6, 1), "severely_underweight").await;
    measure(id_of("2"), (2025, 6, 1), "").await;
    let by = |n: &str| treem_store::ChildFilters {
        nutrition: Some(n.into()),
        ..none.clone()
    };
    assert_eq!(filtered(by("underweight")).await, vec!["1"]);
    assert_eq!(filtered(by("stunting")).await, vec!["1"]);
    assert_eq!(
        filtered(by("severely_underweight")).await,
        Vec::<String>::new(),
        "not the latest"
    );
    assert_eq!(filtered(by("normal")).await, vec!["2"]);
    assert_eq!(filtered(by("wasting")).await, Vec::<String>::new());
}

async fn merging_duplicates_keeps_everything_and_can_be_undone(store: Arc<dyn Store>) {
    use treem_domain::nutrition::{Measured, assess};
    use treem_store::{MeasuredRow, ZRecord};
    load_units(&store).await;
    let stored = store.units().await.unwrap();
    let history = UnitHistory::new(stored.iter().map(|s| s.unit.clone()).collect());
    let d = demo::generate(&history, 2, 4);
    let unit = stored
        .iter()
        .find(|s| {
            history.resolve(&d.children[0].child.commune_code, d.children[0].as_of) == Some(&s.unit)
        })
        .unwrap()
        .id;
    let mut a = d.children[0].child.clone();
    a.child_id = "A".into();
    a.date_of_birth = chrono::NaiveDate::from_ymd_opt(2022, 2, 2).unwrap();
    a.national_id = None;
    let mut b = a.clone();
    b.child_id = "B".into();
    b.full_name = treem_domain::text::fold(&a.full_name);
    let ids = store
        .insert_children(&[(a.clone(), unit), (b.clone(), unit)], ev("demo_loaded"))
        .await
        .unwrap();
    let (keep, drop) = (ids[0], ids[1]);
    assert_eq!(
        store.duplicate_pairs(&Scope::All, 100).await.unwrap(),
        vec![(keep, drop)]
    );
    assert_eq!(
        store
            .duplicate_candidates(None, a.date_of_birth)
            .await
            .unwrap()
            .len(),
        2
    );
    let add = |child: i64, day: u32, w: f64| {
        let store = store.clone();
        let sex = treem_growth::Sex::Female;
        async move {
            let m = Measured {
                measured_on: chrono::NaiveDate::from_ymd_opt(2024, 6, day).unwrap(),
                weight_kg: Some(w),
                height_cm: None,
                position: None,
                oedema: false,
                head_cm: None,
            };
            let z = ZRecord::from_assessed(&assess(
                sex,
                chrono::NaiveDate::from_ymd_opt(2022, 2, 2).unwrap(),
                &m,
            ));
            store
                .add_measurement(
                    child,
                    &MeasuredRow::from_measured(&m),
                    &z,
                    ev("measurement_added"),
                )
                .await
                .unwrap()
        }
    };
    add(keep, 1, 11.0).await;
    add(drop, 1, 11.5).await; // the same day: stays with the merged record
    add(drop, 2, 11.2).await;
    let before = store.count_children(&Scope::All).await.unwrap();
    let merge = store
        .merge_children(keep, drop, ev("children_merged"))
        .await
        .unwrap();
    assert_eq!(store.count_children(&Scope::All).await.unwrap(), before - 1);
    assert_eq!(store.measurements(keep).await.unwrap().len(), 2);
    assert_eq!(store.measurements(drop).await.unwrap().len(), 1);
    assert_eq!(
        store.child(drop).await.unwrap().unwrap().merged_into,
        Some(keep)
    );
    assert!(
        store
            .duplicate_pairs(&Scope::All, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let q = ChildQuery {
        scope: Scope::All,
        name: "B".into(),
        filters: Default::default(),
        limit: 10,
        offset: 0,
    };
    assert!(
        store
            .children(&q)
            .await
            .unwrap()
            .0
            .iter()
            .all(|c| c.id != drop),
        "hidden from search"
    );
    assert!(matches!(
        store.merge_children(keep, drop, ev("x")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.merge_children(keep, keep, ev("x")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.merges_of(keep).await.unwrap().len(), 1);
    assert_eq!(store.children_by_id(&[keep, drop]).await.unwrap().len(), 2);
    // Undo: everything back where it was.
    store.unmerge(merge, ev("children_unmerged")).await.unwrap();
    assert_eq!(store.count_children(&Scope::All).await.unwrap(), before);
    assert_eq!(store.measurements(keep).await.unwrap().len(), 1);
    assert_eq!(store.measurements(drop).await.unwrap().len(), 2);
    assert_eq!(store.child(drop).await.unwrap().unwrap().merged_into, None);
    assert!(matches!(
        store.unmerge(merge, ev("x")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(verify_chain(&store).await.map(|n| n > 0), Ok(true));
}

on_both!(
    units_round_trip,
    unit_merge_keeps_history,
    accounts_and_conflicts,
    sessions_expire_and_end,
    tokens_find_their_account,
    audit_chain_verifies_and_filters,
    concurrent_audit_appends_keep_the_chain,
    login_attempts_are_counted_atomically,
    children_respect_scope,
    measurements_store_their_zscores,
    child_edits_keep_versions_and_refuse_stale_writes,
    search_ignores_accents_case_and_word_order,
    merging_duplicates_keeps_everything_and_can_be_undone,
);
