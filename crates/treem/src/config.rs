//! The effective configuration: defaults, then `DATA_DIR/treem.toml`, then
//! `TREEM_*` environment variables and command-line options.

use std::path::PathBuf;

use anyhow::Context;
use serde::Deserialize;
use treem_domain::i18n::Lang;
use treem_web::WebConfig;

use crate::cli::Global;

/// The optional settings file in the data folder.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    database_read_url: Option<String>,
    listen: Option<String>,
    lang: Option<String>,
    session_hours: Option<i64>,
    idle_minutes: Option<i64>,
    secure_cookies: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
}

/// The configuration every command runs with.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    /// A streaming replica of the PostgreSQL database, for reads.
    pub database_read_url: Option<String>,
    pub listen: Option<String>,
    pub lang: Lang,
    pub web: WebConfig,
}

/// The trusted proxies: `TREEM_TRUSTED_PROXIES` (comma-separated) or the
/// file's `trusted_proxies` list; each an IP address.
fn trusted_proxies(file: Option<Vec<String>>) -> anyhow::Result<Vec<std::net::IpAddr>> {
    let listed = match std::env::var("TREEM_TRUSTED_PROXIES") {
        Ok(v) => v
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => file.unwrap_or_default(),
    };
    listed
        .iter()
        .map(|a| {
            a.parse().map_err(|_| {
                anyhow::anyhow!(
                    "trusted_proxies: «{a}» không phải địa chỉ IP / is not an IP address"
                )
            })
        })
        .collect()
}

fn env_parse<T: std::str::FromStr>(name: &str) -> anyhow::Result<Option<T>> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("{name}: giá trị không hợp lệ «{v}» / invalid value")),
        Err(_) => Ok(None),
    }
}

impl Config {
    /// Resolves the configuration and creates the data folder.
    pub fn resolve(global: &Global) -> anyhow::Result<Config> {
        let data_dir = global
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("treem-data"));
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("không tạo được thư mục dữ liệu {}", data_dir.display()))?;
        // Children's records live here: the owner only.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("không đặt được quyền cho {}", data_dir.display()))?;
        }
        let file_path = data_dir.join("treem.toml");
        let file: FileConfig = match std::fs::read_to_string(&file_path) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("tệp cấu hình {} sai", file_path.display()))?,
            Err(_) => FileConfig::default(),
        };
        let database_url = global
            .db
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("treem.db").display()));
        let database_read_url = global.db_read.clone().or(file.database_read_url);
        let lang_text = global
            .lang
            .clone()
            .or(file.lang)
            .unwrap_or_else(|| "vi".into());
        let lang = Lang::parse(&lang_text).with_context(|| {
            format!("ngôn ngữ «{lang_text}» không hỗ trợ (vi, en) / unsupported language")
        })?;
        let defaults = WebConfig::default();
        let web = WebConfig {
            session_hours: env_parse("TREEM_SESSION_HOURS")?
                .or(file.session_hours)
                .unwrap_or(defaults.session_hours),
            idle_minutes: env_parse("TREEM_IDLE_MINUTES")?
                .or(file.idle_minutes)
                .unwrap_or(defaults.idle_minutes),
            secure_cookies: env_parse("TREEM_SECURE_COOKIES")?
                .or(file.secure_cookies)
                .unwrap_or(defaults.secure_cookies),
            trusted_proxies: trusted_proxies(file.trusted_proxies)?,
            read_replica: database_read_url.is_some(),
            ..defaults
        };
        Ok(Config {
            data_dir,
            database_url,
            database_read_url,
            listen: file.listen,
            lang,
            web,
        })
    }

    /// The configuration as text, with any password in the database URL hidden.
    pub fn describe(&self) -> String {
        format!(
            "data_dir = {}\ndatabase_url = {}\ndatabase_read_url = {}\nlisten = {}\nlang = {}\nsession_hours = {}\nidle_minutes = {}\nsecure_cookies = {}\ntrusted_proxies = {:?}\n",
            self.data_dir.display(),
            redact(&self.database_url),
            self.database_read_url.as_deref().map_or("-".into(), redact),
            self.listen.as_deref().unwrap_or("127.0.0.1:8080"),
            self.lang.code(),
            self.web.session_hours,
            self.web.idle_minutes,
            self.web.secure_cookies,
            self.web
                .trusted_proxies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
        )
    }

    /// The key that seals case contents, from `treem.key` in the data
    /// folder (made on first use), checked against the database's
    /// fingerprint: a missing or different key is refused once sealed
    /// contents exist. It must be backed up with the data.
    pub async fn checked_key(
        &self,
        store: &dyn treem_store::Store,
    ) -> anyhow::Result<treem_web::cases::seal::CaseKey> {
        let path = self.data_dir.join(treem_web::cases::seal::KEY_FILE);
        Ok(treem_web::cases::key_check::key_for(store, &path).await?)
    }
}

/// Hides the password of `scheme://user:password@host/...`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite:///x/treem.db"), "sqlite:///x/treem.db");
    }
}
