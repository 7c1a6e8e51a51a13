//! What the monthly query report's page and its use cases (`server::reports`) exchange: the
//! report of a unit's month with what the caller may do with it, the saved report's stamp, the
//! export's printed words, and what the use cases refuse.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::report::{MonthError, MonthlyReport};

/// A saved report's stamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportStamp {
    pub id: i64,
    pub sha256: String,
    pub generated_at: DateTime<Utc>,
    /// Blank: the scheduler.
    pub generated_by: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
    pub comment: String,
    pub head_seq: Option<i64>,
    pub head_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub unit_id: i64,
    pub unit_name: String,
    pub month: String,
    pub report: Option<MonthlyReport>,
    pub stamp: Option<ReportStamp>,
    pub can_generate: bool,
    pub can_sign: bool,
    /// Why the caller, who signs for the unit, may not sign this one yet (their own look-ups are
    /// in it, the month is not over, it is a preview).
    pub sign_blocked: Option<ReportError>,
    /// Units the caller may choose (bureau-wide readers); empty otherwise.
    pub units: Vec<(i64, String)>,
    /// The unit's saved reports: (month, signed).
    pub months: Vec<(String, bool)>,
}

/// What the report's use cases refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum ReportError {
    /// The month does not read.
    Month(MonthError),
    /// A month that has not begun.
    FutureMonth,
    /// The signer's own look-ups are in the report (五(二)2: another supervisor signs).
    OwnLookups,
    /// The month is not over: the report is a preview.
    MonthNotOver,
    /// Made during its month: it misses the rest of the month.
    Preview,
    /// Signed or made again since the caller read it.
    Stale,
    /// The review comment is over 1,000 characters or holds control characters.
    Comment,
    /// Neither CSV nor XLSX.
    ExportFormat,
}

/// The longest review comment (核閱意見), in characters.
pub const COMMENT_MAX: usize = 1000;

/// The export's columns, as the report prints them.
pub const HEADERS: [&str; 9] =
    ["查詢時間", "操作者", "員工編號", "業務類別", "案號", "身分證統一編號", "非上班時間", "比對結果", "異常"];
/// The export's words: a look-up after hours, one without a comparison, the sheets and their
/// totals' columns, the file's name.
pub const AFTER_HOURS: &str = "是";
pub const NO_DECISION: &str = "（無）";
/// A look-up closed without a comparison, before its reason (#39).
pub const CLOSED: &str = "不比對：";
pub const SHEET_ROWS: &str = "查詢紀錄";
pub const SHEET_TOTALS: &str = "統計";
pub const TOTALS_HEADERS: [&str; 2] = ["操作者", "查詢筆數"];
pub const FILE_TITLE: &str = "查詢紀錄月報";
