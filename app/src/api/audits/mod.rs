//! Audits (七(二)): the monthly internal audit by the unit's own auditor and the external team's
//! quarterly office audit, both on 附件二 with a drawn sample; the half-yearly vendor audit on
//! 附件三; the external schedule; referrals of a 不符 to the Ethics Office (七(三)) and vendors'
//! follow-ups. Answers are saved one by one as they are given, until the auditor signs.
//!
//! Who may do what (checked here; the policy only lets the roles in): the auditor edits and
//! signs their box; the audited person, their unit's supervisor (or delegate) and the auditing
//! unit's supervisor sign theirs once the auditor has; the audited unit's supervisors and
//! internal auditors read; administrators, external auditors and the Ethics Office read all.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::register::ExportFile;
use super::ApiError;
use crate::domain::audit::{AnswerResult, AuditKind, AuditState, DueState, FollowupKind, FollowupStatus, Part, Slot};
use crate::domain::forms::internal_audit::AnswerInput;
use crate::domain::forms::vendor_audit::VendorAnswerInput;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSummary {
    pub id: i64,
    pub kind: AuditKind,
    pub period: String,
    pub period_label: String,
    /// The audited unit, or the vendor.
    pub target: String,
    pub auditor: String,
    pub audited_on: String,
    pub state: AuditState,
}

/// One external audit the schedule expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub kind: AuditKind,
    /// A land office's or 土地開發總隊's unit id; 0 for the vendor.
    pub unit_id: i64,
    pub target: String,
    pub period: String,
    pub period_label: String,
    /// The period's last day (ROC).
    pub due_on: String,
    pub state: DueState,
    pub audit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditsOverview {
    pub audits: Vec<AuditSummary>,
    /// The caller may open an internal audit of their own unit (with these people to audit).
    pub can_internal: bool,
    pub own_unit: String,
    pub people: Vec<(i64, String)>,
    /// The caller may open external audits (of these units).
    pub can_external: bool,
    pub offices: Vec<(i64, String)>,
    /// Accounts of every office, for the external auditor's choice of the audited person.
    pub office_people: Vec<(i64, i64, String)>,
    pub schedule: Vec<ScheduleRow>,
    /// Audits waiting for the caller's signature.
    pub to_sign: Vec<AuditSummary>,
    /// Suggested periods: last month, this quarter, this half-year.
    pub default_month: String,
    pub default_quarter: String,
    pub default_half: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleUser {
    pub id: i64,
    pub name: String,
    pub employee_no: String,
    pub roles: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleLookup {
    pub id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator: String,
    pub business_type: String,
    pub case_number: String,
    pub national_id_masked: String,
    pub after_hours: bool,
    pub decision: Option<crate::domain::Decision>,
    pub printed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub result: AnswerResult,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub slot: Slot,
    /// Who is to sign (blank: the unit's supervisor or delegate).
    pub expected: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signature: Option<String>,
    pub can_sign: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupView {
    pub id: i64,
    pub audit_id: i64,
    pub kind: FollowupKind,
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub description: String,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub status: FollowupStatus,
    pub created_at: DateTime<Utc>,
    /// (time, who, status, note)
    pub history: Vec<(DateTime<Utc>, String, String, String)>,
    pub can_update: bool,
    /// Where it came from: `period_label target`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousAudit {
    pub id: i64,
    pub period_label: String,
    pub result: String,
    pub recommendations: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: i64,
    pub kind: AuditKind,
    pub period: String,
    pub period_label: String,
    pub target: String,
    pub auditing_unit: String,
    pub auditor: String,
    pub audited: String,
    pub audited_on: String,
    pub seed: String,
    pub lookups: i64,
    pub users: i64,
    pub account_changes: i64,
    pub last_review: Option<String>,
    pub previous: Option<PreviousAudit>,
    pub previous_followup: String,
    pub result: String,
    pub recommendations: String,
    pub sample_users: Vec<SampleUser>,
    pub sample_lookups: Vec<SampleLookup>,
    pub answers: Vec<AnswerView>,
    pub slots: Vec<SlotView>,
    pub followups: Vec<FollowupView>,
    /// The caller is the auditor and has not signed: answers may be given.
    pub editable: bool,
    pub is_auditor: bool,
    pub submitted: bool,
    pub completed: bool,
    /// Drawing again with the recorded seed gives the same sample.
    pub sample_verified: bool,
    /// What is still unanswered before the auditor can sign.
    pub missing: usize,
    /// Withdrawn to draw the sample again: when (ROC) and why. Nothing more is given on it.
    pub withdrawn: Option<(String, String)>,
    /// The caller is the auditor, has not signed, it is not withdrawn and no withdrawal is
    /// pending: the auditor may ask to withdraw it.
    pub can_withdraw: bool,
    /// Who approved the withdrawal (name and employee number; blank before 0018).
    pub withdrawn_approved_by: String,
    /// A withdrawal asked for and not yet decided: when (ROC) and why.
    pub withdraw_pending: Option<(String, String)>,
    /// The caller approves or declines the pending withdrawal.
    pub can_decide_withdrawal: bool,
}

mod export;
mod followups;
mod form;
#[cfg(feature = "ssr")]
pub(crate) mod imp;
mod record;
pub use export::*;
pub use followups::*;
pub use form::*;
pub use record::*;
