//! Child-protection cases behind the pages and the API: reading input,
//! deciding access from the case's standings, sealing and opening contents,
//! and the audit entry of every read. Pages and API differ only in how they
//! answer.

use chrono::{DateTime, Duration, Utc};
use treem_domain::access::Role;
use treem_domain::audit::AuditEvent;
use treem_domain::cases::deadlines::{self, Calendar, Deadlines, Progress, Urgency};
use treem_domain::cases::{self, CaseAccess, Grant, Harm, Risk, Standing, Step, Vocabulary};
use treem_domain::child_input::FieldProblem;
use treem_domain::clock::{vn_date, vn_today};
use treem_domain::i18n::Lang;
use treem_store::{
    CaseFile, CaseGrant, CaseStep, CaseSummary, NewCase, NewGrant, NewStep, StoreError,
};

use crate::cases::input::{
    CaseInput, Fields, StepInput, coded, happened, long_text, problem, read_fields,
};
use crate::cases::seal::CaseKey;
use crate::cases::step_fields;
use crate::shell::request::{CurrentUser, RequestInfo};
use crate::{AppError, AppState};

/// How long a break-glass access lasts.
pub const BREAK_GLASS_HOURS: i64 = 24;

/// Why a case action did not happen.
#[derive(Debug)]
pub enum CaseError {
    /// The input has problems (422).
    Invalid(Vec<FieldProblem>),
    /// The procedure does not allow this step now (409).
    NotAllowed(String),
    /// Someone else recorded a step first (409).
    Conflict,
    App(AppError),
}

impl From<AppError> for CaseError {
    fn from(e: AppError) -> Self {
        CaseError::App(e)
    }
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        CaseError::App(e.into())
    }
}

/// The key, or an error: without it nothing is stored in clear.
pub fn key(state: &AppState) -> Result<&CaseKey, AppError> {
    state
        .config
        .case_key
        .as_ref()
        .ok_or_else(|| AppError::Internal("case key not configured".into()))
}

/// An audit event by the current user.
pub fn event(user: &CurrentUser, info: &RequestInfo, action: &str, id: &str) -> AuditEvent {
    user.event(info, action, "case", id)
}

/// The working-day calendar on record.
pub async fn calendar(state: &AppState) -> Result<Calendar, AppError> {
    Ok(Calendar::new(
        state.store.holidays().await?.into_iter().map(|(d, _)| d),
    ))
}

/// Opens a case for `user` within her scope (the child must be hers to see).
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    input: &CaseInput,
) -> Result<(i64, String), CaseError> {
    let key = key(state)?;
    let mut p = Vec::new();
    let today = vn_today();
    let units = state.units();
    let scope = units.scope_of(&user.account, today);
    let child = match input.child_id.trim() {
        "" => {
            p.push(problem("child_id", "Bắt buộc", "Required"));
            None
        }
        code => {
            let found = state
                .store
                .child_by_code(code)
                .await?
                .filter(|c| scope.contains(c.unit_id));
            if found.is_none() {
                p.push(problem(
                    "child_id",
                    format!("Không có trẻ mã «{code}» trong phạm vi của bạn"),
                    format!("No child with code '{code}' within your scope"),
                ));
            }
            found
        }
    };
    let fields = read_fields(input, &mut p);
    let (Some(child), Some(f), true) = (child, fields, p.is_empty()) else {
        return Err(CaseError::Invalid(p));
    };
    let Fields {
        received_at,
        source,
        harms,
        relation,
        risk,
        summary,
        abuser,
        details,
    } = f;
    let commune = units
        .by_id(child.unit_id)
        .and_then(|u| units.history.became(u, today).or(Some(u)))
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let seal_id = crate::auth::session::random_token();
    let new = NewCase {
        unit_id: child.unit_id,
        commune_code: commune,
        year: chrono::Datelike::year(&vn_date(received_at)),
        child_id: child.id,
        source: source.code().into(),
        received_at,
        harm_types: harms.iter().map(|h| h.code()).collect::<Vec<_>>().join(","),
        relation: relation.map(|r| r.code().to_string()),
        risk_level: risk.map(|r| r.code().to_string()),
        summary: key.seal(&seal_id, "summary", &summary),
        abuser: (!abuser.is_empty()).then(|| key.seal(&seal_id, "abuser", &abuser)),
        details: details.map(|d| {
            let json = serde_json::to_string(&d).unwrap_or_default();
            key.seal(&seal_id, "details", &json)
        }),
        created_by: user.account.id,
        created_by_name: user.account.username.clone(),
        notes: key.seal(&seal_id, "notes", ""),
        reported_on: vn_date(received_at),
        seal_id,
    };
    Ok(state
        .store
        .create_case(&new, event(user, info, "case_created", ""))
        .await?)
}

