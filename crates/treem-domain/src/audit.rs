//! The audit log's hash chain.
//!
//! Each entry carries the hash of the one before it, so altering, removing or
//! inserting an entry anywhere but at the very end breaks the chain. Entries
//! record who did what to which record — never the sensitive content itself.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash that stands before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every action code treem writes, in the order the audit page offers them
/// (each has a name in the `[audit_action]` catalogue of both languages).
pub const ACTIONS: &[&str] = &[
    "login",
    "login_failed",
    "login_throttled",
    "logout",
    "password_changed",
    "password_reset",
    "account_created",
    "account_disabled",
    "account_enabled",
    "account_chair",
    "account_agency",
    "token_created",
    "token_revoked",
    "child_created",
    "child_updated",
    "children_merged",
    "children_unmerged",
    "child_list_exported",
    "measurement_added",
    "measurement_corrected",
    "measurement_withdrawn",
    "nutrition_list_exported",
    "zscores_recomputed",
    "case_created",
    "case_read",
    "case_read_denied",
    "case_list_viewed",
    "case_step",
    "case_step_withdrawn",
    "case_handed_over",
    "ids_list_exported",
    "ids_imported",
    "ids_corrections_accepted",
    "ids_children_viewed",
    "case_granted",
    "case_break_glass",
    "indicator_list_viewed",
    "indicator_list_exported",
    "target_changed",
    "dataset.import",
    "dataset.export",
    "units_loaded",
    "holiday_changed",
    "demo_loaded",
    "backup_created",
    "backup_restored",
    "seal_key_recorded",
    "seal_key_rotated",
    "village_session_created",
    "village_list_read",
    "village_entry_stored",
    "village_entry_conflict",
    "village_entry_resolved",
    "village_paper_printed",
    "village_sheet_downloaded",
    "plan_loaded",
    "plan_derived",
    "plan_document_changed",
    "task_assigned",
    "progress_filed",
    "progress_loaded",
    "plan_exported",
    "returns_loaded",
    "return_saved",
    "return_submitted",
    "return_approved",
    "return_unlocked",
    "element_changed",
    "return_form_changed",
    "programme_indicator_changed",
    "report_draft_saved",
    "supervision_recorded",
    "recommendation_closed",
];

/// An action's name in the user's language (an unknown code as itself).
pub fn action_name(code: &str, lang: crate::i18n::Lang) -> &'static str {
    crate::i18n::tr(lang, &format!("audit_action.{}", code.replace('.', "_")))
}

/// What is recorded about one event, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// Account id, if an account acted.
    pub actor_id: Option<i64>,
    /// The username, or `system` / `cli` for the machine itself.
    pub actor: String,
    /// A stable action code, e.g. `login_failed`, `account_created`.
    pub action: String,
    /// The kind of record, e.g. `account`, `unit`, `child`.
    pub record_type: String,
    /// The record's identifier (never its contents).
    pub record_id: String,
    /// The client address, when the event came over the network.
    pub ip: Option<String>,
    /// Short non-sensitive detail, e.g. counts or changed field names.
    pub detail: String,
}

impl AuditEvent {
    /// An event done by the command line or the system itself.
    pub fn system(actor: &str, action: &str, record_type: &str, record_id: &str) -> Self {
        AuditEvent {
            actor_id: None,
            actor: actor.to_string(),
            action: action.to_string(),
            record_type: record_type.to_string(),
            record_id: record_id.to_string(),
            ip: None,
            detail: String::new(),
        }
    }

