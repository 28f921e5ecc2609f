//! What the plan files' rows are checked against: the stored plans, their
//! tasks, reports in force, supervisions and recommendations, and the
//! agencies of their units — each loaded when a row first names it — with
//! what the data set's accepted rows have added or changed on top.

use std::collections::HashMap;

use chrono::NaiveDate;
use treem_store::{PlanKey, PlanRow, ProgressRow, Store, StoreResult, TaskRow};

/// A task as it stands (stored, or as an accepted row left it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TaskNow {
    pub group_no: i64,
    pub section: String,
    pub title: String,
    pub cadence: String,
    pub due: Option<NaiveDate>,
    pub programme: Option<String>,
    pub indicators: String,
    pub lead: Option<String>,
    pub partners: String,
}

impl From<&TaskRow> for TaskNow {
    fn from(t: &TaskRow) -> Self {
        TaskNow {
            group_no: t.group_no,
            section: t.section.clone(),
            title: t.title.clone(),
            cadence: t.cadence.clone(),
            due: t.due,
            programme: t.programme.clone(),
            indicators: t.indicators.clone(),
            lead: t.lead.clone(),
            partners: t.partners.clone(),
        }
    }
}

/// What a progress report says (its author and time aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ReportNow {
    pub status: String,
    pub summary: String,
    pub sessions: Option<i64>,
    pub people_reached: Option<i64>,
    pub budget_spent: Option<i64>,
    pub problems: String,
    pub proposals: String,
}

impl From<&ProgressRow> for ReportNow {
    fn from(r: &ProgressRow) -> Self {
        ReportNow {
            status: r.status.clone(),
            summary: r.summary.clone(),
            sessions: r.sessions,
            people_reached: r.people_reached,
            budget_spent: r.budget_spent,
            problems: r.problems.clone(),
            proposals: r.proposals.clone(),
        }
    }
}

/// A supervision as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SupervisionNow {
    pub kind: String,
    pub body: String,
    pub held_on: NaiveDate,
    pub visited: String,
    pub findings: String,
}

/// A recommendation as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RecommendationNow {
    pub text: String,
    pub owner: String,
    pub due: NaiveDate,
    pub closed: Option<(NaiveDate, String)>,
}

/// A plan's document details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PlanDoc {
    pub number: Option<String>,
    pub issued_on: Option<chrono::NaiveDate>,
    /// The documents the plan carries out, one a line.
    pub basis: String,
    pub issued_by: String,
    pub period: (i64, i64),
}

/// A plan as it stands, with what rows may refer to.
#[derive(Debug, Clone)]
pub(super) struct PlanNow {
    pub doc: PlanDoc,
    pub tasks: HashMap<String, TaskNow>,
    /// By (task code, agency code, period).
    pub reports: HashMap<(String, String, String), ReportNow>,
    pub supervisions: HashMap<String, SupervisionNow>,
    /// By (supervision code, number).
    pub recommendations: HashMap<(String, i64), RecommendationNow>,
}

/// The stored plans and agencies, loaded as rows name them, and the data
/// set's accepted rows on top.
pub(super) struct State<'s> {
    store: &'s dyn Store,
    stored: Vec<PlanRow>,
    pub programmes: Vec<String>,
    plans: HashMap<PlanKey, Option<PlanNow>>,
    agencies: HashMap<i64, HashMap<String, String>>,
}

impl<'s> State<'s> {
    pub async fn load(store: &'s dyn Store) -> StoreResult<State<'s>> {
        Ok(State {
            store,
            stored: store.plans().await?,
            programmes: store
                .programmes()
                .await?
                .into_iter()
                .map(|p| p.code)
                .collect(),
            plans: HashMap::new(),
            agencies: HashMap::new(),
        })
    }

    /// The agencies of a unit, by code, with their names.
    pub async fn agencies(&mut self, unit: i64) -> StoreResult<&mut HashMap<String, String>> {
        if !self.agencies.contains_key(&unit) {
            let stored = self.store.agencies(unit).await?;
            self.agencies
                .insert(unit, stored.into_iter().map(|a| (a.code, a.name)).collect());
        }
        Ok(self.agencies.entry(unit).or_default())
    }

    /// The plan a row names, if it is stored or an accepted row made it.
    pub async fn plan(&mut self, key: &PlanKey) -> StoreResult<Option<&mut PlanNow>> {
        if !self.plans.contains_key(key) {
            let found = self
                .stored
                .iter()
                .find(|p| p.unit_id == key.unit_id && p.title == key.title)
                .cloned();
            let loaded = match found {
                Some(p) => Some(self.load_plan(&p).await?),
                None => None,
            };
            self.plans.insert(key.clone(), loaded);
        }
        Ok(self.plans.get_mut(key).and_then(Option::as_mut))
    }

    /// Makes a plan an accepted row adds.
    pub fn add_plan(&mut self, key: PlanKey, doc: PlanDoc) -> &mut PlanNow {
        let plan = self.plans.entry(key).or_insert(None);
        plan.get_or_insert_with(|| PlanNow {
            doc,
            tasks: HashMap::new(),
            reports: HashMap::new(),
            supervisions: HashMap::new(),
            recommendations: HashMap::new(),
        })
    }

    async fn load_plan(&self, p: &PlanRow) -> StoreResult<PlanNow> {
        let tasks = self.store.plan_tasks(p.id).await?;
        let code_of: HashMap<i64, String> = tasks.iter().map(|t| (t.id, t.code.clone())).collect();
        let reports = self
            .store
            .plan_reports(p.id)
            .await?
            .iter()
            .filter_map(|r| {
                let task = code_of.get(&r.task_id)?.clone();
                Some((
                    (task, r.agency_code.clone(), r.period.clone()),
                    ReportNow::from(r),
                ))
            })
            .collect();
        let stored_sups = self.store.supervisions(p.id).await?;
        let sup_code: HashMap<i64, String> =
            stored_sups.iter().map(|s| (s.id, s.code.clone())).collect();
        let supervisions = stored_sups
            .into_iter()
            .map(|s| {
                (
                    s.code,
                    SupervisionNow {
                        kind: s.kind,
                        body: s.body,
                        held_on: s.held_on,
                        visited: s.visited,
                        findings: s.findings,
                    },
                )
            })
            .collect();
        let recommendations = self
            .store
            .plan_recommendations(p.id)
            .await?
            .into_iter()
            .filter_map(|r| {
                let sup = sup_code.get(&r.supervision_id)?.clone();
                let closed = r
                    .closed_on
                    .map(|d| (d, r.closed_note.clone().unwrap_or_default()));
                Some((
                    (sup, r.seq),
                    RecommendationNow {
                        text: r.text,
                        owner: r.owner,
                        due: r.due,
                        closed,
                    },
                ))
            })
            .collect();
        Ok(PlanNow {
            doc: PlanDoc {
                number: p.number.clone(),
                issued_on: p.issued_on,
                basis: p.basis.clone(),
                issued_by: p.issued_by.clone(),
                period: (p.period_from, p.period_to),
            },
            tasks: tasks
                .iter()
                .map(|t| (t.code.clone(), TaskNow::from(t)))
                .collect(),
            reports,
            supervisions,
            recommendations,
        })
    }
}
