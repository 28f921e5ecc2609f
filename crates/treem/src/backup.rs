//! `treem backup FILE` and `treem restore FILE`: a consistent copy of
//! everything — the SQLite database (`VACUUM INTO`, consistent even while a
//! server writes) and the key that seals case contents — in one zip with a
//! manifest of checksums; and its restoration into an empty data folder,
//! checked (checksums, the key, the audit chain) before it is declared done.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use treem_domain::audit::AuditEvent;
use treem_domain::i18n::Lang;
use treem_web::cases::seal::{CaseKey, KEY_FILE};

use crate::config::Config;

/// A message in the command's language (`--lang`).
fn say(config: &Config, vi: impl Into<String>, en: impl Into<String>) -> String {
    if config.lang == Lang::En {
        en.into()
    } else {
        vi.into()
    }
}

/// The manifest's format name: a zip encrypted with age under a
/// passphrase. A restore also takes format 1 (the same zip, unencrypted)
/// and refuses any other.
const FORMAT: &str = "treem-backup-2";
const FORMAT_UNSEALED: &str = "treem-backup-1";
const DB_FILE: &str = "treem.db";

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    created_at: String,
    children: i64,
    database_sha256: String,
    key_sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The SQLite file of the default database, or an error naming why this
/// command does not apply (PostgreSQL has its own tools).
fn sqlite_file(config: &Config) -> anyhow::Result<std::path::PathBuf> {
    let default = config.data_dir.join(DB_FILE);
    let url = &config.database_url;
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(std::path::PathBuf::from);
    match path {
        Some(p) if p == default => Ok(p),
        Some(_) => bail!(say(
            config,
            format!(
                "sao lưu/khôi phục chỉ dùng cho cơ sở dữ liệu trong thư mục dữ liệu ({})",
                default.display()
            ),
            format!(
                "backup and restore apply only to the data folder's database ({})",
                default.display()
            ),
        )),
        None => {
            let key = config.data_dir.join(KEY_FILE);
            bail!(say(
                config,
                format!(
                    "với PostgreSQL hãy dùng pg_dump/pg_restore và sao lưu kèm tệp khóa {}",
                    key.display()
                ),
                format!(
                    "with PostgreSQL use pg_dump/pg_restore, and keep the key file {} with the dump",
                    key.display()
                ),
            ))
        }
    }
}

/// The environment variable a backup's passphrase may come from.
pub const PASSPHRASE_ENV: &str = "TREEM_BACKUP_PASSPHRASE";
/// The shortest passphrase accepted for a new backup.
const MIN_PASSPHRASE: usize = 12;

/// The passphrase of a backup: from `--passphrase-file` (its first line) or
/// `TREEM_BACKUP_PASSPHRASE`; none is an error that says how to give one.
fn passphrase(config: &Config, file: Option<&Path>, new: bool) -> anyhow::Result<SecretString> {
    let text = match file {
        Some(f) => {
            let text = std::fs::read_to_string(f).with_context(|| {
                say(
                    config,
                    format!("không đọc được tệp mật khẩu {}", f.display()),
                    format!("cannot read the passphrase file {}", f.display()),
                )
            })?;
            text.lines().next().unwrap_or_default().to_string()
        }
        None => std::env::var(PASSPHRASE_ENV).unwrap_or_default(),
    };
    if text.is_empty() {
        bail!(say(
            config,
            format!(
                "bản sao lưu được mã hóa bằng mật khẩu: đặt biến môi trường {PASSPHRASE_ENV} hoặc dùng --passphrase-file TỆP"
            ),
            format!(
                "backups are encrypted with a passphrase: set {PASSPHRASE_ENV} or give --passphrase-file FILE"
            ),
        ));
    }
    if new && text.chars().count() < MIN_PASSPHRASE {
        bail!(say(
            config,
            format!("mật khẩu sao lưu phải dài ít nhất {MIN_PASSPHRASE} ký tự"),
            format!("a backup passphrase needs at least {MIN_PASSPHRASE} characters"),
        ));
    }
    Ok(SecretString::from(text))
}

/// A file only its owner may read, never replacing one.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Removes a SQLite file and its companions, if they are there.
fn remove_sqlite(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Retries a step that another process's write may briefly lock out.
async fn patiently<T, F, Fut>(mut step: F) -> treem_store::StoreResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = treem_store::StoreResult<T>>,
{
    let mut tries = 0;
    loop {
        match step().await {
            Err(e) if tries < 20 && e.to_string().contains("locked") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100 * tries)).await;
            }
            other => return other,
        }
    }
}

