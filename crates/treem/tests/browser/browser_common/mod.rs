//! What the browser tests share: the server, chromedriver, a phone-sized
//! headless Chromium, and small helpers to type, click and wait.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use treem_store::testing::{TempDir, temp_dir};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills a child process when the test ends, however it ends.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until chromedriver answers its status endpoint.
pub async fn wait_ready(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(url)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start");
}

/// Types into the field with this id (waiting for it to appear).
pub async fn type_into(browser: &fantoccini::Client, id: &str, text: &str) {
    let field = browser.wait().for_element(Locator::Id(id)).await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks the element a CSS selector names.
pub async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until the browser shows the page at `path` (after a form submits).
pub async fn wait_path(browser: &fantoccini::Client, path: &str) {
    wait_url(browser, |u| u.path() == path).await;
}

/// Waits until the browser's address satisfies `ok`.
pub async fn wait_url(browser: &fantoccini::Client, ok: impl Fn(&url::Url) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if browser.current_url().await.is_ok_and(|u| ok(&u)) {
            // The element lookups below wait for the new document's elements.
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the browser never reached the expected page");
}

pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running `treem serve --demo` with a browser pointed at it.
pub struct Session {
    pub browser: fantoccini::Client,
    /// The server's address, without a trailing `/`.
    pub base: String,
    /// The one-time administrator password the server printed.
    pub one_time: String,
    /// The data folder (for `treem user add` beside the server).
    pub data: TempDir,
    /// The server (stopped and started again by the offline test).
    pub server: Option<Killed>,
    _driver: Killed,
    _profile: TempDir,
}

/// Starts the server and the browser, or `None` (with a note) when
/// chromedriver is not installed and `TREEM_TEST_BROWSER=1` is not set.
pub async fn launch() -> Option<Session> {
    let required = std::env::var("TREEM_TEST_BROWSER").is_ok_and(|v| v == "1");
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            !required,
            "TREEM_TEST_BROWSER=1 but {CHROMEDRIVER} is missing"
        );
        eprintln!("skipped: browser test ({CHROMEDRIVER} not installed)");
        return None;
    }
    let data = temp_dir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let server_kept = Killed(server);
    let ready = lines.next().unwrap().unwrap();
    let base = ready
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let second = lines.next().unwrap().unwrap();
    let one_time = second.rsplit(' ').next().unwrap().to_string();

    let port = free_port();
    let driver = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _driver = Killed(driver);
    wait_ready(&format!("http://127.0.0.1:{port}/status")).await;

    let profile = temp_dir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            // A cheap phone: 360 CSS pixels wide.
            "mobileEmulation": { "deviceMetrics": { "width": 360, "height": 780, "pixelRatio": 2.0 } },
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=360,780", format!("--user-data-dir={}", profile.0.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let b = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await;
    let browser = b.unwrap();

    Some(Session {
        browser,
        base,
        one_time,
        data,
        server: Some(server_kept),
        _driver,
        _profile: profile,
    })
}

/// Adds an account on the command line beside the running server.
pub fn add_user(data: &TempDir, name: &str, role: &str, unit: &str, password: &str) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .args([
            "user",
            "add",
            name,
            "--role",
            role,
            "--unit",
            unit,
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut add.stdin.take().unwrap(), password.as_bytes()).unwrap();
    assert!(add.wait().unwrap().success());
}

/// Runs `treem user ARGS…` beside the running server; it must succeed.
pub fn user_cmd(data: &TempDir, args: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .arg("user")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "treem user {args:?}");
}

/// Makes an account its commune's People's Committee chair.
pub fn make_chair(data: &TempDir, name: &str) {
    user_cmd(data, &["chair", name]);
}

/// Signs in through the login form and waits for the home page.
pub async fn sign_in(browser: &fantoccini::Client, base: &str, name: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.unwrap();
    type_into(browser, "username", name).await;
    type_into(browser, "password", password).await;
    click(browser, "form[action='/login'] button").await;
    wait_path(browser, "/").await;
}

/// Signs out.
pub async fn sign_out(browser: &fantoccini::Client) {
    click(browser, "form[action='/logout'] button").await;
    wait_path(browser, "/login").await;
}

/// Saves a screenshot of the page under `target/browser/`.
pub async fn shot(browser: &fantoccini::Client, name: &str) {
    let png = browser.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(name), png).unwrap();
}

impl Session {
    /// Stops the server: the browser then has no network to reach it.
    pub fn stop_server(&mut self) {
        self.server = None;
    }

    /// Starts the server again on the same address and data folder.
    pub fn start_server(&mut self) {
        let listen = self.base.trim_start_matches("http://").to_string();
        let mut server = Command::new(env!("CARGO_BIN_EXE_treem"))
            .arg("--data-dir")
            .arg(&self.data.0)
            .args(["serve", "--listen", &listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
        self.server = Some(Killed(server));
        assert!(lines.next().unwrap().unwrap().contains(&listen));
    }
}
