//! The people on a case: only its supervisors — the commune chair, and
//! province or district officers whose scope holds the commune — add
//! someone to it, never themselves; the approver is not added at all (it is
//! the commune chair, an attribute an administrator sets).

use treem_domain::access::Role;
use treem_domain::cases::{Grant, Vocabulary};
use treem_domain::clock::vn_today;
use treem_store::NewGrant;

use crate::cases::input::problem;
use crate::cases::service::{CaseError, access_of, event, is_chair_of};
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// Whether an account supervises a case: its commune's chair, or a
/// province or district officer whose scope holds the commune. Only they
/// add people to a case.
pub(crate) fn supervises(state: &AppState, account: &treem_store::Account, unit_id: i64) -> bool {
    is_chair_of(state, account, unit_id)
        || (matches!(account.role, Role::Province | Role::District)
            && state
                .units()
                .scope_of(account, vn_today())
                .contains(unit_id))
}

/// The accounts a supervisor may add to a case of `unit_id`: active, not
/// herself, of a role that works on cases, working where the case is —
/// as (username, "name — role"), by name.
pub(crate) async fn candidates(
    state: &AppState,
    user: &CurrentUser,
    unit_id: i64,
    lang: treem_domain::i18n::Lang,
) -> Result<Vec<(String, String)>, AppError> {
    let today = vn_today();
    let units = state.units();
    let mut found: Vec<(String, String)> = state
        .store
        .accounts()
        .await?
        .into_iter()
        .filter(|a| {
            a.active
                && a.id != user.account.id
                && matches!(
                    a.role,
                    Role::Commune | Role::CaseWorker | Role::District | Role::Province
                )
                && units.scope_of(a, today).contains(unit_id)
        })
        .map(|a| {
            let label = format!("{} — {}", a.display_name, lang.t(a.role.label_key()));
            (a.username, label)
        })
        .collect();
    found.sort_by(|a, b| {
        treem_domain::text::name_sort_key(&a.1).cmp(&treem_domain::text::name_sort_key(&b.1))
    });
    Ok(found)
}

/// Gives another account a standing on the case: only its supervisors
/// (the commune chair, province and district officers over the commune)
/// may, never for themselves; the account must work where the case is.
pub async fn grant(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    username: &str,
    kind: &str,
) -> Result<(), CaseError> {
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    if !supervises(state, &user.account, file.unit_id) {
        // Not a supervisor: a case she has no standing on does not exist
        // (audited); one she works on is not hers to open to others.
        access_of(state, user, info, id).await?;
        return Err(CaseError::App(AppError::Forbidden));
    }
    let bad = |vi: &str, en: &str| CaseError::Invalid(vec![problem("username", vi, en)]);
    // The approver is not granted: it is the commune chair, always.
    let kind = match Grant::parse(kind) {
        Some(g @ (Grant::Assigned | Grant::Granted)) => g,
        _ => {
            return Err(CaseError::Invalid(vec![problem(
                "kind",
                "Quyền không hợp lệ",
                "Not a standing",
            )]));
        }
    };
    let Some(target) = state
        .store
        .account_by_username(username.trim())
        .await?
        .filter(|a| a.active)
    else {
        return Err(bad("Không có tài khoản này", "No such account"));
    };
    if target.id == user.account.id {
        return Err(bad(
            "Không tự thêm mình vào vụ việc; người giám sát khác thêm, hoặc dùng truy cập khẩn cấp",
            "No one adds herself to a case; another supervisor does, or use emergency access",
        ));
    }
    let role_fits = match kind {
        Grant::Granted => matches!(target.role, Role::Province | Role::District),
        Grant::Assigned => matches!(
            target.role,
            Role::Commune | Role::CaseWorker | Role::District | Role::Province
        ),
        _ => false,
    };
    let in_scope = state
        .units()
        .scope_of(&target, vn_today())
        .contains(file.unit_id);
    if !role_fits || !in_scope {
        return Err(bad(
            "Tài khoản này không thể nhận quyền đó với vụ việc của xã này",
            "That account cannot hold this standing on a case of this commune",
        ));
    }
    let g = NewGrant {
        account_id: target.id,
        kind: kind.code().into(),
        until: None,
        reason: None,
        granted_by: user.account.username.clone(),
    };
    let audit = event(user, info, "case_granted", &id.to_string()).with_detail(format!(
        "{} → {}",
        kind.code(),
        target.username
    ));
    Ok(state.store.grant_case(id, &g, audit).await?)
}
