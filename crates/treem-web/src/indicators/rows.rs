//! The stored rows an indicator reads as the domain's facts: each record's
//! unit as its index in the history, each child's as her index in the
//! facts (shared by the engine, `figures`, and the kept figures, `kept`).

use std::collections::HashMap;

use treem_domain::child::ChildStatus;
use treem_domain::indicators::{self as ind, Facts};
use treem_store::IndicatorRows;

/// The stored rows as the domain's facts (each record's unit as its index
/// in the history, each child's as her index in `children`).
pub(crate) fn facts(rows: IndicatorRows, index_of: &HashMap<i64, usize>) -> Facts {
    // Database ids are dense: a vector by id finds a child's index without
    // hashing a million keys. One commune's rows are few among many ids: a
    // map then, not a vector as long as the largest id.
    let top = rows
        .children
        .iter()
        .map(|c| c.id)
        .chain(rows.merged.iter().map(|(m, _)| *m))
        .max()
        .unwrap_or(0)
        .clamp(0, 1 << 28) as usize;
    let rows_count = rows.children.len() + rows.merged.len();
    let children_at = ChildIndex::new(top, rows_count, &rows);
    let unit = |id: i64| index_of.get(&id).copied().unwrap_or(usize::MAX);
    let child = |id: i64| children_at.get(id);
    Facts {
        children: rows
            .children
            .iter()
            .map(|c| ind::ChildFact {
                unit: unit(c.unit_id),
                born: c.date_of_birth,
                status: match c.status.as_str() {
                    "moved" => ChildStatus::Moved,
                    "dead" => ChildStatus::Dead,
                    _ => ChildStatus::Active,
                },
                status_date: c.status_date,
                birth_registered: c.birth_registered,
                birth_registration_date: c.birth_registration_date,
            })
            .collect(),
        measurements: rows
            .measurements
            .into_iter()
            .filter_map(|m| {
                Some(ind::MeasurementFact {
                    child: child(m.child_id)?,
                    measured_on: m.measured_on,
                    age_days: m.age_days,
                    waz: m.waz,
                    waz_flagged: m.f_waz.unwrap_or(false),
                    haz: m.haz,
                    haz_flagged: m.f_haz.unwrap_or(false),
                })
            })
            .collect(),
        enrolments: rows
            .enrolments
            .into_iter()
            .filter_map(|e| {
                Some(ind::EnrolmentFact {
                    child: child(e.child_id)?,
                    school_year: String::new(),
                    school_code: e.school_code,
                    level: e.level,
                    grade: e.grade,
                    status: e.status,
                })
            })
            .collect(),
        schools: rows
            .schools
            .into_iter()
            .map(|s| ind::SchoolFact {
                school_code: s.school_code,
                name: s.name,
                year: s.year,
                unit: unit(s.unit_id),
                sanitation_standard: s.sanitation_standard,
                psych_support: s.psych_support,
            })
            .collect(),
        assessments: rows
            .assessments
            .into_iter()
            .map(|a| ind::AssessmentFact {
                unit: unit(a.unit_id),
                year: a.year,
                child_friendly: a.child_friendly,
                play_spot: a.play_spot,
            })
            .collect(),
        disasters: rows
            .disasters
            .into_iter()
            .map(|d| ind::DisasterFact {
                event_id: d.event_id,
                kind: d.kind,
                unit: unit(d.unit_id),
                occurred_on: d.occurred_on,
                affected: d.children_affected,
                supported: d.children_supported_timely,
            })
            .collect(),
        participation: rows
            .participation
            .into_iter()
            .filter_map(|p| {
                Some(ind::ParticipationFact {
                    child: child(p.child_id)?,
                    date: p.date,
                    kind: p.kind,
                })
            })
            .collect(),
        cases: rows
            .cases
            .into_iter()
            .filter_map(|k| {
                Some(ind::CaseFact {
                    child: child(k.child_id)?,
                    reported_on: k.reported_on,
                    intervention_started_on: k.intervention_started_on,
                })
            })
            .collect(),
    }
}

/// Each child's index in the facts by database id (a duplicate merged into
/// another record counts as that record): a vector when ids are dense, a
/// map when the rows are few among many ids.
enum ChildIndex {
    Dense(Vec<usize>),
    Sparse(HashMap<i64, usize>),
}

impl ChildIndex {
    fn new(top: usize, count: usize, rows: &IndicatorRows) -> Self {
        let mut index = if top <= count.saturating_mul(4) + 4096 {
            ChildIndex::Dense(vec![usize::MAX; top + 1])
        } else {
            ChildIndex::Sparse(HashMap::with_capacity(count))
        };
        for (i, c) in rows.children.iter().enumerate() {
            index.set(c.id, i);
        }
        for (merged, survivor) in &rows.merged {
            if let Some(i) = index.get(*survivor) {
                index.set(*merged, i);
            }
        }
        index
    }

    fn set(&mut self, id: i64, at: usize) {
        match self {
            ChildIndex::Dense(v) => {
                if let Some(slot) = usize::try_from(id).ok().and_then(|id| v.get_mut(id)) {
                    *slot = at;
                }
            }
            ChildIndex::Sparse(m) => {
                m.insert(id, at);
            }
        }
    }

    fn get(&self, id: i64) -> Option<usize> {
        match self {
            ChildIndex::Dense(v) => usize::try_from(id)
                .ok()
                .and_then(|id| v.get(id).copied())
                .filter(|i| *i != usize::MAX),
            ChildIndex::Sparse(m) => m.get(&id).copied(),
        }
    }
}
