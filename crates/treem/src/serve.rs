//! `treem serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use treem_domain::i18n::trf;
use treem_web::shell::bootstrap;

use crate::config::Config;

/// A certificate and its key, for serving HTTPS directly.
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Opens the store, prepares a first start, and serves until Ctrl-C or SIGTERM.
pub async fn serve(
    mut config: Config,
    listen: Option<String>,
    demo: bool,
    tls: Option<Tls>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let lang = config.lang;
    let store = treem_store::open_with(&config.database_url, config.database_read_url.as_deref())
        .await
        .context("không mở được cơ sở dữ liệu")?;
    // A first start writes, then reads what it wrote: from the primary,
    // whatever replica the reads otherwise go to.
    let (app, one_time, rustls) = treem_store::replica::on_primary(async {
        config.web.case_key = Some(config.checked_key(store.as_ref()).await?);
        bootstrap::ensure_units(store.as_ref()).await?;
        bootstrap::ensure_seed_plan(store.as_ref()).await?;
        if demo {
            let n = bootstrap::load_demo(store.as_ref(), 3000, 2025, &|_| {}).await?;
            if n > 0 {
                eprintln!("{}", trf(lang, "cli.demo_loaded", &[("n", &n.to_string())]));
            }
        }
        let one_time = bootstrap::ensure_admin(store.as_ref()).await?;
        // Over HTTPS every cookie is marked Secure.
        let rustls = match &tls {
            Some(t) => {
                config.web.secure_cookies = true;
                Some(tls_config(t).await?)
            }
            None => None,
        };
        let app = treem_web::build_app(config.web.clone(), store.clone()).await?;
        anyhow::Ok((app, one_time, rustls))
    })
    .await?;
    let addr = listen
        .or(config.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("không mở được cổng {addr}"))?;
    let scheme = if rustls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}/", listener.local_addr()?);
    println!("{}", trf(lang, "cli.ready", &[("url", &url)]));
    if let Some(p) = one_time {
        println!("{}", trf(lang, "cli.admin_created", &[("password", &p)]));
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        backend = store.backend(),
        "ready"
    );
    let maintenance = tokio::spawn(maintain(store.clone()));
    match rustls {
        None => {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(shutdown())
            .await?
        }
        Some(rustls) => {
            let handle = axum_server::Handle::new();
            let stop = handle.clone();
            tokio::spawn(async move {
                shutdown().await;
                stop.graceful_shutdown(Some(Duration::from_secs(30)));
            });
            axum_server::from_tcp_rustls(listener.into_std()?, rustls)?
                .handle(handle)
                .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                .await?
        }
    }
    maintenance.abort();
    Ok(())
}

/// Reads the certificate chain and key (PEM) with rustls's ring provider.
async fn tls_config(t: &Tls) -> anyhow::Result<axum_server::tls_rustls::RustlsConfig> {
    // Installed once per process; a second call finds it there. rustls
    // marks ring's provider deprecated for lacking post-quantum key
    // exchange; it is kept because aws-lc (the alternative) needs a C
    // build of its own on every machine that builds treem.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&t.cert, &t.key)
        .await
        .with_context(|| {
            format!(
                "không đọc được chứng chỉ TLS {} / khóa {} (cần tệp PEM)",
                t.cert.display(),
                t.key.display()
            )
        })
}

/// Hourly housekeeping: expired sessions are removed.
async fn maintain(store: std::sync::Arc<dyn treem_store::Store>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(e) = store.purge_sessions(chrono::Utc::now()).await {
            tracing::warn!(error = %e, "session purge failed");
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
