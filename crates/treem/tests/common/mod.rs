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
        .output()
        .unwrap_or_else(|e| panic!("treem did not run: {e}"))
}

/// Output as text.
pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).to_string()
}
