//! What the administrator's pages and their use cases (`server::admin`) exchange: units, accounts
//! (create, disable, roles, reset), designations and the retention report, and what they refuse.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::role::{RoleUnitError, UnknownRole};
use super::{Designation, RocDate, RocDateError, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub email: String,
    pub phone: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub must_change_password: bool,
    pub locked: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A role taken from an account because its unit may not hold it (at a start after the unit
/// rule became stricter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRemovalView {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub role: Role,
    pub removed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedAccount {
    pub id: i64,
    pub employee_no: String,
    /// Shown once to the administrator; must be changed at first sign-in.
    pub one_time_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignationView {
    pub id: i64,
    pub unit_id: i64,
    pub account_id: i64,
    pub kind: Designation,
    pub valid_from: RocDate,
    pub valid_to: Option<RocDate>,
    /// Not yet ended (current, or starting later): it may be ended early.
    pub open: bool,
}

/// One kind of record in the retention report (八(五): kept at least five years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionView {
    pub table: String,
    pub label_zh: String,
    pub label_en: String,
    pub total: i64,
    /// Older than five years: may be disposed of under the archives rules, outside this system.
    pub older: i64,
    pub oldest: Option<DateTime<Utc>>,
}

/// The record's kinds in the retention report.
pub fn record_label(table: &str) -> (&'static str, &'static str) {
    match table {
        "trail_event" => ("稽核軌跡", "Audit trail"),
        "seal_query" => ("查詢紀錄", "Query log"),
        "comparison" => ("比對紀錄", "Comparison records"),
        "comparison_note" => ("比對紀錄註記", "Record annotations"),
        "seal_version" => ("登記印模版本", "Registered seal versions"),
        "image_blob" => ("影像", "Images"),
        "account_request" => ("帳號異動申請單", "Account change requests"),
        "permission_review" => ("帳號權限審查", "Permission reviews"),
        "handover" => ("管理者移交清冊", "Hand-over lists"),
        "liaison_slip" => ("聯繫單", "Liaison slips"),
        "query_report" => ("查詢紀錄月報", "Monthly query reports"),
        "security_task" => ("資安工作紀錄", "Security duties"),
        _ => ("", ""),
    }
}

/// Which of a unit's contact numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactField {
    Phone,
    Fax,
}

/// A contact number: digits, spaces, `()+-#` and `分機`/`轉`, at most 30 characters; blank is
/// none. `None` when it is not one.
pub fn contact_number(input: &str) -> Option<String> {
    let v = input.trim();
    if v.is_empty() {
        return Some(String::new());
    }
    let ok = v.chars().count() <= 30
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().all(|c| c.is_ascii_digit() || "()+-# ".contains(c) || "分機轉".contains(c));
    ok.then(|| v.to_string())
}

/// What the administrator's use cases refuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum AdminError {
    /// A role code that names no role.
    UnknownRole(UnknownRole),
    /// Separation of duties: nobody changes their own account here.
    OwnAccount,
    /// The user's name is blank or over 40 characters.
    Name,
    NoRoles,
    NoSuchUnit,
    UnitInactive,
    /// The unit may not hold these roles.
    RolesForUnit(RoleUnitError),
    /// The employee number already has an account.
    DuplicateEmployeeNo,
    DisableReason,
    NoSuchDesignation,
    SelfDesignation,
    /// A disabled account cannot be designated.
    DisabledAccount,
    ValidFrom(RocDateError),
    /// Every designation has an end (at most a year after its start).
    ValidToMissing,
    ValidTo(RocDateError),
    EndBeforeStart,
    OverAYear,
    /// The designation has already ended.
    DesignationEnded,
    /// A unit's phone or fax number that is not one.
    ContactNumber(ContactField),
}

impl From<UnknownRole> for AdminError {
    fn from(e: UnknownRole) -> Self {
        AdminError::UnknownRole(e)
    }
}
