//! How a large read comes back as one row (`figures_sql`): a million rows
//! one by one cost the driver seconds, one row costs it nothing. SQLite
//! aggregates the rows into one JSON array (`json`); PostgreSQL into one
//! array a column (`arrays`), sent in the binary protocol — making the
//! JSON was ~40 % of the database's work for a read of a province's
//! children (245 ms as JSON, 145 ms as arrays, from `COPY … (FORMAT
//! binary)` at a million children), and treem no longer parses it.

use crate::StoreError;

/// Rows aggregated into one JSON array of arrays: `$agg` (the backend's
/// `json_group_array(json_array({}))` or `json_agg(json_build_array({}))::text`)
/// around all the columns, parsed with serde.
pub(crate) mod json {
    /// What a row can be read as.
    pub(crate) trait Row: serde::de::DeserializeOwned + Send + 'static {}
    impl<T: serde::de::DeserializeOwned + Send + 'static> Row for T {}

    /// A list of ids as bound: a JSON array.
    pub(crate) type Ids = String;

    pub(crate) fn ids(ids: &[i64]) -> crate::StoreResult<Ids> {
        serde_json::to_string(ids).map_err(|e| crate::StoreError::Corrupt(format!("ids: {e}")))
    }

    /// Not on SQLite: a list is walked id by id in the index, as before
    /// (a province's reads there take 0.33–0.37 s at a million children).
    pub(crate) fn runs(_ids: &[i64]) -> Option<Ids> {
        None
    }

    /// `SELECT <agg of the columns> FROM <rest>`.
    pub(crate) fn select(agg: &str, cols: &str, rest: &str) -> String {
        format!("SELECT {} FROM {rest}", agg.replace("{}", cols))
    }

    /// The rows of the one JSON text the query returned (none for NULL).
    pub(crate) fn decode<R, T>(row: &R) -> crate::StoreResult<Vec<T>>
    where
        R: sqlx::Row,
        T: Row,
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        usize: sqlx::ColumnIndex<R>,
    {
        crate::indicators_sql::parse(row.try_get(0)?)
    }
}

/// Rows aggregated into one array a column (`array_agg`), decoded from the
/// binary protocol and zipped back into rows. All of one query's aggregates
/// see its rows in the same order, so the arrays line up.
pub(crate) mod arrays {
    use chrono::NaiveDate;
    use sqlx::Row as _;
    use sqlx::postgres::{PgHasArrayType, PgRow, Postgres};

    use crate::indicators_sql::{Day, Flag};

    /// A column's value, read as the database's type and turned into the
    /// row's.
    pub(crate) trait Col: Sized + Send + 'static {
        type Pg: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + PgHasArrayType;
        fn from_pg(v: Self::Pg) -> Self;
    }

    macro_rules! same {
        ($($t:ty),+) => {$(
            impl Col for $t {
                type Pg = $t;
                fn from_pg(v: $t) -> $t {
                    v
                }
            }
        )+};
    }
    same!(i64, f64, String);

    impl Col for Day {
        type Pg = NaiveDate;
        fn from_pg(v: NaiveDate) -> Day {
            Day(v)
        }
    }

    impl Col for Flag {
        type Pg = bool;
        fn from_pg(v: bool) -> Flag {
            Flag::Bool(v)
        }
    }

    impl<T: Col> Col for Option<T>
    where
        Option<T::Pg>: for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + PgHasArrayType,
    {
        type Pg = Option<T::Pg>;
        fn from_pg(v: Option<T::Pg>) -> Option<T> {
            v.map(T::from_pg)
        }
    }

    /// What a row can be read as: a tuple of columns.
    pub(crate) trait Row: Sized + Send + 'static {
        /// The rows of the arrays of `row`, one array a column.
        fn from_arrays(row: &PgRow) -> crate::StoreResult<Vec<Self>>;
    }

    /// A list of ids as bound: an array of `bigint` (parsing the same list
    /// as `jsonb` cost the server ~0.4 µs an id, and the planner took a
    /// set-returning function for 100 rows, whatever its length).
    pub(crate) type Ids = Vec<i64>;

    #[allow(clippy::unnecessary_wraps)] // (as `json::ids`)
    pub(crate) fn ids(ids: &[i64]) -> crate::StoreResult<Ids> {
        Ok(ids.to_vec())
    }

    /// A list in runs, as `figures_rows::runs` makes them (each run's first
    /// ids, then its last ids: read with `unnest` of the two halves),
    /// when most of it is in runs: PostgreSQL 15 looks every id of an
    /// array up from the index's root, consecutive or not.
    pub(crate) fn runs(ids: &[i64]) -> Option<Ids> {
        crate::figures_rows::runs(ids)
    }

    /// `SELECT array_agg(<column>), … FROM <rest>` (`agg` is the JSON form,
    /// not used here).
    pub(crate) fn select(_agg: &str, cols: &str, rest: &str) -> String {
        let aggs: Vec<String> = cols
            .split(',')
            .map(|c| format!("array_agg({})", c.trim()))
            .collect();
        format!("SELECT {} FROM {rest}", aggs.join(", "))
    }

    pub(crate) fn decode<T: Row>(row: &PgRow) -> crate::StoreResult<Vec<T>> {
        T::from_arrays(row)
    }

    /// Column `i`'s array (none when the query found no row).
    fn column<T: Col>(row: &PgRow, i: usize) -> crate::StoreResult<std::vec::IntoIter<T::Pg>> {
        let values: Option<Vec<T::Pg>> = row.try_get(i)?;
        Ok(values.unwrap_or_default().into_iter())
    }

    macro_rules! tuple_row {
        ($($t:ident $v:ident $i:tt),+) => {
            impl<$($t: Col),+> Row for ($($t,)+) {
                fn from_arrays(row: &PgRow) -> crate::StoreResult<Vec<Self>> {
                    $(let mut $v = column::<$t>(row, $i)?;)+
                    let lens = [$($v.len()),+];
                    let n = lens[0];
                    if lens.iter().any(|l| *l != n) {
                        return Err(super::StoreError::Corrupt(format!("arrays of unequal lengths: {lens:?}")));
                    }
                    (0..n)
                        .map(|_| Some(($($t::from_pg($v.next()?),)+)))
                        .collect::<Option<Vec<Self>>>()
                        .ok_or_else(|| super::StoreError::Corrupt("arrays ended early".into()))
                }
            }
        };
    }
    tuple_row!(A a 0, B b 1);
    tuple_row!(A a 0, B b 1, C c 2);
    tuple_row!(A a 0, B b 1, C c 2, D d 3);
    tuple_row!(A a 0, B b 1, C c 2, D d 3, E e 4);
    tuple_row!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5);
    tuple_row!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6);
    tuple_row!(A a 0, B b 1, C c 2, D d 3, E e 4, F f 5, G g 6, H h 7);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_select_aggregates_every_column() {
        assert_eq!(
            super::json::select(
                "json_agg(json_build_array({}))::text",
                "a, b.c",
                "t WHERE x"
            ),
            "SELECT json_agg(json_build_array(a, b.c))::text FROM t WHERE x"
        );
        assert_eq!(
            super::arrays::select("ignored", "a,  b.c ", "t WHERE x"),
            "SELECT array_agg(a), array_agg(b.c) FROM t WHERE x"
        );
    }
}
