//! The working-time calendar's use cases: everyone signed in reads it; administrators keep its
//! holidays, make-up working days and office hours (the endpoint policy says who). Every change
//! writes its trail row with it.

use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::trail::TrailAction;
use crate::domain::calendar::{CalendarError, DAY_NAME_MAX};
use crate::domain::calendar_view::{CalendarDayView, CalendarView};
use crate::domain::{CalendarDay, DayKind, OfficeHours, RocDate};

type Outcome<T> = Result<T, Failure<CalendarError>>;

/// The office hours and every special day.
pub async fn view(state: &AppState) -> Outcome<CalendarView> {
    let hours = state.store.office_hours().await?;
    let days = state.store.calendar_days().await?;
    let mut out = Vec::new();
    for d in days {
        let date = RocDate::from_gregorian(d.date)
            .map_err(|_| Failure::internal(format!("calendar_day {}: not an ROC date", d.date)))?;
        out.push(CalendarDayView { date, kind: d.kind, name: d.name });
    }
    Ok(CalendarView {
        office_start: hours.start.format("%H:%M").to_string(),
        office_end: hours.end.format("%H:%M").to_string(),
        days: out,
    })
}

/// Add or change a holiday or make-up working day.
pub async fn set_day(state: &AppState, caller: &Caller, date: RocDate, kind: DayKind, name: &str) -> Outcome<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > DAY_NAME_MAX {
        return problem(CalendarError::DayName);
    }
    let day = CalendarDay { date: date.gregorian(), kind, name: name.to_string() };
    let d = caller
        .trail(TrailAction::CalendarDaySet)
        .object("calendar_day", date.gregorian())
        .details(serde_json::json!({ "kind": kind.code(), "name": day.name }));
    Ok(state.store.set_calendar_day(&day, Some(caller.actor.account_id), d).await?)
}

/// Remove a special day (`NotFound` when there is none on that date).
pub async fn remove_day(state: &AppState, caller: &Caller, date: RocDate) -> Outcome<()> {
    let d = caller.trail(TrailAction::CalendarDayRemove).object("calendar_day", date.gregorian());
    if state.store.remove_calendar_day(date.gregorian(), d).await? {
        Ok(())
    } else {
        Err(Failure::NotFound)
    }
}

/// Set the office hours.
pub async fn set_hours(state: &AppState, caller: &Caller, hours: OfficeHours) -> Outcome<()> {
    let d = caller.trail(TrailAction::CalendarHoursSet).details(serde_json::json!({ "hours": hours.label() }));
    Ok(state.store.set_office_hours(hours, d).await?)
}
