//! Who may do what: roles, actions, and the one policy table between them.
//!
//! Every web route names one [`Action`]; the web layer asks [`permits`]
//! before any handler runs, so access is decided here and nowhere else.
//! Unit scope (which records) is decided by [`crate::scope`].

use serde::Serialize;

/// An account's role. Every account also has a scope unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Accounts, targets, unit changes, backups; sees everything.
    Admin,
    /// Provincial officer: reads and writes within the province.
    Province,
    /// District officer: reads and writes within the district.
    District,
    /// Commune child-protection officer: her commune only.
    Commune,
    /// Party committee, People's Council: dashboards and reports, read-only.
    Viewer,
    /// Added to specific protection cases; no registry access.
    CaseWorker,
}

impl Role {
    /// All roles, in the order forms list them.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Province,
        Role::District,
        Role::Commune,
        Role::Viewer,
        Role::CaseWorker,
    ];

    /// Parses the stable code (`admin`, `province`, …).
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The stable code stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Province => "province",
            Role::District => "district",
            Role::Commune => "commune",
            Role::Viewer => "viewer",
            Role::CaseWorker => "case_worker",
        }
    }

    /// The message-catalogue key of the role's display name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::Province => "role.province",
            Role::District => "role.district",
            Role::Commune => "role.commune",
            Role::Viewer => "role.viewer",
            Role::CaseWorker => "role.case_worker",
        }
    }
}

/// What a route does, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Anyone, logged in or not (login page, health check, static files).
    Public,
    /// Any logged-in account (home page, logout, own account).
    Authenticated,
    /// Read the unit tree.
    ViewUnits,
    /// Read children's records within scope.
    ViewRegistry,
    /// Create or change children's records within scope.
    EditRegistry,
    /// Manage accounts and tokens.
    ManageAccounts,
    /// Load a newer unit file.
    ManageUnits,
    /// Read the audit log.
    ViewAudit,
    /// Change the plan's targets.
    ManageTargets,
    /// Case lists and counts; a case's contents need a standing on it
    /// (`crate::cases::access`), never just a role.
    ViewCases,
    /// Open a case, or ask for break-glass access, within scope.
    OpenCases,
    /// Keep the public holidays of the working-day calendar.
    ManageCalendar,
    /// Assign a plan's tasks to agencies (the People's Committee's
    /// officers), within scope.
    AssignTasks,
    /// File a task's progress report: officers for any agency of their
    /// unit; an account that works for an agency (a viewer too) for that
    /// agency only (`treem-web`'s plans check which).
    ReportProgress,
    /// Approve a commune's return, or unlock it with a reason: the level
    /// above the commune (province, or a district before the reform).
    ApproveReturns,
}

/// The policy table: whether `role` may perform `action` at all. Which
/// records it may touch is the scope's business.
pub fn permits(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        Public | Authenticated | ViewUnits => true,
        ViewRegistry => matches!(role, Admin | Province | District | Commune),
        EditRegistry => matches!(role, Province | District | Commune),
        ManageAccounts | ManageUnits | ViewAudit | ManageTargets | ManageCalendar => role == Admin,
        ViewCases => true,
        OpenCases | AssignTasks => matches!(role, Province | District | Commune),
        ReportProgress => matches!(role, Province | District | Commune | Viewer),
        ApproveReturns => matches!(role, Province | District),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn viewer_and_case_worker_cannot_write_or_read_children() {
        for r in [Role::Viewer, Role::CaseWorker] {
            assert!(!permits(r, Action::EditRegistry));
            assert!(!permits(r, Action::ManageAccounts));
        }
        assert!(!permits(Role::CaseWorker, Action::ViewRegistry));
        assert!(!permits(Role::Viewer, Action::ViewRegistry));
    }

    #[test]
    fn only_admin_administers() {
        for r in Role::ALL {
            let admin = r == Role::Admin;
            assert_eq!(permits(r, Action::ManageAccounts), admin);
            assert_eq!(permits(r, Action::ManageUnits), admin);
            assert_eq!(permits(r, Action::ViewAudit), admin);
            assert_eq!(permits(r, Action::ManageCalendar), admin);
        }
    }
}
