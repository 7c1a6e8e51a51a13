//! The quarterly account permission review (八(三): 每季進行系統帳號權限審查) and the account
//! manager's hand-over (六(二): 列冊移交; 接辦人員應另行申請更改密碼).
//!
//! Who: the unit's account manager, or the deputy while designated (六(一)), through
//! `server::authz::acts_as_manager` — which also refuses an incoming manager who
//! acknowledged a hand-over and has not changed the password since. Viewing a review is also
//! open to administrators, the unit's internal auditor and external auditors. Every change and
//! every read of the accounts' data writes an trail event.

use chrono::{DateTime, Utc};
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::forms::account_request::RequestState;
use crate::domain::review::AccountDecision;
use crate::domain::Role;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// Where a unit's review of the current quarter stands (for the home page and the review page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReviewStatus {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_zh: String,
    pub unit_en: String,
    /// Managed as the designated deputy (not by the account manager role).
    pub as_deputy: bool,
    /// `2026Q4`
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub state: crate::domain::review::ReviewState,
    /// The deadline of this quarter's review, an ROC date (`115/10/30`).
    pub deadline: Option<String>,
    /// This quarter's review, when started.
    pub current_review_id: Option<i64>,
    pub current_signed: bool,
    /// 前次盤點日期: the last signed review.
    pub last_signed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewStatus {
    /// The units the caller manages (by role or designation), even while a password change
    /// after a hand-over holds the caller back.
    pub units: Vec<UnitReviewStatus>,
    /// The caller acknowledged a hand-over at this time and must change the password before
    /// any manager action (六(二)).
    pub password_change_for_handover: Option<DateTime<Utc>>,
    /// Hand-over lists waiting for the caller's acknowledgment.
    pub handovers_to_acknowledge: usize,
    /// The idle period in days.
    pub idle_days: i64,
}

impl ReviewStatus {
    pub fn overdue(&self) -> bool {
        self.units.iter().any(|u| u.state == crate::domain::review::ReviewState::Overdue)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItemView {
    pub id: i64,
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_query_at: Option<DateTime<Utc>>,
    pub idle_days: i64,
    pub flagged_idle: bool,
    /// 維持, 異動, or none yet.
    pub decision: Option<AccountDecision>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub note: String,
    /// The account change request the decision opened (or linked).
    pub request_id: Option<i64>,
    pub request_state: Option<RequestState>,
    /// The account is still active (it may have been disabled since the review began).
    pub account_active: bool,
    /// For the change form: the account's e-mail and the section of its latest request.
    pub email: String,
    pub section: String,
    /// An open 異動/註銷 request for the account, which a change may link instead of filing one.
    pub open_request_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_zh: String,
    pub unit_en: String,
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub idle_threshold: i64,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub note: String,
    pub items: Vec<ReviewItemView>,
    /// The caller may decide items and sign off.
    pub can_act: bool,
}

impl ReviewView {
    pub fn undecided(&self) -> usize {
        self.items.iter().filter(|i| i.decision.is_none()).count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: i64,
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub started_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub accounts: usize,
    pub kept: usize,
    pub changed: usize,
    pub flagged_idle: usize,
}

/// A decision on one account of the review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    pub item_id: i64,
    /// 維持 or 異動 (none: not chosen yet, refused).
    pub decision: Option<crate::domain::review::AccountDecision>,
    /// For a change: 異動 (`Change`, with the new roles) or 註銷 (`Cancel`); `Create` is refused.
    pub kind: Option<crate::domain::forms::account_request::RequestKind>,
    pub roles: Vec<String>,
    /// 異動原因 (blank: "帳號權限審查（quarter）").
    pub reason: String,
    /// The 公務信箱 on the request (pre-filled with the account's).
    pub email: String,
    /// 科(課)室名稱 (blank: "—").
    pub section: String,
    /// Link this open 異動/註銷 request of the account instead of filing a new one.
    pub request_id: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionOutcome {
    /// The request the change opened or linked.
    pub request_id: Option<i64>,
}

pub use crate::domain::handover::{HandoverList, HandoverRequestLine, HandoverReviewLine};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverInput {
    /// The unit's code; blank for the caller's own unit.
    pub unit_code: String,
    /// Blank for the caller; an administrator names the outgoing manager.
    pub outgoing_employee_no: String,
    pub incoming_employee_no: String,
    /// Pending items, one per line.
    pub pending: String,
    /// Documents held, one per line.
    pub documents: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverView {
    pub id: i64,
    pub unit_zh: String,
    pub unit_en: String,
    pub outgoing: String,
    pub incoming: String,
    pub incoming_employee_no: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub list: HandoverList,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub ack_note: String,
    pub superseded: bool,
    /// The caller is the incoming account and the list is open.
    pub can_acknowledge: bool,
    /// Acknowledged, and the incoming account has not changed its password since.
    pub password_change_pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverCandidate {
    pub employee_no: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverOverview {
    pub handovers: Vec<HandoverView>,
    /// The caller is the account manager of this unit and may hand it over.
    pub own_unit: Option<(String, String)>,
    /// Accounts of the caller's unit that may take over.
    pub candidates: Vec<HandoverCandidate>,
    /// An administrator may make a list for any unit, naming the outgoing manager.
    pub is_admin: bool,
    /// The caller must change the password before acting as manager.
    pub password_change_pending: bool,
}

mod handover;
#[cfg(feature = "ssr")]
pub(crate) mod imp;
mod review;
pub use handover::*;
pub use review::*;
