//! What the figures' reads (`figures_sql`) make of the rows between their
//! queries: the lists of ids the second round reads (and their runs), the
//! pupils of the schools here, the merged records that count here. No SQL.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::indicators_sql::{ChildTuple, EnrolmentTuple};

/// The ids of the children read (made once a batch, for the functions
/// below).
pub(crate) fn ids_of(children: &[ChildTuple]) -> HashSet<i64> {
    children.iter().map(|c| c.0).collect()
}

/// The records merged into one of the children read (`here`; `own`: read
/// as merged into any child here, merged or not): theirs count for their
/// survivor.
pub(crate) fn merged_into(
    here: &HashSet<i64>,
    own: Vec<crate::indicators_sql::MergedTuple>,
) -> Vec<crate::indicators_sql::MergedTuple> {
    let mut merged: Vec<_> = own
        .into_iter()
        .filter(|(_, into)| here.contains(into))
        .collect();
    merged.sort_unstable();
    merged.dedup();
    merged
}

/// The pupils of the schools' enrolments who are not among the children
/// read (`here`; sorted, once each): living elsewhere, or merged into
/// another record.
pub(crate) fn not_among(enrolments: &[EnrolmentTuple], here: &HashSet<i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = enrolments
        .iter()
        .map(|e| e.0)
        .filter(|id| !here.contains(id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A pupil's record read because she is not among the children read: her
/// columns as a child's, then whose record hers is merged into, if so.
pub(crate) type PupilRecord = (
    i64,
    i64,
    crate::indicators_sql::Day,
    String,
    Option<crate::indicators_sql::Day>,
    Option<crate::indicators_sql::Flag>,
    Option<crate::indicators_sql::Day>,
    Option<i64>,
);

/// What the pupils not among the children read are.
pub(crate) struct Pupils {
    /// Those living elsewhere (records not merged).
    pub(crate) living: Vec<ChildTuple>,
    /// The merged ones, with their survivors.
    pub(crate) merged: Vec<crate::indicators_sql::MergedTuple>,
    /// The survivors to read still (sorted): not among the children read
    /// nor `living`.
    pub(crate) survivors: Vec<i64>,
}

/// Splits the records of the pupils not among the children read (`here`).
pub(crate) fn pupils(records: Vec<PupilRecord>, here: &HashSet<i64>) -> Pupils {
    let mut living = Vec::new();
    let mut merged = Vec::new();
    for (id, unit, born, status, status_date, registered, registered_on, into) in records {
        match into {
            Some(into) => merged.push((id, into)),
            None => living.push((
                id,
                unit,
                born,
                status,
                status_date,
                registered,
                registered_on,
            )),
        }
    }
    let elsewhere = ids_of(&living);
    let mut survivors: Vec<i64> = merged
        .iter()
        .map(|(_, into)| *into)
        .filter(|into| !here.contains(into) && !elsewhere.contains(into))
        .collect();
    survivors.sort_unstable();
    survivors.dedup();
    Pupils {
        living,
        merged,
        survivors,
    }
}

/// The preschool rows and the schools' rows, a row read by both kept once.
pub(crate) fn union(
    mut a: Vec<crate::indicators_sql::EnrolmentTuple>,
    b: Vec<crate::indicators_sql::EnrolmentTuple>,
) -> Vec<crate::indicators_sql::EnrolmentTuple> {
    a.extend(b);
    a.sort_unstable();
    a.dedup();
    a
}

/// How far apart two ids of a list may be and still be read in one run
/// (the few ids between them read too, and dropped by [`listed`]): an
/// index lookup costs PostgreSQL ~2 µs, a row passed over in a run ~0.3 µs.
const RUN_GAP: i64 = 8;

/// A list is read in runs only when its runs hold this many ids each on
/// average: a run costs a little more than one id's lookup (a list of
/// scattered ids is read id by id, as before).
const RUN_HOLDS: usize = 4;

/// A sorted list of ids as runs — each run's first ids, then each run's
/// last ids, in one list (`[lo…, hi…]`) — when most of the list is in runs
/// (the ids a commune's records got when they were imported together are
/// consecutive); `None` when the list is better looked up id by id.
pub(crate) fn runs(ids: &[i64]) -> Option<Vec<i64>> {
    let (mut lo, mut hi) = (Vec::new(), Vec::<i64>::new());
    for &id in ids {
        match hi.last_mut() {
            Some(last) if id.saturating_sub(*last) <= RUN_GAP => *last = id,
            _ => {
                lo.push(id);
                hi.push(id);
            }
        }
    }
    if ids.is_empty() || lo.len() * RUN_HOLDS > ids.len() {
        return None;
    }
    lo.extend(hi);
    Some(lo)
}

/// Keeps the rows of the children in the sorted list `ids` (a read in runs
/// also brings the rows of the ids between them).
pub(crate) fn listed<T>(rows: &mut Vec<T>, ids: &[i64], child: impl Fn(&T) -> i64) {
    rows.retain(|r| ids.binary_search(&child(r)).is_ok());
}

/// A sorted list split for a read by unit (PostgreSQL, where the rows of
/// measurements, enrolments and participation carry their child's unit:
/// migration 0042): the ids of the children living under the units read,
/// whose rows that read brings, and the records merged into them (`merged`),
/// who may live elsewhere and are read by id. Both sorted.
pub(crate) fn split_merged(list: &[i64], merged: &HashSet<i64>) -> (Vec<i64>, Vec<i64>) {
    list.iter().partition(|id| !merged.contains(id))
}

/// The birth dates a commune's children are read within, for a period
/// (`start..=reference`).
pub(crate) struct Ages {
    /// A measurement at 0–59 months in the period: born at most 1,826 days
    /// before the period's start.
    under_five_from: NaiveDate,
    /// Preschool counts for the five-year-olds (born in Y − 6).
    five_year_olds: (NaiveDate, NaiveDate),
    /// Participation counts for children of 6 to 15: six at the reference
    /// date at the latest (born on or before the day six years earlier; a
    /// 29 February birthday a day on).
    six_by: NaiveDate,
    /// Awareness sessions count from 2021.
    pub(crate) awareness_from: NaiveDate,
}

/// The ids whose rows are read from each child table (sorted).
pub(crate) struct Lists {
    pub(crate) measured: Vec<i64>,
    pub(crate) preschool: Vec<i64>,
    pub(crate) active: Vec<i64>,
    pub(crate) all: Vec<i64>,
}

impl Ages {
    pub(crate) fn of(start: NaiveDate, reference: NaiveDate) -> Ages {
        use chrono::Datelike;
        let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(start);
        let year = reference.year();
        Ages {
            under_five_from: start - chrono::Duration::days(1827),
            five_year_olds: (day(year - 6, 1, 1), day(year - 6, 12, 31)),
            six_by: day(year - 6, reference.month(), 28) + chrono::Duration::days(3),
            awareness_from: day(2021, 1, 1),
        }
    }

    /// Each list: the children living here (`children`: none merged) born
    /// within its dates, with the records merged into them (`merged`, whose
    /// records count for them) by their survivor's birth — except the
    /// measurements, where a merged record's rows carry their own age.
    pub(crate) fn lists(
        &self,
        children: &[crate::indicators_sql::ChildTuple],
        merged: &[crate::indicators_sql::MergedTuple],
    ) -> Lists {
        let born: std::collections::HashMap<i64, NaiveDate> =
            children.iter().map(|c| (c.0, c.2.0)).collect();
        let list = |own: &dyn Fn(NaiveDate) -> bool, merged_too: &dyn Fn(NaiveDate) -> bool| {
            let mut ids: Vec<i64> = children
                .iter()
                .filter(|c| own(c.2.0))
                .map(|c| c.0)
                .chain(merged.iter().filter_map(|(id, into)| {
                    born.get(into).filter(|b| merged_too(**b)).map(|_| *id)
                }))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let (from, to) = self.five_year_olds;
        Lists {
            measured: list(&|b| b >= self.under_five_from, &|_| true),
            preschool: list(&|b| b >= from && b <= to, &|b| b >= from && b <= to),
            active: list(&|b| b <= self.six_by, &|b| b <= self.six_by),
            all: list(&|_| true, &|_| true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{not_among, pupils, split_merged, union};

    fn child(id: i64, unit: i64) -> super::ChildTuple {
        let born = chrono::NaiveDate::from_ymd_opt(2014, 5, 1).unwrap();
        (
            id,
            unit,
            crate::indicators_sql::Day(born),
            "active".into(),
            None,
            None,
            None,
        )
    }

    fn record(id: i64, unit: i64, into: Option<i64>) -> super::PupilRecord {
        let (id, unit, born, status, d, r, rd) = child(id, unit);
        (id, unit, born, status, d, r, rd, into)
    }

    #[test]
    fn only_pupils_not_among_the_children_are_read_again() {
        let e = |id: i64, grade: i64| {
            (
                id,
                "S1".to_string(),
                "primary".to_string(),
                Some(grade),
                "enrolled".to_string(),
            )
        };
        // Children 1 and 5 are read; pupils 2 and 3 (twice) are not.
        let here = super::ids_of(&[child(1, 7), child(5, 8)]);
        let rows = [e(1, 5), e(3, 9), e(2, 5), e(3, 5)];
        assert_eq!(not_among(&rows, &here), [2, 3]);
        assert_eq!(not_among(&[], &here), Vec::<i64>::new());
    }

    #[test]
    fn pupils_elsewhere_are_kept_and_survivors_not_read_yet_asked_for() {
        // 2 lives elsewhere; 3 is merged into 30 (not read yet), 4 into 1
        // (here), 6 into 2 (read with the pupils), 9 into 30 too.
        let here = super::ids_of(&[child(1, 7)]);
        let p = pupils(
            vec![
                record(2, 9, None),
                record(3, 8, Some(30)),
                record(4, 9, Some(1)),
                record(6, 9, Some(2)),
                record(9, 9, Some(30)),
            ],
            &here,
        );
        assert_eq!(
            p.living.iter().map(|c| (c.0, c.1)).collect::<Vec<_>>(),
            [(2, 9)]
        );
        assert_eq!(p.merged, [(3, 30), (4, 1), (6, 2), (9, 30)]);
        assert_eq!(p.survivors, [30]);
    }

    #[test]
    fn a_row_read_twice_is_kept_once() {
        let e = |id: i64, level: &str| {
            (
                id,
                "S1".to_string(),
                level.to_string(),
                None,
                "enrolled".to_string(),
            )
        };
        let both = union(
            vec![e(5, "preschool"), e(6, "preschool")],
            vec![e(6, "preschool"), e(7, "primary")],
        );
        assert_eq!(
            both,
            [e(5, "preschool"), e(6, "preschool"), e(7, "primary")]
        );
        assert_eq!(union(Vec::new(), Vec::new()), []);
    }

    #[test]
    fn a_list_is_read_in_runs_only_when_most_of_it_is_in_runs() {
        use super::{listed, runs};
        // Two runs (gaps of up to 8 read through), each first then each last.
        let ids: Vec<i64> = (1..=10).chain([18, 20, 100, 101, 102, 103, 104]).collect();
        assert_eq!(runs(&ids), Some(vec![1, 100, 20, 104]));
        // Scattered ids: one by one.
        assert_eq!(runs(&[1, 50, 100, 150, 200]), None);
        // A run each 3 ids: one by one (fewer than 4 ids a run).
        assert_eq!(runs(&[1, 2, 3, 100, 101, 102]), None);
        assert_eq!(runs(&[]), None);
        assert_eq!(runs(&[7, 8, 9, 10]), Some(vec![7, 10]));
        // The rows of the ids read through are dropped.
        let mut rows = vec![(1, 'a'), (5, 'b'), (18, 'c'), (19, 'd'), (104, 'e')];
        listed(&mut rows, &ids, |r| r.0);
        assert_eq!(rows, [(1, 'a'), (5, 'b'), (18, 'c'), (104, 'e')]);
    }

    #[test]
    fn a_list_read_by_unit_leaves_the_merged_records_to_be_read_by_id() {
        let merged = [4, 9].into_iter().collect();
        assert_eq!(
            split_merged(&[1, 4, 7, 9, 12], &merged),
            (vec![1, 7, 12], vec![4, 9])
        );
        assert_eq!(split_merged(&[1, 2], &merged), (vec![1, 2], vec![]));
        assert_eq!(split_merged(&[], &merged), (vec![], vec![]));
    }
}
