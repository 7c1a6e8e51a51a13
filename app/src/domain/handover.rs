//! 移交清冊 (六(二)): what an outgoing account manager hands over, as it stood when the list was
//! made. Stored with the hand-over as JSON of [`HandoverList`] (a domain type, so that the row's
//! shape does not follow an API's).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::forms::account_request::{RequestKind, RequestState};

/// An open request on a hand-over list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverRequestLine {
    pub id: i64,
    pub kind: RequestKind,
    pub employee_no: String,
    pub user_name: String,
    pub state: RequestState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverReviewLine {
    pub quarter: String,
    pub quarter_zh: String,
    pub signed_at: DateTime<Utc>,
}

/// 移交清冊: what the outgoing manager hands over, as it stood when the list was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverList {
    /// Account change requests of the unit still in the workflow.
    pub open_requests: Vec<HandoverRequestLine>,
    /// The last signed permission review.
    pub last_review: Option<HandoverReviewLine>,
    /// Pending items: found by the system, then the outgoing manager's lines.
    pub pending: Vec<String>,
    /// Documents held (所負責保管之相關文件資料), one per line.
    pub documents: Vec<String>,
    pub note: String,
}
