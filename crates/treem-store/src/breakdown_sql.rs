//! What the gaps between groups of children read besides the indicators'
//! facts: each child's sex, ethnicity or household poverty (issue 18).

use async_trait::async_trait;

use crate::StoreResult;

/// A column children are grouped by (a fixed name, never the caller's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupColumn {
    Sex,
    Ethnicity,
    Poverty,
}

impl GroupColumn {
    /// The columns read: the child's id and the group's.
    pub(crate) fn columns(self) -> &'static str {
        match self {
            GroupColumn::Sex => "id, sex",
            GroupColumn::Ethnicity => "id, ethnicity",
            GroupColumn::Poverty => "id, household_poverty",
        }
    }
}

/// The storage of groupings (a part of [`crate::Store`]).
#[async_trait]
pub trait BreakdownStore: Send + Sync {
    /// Every child's (not merged away) id and value of the column (`None`
    /// where unknown).
    async fn child_groups(&self, column: GroupColumn) -> StoreResult<Vec<(i64, Option<String>)>>;
    /// The children (not merged away) living in the given units with their
    /// sex, ethnicity and household poverty (`None` where unknown): what a
    /// commune's kept breakdowns read besides its facts.
    async fn child_groups_within(&self, units: &[i64]) -> StoreResult<Vec<ChildGroups>>;
}

/// A child's id, sex, ethnicity and household poverty.
pub type ChildGroups = (i64, Option<String>, Option<String>, Option<String>);

/// Expands into a backend's `BreakdownStore` implementation: the rows as
/// one JSON array the database builds (`$agg`, as the indicators' rows:
/// a million rows one by one cost the driver far more); `$each` reads a
/// table's rows whose column is one of the ids bound as `$1` (as
/// `figures_sql`).
macro_rules! breakdown_sql {
    ($store:ty, each: $each:literal, agg: $agg:literal) => {
        #[async_trait::async_trait]
        impl $crate::BreakdownStore for $store {
            async fn child_groups(
                &self,
                column: $crate::GroupColumn,
            ) -> $crate::StoreResult<Vec<(i64, Option<String>)>> {
                let sql = format!(
                    concat!("SELECT ", $agg, " FROM children WHERE merged_into IS NULL"),
                    column.columns()
                );
                let json: Option<String> =
                    sqlx::query_scalar(&sql).fetch_one(self.reader()).await?;
                $crate::indicators_sql::parse(json)
            }

            async fn child_groups_within(
                &self,
                units: &[i64],
            ) -> $crate::StoreResult<Vec<$crate::ChildGroups>> {
                let units = serde_json::to_string(units)
                    .map_err(|e| $crate::StoreError::Corrupt(format!("units: {e}")))?;
                let from = $each
                    .replace("{table}", "children c")
                    .replace("{on}", "c.unit_id");
                let sql = format!(
                    concat!("SELECT ", $agg, " FROM {} AND c.merged_into IS NULL"),
                    "c.id, c.sex, c.ethnicity, c.household_poverty", from
                );
                let json: Option<String> = sqlx::query_scalar(&sql)
                    .bind(units)
                    .fetch_one(self.reader())
                    .await?;
                $crate::indicators_sql::parse(json)
            }
        }
    };
}
pub(crate) use breakdown_sql;
