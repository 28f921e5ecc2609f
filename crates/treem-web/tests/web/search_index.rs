//! The in-memory search index gives exactly what the database gives: the
//! same children, in the same order, with the same total, for many queries
//! and scopes, on SQLite and PostgreSQL; and a change to the registry makes
//! the index stand aside until it is rebuilt.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::TestApp;
use treem_domain::text::fold;
use treem_store::{ChildQuery, Scope};
use treem_web::registry::search;
use treem_web::{AppState, WebConfig};

fn query(scope: &Scope, name: &str, offset: i64) -> ChildQuery {
    ChildQuery {
        scope: scope.clone(),
        name: fold(name),
        filters: Default::default(),
        limit: 20,
        offset,
    }
}

/// Queries an officer might type, taken from the stored names themselves.
async fn queries(app: &TestApp) -> Vec<String> {
    let all = app
        .store
        .children(&query(&Scope::All, "", 0))
        .await
        .unwrap()
        .0;
    let mut out = vec![
        "thi".to_string(),
        "a".into(),
        "ng".into(),
        "2021".into(),
        "0".into(),
        "zzz".into(),
    ];
    for (i, c) in all.iter().enumerate().step_by(7) {
        let words: Vec<&str> = c.full_name.split_whitespace().collect();
        out.push(c.full_name.clone());
        out.push(c.full_name.to_uppercase());
        out.push(words.iter().rev().cloned().collect::<Vec<_>>().join(" "));
        if let Some(w) = words.last() {
            out.push(fold(w).chars().take(3).collect());
            out.push(format!("{w} {}", chrono::Datelike::year(&c.date_of_birth)));
        }
        if let Some(other) = all.get(i + 3) {
            out.push(format!(
                "{} {}",
                words[0],
                other.full_name.split_whitespace().last().unwrap_or("")
            ));
        }
    }
    out
}

async fn the_index_answers_as_the_database_does(app: TestApp) {
    let state = AppState::new(WebConfig::default(), app.store.clone())
        .await
        .unwrap();
    let n = search::rebuild_now(&state).await.unwrap();
    assert!(n >= 400, "{n}");
    let index = treem_web::UnitIndex::new(app.store.units().await.unwrap());
    let today = treem_domain::clock::vn_today();
    let commune = treem_domain::scope::scope_units(&index.history, "03424", today)
        .into_iter()
        .filter_map(|u| index.id_of(u))
        .collect();
    let scopes = [Scope::All, Scope::Units(commune), Scope::Units(vec![])];
    let mut compared = 0;
    for q in queries(&app).await {
        for scope in &scopes {
            for offset in [0, 20] {
                let q = query(scope, &q, offset);
                let from_db = app.store.children(&q).await.unwrap();
                let from_index = search::from_index(&state, &q)
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("the index did not answer {:?}", q.name));
                let ids = |r: &(Vec<treem_store::ChildRow>, i64)| {
                    (r.0.iter().map(|c| c.id).collect::<Vec<_>>(), r.1)
                };
                assert_eq!(
                    ids(&from_index),
                    ids(&from_db),
                    "{:?} {scope:?} offset {offset}",
                    q.name
                );
                assert_eq!(from_index.0, from_db.0);
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "{compared}");
    for scope in &scopes {
        assert_eq!(
            search::count_children(&state, scope).await.unwrap(),
            app.store.count_children(scope).await.unwrap(),
            "{scope:?}"
        );
    }
    // A new child: the index is stale, the database answers, nothing is missed.
    let c = app.signed_in("banbo").await;
    let csrf = app.csrf(&c, "/children/new").await;
    let form = [
        ("csrf", csrf.as_str()),
        ("child_id", "IDX-1"),
        ("full_name", "Lầu Thị Xuyến"),
        ("sex", "F"),
        ("date_of_birth", "01/02/2022"),
        ("commune_code", "03424"),
        ("status", "active"),
        ("not_duplicate", "on"),
    ];
    assert_eq!(
        common::post_form(&app, &c, "/children/new", &form).await.0,
        reqwest::StatusCode::SEE_OTHER
    );
    let q = query(&Scope::All, "lau xuyen", 0);
    assert!(
        search::from_index(&state, &q).await.unwrap().is_none(),
        "stale"
    );
    let found = search::children(&state, &q).await.unwrap();
    assert_eq!(
        search::count_children(&state, &Scope::All).await.unwrap(),
        app.store.count_children(&Scope::All).await.unwrap(),
        "a stale index does not count"
    );
    assert_eq!(
        found
            .0
            .iter()
            .map(|c| c.child_id.as_str())
            .collect::<Vec<_>>(),
        ["IDX-1"]
    );
    // Rebuilt, the index finds her too.
    search::rebuild_now(&state).await.unwrap();
    assert_eq!(
        search::from_index(&state, &q).await.unwrap().map(|f| f.1),
        Some(1)
    );
    // Words the index cannot read exactly, and field filters, go to the database.
    assert!(
        search::from_index(&state, &query(&Scope::All, "50%", 0))
            .await
            .unwrap()
            .is_none()
    );
    let mut filtered = query(&Scope::All, "thi", 0);
    filtered.filters.sex = Some("F".into());
    assert!(
        search::from_index(&state, &filtered)
            .await
            .unwrap()
            .is_none()
    );
}

on_both!(the_index_answers_as_the_database_does);
