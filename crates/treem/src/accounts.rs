//! Accounts and API tokens from the command line: disabling, enabling,
//! resetting a password, the commune chair, and tokens that end.

use anyhow::bail;
use treem_domain::audit::AuditEvent;
use treem_domain::i18n::{fmt_date, trf};
use treem_store::{Account, AccountChange, Store};
use treem_web::auth::{password, session};

use crate::admin::open;
use crate::config::Config;

async fn account(config: &Config, store: &dyn Store, name: &str) -> anyhow::Result<Account> {
    match store
        .account_by_username(&name.trim().to_lowercase())
        .await?
    {
        Some(a) => Ok(a),
        None => bail!("{}: {name}", config.lang.t("accounts.no_such_account")),
    }
}

fn event(action: &str, a: &Account) -> AuditEvent {
    AuditEvent::system("cli", action, "account", &a.id.to_string()).with_detail(a.username.clone())
}

/// `treem user disable|enable`.
pub async fn set_active(config: &Config, name: &str, active: bool) -> anyhow::Result<()> {
    let store = open(config).await?;
    let a = account(config, store.as_ref(), name).await?;
    let action = if active {
        "account_enabled"
    } else {
        "account_disabled"
    };
    store
        .change_account(a.id, AccountChange::Active(active), event(action, &a))
        .await?;
    let key = if active {
        "cli.user_enabled"
    } else {
        "cli.user_disabled"
    };
    println!("{}", trf(config.lang, key, &[("username", &a.username)]));
    Ok(())
}

/// `treem user reset-password`: a new one-time password, printed.
pub async fn reset_password(config: &Config, name: &str) -> anyhow::Result<()> {
    let store = open(config).await?;
    let a = account(config, store.as_ref(), name).await?;
    let secret = password::one_time_password();
    let hash = password::hash(secret.clone()).await?;
    store
        .set_password(a.id, &hash, true, event("password_reset", &a))
        .await?;
    let lang = config.lang;
    println!(
        "{}",
        trf(lang, "cli.password_reset", &[("username", &a.username)])
    );
    println!("{}: {secret}", lang.t("login.password"));
    Ok(())
}

/// `treem user chair [--remove]`.
pub async fn set_chair(config: &Config, name: &str, chair: bool) -> anyhow::Result<()> {
    let store = open(config).await?;
    let a = account(config, store.as_ref(), name).await?;
    if chair && a.role != treem_domain::access::Role::Commune {
        bail!(config.lang.t("accounts.chair_commune_only"));
    }
    store
        .change_account(
            a.id,
            AccountChange::CommuneChair(chair),
            event("account_chair", &a),
        )
        .await?;
    let key = if chair {
        "cli.chair_set"
    } else {
        "cli.chair_removed"
    };
    println!("{}", trf(config.lang, key, &[("username", &a.username)]));
    Ok(())
}

/// `treem user agency NAME CODE` or `--remove`: the account works for an
/// agency of its unit (it then reports that agency's progress on the
/// plan's tasks, and only that agency's).
pub async fn set_agency(config: &Config, name: &str, code: Option<&str>) -> anyhow::Result<()> {
    let store = open(config).await?;
    let a = account(config, store.as_ref(), name).await?;
    let lang = config.lang;
    let code = match code.map(str::trim) {
        Some(code) => {
            let today = treem_domain::clock::vn_today();
            let unit = store
                .units()
                .await?
                .into_iter()
                .find(|u| u.unit.code == a.scope_code && u.unit.valid_on(today));
            let known = match unit {
                Some(u) => store.agencies(u.id).await?,
                None => Vec::new(),
            };
            if !known.iter().any(|g| g.code == code) {
                let codes: Vec<&str> = known.iter().map(|g| g.code.as_str()).collect();
                bail!(trf(
                    lang,
                    "accounts.agency_unknown",
                    &[("code", code), ("codes", &codes.join(", "))]
                ));
            }
            Some(code.to_string())
        }
        None => None,
    };
    store
        .change_account(
            a.id,
            AccountChange::Agency(code.clone()),
            event("account_agency", &a).with_detail(code.clone().unwrap_or_default()),
        )
        .await?;
    match code {
        Some(code) => println!(
            "{}",
            trf(
                lang,
                "cli.agency_set",
                &[("username", &a.username), ("code", &code)]
            )
        ),
        None => println!(
            "{}",
            trf(lang, "cli.agency_removed", &[("username", &a.username)])
        ),
    }
    Ok(())
}

/// `treem token create NAME [--days N]`.
pub async fn token_create(config: &Config, name: &str, days: i64) -> anyhow::Result<()> {
    let store = open(config).await?;
    let a = account(config, store.as_ref(), name).await?;
    if !a.active {
        bail!(config.lang.t("accounts.disabled"));
    }
    let token = format!("treem_{}", session::random_token());
    let ends = chrono::Utc::now() + chrono::Duration::days(days);
    let id = store
        .create_token(
            a.id,
            &session::digest(&token),
            ends,
            event("token_created", &a),
        )
        .await?;
    let lang = config.lang;
    let ends_on = fmt_date(treem_domain::clock::vn_date(ends));
    eprintln!(
        "{}",
        trf(
            lang,
            "cli.token_created_until",
            &[("id", &id.to_string()), ("date", &ends_on)]
        )
    );
    println!("{token}");
    Ok(())
}

/// `treem token list`.
pub async fn token_list(config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    let lang = config.lang;
    let now = chrono::Utc::now();
    println!("{}", lang.t("cli.token_list_header"));
    for t in store.tokens().await? {
        let state = match (t.revoked_at, t.expires_at) {
            (Some(_), _) => lang.t("tokens.revoked"),
            (None, Some(e)) if e > now => lang.t("tokens.live"),
            _ => lang.t("tokens.expired"),
        };
        let date = |d: chrono::DateTime<chrono::Utc>| fmt_date(treem_domain::clock::vn_date(d));
        println!(
            "{}\t{}\t{}\t{}\t{}",
            t.id,
            t.username,
            date(t.created_at),
            t.expires_at.map(date).unwrap_or_else(|| "—".into()),
            state
        );
    }
    Ok(())
}

/// `treem token revoke ID`.
pub async fn token_revoke(config: &Config, id: i64) -> anyhow::Result<()> {
    let store = open(config).await?;
    let ev = AuditEvent::system("cli", "token_revoked", "api_token", &id.to_string());
    if !store.revoke_token(id, ev).await? {
        bail!(trf(
            config.lang,
            "cli.token_not_live",
            &[("id", &id.to_string())]
        ));
    }
    println!(
        "{}",
        trf(config.lang, "cli.token_revoked", &[("id", &id.to_string())])
    );
    Ok(())
}