/// A case as one user may see it, contents opened.
pub struct OpenCase {
    pub file: CaseFile,
    pub access: CaseAccess,
    pub grants: Vec<CaseGrant>,
    /// Each step with its notes and its form's fields, opened.
    pub steps: Vec<(CaseStep, String, treem_domain::cases::step_form::StepForm)>,
    pub summary: String,
    pub abuser: String,
    /// Form 01's fields (empty when none were recorded).
    pub details: treem_domain::cases::report_form::ReportDetails,
    pub deadlines: Deadlines,
    pub urgency: Urgency,
}

impl OpenCase {
    pub fn step(&self) -> Option<Step> {
        Step::parse(&self.file.step)
    }

    pub fn harms(&self) -> Vec<Harm> {
        self.file
            .harm_types
            .split(',')
            .filter_map(Harm::parse)
            .collect()
    }
}

fn progress_of(
    emergency_at: Option<DateTime<Utc>>,
    plan_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
) -> Progress {
    Progress {
        emergency_at,
        plan_at,
        closed: closed_at.is_some(),
    }
}

/// When the plan waiting for the chair's decision was submitted, if one
/// waits (the case stands at `plan_drafted`).
fn awaiting_since(step: &str, step_at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    step_at.filter(|_| step == Step::PlanDrafted.code())
}

/// A listed case's deadlines and urgency at `now`.
pub fn judge(s: &CaseSummary, calendar: &Calendar, now: DateTime<Utc>) -> (Deadlines, Urgency) {
    let d = deadlines::deadlines(
        s.received_at,
        s.risk_level.as_deref().and_then(Risk::parse),
        calendar,
    )
    .awaiting(awaiting_since(&s.step, s.step_at), calendar);
    let u = deadlines::urgency(
        &d,
        &progress_of(s.emergency_at, s.plan_at, s.closed_at),
        now,
    );
    (d, u)
}

fn standings(grants: &[CaseGrant]) -> Vec<Standing> {
    grants
        .iter()
        .filter_map(|g| {
            Some(Standing {
                account_id: g.account_id,
                grant: Grant::parse(&g.kind)?,
                until: g.until,
            })
        })
        .collect()
}

/// Whether an account is the People's Committee chair of the commune a
/// case belongs to: the attribute an administrator sets, on an active
/// commune account whose scope holds the case.
pub(crate) fn is_chair_of(state: &AppState, account: &treem_store::Account, unit_id: i64) -> bool {
    account.commune_chair
        && account.active
        && account.role == Role::Commune
        && state
            .units()
            .scope_of(account, vn_today())
            .contains(unit_id)
}

