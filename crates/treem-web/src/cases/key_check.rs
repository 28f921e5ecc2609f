//! Which key a server or a command may use to seal case contents: the one
//! the database was sealed with, recognised by its fingerprint. A missing or
//! different key file is refused once sealed contents exist (a new key would
//! seal new notes that become unreadable when the right key returns); while
//! nothing is sealed, a new key is simply recorded. An interrupted rotation
//! is finished.

use std::path::{Path, PathBuf};

use treem_domain::audit::AuditEvent;
use treem_store::Store;

use crate::cases::seal::{CaseKey, KeyError};

/// Where a rotation writes the new key before the database takes it.
pub fn pending_path(key_path: &Path) -> PathBuf {
    key_path.with_extension("key.new")
}

/// The key to use with this database, from `key_path`, checked.
pub async fn key_for(store: &dyn Store, key_path: &Path) -> Result<CaseKey, KeyError> {
    let name = key_path.display().to_string();
    let stored = store.key_fingerprint().await?;
    let pending = pending_path(key_path);
    // A rotation stopped between the database's commit and the renaming of
    // the new key file: the new file is the key the database now names.
    if let Some(fp) = &stored
        && pending.exists()
        && let Ok(new) = CaseKey::load(&pending)
    {
        if new.fingerprint() == fp {
            std::fs::rename(&pending, key_path).map_err(|e| KeyError::Io(name.clone(), e))?;
            return Ok(new);
        }
        let _ = std::fs::remove_file(&pending);
    }
    let first = store.sealed_values(1).await?.into_iter().next();
    if !key_path.exists() && first.is_some() {
        return Err(KeyError::Missing(name));
    }
    let key = CaseKey::load_or_create(key_path)?;
    match (stored, first) {
        (Some(fp), _) if fp == key.fingerprint() => Ok(key),
        (Some(_), Some(_)) => Err(KeyError::Mismatch(name)),
        // Sealed before fingerprints were kept: the key must open them.
        (None, Some(v)) if key.open(&v.seal_id, v.column, &v.bytes).is_none() => {
            Err(KeyError::Mismatch(name))
        }
        // Nothing sealed yet (nothing a new key could lose), or sealed
        // with this very key: the key is recorded.
        _ => {
            let ev = AuditEvent::system("system", "seal_key_recorded", "seal_key", "1");
            store.set_key_fingerprint(key.fingerprint(), ev).await?;
            Ok(key)
        }
    }
}

/// Seals every sealed value again under a new key, in one transaction:
/// the new key is written to a file of its own first, the database then
/// takes the new values and the new fingerprint, and the file replaces the
/// old key last. Returns how many values were sealed again.
pub async fn rotate(store: &dyn Store, key_path: &Path, actor: &str) -> Result<usize, KeyError> {
    let old = key_for(store, key_path).await?;
    let pending = pending_path(key_path);
    let name = pending.display().to_string();
    let _ = std::fs::remove_file(&pending);
    let new = CaseKey::create(&pending)?;
    let mut values = store.sealed_values(i64::MAX).await?;
    for v in &mut values {
        let Some(text) = old.open(&v.seal_id, v.column, &v.bytes) else {
            let _ = std::fs::remove_file(&pending);
            return Err(KeyError::Mismatch(key_path.display().to_string()));
        };
        v.bytes = new.seal(&v.seal_id, v.column, &text);
    }
    let ev = AuditEvent::system(actor, "seal_key_rotated", "seal_key", "1")
        .with_detail(format!("{} values", values.len()));
    if let Err(e) = store.reseal(&values, new.fingerprint(), ev).await {
        let _ = std::fs::remove_file(&pending);
        return Err(e.into());
    }
    std::fs::rename(&pending, key_path).map_err(|e| KeyError::Io(name, e))?;
    Ok(values.len())
}
