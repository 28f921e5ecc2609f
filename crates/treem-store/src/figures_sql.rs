//! Figures kept per commune (issue 20): each unit's mark (changed by the
//! triggers of migration 0035 in every transaction that writes a record an
//! indicator reads), the communes' kept counts for a period, and the rows
//! one commune's figures are computed from — that commune's records alone,
//! never a province's.

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::{IndicatorRows, StoreResult};

/// A commune's kept counts for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptCommune {
    /// The stored id of the commune.
    pub unit_id: i64,
    /// The marks they were computed at (`unit:token;…`).
    pub stamp: String,
    /// Whether the commune holds a record.
    pub holds: bool,
    /// The fourteen numerators and denominators (in pairs), then the
    /// registry counts (children 0–15, under five, under one).
    pub counts: Vec<i64>,
}

/// The storage of the kept figures (a part of [`crate::Store`]).
#[async_trait]
pub trait FigureStore: Send + Sync {
    /// Every unit's mark, by stored unit id (a unit with no mark yet has
    /// none: read as 0).
    async fn figure_marks(&self) -> StoreResult<Vec<(i64, i64)>>;
    /// Folds the marks' log into the marks, every unit's mark unchanged
    /// (PostgreSQL, where writes log their marks; nothing on SQLite).
    /// `figure_marks` does it by itself when the log has grown.
    async fn fold_figure_marks(&self) -> StoreResult<()>;
    /// The communes' kept counts for a period (`2025`, `2025h1`).
    async fn kept_figures(&self, period: &str) -> StoreResult<Vec<KeptCommune>>;
    /// Keeps communes' counts for a period (replacing what was kept).
    async fn keep_figures(&self, period: &str, communes: &[KeptCommune]) -> StoreResult<()>;
    /// How complete the ID link is under the given units (as
    /// `IdStore::id_link_counts`, found by unit): per stored unit, the
    /// children born after `born_after` living there with a verified
    /// number, a number not verified, none.
    async fn link_counts_within(
        &self,
        units: &[i64],
        born_after: NaiveDate,
    ) -> StoreResult<Vec<(i64, i64, i64, i64)>>;
    /// What the indicators read of the records under the given units: their
    /// children (and the records merged into them) with their measurements,
    /// enrolments, participation and cases, every record of a school that
    /// has one under them with its grade 5 and 9 enrolments (and those
    /// enrolments' children), their assessments and disasters. Records of
    /// other units may come with them (a pupil of a school here living
    /// elsewhere); nothing under the units is left out.
    async fn indicator_rows_within(
        &self,
        units: &[i64],
        start: NaiveDate,
        reference: NaiveDate,
        school_year: &str,
    ) -> StoreResult<IndicatorRows>;
}

/// How many rows of the marks' log (PostgreSQL) are folded into the marks
/// at once, when a reader finds more.
pub(crate) const FOLD_AFTER: i64 = 5_000;

