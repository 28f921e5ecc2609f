//! How an import's rows reach the database: the batch statements both
//! backends' import transactions (`import_sql`) are built from.

/// How SQLite's batches reach it: `rows` tuples of plain `?` parameters,
/// bound value by value (cheaper there than unpacking a whole batch in
/// the database; numbered names would be looked up in a list by its
/// driver, quadratic in a statement of thousands).
pub(crate) mod values {
    use super::bind_value;
    use crate::{StoreResult, Value};

    type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

    /// The rows of a batch: each row's values, then `extra` more.
    pub(crate) fn sql(kinds: &[crate::Kind], rows: usize, extra: usize) -> String {
        let tuple = format!("({})", super::placeholders(kinds.len() + extra));
        format!("VALUES {}", vec![tuple; rows].join(", "))
    }

    /// Binds a batch's values and, after each row's, the `extra` ones.
    pub(crate) fn bind<'q>(
        mut q: Query<'q>,
        rows: &[Vec<Value>],
        extra: &[chrono::DateTime<chrono::Utc>],
    ) -> StoreResult<Query<'q>> {
        for row in rows {
            for v in row {
                q = bind_value!(q, v);
            }
            for e in extra {
                q = q.bind(*e);
            }
        }
        Ok(q)
    }
}

/// How PostgreSQL's batches reach it: one array a column, bound in the
/// binary protocol and unpacked by `UNNEST` — no text to parse, where a
/// JSON batch spent a fifth of the database's time parsing numbers and
/// dates out of text (`jsonb_in`, `numeric_in`).
pub(crate) mod arrays {
    use crate::{Kind, StoreError, StoreResult, Value};

    type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

    /// The rows of a batch: each column's array unpacked (parameters 1 to
    /// `kinds.len()`), then `extra` more parameters, the same for each row.
    pub(crate) fn sql(kinds: &[Kind], _rows: usize, extra: usize) -> String {
        let arrays: Vec<String> = kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let kind = match k {
                    Kind::Text => "text",
                    Kind::Int => "bigint",
                    Kind::Real => "double precision",
                    Kind::Bool => "boolean",
                    Kind::Date => "date",
                };
                format!("${}::{kind}[]", i + 1)
            })
            .collect();
        let mut fields: Vec<String> = (0..kinds.len()).map(|i| format!("u.c{i}")).collect();
        fields.extend((0..extra).map(|i| format!("${}", kinds.len() + i + 1)));
        let names: Vec<String> = (0..kinds.len()).map(|i| format!("c{i}")).collect();
        format!(
            "SELECT {} FROM UNNEST({}) AS u({})",
            fields.join(", "),
            arrays.join(", "),
            names.join(", ")
        )
    }

    /// One column of a batch.
    enum Column {
        Text(Vec<Option<String>>),
        Int(Vec<Option<i64>>),
        Real(Vec<Option<f64>>),
        Bool(Vec<Option<bool>>),
        Date(Vec<Option<chrono::NaiveDate>>),
    }

    /// Binds a batch's columns, then the `extra` values once.
    pub(crate) fn bind<'q>(
        mut q: Query<'q>,
        rows: &[Vec<Value>],
        extra: &[chrono::DateTime<chrono::Utc>],
    ) -> StoreResult<Query<'q>> {
        let Some(first) = rows.first() else {
            return Ok(q);
        };
        let mut columns: Vec<Column> = super::kinds(first)
            .into_iter()
            .map(|k| match k {
                Kind::Text => Column::Text(Vec::with_capacity(rows.len())),
                Kind::Int => Column::Int(Vec::with_capacity(rows.len())),
                Kind::Real => Column::Real(Vec::with_capacity(rows.len())),
                Kind::Bool => Column::Bool(Vec::with_capacity(rows.len())),
                Kind::Date => Column::Date(Vec::with_capacity(rows.len())),
            })
            .collect();
        for row in rows {
            if row.len() != columns.len() {
                return Err(StoreError::Corrupt(format!(
                    "a row of {} values in a batch of {}",
                    row.len(),
                    columns.len()
                )));
            }
            for (c, v) in columns.iter_mut().zip(row) {
                match (c, v) {
                    (Column::Text(c), Value::Text(v)) => c.push(v.clone()),
                    (Column::Int(c), Value::Int(v)) => c.push(*v),
                    (Column::Real(c), Value::Real(v)) => c.push(*v),
                    (Column::Bool(c), Value::Bool(v)) => c.push(*v),
                    (Column::Date(c), Value::Date(v)) => c.push(*v),
                    _ => {
                        return Err(StoreError::Corrupt(
                            "values of two kinds in a column".into(),
                        ));
                    }
                }
            }
        }
        for c in columns {
            q = match c {
                Column::Text(c) => q.bind(c),
                Column::Int(c) => q.bind(c),
                Column::Real(c) => q.bind(c),
                Column::Bool(c) => q.bind(c),
                Column::Date(c) => q.bind(c),
            };
        }
        for e in extra {
            q = q.bind(*e);
        }
        Ok(q)
    }
}

/// `n` plain `?` placeholders.
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Binds one typed value.
macro_rules! bind_value {
    ($q:expr, $v:expr) => {
        match $v {
            $crate::Value::Text(x) => $q.bind(x.clone()),
            $crate::Value::Int(x) => $q.bind(*x),
            $crate::Value::Real(x) => $q.bind(*x),
            $crate::Value::Bool(x) => $q.bind(*x),
            $crate::Value::Date(x) => $q.bind(*x),
        }
    };
}

pub(crate) use bind_value;

/// The kind of each value of a row.
pub(crate) fn kinds(row: &[crate::Value]) -> Vec<crate::Kind> {
    use crate::{Kind, Value};
    row.iter()
        .map(|v| match v {
            Value::Text(_) => Kind::Text,
            Value::Int(_) => Kind::Int,
            Value::Real(_) => Kind::Real,
            Value::Bool(_) => Kind::Bool,
            Value::Date(_) => Kind::Date,
        })
        .collect()
}

/// The upsert of a batch into a fact table: new keys inserted, rows whose
/// values differ updated (the history trigger keeps the old state),
/// identical rows untouched; the count of rows the statement changed is
/// the count written (both databases count an upsert's update, and not a
/// row its `WHERE` left as it was).
/// `source` is the batch's rows (`values::sql` or `arrays::sql`), each
/// row's values followed by its creation time when the table has one.
/// With `unit`, each source row ends with its child's unit, written to
/// `unit_id`.
pub(crate) fn upsert_sql(t: &crate::FactTable, source: &str, unit: bool) -> String {
    let cols: Vec<&str> = t.keys.iter().chain(t.values).copied().collect();
    let mut names = cols.join(", ");
    if let Some(c) = t.created {
        names.push_str(", ");
        names.push_str(c);
    }
    if unit {
        names.push_str(", unit_id");
    }
    let set: Vec<String> = t
        .values
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let differs: Vec<String> = t
        .values
        .iter()
        .map(|c| format!("{0}.{1} IS DISTINCT FROM excluded.{1}", t.table, c))
        .collect();
    format!(
        "INSERT INTO {table} ({names}) {source}
         ON CONFLICT ({keys}) DO UPDATE SET {set} WHERE {differs}",
        table = t.table,
        keys = t.keys.join(", "),
        set = set.join(", "),
        differs = differs.join(" OR "),
    )
}
