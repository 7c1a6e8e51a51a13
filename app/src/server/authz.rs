//! Authorisation: the policy of each endpoint ([`POLICY`]), checked on the server before an
//! api function reads its arguments, and the unit-scope checks (who acts for a unit as its
//! supervisor, manager or designated person) the functions narrow it with.
//! Every denial of a signed-in account is an trail event; those of anonymous callers and of
//! unknown paths are counted into summary events (see `denials`).

use chrono::{DateTime, Utc};
use tower_sessions::Session;

use super::auth::{current_actor, Actor};
use super::store::{DynStore, StoreResult};
use super::trail::{Outcome, TrailAction, TrailDraft};
use super::AppState;
use crate::domain::{Designation, Role};
use crate::error::{internal, ApiError};

/// Who may call an endpoint. Checked on the server before the arguments are even read, and
/// again inside the function (which also checks unit scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account, even one that must change its password or acknowledge the notice
    /// (五(二)1、九) first.
    SignedIn,
    /// A signed-in account holding one of these roles, with its password in order and the
    /// notice acknowledged.
    Roles(&'static [Role]),
}

const ADMIN: &[Role] = &[Role::Admin];
const TRAIL_READERS: &[Role] = &[Role::Admin, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics];
const CLERKS: &[Role] = &[Role::Clerk];
const HISTORY: &[Role] = &[Role::Clerk, Role::Supervisor];
/// Who may open a comparison record (the function narrows it to the unit or the operator).
const RECORD_READERS: &[Role] =
    &[Role::Clerk, Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics];
const HOUSEHOLD: &[Role] = &[Role::HouseholdOffice];
/// The register of security duties: kept by administrators, read by the external audit team.
const SECURITY_READERS: &[Role] = &[Role::Admin, Role::ExternalAuditor];
/// Who conducts audits: the unit's internal auditor, the bureau's external team.
const AUDITORS: &[Role] = &[Role::InternalAuditor, Role::ExternalAuditor];
const EXTERNAL: &[Role] = &[Role::ExternalAuditor];
/// Referrals to the Ethics Office and vendors' findings: read by these, moved on by the Ethics
/// Office (referrals) and the external team (findings).
const FOLLOWUP_READERS: &[Role] = &[Role::Ethics, Role::ExternalAuditor, Role::Admin];
const FOLLOWUP_KEEPERS: &[Role] = &[Role::Ethics, Role::ExternalAuditor];
/// Any role (with the password in order); the function narrows it (unit, manager, deputy).
const ANY_ROLE: &[Role] = &Role::ALL;