    /// The same event with a detail text.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// One stored entry of the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub event: AuditEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The time stamp as stored: whole microseconds, which both databases keep
/// exactly, so the hash can be recomputed from what was read back.
pub fn stored_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// The hash of an entry: SHA-256 over the previous hash and every field,
/// each field length-prefixed so no two entries can share an encoding.
pub fn entry_hash(seq: i64, at: DateTime<Utc>, event: &AuditEvent, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    let actor_id = event.actor_id.map(|i| i.to_string()).unwrap_or_default();
    let seq = seq.to_string();
    let fields: [&str; 10] = [
        prev_hash,
        &seq,
        &at,
        &actor_id,
        &event.actor,
        &event.action,
        &event.record_type,
        &event.record_id,
        event.ip.as_deref().unwrap_or(""),
        &event.detail,
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Makes the next entry after the one whose sequence and hash are given.
pub fn next_entry(prev: Option<(i64, &str)>, at: DateTime<Utc>, event: AuditEvent) -> AuditEntry {
    let (seq, prev_hash) = match prev {
        Some((s, h)) => (s + 1, h.to_string()),
        None => (1, GENESIS.to_string()),
    };
    let at = stored_time(at);
    let hash = entry_hash(seq, at, &event, &prev_hash);
    AuditEntry {
        seq,
        at,
        event,
        prev_hash,
        hash,
    }
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "mục {seq}: thiếu mục trước (số thứ tự nhảy từ {expected}) / entry {seq}: gap in sequence, expected {expected}"
    )]
    Gap { seq: i64, expected: i64 },
    #[error(
        "mục {seq}: không khớp với mục trước / entry {seq}: does not link to the previous entry"
    )]
    Link { seq: i64 },
    #[error("mục {seq}: nội dung đã bị sửa / entry {seq}: content was altered")]
    Altered { seq: i64 },
}

impl ChainBreak {
    /// The break in one language (the `Display` form gives both, for logs).
    pub fn said(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (self, lang) {
            (ChainBreak::Gap { seq, expected }, Lang::Vi) => {
                format!("mục {seq}: thiếu mục trước (số thứ tự nhảy từ {expected})")
            }
            (ChainBreak::Gap { seq, expected }, Lang::En) => {
                format!("entry {seq}: gap in sequence, expected {expected}")
            }
            (ChainBreak::Link { seq }, Lang::Vi) => format!("mục {seq}: không khớp với mục trước"),
            (ChainBreak::Link { seq }, Lang::En) => {
                format!("entry {seq}: does not link to the previous entry")
            }
            (ChainBreak::Altered { seq }, Lang::Vi) => format!("mục {seq}: nội dung đã bị sửa"),
            (ChainBreak::Altered { seq }, Lang::En) => format!("entry {seq}: content was altered"),
        }
    }
}

/// Checks the chain incrementally, entry by entry, so a log of any length
/// can be verified in bounded memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainVerifier {
    /// Checks the next entry; the first break found is returned.
    pub fn check(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq {
            return Err(ChainBreak::Gap {
                seq: e.seq,
                expected: self.expected_seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::Link { seq: e.seq });
        }
        if entry_hash(e.seq, e.at, &e.event, &e.prev_hash) != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// How many entries were checked.
    pub fn checked(&self) -> i64 {
        self.expected_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_name_in_both_languages() {
        use crate::i18n::{Lang, keys};
        for lang in [Lang::Vi, Lang::En] {
            let known = keys(lang);
            for code in ACTIONS {
                let key = format!("audit_action.{}", code.replace('.', "_"));
                assert!(known.contains(&key.as_str()), "{code} in {lang:?}");
            }
        }
        assert_eq!(
            action_name("case_read", crate::i18n::Lang::Vi),
            "Xem hồ sơ vụ việc"
        );
        assert_eq!(
            action_name("dataset.import", crate::i18n::Lang::En),
            "Data set imported"
        );
    }

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            let ev = AuditEvent::system("cli", "test", "account", &i.to_string());
            out.push(next_entry(prev, Utc::now(), ev));
        }
        out
    }

    fn verify(entries: &[AuditEntry]) -> Result<(), ChainBreak> {
        let mut v = ChainVerifier::default();
        entries.iter().try_for_each(|e| v.check(e))
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
    }

    #[test]
    fn altered_field_is_found() {
        let mut c = chain(5);
        c[2].event.record_id = "999".into();
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn removed_entry_is_found() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(ChainBreak::Gap {
                seq: 3,
                expected: 2
            })
        );
    }

    #[test]
    fn rehashed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].event.actor = "mallory".into();
        c[2].hash = entry_hash(c[2].seq, c[2].at, &c[2].event, &c[2].prev_hash);
        assert_eq!(verify(&c), Err(ChainBreak::Link { seq: 4 }));
    }

    #[test]
    fn time_is_kept_to_microseconds() {
        let e = &chain(1)[0];
        assert_eq!(e.at.timestamp_subsec_nanos() % 1000, 0);
    }
}
