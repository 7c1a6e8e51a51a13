//! The register of security duties (八(一)(二)(三)) as the page and the wire see it: the duties
//! with their due dates and evidence, the units whose quarterly account review is due, the
//! trail's forwarding, the update record, the clock — and what the register's use cases
//! (`server::security`) refuse, as data (`i18n` words it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::review_view::UnitReviewStatus;
use super::security_task::TaskKind;
use super::RocDate;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: i64,
    pub kind: TaskKind,
    pub title: String,
    pub due_on: RocDate,
    pub overdue: bool,
    pub done_on: Option<RocDate>,
    pub done_by: Option<String>,
    pub evidence: Option<String>,
    pub notice_plan: Option<String>,
    pub next_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityRegister {
    pub tasks: Vec<TaskView>,
    pub overdue: usize,
    /// Units whose quarterly account review is due or overdue (八(三)).
    pub reviews: Vec<UnitReviewStatus>,
    pub can_edit: bool,
    /// The trail's forwarding to the central log system (附件三 4(10)), per collector.
    pub forwarding: Vec<ForwardView>,
    /// 系統更新紀錄 (附件三 3(6)), newest first.
    pub updates: Vec<UpdateView>,
    /// This instance's clock minus the database server's (附件三 4(9)); `None` if unmeasured.
    pub clock_offset_ms: Option<i64>,
    pub clock_tolerance_ms: i64,
    /// Malware scanning of uploads is off while the database holds accounts other than the
    /// demo ones (附件三 3(8)): said at every start and on the administrator's home page.
    #[serde(default)]
    pub scanning_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    pub version: String,
    pub commit: String,
    pub schema_version: i64,
    pub migrations_applied: String,
    pub started_by: String,
    pub first_started: String,
}

/// How far one collector is behind the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardView {
    pub target: String,
    pub last_seq: i64,
    /// Events it has not had yet.
    pub behind: i64,
    pub last_sent: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// What the register's use cases refuse, as data (`i18n` renders it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecurityError {
    /// The duty's or the completion's form: every wrong field, in form order, as the form's
    /// parser words it.
    Form { errors: Vec<crate::domain::forms::FieldError> },
    /// The plan notified to 民政局 is for an operating system out of support only.
    NoticeOnlyForOs,
    /// The duty was recorded done already.
    AlreadyDone,
}
