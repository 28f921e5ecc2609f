//! Administrative commands: demo, user, token, audit, units.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use treem_domain::access::Role;
use treem_domain::audit::AuditEvent;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, trf};
use treem_domain::text::nfc;
use treem_domain::unit_file::{merge_units, parse_unit_file};
use treem_domain::units::Unit;
use treem_store::{NewAccount, Store, StoreError};
use treem_web::auth::password;
use treem_web::shell::bootstrap;

use crate::config::Config;

pub(crate) async fn open(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let store = treem_store::open_with(&config.database_url, config.database_read_url.as_deref())
        .await
        .context("không mở được cơ sở dữ liệu")?;
    // What a first start writes is read back from the primary (whatever
    // replica `--db-read` names).
    treem_store::replica::on_primary(async {
        config.checked_key(store.as_ref()).await?;
        bootstrap::ensure_units(store.as_ref()).await?;
        // The seed plan, as `serve` loads it (the demo derives the communes' plans from it).
        bootstrap::ensure_seed_plan(store.as_ref()).await?;
        anyhow::Ok(())
    })
    .await?;
    Ok(store)
}

/// `treem key rotate`.
pub async fn key_rotate(config: &Config) -> anyhow::Result<()> {
    let store = open(config).await?;
    let path = config.data_dir.join(treem_web::cases::seal::KEY_FILE);
    let n = treem_web::cases::key_check::rotate(store.as_ref(), &path, "cli").await?;
    let n = n.to_string();
    println!("{}", msg(config.lang, "cli.key_rotated", &[("n", &n)]));
    Ok(())
}

fn msg(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    trf(lang, key, args)
}

/// `treem demo`: a seeded demo district, with a progress bar on a terminal.
pub async fn demo(config: &Config, children: usize, seed: u64) -> anyhow::Result<()> {
    let store = open(config).await?;
    let bar = progress_bar(
        Some(children as u64),
        "{bar:40} {pos}/{len} trẻ · {per_sec} · {eta}",
    );
    let n = bootstrap::load_demo(store.as_ref(), children, seed, &|done| {
        bar.set_position(done)
    })
    .await?;
    bar.finish_and_clear();
    if n == 0 {
        bail!(msg(config.lang, "cli.demo_skipped", &[]));
    }
    println!(
        "{}",
        msg(config.lang, "cli.demo_loaded", &[("n", &n.to_string())])
    );
    Ok(())
}

/// `treem measurements recompute`: every stored measurement through the
/// current WHO method, in batches, each batch one transaction.
pub async fn recompute(config: &Config) -> anyhow::Result<()> {
    use treem_domain::nutrition::assess;
    use treem_store::ZRecord;
    let store = open(config).await?;
    let bar = progress_bar(None, "{spinner} {pos} lần cân đo · {per_sec}");
    let mut after = 0;
    let mut done = 0u64;
    loop {
        let batch = store.measurement_inputs(after, 10_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let rows: Vec<(i64, ZRecord)> = batch
            .iter()
            .map(|m| {
                let sex = if m.sex == "F" {
                    treem_growth::Sex::Female
                } else {
                    treem_growth::Sex::Male
                };
                (
                    m.id,
                    ZRecord::from_assessed(&assess(sex, m.date_of_birth, &m.measured.measured())),
                )
            })
            .collect();
        let audit = AuditEvent::system(
            "cli",
            "zscores_recomputed",
            "measurements",
            &after.to_string(),
        )
        .with_detail(format!(
            "{} rows, method {}",
            rows.len(),
            treem_domain::nutrition::METHOD
        ));
        store.update_zscores(&rows, audit).await?;
        done += rows.len() as u64;
        bar.set_position(done);
    }
    bar.finish_and_clear();
    match config.lang {
        Lang::Vi => println!(
            "Đã tính lại {done} lần cân đo ({}).",
            treem_domain::nutrition::METHOD
        ),
        Lang::En => println!(
            "Recomputed {done} measurements ({}).",
            treem_domain::nutrition::METHOD
        ),
    }
    Ok(())
}

/// A progress bar on a terminal, hidden otherwise.
pub(crate) fn progress_bar(len: Option<u64>, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        b.set_style(style);
    }
    b
}

