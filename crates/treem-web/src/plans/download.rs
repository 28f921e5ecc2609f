//! A plan's files as a workbook (`/plans/{id}/plan.xlsx`): its unit's
//! agencies, its tasks with their assignment in force, the reports in
//! force, its supervisions and recommendations, in the interchange format
//! (docs/plan-files.md) — filled in Excel, it imports back on the data set
//! page. Progress is shown within scope only, so the download is too.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;

use super::found::plan_view;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::shell::xlsx::{download, file_stem};
use crate::{AppError, AppState};

/// The routes of this module.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/plans/{id}/plan.xlsx", get(plan_workbook))
}

async fn plan_workbook(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = plan_view(&state, &user, id).await?;
    if !view.in_scope {
        return Err(AppError::NotFound);
    }
    let bytes =
        treem_interchange::plan_files::export::plan_workbook(state.store.as_ref(), &view.plan)
            .await
            .map_err(|e| AppError::Internal(format!("plan workbook: {e}")))?;
    state
        .store
        .audit(user.event(&info, "plan_exported", "plan", &id.to_string()))
        .await?;
    Ok(download(
        &file_stem(
            "ke-hoach",
            &[&view.unit.code, &view.plan.period_from.to_string()],
        ),
        bytes,
    ))
}
