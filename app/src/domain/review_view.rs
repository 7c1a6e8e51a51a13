//! The quarterly account permission review (八(三)) and the account manager's hand-over (六(二))
//! as the pages and the wire see them: a unit's review status, a review with its items, the
//! past reviews, a decision on one account, the hand-over lists and what their forms need —
//! and what the review and hand-over use cases (`server::reviews`) refuse, as data (`i18n`
//! words it). The words a review writes into the records it makes (a request's reason, an
//! item's note, a hand-over list's pending lines) are data of those records and live here too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::forms::account_request::{RequestKind, RequestState};
use super::handover::HandoverList;
use super::review::{AccountDecision, ReviewState};
use super::Role;

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
    pub state: ReviewState,
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
        self.units.iter().any(|u| u.state == ReviewState::Overdue)
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
    pub decision: Option<AccountDecision>,
    /// For a change: 異動 (`Change`, with the new roles) or 註銷 (`Cancel`); `Create` is refused.
    pub kind: Option<RequestKind>,
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

/// What the review and hand-over use cases refuse, as data (`i18n` renders it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReviewError {
    /// The review is signed off: its items no longer change.
    Signed,
    /// Neither keep nor change was chosen.
    NoDecision,
    /// The account was marked for a change (its request is open): that is final.
    AlreadyChanged,
    /// A note longer than `max` characters.
    NoteTooLong { max: usize },
    /// The item was decided by someone else, or the review signed, since the caller read it.
    Stale,
    /// A disabled account cannot be kept: it is marked for a change.
    AccountDisabled,
    /// The request to link is not an open change or cancellation of this account.
    NotLinkable,
    /// A change needs its kind: 異動 (new roles) or 註銷.
    NoChangeKind,
    /// The account change request a change files: every wrong field, in form order, as the
    /// form's parser words it.
    Form { errors: Vec<crate::domain::forms::FieldError> },
    /// A 異動 to the roles the account has already.
    SameRoles,
    /// Signing a review signed already.
    AlreadySigned,
    /// The review's opinion is longer than [`OPINION_MAX`] characters.
    OpinionTooLong,
    /// `count` accounts are not marked keep or change yet.
    Undecided { count: usize },
    /// Signed meanwhile, or an item is undecided after all.
    SignStale,
    /// No unit of that code.
    NoSuchUnit { code: String },
    /// The named outgoing manager is not an account of the unit.
    OutgoingNotOfUnit,
    /// An administrator must name the outgoing manager.
    OutgoingRequired,
    /// The incoming account is not an active account of the unit.
    IncomingNotOfUnit,
    /// The incoming account is the outgoing one.
    SameIncoming,
    /// A list field has more than [`LINES_MAX`] lines.
    TooManyLines { field: ListField },
    /// A line of a list field is longer than [`LINE_MAX`] characters.
    LineTooLong { field: ListField },
    /// The hand-over list was acknowledged already, or superseded by a newer one.
    HandoverClosed,
}

/// The list fields of the hand-over form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListField {
    /// 待辦事項
    Pending,
    /// 保管文件
    Documents,
}

/// A decision's note, at most this many characters.
pub const DECISION_NOTE_MAX: usize = 200;
/// A hand-over's note or its acknowledgment's, at most this many characters.
pub const HANDOVER_NOTE_MAX: usize = 500;
/// The review's opinion at sign-off, at most this many characters.
pub const OPINION_MAX: usize = 500;
/// A list field of the hand-over form: at most this many lines ...
pub const LINES_MAX: usize = 50;
/// ... of at most this many characters.
pub const LINE_MAX: usize = 200;

/// The reason on the request a change files when the manager gives none.
pub fn default_change_reason(quarter_zh: &str) -> String {
    format!("帳號權限審查（{quarter_zh}）")
}

/// The section on the request a change files when the manager gives none.
pub const NO_SECTION: &str = "—";

/// The note on a change of an account disabled meanwhile, when the manager gives none.
pub fn disabled_account_note(reason: &str) -> String {
    format!("帳號已停用（{reason}）")
}

/// The note of the request withdrawn because its item was decided by someone else meanwhile.
pub const WITHDRAWN_DECIDED_MEANWHILE: &str = "權限審查項目已由他人處理，自動撤回";

/// The hand-over list's pending line for this quarter's review, started and not signed.
pub fn review_unsigned_line(quarter_zh: &str, undecided: usize) -> String {
    format!("{quarter_zh}帳號權限審查尚未簽核（未標記 {undecided} 筆）")
}

/// The hand-over list's pending line for this quarter's review, not started.
pub fn review_missing_line(quarter_zh: &str) -> String {
    format!("{quarter_zh}帳號權限審查尚未辦理")
}
