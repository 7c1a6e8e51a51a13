//! The working-time calendar's API: everyone signed in reads it; administrators keep it.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{DayKind, RocDate};
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

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

#[server(prefix = "/api", endpoint = "calendar")]
pub async fn get_calendar() -> Result<CalendarView, ApiError> {
    let ctx = super::guard(GetCalendar::PATH).await?;
    let hours = ctx.state.store.office_hours().await.map_err(super::internal)?;
    let days = ctx.state.store.calendar_days().await.map_err(super::internal)?;
    Ok(CalendarView {
        office_start: hours.start.format("%H:%M").to_string(),
        office_end: hours.end.format("%H:%M").to_string(),
        days: days
            .into_iter()
            .filter_map(|d| {
                Some(CalendarDayView { date: RocDate::from_gregorian(d.date).ok()?, kind: d.kind, name: d.name })
            })
            .collect(),
    })
}

/// Add or change a holiday or make-up working day.
#[server(prefix = "/api", endpoint = "calendar/day")]
pub async fn set_calendar_day(date: String, kind: String, name: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetCalendarDay::PATH).await?;
    let actor = ctx.actor()?;
    let date = RocDate::parse(&date).map_err(crate::error::invalid)?;
    let kind = DayKind::parse(&kind).ok_or_else(|| ApiError::Invalid("請選擇放假或補班".into()))?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ApiError::Invalid("請輸入名稱（最多 40 字）".into()));
    }
    let day = crate::domain::CalendarDay { date: date.gregorian(), kind, name };
    let d = ctx
        .trail(TrailAction::CalendarDaySet)
        .object("calendar_day", date.gregorian())
        .details(serde_json::json!({ "kind": kind.code(), "name": day.name }));
    ctx.state.store.set_calendar_day(&day, Some(actor.account_id), d).await.map_err(super::internal)
}

#[server(prefix = "/api", endpoint = "calendar/remove")]
pub async fn remove_calendar_day(date: String) -> Result<(), ApiError> {
    let ctx = super::guard(RemoveCalendarDay::PATH).await?;
    let _actor = ctx.actor()?;
    let date = RocDate::parse(&date).map_err(crate::error::invalid)?;
    let d = ctx.trail(TrailAction::CalendarDayRemove).object("calendar_day", date.gregorian());
    if ctx.state.store.remove_calendar_day(date.gregorian(), d).await.map_err(super::internal)? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

#[server(prefix = "/api", endpoint = "calendar/hours")]
pub async fn set_office_hours(start: String, end: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetOfficeHours::PATH).await?;
    let _actor = ctx.actor()?;
    let hours = crate::domain::OfficeHours::parse(&start, &end).map_err(|e| ApiError::Invalid(e.to_string().into()))?;
    let d = ctx.trail(TrailAction::CalendarHoursSet).details(serde_json::json!({ "hours": hours.label() }));
    ctx.state.store.set_office_hours(hours, d).await.map_err(super::internal)
}
