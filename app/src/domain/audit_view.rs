//! Audits (七(二)) as the page and the wire see them: the list with the external schedule, the
//! record with its drawn sample, answers, signature boxes and follow-ups — and what the audits'
//! use cases (`server::audits`) refuse, as data (`i18n` words it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{AnswerResult, AuditKind, AuditState, DueState, FollowupKind, FollowupStatus, Part, Slot};

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
    pub business_type: crate::domain::BusinessType,
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

/// What the audits' use cases refuse, as data (`i18n` renders it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AuditError {
    /// No audit kind chosen (or one that does not exist).
    KindRequired,
    /// The period is not written as a month, a quarter or a half-year.
    PeriodFormat,
    /// The period does not fit the kind: a month, a quarter, a half-year.
    PeriodKind { kind: AuditKind },
    /// The period has not begun.
    PeriodNotStarted,
    /// An office audit is of a land office or 土地開發總隊 only.
    OfficeTarget,
    /// The audited person is not of the audited unit, is disabled, or is the auditor.
    AuditedPerson,
    /// The vendor's name is blank, too long or holds control characters.
    VendorName,
    /// The party has an audit for this period already (withdraw it first, with approval).
    AlreadyOpen,
    /// The auditor has signed: the record is frozen.
    Signed,
    /// The audit was withdrawn: the record is frozen.
    Withdrawn,
    /// The record changed under the request (signed, withdrawn, or a newer answer).
    Stale,
    /// The box is signed already.
    SlotSigned,
    /// The item was referred already.
    AlreadyReferred,
    /// A vendor audit is answered on 附件三.
    VendorForm,
    /// An office or internal audit is answered on 附件二.
    InternalForm,
    /// The answer is for a sample that was not drawn.
    NotSampled,
    /// No such free-text field.
    NoSuchField,
    /// A free text over 2,000 characters or with control characters.
    TextTooLong,
    /// No such signature box on this form.
    NoSuchSlot,
    /// The box waits for the auditor's signature.
    AuditorFirst,
    /// Items (the result text included) still unanswered.
    Unanswered { missing: usize },
    /// The vendor representative's name is missing.
    VendorRepName,
    /// The vendor representative's drawn signature is missing or not a PNG.
    VendorSignature,
    /// Nobody approves their own withdrawal.
    OwnWithdrawal,
    /// The withdrawal's reason: 4 to 500 characters.
    WithdrawReason,
    /// The audit is signed, withdrawn, or has a withdrawal pending.
    WithdrawStale,
    /// Only an answer of 不符 is referred to the Ethics Office.
    OnlyNonConforming,
    /// The referral's reason: 1 to 1,000 characters.
    ReferralReason,
    /// A follow-up moves to in progress or closed.
    StatusRequired,
    /// The follow-up's note: 1 to 1,000 characters.
    FollowupNote,
    /// The answer's form: every wrong field, in form order, as the form's parser words it.
    Form { errors: Vec<crate::domain::forms::FieldError> },
}

/// The audited party of a vendor audit on the external schedule.
pub const VENDOR_TARGET: &str = "軟體委外廠商";

/// The record as the workbook for inspection by 民政局 lays it out: the form (附件二 or
/// 附件三) and, for 附件二, the sampled items one per line. Form text, kept here as data;
/// `server::audits::export` writes it as XLSX.
pub mod workbook {
    use super::{AuditView, SampleLookup};
    use crate::domain::audit::{AnswerResult, AuditKind, Part};
    use crate::domain::forms::internal_audit::{QUERY_ITEMS, RETENTION_ITEM, USER_ITEMS};
    use crate::domain::forms::vendor_audit::{item_code, VENDOR_SECTIONS};
    use crate::domain::roc_datetime;

    /// The file's name before the party and the period.
    pub const FILE_TITLE: &str = "稽核紀錄表";
    /// The form's sheet.
    pub const RECORD_SHEET: &str = "稽核紀錄表";
    /// The sampled items' sheet (附件二 only).
    pub const DETAIL_SHEET: &str = "抽查明細";
    pub const DETAIL_HEADERS: [&str; 6] = ["類別", "樣本", "說明", "項目", "結果", "說明（不符）"];

