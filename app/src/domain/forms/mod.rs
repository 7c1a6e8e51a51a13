//! The paper forms of the regulation as typed forms: raw input as typed, parsed into a value
//! that is valid by construction; the browser and the server run the same parser.

pub mod account_request;
pub mod internal_audit;
pub mod liaison_slip;
pub mod vendor_audit;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// One field's problem, as data: which field (`err-<field>` on the page) and what is wrong
/// with it; `i18n` words it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Cow<'static, str>,
    pub problem: FieldProblem,
}

impl FieldError {
    pub fn new(field: &'static str, problem: FieldProblem) -> Self {
        Self { field: Cow::Borrowed(field), problem }
    }
}

/// A field as the paper form names it (the label in a message such as 「請填寫承辦人」).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// 附件三: 稽核情形
    Finding,
    /// 附件二: 說明 (of an answer 不符)
    AnswerNote,
    /// 附件一: 承辦人
    Handler,
    /// 附件一: 課(股)長
    SectionChief,
    /// 附件一: 印鑑登記當事人姓名
    PersonName,
    /// 附件一: 其他事項說明
    OtherSubject,
    /// 附件一: 聯繫日期
    ContactDate,
    /// 附件一: 發件單位聯絡電話
    SenderPhone,
    /// 附件一 and its reply: 聯絡電話
    ContactPhone,
    /// 附件一: 傳真電話
    Fax,
    /// 附件一: 身分證統一編號
    NationalId,
    /// 附件一: 印鑑比對系統登記日期
    SealDate,
    /// 附件一: 戶役政資訊系統印鑑登記日期
    HouseholdDate,
    /// 附件一 reply: 承辦人員
    ReplyHandler,
    /// 附件一 reply: 其他回復說明
    OtherReply,
    /// 附件五: 申請日期
    AppliedOn,
    /// 附件五: 使用者帳號（員工編號）
    Account,
    /// 附件五: E-Mail 公務信箱
    Email,
    /// 附件五: 異動原因
    Reason,
    /// 附件五: 機關名稱
    Agency,
    /// 附件五: 科(課)室名稱
    Section,
    /// 附件五: 使用者中文姓名
    UserName,
    /// 附件五: 電話
    Phone,
    /// 附件五: 異動後單位
    TargetUnit,
    /// The register of security duties: 說明
    TaskTitle,
    /// 期限
    DueOn,
    /// 完成日期
    DoneOn,
    /// 佐證（報告、文號或紀錄）
    Evidence,
    /// 風險控制措施與後續處置規劃
    NoticePlan,
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "is", rename_all = "snake_case")]
pub enum FieldProblem {
    /// Blank where the form needs it.
    Required {
        label: Label,
    },
    /// Longer than the form allows, or holding control characters.
    TooLong {
        label: Label,
        max: usize,
    },
    /// Not a phone or fax number (digits, brackets, hyphens; at most 30).
    PhoneFormat {
        label: Label,
    },
    /// Not a date (`label`: which of the form's dates, when it has several).
    Date {
        label: Option<Label>,
        error: super::RocDateError,
    },
    CaseNumber {
        error: super::CaseNumberError,
    },
    NationalId {
        error: super::NationalIdError,
    },
    EmployeeNo {
        error: super::EmployeeNoError,
    },
    /// Not an e-mail address.
    EmailFormat,
    /// Not in an official domain (one of `domains`).
    EmailDomain {
        domains: Vec<String>,
    },
    /// A role code that does not exist.
    UnknownRole {
        code: String,
    },
    /// 附件二/三: an item that is not on the form.
    NoSuchAuditItem,
    /// 附件三: neither 符合, 不符合 nor 不適用 ticked.
    TickVendorResult,
    /// 附件三: a 不符合 without its findings.
    VendorFindingRequired,
    /// 附件二: neither 符合 nor 不符 ticked.
    TickResult,
    /// 附件二: a 不符 without its explanation.
    ExplainNonConforming,
    /// 附件一: no household registration office chosen.
    ChooseOffice,
    /// 附件一: the receiving unit is not one of Taipei's household registration offices.
    NotHouseholdOffice,
    /// 附件一: an extension is 1 to 8 digits.
    Extension,
    /// 附件一: no subject ticked.
    SubjectRequired,
    /// 附件一: the two systems' dates are the same, nothing to ask.
    SameDates,
    /// 附件一 reply: rebuilt, but no impression uploaded.
    ReplyImage,
    /// 附件一 reply: no outcome ticked.
    ReplyOutcome,
    /// 附件五: no kind (新增, 異動, 註銷) chosen.
    RequestKind,
    /// 附件五: a new account without roles.
    RolesForNew,
    /// 附件五: a change with neither new roles nor a new unit.
    RolesOrUnit,
    /// Security duties: no duty chosen.
    TaskKind,
    /// Security duties: done after today.
    DoneInFuture,
}

/// Text of a required field: trimmed, present, at most `max` characters, no control characters.
pub(crate) fn required_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    label: Label,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::new(field, FieldProblem::Required { label }));
        None
    } else {
        optional_text(errors, field, label, v, max).or(Some(String::new())).filter(|s| !s.is_empty())
    }
}

/// Text of an optional field: `None` when blank.
pub(crate) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    label: Label,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(field, FieldProblem::TooLong { label, max }));
        return None;
    }
    Some(v.to_string())
}