/// The case and the user's access to it, without reading its contents.
/// A case the user has no standing on does not exist as far as she can
/// tell; the attempt is audited.
pub async fn access_of(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
) -> Result<(CaseFile, Vec<CaseGrant>, CaseAccess), AppError> {
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let grants = state.store.case_grants(id).await?;
    let mut standings = standings(&grants);
    // Approval is the commune chair's alone: a stored approver grant counts
    // for nobody else, and the chair of the case's commune holds it always.
    let chair = is_chair_of(state, &user.account, file.unit_id);
    standings.retain(|s| s.grant != Grant::Approver);
    if chair {
        standings.push(Standing {
            account_id: user.account.id,
            grant: Grant::Approver,
            until: None,
        });
    }
    let access = cases::access(user.account.id, &standings, Utc::now());
    if !access.read {
        state
            .store
            .audit(event(user, info, "case_read_denied", &id.to_string()))
            .await?;
        return Err(AppError::NotFound);
    }
    Ok((file, grants, access))
}

/// Opens a case for reading; writes `case_read` (with `what` was read) to
/// the audit log first, so no read goes unrecorded.
pub async fn open(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    what: &str,
) -> Result<OpenCase, AppError> {
    let key = key(state)?;
    let (file, grants, access) = access_of(state, user, info, id).await?;
    state
        .store
        .audit(event(user, info, "case_read", &id.to_string()).with_detail(what))
        .await?;
    let unreadable = format!("⚠ ({})", info.lang.t("cases.unreadable"));
    let opened = |what: &str, bytes: &[u8]| {
        key.open(&file.seal_id, what, bytes)
            .unwrap_or_else(|| unreadable.clone())
    };
    let steps = state
        .store
        .case_steps(id)
        .await?
        .into_iter()
        .map(|s| {
            let notes = opened("notes", &s.notes);
            let form = step_fields::opened(
                s.form
                    .as_deref()
                    .and_then(|f| key.open(&file.seal_id, "form", f)),
            );
            (s, notes, form)
        })
        .collect();
    let summary = opened("summary", &file.summary);
    let abuser = file
        .abuser
        .as_deref()
        .map(|a| opened("abuser", a))
        .unwrap_or_default();
    // Form 01's fields; a record made before them holds none.
    let details = file
        .details
        .as_deref()
        .map(|d| serde_json::from_str(&opened("details", d)).unwrap_or_default())
        .unwrap_or_default();
    let calendar = calendar(state).await?;
    let deadlines = deadlines::deadlines(
        file.received_at,
        file.risk_level.as_deref().and_then(Risk::parse),
        &calendar,
    )
    .awaiting(awaiting_since(&file.step, file.step_at), &calendar);
    let urgency = deadlines::urgency(
        &deadlines,
        &progress_of(file.emergency_at, file.plan_at, file.closed_at),
        Utc::now(),
    );
    Ok(OpenCase {
        file,
        access,
        grants,
        steps,
        summary,
        abuser,
        details,
        deadlines,
        urgency,
    })
}

