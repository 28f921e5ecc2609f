//! Case contents sealed at rest: XChaCha20-Poly1305 with a 256-bit key kept
//! in the data folder (`treem.key`), made on first start, never a default.
//! Every sealed value names what it is (case id and field) as associated
//! data, so a ciphertext copied into another case or field does not open.

use std::io::Write;
use std::path::Path;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// The file name of the key in the data folder.
pub const KEY_FILE: &str = "treem.key";

const NONCE: usize = 24;

/// The key that seals case contents.
#[derive(Clone)]
pub struct CaseKey {
    cipher: XChaCha20Poly1305,
    /// A one-way digest of the key, stored in the database to recognise it.
    fingerprint: String,
}

impl std::fmt::Debug for CaseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseKey(…)")
    }
}

/// Why a key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("tệp khóa {0}: {1}")]
    Io(String, std::io::Error),
    #[error(
        "tệp khóa {0} không đúng định dạng (64 chữ số hex) / the key file is not 64 hex digits"
    )]
    Malformed(String),
    #[error(
        "không có tệp khóa {0} nhưng cơ sở dữ liệu có nội dung vụ việc đã niêm phong: hãy chép lại đúng tệp treem.key (từ bản sao lưu) vào thư mục dữ liệu; treem không tạo khóa mới vì như vậy các ghi chú mới sẽ không đọc được khi khóa đúng trở lại / the key file {0} is missing but the database holds sealed case contents: put the right treem.key (from a backup) back into the data folder; treem makes no new key, which would leave new notes unreadable once the right key returns"
    )]
    Missing(String),
    #[error(
        "tệp khóa {0} không khớp với cơ sở dữ liệu (nội dung vụ việc được niêm phong bằng một khóa khác): hãy chép lại đúng tệp treem.key (từ bản sao lưu) / the key file {0} does not match the database (case contents were sealed with another key): put the right treem.key (from a backup) back"
    )]
    Mismatch(String),
    #[error("{0}")]
    Store(#[from] treem_store::StoreError),
}

impl CaseKey {
    /// A new random key (tests, and the first start).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        use sha2::Digest;
        let digest = sha2::Sha256::new()
            .chain_update(b"treem-seal-key-fingerprint-v1:")
            .chain_update(bytes)
            .finalize();
        CaseKey {
            cipher: XChaCha20Poly1305::new(bytes.into()),
            fingerprint: hex::encode(&digest[..16]),
        }
    }

    /// The key's fingerprint (it cannot be turned back into the key).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Reads an existing key file; an error when there is none.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| KeyError::Io(name.clone(), e))?;
        let raw = hex::decode(text.trim()).map_err(|_| KeyError::Malformed(name.clone()))?;
        let bytes: [u8; 32] = raw.try_into().map_err(|_| KeyError::Malformed(name))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Makes a new random key in a file that must not exist yet (owner only,
    /// written to disk before it is used).
    pub fn create(path: &Path) -> Result<Self, KeyError> {
        let name = path.display().to_string();
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(path)
            .map_err(|e| KeyError::Io(name.clone(), e))?;
        writeln!(file, "{}", hex::encode(bytes))
            .and_then(|_| file.sync_all())
            .map_err(|e| KeyError::Io(name, e))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// Reads the key file, or creates it (readable by its owner only) when
    /// there is none. An unreadable or malformed file is an error: a new key
    /// would make every sealed case unreadable.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        match Self::load(path) {
            Err(KeyError::Io(_, e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Self::create(path)
            }
            other => other,
        }
    }

    /// Seals `text` as field `what` of case `case`: nonce then ciphertext.
    pub fn seal(&self, case: &str, what: &str, text: &str) -> Vec<u8> {
        let mut nonce = [0u8; NONCE];
        rand::rng().fill_bytes(&mut nonce);
        let aad = format!("treem-case:{case}:{what}");
        let payload = Payload {
            msg: text.as_bytes(),
            aad: aad.as_bytes(),
        };
        // Encryption fails only for messages beyond 256 GiB, which the body limit rules out.
        match self.cipher.encrypt(XNonce::from_slice(&nonce), payload) {
            Ok(ct) => [nonce.as_slice(), &ct].concat(),
            Err(_) => Vec::new(),
        }
    }

    /// Opens what [`seal`](Self::seal) made for the same case and field;
    /// `None` when the key is wrong or the bytes were altered or moved.
    pub fn open(&self, case: &str, what: &str, sealed: &[u8]) -> Option<String> {
        if sealed.len() < NONCE {
            return None;
        }
        let (nonce, ct) = sealed.split_at(NONCE);
        let aad = format!("treem-case:{case}:{what}");
        let plain = self
            .cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key_case_and_field() {
        let key = CaseKey::generate();
        let sealed = key.seal("7", "summary", "Bé bị bỏ đói ba ngày");
        assert!(!sealed.windows(4).any(|w| w == "đói".as_bytes()));
        assert_eq!(
            key.open("7", "summary", &sealed).as_deref(),
            Some("Bé bị bỏ đói ba ngày")
        );
        assert_eq!(key.open("8", "summary", &sealed), None);
        assert_eq!(key.open("7", "abuser", &sealed), None);
        assert_eq!(CaseKey::generate().open("7", "summary", &sealed), None);
        let mut tampered = sealed.clone();
        if let Some(b) = tampered.last_mut() {
            *b ^= 1;
        }
        assert_eq!(key.open("7", "summary", &tampered), None);
        assert_eq!(key.open("7", "summary", &[1, 2]), None);
        // The same text twice seals differently (a fresh nonce each time).
        assert_ne!(key.seal("7", "summary", "x"), key.seal("7", "summary", "x"));
    }

    #[test]
    fn the_key_file_is_made_once_and_never_replaced() {
        let dir = std::env::temp_dir().join(format!("treem-key-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(KEY_FILE);
        let _ = std::fs::remove_file(&path);
        let first = CaseKey::load_or_create(&path).ok();
        let sealed = first.as_ref().map(|k| k.seal("1", "n", "bí mật"));
        let again = CaseKey::load_or_create(&path).ok();
        let opened = again.zip(sealed).and_then(|(k, s)| k.open("1", "n", &s));
        assert_eq!(opened.as_deref(), Some("bí mật"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .ok();
            assert_eq!(mode, Some(0o600));
        }
        let _ = std::fs::write(&path, "not a key");
        assert!(matches!(
            CaseKey::load_or_create(&path),
            Err(KeyError::Malformed(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
