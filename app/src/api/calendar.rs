//! The working-time calendar's API: everyone signed in reads it; administrators keep it.
//! Each function is guard → parse → one call into `server::calendar` → the failure mapped.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
#[cfg(feature = "ssr")]
use crate::domain::calendar::CalendarError;
pub use crate::domain::calendar_view::{CalendarDayView, CalendarView};
#[cfg(feature = "ssr")]
use crate::domain::{DayKind, OfficeHours, RocDate};

#[server(prefix = "/api", endpoint = "calendar")]
pub async fn get_calendar() -> Result<CalendarView, ApiError> {
    let ctx = super::guard(GetCalendar::PATH).await?;
    Ok(crate::server::calendar::view(&ctx.state).await?)
}

/// Add or change a holiday or make-up working day.
#[server(prefix = "/api", endpoint = "calendar/day")]
pub async fn set_calendar_day(date: String, kind: String, name: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetCalendarDay::PATH).await?;
    let date = RocDate::parse(&date).map_err(|e| crate::error::invalid(CalendarError::Date(e)))?;
    let kind = DayKind::parse(&kind).ok_or_else(|| crate::error::invalid(CalendarError::DayKind))?;
    Ok(crate::server::calendar::set_day(&ctx.state, &ctx.caller()?, date, kind, &name).await?)
}

#[server(prefix = "/api", endpoint = "calendar/remove")]
pub async fn remove_calendar_day(date: String) -> Result<(), ApiError> {
    let ctx = super::guard(RemoveCalendarDay::PATH).await?;
    let date = RocDate::parse(&date).map_err(|e| crate::error::invalid(CalendarError::Date(e)))?;
    Ok(crate::server::calendar::remove_day(&ctx.state, &ctx.caller()?, date).await?)
}

#[server(prefix = "/api", endpoint = "calendar/hours")]
pub async fn set_office_hours(start: String, end: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetOfficeHours::PATH).await?;
    let hours = OfficeHours::parse(&start, &end).map_err(|e| crate::error::invalid(CalendarError::Hours(e)))?;
    Ok(crate::server::calendar::set_hours(&ctx.state, &ctx.caller()?, hours).await?)
}
