//! The records an ID round works on.

use chrono::NaiveDate;
use treem_store::Scope;

use crate::AppState;
use crate::shell::request::CurrentUser;

/// The records the user works on, narrowed to one commune if asked: the
/// scope, and the commune's (code, name) when one was chosen.
pub(crate) fn scope_for(
    state: &AppState,
    user: &CurrentUser,
    commune: &str,
    today: NaiveDate,
) -> (Scope, Option<(String, String)>) {
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let chosen = units
        .communes_in(&scope, today)
        .into_iter()
        .find(|(code, _)| code == commune);
    let scope = units.narrow(&scope, commune, today);
    (scope, chosen)
}
