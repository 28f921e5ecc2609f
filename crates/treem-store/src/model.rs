//! Plain records that cross the storage seam.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use treem_domain::access::Role;
use treem_domain::units::Unit;

/// A unit version with its database id (children point at versions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUnit {
    pub id: i64,
    pub unit: Unit,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The code of the unit the account works in.
    pub scope_code: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// What it takes to create an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_code: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A login session. The cookie holds a random value; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    /// Absolute end of the session.
    pub expires_at: DateTime<Utc>,
    /// End of the session if the user does nothing until then.
    pub idle_until: DateTime<Utc>,
}

/// Which children's units a query may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every unit (administrators, the whole province).
    All,
    /// Only these unit versions (by id).
    Units(Vec<i64>),
}

impl Scope {
    /// The unit ids as a JSON array, and whether the scope is everything:
    /// how the SQL receives a list as one bound parameter.
    pub(crate) fn as_params(&self) -> (bool, String) {
        match self {
            Scope::All => (true, "[]".to_string()),
            Scope::Units(ids) => {
                let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                (false, format!("[{}]", list.join(",")))
            }
        }
    }
}

/// A page of the children's list.
#[derive(Debug, Clone)]
pub struct ChildQuery {
    pub scope: Scope,
    /// Folded name fragment (see `treem_domain::text::fold`); empty = all.
    pub name: String,
    pub limit: i64,
    pub offset: i64,
}

/// One line of the children's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChildRow {
    pub id: i64,
    pub child_id: String,
    pub full_name: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub ethnicity: Option<String>,
    pub unit_id: i64,
    pub village: Option<String>,
    pub status: String,
}

/// A filter over the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub record_type: Option<String>,
    /// Only entries older than this sequence number (paging backwards).
    pub before_seq: Option<i64>,
    pub limit: i64,
}
