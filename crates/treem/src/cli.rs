//! The command line as `shared/spec/cli.md` defines it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// treem — hệ thống thông tin chăm sóc, giáo dục và bảo vệ trẻ em.
#[derive(Parser, Debug)]
#[command(name = "treem", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Args, Debug, Clone, Default)]
pub struct Global {
    /// The data folder: SQLite database, key file, backups [default: ./treem-data]
    #[arg(long, global = true, env = "TREEM_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database: sqlite:///path/treem.db or postgres://user@host/db
    #[arg(long, global = true, env = "TREEM_DATABASE_URL")]
    pub db: Option<String>,
    /// A streaming replica of the PostgreSQL database for reads
    /// (postgres://user@replica/db)
    #[arg(long, global = true, env = "TREEM_DATABASE_READ_URL")]
    pub db_read: Option<String>,
    /// Language of messages: vi (default) or en
    #[arg(long, global = true, env = "TREEM_LANG")]
    pub lang: Option<String>,
}

/// The period and unit of `indicators` and `report`.
#[derive(Args, Debug)]
pub struct PeriodArgs {
    /// The report year
    #[arg(long)]
    pub year: i32,
    /// 1: the first half (reference date 30 June)
    #[arg(long)]
    pub half: Option<u8>,
    /// Only this unit (valid on the reference date) and the units under it
    #[arg(long)]
    pub unit: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web application
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "TREEM_LISTEN")]
        listen: Option<String>,
        /// Load a generated demo district first if the database is empty
        #[arg(long)]
        demo: bool,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        /// Phones keep village sessions offline only over HTTPS.
        #[arg(long, env = "TREEM_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM)
        #[arg(long, env = "TREEM_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// Load a generated demo district
    Demo {
        /// How many children
        #[arg(long, default_value_t = 3000)]
        children: usize,
        /// Random seed (the same seed gives the same district)
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// Import a data set (a folder of CSVs, a .xlsx workbook or a .zip of CSVs)
    Import {
        /// The data set
        path: PathBuf,
        /// Store the valid rows and write the rejected ones beside the data set
        #[arg(long)]
        partial: bool,
        /// The date the data set's unit codes are valid on (overrides the manifest)
        #[arg(long)]
        as_of: Option<String>,
        /// Check everything, store nothing
        #[arg(long)]
        check: bool,
    },
    /// Export every record as a data set (a folder of CSVs, or one workbook)
    Export {
        /// The folder (or .xlsx file with --xlsx) to write
        path: PathBuf,
        /// Write one workbook instead of a folder of CSVs
        #[arg(long)]
        xlsx: bool,
    },
    /// The fourteen indicators on the reference date (31/12/Y, or 30/06/Y with --half 1)
    Indicators {
        #[command(flatten)]
        period: PeriodArgs,
        /// json, csv or table
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Split the indicators counted child by child by sex, ethnicity or
        /// poverty (household poverty)
        #[arg(long)]
        by: Option<String>,
    },
    /// The 6-month or annual report: a DOCX (Decree 30/2020 format) and an XLSX annex
    Report {
        #[command(flatten)]
        period: PeriodArgs,
        /// The report to write (.docx; never replaces a file)
        #[arg(long)]
        out: PathBuf,
        /// The annex to write: every indicator for every unit (.xlsx)
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// The full name of the chair who signs it, under the signature block
        #[arg(long)]
        signer: Option<String>,
    },
    /// WHO 2006 z-scores for a CSV file of measurements
    Zscore {
        /// The measurements (CSV with a header)
        #[arg(long)]
        input: PathBuf,
        /// Where to write the input columns followed by the z-scores
        #[arg(long)]
        output: PathBuf,
    },
    /// Measurements
    #[command(subcommand)]
    Measurements(MeasurementsCommand),
    /// Accounts
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// The key that seals case contents
    #[command(subcommand)]
    Key(KeyCommand),
    /// The audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Administrative units
    #[command(subcommand)]
    Units(UnitsCommand),
    /// The ID verification round with the commune police
    #[command(subcommand)]
    Ids(IdsCommand),
    /// A consistent copy of everything (database and key) in one file
    Backup {
        /// The backup file to write (a zip encrypted with the passphrase)
        file: PathBuf,
        /// A file whose first line is the passphrase (else
        /// TREEM_BACKUP_PASSPHRASE)
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Restore a backup into an empty data folder
    Restore {
        /// The backup file
        file: PathBuf,
        /// A file whose first line is the passphrase (else
        /// TREEM_BACKUP_PASSPHRASE)
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Show the effective configuration
    Config,
}

#[derive(Subcommand, Debug)]
pub enum IdsCommand {
    /// The list for the commune police: children under 16 whose ID number
    /// is missing, malformed, shared or not verified (a workbook)
    Export {
        /// The commune's code
        #[arg(long)]
        unit: String,
        /// Only this village
        #[arg(long)]
        village: Option<String>,
        /// The workbook to write (.xlsx; never replaces a file)
        #[arg(long)]
        out: PathBuf,
    },
    /// The list back, filled by the police: stored all at once, or nothing
    /// with each problem located
    Import {
        /// The returned workbook
        file: PathBuf,
        /// Who verified («Công an xã …»)
        #[arg(long)]
        verified_by: String,
        /// The day of verification (YYYY-MM-DD), not in the future
        #[arg(long)]
        on: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account (prints a one-time password unless --password-stdin)
    Add(UserAdd),
    /// Disable an account: its sessions and API tokens end at once
    Disable {
        /// The username
        name: String,
    },
    /// Enable a disabled account again
    Enable {
        /// The username
        name: String,
    },
    /// Give an account a new one-time password (printed; changed at the
    /// next sign-in); its sessions and tokens end
    ResetPassword {
        /// The username
        name: String,
    },
    /// Make a commune account its People's Committee chair (who approves
    /// case plans), or no longer with --remove
    Chair {
        /// The username
        name: String,
        #[arg(long)]
        remove: bool,
    },
    /// Make an account work for an agency of its unit (by code: UBND,
    /// MTTQ, DT…), so it reports that agency's progress on the plan's
    /// tasks; --remove to end it
    Agency {
        /// The username
        name: String,
        /// The agency's code
        #[arg(required_unless_present = "remove")]
        code: Option<String>,
        #[arg(long, conflicts_with = "code")]
        remove: bool,
    },
}

/// `treem user add`.
#[derive(clap::Args, Debug)]
pub struct UserAdd {
    /// The username (a-z, 0-9, . _ -)
    pub name: String,
    /// admin, province, district, commune, viewer or case_worker
    #[arg(long)]
    pub role: String,
    /// The code of the unit the account works in
    #[arg(long)]
    pub unit: String,
    /// The person's full name [default: the username]
    #[arg(long)]
    pub display_name: Option<String>,
    /// Read the password from standard input (a final password unless
    /// --one-time)
    #[arg(long)]
    pub password_stdin: bool,
    /// The password read from standard input must be changed at first
    /// sign-in
    #[arg(long)]
    pub one_time: bool,
    /// The commune People's Committee chair (a commune account)
    #[arg(long)]
    pub chair: bool,
}

#[derive(Subcommand, Debug)]
pub enum MeasurementsCommand {
    /// Recompute every stored z-score and nutrition status with the current method
    Recompute,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new API token for an account (shown once)
    Create {
        /// The account's username
        name: String,
        /// Days until the token ends
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=366))]
        days: i64,
    },
    /// List every token (never their values)
    List,
    /// Revoke a token by its number (from `treem token list`)
    Revoke {
        /// The token's number
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Seal every case content again under a new key, in one transaction
    /// (stop every server first; back up again afterwards)
    Rotate,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain; exits 1 naming the first broken entry
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum UnitsCommand {
    /// Load a newer unit file (same columns); history is kept
    Load {
        /// The CSV file
        file: PathBuf,
    },
}

/// `treem indicators --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Table,
}
