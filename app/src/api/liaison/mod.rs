//! 與戶政機關聯繫單 (附件一) online: a land office or bureau section writes the slip (from a
//! comparison or from scratch), sends it (after the section chief's approval when that is
//! required), the addressed household registration office opens and answers it — a rebuilt
//! impression uploaded in the same step becomes the person's new registered version — and the
//! sender closes it after reading. Every function checks which side the caller is on.

use chrono::{DateTime, Utc};
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::register::ExportFile;
use super::ApiError;
use crate::domain::forms::liaison_slip::{
    LiaisonReplyForm, LiaisonReplyInput, LiaisonSlipForm, LiaisonSlipInput, SlipState, SubjectKind,
};
use crate::domain::{QueryInput, RocDate};
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

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
    pub reason_zh: String,
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

#[cfg(feature = "ssr")]
pub(crate) mod imp;
mod lists;
mod sending;
mod slip;
pub use lists::*;
pub use sending::*;
pub use slip::*;