/// `treem backup FILE`: the snapshot, its own count of children, and the
/// key, zipped and encrypted under the passphrase. Whatever fails, no file
/// is left behind: neither FILE nor a copy of the database.
pub async fn backup(config: &Config, file: &Path, pass_file: Option<&Path>) -> anyhow::Result<()> {
    sqlite_file(config)?;
    if file.exists() {
        bail!(say(
            config,
            format!("tệp {} đã có; chọn tên khác", file.display()),
            format!("{} already exists; choose another name", file.display()),
        ));
    }
    let secret = passphrase(config, pass_file, true)?;
    let store = crate::admin::open(config).await?;
    let key = std::fs::read(config.data_dir.join(KEY_FILE)).with_context(|| {
        say(
            config,
            "không đọc được tệp khóa",
            "cannot read the key file",
        )
    })?;
    let copy = config.data_dir.join(format!(
        "backup-{}.db-copy",
        treem_web::auth::session::random_token()
    ));
    let partial = std::path::PathBuf::from(format!("{}.partial", file.display()));
    let written = async {
        patiently(|| store.backup_into(&copy))
            .await
            .with_context(|| {
                say(
                    config,
                    "không sao được cơ sở dữ liệu",
                    "cannot copy the database",
                )
            })?;
        // Counted in the snapshot itself: the server may write meanwhile.
        let snapshot = treem_store::open(&format!("sqlite://{}", copy.display())).await?;
        let children = snapshot.count_children(&treem_store::Scope::All).await?;
        snapshot.close().await;
        let db = std::fs::read(&copy)?;
        let manifest = Manifest {
            format: FORMAT.into(),
            created_at: chrono::Utc::now().to_rfc3339(),
            children,
            database_sha256: sha256(&db),
            key_sha256: sha256(&key),
        };
        let out = create_private(&partial).with_context(|| {
            say(
                config,
                format!("không tạo được tệp {}", partial.display()),
                format!("cannot create {}", partial.display()),
            )
        })?;
        let mut sealed = age::Encryptor::with_user_passphrase(secret).wrap_output(out)?;
        {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .unix_permissions(0o600);
            for (name, bytes) in [
                ("manifest.json", serde_json::to_vec_pretty(&manifest)?),
                (DB_FILE, db),
                (KEY_FILE, key),
            ] {
                zip.start_file(name, opts)?;
                zip.write_all(&bytes)?;
            }
            sealed.write_all(&zip.finish()?.into_inner())?;
        }
        sealed.finish()?.sync_all()?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        patiently(|| store.audit(AuditEvent::system("cli", "backup_created", "backup", &name)))
            .await?;
        std::fs::rename(&partial, file)?;
        anyhow::Ok(manifest.children)
    }
    .await;
    remove_sqlite(&copy);
    let children = match written {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    println!(
        "{}",
        say(
            config,
            format!(
                "Đã sao lưu {children} trẻ em, cơ sở dữ liệu và tệp khóa (mã hóa bằng mật khẩu) vào {}",
                file.display()
            ),
            format!(
                "Backed up {children} children, the database and the key file (encrypted with the passphrase) to {}",
                file.display()
            ),
        )
    );
    Ok(())
}

fn entry(
    config: &Config,
    zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>,
    name: &str,
) -> anyhow::Result<Vec<u8>> {
    let mut f = zip.by_name(name).with_context(|| {
        say(
            config,
            format!("bản sao lưu thiếu {name}"),
            format!("the backup lacks {name}"),
        )
    })?;
    let mut out = Vec::new();
    f.read_to_end(&mut out)?;
    Ok(out)
}

/// The zip inside a backup: decrypted with the passphrase (a backup of
/// format 1, made before backups were encrypted, is a plain zip).
fn unsealed(config: &Config, file: &Path, pass_file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    let bytes = std::fs::read(file).with_context(|| {
        say(
            config,
            format!("không mở được {}", file.display()),
            format!("cannot open {}", file.display()),
        )
    })?;
    if !bytes.starts_with(b"age-encryption.org/") {
        return Ok(bytes);
    }
    let secret = passphrase(config, pass_file, false)?;
    let wrong = || {
        say(
            config,
            "không giải mã được bản sao lưu: sai mật khẩu hoặc tệp hỏng",
            "cannot decrypt the backup: wrong passphrase or a damaged file",
        )
    };
    let decryptor = age::Decryptor::new(&bytes[..]).with_context(wrong)?;
    let mut identity = age::scrypt::Identity::new(secret);
    // Never more work than a backup of this program asks for (a hostile
    // file could ask for hours).
    identity.set_max_work_factor(22);
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .with_context(wrong)?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).with_context(wrong)?;
    Ok(out)
}

