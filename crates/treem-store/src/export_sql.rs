//! The stored rows of each interchange file, page by page, for export.
//! Children are named by their code (a merged duplicate by the record it
//! was merged into); units by their version id, which the caller turns into
//! the code valid on the export's date.

/// The type of an exported column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Real,
    Bool,
    Date,
}

/// The files of a data set that come from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFile {
    Children,
    Measurements,
    Enrolments,
    Schools,
    CommuneAssessments,
    Disasters,
    Participation,
    Cases,
}

/// The code of the child a row belongs to, following a merge.
const CHILD_CODE: &str =
    "COALESCE((SELECT s.child_id FROM children s WHERE s.id = c.merged_into), c.child_id)";

impl ExportFile {
    /// The query (rows with `id > $1`, at most `$2`) and its column types;
    /// the first column is the row id.
    pub fn query(self) -> (String, &'static [Kind]) {
        use Kind::*;
        match self {
            ExportFile::Children => (
                "SELECT id, child_id, national_id, full_name, sex, date_of_birth, ethnicity, unit_id, village,
                   birth_registered, birth_registration_date, mother_name, father_name, caregiver_name,
                   caregiver_phone, household_poverty, special_circumstances, status, status_date
                 FROM children WHERE merged_into IS NULL AND id > $1 ORDER BY id LIMIT $2"
                    .to_string(),
                &[
                    Int, Text, Text, Text, Text, Date, Text, Int, Text, Bool, Date, Text, Text, Text,
                    Text, Text, Text, Text, Date,
                ],
            ),
            ExportFile::Measurements => (
                format!(
                    "SELECT m.id, {CHILD_CODE}, m.measured_on, m.weight_kg, m.height_cm, m.position, m.oedema
                     FROM measurements m JOIN children c ON c.id = m.child_id
                     WHERE m.id > $1 ORDER BY m.id LIMIT $2"
                ),
                &[Int, Text, Date, Real, Real, Text, Bool],
            ),
            ExportFile::Enrolments => (
                format!(
                    "SELECT e.id, {CHILD_CODE}, e.school_year, e.school_code, e.level, e.grade, e.status
                     FROM enrolments e JOIN children c ON c.id = e.child_id
                     WHERE e.id > $1 ORDER BY e.id LIMIT $2"
                ),
                &[Int, Text, Text, Text, Text, Int, Text],
            ),
            ExportFile::Schools => (
                "SELECT id, school_code, name, level, unit_id, year, sanitation_standard, psych_support
                 FROM schools WHERE id > $1 ORDER BY id LIMIT $2"
                    .to_string(),
                &[Int, Text, Text, Text, Int, Int, Bool, Bool],
            ),
            ExportFile::CommuneAssessments => (
                "SELECT id, commune_code, year, child_friendly, play_spot
                 FROM commune_assessments WHERE id > $1 ORDER BY id LIMIT $2"
                    .to_string(),
                &[Int, Text, Int, Bool, Bool],
            ),
            ExportFile::Disasters => (
                "SELECT id, event_id, commune_code, occurred_on, kind, children_affected, children_supported_timely
                 FROM disasters WHERE id > $1 ORDER BY id LIMIT $2"
                    .to_string(),
                &[Int, Text, Text, Date, Text, Int, Int],
            ),
            ExportFile::Participation => (
                format!(
                    "SELECT p.id, {CHILD_CODE}, p.date, p.kind, p.note
                     FROM participation p JOIN children c ON c.id = p.child_id
                     WHERE p.id > $1 ORDER BY p.id LIMIT $2"
                ),
                &[Int, Text, Date, Text, Text],
            ),
            ExportFile::Cases => (
                format!(
                    "SELECT k.id, k.case_id, {CHILD_CODE}, k.reported_on, k.harm_type, k.intervention_started_on, k.closed_on
                     FROM cases k JOIN children c ON c.id = k.child_id
                     WHERE k.id > $1 ORDER BY k.id LIMIT $2"
                ),
                &[Int, Text, Text, Date, Text, Date, Date],
            ),
        }
    }
}

/// Expands into a backend's `export_page`.
macro_rules! export_sql {
    ($store:ty, $db:ty) => {
        impl $store {
            pub(crate) async fn export_page_sql(
                &self,
                file: $crate::ExportFile,
                after: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<(i64, Vec<$crate::Value>)>> {
                use sqlx::Row;
                let (sql, kinds) = file.query();
                let rows = sqlx::query(&sql)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let id: i64 = row.try_get(0)?;
                    let mut values = Vec::with_capacity(kinds.len() - 1);
                    for (i, kind) in kinds.iter().enumerate().skip(1) {
                        values.push(match kind {
                            $crate::Kind::Text => $crate::Value::Text(row.try_get(i)?),
                            $crate::Kind::Int => $crate::Value::Int(row.try_get(i)?),
                            $crate::Kind::Real => $crate::Value::Real(row.try_get(i)?),
                            $crate::Kind::Bool => $crate::Value::Bool(row.try_get(i)?),
                            $crate::Kind::Date => $crate::Value::Date(row.try_get(i)?),
                        });
                    }
                    out.push((id, values));
                }
                Ok(out)
            }

            pub(crate) async fn export_units_sql(&self) -> $crate::StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT DISTINCT unit_id FROM children WHERE merged_into IS NULL
                     UNION SELECT DISTINCT unit_id FROM schools",
                )
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}

pub(crate) use export_sql;
