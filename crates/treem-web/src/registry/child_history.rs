//! A child's change history as one list, newest first: each edit of the
//! record (which fields), and each merge with another record and its
//! undoing.

use chrono::{DateTime, Utc};
use treem_domain::clock::vn_offset;
use treem_domain::i18n::{Lang, trf};
use treem_store::{ChildDetail, ChildVersion, Merge};

/// One line of the history.
pub struct HistoryRow {
    /// "3 → 4" for an edit, empty for a merge.
    pub version: String,
    pub at: String,
    pub actor: String,
    pub what: String,
}

fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&vn_offset())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The history of child `id` from its versions, its merges (undone ones
/// too) and the records merged with it.
pub fn history_rows(
    lang: Lang,
    id: i64,
    versions: Vec<ChildVersion>,
    merges: &[Merge],
    others: &[ChildDetail],
) -> Vec<HistoryRow> {
    let mut rows: Vec<(DateTime<Utc>, HistoryRow)> = versions
        .into_iter()
        .map(|v| {
            let fields = v
                .changed_fields
                .split(';')
                .filter(|f| !f.is_empty())
                .map(|f| lang.t(&format!("field.{f}")))
                .collect::<Vec<_>>()
                .join(", ");
            let row = HistoryRow {
                version: format!("{} → {}", v.version, v.version + 1),
                at: when(v.changed_at),
                actor: v.actor,
                what: fields,
            };
            (v.changed_at, row)
        })
        .collect();
    for m in merges {
        let kept = m.survivor_id == id;
        let other_id = if kept { m.merged_id } else { m.survivor_id };
        let other = others
            .iter()
            .find(|o| o.id == other_id)
            .map(|o| format!("{} ({})", o.full_name, o.child_id))
            .unwrap_or_else(|| other_id.to_string());
        let key = if kept {
            "history.merged_in"
        } else {
            "history.merged_away"
        };
        rows.push((
            m.merged_at,
            HistoryRow {
                version: String::new(),
                at: when(m.merged_at),
                actor: m.actor.clone(),
                what: trf(lang, key, &[("other", &other)]),
            },
        ));
        if let Some(undone) = m.undone_at {
            rows.push((
                undone,
                HistoryRow {
                    version: String::new(),
                    at: when(undone),
                    actor: String::new(),
                    what: trf(lang, "history.unmerged", &[("other", &other)]),
                },
            ));
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.into_iter().map(|(_, r)| r).collect()
}
