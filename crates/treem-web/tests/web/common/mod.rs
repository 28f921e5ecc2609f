//! The test harness: the real application on a real socket (port 0) over a
//! fresh database, with accounts of every role and a small demo district.

#![allow(dead_code)]

pub mod openapi_check;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode};
use treem_domain::access::Role;
use treem_domain::audit::AuditEvent;
use treem_store::testing::TestDb;
use treem_store::{NewAccount, Store};
use treem_web::WebConfig;
use treem_web::shell::bootstrap;

/// The password of every test account.
pub const PASSWORD: &str = "mat-khau-thu-nghiem";

/// The accounts created for tests: (username, role, scope unit code,
/// commune chair).
pub const ACCOUNTS: &[(&str, Role, &str, bool)] = &[
    ("admin1", Role::Admin, "12", false),
    ("tinh", Role::Province, "12", false),
    ("huyen", Role::District, "106", false),
    // Xã Bản Bo after the reform: took over Bản Bo and Nà Tăm.
    ("banbo", Role::Commune, "03424", false),
    // Xã Bình Lư after the reform: Tam Đường town, Bình Lư, Sơn Bình.
    ("binhlu", Role::Commune, "03390", false),
    ("xem", Role::Viewer, "12", false),
    ("hotro", Role::CaseWorker, "03424", false),
    // The chair of Bản Bo's People's Committee: approves its case plans.
    ("chutich", Role::Commune, "03424", true),
];

/// A running application.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    pub db: TestDb,
    /// API answers that did not match the OpenAPI document.
    pub api_faults: openapi_check::Faults,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let faults = self
            .api_faults
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        if !faults.is_empty() && !std::thread::panicking() {
            panic!(
                "API answers that do not match the OpenAPI document:\n{}",
                faults.join("\n")
            );
        }
    }
}

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl TestApp {
    /// How many children the store holds (records merged into others not
    /// counted).
    pub async fn children_total(&self) -> i64 {
        self.store
            .count_children(&treem_store::Scope::All)
            .await
            .unwrap()
    }

    /// Starts the app on `backend`, or returns `None` when PostgreSQL is not
    /// configured (the harness says so).
    pub async fn spawn(backend: Backend, test: &str) -> Option<TestApp> {
        Self::spawn_with(backend, test, WebConfig::default()).await
    }

    /// Starts the app with a given configuration.
    pub async fn spawn_with(backend: Backend, test: &str, config: WebConfig) -> Option<TestApp> {
        let db = match backend {
            Backend::Sqlite => treem_store::testing::sqlite().await.unwrap(),
            Backend::Postgres => treem_store::testing::postgres(test).await.unwrap()?,
        };
        Some(Self::spawn_on(db, config).await)
    }

    /// Starts the app on PostgreSQL reading from the test replica, with that
    /// database's URL on the replica (`None`, said, without a replica).
    pub async fn spawn_with_replica(test: &str) -> Option<(TestApp, String)> {
        let (db, read) = treem_store::testing::postgres_with_replica(test)
            .await
            .unwrap()?;
        let config = WebConfig {
            read_replica: true,
            ..WebConfig::default()
        };
        Some((Self::spawn_on(db, config).await, read))
    }

    async fn spawn_on(db: treem_store::testing::TestDb, config: WebConfig) -> TestApp {
        // What is set up here is written, then read back: from the primary.
        treem_store::replica::on_primary(Self::start(db, config)).await
    }

    async fn start(db: treem_store::testing::TestDb, config: WebConfig) -> TestApp {
        let store = db.store.clone();
        bootstrap::ensure_units(store.as_ref()).await.unwrap();
        bootstrap::ensure_seed_plan(store.as_ref()).await.unwrap();
        bootstrap::load_demo(store.as_ref(), 400, 11, &|_| {})
            .await
            .unwrap();
        // One hash for every account keeps the harness fast.
        let hash = treem_web::auth::password::hash(PASSWORD.into())
            .await
            .unwrap();
        for (name, role, unit, chair) in ACCOUNTS {
            let new = NewAccount {
                username: name.to_string(),
                display_name: format!("Cán bộ {name}"),
                role: *role,
                scope_code: unit.to_string(),
                password_hash: hash.clone(),
                must_change_password: false,
                commune_chair: *chair,
            };
            store
                .create_account(
                    &new,
                    AuditEvent::system("test", "account_created", "account", ""),
                )
                .await
                .unwrap();
        }
        let config = WebConfig {
            case_key: config
                .case_key
                .or_else(|| Some(treem_web::cases::seal::CaseKey::generate())),
            ..config
        };
        let app = treem_web::build_app(config, store.clone()).await.unwrap();
        let api_faults = openapi_check::Faults::default();
        let app = openapi_check::layer(app, api_faults.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            addr,
            store,
            db,
            api_faults,
        }
    }

    /// The absolute URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A client signed in as `username`.
    pub async fn signed_in(&self, username: &str) -> Client {
        let c = self.client();
        let res = self.login(&c, username, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {username}");
        c
    }

    /// Posts the login form (with the token from the login page).
    pub async fn login(&self, c: &Client, username: &str, password: &str) -> Response {
        let page = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&page);
        c.post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    /// GETs a page and returns (status, body).
    pub async fn get(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let res = c.get(self.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// The JSON answer at `path`.
    pub async fn json(&self, c: &Client, path: &str) -> serde_json::Value {
        let res = c.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.json().await.unwrap()
    }

    /// Prepares a village session of Bản Bo (`03424`) for today through
    /// the form; returns its path (`/village/ID`).
    pub async fn prepare_village(&self, c: &Client, village: &str, kind: &str) -> String {
        let csrf = self.csrf(c, "/village").await;
        let day = treem_domain::i18n::fmt_date(treem_domain::clock::vn_today());
        let (status, location, body) = post_form(
            self,
            c,
            "/village",
            &[
                ("csrf", &csrf),
                ("commune", "03424"),
                ("village", village),
                ("kind", kind),
                ("held_on", &day),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        location.trim_end_matches("?made=1").to_string()
    }

    /// The CSRF token of the page at `path`.
    pub async fn csrf(&self, c: &Client, path: &str) -> String {
        csrf_of(&self.get(c, path).await.1)
    }
}

/// The children recorded under the units a code covers today (any status).
pub async fn children_under(app: &TestApp, code: &str) -> Vec<treem_store::ChildRow> {
    use treem_domain::clock::vn_today;
    let index = treem_web::UnitIndex::new(app.store.units().await.unwrap());
    let ids = treem_domain::scope::scope_units(&index.history, code, vn_today())
        .into_iter()
        .filter_map(|u| index.id_of(u))
        .collect();
    let q = treem_store::ChildQuery {
        scope: treem_store::Scope::Units(ids),
        name: String::new(),
        filters: Default::default(),
        limit: 100_000,
        offset: 0,
    };
    app.store.children(&q).await.unwrap().0
}

/// Posts a form; returns (status, `Location`, body).
pub async fn post_form(
    app: &TestApp,
    c: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let res = c.post(app.url(path)).form(form).send().await.unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status(), location, res.text().await.unwrap())
}

/// The value of the first `name="csrf"` field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

/// Runs each listed test function on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite, stringify!($name)).await {
                    super::$name(app).await;
                }
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                if let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres, stringify!($name)).await {
                    super::$name(app).await;
                }
            })*
        }
    };
}

