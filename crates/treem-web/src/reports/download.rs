//! The periodic report from the dashboard: the DOCX of the user's unit (or
//! a unit under it) for a period, and its XLSX annex — the same files as
//! `treem report`, for the committees and officers who never open a
//! terminal.

use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use treem_domain::clock::vn_today;

use crate::indicators::kept::Units;
use crate::indicators::kept_groups::splits_under;
use crate::indicators::period::{PeriodQuery, period_of, root, within};
use crate::reports::annex::annex;
use crate::reports::docx::{ReportDoc, document, drafts_of};
use crate::reports::{facts, gap_lines};
use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/indicators/report", get(download))
}

/// `?year=Y&half=0|1&format=docx|xlsx[&unit=CODE]`. A unit outside the
/// user's own does not exist for her (404).
async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = period_of(&q)?;
    let format = match q.format.as_deref() {
        Some(f @ ("docx" | "xlsx")) => f,
        _ => return Err(AppError::BadRequest),
    };
    // The figures and their splits from the kept counts (computed again
    // only where a record changed), of the unit's communes alone.
    let units = Units::load(state.store.as_ref()).await?;
    let history = &units.history;
    let own = root(history, &user.account.scope_code, period).ok_or(AppError::NotFound)?;
    let unit = match q.unit.as_deref().filter(|c| !c.is_empty()) {
        None => own,
        Some(code) => history
            .resolve(code, period.reference_date())
            .filter(|u| within(history, u, own))
            .ok_or(AppError::NotFound)?,
    };
    let (report, splits) = splits_under(state.store.as_ref(), &units, period, unit).await?;
    let top = report
        .units
        .iter()
        .find(|u| std::ptr::eq(&history.all()[u.unit], unit))
        .ok_or(AppError::NotFound)?;
    let stem = format!(
        "bao-cao-{}-{}-{}",
        if period.half { "6-thang" } else { "nam" },
        period.year,
        // Only letters and digits go into the header.
        top.code
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    );
    let (bytes, mime) = if format == "docx" {
        (
            {
                let at = history.index_of(unit);
                let id = units
                    .index_of
                    .iter()
                    .find(|(_, i)| Some(**i) == at)
                    .map(|(id, _)| *id);
                let drafts = drafts_of(state.store.as_ref(), id, period).await?;
                let mut doc = ReportDoc::new(&report, top, history, vn_today());
                doc.drafts = drafts;
                let index = state.units();
                doc.facts =
                    facts::gather(state.store.as_ref(), &index, unit, period, &report).await?;
                doc.gaps = gap_lines::lines(&splits, &unit.code);
                doc.with_annex = true;
                doc.signer = q.signer.clone().filter(|s| s.trim().chars().count() <= 100);
                document(&doc)?
            },
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    } else {
        let today = vn_today();
        let index = state.units();
        let ids =
            treem_domain::scope::scope_units(&index.history, &unit.code, period.reference_date())
                .into_iter()
                .filter_map(|u| index.id_of(u))
                .collect();
        let (rows, total) =
            crate::ids::link_rows(&state, &treem_store::Scope::Units(ids), today).await?;
        let link = crate::reports::annex::Link {
            rows,
            total,
            on: today,
        };
        (
            annex(&report, &splits, Some(&link))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    };
    let name = if format == "docx" {
        format!("{stem}.docx")
    } else {
        format!("{stem}-phu-luc.xlsx")
    };
    Ok((
        [
            (CONTENT_TYPE, mime.to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