/// The policy of every endpoint.
pub const POLICY: &[(&str, Access)] = &[
    ("/api/auth/login", Access::Public),
    ("/api/auth/me", Access::Public),
    ("/api/auth/policy", Access::Public),
    ("/api/auth/logout", Access::SignedIn),
    ("/api/auth/password", Access::SignedIn),
    ("/api/auth/offline-key", Access::SignedIn),
    // the idle timeout's warning: what is left (a background call), and 繼續使用
    ("/api/session/time", Access::SignedIn),
    ("/api/session/continue", Access::SignedIn),
    // the notice on official use and personal data, acknowledged (五(二)1、九)
    ("/api/auth/acknowledge", Access::SignedIn),
    ("/api/admin/units", Access::Roles(ADMIN)),
    ("/api/admin/units/active", Access::Roles(ADMIN)),
    ("/api/admin/units/contact", Access::Roles(ADMIN)),
    ("/api/admin/retention", Access::Roles(ADMIN)),
    ("/api/security/tasks", Access::Roles(SECURITY_READERS)),
    ("/api/security/add", Access::Roles(ADMIN)),
    ("/api/security/complete", Access::Roles(ADMIN)),
    // the instance's version, commit, database and clock (the public /healthz says ok or degraded)
    ("/api/system/health", Access::Roles(ADMIN)),
    ("/api/admin/accounts", Access::Roles(ADMIN)),
    ("/api/admin/accounts/create", Access::Roles(ADMIN)),
    ("/api/admin/accounts/roles", Access::Roles(ADMIN)),
    ("/api/admin/accounts/disable", Access::Roles(ADMIN)),
    ("/api/admin/accounts/reset-password", Access::Roles(ADMIN)),
    ("/api/admin/accounts/role-removals", Access::Roles(ADMIN)),
    ("/api/admin/designations", Access::Roles(ADMIN)),
    ("/api/admin/designations/add", Access::Roles(ADMIN)),
    ("/api/admin/designations/end", Access::Roles(ADMIN)),
    ("/api/trail/recent", Access::Roles(TRAIL_READERS)),
    ("/api/trail/verify", Access::Roles(ADMIN)),
    ("/api/comparisons/start", Access::Roles(CLERKS)),
    ("/api/comparisons/submit", Access::Roles(CLERKS)),
    // a query's registered impression (GET; the use case narrows it to the query's clerk)
    ("/api/comparisons/{query}/registered.png", Access::Roles(CLERKS)),
    ("/api/comparisons/list", Access::Roles(HISTORY)),
    ("/api/comparisons/get", Access::Roles(RECORD_READERS)),
    ("/api/comparisons/verify", Access::Roles(RECORD_READERS)),
    ("/api/comparisons/printed", Access::Roles(RECORD_READERS)),
    ("/api/comparisons/annotate", Access::Roles(RECORD_READERS)),
    // liaison slips: the functions narrow these to the sending unit (its clerks; its chief, the
    // supervisor or delegate, for approval and reading) or the addressed office
    ("/api/liaison/form-data", Access::Roles(CLERKS)),
    ("/api/liaison/create", Access::Roles(CLERKS)),
    ("/api/liaison/update", Access::Roles(CLERKS)),
    ("/api/liaison/send", Access::Roles(CLERKS)),
    ("/api/liaison/approve", Access::Roles(ANY_ROLE)),
    ("/api/liaison/cancel", Access::Roles(CLERKS)),
    ("/api/liaison/close", Access::Roles(CLERKS)),
    ("/api/liaison/compare-input", Access::Roles(CLERKS)),
    ("/api/liaison/get", Access::Roles(ANY_ROLE)),
    ("/api/liaison/list", Access::Roles(ANY_ROLE)),
    ("/api/liaison/export", Access::Roles(ANY_ROLE)),
    ("/api/liaison/waiting", Access::Roles(ANY_ROLE)),
    // 待辦 and the menu (no personal data: not recorded; a background call)
    ("/api/work/menu", Access::Roles(ANY_ROLE)),
    ("/api/work/inbox", Access::Roles(ANY_ROLE)),
    // a look-up left without a comparison: resumed the same working day, or closed with a reason
    ("/api/work/resume", Access::Roles(CLERKS)),
    ("/api/work/close", Access::Roles(CLERKS)),
    ("/api/liaison/reply", Access::Roles(HOUSEHOLD)),
    ("/api/seals/versions", Access::Roles(HOUSEHOLD)),
    ("/api/seals/upload", Access::Roles(HOUSEHOLD)),
    ("/api/calendar", Access::SignedIn),
    ("/api/calendar/day", Access::Roles(ADMIN)),
    ("/api/calendar/remove", Access::Roles(ADMIN)),
    ("/api/calendar/hours", Access::Roles(ADMIN)),
    ("/api/accounts/requests/file", Access::Roles(ANY_ROLE)),
    ("/api/accounts/requests", Access::Roles(ANY_ROLE)),
    ("/api/accounts/requests/get", Access::Roles(ANY_ROLE)),
    ("/api/accounts/requests/endorse", Access::Roles(ANY_ROLE)),
    ("/api/accounts/requests/review", Access::Roles(ANY_ROLE)),
    ("/api/accounts/requests/withdraw", Access::Roles(ANY_ROLE)),
    ("/api/accounts/revoke", Access::Roles(ANY_ROLE)),
    ("/api/accounts/unit", Access::Roles(ANY_ROLE)),
    ("/api/accounts/form-config", Access::SignedIn),
    // the quarterly permission review and the hand-over: the functions narrow these to the
    // unit's manager or designated deputy (also the incoming account, for acknowledging)
    ("/api/accounts/review/status", Access::Roles(ANY_ROLE)),
    ("/api/accounts/review/start", Access::Roles(ANY_ROLE)),
    ("/api/accounts/review/get", Access::Roles(ANY_ROLE)),
    ("/api/accounts/review/decide", Access::Roles(ANY_ROLE)),
    ("/api/accounts/review/sign", Access::Roles(ANY_ROLE)),
    ("/api/accounts/review/list", Access::Roles(ANY_ROLE)),
    ("/api/accounts/handover/list", Access::Roles(ANY_ROLE)),
    ("/api/accounts/handover/create", Access::Roles(ANY_ROLE)),
    ("/api/accounts/handover/acknowledge", Access::Roles(ANY_ROLE)),
    // the monthly query report: the functions narrow these to the unit's supervisor or delegate,
    // designated person and internal auditor; bureau-wide readers
    ("/api/reports/get", Access::Roles(ANY_ROLE)),
    ("/api/reports/generate", Access::Roles(ANY_ROLE)),
    ("/api/reports/sign", Access::Roles(ANY_ROLE)),
    ("/api/reports/export", Access::Roles(ANY_ROLE)),
    // audits (七(二)): the functions narrow these to the audit's parties (auditor, audited
    // person, the two supervisors, the audited unit's auditors) and bureau-wide readers
    ("/api/audits/list", Access::Roles(ANY_ROLE)),
    ("/api/audits/create", Access::Roles(AUDITORS)),
    ("/api/audits/withdraw", Access::Roles(AUDITORS)),
    // the withdrawal's approver: a unit's supervisor or delegate (the function narrows it)
    ("/api/audits/withdraw-decide", Access::Roles(ANY_ROLE)),
    ("/api/audits/get", Access::Roles(ANY_ROLE)),
    ("/api/audits/answer", Access::Roles(AUDITORS)),
    ("/api/audits/vendor-answer", Access::Roles(EXTERNAL)),
    ("/api/audits/text", Access::Roles(AUDITORS)),
    ("/api/audits/sign", Access::Roles(ANY_ROLE)),
    ("/api/audits/refer", Access::Roles(AUDITORS)),
    ("/api/audits/followups", Access::Roles(FOLLOWUP_READERS)),
    ("/api/audits/followup-update", Access::Roles(FOLLOWUP_KEEPERS)),
    ("/api/audits/export", Access::Roles(ANY_ROLE)),
    ("/api/accounts/register", Access::Roles(ANY_ROLE)),
    ("/api/accounts/register/export", Access::Roles(ANY_ROLE)),
];