/// Runs each listed test function — an `async fn(Backend)` that starts
/// its own application — on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::common::Backend::Sqlite).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                super::$name($crate::common::Backend::Postgres).await;
            })*
        }
    };
}

/// A viewer of commune `unit` who works for agency `agency` there (the
/// harness's password), as an administrator would set her up.
pub async fn agency_viewer(app: &TestApp, username: &str, unit: &str, agency: &str) -> i64 {
    agency_account(app, username, Role::Viewer, unit, agency).await
}

/// An account of `role` in `unit` that works for `agency`.
pub async fn agency_account(
    app: &TestApp,
    username: &str,
    role: Role,
    unit: &str,
    agency: &str,
) -> i64 {
    let hash = treem_web::auth::password::hash(PASSWORD.into())
        .await
        .unwrap();
    let ev = || AuditEvent::system("test", "account_created", "account", "");
    let new = NewAccount {
        username: username.into(),
        display_name: format!("Cán bộ {agency} {unit}"),
        role,
        scope_code: unit.into(),
        password_hash: hash,
        must_change_password: false,
        commune_chair: false,
    };
    let id = app.store.create_account(&new, ev()).await.unwrap();
    let change = treem_store::AccountChange::Agency(Some(agency.into()));
    app.store.change_account(id, change, ev()).await.unwrap();
    id
}

/// A new API token for `username`.
pub async fn token(app: &TestApp, username: &str) -> String {
    let a = app
        .store
        .account_by_username(username)
        .await
        .unwrap()
        .unwrap();
    let t = format!(
        "treem_test_{username}_{}",
        treem_web::auth::session::random_token()
    );
    let ev = AuditEvent::system("test", "token_created", "account", "x");
    app.store
        .create_token(
            a.id,
            &treem_web::auth::session::digest(&t),
            chrono::Utc::now() + chrono::Duration::days(90),
            ev,
        )
        .await
        .unwrap();
    t
}

/// Runs SQL with integer parameters on the test's own database and returns
/// the first column of the first row (for fixtures the forms do not make,
/// and for looking at what was stored).
pub async fn sql_scalar(app: &TestApp, sql: &str, args: &[i64]) -> Option<i64> {
    use sqlx::Connection;
    if let Some(path) = app.db.url.strip_prefix("sqlite://") {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
            .await
            .unwrap();
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for a in args {
            q = q.bind(*a);
        }
        q.fetch_optional(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::PgConnection::connect(&app.db.url).await.unwrap();
        let mut q = sqlx::query_scalar::<_, i64>(sql);
        for a in args {
            q = q.bind(*a);
        }
        q.fetch_optional(&mut c).await.unwrap()
    }
}

/// A temporary folder removed when dropped.
pub struct TempFolder(treem_store::testing::TempDir);

impl TempFolder {
    pub fn new() -> Self {
        TempFolder(treem_store::testing::temp_dir().unwrap())
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0.0
    }
}
