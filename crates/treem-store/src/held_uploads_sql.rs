//! Uploads held for a short time: a data set an officer checked, kept so
//! that «Lưu dữ liệu» stores it without choosing the file again and its
//! problems can be downloaded. One per account; expired ones are removed
//! whenever another is held, so what is kept stays bounded by the number of
//! accounts times the upload limit.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::StoreResult;

/// An upload kept for its account.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HeldUpload {
    /// SHA-256 of the token the page carries.
    pub token_hash: String,
    pub account_id: i64,
    pub file_name: String,
    pub body: Vec<u8>,
    pub held_until: DateTime<Utc>,
}

/// The storage of held uploads (a part of [`crate::Store`]).
#[async_trait]
pub trait HeldUploads: Send + Sync {
    /// Keeps `upload`, replacing the account's earlier one, and removes
    /// every upload whose time ended before `now`.
    async fn hold_upload(&self, upload: &HeldUpload, now: DateTime<Utc>) -> StoreResult<()>;
    /// The account's upload with this token, while its time lasts.
    async fn held_upload(
        &self,
        token_hash: &str,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<HeldUpload>>;
    /// Takes the account's upload with this token away (to store it):
    /// of two requests with one token, only one gets it.
    async fn take_upload(
        &self,
        token_hash: &str,
        account_id: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<HeldUpload>>;
}

/// Expands into a backend's `HeldUploads` implementation.
macro_rules! held_uploads_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::HeldUploads for $store {
            async fn hold_upload(
                &self,
                upload: &$crate::HeldUpload,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                sqlx::query("DELETE FROM held_uploads WHERE held_until < $1 OR account_id = $2")
                    .bind(now)
                    .bind(upload.account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO held_uploads (token_hash, account_id, file_name, body, held_until)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&upload.token_hash)
                .bind(upload.account_id)
                .bind(&upload.file_name)
                .bind(&upload.body)
                .bind(upload.held_until)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn held_upload(
                &self,
                token_hash: &str,
                account_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<Option<$crate::HeldUpload>> {
                Ok(sqlx::query_as(
                    "SELECT token_hash, account_id, file_name, body, held_until FROM held_uploads
                     WHERE token_hash = $1 AND account_id = $2 AND held_until >= $3",
                )
                .bind(token_hash)
                .bind(account_id)
                .bind(now)
                .fetch_optional(self.writer())
                .await?)
            }

            async fn take_upload(
                &self,
                token_hash: &str,
                account_id: i64,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::StoreResult<Option<$crate::HeldUpload>> {
                Ok(sqlx::query_as(
                    "DELETE FROM held_uploads
                     WHERE token_hash = $1 AND account_id = $2 AND held_until >= $3
                     RETURNING token_hash, account_id, file_name, body, held_until",
                )
                .bind(token_hash)
                .bind(account_id)
                .bind(now)
                .fetch_optional(self.writer())
                .await?)
            }
        }
    };
}
pub(crate) use held_uploads_sql;
