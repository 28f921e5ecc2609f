//! `treem`: the command line. A thin shell over the library crates.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

mod accounts;
mod admin;
mod backup;
mod cli;
mod config;
mod dataset;
mod ids;
mod indicators;
mod report;
mod serve;
mod zscore;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // sqlx reports statements slower than a second at WARN; a long import is
    // expected to have some, so its reports are kept for TREEM_LOG=debug.
    // PostgreSQL's notices ("relation _sqlx_migrations already exists,
    // skipping" on every start) are the database's chatter, not the
    // command's output: only its warnings and errors are shown.
    let filter = std::env::var("TREEM_LOG")
        .unwrap_or_else(|_| "info,sqlx::query=error,sqlx::postgres::notice=warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("treem: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("treem: {e:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = config::Config::resolve(&cli.global)?;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            tls_cert,
            tls_key,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| serve::Tls { cert, key });
            serve::serve(config, listen, demo, tls).await
        }
        Command::Demo { children, seed } => admin::demo(&config, children, seed).await,
        Command::Import {
            path,
            partial,
            as_of,
            check,
        } => dataset::run_import(&config, &path, partial, as_of, check).await,
        Command::Export { path, xlsx } => dataset::run_export(&config, &path, xlsx).await,
        Command::Indicators { period, format, by } => {
            indicators::run(&config, period, format, by.as_deref()).await
        }
        Command::Report {
            period,
            out,
            xlsx,
            signer,
        } => report::run(&config, period, &out, xlsx.as_deref(), signer).await,
        Command::Zscore { input, output } => zscore::run(&config, &input, &output),
        Command::User(cli::UserCommand::Add(args)) => admin::user_add(&config, args).await,
        Command::User(cli::UserCommand::Disable { name }) => {
            accounts::set_active(&config, &name, false).await
        }
        Command::User(cli::UserCommand::Enable { name }) => {
            accounts::set_active(&config, &name, true).await
        }
        Command::User(cli::UserCommand::ResetPassword { name }) => {
            accounts::reset_password(&config, &name).await
        }
        Command::User(cli::UserCommand::Chair { name, remove }) => {
            accounts::set_chair(&config, &name, !remove).await
        }
        Command::User(cli::UserCommand::Agency { name, code, .. }) => {
            accounts::set_agency(&config, &name, code.as_deref()).await
        }
        Command::Measurements(cli::MeasurementsCommand::Recompute) => {
            admin::recompute(&config).await
        }
        Command::Token(cli::TokenCommand::Create { name, days }) => {
            accounts::token_create(&config, &name, days).await
        }
        Command::Token(cli::TokenCommand::List) => accounts::token_list(&config).await,
        Command::Token(cli::TokenCommand::Revoke { id }) => {
            accounts::token_revoke(&config, id).await
        }
        Command::Key(cli::KeyCommand::Rotate) => admin::key_rotate(&config).await,
        Command::Audit(cli::AuditCommand::Verify) => admin::audit_verify(&config).await,
        Command::Units(cli::UnitsCommand::Load { file }) => admin::units_load(&config, &file).await,
        Command::Ids(cli::IdsCommand::Export { unit, village, out }) => {
            ids::export(&config, &unit, village.as_deref(), &out).await
        }
        Command::Ids(cli::IdsCommand::Import {
            file,
            verified_by,
            on,
        }) => ids::import(&config, &file, &verified_by, &on).await,
        Command::Backup {
            file,
            passphrase_file,
        } => backup::backup(&config, &file, passphrase_file.as_deref()).await,
        Command::Restore {
            file,
            passphrase_file,
        } => backup::restore(&config, &file, passphrase_file.as_deref()).await,
        Command::Config => {
            print!("{}", config.describe());
            Ok(())
        }
    }
}
