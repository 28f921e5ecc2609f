//! `treem serve`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use treem_domain::i18n::trf;
use treem_web::shell::bootstrap;

use crate::config::Config;

/// Opens the store, prepares a first start, and serves until Ctrl-C or SIGTERM.
pub async fn serve(mut config: Config, listen: Option<String>, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let lang = config.lang;
    let store = treem_store::open(&config.database_url)
        .await
        .context("không mở được cơ sở dữ liệu")?;
    config.web.case_key = Some(config.checked_key(store.as_ref()).await?);
    bootstrap::ensure_units(store.as_ref()).await?;
    if demo {
        let n = bootstrap::load_demo(store.as_ref(), 3000, 2025, &|_| {}).await?;
        if n > 0 {
            eprintln!("{}", trf(lang, "cli.demo_loaded", &[("n", &n.to_string())]));
        }
    }
    let one_time = bootstrap::ensure_admin(store.as_ref()).await?;
    let app = treem_web::build_app(config.web.clone(), store.clone()).await?;
    let addr = listen
        .or(config.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("không mở được cổng {addr}"))?;
    let url = format!("http://{}/", listener.local_addr()?);
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
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    maintenance.abort();
    Ok(())
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
