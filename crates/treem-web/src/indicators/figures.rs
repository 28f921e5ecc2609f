//! The indicators of a period from the stored records: rows loaded from the
//! store, turned into the domain's facts (units as history indexes), computed
//! and judged against the plan's targets. Shared by `treem indicators` and
//! the pages.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use treem_domain::indicators::{self as ind, Facts, Period};

use super::rows::facts;
use treem_domain::units::{Unit, UnitHistory};
use treem_store::{Store, StoreError, StoredUnit};

/// One indicator of one unit, as `treem indicators --format json` writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub numerator: i64,
    pub denominator: i64,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub comparison: &'static str,
    pub status: &'static str,
    /// The year of the milestone the target is (later than the period's
    /// year for a target the plan sets only for 2030); not in the JSON.
    #[serde(skip)]
    pub target_year: Option<i32>,
    /// Split by a group of children (`--by`): each group's part, by the
    /// group's name (`""`: unknown); only the indicators counted child by
    /// child, only groups with children in the denominator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<BTreeMap<String, Part>>,
}

/// One group's part of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Part {
    pub numerator: i64,
    pub denominator: i64,
}

/// A unit valid on the reference date with its fourteen figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitReport {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    /// Keyed by indicator, in the contract's order.
    pub indicators: Vec<(&'static str, Figure)>,
    /// Index of the unit in the history (not serialised).
    #[serde(skip)]
    pub unit: usize,
    /// The programme indicators (defined as data), in their definitions'
    /// order; written by `treem indicators` as `programme_indicators`.
    #[serde(skip)]
    pub programme: Vec<(String, super::programme::ProgrammeFigure)>,
}

/// The catalogue key of a figure's verdict (`met`, `not_met`, `no_data`).
pub fn status_key(status: &str) -> &'static str {
    match status {
        "met" => "dashboard.met",
        "not_met" => "dashboard.not_met",
        _ => "dashboard.no_data",
    }
}

impl UnitReport {
    /// How many indicators are met, and how many have data at all.
    pub fn tally(&self) -> (usize, usize) {
        let count = |s: &str| {
            self.indicators
                .iter()
                .filter(|(_, f)| f.status == s)
                .count()
        };
        (count("met"), self.indicators.len() - count("no_data"))
    }
}

/// The indicators of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: Period,
    pub units: Vec<UnitReport>,
    /// The programme indicators' definitions, in the units' order.
    pub programme: Vec<treem_domain::returns::programme::ProgrammeIndicator>,
}

impl Report {
    /// A period's report of no unit (a page with no unit to show).
    pub fn empty(period: Period) -> Report {
        Report {
            period,
            units: Vec::new(),
            programme: Vec::new(),
        }
    }
}

/// The history of the stored units and each stored id's index in it.
pub fn history_of(stored: Vec<StoredUnit>) -> (UnitHistory, HashMap<i64, usize>) {
    let ids: Vec<i64> = stored.iter().map(|s| s.id).collect();
    let history = UnitHistory::new(stored.into_iter().map(|s| s.unit).collect());
    // `UnitHistory::new` keeps the order it is given.
    let index_of = ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect();
    (history, index_of)
}

/// What a period's indicators are computed from: the unit history, the
/// facts, and each fact child's database id.
pub struct Loaded {
    pub history: UnitHistory,
    pub facts: Facts,
    pub child_ids: Vec<i64>,
    /// The plan's targets as stored (administrators may change them).
    pub targets: Vec<ind::Target>,
    /// Each stored unit id's index in the history.
    pub index_of: HashMap<i64, usize>,
    /// The programme indicators and the period's filed returns.
    pub programme: super::programme::Programme,
}

/// The stored milestones as the domain's targets (each indicator's way of
/// comparing is fixed by its definition).
pub fn targets_of(stored: &[treem_store::StoredTarget]) -> Vec<ind::Target> {
    ind::plan_targets()
        .into_iter()
        .map(|t| ind::Target {
            milestones: stored
                .iter()
                .filter(|s| s.indicator == t.key)
                .map(|s| (s.year as i32, s.value))
                .collect(),
            ..t
        })
        .collect()
}

