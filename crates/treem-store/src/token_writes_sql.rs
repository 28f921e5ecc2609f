//! When each API token last wrote: with a read replica, a client reads
//! from the primary for a few seconds after its own write (issue 22). A
//! browser carries that time in a cookie; an API client has none, so the
//! primary keeps it beside the token.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// The tokens' last writes (a part of [`crate::Store`]).
#[async_trait]
pub trait TokenWrites: Send + Sync {
    /// Notes that the token with this hash wrote at `at` (a token that is
    /// not stored changes nothing).
    async fn note_token_write(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// When the token with this hash last wrote, read from the primary.
    async fn token_wrote_at(&self, token_hash: &str) -> StoreResult<Option<DateTime<Utc>>>;
}

/// Expands into a backend's `TokenWrites` implementation.
macro_rules! token_writes_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::TokenWrites for $store {
            async fn note_token_write(
                &self,
                token_hash: &str,
                at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                sqlx::query("UPDATE api_tokens SET wrote_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(at)
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn token_wrote_at(
                &self,
                token_hash: &str,
            ) -> $crate::StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
                let at: Option<Option<chrono::DateTime<chrono::Utc>>> =
                    sqlx::query_scalar("SELECT wrote_at FROM api_tokens WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(self.fresh())
                        .await?;
                Ok(at.flatten())
            }
        }
    };
}

pub(crate) use token_writes_sql;
