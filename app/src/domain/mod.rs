//! Domain types shared by browser and server. Each validates on construction.

#[macro_use]
pub mod code;
pub mod acknowledgement;
pub mod admin;
pub mod audit;
pub mod audit_sample;
pub mod audit_view;
pub mod auth;
pub mod business_type;
pub mod calendar;
pub mod calendar_view;
pub mod case_number;
pub mod checklists;
pub mod comparison;
pub mod comparison_view;
pub mod employee_no;
pub mod forms;
pub mod handover;
pub mod health;
pub mod inbox;
pub mod liaison;
pub mod national_id;
pub mod nav;
pub mod password;
pub mod problem;
pub mod quarter;
pub mod register;
pub mod report;
pub mod report_view;
pub mod request_view;
pub mod review;
pub mod review_view;
pub mod roc_date;
pub mod role;
pub mod seal;
pub mod security_task;
pub mod security_view;
pub mod trail_view;
pub mod unit;
pub mod upload;

pub use business_type::BusinessType;
pub use calendar::{CalendarDay, DayKind, OfficeHours, WorkCalendar};
pub use case_number::{CaseNumber, CaseNumberError};
pub use comparison::{BrowserResult, ComparisonQuery, Decision, QueryInput};
pub use employee_no::{EmployeeNo, EmployeeNoError};
pub use national_id::{NationalId, NationalIdError};
pub use password::{PasswordPolicy, PasswordProblem};
pub use problem::Problem;
pub use quarter::Quarter;
pub use roc_date::{RocDate, RocDateError};
pub use role::{Designation, Role};
pub use unit::{UnitKind, UnitView, REFERENCE_UNITS};

/// Taipei time is UTC+8 all year (no daylight saving).
pub fn taipei_offset() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("constant offset")
}

/// The calendar day of an instant in Taipei.
pub fn taipei_date(t: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    t.with_timezone(&taipei_offset()).date_naive()
}

/// Midnight at the start of a Taipei day, as an instant.
pub fn taipei_midnight(d: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    taipei_offset()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// An instant shown in Taipei time with an ROC date: `115/11/26 14:05`.
pub fn roc_datetime(utc: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let local = utc.with_timezone(&taipei_offset());
    match RocDate::from_gregorian(local.date_naive()) {
        Ok(d) => format!("{} {:02}:{:02}", d.short(), local.hour(), local.minute()),
        Err(_) => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}