/// Loads what a period's indicators are computed from.
pub async fn load(store: &dyn Store, period: Period) -> Result<Loaded, StoreError> {
    let (history, index_of) = history_of(store.units().await?);
    let rows = store
        .indicator_rows(
            period.start(),
            period.reference_date(),
            &period.school_year(),
        )
        .await?;
    let child_ids = rows.children.iter().map(|c| c.id).collect();
    let mut facts = facts(rows, &index_of);
    let school_year = period.school_year();
    for e in &mut facts.enrolments {
        e.school_year.clone_from(&school_year);
    }
    let stored_targets = store.targets().await?;
    let targets = targets_of(&stored_targets);
    let programme = super::programme::load(store, period, &stored_targets).await?;
    Ok(Loaded {
        history,
        facts,
        child_ids,
        targets,
        index_of,
        programme,
    })
}

/// Every unit's indicators for a period, judged against the plan's targets.
pub async fn report(
    store: &dyn Store,
    period: Period,
) -> Result<(Report, UnitHistory), StoreError> {
    let loaded = load(store, period).await?;
    Ok((judge(&loaded, period), loaded.history))
}

/// The figures of loaded facts, judged against the plan's targets.
pub fn judge(loaded: &Loaded, period: Period) -> Report {
    let figures = ind::compute(&loaded.history, &loaded.facts, period);
    judge_figures(loaded, period, figures)
}

/// Computed figures judged against the plan's targets.
fn judge_figures(loaded: &Loaded, period: Period, figures: Vec<ind::UnitFigures>) -> Report {
    let registry = treem_domain::returns::programme::registry_counts(
        &loaded.history,
        &loaded.facts,
        period.reference_date(),
    );
    judge_with(
        Basis {
            history: &loaded.history,
            index_of: &loaded.index_of,
            targets: &loaded.targets,
            programme: &loaded.programme,
        },
        registry,
        period,
        figures,
    )
}

/// What figures are judged with besides their counts.
pub(crate) struct Basis<'a> {
    pub history: &'a UnitHistory,
    pub index_of: &'a HashMap<i64, usize>,
    pub targets: &'a [ind::Target],
    pub programme: &'a super::programme::Programme,
}

/// Computed figures judged against the plan's targets, the programme
/// indicators from the communes' registry counts.
pub(crate) fn judge_with(
    basis: Basis<'_>,
    registry: HashMap<usize, [i64; 3]>,
    period: Period,
    figures: Vec<ind::UnitFigures>,
) -> Report {
    let history = basis.history;
    let targets = basis.targets;
    let mut programme = basis
        .programme
        .figures(history, basis.index_of, registry, period);
    let units = figures
        .into_iter()
        .map(|f| {
            let u: &Unit = &history.all()[f.unit];
            let indicators = ind::KEYS
                .iter()
                .zip(f.counts)
                .map(|(key, count)| {
                    let t = targets.iter().find(|t| t.key == *key);
                    let comparison = t.map_or(ind::Comparison::AtLeast, |t| t.comparison);
                    let milestone = t.and_then(|t| t.milestone_for(period.year));
                    let target = milestone.map(|(_, v)| v);
                    (
                        *key,
                        Figure {
                            numerator: count.numerator,
                            denominator: count.denominator,
                            value: count.value(),
                            target,
                            comparison: comparison.symbol(),
                            status: ind::status(count, target, comparison).code(),
                            target_year: milestone.map(|(y, _)| y),
                            by: None,
                        },
                    )
                })
                .collect();
            UnitReport {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level.as_str(),
                indicators,
                unit: f.unit,
                programme: programme.remove(&f.unit).unwrap_or_default(),
            }
        })
        .collect();
    Report {
        period,
        units,
        programme: basis.programme.indicators.clone(),
    }
}

/// The column a dimension reads.
fn column_of(dim: ind::Dimension) -> treem_store::GroupColumn {
    match dim {
        ind::Dimension::Sex => treem_store::GroupColumn::Sex,
        ind::Dimension::Ethnicity => treem_store::GroupColumn::Ethnicity,
        ind::Dimension::Poverty => treem_store::GroupColumn::Poverty,
    }
}

