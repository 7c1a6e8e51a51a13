//! The one working-time calendar of the system: Asia/Taipei time (UTC+8, no daylight saving),
//! office hours, weekends, public holidays and make-up working days (補班). Query logging
//! (the after-hours flag), liaison-slip deadlines and the monthly report all ask it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};

use super::taipei_offset;

/// An exception to the Monday–Friday rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (or other day off) on what would be a working day.
    Holiday,
    /// A make-up working day (補班) on what would be a weekend.
    Workday,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(Self::Holiday),
            "workday" => Some(Self::Workday),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "補班",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::Holiday => "Holiday",
            Self::Workday => "Make-up working day",
        }
    }
}

/// One calendar exception, as maintained by administrators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// Why office hours do not parse (`i18n::problems::calendar` words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HoursError {
    /// Not `HH:MM`.
    Format,
    /// The end is not after the start.
    Order,
}

/// What the calendar's use cases refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "error", rename_all = "snake_case")]
pub enum CalendarError {
    Date(super::RocDateError),
    /// Neither 放假 nor 補班 chosen.
    DayKind,
    /// A name is needed, at most [`DAY_NAME_MAX`] characters.
    DayName,
    Hours(HoursError),
}

/// Longest name of a calendar day, in characters.
pub const DAY_NAME_MAX: usize = 40;

/// Office hours, Taipei local time: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for OfficeHours {
    /// Taipei City Government: 08:30–17:30.
    fn default() -> Self {
        Self { start: hm(8, 30), end: hm(17, 30) }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl OfficeHours {
    pub fn parse(start: &str, end: &str) -> Result<Self, HoursError> {
        let p = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| HoursError::Format);
        let (start, end) = (p(start)?, p(end)?);
        if end <= start {
            return Err(HoursError::Order);
        }
        Ok(Self { start, end })
    }
    /// Minutes after midnight, for storage.
    pub fn minutes(&self) -> (i64, i64) {
        let m = |t: NaiveTime| (t - NaiveTime::MIN).num_minutes();
        (m(self.start), m(self.end))
    }
    pub fn from_minutes(start: i64, end: i64) -> Result<Self, HoursError> {
        let t = |m: i64| {
            if (0..24 * 60).contains(&m) {
                Ok(hm((m / 60) as u32, (m % 60) as u32))
            } else {
                Err(HoursError::Format)
            }
        };
        let (start, end) = (t(start)?, t(end)?);
        if end <= start {
            return Err(HoursError::Order);
        }
        Ok(Self { start, end })
    }
    pub fn label(&self) -> String {
        format!("{}–{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// The calendar: office hours plus the exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkCalendar {
    pub hours: OfficeHours,
    pub exceptions: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    pub fn new(hours: OfficeHours, days: impl IntoIterator<Item = CalendarDay>) -> Self {
        Self { hours, exceptions: days.into_iter().map(|d| (d.date, d.kind)).collect() }
    }

    /// The Taipei calendar date of an instant.
    pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&taipei_offset()).date_naive()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.exceptions.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Inside office hours on a working day (Taipei time).
    pub fn is_office_time(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&taipei_offset());
        let time = local.time();
        self.is_working_day(local.date_naive()) && time >= self.hours.start && time < self.hours.end
    }

    /// The after-hours flag (非上班時間) a query records.
    pub fn is_after_hours(&self, t: DateTime<Utc>) -> bool {
        !self.is_office_time(t)
    }

    /// The end of office hours on the `n`-th working day after `from`'s date (n ≥ 1): the
    /// deadline of "reply within n working days".
    pub fn working_deadline(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let mut d = Self::local_date(from);
        let mut left = n.max(1);
        // at most a few years of holidays in a row; bounded so bad data cannot loop for ever
        for _ in 0..3660 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
        }
        let local = d.and_time(self.hours.end);
        taipei_offset().from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc)).unwrap_or(from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        taipei_offset().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().with_timezone(&Utc)
    }
    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::new(
            OfficeHours::default(),
            [
                // 2026-10-09 (Fri) 國慶日補假; 2026-09-26 (Sat) a make-up working day
                CalendarDay { date: date(2026, 10, 9), kind: DayKind::Holiday, name: "國慶日補假".into() },
                CalendarDay { date: date(2026, 9, 26), kind: DayKind::Workday, name: "補班".into() },
            ],
        )
    }

    #[test]
    fn office_hours_in_taipei_time() {
        let c = cal();
        assert!(c.is_office_time(at(2026, 11, 26, 8, 30))); // Thursday
        assert!(c.is_office_time(at(2026, 11, 26, 17, 29)));
        assert!(c.is_after_hours(at(2026, 11, 26, 17, 30)));
        assert!(c.is_after_hours(at(2026, 11, 26, 8, 29)));
        // 01:00 UTC is 09:00 in Taipei
        assert!(c.is_office_time(Utc.with_ymd_and_hms(2026, 11, 26, 1, 0, 0).unwrap()));
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let c = cal();
        assert!(c.is_after_hours(at(2026, 11, 28, 10, 0))); // Saturday
        assert!(c.is_after_hours(at(2026, 10, 9, 10, 0))); // holiday on a Friday
        assert!(c.is_office_time(at(2026, 9, 26, 10, 0))); // 補班 Saturday
    }

    #[test]
    fn deadlines_count_working_days_only() {
        let c = cal();
        // Wed 2026-10-07 + 3 working days: Thu 8, (Fri 9 holiday, weekend), Mon 12, Tue 13
        assert_eq!(c.working_deadline(at(2026, 10, 7, 15, 0), 3), at(2026, 10, 13, 17, 30));
        // Fri 2026-09-25 + 1: the make-up Saturday
        assert_eq!(c.working_deadline(at(2026, 9, 25, 9, 0), 1), at(2026, 9, 26, 17, 30));
    }

    #[test]
    fn hours_parse_and_round_trip() {
        let h = OfficeHours::parse("09:00", "18:00").unwrap();
        let (s, e) = h.minutes();
        assert_eq!(OfficeHours::from_minutes(s, e).unwrap(), h);
        assert_eq!(OfficeHours::parse("18:00", "09:00"), Err(HoursError::Order));
        assert_eq!(OfficeHours::parse("9", "18:00"), Err(HoursError::Format));
    }
}
