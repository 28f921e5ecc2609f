//! Keeping an uploaded data set on the server for a short time, for its
//! own account only: the page carries a random token, the database its
//! SHA-256 (like a session's).

use chrono::{Duration, Utc};
use treem_store::HeldUpload;

use crate::auth::session::{digest, random_token};
use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// How long an uploaded file is kept.
pub const HOLD_MINUTES: i64 = 30;

/// Keeps the file for the user (replacing her last one); the token to
/// give it back.
pub async fn hold(
    state: &AppState,
    user: &CurrentUser,
    file_name: String,
    body: Vec<u8>,
) -> Result<String, AppError> {
    let token = random_token();
    let now = Utc::now();
    let upload = HeldUpload {
        token_hash: digest(&token),
        account_id: user.account.id,
        file_name,
        body,
        held_until: now + Duration::minutes(HOLD_MINUTES),
    };
    state.store.hold_upload(&upload, now).await?;
    Ok(token)
}

/// The user's file kept under this token, while it lasts.
pub async fn find(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
) -> Result<Option<HeldUpload>, AppError> {
    Ok(state
        .store
        .held_upload(&digest(token), user.account.id, Utc::now())
        .await?)
}

/// Takes the user's file kept under this token away (to store it): only
/// one of two clicks gets it.
pub async fn take(
    state: &AppState,
    user: &CurrentUser,
    token: &str,
) -> Result<Option<HeldUpload>, AppError> {
    Ok(state
        .store
        .take_upload(&digest(token), user.account.id, Utc::now())
        .await?)
}
