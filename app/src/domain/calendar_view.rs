//! The working-time calendar as its page shows it.

use serde::{Deserialize, Serialize};

use super::{DayKind, RocDate};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDayView {
    pub date: RocDate,
    pub kind: DayKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub office_start: String,
    pub office_end: String,
    pub days: Vec<CalendarDayView>,
}
