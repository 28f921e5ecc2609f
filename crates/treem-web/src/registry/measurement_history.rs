//! A child's measurements as the history shows them: one line per
//! measurement's values, and the corrections and withdrawals made to them.

use treem_domain::i18n::{Lang, fmt_date, fmt_decimal};
use treem_store::{MeasuredRow, MeasurementChange};

/// A measurement's values in one line ("01/06/2026: 95,0 kg, 82,0 cm").
pub(super) fn summary(lang: Lang, m: &MeasuredRow) -> String {
    let mut parts = Vec::new();
    if let Some(w) = m.weight_kg {
        parts.push(format!("{} kg", fmt_decimal(w, 1, lang)));
    }
    if let Some(h) = m.height_cm {
        parts.push(format!("{} cm", fmt_decimal(h, 1, lang)));
    }
    if m.oedema {
        parts.push(lang.t("measure.oedema").to_lowercase());
    }
    format!("{}: {}", fmt_date(m.measured_on), parts.join(", "))
}

/// A line of a child's measurement history.
pub(super) struct ChangeRow {
    pub at: String,
    pub by: String,
    pub kind: &'static str,
    pub before: String,
    pub reason: String,
}

/// The corrections and withdrawals of a child's measurements, as shown.
pub(super) fn change_rows(lang: Lang, list: &[MeasurementChange]) -> Vec<ChangeRow> {
    list.iter()
        .map(|ch| ChangeRow {
            at: ch
                .changed_at
                .with_timezone(&treem_domain::clock::vn_offset())
                .format("%d/%m/%Y %H:%M")
                .to_string(),
            by: ch.changed_by.clone(),
            kind: lang.t(if ch.kind == "withdrawn" {
                "measure.kind_withdrawn"
            } else {
                "measure.kind_corrected"
            }),
            before: summary(lang, &ch.previous),
            reason: ch.reason.clone(),
        })
        .collect()
}
