//! How an import's rows reach the database: the batch statements both
//! backends' import transactions (`import_sql`) are built from.

/// How rows reach the database: a whole batch as one JSON array of arrays,
/// unpacked by the database itself. Binding thousands of values one by one
/// costs more in the driver than the insert costs in the database.
/// (PostgreSQL; on SQLite, unpacking JSON measured slower than binding.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JsonRows;

impl JsonRows {
    /// The source of the rows: the batch is parameter 1.
    pub(crate) fn from(self) -> &'static str {
        "jsonb_array_elements($1::jsonb) AS j(value)"
    }

    /// Field `n` of a row, as a column of this kind.
    pub(crate) fn field(self, n: usize, kind: crate::Kind) -> String {
        let cast = match kind {
            crate::Kind::Text => "",
            crate::Kind::Int => "::bigint",
            crate::Kind::Real => "::double precision",
            crate::Kind::Bool => "::boolean",
            crate::Kind::Date => "::date",
        };
        format!("(j.value ->> {n}){cast}")
    }
}

/// `n` plain `?` placeholders (SQLite: numbered names would be looked up
/// in a list by its driver, quadratic in a statement of thousands).
pub(crate) fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// A batch as the JSON the database unpacks.
pub(crate) fn json_batch(rows: &[Vec<crate::Value>]) -> String {
    use crate::Value;
    let row = |r: &Vec<Value>| {
        let cells: Vec<serde_json::Value> = r
            .iter()
            .map(|v| match v {
                Value::Text(x) => x
                    .clone()
                    .map_or(serde_json::Value::Null, serde_json::Value::String),
                Value::Int(x) => x.map_or(serde_json::Value::Null, serde_json::Value::from),
                Value::Real(x) => x.map_or(serde_json::Value::Null, serde_json::Value::from),
                Value::Bool(x) => x.map_or(serde_json::Value::Null, serde_json::Value::Bool),
                Value::Date(x) => x.map_or(serde_json::Value::Null, |d| {
                    serde_json::Value::String(d.format("%Y-%m-%d").to_string())
                }),
            })
            .collect();
        serde_json::Value::Array(cells)
    };
    serde_json::Value::Array(rows.iter().map(row).collect()).to_string()
}

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
/// identical rows untouched; `RETURNING` names only the rows written. The
/// batch is `$1` (see `JsonRows`); the creation time, if any, `$2`.
///
/// Without `json` (SQLite, where binding values is cheaper than unpacking
/// JSON), the rows are `rows` tuples of plain parameters, each row's values
/// followed by its creation time when the table has one.
pub(crate) fn upsert_sql(
    t: &crate::FactTable,
    kinds: &[crate::Kind],
    json: Option<JsonRows>,
    rows: usize,
) -> String {
    let cols: Vec<&str> = t.keys.iter().chain(t.values).copied().collect();
    let mut names = cols.join(", ");
    if let Some(c) = t.created {
        names.push_str(", ");
        names.push_str(c);
    }
    let source = match json {
        Some(json) => {
            let mut fields: Vec<String> = kinds
                .iter()
                .enumerate()
                .map(|(i, k)| json.field(i, *k))
                .collect();
            if t.created.is_some() {
                fields.push("$2".to_string());
            }
            format!(
                "SELECT {} FROM {} WHERE true",
                fields.join(", "),
                json.from()
            )
        }
        None => {
            let width = kinds.len() + usize::from(t.created.is_some());
            let tuple = format!("({})", placeholders(width));
            format!("VALUES {}", vec![tuple; rows].join(", "))
        }
    };
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
    // `WHERE true` keeps SQLite from reading `ON CONFLICT` as a join's `ON`.
    format!(
        "INSERT INTO {table} ({names}) {source}
         ON CONFLICT ({keys}) DO UPDATE SET {set} WHERE {differs} RETURNING id",
        table = t.table,
        keys = t.keys.join(", "),
        set = set.join(", "),
        differs = differs.join(" OR "),
    )
}