/// `treem user add`.
pub async fn user_add(config: &Config, args: crate::cli::UserAdd) -> anyhow::Result<()> {
    let lang = config.lang;
    let unit = args.unit.as_str();
    let username = args.name.trim().to_lowercase();
    if !treem_web::valid_username(&username) {
        bail!(lang.t("accounts.bad_username"));
    }
    if args.chair && args.role != "commune" {
        bail!(lang.t("accounts.chair_commune_only"));
    }
    let role = Role::parse(&args.role).with_context(|| lang.t("accounts.bad_role"))?;
    let store = open(config).await?;
    let units: Vec<Unit> = store.units().await?.into_iter().map(|s| s.unit).collect();
    if !units
        .iter()
        .any(|u| u.code == unit && u.valid_on(vn_today()))
    {
        bail!("{} ({unit})", lang.t("accounts.unknown_unit"));
    }
    let display_name = nfc(args.display_name.as_deref().unwrap_or(&username).trim());
    let (secret, must_change) = if args.password_stdin {
        let mut p = String::new();
        std::io::stdin().read_to_string(&mut p).context("stdin")?;
        let p = p.trim_end_matches(['\r', '\n']).to_string();
        if let Err(why) = password::acceptable(&p, &[&username, &display_name]) {
            bail!(lang.t(why));
        }
        // The operator's provisioning: final unless asked otherwise.
        (p, args.one_time)
    } else {
        (password::one_time_password(), true)
    };
    let new = NewAccount {
        username: username.clone(),
        display_name,
        role,
        scope_code: unit.to_string(),
        password_hash: password::hash(secret.clone()).await?,
        must_change_password: must_change,
        commune_chair: args.chair,
    };
    let audit = AuditEvent::system("cli", "account_created", "account", "")
        .with_detail(format!("{username} {} {unit}", role.as_str()));
    match store.create_account(&new, audit).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => bail!(lang.t("accounts.username_taken")),
        Err(e) => return Err(e.into()),
    }
    println!(
        "{}",
        msg(lang, "cli.user_created", &[("username", &username)])
    );
    if !args.password_stdin {
        println!("{}: {secret}", lang.t("login.password"));
    }
    Ok(())
}

/// `treem audit verify`.
pub async fn audit_verify(config: &Config) -> anyhow::Result<()> {
    let store = treem_store::open(&config.database_url)
        .await
        .context("không mở được cơ sở dữ liệu")?;
    match treem_web::verify_chain(store.as_ref()).await? {
        Ok(n) => {
            println!(
                "{}",
                msg(config.lang, "cli.audit_ok", &[("n", &n.to_string())])
            );
            Ok(())
        }
        Err(what) => bail!(msg(
            config.lang,
            "cli.audit_broken",
            &[("what", &what.said(config.lang))]
        )),
    }
}

/// `treem units load FILE`.
pub async fn units_load(config: &Config, file: &Path) -> anyhow::Result<()> {
    let lang = config.lang;
    let bytes =
        std::fs::read(file).with_context(|| format!("không đọc được tệp {}", file.display()))?;
    let store = open(config).await?;
    let stored: Vec<Unit> = store.units().await?.into_iter().map(|s| s.unit).collect();
    let merge = match parse_unit_file(&bytes).and_then(|u| merge_units(&stored, u)) {
        Ok(m) => m,
        Err(errors) => {
            for e in &errors {
                eprintln!(
                    "{}:{}: {}",
                    file.display(),
                    e.line,
                    if lang == Lang::En {
                        &e.message_en
                    } else {
                        &e.message_vi
                    }
                );
            }
            bail!(
                lang.t("load_units.rejected")
                    .trim_end_matches(':')
                    .to_string()
            );
        }
    };
    let counts = [
        ("added", merge.added.len().to_string()),
        ("changed", merge.changed.len().to_string()),
        ("unchanged", merge.unchanged.to_string()),
    ];
    let detail = format!(
        "added {}, changed {}, unchanged {}",
        counts[0].1, counts[1].1, counts[2].1
    );
    let audit = AuditEvent::system(
        "cli",
        "units_loaded",
        "unit_file",
        &file.display().to_string(),
    )
    .with_detail(detail);
    store.apply_unit_merge(&merge, audit).await?;
    let args: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    println!("{}", msg(lang, "cli.units_loaded", &args));
    Ok(())
}
