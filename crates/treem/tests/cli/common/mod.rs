//! Running the `treem` binary in the command-line tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `treem --data-dir DIR ARGS…` in Vietnamese, whatever the
/// environment says, and waits for it.
pub fn treem(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_treem"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TREEM_DATABASE_URL")
        .env_remove("TREEM_LANG")
        .env("TREEM_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
        .output()
        .unwrap_or_else(|e| panic!("treem did not run: {e}"))
}

/// The passphrase the tests' backups are made with.
pub const BACKUP_PASSPHRASE: &str = "cau mat khau sao luu thu nghiem";

/// Output as text.
pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).to_string()
}
