//! 使用者帳號清冊 (附件四, 八(三)) as data: its rows, its printed headers and words, the file an
//! export hands the browser, and what the register's use cases refuse.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{RocDate, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRow {
    pub unit_id: i64,
    pub agency: String,
    pub name: String,
    pub employee_no: String,
    pub roles: Vec<Role>,
    /// 生效日期
    pub effective: DateTime<Utc>,
    /// 註銷日期
    pub cancelled: Option<DateTime<Utc>>,
    pub active: bool,
    pub last_login: Option<DateTime<Utc>>,
    /// The account's last acknowledgement of the notice on official use and personal data
    /// (五(二)1、九); `None`: never. Shown on the page, not on the printed form or its exports.
    pub acknowledged: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub rows: Vec<RegisterRow>,
    /// Whether the caller sees every unit (and may filter by unit).
    pub bureau_wide: bool,
    pub units: Vec<(i64, String)>,
    /// 前次盤點日期: each listed unit's last signed quarterly review.
    pub last_reviews: Vec<(String, Option<RocDate>)>,
}

/// A file for the browser to save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub filename: String,
    pub media_type: String,
    pub b64: String,
}

/// The columns as printed on 附件四.
pub const HEADERS: [&str; 8] =
    ["機關名稱", "使用者姓名", "員工編號", "權限", "生效日期", "註銷日期", "狀態", "最後登入"];
/// The status column's words, as on the form.
pub const STATUS_ACTIVE: &str = "啟用";
pub const STATUS_CANCELLED: &str = "註銷";
/// The sheet's and the file's name.
pub const TITLE: &str = "使用者帳號清冊";

/// Which accounts the register lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    Active,
    Cancelled,
}

impl StatusFilter {
    /// `active`, `cancelled`; anything else lists every account.
    pub fn parse(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "cancelled" => Self::Cancelled,
            _ => Self::All,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Cancelled => "cancelled",
        }
    }
}

/// The file formats an export offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<Self, RegisterError> {
        match s {
            "csv" => Ok(Self::Csv),
            "xlsx" => Ok(Self::Xlsx),
            _ => Err(RegisterError::ExportFormat),
        }
    }
    pub fn ext(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// What the register's use cases refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterError {
    /// Neither CSV nor XLSX.
    ExportFormat,
}