/// Expands into a backend's `FigureStore`. `units_in` reads the JSON array
/// of unit ids bound as `$1`; `$agg` aggregates a query's rows into one
/// JSON array (as `indicators_sql`); `marks` reads each unit's mark with
/// the rows of its log not folded yet, and `fold` folds the log into the
/// marks (keeping every total) where there is one.
macro_rules! figures_sql {
    (
        $store:ty,
        $db:ty,
        units_in: $units:literal,
        agg: $agg:literal,
        marks: $marks:literal,
        fold: $fold:expr,
        not_indexed: $not_indexed:literal
    ) => {
        #[async_trait::async_trait]
        impl $crate::FigureStore for $store {
            async fn figure_marks(&self) -> $crate::StoreResult<Vec<(i64, i64)>> {
                use $crate::figures_sql::FOLD_AFTER;
                // (unit, mark, rows of a log still to fold)
                let rows: Vec<(i64, i64, i64)> = sqlx::query_as($marks).fetch_all(self.reader()).await?;
                if rows.iter().map(|r| r.2).sum::<i64>() > FOLD_AFTER {
                    self.fold_figure_marks().await?;
                }
                Ok(rows.into_iter().map(|(u, m, _)| (u, m)).collect())
            }

            async fn fold_figure_marks(&self) -> $crate::StoreResult<()> {
                let fold: Option<&str> = $fold;
                if let Some(fold) = fold {
                    sqlx::query(fold).execute(self.writer()).await?;
                }
                Ok(())
            }

            async fn kept_figures(&self, period: &str) -> $crate::StoreResult<Vec<$crate::KeptCommune>> {
                let rows: Vec<(i64, String, bool, String)> = sqlx::query_as(
                    "SELECT unit_id, stamp, holds, counts FROM commune_figures WHERE period = $1",
                )
                .bind(period)
                .fetch_all(self.reader())
                .await?;
                rows.into_iter()
                    .map(|(unit_id, stamp, holds, counts)| {
                        let counts = serde_json::from_str(&counts)
                            .map_err(|e| $crate::StoreError::Corrupt(format!("kept figures: {e}")))?;
                        Ok($crate::KeptCommune { unit_id, stamp, holds, counts })
                    })
                    .collect()
            }

            async fn keep_figures(&self, period: &str, communes: &[$crate::KeptCommune]) -> $crate::StoreResult<()> {
                let mut tx = self.writer().begin().await?;
                let now = chrono::Utc::now();
                // The ID link is counted today: earlier days are not kept.
                if period.starts_with("ids-") {
                    sqlx::query("DELETE FROM commune_figures WHERE period LIKE 'ids-%' AND period <> $1")
                        .bind(period)
                        .execute(&mut *tx)
                        .await?;
                }
                for c in communes {
                    let counts = serde_json::to_string(&c.counts)
                        .map_err(|e| $crate::StoreError::Corrupt(format!("kept figures: {e}")))?;
                    sqlx::query(
                        "INSERT INTO commune_figures (period, unit_id, stamp, holds, counts, computed_at)
                         VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (period, unit_id) DO UPDATE SET stamp = excluded.stamp,
                            holds = excluded.holds, counts = excluded.counts, computed_at = excluded.computed_at",
                    )
                    .bind(period)
                    .bind(c.unit_id)
                    .bind(&c.stamp)
                    .bind(c.holds)
                    .bind(counts)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn link_counts_within(
                &self,
                units: &[i64],
                born_after: chrono::NaiveDate,
            ) -> $crate::StoreResult<Vec<(i64, i64, i64, i64)>> {
                let units = serde_json::to_string(units)
                    .map_err(|e| $crate::StoreError::Corrupt(format!("units: {e}")))?;
                // Found by unit: `$not_indexed` keeps SQLite from the link's
                // own index, which would read a province's children.
                Ok(sqlx::query_as(concat!(
                    "SELECT unit_id, ", $crate::ids_sql::link_sums!(), "
                     FROM children
                     WHERE unit_id IN (", $units, ") AND merged_into IS NULL
                       AND ", $not_indexed, "status = 'active' AND ", $not_indexed, "date_of_birth > $2
                     GROUP BY unit_id ORDER BY unit_id"
                ))
                .bind(units)
                .bind(born_after)
                .fetch_all(self.reader())
                .await?)
            }

            async fn indicator_rows_within(
                &self,
                units: &[i64],
                start: chrono::NaiveDate,
                reference: chrono::NaiveDate,
                school_year: &str,
            ) -> $crate::StoreResult<$crate::IndicatorRows> {
                let db = self.reader();
                let units = serde_json::to_string(units)
                    .map_err(|e| $crate::StoreError::Corrupt(format!("units: {e}")))?;
                let awareness_from = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap_or(start);
                let within = concat!("unit_id IN (", $units, ")");
                // Each set is a union of indexed lookups (an `OR` across two
                // indexes would read every row of the table instead), and a
                // child's rows are read only where an indicator can use them.
                // The records living under the units, and those merged into
                // them (whose records count for them), born in `$from..=$to`.
                // `born_s` filters the merged records by their survivor's
                // birth (the one the indicators read for them).
                let own = |born: &str, born_s: &str| {
                    format!(
                        "SELECT id FROM children WHERE {within} AND merged_into IS NULL{born}
                         UNION ALL SELECT m.id FROM children s JOIN children m ON m.merged_into = s.id
                            WHERE s.{within} AND s.merged_into IS NULL{born_s}"
                    )
                };
                let codes = format!("SELECT school_code FROM schools WHERE {within}");
                // Grades 5 and 9 count under the school, whoever the pupil.
                let school_rows = format!(
                    "SELECT id FROM enrolments WHERE school_code IN ({codes}) AND school_year = $2 AND grade IN (5, 9)"
                );
                let pupil_rows = format!("SELECT c.id, c.merged_into FROM enrolments e JOIN children c ON c.id = e.child_id WHERE e.id IN ({school_rows})");
                let q = |cols: &str, rest: &str| format!(concat!("SELECT ", $agg, " FROM {}"), cols, rest);
                const CHILD: &str = "id, unit_id, date_of_birth, status, status_date, birth_registered, birth_registration_date";
                let children = q(CHILD, &format!("children WHERE {within} AND merged_into IS NULL"));
                // Pupils of the schools here who live elsewhere (or their
                // survivors), for their enrolments to be placed.
                let pupils = q(
                    CHILD,
                    &format!(
                        "children WHERE id IN (SELECT COALESCE(p.merged_into, p.id) FROM ({pupil_rows}) p)
                           AND merged_into IS NULL AND NOT {within}"
                    ),
                );
                let merged = q(
                    "id, merged_into",
                    &format!(
                        "(SELECT m.id, m.merged_into FROM children s JOIN children m ON m.merged_into = s.id
                            WHERE s.{within} AND s.merged_into IS NULL
                          UNION SELECT p.id, p.merged_into FROM ({pupil_rows}) p WHERE p.merged_into IS NOT NULL) AS t"
                    ),
                );
                // A measurement at 0–59 months in the period: born at most
                // 1,826 days before the period's start (a merged record's
                // measurements carry their own age: not filtered).
                let measurements = q(
                    "child_id, measured_on, age_days, waz, f_waz, haz, f_haz",
                    &format!(
                        "measurements WHERE child_id IN ({}) AND measured_on >= $2 AND measured_on <= $3
                           AND age_days <= 1826 AND (waz IS NOT NULL OR haz IS NOT NULL)",
                        own(" AND date_of_birth >= $4", "")
                    ),
                );
                // Preschool counts for the five-year-olds (born in Y − 6).
                let enrolments = q(
                    "child_id, school_code, level, grade, status",
                    &format!(
                        "enrolments WHERE id IN (
                            SELECT id FROM enrolments WHERE child_id IN ({}) AND school_year = $2 AND level = 'preschool'
                            UNION {school_rows})",
                        own(
                            " AND date_of_birth >= $3 AND date_of_birth <= $4",
                            " AND s.date_of_birth >= $3 AND s.date_of_birth <= $4"
                        )
                    ),
                );
                let schools = q(
                    "school_code, name, year, unit_id, sanitation_standard, psych_support",
                    &format!("schools WHERE school_code IN ({codes})"),
                );
                let assessments = q("unit_id, year, child_friendly, play_spot", &format!("commune_assessments WHERE {within}"));
                let disasters = q(
                    "event_id, kind, unit_id, occurred_on, children_affected, children_supported_timely",
                    &format!("disasters WHERE {within}"),
                );
                // Participation counts for children of 6 to 15.
                let participation = q(
                    "child_id, date, kind",
                    &format!(
                        "participation WHERE child_id IN ({}) AND date <= $3
                           AND ((kind = 'awareness' AND date >= $4) OR (kind IN ('forum', 'club', 'council') AND date >= $2))",
                        own(" AND date_of_birth <= $5", " AND s.date_of_birth <= $5")
                    ),
                );
                let cases = q(
                    "child_id, reported_on, intervention_started_on",
                    &format!("cases WHERE child_id IN ({}) AND reported_on >= $2 AND reported_on <= $3", own("", "")),
                );
                enum Arg {
                    Text(String),
                    Date(chrono::NaiveDate),
                }
                async fn fetch<T: serde::de::DeserializeOwned>(
                    pool: &sqlx::Pool<$db>,
                    sql: &str,
                    units: &str,
                    args: &[Arg],
                ) -> $crate::StoreResult<Vec<T>> {
                    let mut q = sqlx::query_scalar::<_, Option<String>>(sql).bind(units.to_string());
                    for a in args {
                        q = match a {
                            Arg::Text(t) => q.bind(t.clone()),
                            Arg::Date(d) => q.bind(*d),
                        };
                    }
                    $crate::indicators_sql::parse(q.fetch_one(pool).await?)
                }
                use chrono::Datelike;
                let day = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or(start);
                let year = reference.year();
                let under_five_from = start - chrono::Duration::days(1827);
                let five_year_olds = (day(year - 6, 1, 1), day(year - 6, 12, 31));
                // Six at the reference date at the latest (born on or before
                // the day six years earlier; a 29 February birthday a day on).
                let six_by = day(year - 6, reference.month(), 28) + chrono::Duration::days(3);
                let sy = [Arg::Text(school_year.to_string())];
                let period = [Arg::Date(start), Arg::Date(reference)];
                let measured = [Arg::Date(start), Arg::Date(reference), Arg::Date(under_five_from)];
                let preschool = [
                    Arg::Text(school_year.to_string()),
                    Arg::Date(five_year_olds.0),
                    Arg::Date(five_year_olds.1),
                ];
                let active = [Arg::Date(start), Arg::Date(reference), Arg::Date(awareness_from), Arg::Date(six_by)];
                let (mut c, pupils, x, m, e) = tokio::try_join!(
                    fetch(db, &children, &units, &[]),
                    fetch(db, &pupils, &units, &sy),
                    fetch(db, &merged, &units, &sy),
                    fetch(db, &measurements, &units, &measured),
                    fetch(db, &enrolments, &units, &preschool),
                )?;
                c.extend(pupils);
                let (s, a, d, p, k) = tokio::try_join!(
                    fetch(db, &schools, &units, &[]),
                    fetch(db, &assessments, &units, &[]),
                    fetch(db, &disasters, &units, &[]),
                    fetch(db, &participation, &units, &active),
                    fetch(db, &cases, &units, &period),
                )?;
                Ok($crate::indicators_sql::assemble(c, x, m, e, s, a, d, p, k))
            }
        }
    };
}

pub(crate) use figures_sql;
