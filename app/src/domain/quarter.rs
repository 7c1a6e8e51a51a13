//! A calendar quarter in Taipei time: the quarterly account review (八(三)) and the external
//! office audit (七(二)1) are both kept by it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::taipei_date;

/// A calendar quarter (Gregorian year, 1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    pub q: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Self {
        Self { year: date.year(), q: (date.month() - 1) / 3 + 1 }
    }

    /// The quarter of an instant in Taipei time.
    pub fn of_instant(t: DateTime<Utc>) -> Self {
        Self::of(taipei_date(t))
    }

    /// `2026Q4`, as stored.
    pub fn code(self) -> String {
        format!("{}Q{}", self.year, self.q)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (y, q) = s.split_once('Q')?;
        let year = y.parse().ok()?;
        let q = q.parse().ok()?;
        ((1..=4).contains(&q) && (1..=9999).contains(&year)).then_some(Self { year, q })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.q - 1) * 3 + 1, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    pub fn previous(self) -> Self {
        if self.q == 1 {
            Self { year: self.year - 1, q: 4 }
        } else {
            Self { year: self.year, q: self.q - 1 }
        }
    }

    pub fn next(self) -> Self {
        if self.q == 4 {
            Self { year: self.year + 1, q: 1 }
        } else {
            Self { year: self.year, q: self.q + 1 }
        }
    }

    /// `115 年第 4 季` (ROC year).
    pub fn zh(self) -> String {
        format!("{} 年第 {} 季", self.year - 1911, self.q)
    }

    pub fn en(self) -> String {
        format!("Q{} {}", self.q, self.year)
    }
}
