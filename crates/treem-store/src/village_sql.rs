//! Village days: the sessions prepared for a phone and the entries it sends
//! back. An entry is recorded under the id the phone gave it, in the same
//! transaction as what it stores (a measurement, an attendance, a new
//! child), so a retry finds it and nothing is stored twice.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use treem_domain::audit::AuditEvent;
use treem_domain::child::Child;

use crate::{ChangeNote, MeasuredRow, Scope, StoreResult, ZRecord};

/// A session as it is prepared.
#[derive(Debug, Clone, PartialEq)]
pub struct NewVillageSession {
    pub unit_id: i64,
    pub village: String,
    /// `weighing`, `awareness`, `forum`, `club` or `council`.
    pub kind: String,
    pub held_on: NaiveDate,
    pub created_by: i64,
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VillageSession {
    pub id: i64,
    pub unit_id: i64,
    pub village: String,
    pub kind: String,
    pub held_on: NaiveDate,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// An entry as the server recorded it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VillageEntry {
    pub entry_id: String,
    pub session_id: i64,
    pub account_id: i64,
    pub received_at: DateTime<Utc>,
    /// The entry as the phone sent it (JSON).
    pub body: String,
    /// `stored`, `conflict`, `resolved` or `dismissed`.
    pub state: String,
    /// Why it is (or was) a conflict.
    pub reason: Option<String>,
    pub child_id: Option<i64>,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

/// A child on a session's list, with her latest measurement.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VillageChild {
    pub id: i64,
    pub child_id: String,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub mother_name: Option<String>,
    pub measured_on: Option<NaiveDate>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub nutrition: Option<String>,
}

/// What an entry stores, in the transaction that records it.
#[derive(Debug, Clone, PartialEq)]
pub enum VillageWrite {
    /// Nothing (a conflict, or an entry dismissed).
    Nothing,
    /// A new measurement of a child.
    Measure {
        child: i64,
        measured: MeasuredRow,
        z: ZRecord,
    },
    /// The phone's values replace measurement `id` of the child (kept as a
    /// correction with the note).
    Replace {
        child: i64,
        id: i64,
        measured: MeasuredRow,
        z: ZRecord,
        note: ChangeNote,
    },
    /// A child took part in an activity (an existing record is kept).
    Attend {
        child: i64,
        date: NaiveDate,
        kind: String,
    },
    /// A child met in the village, with what was entered for her there.
    NewChild {
        child: Box<Child>,
        unit_id: i64,
        measure: Option<(MeasuredRow, ZRecord)>,
        attend: Option<(NaiveDate, String)>,
    },
}

/// An entry as it arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEntry {
    pub entry_id: String,
    pub session_id: i64,
    pub account_id: i64,
    pub body: String,
    /// `stored` or `conflict`.
    pub state: String,
    pub reason: Option<String>,
    pub child_id: Option<i64>,
}

/// What recording an entry did.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Recorded now; the child it concerns or made.
    New { child_id: Option<i64> },
    /// The entry was already recorded (a retry): as it stands.
    Already(Box<VillageEntry>),
}

/// How a conflict was resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub entry_id: String,
    /// `resolved` (stored after all) or `dismissed` (not stored).
    pub state: String,
    pub resolved_by: i64,
    /// What was decided, in words.
    pub resolution: String,
}

/// The storage of village sessions (a part of [`crate::Store`]).
#[async_trait]
pub trait VillageStore: Send + Sync {
    /// Stores a new session; returns its id.
    async fn create_village_session(
        &self,
        new: &NewVillageSession,
        audit: AuditEvent,
    ) -> StoreResult<i64>;
    async fn village_session(&self, id: i64) -> StoreResult<Option<VillageSession>>;
    /// The sessions of units in scope, latest first, at most `limit`.
    async fn village_sessions(&self, scope: &Scope, limit: i64)
    -> StoreResult<Vec<VillageSession>>;
    /// Resident children of a village of the units in `scope` born in
    /// `(born_after, born_until]`, in name order, with their latest
    /// measurement.
    async fn village_children(
        &self,
        scope: &Scope,
        village: &str,
        born_after: NaiveDate,
        born_until: NaiveDate,
    ) -> StoreResult<Vec<VillageChild>>;
    async fn village_entry(&self, entry_id: &str) -> StoreResult<Option<VillageEntry>>;
    /// A session's entries, oldest first.
    async fn village_entries(&self, session: i64) -> StoreResult<Vec<VillageEntry>>;
    /// Records an entry and stores what it says, in one transaction with
    /// its audit entry. An entry already recorded is returned as it is and
    /// nothing is written. `Conflict` when the write breaks a uniqueness
    /// rule (e.g. a measurement on that day appeared meanwhile): nothing
    /// was recorded.
    async fn record_village_entry(
        &self,
        entry: &ReceivedEntry,
        write: &VillageWrite,
        audit: AuditEvent,
    ) -> StoreResult<Recorded>;
    /// Resolves a conflict and stores what the resolution says, in one
    /// transaction. `Stale(0)` when the entry is no longer a conflict.
    async fn resolve_village_entry(
        &self,
        resolution: &Resolution,
        write: &VillageWrite,
        audit: AuditEvent,
    ) -> StoreResult<Option<i64>>;
}

