//! 與戶政機關聯繫單 (附件一) as the pages and the wire see it: the slip form's data, a slip in a
//! list and in full, the badges' counts, a list's filter, the export's columns as printed, and
//! what the liaison use cases (`server::liaison`) refuse — as data, worded by `i18n`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::forms::liaison_slip::{LiaisonReplyForm, LiaisonSlipForm, LiaisonSlipInput, SlipState, SubjectKind};
use super::upload::UploadError;
use super::{RocDate, RocDateError};

/// A household registration office as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeRef {
    pub code: String,
    pub name: String,
    pub phone: String,
    pub fax: String,
}

/// What the slip form needs: the input (pre-filled from a query when there is one), the
/// offices, and the sending unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipFormData {
    pub input: LiaisonSlipInput,
    pub query_id: Option<i64>,
    pub offices: Vec<OfficeRef>,
    pub sender_name: String,
    pub sender_is_land_office: bool,
    pub approval_required: bool,
}

/// One slip in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipRow {
    pub id: i64,
    pub state: SlipState,
    pub subject: SubjectKind,
    pub case_number: String,
    pub person_name: String,
    pub national_id_masked: String,
    pub office_name: String,
    pub sender_name: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub replied_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipEventView {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub note: String,
}

/// The new registered version a reply created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVersionView {
    pub version: i64,
    pub reason: super::seal::SealReason,
    pub registered_on: Option<RocDate>,
    pub image_b64: String,
    pub media_type: String,
    pub unclear: bool,
}

/// One slip with everything its page shows, and what the caller may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipDetail {
    pub row: SlipRow,
    pub form: LiaisonSlipForm,
    pub office: OfficeRef,
    pub sender_is_land_office: bool,
    pub sender_fax_unit: String,
    pub reply: Option<LiaisonReplyForm>,
    pub new_version: Option<NewVersionView>,
    pub timeline: Vec<SlipEventView>,
    /// The caller is on the office's side.
    pub as_office: bool,
    pub can_edit: bool,
    pub can_send: bool,
    pub can_approve: bool,
    pub can_cancel: bool,
    pub can_reply: bool,
    pub can_close: bool,
    pub can_compare: bool,
}

/// Counts for the dashboard badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipCounts {
    /// Sender side: replies waiting to be read.
    pub replies_waiting: usize,
    /// Office side: slips waiting for a reply.
    pub inbox_open: usize,
    /// Office side: of those, past their deadline.
    pub inbox_overdue: usize,
    /// Chief: slips waiting for approval.
    pub awaiting_approval: usize,
}

/// What a list asks for (all blank: everything the caller may see).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilter {
    pub state: String,
    /// The addressed office's unit code (sender side).
    pub office: String,
    /// Created from / to (ROC dates).
    pub from: String,
    pub to: String,
    /// Part of the case number.
    pub case_number: String,
}

/// The most characters of a note on a step (a return's reason, a cancellation's).
pub const NOTE_MAX: usize = 500;

/// The export's columns, as the office's registers head them.
pub const EXPORT_HEADERS: [&str; 13] = [
    "編號",
    "狀態",
    "查詢事項",
    "案號",
    "當事人",
    "身分證統一編號",
    "收件單位",
    "發件單位",
    "建立時間",
    "發送時間",
    "回復期限",
    "回復時間",
    "逾期",
];
/// The overdue column's word for an overdue slip (blank otherwise).
pub const EXPORT_OVERDUE: &str = "是";
/// The export file's name, before its date.
pub const EXPORT_TITLE: &str = "聯繫單";

/// The note on the registered-seal version a reply to slip `id` created.
pub fn reply_version_note(id: i64) -> String {
    format!("{EXPORT_TITLE} #{id} 回復")
}

/// What the liaison use cases (`server::liaison`) refuse, as data (`i18n` renders it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiaisonError {
    /// The slip or reply form: every wrong field, in form order, as the form's parser words it
    /// (the same parser the page runs while typing).
    Form { errors: Vec<crate::domain::forms::FieldError> },
    /// The addressed unit is not an active household registration office.
    NotAnOffice,
    /// Both systems have the same registration date (`date`, from the registry): nothing to ask.
    SameDates { date: RocDate },
    /// The slip's national ID is not the one its look-up was for.
    IdNotAsQuery,
    /// The slip moved on since the caller read it.
    Stale,
    /// A step's note is longer than [`NOTE_MAX`] characters (or holds control characters).
    NoteTooLong,
    /// A list's state filter names no state.
    UnknownState,
    /// A list's date filter is no ROC date.
    Date { error: RocDateError },
    /// A chief may not approve a slip of their own.
    OwnSlip,
    /// Returning a slip needs its reason.
    ReturnNeedsReason,
    /// The office has received the slip: it can no longer be cancelled.
    AlreadyReceived,
    /// The slip was answered or cancelled already.
    NotAwaitingReply,
    /// The person's seal is registered at another office: this one cannot rebuild or correct it.
    OtherOffice,
    /// The rebuilt impression sent is not base64 of a file.
    ImageEncoding,
    /// 印模已完成重建 without the rebuilt impression.
    RebuiltNeedsImage,
    /// The rebuilt impression was refused as an upload.
    Upload { error: UploadError },
    /// No red impression in the rebuilt impression.
    NoRedInk,
    /// A corrected date for a person with no registered seal.
    NothingToCorrect,
}

impl From<UploadError> for LiaisonError {
    fn from(error: UploadError) -> Self {
        Self::Upload { error }
    }
}