/// Records a step if the procedure allows it now and the user may take it.
pub async fn take_step(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    input: &StepInput,
) -> Result<(), CaseError> {
    let key = key(state)?;
    let (file, _, access) = access_of(state, user, info, id).await?;
    let mut p = Vec::new();
    let Some(to) = coded::<Step>("step", &input.step, &mut p) else {
        if p.is_empty() {
            p.push(problem("step", "Bắt buộc", "Required"));
        }
        return Err(CaseError::Invalid(p));
    };
    let from = Step::parse(&file.step).ok_or_else(|| AppError::Internal("stored step".into()))?;
    if !from.allows(to) {
        // In the request's language; the lawful next steps with their codes
        // (what an API client sends).
        let lang = info.lang;
        let next: Vec<String> = from
            .next()
            .iter()
            .map(|s| format!("«{}» ({})", s.label(lang), s.code()))
            .collect();
        let next = if next.is_empty() {
            "—".to_string()
        } else {
            next.join(", ")
        };
        let (a, b) = (from.label(lang), to.label(lang));
        return Err(CaseError::NotAllowed(match lang {
            Lang::Vi => {
                format!("Không thể chuyển từ «{a}» sang «{b}». Bước tiếp theo hợp lệ: {next}")
            }
            Lang::En => format!("«{b}» cannot follow «{a}». Lawful next steps: {next}"),
        }));
    }
    if !cases::may_take(access, to) {
        return Err(CaseError::App(AppError::Forbidden));
    }
    let steps = state.store.case_steps(id).await?;
    // Whoever drafted the plan does not approve or return it; whoever
    // proposed the closure does not decide it.
    if let Some(proposal) = to.decides_on()
        && steps
            .iter()
            .rev()
            .find(|s| s.step == proposal.code())
            .is_some_and(|s| s.author == user.account.username)
    {
        return Err(CaseError::App(AppError::Forbidden));
    }
    let last = steps.last().map(|s| s.at);
    let at = if input.at.trim().is_empty() {
        Ok(Utc::now() - Duration::nanoseconds(Utc::now().timestamp_subsec_nanos().into()))
    } else {
        happened("at", &input.at, last)
    };
    let at = at.map_err(|e| p.push(e)).ok();
    let risk = coded::<Risk>("risk_level", &input.risk_level, &mut p);
    let notes = long_text("notes", &input.notes, false, &mut p);
    let today = at.map_or_else(vn_today, vn_date);
    let form = step_fields::read(to, &input.form, today, &mut p);
    // The factors scored decide the overall level; a level chosen besides
    // them must be theirs.
    let risk = cases::step_form::level(risk, form.as_ref()).unwrap_or_else(|(f, vi, en)| {
        p.push(problem(f, vi, en));
        None
    });
    let (Some(at), true) = (at, p.is_empty()) else {
        return Err(CaseError::Invalid(p));
    };
    let form = match form {
        Some(f) => {
            let json = serde_json::to_string(&f)
                .map_err(|e| AppError::Internal(format!("step form: {e}")))?;
            Some(key.seal(&file.seal_id, "form", &json))
        }
        None => None,
    };
    let step = NewStep {
        step: to.code().into(),
        at,
        author_id: user.account.id,
        notes: key.seal(&file.seal_id, "notes", &notes),
        risk_level: risk.map(|r| r.code().to_string()),
        form,
        emergency: to == Step::EmergencyMeasures,
        plan: to == Step::PlanDrafted,
        closed: to == Step::Closed,
        intervention_on: to.starts_intervention().then(|| vn_date(at)),
    };
    let audit = event(user, info, "case_step", &id.to_string()).with_detail(to.code());
    match state
        .store
        .add_case_step(id, from.code(), &step, audit)
        .await
    {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict(_)) => Err(CaseError::Conflict),
        Err(e) => Err(e.into()),
    }
}

/// Break-glass access: an officer whose scope holds the case states why,
/// and may read it for [`BREAK_GLASS_HOURS`]; supervisors see it listed.
pub async fn break_glass(
    state: &AppState,
    user: &CurrentUser,
    info: &RequestInfo,
    id: i64,
    reason: &str,
) -> Result<(), CaseError> {
    let key = key(state)?;
    let file = state.store.case_file(id).await?.ok_or(AppError::NotFound)?;
    let scope = state.units().scope_of(&user.account, vn_today());
    if !scope.contains(file.unit_id) || user.account.role == Role::Admin {
        return Err(CaseError::App(AppError::NotFound));
    }
    let reason = treem_domain::text::nfc(reason.trim());
    if reason.chars().count() < 10 {
        return Err(CaseError::Invalid(vec![problem(
            "reason",
            "Ghi rõ lý do (ít nhất 10 ký tự)",
            "State the reason (at least 10 characters)",
        )]));
    }
    let g = NewGrant {
        account_id: user.account.id,
        kind: Grant::BreakGlass.code().into(),
        until: Some(Utc::now() + Duration::hours(BREAK_GLASS_HOURS)),
        reason: Some(key.seal(&file.seal_id, "reason", &reason)),
        granted_by: user.account.username.clone(),
    };
    let audit = event(user, info, "case_break_glass", &id.to_string());
    Ok(state.store.grant_case(id, &g, audit).await?)
}