/// `treem restore FILE`: only into a data folder with no database and no key.
pub async fn restore(config: &Config, file: &Path, pass_file: Option<&Path>) -> anyhow::Result<()> {
    let db_path = sqlite_file(config)?;
    let key_path = config.data_dir.join(KEY_FILE);
    if db_path.exists() || key_path.exists() {
        let folder = config.data_dir.display();
        bail!(say(
            config,
            format!(
                "thư mục dữ liệu {folder} đã có cơ sở dữ liệu hoặc tệp khóa; chỉ khôi phục vào thư mục trống"
            ),
            format!(
                "the data folder {folder} already has a database or a key file; restore only into an empty data folder"
            ),
        ));
    }
    let bytes = unsealed(config, file, pass_file)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).with_context(|| {
        say(
            config,
            "không phải bản sao lưu của treem",
            "not a treem backup",
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&entry(config, &mut zip, "manifest.json")?)
        .with_context(|| {
            say(
                config,
                "bản kê của bản sao lưu hỏng",
                "the backup's manifest is unreadable",
            )
        })?;
    if manifest.format != FORMAT && manifest.format != FORMAT_UNSEALED {
        bail!(say(
            config,
            format!("định dạng {} không được hỗ trợ", manifest.format),
            format!("unsupported backup format {}", manifest.format),
        ));
    }
    let db = entry(config, &mut zip, DB_FILE)?;
    let key = entry(config, &mut zip, KEY_FILE)?;
    if sha256(&db) != manifest.database_sha256 || sha256(&key) != manifest.key_sha256 {
        bail!(say(
            config,
            "bản sao lưu bị hỏng (sai mã kiểm tra)",
            "the backup is damaged (a checksum differs)",
        ));
    }
    // Written under temporary names, renamed only once everything checks out.
    let tmp_db = config.data_dir.join("treem.db.restoring");
    remove_sqlite(&tmp_db);
    create_private(&tmp_db)?.write_all(&db)?;
    let tmp_key = config.data_dir.join("treem.key.restoring");
    let _ = std::fs::remove_file(&tmp_key);
    create_private(&tmp_key)?.write_all(&key)?;
    let checked = async {
        CaseKey::load_or_create(&tmp_key).with_context(|| {
            say(
                config,
                "tệp khóa trong bản sao lưu hỏng",
                "the backup's key file is damaged",
            )
        })?;
        let url = format!("sqlite://{}", tmp_db.display());
        let store = treem_store::open(&url).await.with_context(|| {
            say(
                config,
                "không mở được cơ sở dữ liệu đã khôi phục",
                "cannot open the restored database",
            )
        })?;
        if let Err(what) = treem_web::verify_chain(store.as_ref()).await? {
            bail!(say(
                config,
                format!(
                    "nhật ký kiểm toán trong bản sao lưu bị hỏng: {}",
                    what.said(Lang::Vi)
                ),
                format!(
                    "the backup's audit chain is broken: {}",
                    what.said(Lang::En)
                ),
            ));
        }
        let children = store.count_children(&treem_store::Scope::All).await?;
        if children != manifest.children {
            bail!(say(
                config,
                "số trẻ em không khớp bản kê",
                "the number of children does not match the manifest",
            ));
        }
        store.close().await;
        anyhow::Ok(children)
    }
    .await;
    let children = match checked {
        Ok(n) => n,
        Err(e) => {
            remove_sqlite(&tmp_db);
            let _ = std::fs::remove_file(&tmp_key);
            return Err(e);
        }
    };
    std::fs::rename(&tmp_key, &key_path)?;
    std::fs::rename(&tmp_db, &db_path)?;
    let store = crate::admin::open(config).await?;
    store
        .audit(AuditEvent::system(
            "cli",
            "backup_restored",
            "backup",
            &manifest.created_at,
        ))
        .await?;
    println!(
        "{}",
        say(
            config,
            format!(
                "Đã khôi phục {children} trẻ em (bản sao lưu lúc {})",
                manifest.created_at
            ),
            format!(
                "Restored {children} children (backup taken at {})",
                manifest.created_at
            ),
        )
    );
    Ok(())
}