/// The endpoints that take an upload (an image, or a signature drawn on a tablet: ~400 KB):
/// only these accept a body up to the upload limit.
/// Endpoints renamed by #38 ("trail" at every edge): the old path answers 308 Permanent Redirect
/// to the new one (method and body kept) for one release, then goes.
pub const MOVED_ENDPOINTS: &[(&str, &str)] =
    &[("/api/audit/recent", "/api/trail/recent"), ("/api/audit/verify", "/api/trail/verify")];

/// Where a renamed endpoint lives now.
pub fn moved(path: &str) -> Option<&'static str> {
    MOVED_ENDPOINTS.iter().find(|(old, _)| *old == path).map(|(_, new)| *new)
}

pub const LARGE_BODY_ENDPOINTS: &[&str] =
    &["/api/comparisons/submit", "/api/seals/upload", "/api/liaison/reply", "/api/audits/sign"];

/// The largest body of every other `/api/` request, the public ones (sign-in) included.
pub const API_BODY_LIMIT: usize = 64 * 1024;

/// The endpoints read with a GET (not server functions: the router serves them), as their
/// policy names them: a `{name}` segment stands for one segment of the path.
pub const GET_ENDPOINTS: &[&str] = &["/api/comparisons/{query}/registered.png"];

/// The endpoints whose body is `multipart/form-data` (server functions with that input): a
/// request of another type is refused (415) before the function reads it.
pub const MULTIPART_ENDPOINTS: &[&str] = &["/api/comparisons/submit"];

/// Whether `path` is `pattern`, a `{name}` segment of the pattern standing for any one
/// non-empty segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let (mut a, mut b) = (pattern.split('/'), path.split('/'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if p.starts_with('{') && p.ends_with('}') && !s.is_empty() => {}
            (Some(p), Some(s)) if p == s => {}
            _ => return false,
        }
    }
}

/// The GET endpoint `path` is, if it is one.
pub fn get_endpoint(path: &str) -> Option<&'static str> {
    GET_ENDPOINTS.iter().copied().find(|p| path_matches(p, path))
}

pub fn policy(path: &str) -> Option<Access> {
    POLICY
        .iter()
        .find(|(p, _)| *p == path)
        .or_else(|| {
            let pattern = get_endpoint(path)?;
            POLICY.iter().find(|(p, _)| *p == pattern)
        })
        .map(|(_, a)| *a)
}