    /// One line of the form: its cells, and whether it is a heading (bold).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Line {
        pub cells: Vec<String>,
        pub heading: bool,
    }

    /// 上次稽核結果 when there was none.
    const NONE: &str = "（無）";

    fn line(cells: &[&str], heading: bool) -> Line {
        Line { cells: cells.iter().map(|c| c.to_string()).collect(), heading }
    }

    fn result_zh(r: AnswerResult) -> &'static str {
        match r {
            AnswerResult::Conforms => "符合",
            AnswerResult::DoesNotConform => "不符",
            AnswerResult::NotApplicable => "不適用",
        }
    }

    /// The form, line by line.
    pub fn record(v: &AuditView) -> Vec<Line> {
        let mut out = Vec::new();
        let title = match v.kind {
            AuditKind::Vendor => "軟體委外廠商資訊安全稽核紀錄表",
            _ => "印鑑比對系統稽核紀錄表",
        };
        out.push(line(&[title], true));
        out.push(line(&["稽核單位", &v.auditing_unit, "受稽核單位", &v.target], false));
        out.push(line(&["稽核期間", &v.period_label, "稽核日期", &v.audited_on], false));
        out.push(line(&["抽樣種子", &v.seed, "查詢總數", &v.lookups.to_string()], false));
        let count = |part: Part, item: usize, res: AnswerResult| {
            v.answers.iter().filter(|a| a.part == part && a.item == item.to_string() && a.result == res).count()
        };
        if v.kind == AuditKind::Vendor {
            out.push(line(&["項目", "稽核項目", "稽核結果", "稽核情形"], true));
            for (s, (section, items)) in VENDOR_SECTIONS.iter().enumerate() {
                out.push(line(&[&format!("{}、{section}", s + 1)], true));
                for (i, text) in items.iter().enumerate() {
                    let code = item_code(s, i);
                    let a = v.answers.iter().find(|a| a.part == Part::Vendor && a.item == code);
                    out.push(line(
                        &[
                            &code,
                            text,
                            a.map(|a| result_zh(a.result)).unwrap_or(""),
                            a.map(|a| a.note.as_str()).unwrap_or(""),
                        ],
                        false,
                    ));
                }
            }
        } else {
            out.push(line(&["使用者（抽查比率 50%）", "抽查數量", "符合", "不符"], true));
            for (i, text) in USER_ITEMS.iter().enumerate() {
                let extra = match i {
                    1 => format!("（異動：{} 人）", v.account_changes),
                    2 => format!("（前次盤點日期：{}）", v.last_review.as_deref().unwrap_or("無")),
                    _ => String::new(),
                };
                let (y, n) = if i < 2 {
                    (count(Part::Users, i, AnswerResult::Conforms), count(Part::Users, i, AnswerResult::DoesNotConform))
                } else {
                    (0, 0)
                };
                out.push(line(
                    &[&format!("{text}{extra}"), &v.sample_users.len().to_string(), &y.to_string(), &n.to_string()],
                    false,
                ));
            }
            out.push(line(&["查詢紀錄（抽查比率 每月比對總數之1%）", "抽查數量", "符合", "不符"], true));
            for (i, text) in QUERY_ITEMS.iter().enumerate() {
                out.push(line(
                    &[
                        text,
                        &v.sample_lookups.len().to_string(),
                        &count(Part::Queries, i, AnswerResult::Conforms).to_string(),
                        &count(Part::Queries, i, AnswerResult::DoesNotConform).to_string(),
                    ],
                    false,
                ));
            }
            let kept = v.answers.iter().find(|a| a.part == Part::Retention).map(|a| result_zh(a.result)).unwrap_or("");
            out.push(line(&[RETENTION_ITEM, kept], false));
            let prev = v
                .previous
                .as_ref()
                .map(|p| format!("{}：{}", p.period_label, p.result))
                .unwrap_or_else(|| NONE.to_string());
            out.push(line(&["上次稽核結果", &prev], false));
            out.push(line(&["改善或建議辦理情形", &v.previous_followup], false));
        }
        out.push(line(&["稽核結果", &v.result], false));
        out.push(line(&["建議事項", &v.recommendations], false));
        for s in &v.slots {
            let at = s.signed_at.map(roc_datetime).unwrap_or_default();
            out.push(line(&[s.slot.zh(), s.signed_by.as_deref().unwrap_or(""), &at], false));
        }
        out
    }

    fn lookup_text(l: &SampleLookup) -> String {
        format!("{} {} {} {}", roc_datetime(l.queried_at), l.operator, l.case_number, l.national_id_masked)
    }

    /// The sampled items one per line under [`DETAIL_HEADERS`] (附件二; none for 附件三).
    pub fn detail(v: &AuditView) -> Option<Vec<Vec<String>>> {
        if v.kind == AuditKind::Vendor {
            return None;
        }
        let rows = v
            .answers
            .iter()
            .filter(|a| a.part != Part::Retention)
            .map(|a| {
                let what = if a.part == Part::Users {
                    v.sample_users.iter().find(|u| u.id == a.sample).map(|u| format!("{} {}", u.name, u.employee_no))
                } else {
                    v.sample_lookups.iter().find(|l| l.id == a.sample).map(lookup_text)
                };
                vec![
                    if a.part == Part::Users { "使用者" } else { "查詢紀錄" }.to_string(),
                    a.sample.to_string(),
                    what.unwrap_or_default(),
                    a.item.parse::<usize>().map(|i| (i + 1).to_string()).unwrap_or_else(|_| a.item.clone()),
                    result_zh(a.result).to_string(),
                    a.note.clone(),
                ]
            })
            .collect();
        Some(rows)
    }
}
