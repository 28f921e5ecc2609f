//! `treem zscore --input IN.csv --output OUT.csv`.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use anyhow::{Context, bail};
use treem_domain::anthro::zscore_file;
use treem_domain::i18n::Lang;

use crate::config::Config;

/// Writes every row with its z-scores; exits 1 (after writing) when any row
/// could not be read, listing each on stderr with its line.
pub fn run(config: &Config, input: &Path, output: &Path) -> anyhow::Result<()> {
    let lang = config.lang;
    let reader =
        File::open(input).with_context(|| format!("không mở được tệp {}", input.display()))?;
    let writer =
        File::create(output).with_context(|| format!("không tạo được tệp {}", output.display()))?;
    let bar = crate::admin::progress_bar(None, "{spinner} {pos} dòng · {per_sec}");
    let summary = zscore_file(
        BufReader::with_capacity(1 << 16, reader),
        BufWriter::with_capacity(1 << 16, writer),
        &mut |n| bar.set_position(n),
    )
    .with_context(|| format!("{}", input.display()))?;
    bar.finish_and_clear();
    for e in &summary.errors {
        let message = match lang {
            Lang::Vi => &e.error.message_vi,
            Lang::En => &e.error.message_en,
        };
        let line = if lang == Lang::Vi { "dòng" } else { "line" };
        eprintln!(
            "{}: {line} {}: {}: {message}",
            input.display(),
            e.line,
            e.error.column
        );
    }
    if !summary.errors.is_empty() {
        match lang {
            Lang::Vi => bail!(
                "{} trong {} dòng không đọc được (các dòng khác đã được tính)",
                summary.errors.len(),
                summary.rows
            ),
            Lang::En => bail!(
                "{} of {} rows could not be read (the others were computed)",
                summary.errors.len(),
                summary.rows
            ),
        }
    }
    Ok(())
}
