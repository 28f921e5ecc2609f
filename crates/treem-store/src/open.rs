//! Opening the store a URL names (and, for PostgreSQL, its read replica).

use crate::{Store, StoreError, StoreResult, postgres, sqlite};

/// Opens the store named by a URL: `sqlite:///path/treem.db` (or a bare
/// `sqlite:` path) or `postgres://…`, and brings its schema up to date.
pub async fn open(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    open_with(url, None).await
}

/// [`open`], with the URL of a streaming replica of a PostgreSQL primary
/// for reads (see [`replica`]); SQLite has none.
pub async fn open_with(
    url: &str,
    read_url: Option<&str>,
) -> StoreResult<std::sync::Arc<dyn Store>> {
    let postgres = |u: &str| u.starts_with("postgres://") || u.starts_with("postgresql://");
    if postgres(url) {
        if read_url.is_some_and(|r| !postgres(r)) {
            return Err(StoreError::Unsupported(
                "bản sao chỉ đọc (--db-read) phải là một địa chỉ postgres:// / the read replica must be a postgres:// URL".into(),
            ));
        }
        return Ok(std::sync::Arc::new(
            postgres::PgStore::open_with(url, read_url).await?,
        ));
    }
    if read_url.is_some() {
        return Err(StoreError::Unsupported(
            "bản sao chỉ đọc (--db-read) chỉ dùng với PostgreSQL, không dùng với SQLite / a read replica is for PostgreSQL, not SQLite".into(),
        ));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    Ok(std::sync::Arc::new(
        sqlite::SqliteStore::open(std::path::Path::new(path)).await?,
    ))
}
