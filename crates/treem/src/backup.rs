//! `treem backup FILE` and `treem restore FILE`: a consistent copy of
//! everything — the SQLite database (`VACUUM INTO`, consistent even while a
//! server writes) and the key that seals case contents — in one zip with a
//! manifest of checksums; and its restoration into an empty data folder,
//! checked (checksums, the key, the audit chain) before it is declared done.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use treem_domain::audit::AuditEvent;
use treem_domain::i18n::Lang;
use treem_web::case_seal::{CaseKey, KEY_FILE};

use crate::config::Config;

/// A message in the command's language (`--lang`).
fn say(config: &Config, vi: impl Into<String>, en: impl Into<String>) -> String {
    if config.lang == Lang::En {
        en.into()
    } else {
        vi.into()
    }
}

/// The manifest's format name; a restore refuses any other.
const FORMAT: &str = "treem-backup-1";
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

/// `treem backup FILE`.
pub async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    sqlite_file(config)?;
    if file.exists() {
        bail!(say(
            config,
            format!("tệp {} đã có; chọn tên khác", file.display()),
            format!("{} already exists; choose another name", file.display()),
        ));
    }
    let store = crate::admin::open(config).await?;
    let key = std::fs::read(config.data_dir.join(KEY_FILE)).with_context(|| {
        say(
            config,
            "không đọc được tệp khóa",
            "cannot read the key file",
        )
    })?;
    let copy = file.with_extension("db-copy");
    let _ = std::fs::remove_file(&copy);
    store.backup_into(&copy).await.with_context(|| {
        say(
            config,
            "không sao được cơ sở dữ liệu",
            "cannot copy the database",
        )
    })?;
    let db = std::fs::read(&copy);
    let _ = std::fs::remove_file(&copy);
    let db = db.with_context(|| {
        say(
            config,
            "không đọc được bản sao cơ sở dữ liệu",
            "cannot read the database copy",
        )
    })?;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: chrono::Utc::now().to_rfc3339(),
        children: store.count_children(&treem_store::Scope::All).await?,
        database_sha256: sha256(&db),
        key_sha256: sha256(&key),
    };
    let out = std::fs::File::create(file).with_context(|| {
        say(
            config,
            format!("không tạo được tệp {}", file.display()),
            format!("cannot create {}", file.display()),
        )
    })?;
    let mut zip = zip::ZipWriter::new(out);
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
    zip.finish()?.sync_all()?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    store
        .audit(AuditEvent::system("cli", "backup_created", "backup", &name))
        .await?;
    println!(
        "{}",
        say(
            config,
            format!(
                "Đã sao lưu {} trẻ em, cơ sở dữ liệu và tệp khóa vào {}",
                manifest.children,
                file.display()
            ),
            format!(
                "Backed up {} children, the database and the key file to {}",
                manifest.children,
                file.display()
            ),
        )
    );
    Ok(())
}

fn entry(
    config: &Config,
    zip: &mut zip::ZipArchive<std::fs::File>,
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

/// `treem restore FILE`: only into a data folder with no database and no key.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
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
    let f = std::fs::File::open(file).with_context(|| {
        say(
            config,
            format!("không mở được {}", file.display()),
            format!("cannot open {}", file.display()),
        )
    })?;
    let mut zip = zip::ZipArchive::new(f).with_context(|| {
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
    if manifest.format != FORMAT {
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
    std::fs::write(&tmp_db, &db)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let tmp_key = config.data_dir.join("treem.key.restoring");
    let _ = std::fs::remove_file(&tmp_key);
    options.open(&tmp_key)?.write_all(&key)?;
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
                format!("nhật ký kiểm toán trong bản sao lưu bị hỏng: {what}"),
                format!("the backup's audit chain is broken: {what}"),
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
            for p in [&tmp_db, &tmp_key] {
                let _ = std::fs::remove_file(p);
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", tmp_db.display()));
            }
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
