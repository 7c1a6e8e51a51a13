//! What the account change request's pages (附件五) and their use cases (`server::requests`)
//! exchange: the request as listed and opened, the review's outcome, and what the use cases
//! refuse.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::forms::account_request::{AccountRequestForm, DeclineReason, RequestKind, RequestState};
use super::role::RoleUnitError;
use super::{RocDateError, Role};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub kind: RequestKind,
    pub employee_no: String,
    pub user_name: String,
    pub state: RequestState,
    pub unit_name: String,
    pub target_unit_name: String,
    pub filed_at: DateTime<Utc>,
    pub effective_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub form: AccountRequestForm,
    pub roles: Vec<Role>,
    pub decline_reason: Option<DeclineReason>,
    pub decline_text: Option<String>,
    /// Why the request could not be applied, or was superseded.
    pub failure_reason: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub can_endorse: bool,
    pub can_review: bool,
    pub can_withdraw: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// For an approved 新增: the initial password, shown once to the manager.
    pub one_time_password: Option<String>,
    /// True when the change took effect at once.
    pub applied: bool,
}

/// The timeline's actor for the scheduler's steps, as the form shows it.
pub const SYSTEM_ACTOR: &str = "系統";

/// What the account request's use cases refuse.
/// Why an approved request could not take effect as it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum NotAppliedReason {
    /// The account's roles (new, or kept on a move) do not suit the unit.
    Roles(super::role::RoleUnitError),
    /// A new account for an employee number that has an active one.
    Duplicate,
    /// A change (`cancel` false) or a cancellation of an account that is no longer active.
    NoActiveAccount { cancel: bool },
}

/// Why an open request was closed as superseded (recorded on it in the form's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Superseded {
    /// The account was cancelled (註銷) by another request.
    AccountCancelled,
    /// The account was disabled or cancelled by an administrator.
    AccountDisabled,
    /// Another request for the same account took effect first.
    AnotherApplied,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum RequestError {
    /// The form's field errors, in form order.
    Form {
        errors: Vec<super::forms::FieldError>,
    },
    /// A 異動 or 註銷 for an employee number without an active account.
    NoActiveAccount,
    /// Only colleagues of the caller's unit.
    OtherUnit,
    /// The target unit's code names no active unit.
    NoSuchUnit {
        code: String,
    },
    /// The unit may not hold the roles.
    RolesForUnit(RoleUnitError),
    /// An active account or an open 新增 request for the number already exists.
    Duplicate,
    /// The list's first or last filing day does not read.
    From(RocDateError),
    To(RocDateError),
    NoSuchState,
    /// Nobody endorses or reviews their own request, or one about themself.
    OwnEndorse,
    OwnReview,
    /// The request is closed.
    Closed,
    /// Neither 提供 nor 不提供.
    Decision,
    DeclineReason,
    /// 其他 needs its reason written.
    OtherReasonText,
    /// 異動時間 does not read.
    EffectiveFormat,
    EffectivePast,
    /// Approved, but it could not take effect (the store checks again as it applies it); the
    /// request is closed with the reason.
    NotApplied {
        why: NotAppliedReason,
    },
    /// The request changed since the caller read it.
    Stale,
    /// A manager does not revoke their own account.
    OwnAccount,
    RevokeReason,
}
