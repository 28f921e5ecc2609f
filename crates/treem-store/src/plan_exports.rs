//! The storage of running the plan (module 7), of returns (issue 18) and
//! of cases handed over between communes (issue 19) and of the ID
//! verification round (issue 21) and of the figures kept per commune
//! (issue 20), re-exported at the crate's root.

pub use crate::case_handover_sql::{CaseHandover, CaseHandoverStore, NewHandover};
pub use crate::figures_sql::{FigureStore, KeptCommune};
pub use crate::ids_sql::{IdChild, IdStore, IdVerification};
pub use crate::plan_import_sql::{
    AgencyWrite, PlanKey, PlanWrite, PlanWrites, ProgressWrite, RecommendationWrite,
    SupervisionWrite, TaskWrite,
};
pub use crate::plans_sql::{
    AgencyRow, NewPlan, NewTask, PlanDocument, PlanRow, PlanSeed, PlanStore, ProgrammeRow, TaskRow,
};
pub use crate::programme_sql::{ElementPut, FiledValue, ProgrammeIndicatorRow, ProgrammeStore};
pub use crate::progress_sql::{AssignmentRow, NewProgress, ProgressRow, ProgressStore};
pub use crate::report_drafts_sql::{DraftSection, ReportDraftStore};
pub use crate::returns_sql::{
    ElementRow, FilingKey, FilingRow, FormRow, ReturnStore, ReturnWrite, StepRow, ValueRow,
};
pub use crate::seed_plan::{ensure_return_seed, ensure_seed_plan};
pub use crate::supervisions_sql::{
    NewSupervision, RecommendationRow, SupervisionRow, SupervisionStore,
};