/// Each fact child's group from the stored (id, value) rows (unknown
/// values: `""`).
fn grouping_of(loaded: &Loaded, mut rows: Vec<(i64, Option<String>)>) -> ind::Grouping {
    rows.sort_unstable_by_key(|(id, _)| *id);
    let value = |id: &i64| {
        rows.binary_search_by_key(id, |(i, _)| *i)
            .ok()
            .and_then(|at| rows[at].1.as_deref())
    };
    ind::Grouping::new(loaded.child_ids.iter().map(value))
}

/// Each fact child's group by a dimension.
pub async fn grouping(
    store: &dyn Store,
    loaded: &Loaded,
    dim: ind::Dimension,
) -> Result<ind::Grouping, StoreError> {
    Ok(grouping_of(
        loaded,
        store.child_groups(column_of(dim)).await?,
    ))
}

/// Every unit's indicators for a period, the ones counted child by child
/// split by `dim` (their groups sum to them exactly).
pub async fn report_by(
    store: &dyn Store,
    period: Period,
    dim: ind::Dimension,
) -> Result<(Report, UnitHistory), StoreError> {
    // The groups are read while the facts are (two queries at once).
    let (loaded, rows) = tokio::join!(load(store, period), store.child_groups(column_of(dim)));
    let loaded = loaded?;
    let grouping = grouping_of(&loaded, rows?);
    let rep = split(&loaded, period, &grouping);
    Ok((rep, loaded.history))
}

/// The figures of loaded facts with the indicators counted child by child
/// split by `grouping`.
pub fn split(loaded: &Loaded, period: Period, grouping: &ind::Grouping) -> Report {
    let (figures, by) = ind::compute_by(&loaded.history, &loaded.facts, period, grouping);
    let mut rep = judge_figures(loaded, period, figures);
    attach(&mut rep, &by);
    rep
}

/// Each unit's groups (summed from its communes) set on its indicators
/// counted child by child: the groups with children in the denominator.
pub fn attach(rep: &mut Report, by: &HashMap<usize, ind::GroupCounts>) {
    for u in &mut rep.units {
        let groups = by.get(&u.unit);
        for (key, f) in &mut u.indicators {
            if !ind::BY_KEYS.contains(key) {
                continue;
            }
            let k = ind::KEYS.iter().position(|x| x == key).unwrap_or(0);
            let parts = groups
                .into_iter()
                .flatten()
                .filter(|(_, c)| c[k].denominator > 0)
                .map(|(name, c)| {
                    let part = Part {
                        numerator: c[k].numerator,
                        denominator: c[k].denominator,
                    };
                    (name.clone(), part)
                })
                .collect();
            f.by = Some(parts);
        }
    }
}

/// The loaded figures split by each dimension in turn (the report's
/// annex): one pass over the facts per dimension, no reloading.
pub async fn splits(
    store: &dyn Store,
    loaded: &Loaded,
    period: Period,
) -> Result<Vec<(ind::Dimension, Report)>, StoreError> {
    let mut out = Vec::new();
    for dim in ind::Dimension::ALL {
        let g = grouping(store, loaded, dim).await?;
        out.push((dim, split(loaded, period, &g)));
    }
    Ok(out)
}

/// A group's name as the reader knows it (`""`: unknown).
pub fn group_label(lang: treem_domain::i18n::Lang, dim: ind::Dimension, group: &str) -> String {
    use ind::Dimension;
    if group.is_empty() {
        return lang.t("gaps.unknown").to_string();
    }
    match dim {
        Dimension::Sex => match group {
            "F" => lang.t("gaps.female").to_string(),
            "M" => lang.t("gaps.male").to_string(),
            other => other.to_string(),
        },
        Dimension::Poverty => match group {
            "poor" | "near_poor" | "none" => lang.t(&format!("gaps.{group}")).to_string(),
            other => other.to_string(),
        },
        Dimension::Ethnicity => match treem_domain::child::ethnicity_name(group) {
            Some(name) => format!("{name} ({group})"),
            None => group.to_string(),
        },
    }
}
