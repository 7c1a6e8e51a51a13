//! Server functions: the system's API. Every endpoint has an explicit, stable path under
//! `/api/` and an entry in [`POLICY`]; the server refuses any endpoint without one.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod audits;
pub mod auth;
pub mod calendar;
pub mod comparisons;
pub mod liaison;
pub mod register;
pub mod reports;
pub mod reviews;
pub mod seals;
pub mod security;

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::Role;
use crate::i18n::Locale;

/// Who may call an endpoint. Checked on the server before the arguments are even read, and
/// again inside the function (which also checks unit scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in account, even one that must change its password first.
    SignedIn,
    /// A signed-in account holding one of these roles, with its password in order.
    Roles(&'static [Role]),
}

const ADMIN: &[Role] = &[Role::Admin];
const AUDIT_READERS: &[Role] = &[Role::Admin, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics];
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
    ("/api/admin/units", Access::Roles(ADMIN)),
    ("/api/admin/units/active", Access::Roles(ADMIN)),
    ("/api/admin/units/contact", Access::Roles(ADMIN)),
    ("/api/admin/retention", Access::Roles(ADMIN)),
    ("/api/security/tasks", Access::Roles(SECURITY_READERS)),
    ("/api/security/add", Access::Roles(ADMIN)),
    ("/api/security/complete", Access::Roles(ADMIN)),
    ("/api/admin/accounts", Access::Roles(ADMIN)),
    ("/api/admin/accounts/create", Access::Roles(ADMIN)),
    ("/api/admin/accounts/roles", Access::Roles(ADMIN)),
    ("/api/admin/accounts/disable", Access::Roles(ADMIN)),
    ("/api/admin/accounts/enable", Access::Roles(ADMIN)),
    ("/api/admin/accounts/reset-password", Access::Roles(ADMIN)),
    ("/api/admin/designations", Access::Roles(ADMIN)),
    ("/api/admin/designations/add", Access::Roles(ADMIN)),
    ("/api/admin/designations/end", Access::Roles(ADMIN)),
    ("/api/audit/recent", Access::Roles(AUDIT_READERS)),
    ("/api/audit/verify", Access::Roles(ADMIN)),
    ("/api/comparisons/start", Access::Roles(CLERKS)),
    ("/api/comparisons/submit", Access::Roles(CLERKS)),
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

pub fn policy(path: &str) -> Option<Access> {
    POLICY.iter().find(|(p, _)| *p == path).map(|(_, a)| *a)
}

/// Errors the API reports. Messages are zh-TW (the UI's first language); [`ApiError::en`]
/// gives the English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("請先登入")]
    NotSignedIn,
    #[error("請先變更密碼")]
    PasswordChangeRequired,
    #[error("您沒有執行此操作的權限")]
    Forbidden,
    #[error("員工編號或密碼錯誤")]
    BadCredentials,
    #[error("帳號已鎖定，請於 {0} 後再試")]
    Locked(String),
    #[error("嘗試次數過多，請稍後再試")]
    RateLimited,
    #[error("{0}")]
    Invalid(String),
    #[error("找不到資料")]
    NotFound,
    #[error("系統發生錯誤，請稍後再試")]
    Internal,
    #[error("連線或格式錯誤：{0}")]
    ServerFn(ServerFnErrorErr),
}

impl ApiError {
    pub fn en(&self) -> String {
        match self {
            Self::NotSignedIn => "Please sign in".into(),
            Self::PasswordChangeRequired => "Please change your password first".into(),
            Self::Forbidden => "You are not allowed to do this".into(),
            Self::BadCredentials => "Wrong employee number or password".into(),
            Self::Locked(t) => format!("Account locked; try again after {t}"),
            Self::RateLimited => "Too many attempts; try again later".into(),
            Self::Invalid(m) => m.clone(),
            Self::NotFound => "Not found".into(),
            Self::Internal => "Something went wrong; please try again".into(),
            Self::ServerFn(e) => format!("Connection or format error: {e}"),
        }
    }

    pub fn text(&self, locale: Locale) -> String {
        match locale {
            Locale::ZhTw => self.to_string(),
            Locale::En => self.en(),
        }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotSignedIn => 401,
            Self::PasswordChangeRequired | Self::Forbidden => 403,
            Self::BadCredentials | Self::Invalid(_) => 400,
            Self::Locked(_) => 423,
            Self::RateLimited => 429,
            Self::NotFound => 404,
            Self::Internal | Self::ServerFn(_) => 500,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
pub use guard::*;

#[cfg(feature = "ssr")]
mod guard {
    use super::ApiError;
    use crate::server::{auth::Actor, authz, AppState, ClientIp};
    use leptos::prelude::*;

    /// Marker the server's authorisation middleware leaves on a request it has checked.
    #[derive(Clone, Debug)]
    pub struct Authorized {
        pub path: String,
        pub actor: Option<Actor>,
    }

    /// The request context an api function needs.
    pub struct Ctx {
        pub state: AppState,
        pub session: tower_sessions::Session,
        pub ip: Option<std::net::IpAddr>,
        pub actor: Option<Actor>,
    }

    impl Ctx {
        pub fn ip_string(&self) -> Option<String> {
            self.ip.map(|i| i.to_string())
        }
        /// The caller, for endpoints that are not public.
        pub fn actor(&self) -> Result<&Actor, ApiError> {
            self.actor.as_ref().ok_or(ApiError::NotSignedIn)
        }
        /// A successful audit event by the caller from the caller's address.
        pub fn audit(&self, action: &str) -> crate::server::audit::AuditDraft {
            use crate::server::audit::{AuditDraft, Outcome};
            AuditDraft::new(action, Outcome::Success)
                .actor(self.actor.as_ref().map(|a| a.audit_ref()))
                .ip(self.ip_string())
        }
    }

    impl Ctx {
        /// `name employee_no` of an account (as printed on records), if there is one.
        pub async fn account_label(&self, id: Option<i64>) -> Option<String> {
            let a = self.state.store.account(id?).await.ok().flatten()?;
            Some(format!("{} {}", a.name, a.employee_no))
        }
    }

    /// A form's field errors as one message (the page shows them per field before sending).
    pub fn invalid_fields(errors: Vec<crate::domain::forms::FieldError>) -> ApiError {
        ApiError::Invalid(errors.into_iter().map(|e| e.message).collect::<Vec<_>>().join("；"))
    }

    /// Begin every api function with this: authorises the caller for `path` (reusing the
    /// middleware's decision when it made one) and returns what the function needs.
    pub async fn guard(path: &str) -> Result<Ctx, ApiError> {
        let parts: http::request::Parts = use_context().ok_or(ApiError::Internal)?;
        let state: AppState = use_context().ok_or(ApiError::Internal)?;
        let session = parts.extensions.get::<tower_sessions::Session>().cloned().ok_or(ApiError::Internal)?;
        let ip = parts.extensions.get::<ClientIp>().map(|c| c.0);
        let actor = match parts.extensions.get::<Authorized>() {
            Some(a) if a.path == path => a.actor.clone(),
            _ => authz::authorize(&state, &session, path, ip).await?,
        };
        Ok(Ctx { state, session, ip, actor })
    }

    /// Log the cause and answer with a generic error: internals never reach the browser.
    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "internal error in api function");
        ApiError::Internal
    }
}
