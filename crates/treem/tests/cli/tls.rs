//! `treem serve --tls-cert --tls-key`: HTTPS with the given certificate
//! (a client that trusts it gets the pages, cookies marked Secure), and a
//! clear refusal of a certificate that cannot be read.

// Tests fail loudly: unwrapping is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use treem_store::testing::temp_dir;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request over TLS, trusting only `root`.
async fn get(addr: &str, root: &rcgen::Certificate, path: &str) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.der().clone()).unwrap();
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).to_string()
}

#[tokio::test]
async fn serves_https_with_the_given_certificate() {
    let data = temp_dir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert = data.0.join("cert.pem");
    let key = data.0.join("key.pem");
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.key_pair.serialize_pem()).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let _server = Killed(child);
    let ready = lines.next().unwrap().unwrap();
    let url = ready.rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{ready}");
    let addr = url
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string();

    let health = get(&addr, &made.cert, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let login = get(&addr, &made.cert, "/login").await;
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    let cookie = login
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {login}"));
    assert!(cookie.contains("; Secure"), "{cookie}");

    // Plain HTTP on the same port gets no page.
    let plain = reqwest::get(format!("http://{addr}/healthz")).await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
}

#[test]
fn a_certificate_that_cannot_be_read_is_refused() {
    let data = temp_dir().unwrap();
    let cert = data.0.join("cert.pem");
    std::fs::write(&cert, "không phải chứng chỉ").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(&cert)
        .arg("--tls-key")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("không đọc được chứng chỉ TLS"), "{err}");
    // One of the two alone is refused by the command line.
    let out = Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(&data.0)
        .args(["serve", "--tls-cert"])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
}
