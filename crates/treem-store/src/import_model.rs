//! What crosses the seam during an import or an export of a data set
//! (interchange format v1): typed cell values, the tables they go to, and
//! the one transaction an import runs in.

use async_trait::async_trait;
use chrono::NaiveDate;
use treem_domain::audit::AuditEvent;
use treem_domain::child::Child;

use crate::StoreResult;

/// A value for one column, typed even when empty (PostgreSQL needs a
/// NULL's type).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
}

/// A table of facts and the columns an import writes, key first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactTable {
    pub table: &'static str,
    /// The file's key (a unique constraint of the table).
    pub keys: &'static [&'static str],
    /// The other columns, replaced when they differ.
    pub values: &'static [&'static str],
    /// A column set to the time of the import when a row is first stored.
    pub created: Option<&'static str>,
    /// The unit that owns a stored row, as an SQL expression over the
    /// table aliased `t`: an import within a unit scope may change a stored
    /// row only when this unit is in the scope.
    pub owner: &'static str,
}

/// The owner of a row that belongs to a child: the child's unit.
const CHILD_OWNER: &str = "(SELECT c.unit_id FROM children c WHERE c.id = t.child_id)";
/// The owner of a row that names its own commune.
const UNIT_OWNER: &str = "t.unit_id";

pub const MEASUREMENTS: FactTable = FactTable {
    table: "measurements",
    keys: &["child_id", "measured_on"],
    values: &[
        "weight_kg",
        "height_cm",
        "position",
        "oedema",
        "age_days",
        "clen_cm",
        "c9mo_flag",
        "waz",
        "f_waz",
        "haz",
        "f_haz",
        "whz",
        "f_whz",
        "baz",
        "f_baz",
        "hcz",
        "f_hcz",
        "nutrition",
        "method",
    ],
    created: Some("created_at"),
    owner: CHILD_OWNER,
};
pub const SCHOOLS: FactTable = FactTable {
    table: "schools",
    keys: &["school_code", "year"],
    values: &[
        "name",
        "level",
        "unit_id",
        "sanitation_standard",
        "psych_support",
    ],
    created: None,
    owner: UNIT_OWNER,
};
pub const ENROLMENTS: FactTable = FactTable {
    table: "enrolments",
    keys: &["child_id", "school_year", "level"],
    values: &["school_code", "grade", "status"],
    created: None,
    owner: CHILD_OWNER,
};
pub const ASSESSMENTS: FactTable = FactTable {
    table: "commune_assessments",
    keys: &["commune_code", "year"],
    values: &["unit_id", "child_friendly", "play_spot"],
    created: None,
    owner: UNIT_OWNER,
};
pub const DISASTERS: FactTable = FactTable {
    table: "disasters",
    keys: &["event_id", "commune_code"],
    values: &[
        "unit_id",
        "occurred_on",
        "kind",
        "children_affected",
        "children_supported_timely",
    ],
    created: None,
    owner: UNIT_OWNER,
};
pub const PARTICIPATION: FactTable = FactTable {
    table: "participation",
    keys: &["child_id", "date", "kind"],
    values: &["note"],
    created: None,
    owner: CHILD_OWNER,
};
pub const CASES: FactTable = FactTable {
    table: "cases",
    keys: &["case_id"],
    values: &[
        "child_id",
        "reported_on",
        "harm_type",
        "intervention_started_on",
        "closed_on",
    ],
    created: None,
    owner: CHILD_OWNER,
};

/// Whether the rows of a table carry their child's unit on PostgreSQL
/// (migration 0042: measurements, enrolments, participation; the child's
/// id their first key).
pub(crate) fn carries_child_unit(t: &FactTable) -> bool {
    matches!(t.table, "measurements" | "enrolments" | "participation")
        && t.keys.first() == Some(&"child_id")
}

/// How many rows of a batch were written (new or changed) and how many were
/// already stored exactly so.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Upserted {
    pub written: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for Upserted {
    fn add_assign(&mut self, o: Self) {
        self.written += o.written;
        self.unchanged += o.unchanged;
    }
}

/// What a row that names a child needs to know of her.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChildFacts {
    pub id: i64,
    pub child_id: String,
    pub sex: String,
    pub date_of_birth: NaiveDate,
    pub unit_id: i64,
}

/// A child to store, with the columns derived from her record (folded and
/// sortable names, search text) computed by the caller — an importer does
/// that on its own core while the database writes the previous batch.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChild {
    pub child: Child,
    pub unit_id: i64,
    pub name_folded: String,
    pub name_sort: String,
    pub search_text: String,
}

impl NewChild {
    pub fn new(child: Child, unit_id: i64) -> Self {
        NewChild {
            name_folded: treem_domain::text::fold(&child.full_name),
            name_sort: treem_domain::text::name_sort_key(&child.full_name),
            search_text: treem_domain::child::search_text(&child),
            child,
            unit_id,
        }
    }
}

/// One import, in one database transaction: nothing is visible to others
/// until `commit`, and dropping it without committing stores nothing.
#[async_trait]
pub trait ImportTx: Send {
    /// Inserts new children and updates changed ones (keeping the previous
    /// state as a version); identical ones are left alone.
    async fn upsert_children(&mut self, rows: &[NewChild], actor: &str) -> StoreResult<Upserted>;
    /// The stored children with these codes (those written earlier in this
    /// transaction included).
    async fn child_facts(&mut self, child_ids: &[String]) -> StoreResult<Vec<ChildFacts>>;
    /// For each key (the key columns of `table`, in order), the unit that
    /// owns the stored row with that key, or `None` when none is stored.
    async fn stored_owners(
        &mut self,
        table: FactTable,
        keys: &[Vec<Value>],
    ) -> StoreResult<Vec<Option<i64>>>;
    /// The school codes among these that have a stored record.
    async fn known_schools(&mut self, codes: &[String]) -> StoreResult<Vec<String>>;
    /// Inserts or updates rows of a fact table by its key; each row holds the
    /// keys then the values, in the table's order.
    async fn upsert_facts(
        &mut self,
        table: FactTable,
        rows: &[Vec<Value>],
    ) -> StoreResult<Upserted>;
    /// Writes what a data set's plan files change (checked by the importer).
    async fn write_plans(&mut self, writes: &crate::PlanWrites, actor: &str) -> StoreResult<()>;
    /// Writes what a data set's `returns.csv` changes (checked by the importer).
    async fn write_returns(
        &mut self,
        writes: &[crate::ReturnWrite],
        actor: &str,
    ) -> StoreResult<()>;
    /// Makes everything visible at once, with its audit entry.
    async fn commit(self: Box<Self>, audit: AuditEvent) -> StoreResult<()>;
}

/// A page of stored rows of one file, for export: each row's id (to ask for
/// the next page) and its columns as text in the file's order.
pub type ExportPage = Vec<(i64, Vec<String>)>;
