//! Account administration: list accounts, create one with a one-time
//! password; disable or enable one, give it a new one-time password, make it
//! the commune chair; list API tokens and revoke them
//! (the actions are in `account_actions`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use treem_domain::access::Role;
use treem_domain::clock::vn_today;
use treem_domain::i18n::{Lang, fmt_date, trf};
use treem_domain::text::nfc;
use treem_store::{NewAccount, StoreError};

use crate::auth::password;
use crate::shell::page::Page;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// The routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/accounts", get(list).post(create))
}

/// Whether a username is acceptable: 3–64 of `a-z 0-9 . _ -`.
pub fn valid_username(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

struct Row {
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    unit: String,
    created: String,
    active: bool,
    chair: bool,
    commune: bool,
    /// The administrator's own account (she does not disable herself).
    own: bool,
    /// The agency it works for, by name.
    agency: Option<String>,
    /// The agencies of its unit today: (code, name, chosen).
    agencies: Vec<(String, String, bool)>,
}

struct TokenRow {
    id: i64,
    username: String,
    created: String,
    expires: String,
    state: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsTemplate {
    page: Page,
    rows: Vec<Row>,
    tokens: Vec<TokenRow>,
    roles: Vec<(&'static str, &'static str)>,
    /// Units valid today, to pick by name: (code, name).
    units: Vec<(String, String)>,
    done: Option<String>,
    error: Option<&'static str>,
    form: AccountForm,
}

#[derive(Deserialize, Default)]
pub(crate) struct AccountForm {
    username: String,
    display_name: String,
    role: String,
    unit: String,
    commune_chair: Option<String>,
}

pub(crate) async fn render(
    state: &AppState,
    info: &RequestInfo,
    user: &CurrentUser,
    done: Option<String>,
    error: Option<&'static str>,
    form: AccountForm,
) -> Result<Html<String>, AppError> {
    let now = chrono::Utc::now();
    let date = |d: chrono::DateTime<chrono::Utc>| fmt_date(treem_domain::clock::vn_date(d));
    let lang_t = info.lang;
    let tokens = state
        .store
        .tokens()
        .await?
        .into_iter()
        .map(|t| {
            let live = t.revoked_at.is_none() && t.expires_at.is_some_and(|e| e > now);
            TokenRow {
                id: t.id,
                username: t.username,
                created: date(t.created_at),
                expires: t.expires_at.map(date).unwrap_or_else(|| "—".into()),
                state: lang_t.t(match (t.revoked_at, live) {
                    (Some(_), _) => "tokens.revoked",
                    (None, true) => "tokens.live",
                    _ => "tokens.expired",
                }),
                live,
            }
        })
        .collect();
    let lang = info.lang;
    let today = vn_today();
    let units = state.units();
    let accounts = state.store.accounts().await?;
    // The agencies of each account's unit in force today.
    let mut agencies_of: std::collections::HashMap<String, Vec<treem_store::AgencyRow>> =
        std::collections::HashMap::new();
    for a in &accounts {
        if agencies_of.contains_key(&a.scope_code) {
            continue;
        }
        let unit = units
            .history
            .resolve(&a.scope_code, today)
            .filter(|u| u.code == a.scope_code)
            .and_then(|u| units.id_of(u));
        let list = match unit {
            Some(id) => state.store.agencies(id).await?,
            None => Vec::new(),
        };
        agencies_of.insert(a.scope_code.clone(), list);
    }
    let rows = accounts
        .into_iter()
        .map(|a| {
            let list = agencies_of.get(&a.scope_code).cloned().unwrap_or_default();
            let agency = a.agency_code.as_ref().map(|c| {
                list.iter()
                    .find(|g| g.code == *c)
                    .map_or_else(|| c.clone(), |g| g.name.clone())
            });
            let agencies = if matches!(a.role, Role::Admin | Role::CaseWorker) {
                Vec::new()
            } else {
                list.into_iter()
                    .map(|g| {
                        let on = a.agency_code.as_deref() == Some(g.code.as_str());
                        (g.code, g.name, on)
                    })
                    .collect()
            };
            (a, agency, agencies)
        })
        .map(|(a, agency, agencies)| Row {
            agency,
            agencies,
            id: a.id,
            unit: format!("{} ({})", units.name_of(&a.scope_code, today), a.scope_code),
            role: lang.t(a.role.label_key()),
            created: fmt_date(a.created_at.date_naive()),
            active: a.active,
            chair: a.commune_chair,
            commune: a.role == Role::Commune,
            own: a.id == user.account.id,
            username: a.username,
            display_name: a.display_name,
        })
        .collect();
    let tpl = AccountsTemplate {
        page: Page::new(info, Some(user), lang.t("accounts.title")),
        rows,
        tokens,
        // No district tier since 1/7/2025: no new district accounts.
        roles: Role::ALL
            .iter()
            .filter(|r| **r != Role::District)
            .map(|r| (r.as_str(), lang.t(r.label_key())))
            .collect(),
        units: {
            let today = treem_domain::clock::vn_today();
            let index = state.units();
            let mut v: Vec<(String, String)> = index
                .history
                .valid_on(today)
                .into_iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect();
            v.sort_by_key(|(_, n)| treem_domain::text::fold(n));
            v
        },
        done,
        error,
        form,
    };
    Ok(Html(tpl.render()?))
}

async fn list(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    render(&state, &info, &user, None, None, AccountForm::default()).await
}

fn check(state: &AppState, f: &AccountForm) -> Result<Role, &'static str> {
    if !valid_username(&f.username) {
        return Err("accounts.bad_username");
    }
    if f.display_name.trim().is_empty() || f.display_name.chars().count() > 200 {
        return Err("accounts.missing_name");
    }
    let role = Role::parse(&f.role).ok_or("accounts.bad_role")?;
    if role == Role::District {
        return Err("accounts.no_district");
    }
    if f.commune_chair.is_some() && role != Role::Commune {
        return Err("accounts.chair_commune_only");
    }
    if state
        .units()
        .history
        .resolve(f.unit.trim(), vn_today())
        .is_none()
    {
        return Err("accounts.unknown_unit");
    }
    Ok(role)
}

async fn create(
    State(state): State<AppState>,
    info: RequestInfo,
    user: CurrentUser,
    Form(mut f): Form<AccountForm>,
) -> Result<Response, AppError> {
    f.username = f.username.trim().to_lowercase();
    let role = match check(&state, &f) {
        Ok(r) => r,
        Err(key) => {
            let page = render(&state, &info, &user, None, Some(key), f).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let one_time = password::one_time_password();
    let new = NewAccount {
        username: f.username.clone(),
        display_name: nfc(f.display_name.trim()),
        role,
        scope_code: f.unit.trim().to_string(),
        password_hash: password::hash(one_time.clone()).await?,
        must_change_password: true,
        commune_chair: f.commune_chair.is_some(),
    };
    let audit = user
        .event(&info, "account_created", "account", "")
        .with_detail(format!(
            "{} {} {}",
            new.username,
            role.as_str(),
            new.scope_code
        ));
    match state.store.create_account(&new, audit).await {
        Ok(_) => {
            let done = created_message(info.lang, &new.username, &one_time);
            Ok(render(
                &state,
                &info,
                &user,
                Some(done),
                None,
                AccountForm::default(),
            )
            .await?
            .into_response())
        }
        Err(StoreError::Conflict(_)) => {
            let page = render(
                &state,
                &info,
                &user,
                None,
                Some("accounts.username_taken"),
                f,
            )
            .await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn created_message(lang: Lang, username: &str, password: &str) -> String {
    trf(
        lang,
        "accounts.created_ok",
        &[("username", username), ("password", password)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(valid_username("lo.thi-lap_2"));
        assert!(!valid_username("ab"));
        assert!(!valid_username("Lập"));
        assert!(!valid_username("a b c"));
        assert!(!valid_username(&"a".repeat(65)));
    }
}
