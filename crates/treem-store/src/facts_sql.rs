//! A child's schooling and participation, for her profile: her own rows and
//! those of records merged into her.

use chrono::NaiveDate;

/// One school year of a child.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub school_year: String,
    pub level: String,
    pub school_code: String,
    pub school_name: Option<String>,
    pub grade: Option<i64>,
    pub status: String,
}

/// One activity a child took part in.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ParticipationRow {
    pub date: NaiveDate,
    pub kind: String,
    pub note: Option<String>,
}

/// Expands into a backend's profile fact queries.
macro_rules! facts_sql {
    ($store:ty) => {
        impl $store {
            pub(crate) async fn enrolments_of_sql(&self, child: i64) -> $crate::StoreResult<Vec<$crate::EnrolmentRow>> {
                Ok(sqlx::query_as(
                    "SELECT e.school_year, e.level, e.school_code,
                            (SELECT s.name FROM schools s WHERE s.school_code = e.school_code ORDER BY s.year DESC LIMIT 1) AS school_name,
                            e.grade, e.status
                     FROM enrolments e
                     WHERE e.child_id IN (SELECT $1 UNION ALL SELECT id FROM children WHERE merged_into = $1)
                     ORDER BY e.school_year DESC, e.level",
                )
                .bind(child)
                .fetch_all(self.reader())
                .await?)
            }

            pub(crate) async fn participation_of_sql(&self, child: i64) -> $crate::StoreResult<Vec<$crate::ParticipationRow>> {
                Ok(sqlx::query_as(
                    "SELECT date, kind, note FROM participation
                     WHERE child_id IN (SELECT $1 UNION ALL SELECT id FROM children WHERE merged_into = $1)
                     ORDER BY date DESC, kind",
                )
                .bind(child)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use facts_sql;
