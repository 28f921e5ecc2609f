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
    pub(crate) fn sql(self) -> &'static str {
        match self {
            GroupColumn::Sex => "SELECT id, sex FROM children WHERE merged_into IS NULL",
            GroupColumn::Ethnicity => {
                "SELECT id, ethnicity FROM children WHERE merged_into IS NULL"
            }
            GroupColumn::Poverty => {
                "SELECT id, household_poverty FROM children WHERE merged_into IS NULL"
            }
        }
    }
}

/// The storage of groupings (a part of [`crate::Store`]).
#[async_trait]
pub trait BreakdownStore: Send + Sync {
    /// Every child's (not merged away) id and value of the column (`None`
    /// where unknown).
    async fn child_groups(&self, column: GroupColumn) -> StoreResult<Vec<(i64, Option<String>)>>;
}

/// Expands into a backend's `BreakdownStore` implementation.
macro_rules! breakdown_sql {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::BreakdownStore for $store {
            async fn child_groups(
                &self,
                column: $crate::GroupColumn,
            ) -> $crate::StoreResult<Vec<(i64, Option<String>)>> {
                Ok(sqlx::query_as(column.sql())
                    .fetch_all(self.reader())
                    .await?)
            }
        }
    };
}
pub(crate) use breakdown_sql;
