//! Passwords with argon2id, hashed off the async runtime.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;

use crate::AppError;

fn hasher() -> Argon2<'static> {
    // OWASP's recommended argon2id settings: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (argon2id, random salt).
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

/// A hash that matches no password, verified when the username is unknown so
/// that a wrong username takes as long as a wrong password.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$V1ms4wQt1DqXlp9sUdWRxBXvZQbvLgZzFzkSNVXTTOk";

/// Whether `password` matches `stored` (or the dummy hash when `None`).
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY.to_string());
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    ok && known
}

/// A one-time password an officer can read aloud or type on a phone:
/// no look-alike characters.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..14)
        .map(|i| {
            if i > 0 && i % 5 == 4 {
                '-'
            } else {
                ALPHABET[rng.random_range(0..ALPHABET.len())] as char
            }
        })
        .collect()
}

/// The rule for new passwords: at least 10 characters.
pub fn long_enough(p: &str) -> bool {
    p.chars().count() >= 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("mật khẩu rất dài".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("mật khẩu rất dài".into(), Some(h.clone())).await);
        assert!(!verify("sai".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
    }

    #[test]
    fn one_time_passwords_are_readable_and_long() {
        let p = one_time_password();
        assert_eq!(p.len(), 14);
        assert!(long_enough(&p));
        assert!(!p.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(p, one_time_password());
    }
}
