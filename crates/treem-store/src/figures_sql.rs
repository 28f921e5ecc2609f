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
    /// A breakdown's counts instead (`counts` then empty): each group's
    /// name (`sex:F`…) with its numerators and denominators.
    pub groups: Vec<Group>,
}

/// A group's name and its numerators and denominators.
pub type Group = (String, Vec<i64>);

/// The stored text of a commune's counts: the numbers, or the groups when
/// there are any (a JSON array either way).
pub(crate) fn encode(c: &KeptCommune) -> StoreResult<String> {
    let text = if c.groups.is_empty() {
        serde_json::to_string(&c.counts)
    } else {
        serde_json::to_string(&c.groups)
    };
    text.map_err(|e| crate::StoreError::Corrupt(format!("kept figures: {e}")))
}

/// The numbers or the groups [`encode`] stored.
pub(crate) fn decode(text: &str) -> StoreResult<(Vec<i64>, Vec<Group>)> {
    match serde_json::from_str::<Vec<i64>>(text) {
        Ok(counts) => Ok((counts, Vec::new())),
        Err(_) => serde_json::from_str(text)
            .map(|groups| (Vec::new(), groups))
            .map_err(|e| crate::StoreError::Corrupt(format!("kept figures: {e}"))),
    }
}

/// The storage of the kept figures (a part of [`crate::Store`]).
#[async_trait]
pub trait FigureStore: Send + Sync {
    /// Every unit's mark, by stored unit id (a unit with no mark yet has
    /// none: read as 0).
    async fn figure_marks(&self) -> StoreResult<Vec<(i64, i64)>>;
    /// The unit list's epoch: changed by every change to the units (in the
    /// same transaction, by the database's triggers).
    async fn unit_epoch(&self) -> StoreResult<i64>;
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

/// Expands into a backend's `FigureStore`. `units_in` reads the list of
/// unit ids bound as `$1` (`$rows::ids`: a JSON array for `json`, an array
/// of `bigint` for `arrays`); with `json`, `$agg` aggregates a query's rows
/// into one JSON array (as `indicators_sql`), with `arrays` each column is
/// aggregated into an array instead (`read_rows`); `marks` reads each
/// unit's mark with the rows of its log not folded yet, and `fold` folds the log into the
/// marks (keeping every total) where there is one; `link_children` is the
/// `FROM` of the children under the units of `$1` counted by the ID link
/// (living, under 16: born after `$2`). `by_unit` (`Some` where the rows of
/// measurements, enrolments and participation carry their child's unit)
/// reads a child table's rows under the units of `$1` (`{cols}`, `{table}`,
/// `{alias}`, `{rest}` as `each_run`).
macro_rules! figures_sql {
    (
        $store:ty,
        $db:ty,
        units_in: $units:literal,
        each: $each:literal,
        each_few: $each_few:literal,
        each_run: $each_run:literal,
        by_unit: $by_unit:expr,
        agg: $agg:literal,
        rows: $rows:ident,
        marks: $marks:literal,
        fold: $fold:expr,
        link_children: $link_children:literal
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

            async fn unit_epoch(&self) -> $crate::StoreResult<i64> {
                Ok(sqlx::query_scalar("SELECT epoch FROM unit_epoch WHERE id = 1")
                    .fetch_one(self.reader())
                    .await?)
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
                        let (counts, groups) = $crate::figures_sql::decode(&counts)?;
                        Ok($crate::KeptCommune { unit_id, stamp, holds, counts, groups })
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
                    let counts = $crate::figures_sql::encode(c)?;
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
                let units = $crate::read_rows::$rows::ids(units)?;
                // The children found unit by unit (`$link_children`), each
                // unit one index range, never an index over the nation's.
                Ok(sqlx::query_as(concat!(
                    "SELECT unit_id, ", $crate::ids_sql::link_sums!(), "
                     FROM ", $link_children, "
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
                let units = $crate::read_rows::$rows::ids(units)?;
                let within = concat!("unit_id IN (", $units, ")");
                // The children's ids found first, the rows of each child table
                // are then read for a list of ids (one indexed lookup each;
                // an `OR` across two indexes would read every row of the
                // table instead), a child's rows only where an indicator can
                // use them.
                let codes = format!("SELECT school_code FROM schools WHERE {within}");
                let q = |cols: &str, rest: &str| $crate::read_rows::$rows::select($agg, cols, rest);
                // Grades 5 and 9 count under the school, whoever the pupil:
                // the schools' grade-5 and grade-9 enrolments, read where
                // they are, not by their rows' ids (PostgreSQL read the whole
                // table for that). Their pupils are nearly all among the
                // children read here; the others are read after.
                let pupil_rows = q(
                    "child_id, school_code, level, grade, status",
                    &format!("enrolments WHERE school_code IN ({codes}) AND school_year = $2 AND grade IN (5, 9)"),
                );
                const CHILD: &str = "id, unit_id, date_of_birth, status, status_date, birth_registered, birth_registration_date";
                // A table's rows whose `on` is one of a list's ids (bound as
                // `$1`): on SQLite the list walked in order, each id looked up
                // in the table's index (`IN (list)` would first copy the list
                // into a temporary index: half the time of a cases read); on
                // PostgreSQL `= ANY(ARRAY(…))`, which the planner takes for a
                // few values (a set-returning function in `IN` counts as 100,
                // and 100 communes' children made it read the whole table).
                let each = |table: &str, on: &str| $each.replace("{table}", table).replace("{on}", on);
                let children = q(
                    "c.id, c.unit_id, c.date_of_birth, c.status, c.status_date, c.birth_registered, c.birth_registration_date",
                    &(each("children c", "c.unit_id") + " AND c.merged_into IS NULL"),
                );
                // The records of the pupils of the schools here who are not
                // among `children` (living elsewhere, or merged into another
                // record), for their enrolments to be placed; then the
                // survivors of those merged who are not read yet.
                let pupils = q(&format!("{CHILD}, merged_into"), &format!("children WHERE id IN ({})", $units));
                let survivors = q(CHILD, &format!("children WHERE id IN ({}) AND merged_into IS NULL", $units));
                // The records merged into the children here (whose records
                // count for them: kept where the survivor is one of
                // `children`), and the pupils' merged records.
                let merged = q(
                    "m.id, m.merged_into",
                    &(each("children s CROSS JOIN children m", "s.unit_id") + " AND m.merged_into = s.id"),
                );
                // A child table's rows for a list of ids (`each`, or `each_few`
                // for a small table) and for the same list in runs
                // (`each_run`: `read_rows::$rows::runs`; the rows of the ids
                // between are dropped after, `figures_rows::listed`).
                // Where the backend keeps the child's unit on the rows
                // (`$by_unit`), also the table's rows under the units.
                let by_unit: Option<&str> = $by_unit;
                let by = |cols: &str, table: &str, on: &str, few: bool, rest: &str| {
                    let list = if few { $each_few } else { $each };
                    let list = list.replace("{table}", table).replace("{on}", on) + rest;
                    let alias = table.rsplit(' ').next().unwrap_or(table);
                    let runs = $each_run
                        .replace("{table}", table)
                        .replace("{on}", on)
                        .replace("{rest}", rest)
                        .replace("{alias}", alias);
                    let under = by_unit.map(|t| {
                        let under = t
                            .replace("{cols}", cols)
                            .replace("{table}", table)
                            .replace("{rest}", rest)
                            .replace("{alias}", alias);
                        q(cols, &under)
                    });
                    (q(cols, &list), q(cols, &runs), under)
                };
                // A measurement at 0–59 months in the period.
                let measurements = by(
                    "m.child_id, m.measured_on, m.age_days, m.waz, m.f_waz, m.haz, m.f_haz",
                    "measurements m",
                    "m.child_id",
                    false,
                    " AND m.measured_on >= $2 AND m.measured_on <= $3
                      AND m.age_days <= 1826 AND (m.waz IS NOT NULL OR m.haz IS NOT NULL)",
                );
                // Preschool (of the ids: the five-year-olds); the schools'
                // grade 5 and 9 rows came with `pupil_rows`, and a row read by
                // both is kept once (`figures_rows::union`).
                let enrolments = q(
                    "child_id, school_code, level, grade, status",
                    &format!(
                        "enrolments WHERE child_id IN ({}) AND school_year = $2 AND level = 'preschool'",
                        $units
                    ),
                );
                // (Read in runs, or by unit, as the others where it can.)
                let (_, enrolments_runs, enrolments_under) = by(
                    "e.child_id, e.school_code, e.level, e.grade, e.status",
                    "enrolments e",
                    "e.child_id",
                    false,
                    " AND e.school_year = $2 AND e.level = 'preschool'",
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
                let participation = by(
                    "p.child_id, p.date, p.kind",
                    "participation p",
                    "p.child_id",
                    false,
                    " AND p.date <= $3
                      AND ((p.kind = 'awareness' AND p.date >= $4) OR (p.kind IN ('forum', 'club', 'council') AND p.date >= $2))",
                );
                // Cases are few (one child in a thousand): a list not in
                // runs, PostgreSQL reads them all against a hash of the ids
                // (7 ms for a batch's 20,000 ids at 5 M children) rather
                // than looking each id up (16 ms); SQLite walks the ids as
                // for the others.
                let cases = by(
                    "k.child_id, k.reported_on, k.intervention_started_on",
                    "cases k",
                    "k.child_id",
                    true,
                    " AND k.reported_on >= $2 AND k.reported_on <= $3",
                );
                type Ids = $crate::read_rows::$rows::Ids;
                enum Arg {
                    Text(String),
                    Date(chrono::NaiveDate),
                }
                // The rows are parsed on a thread of their own: the reader's
                // task goes on to the next batch meanwhile.
                async fn fetch<T: $crate::read_rows::$rows::Row>(
                    pool: &sqlx::Pool<$db>,
                    sql: &str,
                    first: &Ids,
                    args: &[Arg],
                ) -> $crate::StoreResult<Vec<T>> {
                    let mut q = sqlx::query(sql).bind(first.clone());
                    for a in args {
                        q = match a {
                            Arg::Text(t) => q.bind(t.clone()),
                            Arg::Date(d) => q.bind(*d),
                        };
                    }
                    let row = q.fetch_one(pool).await?;
                    tokio::task::spawn_blocking(move || $crate::read_rows::$rows::decode(&row))
                        .await
                        .map_err(|e| $crate::StoreError::Corrupt(format!("indicator rows: {e}")))?
                }
                // A list's read: the ids bound, the query, the ids whose rows
                // are kept (a read in runs or by unit brings others).
                type Part = (Ids, String, Vec<i64>);
                async fn fetch_parts<T: $crate::read_rows::$rows::Row>(
                    pool: &sqlx::Pool<$db>,
                    (first, then): (Part, Option<Part>),
                    args: &[Arg],
                    child: fn(&T) -> i64,
                ) -> $crate::StoreResult<Vec<T>> {
                    let mut rows: Vec<T> = fetch(pool, &first.1, &first.0, args).await?;
                    $crate::figures_rows::listed(&mut rows, &first.2, child);
                    if let Some((ids, sql, keep)) = then {
                        let mut more: Vec<T> = fetch(pool, &sql, &ids, args).await?;
                        $crate::figures_rows::listed(&mut more, &keep, child);
                        rows.extend(more);
                    }
                    Ok(rows)
                }
                let ages = $crate::figures_rows::Ages::of(start, reference);
                let sy = [Arg::Text(school_year.to_string())];
                let (mut c, pupil_rows, x, s, a, d) = tokio::try_join!(
                    fetch(db, &children, &units, &[]),
                    fetch::<$crate::indicators_sql::EnrolmentTuple>(db, &pupil_rows, &units, &sy),
                    fetch(db, &merged, &units, &[]),
                    fetch(db, &schools, &units, &[]),
                    fetch(db, &assessments, &units, &[]),
                    fetch(db, &disasters, &units, &[]),
                )?;
                let here = $crate::figures_rows::ids_of(&c);
                let pupil_ids = $crate::figures_rows::not_among(&pupil_rows, &here);
                let mut x = $crate::figures_rows::merged_into(&here, x);
                let lists = ages.lists(&c, &x);
                let ids = $crate::read_rows::$rows::ids;
                let pupil_ids = ids(&pupil_ids)?;
                let period = [Arg::Date(start), Arg::Date(reference)];
                let active = [Arg::Date(start), Arg::Date(reference), Arg::Date(ages.awareness_from)];
                // Each list in runs where most of it is, else id by id.
                let pick = |list: &[i64], by_list: &str, by_runs: &str| -> $crate::StoreResult<Part> {
                    Ok(match $crate::read_rows::$rows::runs(list) {
                        Some(runs) => (runs, by_runs.to_string(), list.to_vec()),
                        None => (ids(list)?, by_list.to_string(), list.to_vec()),
                    })
                };
                // A list read by unit where the backend can: the rows under
                // the batch's units, of the children living there; then the
                // records merged into them (who may live elsewhere) by id.
                let merged_ids: std::collections::HashSet<i64> = x.iter().map(|r| r.0).collect();
                let parts = |list: &[i64], (by_list, by_runs, under): &(String, String, Option<String>)| {
                    $crate::StoreResult::Ok(match under {
                        None => (pick(list, by_list, by_runs)?, None),
                        Some(under) => {
                            let (own, theirs) = $crate::figures_rows::split_merged(list, &merged_ids);
                            let theirs = if theirs.is_empty() { None } else { Some(pick(&theirs, by_list, by_runs)?) };
                            ((units.clone(), under.clone(), own), theirs)
                        }
                    })
                };
                let m_parts = parts(&lists.measured, &measurements)?;
                let p_parts = parts(&lists.active, &participation)?;
                let e_parts = parts(&lists.preschool, &(enrolments, enrolments_runs, enrolments_under))?;
                let k_part = pick(&lists.all, &cases.0, &cases.1)?;
                let (pupils, m, e, p, k) = tokio::try_join!(
                    fetch::<$crate::figures_rows::PupilRecord>(db, &pupils, &pupil_ids, &[]),
                    fetch_parts::<$crate::indicators_sql::MeasurementTuple>(db, m_parts, &period, |r| r.0),
                    fetch_parts::<$crate::indicators_sql::EnrolmentTuple>(db, e_parts, &sy, |r| r.0),
                    fetch_parts::<$crate::indicators_sql::ParticipationTuple>(db, p_parts, &active, |r| r.0),
                    fetch_parts::<$crate::indicators_sql::CaseTuple>(db, (k_part, None), &period, |r| r.0),
                )?;
                let pupils = $crate::figures_rows::pupils(pupils, &here);
                c.extend(pupils.living);
                if !pupils.survivors.is_empty() {
                    c.extend(fetch::<$crate::indicators_sql::ChildTuple>(db, &survivors, &ids(&pupils.survivors)?, &[]).await?);
                }
                x.extend(pupils.merged);
                x.sort_unstable();
                x.dedup();
                let e = $crate::figures_rows::union(e, pupil_rows);
                Ok($crate::indicators_sql::assemble(c, x, m, e, s, a, d, p, k))
            }
        }
    };
}

pub(crate) use figures_sql;
