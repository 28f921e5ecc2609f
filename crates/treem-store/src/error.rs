//! What can go wrong at the storage seam, and how database errors map to it.

/// What can go wrong at the storage seam.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken (e.g. a username already taken).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The record asked for does not exist.
    #[error("not found")]
    NotFound,
    /// The record changed since the version the caller read; it holds the
    /// current version.
    #[error("stale: the record is now at version {0}")]
    Stale(i64),
    /// Stored data that treem cannot read back (e.g. an unknown role code).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// The database cannot write now (its disk is full, or failing):
    /// nothing was stored; it may work again once space returns.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The backend cannot do this (e.g. a file backup of PostgreSQL).
    #[error("unsupported: {0}")]
    Unsupported(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or("unique").to_string())
            }
            sqlx::Error::Database(db) if storage_failed(db.code().as_deref()) => {
                StoreError::Unavailable(db.message().to_string())
            }
            sqlx::Error::Io(io) => StoreError::Unavailable(io.to_string()),
            _ => StoreError::Database(e),
        }
    }
}

/// Whether a database error code says the storage itself failed: SQLite's
/// "database or disk is full" (13) and I/O errors (10 and its extended
/// codes), PostgreSQL's disk full (53100), out of memory (53200) and I/O
/// error (58030).
fn storage_failed(code: Option<&str>) -> bool {
    match code {
        Some("13" | "10" | "53100" | "53200" | "58030") => true,
        // SQLite's extended I/O codes: 10 + n * 256.
        Some(c) => c.parse::<i32>().is_ok_and(|n| n > 255 && n & 0xff == 10),
        None => false,
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;