pub async fn authorize(
    state: &AppState,
    session: &Session,
    path: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<Option<Actor>, ApiError> {
    let actor = current_actor(state, session).await.map_err(internal)?;
    let decision = match policy(path) {
        None => Err(("no_policy", ApiError::Forbidden)),
        Some(Access::Public) => Ok(()),
        Some(_) if actor.is_none() => Err(("not_signed_in", ApiError::NotSignedIn)),
        Some(Access::SignedIn) => Ok(()),
        Some(Access::Roles(roles)) => {
            let a = actor.as_ref().expect("checked above");
            if a.restricted() {
                Err(("password_change_required", ApiError::PasswordChangeRequired))
            } else if a.acknowledgement_due {
                // the notice on official use and personal data first (五(二)1、九)
                Err(("acknowledgement_required", ApiError::AcknowledgementRequired))
            } else if roles.iter().any(|r| a.has(*r)) {
                Ok(())
            } else {
                Err(("role", ApiError::Forbidden))
            }
        }
    };
    match decision {
        Ok(()) => Ok(actor),
        // nobody to hold to it (not signed in, or no such endpoint): counted, not a row each
        Err((reason, err)) if actor.is_none() || reason == "no_policy" => {
            if state.denials.record(&state.store, ip, path, reason).await {
                return Err(ApiError::RateLimited);
            }
            Err(err)
        }
        Err((reason, err)) => {
            deny(state, actor.as_ref(), ip, path, reason).await;
            Err(err)
        }
    }
}

/// Record a denied authorisation (also used by api functions for scope denials).
pub async fn deny(state: &AppState, actor: Option<&Actor>, ip: Option<std::net::IpAddr>, path: &str, reason: &str) {
    let draft = TrailDraft::new(TrailAction::AuthzDenied, Outcome::Denied)
        .actor(actor.map(Actor::trail_ref))
        .ip(ip.map(|i| i.to_string()))
        .details(serde_json::json!({ "path": path, "reason": reason }));
    if let Err(e) = state.store.append_trail(draft).await {
        tracing::error!(error = %e, "could not record a denied authorisation");
    }
}

/// The unit's account manager, or the deputy while designated (六(一)) — but not an incoming
/// manager who acknowledged a hand-over and has not changed the password since (六(二):
/// 接辦人員應另行申請更改密碼).
pub async fn acts_as_manager(store: &DynStore, actor: &Actor, unit_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let manages = (actor.has(Role::AccountManager) && actor.unit_id == unit_id)
        || designated(store, actor, unit_id, Designation::DeputyAccountManager, now).await?;
    if !manages {
        return Ok(false);
    }
    Ok(store.pending_handover_password(actor.account_id).await?.is_none())
}

/// The bureau's roles that read every unit's audits and reports: administrators, the external
/// team, the Ethics Office.
pub const BUREAU: [Role; 3] = [Role::Admin, Role::ExternalAuditor, Role::Ethics];

pub fn bureau_wide(actor: &Actor) -> bool {
    BUREAU.iter().any(|r| actor.has(*r))
}

/// The unit's supervisor, or the supervisor's delegate while designated.
pub async fn acts_as_supervisor(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if actor.has(Role::Supervisor) && actor.unit_id == unit_id {
        return Ok(true);
    }
    designated(store, actor, unit_id, Designation::SupervisorDelegate, now).await
}

/// The person designated (指定專人) to produce the unit's monthly query report (五(二)2).
pub async fn is_report_producer(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    designated(store, actor, unit_id, Designation::ReportProducer, now).await
}

async fn designated(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    kind: Designation,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    // a designation holds only while the account is in the unit it was made for
    if actor.unit_id != unit_id {
        return Ok(false);
    }
    Ok(store
        .list_designations(Some(unit_id))
        .await?
        .iter()
        .any(|d| d.account_id == actor.account_id && d.kind == kind && d.holds_at(now)))
}

#[cfg(test)]
mod paths {
    use super::*;

    #[test]
    fn a_get_endpoint_has_its_policy_for_every_id_and_only_there() {
        for path in ["/api/comparisons/1/registered.png", "/api/comparisons/987654/registered.png"] {
            assert_eq!(get_endpoint(path), Some("/api/comparisons/{query}/registered.png"));
            assert_eq!(policy(path), Some(Access::Roles(CLERKS)));
        }
        for path in [
            "/api/comparisons//registered.png",
            "/api/comparisons/1/registered.png/x",
            "/api/comparisons/1/other.png",
            "/api/comparisons/1",
        ] {
            assert_eq!(get_endpoint(path), None, "{path}");
            assert_eq!(policy(path), None, "{path}");
        }
        for p in GET_ENDPOINTS.iter().chain(MULTIPART_ENDPOINTS) {
            assert!(POLICY.iter().any(|(q, _)| q == p), "{p} has no policy");
        }
        assert!(MULTIPART_ENDPOINTS.iter().all(|p| LARGE_BODY_ENDPOINTS.contains(p)));
    }
}
