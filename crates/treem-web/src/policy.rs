//! The access table: every route with the action it performs. The guard
//! looks each request up here before any handler runs; a route missing from
//! this table is refused, so forgetting an entry fails closed.

use treem_domain::access::Action;

/// (method, route pattern, action) for every route of the application.
pub const ROUTES: &[(&str, &str, Action)] = &[
    // Shell: health, static files, language, home
    ("GET", "/healthz", Action::Public),
    ("GET", "/static/{file}", Action::Public),
    ("GET", "/favicon.ico", Action::Public),
    ("GET", "/lang/{code}", Action::Public),
    ("GET", "/", Action::Authenticated),
    // Sign-in and one's own account (auth/)
    ("GET", "/login", Action::Public),
    ("POST", "/login", Action::Public),
    ("POST", "/logout", Action::Authenticated),
    ("GET", "/account/password", Action::Authenticated),
    ("POST", "/account/password", Action::Authenticated),
    // Registry of children (registry/)
    ("GET", "/children", Action::ViewRegistry),
    ("GET", "/children/new", Action::EditRegistry),
    ("POST", "/children/new", Action::EditRegistry),
    ("GET", "/children/{id}", Action::ViewRegistry),
    ("GET", "/children/{id}/edit", Action::EditRegistry),
    ("POST", "/children/{id}/edit", Action::EditRegistry),
    ("GET", "/nutrition", Action::ViewRegistry),
    ("GET", "/lists/{kind}", Action::ViewRegistry),
    ("GET", "/duplicates", Action::ViewRegistry),
    ("POST", "/duplicates/merge", Action::EditRegistry),
    ("POST", "/merges/{id}/undo", Action::EditRegistry),
    (
        "GET",
        "/children/{id}/measurements/new",
        Action::EditRegistry,
    ),
    ("POST", "/children/{id}/measurements", Action::EditRegistry),
    (
        "GET",
        "/children/{id}/measurements/{mid}",
        Action::EditRegistry,
    ),
    (
        "POST",
        "/children/{id}/measurements/{mid}",
        Action::EditRegistry,
    ),
    // Indicators: dashboard, trend, drill-down, facts (indicators/)
    ("GET", "/indicators", Action::Authenticated),
    ("GET", "/indicators/trend", Action::Authenticated),
    ("GET", "/indicators/gaps", Action::Authenticated),
    // A programme figure's communes and their returns (figures, no names).
    (
        "GET",
        "/indicators/programme/{indicator}",
        Action::Authenticated,
    ),
    ("GET", "/indicators/{key}", Action::ViewRegistry),
    ("GET", "/facts", Action::EditRegistry),
    ("POST", "/facts/{file}", Action::EditRegistry),
    // The periodic report (reports/)
    ("GET", "/indicators/report", Action::Authenticated),
    // The report's sections as the unit's officers write them.
    ("GET", "/indicators/report/draft", Action::EditRegistry),
    ("POST", "/indicators/report/draft", Action::EditRegistry),
    // Plans (plans/): read within scope and up the derivation chain; writes
    // decided by the plan too (plans/found.rs)
    ("GET", "/plans", Action::Authenticated),
    ("GET", "/plans/{id}", Action::Authenticated),
    ("GET", "/plans/overdue", Action::Authenticated),
    ("GET", "/plans/tasks/{id}", Action::Authenticated),
    ("POST", "/plans/tasks/{id}/progress", Action::ReportProgress),
    ("POST", "/plans/tasks/{id}/assign", Action::AssignTasks),
    ("GET", "/plans/{id}/supervisions", Action::Authenticated),
    ("GET", "/plans/{id}/review", Action::Authenticated),
    ("GET", "/plans/{id}/plan.xlsx", Action::Authenticated),
    ("POST", "/plans/{id}/derive", Action::AssignTasks),
    ("GET", "/plans/{id}/document", Action::AssignTasks),
    ("POST", "/plans/{id}/document", Action::AssignTasks),
    ("POST", "/plans/{id}/supervisions", Action::AssignTasks),
    (
        "POST",
        "/plans/recommendations/{id}/close",
        Action::ReportProgress,
    ),
    // Returns (returns/): read within scope; filled by officers, approved
    // or unlocked by the level above (returns/found.rs decides which).
    ("GET", "/returns", Action::Authenticated),
    ("GET", "/returns/filing", Action::Authenticated),
    ("POST", "/returns/filing", Action::EditRegistry),
    ("POST", "/returns/approve", Action::ApproveReturns),
    ("POST", "/returns/unlock", Action::ApproveReturns),
    // Village days (village/): the offline page, its script, manifest,
    // worker and icons hold no data and are public; the rest is the
    // registry's.
    ("GET", "/village", Action::EditRegistry),
    ("POST", "/village", Action::EditRegistry),
    ("GET", "/village/{id}", Action::EditRegistry),
    ("GET", "/village/{id}/list.json", Action::EditRegistry),
    ("POST", "/village/{id}/entries", Action::EditRegistry),
    ("GET", "/village/{id}/print", Action::EditRegistry),
    ("GET", "/village/{id}/sheet.xlsx", Action::EditRegistry),
    (
        "POST",
        "/village/entries/{entry}/resolve",
        Action::EditRegistry,
    ),
    ("GET", "/village/whoami", Action::EditRegistry),
    ("GET", "/village/app", Action::Public),
    ("GET", "/village/app.js", Action::Public),
    ("GET", "/village/guard.js", Action::Public),
    ("GET", "/village/sw.js", Action::Public),
    ("GET", "/village/manifest.webmanifest", Action::Public),
    ("GET", "/village/icon-192.png", Action::Public),
    ("GET", "/village/icon-512.png", Action::Public),
    // Data sets (datasets/)
    ("GET", "/datasets", Action::EditRegistry),
    // The ID verification round (ids/)
    ("GET", "/ids", Action::EditRegistry),
    ("GET", "/ids/list.xlsx", Action::EditRegistry),
    ("GET", "/ids/print", Action::EditRegistry),
    ("POST", "/ids/import", Action::EditRegistry),
    ("POST", "/ids/accept", Action::EditRegistry),
    ("GET", "/ids/children", Action::ViewRegistry),
    ("POST", "/datasets", Action::EditRegistry),
    ("GET", "/datasets/template.xlsx", Action::EditRegistry),
    ("POST", "/datasets/save", Action::EditRegistry),
    ("POST", "/datasets/problems.xlsx", Action::EditRegistry),
    // Child-protection cases (cases/)
    ("GET", "/cases", Action::ViewCases),
    ("GET", "/cases/new", Action::OpenCases),
    ("POST", "/cases/new", Action::OpenCases),
    ("GET", "/cases/{id}", Action::ViewCases),
    ("POST", "/cases/{id}/steps", Action::ViewCases),
    ("POST", "/cases/{id}/steps/withdraw", Action::ViewCases),
    ("POST", "/cases/{id}/handover", Action::ViewCases),
    ("POST", "/cases/{id}/people", Action::ViewCases),
    ("POST", "/cases/break-glass", Action::OpenCases),
    ("GET", "/cases/{id}/forms/{n}", Action::ViewCases),
    ("GET", "/cases/{id}/forms/{n}/docx", Action::ViewCases),
    ("GET", "/cases/{id}/decisions/{decision}", Action::ViewCases),
    (
        "GET",
        "/cases/{id}/decisions/{decision}/docx",
        Action::ViewCases,
    ),
    ("GET", "/cases/{id}/minutes", Action::ViewCases),
    ("GET", "/cases/{id}/minutes/docx", Action::ViewCases),
    // Administration (admin/): units, accounts, tokens, targets, audit, holidays
    ("GET", "/units", Action::ViewUnits),
    ("GET", "/admin/units", Action::ManageUnits),
    ("POST", "/admin/units", Action::ManageUnits),
    ("GET", "/admin/accounts", Action::ManageAccounts),
    ("POST", "/admin/accounts", Action::ManageAccounts),
    (
        "POST",
        "/admin/accounts/{id}/active",
        Action::ManageAccounts,
    ),
    (
        "POST",
        "/admin/accounts/{id}/password",
        Action::ManageAccounts,
    ),
    ("POST", "/admin/accounts/{id}/chair", Action::ManageAccounts),
    (
        "POST",
        "/admin/accounts/{id}/agency",
        Action::ManageAccounts,
    ),
    ("POST", "/admin/tokens/{id}/revoke", Action::ManageAccounts),
    ("GET", "/admin/targets", Action::ManageTargets),
    // What is counted beyond the fourteen (returns/define*.rs): the
    // administrator's, as the targets are.
    ("GET", "/admin/programme", Action::ManageTargets),
    ("POST", "/admin/programme/element", Action::ManageTargets),
    ("POST", "/admin/programme/form", Action::ManageTargets),
    ("POST", "/admin/programme/indicator", Action::ManageTargets),
    ("POST", "/admin/programme/target", Action::ManageTargets),
    ("POST", "/admin/targets", Action::ManageTargets),
    ("GET", "/admin/audit", Action::ViewAudit),
    ("GET", "/admin/audit/verify", Action::ViewAudit),
    ("GET", "/admin/holidays", Action::ManageCalendar),
    ("POST", "/admin/holidays", Action::ManageCalendar),
    // JSON API (api/, registry/api.rs, cases/api.rs)
    ("GET", "/api/v1/me", Action::Authenticated),
    ("GET", "/api/v1/units", Action::ViewUnits),
    ("GET", "/api/v1/openapi.json", Action::Public),
    ("GET", "/api/v1/children", Action::ViewRegistry),
    ("POST", "/api/v1/children", Action::EditRegistry),
    ("GET", "/api/v1/children/{id}", Action::ViewRegistry),
    ("PATCH", "/api/v1/children/{id}", Action::EditRegistry),
    ("GET", "/api/v1/cases", Action::ViewCases),
    ("POST", "/api/v1/cases", Action::OpenCases),
    ("GET", "/api/v1/cases/{id}", Action::ViewCases),
    ("POST", "/api/v1/cases/{id}/steps", Action::ViewCases),
    ("GET", "/api/v1/plans", Action::Authenticated),
    ("GET", "/api/v1/plans/{id}/tasks", Action::Authenticated),
    ("GET", "/api/v1/tasks", Action::Authenticated),
    (
        "POST",
        "/api/v1/tasks/{id}/progress",
        Action::ReportProgress,
    ),
];

/// The action of a route, if it is in the table. `HEAD` is treated as `GET`.
pub fn action_for(method: &str, pattern: &str) -> Option<Action> {
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && *p == pattern)
        .map(|(_, _, a)| *a)
}

/// Routes a user with an unchanged one-time password may still use.
pub fn allowed_before_password_change(pattern: &str) -> bool {
    matches!(
        pattern,
        "/account/password"
            | "/logout"
            | "/static/{file}"
            | "/favicon.ico"
            | "/lang/{code}"
            | "/healthz"
    )
}