/// Expands into a backend's `VillageStore` implementation.
macro_rules! village_sql {
    ($store:ty, $db:ty, in_ids: $in_ids:literal) => {
        impl $store {
            /// Stores what an entry says inside a transaction; returns the
            /// child it concerns.
            async fn village_write(
                tx: &mut sqlx::Transaction<'_, $db>,
                write: &$crate::VillageWrite,
            ) -> $crate::StoreResult<Option<i64>> {
                use $crate::VillageWrite as W;
                match write {
                    W::Nothing => Ok(None),
                    W::Measure { child, measured, z } => {
                        Self::insert_measurement(tx, *child, measured, z).await?;
                        Ok(Some(*child))
                    }
                    W::Replace { child, id, measured, z, note } => {
                        Self::correct_in(tx, *child, *id, measured, z, note).await?;
                        Ok(Some(*child))
                    }
                    W::Attend { child, date, kind } => {
                        Self::attend(tx, *child, *date, kind).await?;
                        Ok(Some(*child))
                    }
                    W::NewChild { child, unit_id, measure, attend } => {
                        let id = Self::insert_child(tx, child, unit_id, chrono::Utc::now()).await?;
                        if let Some((m, z)) = measure {
                            Self::insert_measurement(tx, id, m, z).await?;
                        }
                        if let Some((date, kind)) = attend {
                            Self::attend(tx, id, *date, kind).await?;
                        }
                        Ok(Some(id))
                    }
                }
            }

            /// Records a participation; one already there is kept as it is.
            async fn attend(
                tx: &mut sqlx::Transaction<'_, $db>,
                child: i64,
                date: chrono::NaiveDate,
                kind: &str,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO participation (child_id, date, kind) VALUES ($1, $2, $3)
                     ON CONFLICT (child_id, date, kind) DO NOTHING",
                )
                .bind(child)
                .bind(date)
                .bind(kind)
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::VillageStore for $store {
            async fn create_village_session(
                &self,
                new: &$crate::NewVillageSession,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<i64> {
                let mut tx = self.writer().begin().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO village_sessions (unit_id, village, kind, held_on, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(new.unit_id)
                .bind(&new.village)
                .bind(&new.kind)
                .bind(new.held_on)
                .bind(new.created_by)
                .bind(chrono::Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                let mut audit = audit;
                audit.record_id = id.to_string();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn village_session(&self, id: i64) -> $crate::StoreResult<Option<$crate::VillageSession>> {
                Ok(sqlx::query_as(
                    "SELECT id, unit_id, village, kind, held_on, created_by, created_at
                     FROM village_sessions WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await?)
            }

            async fn village_sessions(
                &self,
                scope: &$crate::Scope,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::VillageSession>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT id, unit_id, village, kind, held_on, created_by, created_at
                     FROM village_sessions WHERE ($1 OR unit_id", $in_ids, ")
                     ORDER BY held_on DESC, id DESC LIMIT $3"
                ))
                .bind(all)
                .bind(ids)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            async fn village_children(
                &self,
                scope: &$crate::Scope,
                village: &str,
                born_after: chrono::NaiveDate,
                born_until: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<$crate::VillageChild>> {
                let (all, ids) = scope.as_params();
                Ok(sqlx::query_as(concat!(
                    "SELECT c.id, c.child_id, c.full_name, c.sex, c.date_of_birth, c.mother_name,
                       m.measured_on, m.weight_kg, m.height_cm, m.nutrition
                     FROM children c
                     LEFT JOIN measurements m ON m.child_id = c.id
                       AND m.measured_on = (SELECT MAX(measured_on) FROM measurements WHERE child_id = c.id)
                     WHERE ($1 OR c.unit_id", $in_ids, ") AND c.village = $3 AND c.merged_into IS NULL
                       AND c.status = 'active' AND c.date_of_birth > $4 AND c.date_of_birth <= $5
                     ORDER BY c.name_sort, c.child_id"
                ))
                .bind(all)
                .bind(ids)
                .bind(village)
                .bind(born_after)
                .bind(born_until)
                .fetch_all(self.reader())
                .await?)
            }

            async fn village_entry(&self, entry_id: &str) -> $crate::StoreResult<Option<$crate::VillageEntry>> {
                Ok(sqlx::query_as(
                    "SELECT entry_id, session_id, account_id, received_at, body, state, reason, child_id,
                       resolved_by, resolved_at, resolution
                     FROM village_entries WHERE entry_id = $1",
                )
                .bind(entry_id)
                .fetch_optional(self.writer())
                .await?)
            }

            async fn village_entries(&self, session: i64) -> $crate::StoreResult<Vec<$crate::VillageEntry>> {
                Ok(sqlx::query_as(
                    "SELECT entry_id, session_id, account_id, received_at, body, state, reason, child_id,
                       resolved_by, resolved_at, resolution
                     FROM village_entries WHERE session_id = $1 ORDER BY received_at, entry_id",
                )
                .bind(session)
                .fetch_all(self.writer())
                .await?)
            }

            async fn record_village_entry(
                &self,
                entry: &$crate::ReceivedEntry,
                write: &$crate::VillageWrite,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<$crate::Recorded> {
                if let Some(found) = self.village_entry(&entry.entry_id).await? {
                    return Ok($crate::Recorded::Already(Box::new(found)));
                }
                let mut tx = self.writer().begin().await?;
                let child = Self::village_write(&mut tx, write).await?.or(entry.child_id);
                let inserted = sqlx::query(
                    "INSERT INTO village_entries (entry_id, session_id, account_id, received_at, body, state, reason, child_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&entry.entry_id)
                .bind(entry.session_id)
                .bind(entry.account_id)
                .bind(chrono::Utc::now())
                .bind(&entry.body)
                .bind(&entry.state)
                .bind(&entry.reason)
                .bind(child)
                .execute(&mut *tx)
                .await;
                match inserted.map_err($crate::StoreError::from) {
                    Ok(_) => {}
                    // The same entry arrived twice at once: the other
                    // request recorded it, and this one stores nothing.
                    Err($crate::StoreError::Conflict(c)) if c.contains("village_entries") || c == "unique" => {
                        drop(tx);
                        return match self.village_entry(&entry.entry_id).await? {
                            Some(found) => Ok($crate::Recorded::Already(Box::new(found))),
                            None => Err($crate::StoreError::Conflict(c)),
                        };
                    }
                    Err(e) => return Err(e),
                }
                let mut audit = audit;
                audit.record_id = entry.entry_id.clone();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok($crate::Recorded::New { child_id: child })
            }

            async fn resolve_village_entry(
                &self,
                r: &$crate::Resolution,
                write: &$crate::VillageWrite,
                audit: treem_domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Option<i64>> {
                let mut tx = self.writer().begin().await?;
                let changed = sqlx::query(
                    "UPDATE village_entries SET state = $1, resolved_by = $2, resolved_at = $3, resolution = $4
                     WHERE entry_id = $5 AND state = 'conflict'",
                )
                .bind(&r.state)
                .bind(r.resolved_by)
                .bind(chrono::Utc::now())
                .bind(&r.resolution)
                .bind(&r.entry_id)
                .execute(&mut *tx)
                .await?;
                if changed.rows_affected() == 0 {
                    return Err($crate::StoreError::Stale(0));
                }
                let child = Self::village_write(&mut tx, write).await?;
                if let Some(child) = child {
                    sqlx::query("UPDATE village_entries SET child_id = $1 WHERE entry_id = $2")
                        .bind(child)
                        .bind(&r.entry_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let mut audit = audit;
                audit.record_id = r.entry_id.clone();
                Self::append_audit(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(child)
            }
        }
    };
}
pub(crate) use village_sql;
