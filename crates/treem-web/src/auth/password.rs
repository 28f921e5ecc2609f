//! Passwords with argon2id, hashed off the async runtime on one worker
//! thread that owns the algorithm's 19 MiB of memory.
//!
//! Letting the argon2 crate allocate that block on every call made the
//! allocator keep a fresh block after each login (the server grew by 19 MiB a
//! login). The worker allocates it once and reuses it, so memory stays flat on
//! an old laptop, and a flood of login attempts queues instead of exhausting
//! memory.

use std::sync::OnceLock;
use std::sync::mpsc::{Sender, channel};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::Rng;

use crate::AppError;

/// OWASP's recommended argon2id settings: 19 MiB, 2 passes, 1 lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).unwrap_or_default()
}

type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// The password worker, started on first use.
static WORKER: OnceLock<Sender<Job>> = OnceLock::new();

fn worker() -> &'static Sender<Job> {
    WORKER.get_or_init(|| {
        let (tx, rx) = channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("treem-passwords".into())
            .spawn(move || {
                let mut memory: Vec<Block> = Vec::new();
                for job in rx {
                    job(&mut memory);
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "password worker did not start");
        }
        tx
    })
}

/// Runs `f` on the password worker, with its memory, and waits for the result.
async fn on_worker<T: Send + 'static>(
    f: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, AppError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move |memory| {
        let _ = tx.send(f(memory));
    });
    worker()
        .send(job)
        .map_err(|_| AppError::Internal("password worker stopped".into()))?;
    rx.await
        .map_err(|_| AppError::Internal("password worker dropped a job".into()))
}

/// Computes an argon2 output of `len` bytes in the worker's memory.
fn compute(
    memory: &mut Vec<Block>,
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    len: usize,
) -> argon2::password_hash::Result<Output> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    Output::init_with(len, |out| {
        argon
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .map_err(|_| argon2::password_hash::Error::Password)
    })
}

fn hash_in(memory: &mut Vec<Block>, password: &[u8]) -> argon2::password_hash::Result<String> {
    let params = params();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf)?;
    let output = compute(
        memory,
        &argon,
        &params,
        password,
        salt_bytes,
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_in(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let mut check = || -> argon2::password_hash::Result<bool> {
        let phc = PasswordHash::new(stored)?;
        let algorithm = Algorithm::try_from(phc.algorithm)?;
        let version = Version::try_from(phc.version.unwrap_or(0x13))?;
        let params = Params::try_from(&phc)?;
        let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else {
            return Ok(false);
        };
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf)?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let computed = compute(
            memory,
            &argon,
            &params,
            password,
            salt_bytes,
            expected.len(),
        )?;
        // `Output` compares in constant time.
        Ok(computed == expected)
    };
    check().unwrap_or(false)
}

/// Hashes a password (argon2id, random salt) into a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    on_worker(move |memory| hash_in(memory, password.as_bytes()))
        .await?
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

/// A hash that matches no password, verified when the username is unknown so
/// that a wrong username takes as long as a wrong password.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$V1ms4wQt1DqXlp9sUdWRxBXvZQbvLgZzFzkSNVXTTOk";

/// Whether `password` matches `stored` (or the dummy hash when `None`).
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY.to_string());
    let ok = on_worker(move |memory| verify_in(memory, password.as_bytes(), &stored))
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

/// The shortest password accepted.
pub const MIN_CHARS: usize = 10;

/// The rule for new passwords: at least 10 characters, and not one that is
/// guessed early — a common password, a keyboard run, a repetition, a date
/// or the person's own name (zxcvbn's bundled lists of common passwords,
/// words and names; at least "safely unguessable", score 3). `context`
/// holds the username and name, which must not carry the password. Returns
/// the message key of the refusal.
pub fn acceptable(p: &str, context: &[&str]) -> Result<(), &'static str> {
    if p.chars().count() < MIN_CHARS {
        return Err("password.too_short");
    }
    if zxcvbn::zxcvbn(p, context).score() < zxcvbn::Score::Three {
        return Err("password.too_weak");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        for (weak, why) in [
            ("1234567890", "password.too_weak"),
            ("123456789", "password.too_short"),
            ("password123", "password.too_weak"),
            ("qwertyuiop", "password.too_weak"),
            ("aaaaaaaaaaaa", "password.too_weak"),
            ("lothilap2024", "password.too_weak"),
            ("matkhau123456", "password.too_weak"),
        ] {
            assert_eq!(
                acceptable(weak, &["lothilap", "Lò Thị Lập"]),
                Err(why),
                "{weak}"
            );
        }
        for strong in [
            "mat-khau-thu-nghiem",
            "Bản Bo mùa lúa chín 2026",
            "tre-em-la-tuong-lai",
        ] {
            assert_eq!(acceptable(strong, &["lothilap"]), Ok(()), "{strong}");
        }
    }

    #[tokio::test]
    async fn hashes_verify_with_the_argon2_crate_too() {
        use argon2::PasswordVerifier;
        let h = hash("mật khẩu rất dài".into()).await.unwrap();
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(
            Argon2::default()
                .verify_password("mật khẩu rất dài".as_bytes(), &parsed)
                .is_ok()
        );
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }

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
        assert_eq!(acceptable(&p, &[]), Ok(()));
        assert!(!p.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(p, one_time_password());
    }
}
