//! A session the caller may work on: found only within her scope, with
//! the commune's records she may read.

use chrono::NaiveDate;
use treem_domain::clock::vn_today;
use treem_domain::village::SessionKind;
use treem_store::{Scope, VillageSession};

use crate::shell::request::CurrentUser;
use crate::{AppError, AppState};

/// A session the caller may work on, with what it concerns.
pub(crate) struct Found {
    pub session: VillageSession,
    pub kind: SessionKind,
    /// The commune's code and name.
    pub commune: (String, String),
    /// The records of the commune the caller may read (every version of
    /// the commune, so records kept under a former unit are there).
    pub scope: Scope,
}

impl Found {
    pub fn day(&self) -> NaiveDate {
        self.session.held_on
    }
}

/// The session `id`, if the caller's scope holds its commune (otherwise it
/// does not exist for her).
pub(crate) async fn session_in_scope(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<Found, AppError> {
    let session = state
        .store
        .village_session(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let units = state.units();
    let today = vn_today();
    let scope = units.scope_of(&user.account, today);
    if !scope.contains(session.unit_id) {
        return Err(AppError::NotFound);
    }
    let unit = units.by_id(session.unit_id).ok_or(AppError::NotFound)?;
    let commune = (unit.code.clone(), unit.name.clone());
    let kind = SessionKind::from_code(&session.kind)
        .ok_or_else(|| AppError::Internal("unknown session kind".into()))?;
    let scope = units.narrow(&scope, &commune.0, today);
    Ok(Found {
        session,
        kind,
        commune,
        scope,
    })
}
