//! The programme indicators (indicators defined as data, issue 18): their
//! definitions as stored turned into the domain's, the filed returns and
//! registry counts of a period gathered per commune, and each unit's
//! figures judged against the milestones an administrator entered.

use std::collections::HashMap;

use serde::{Serialize, Serializer};
use treem_domain::indicators::Period;
use treem_domain::returns::programme::{
    self as prog, CommuneInputs, Formula, Goal, ProgrammeIndicator,
};
use treem_domain::units::UnitHistory;
use treem_store::{ProgrammeIndicatorRow, Store, StoreError, StoredTarget};

/// A sum as JSON writes it: a whole number without a decimal point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount(pub f64);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 && self.0.abs() < 9e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

/// One programme indicator of one unit, in the shape of the fourteen's
/// entries (`denominator` is null for a count), with its factor and how
/// many communes filed what its numerator reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgrammeFigure {
    pub numerator: Amount,
    pub denominator: Option<Amount>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub comparison: &'static str,
    pub status: &'static str,
    pub factor: u32,
    pub communes_filed: u32,
}

/// The indicators defined as data and what a period's figures read.
#[derive(Debug, Clone, Default)]
pub struct Programme {
    pub indicators: Vec<ProgrammeIndicator>,
    /// Filed values by the stored unit id of their commune.
    values: Vec<treem_store::FiledValue>,
}

/// The stored definitions as the domain's, with their milestones (rows of
/// the targets under the indicator's code). A definition whose formula no
/// longer reads (it cannot: elements are never removed) is left out.
pub fn definitions(
    rows: &[ProgrammeIndicatorRow],
    elements: &[String],
    targets: &[StoredTarget],
) -> Vec<ProgrammeIndicator> {
    let known = |code: &str| elements.iter().any(|e| e == code);
    rows.iter()
        .filter_map(|r| {
            let numerator = Formula::parse(&r.numerator, &known).ok()?;
            let denominator = Formula::parse(&r.denominator, &known).ok()?;
            Some(ProgrammeIndicator {
                code: r.code.clone(),
                name_vi: r.name_vi.clone(),
                name_en: r.name_en.clone(),
                programme: r.programme.clone(),
                numerator,
                denominator,
                factor: u32::try_from(r.factor).unwrap_or(1),
                goal: Goal::from_symbol(&r.goal)?,
                milestones: targets
                    .iter()
                    .filter(|t| t.indicator == r.code)
                    .map(|t| (t.year as i32, t.value))
                    .collect(),
            })
        })
        .collect()
}

/// The catalogue key of a programme figure's verdict.
pub fn status_key(status: &str) -> &'static str {
    match status {
        "met" => "dashboard.met",
        "not_met" => "dashboard.not_met",
        "no_target" => "programme.no_target",
        _ => "dashboard.no_data",
    }
}

/// The period's code in returns (`2025h1`, `2025`).
pub fn period_code(period: Period) -> String {
    if period.half {
        format!("{}h1", period.year)
    } else {
        period.year.to_string()
    }
}

/// Loads the definitions and the period's filed values.
pub async fn load(
    store: &dyn Store,
    period: Period,
    targets: &[StoredTarget],
) -> Result<Programme, StoreError> {
    let code = period_code(period);
    let (rows, elements, values) = tokio::join!(
        store.programme_indicators(),
        store.data_elements(),
        store.filed_values(&code)
    );
    let elements: Vec<String> = elements?.into_iter().map(|e| e.code).collect();
    Ok(Programme {
        indicators: definitions(&rows?, &elements, targets),
        values: values?,
    })
}

impl Programme {
    /// Each unit's figures by unit index, in the definitions' order, from
    /// the communes' registry counts (`returns::programme::registry_counts`)
    /// and the filed values.
    pub fn figures(
        &self,
        history: &UnitHistory,
        index_of: &HashMap<i64, usize>,
        registry: HashMap<usize, [i64; 3]>,
        period: Period,
    ) -> HashMap<usize, Vec<(String, ProgrammeFigure)>> {
        if self.indicators.is_empty() {
            return HashMap::new();
        }
        let reference = period.reference_date();
        let mut communes: HashMap<usize, CommuneInputs> = registry
            .into_iter()
            .map(|(c, registry)| {
                (
                    c,
                    CommuneInputs {
                        values: HashMap::new(),
                        registry,
                    },
                )
            })
            .collect();
        for v in &self.values {
            let Some(&at) = index_of.get(&v.unit_id) else {
                continue;
            };
            let inputs = communes.entry(at).or_default();
            *inputs
                .values
                .entry((v.element.clone(), v.sex.clone()))
                .or_insert(0.0) += v.value;
        }
        prog::compute(history, &communes, reference, &self.indicators)
            .into_iter()
            .map(|(unit, sums)| {
                let figures = self
                    .indicators
                    .iter()
                    .zip(sums)
                    .map(|(ind, s)| {
                        let value = s.value(ind);
                        let target = prog::target_for(&ind.milestones, period.year);
                        let figure = ProgrammeFigure {
                            numerator: Amount(s.numerator),
                            denominator: s.denominator.map(Amount),
                            value,
                            target,
                            comparison: ind.goal.symbol(),
                            status: prog::status(value, target, ind.goal),
                            factor: ind.factor,
                            communes_filed: s.filed,
                        };
                        (ind.code.clone(), figure)
                    })
                    .collect();
                (unit, figures)
            })
            .collect()
    }
}
