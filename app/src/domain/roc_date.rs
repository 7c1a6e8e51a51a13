//! Dates in the ROC (民國) calendar: year = Gregorian year − 1911.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum RocDateError {
    #[error("ROC date: unrecognised format")]
    Format,
    #[error("ROC date: no such day")]
    NoSuchDay,
    #[error("ROC date: before ROC year 1")]
    BeforeRoc,
}

/// A calendar day, shown in the ROC calendar. Stored as the Gregorian date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RocDate(NaiveDate);

impl RocDate {
    pub fn from_gregorian(date: NaiveDate) -> Result<Self, RocDateError> {
        if date.year() <= 1911 {
            return Err(RocDateError::BeforeRoc);
        }
        Ok(Self(date))
    }

    pub fn from_roc(year: i32, month: u32, day: u32) -> Result<Self, RocDateError> {
        if year < 1 {
            return Err(RocDateError::BeforeRoc);
        }
        NaiveDate::from_ymd_opt(year + 1911, month, day).map(Self).ok_or(RocDateError::NoSuchDay)
    }

    /// Parse what people type: `115/11/26`, `115-11-26`, `115.11.26`, `1151126`,
    /// `民國115年11月26日`, `115年11月26日`, or an ISO Gregorian date `2026-11-26`.
    pub fn parse(input: &str) -> Result<Self, RocDateError> {
        let s: String = input
            .trim()
            .trim_start_matches("民國")
            .chars()
            .map(|c| match c {
                // full-width digits are common in Chinese input methods
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(RocDateError::Format);
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            // compact form: YYYMMDD (7 digits) or YYMMDD (6 digits)
            let (y, rest) = match s.len() {
                7 => s.split_at(3),
                6 => s.split_at(2),
                _ => return Err(RocDateError::Format),
            };
            let y: i32 = y.parse().map_err(|_| RocDateError::Format)?;
            let m: u32 = rest[..2].parse().map_err(|_| RocDateError::Format)?;
            let d: u32 = rest[2..].parse().map_err(|_| RocDateError::Format)?;
            return Self::from_roc(y, m, d);
        }
        let parts: Vec<&str> = s.split(['/', '-', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
        if parts.len() != 3 || !parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit())) {
            return Err(RocDateError::Format);
        }
        let nums: Vec<u32> =
            parts.iter().map(|p| p.parse::<u32>().map_err(|_| RocDateError::Format)).collect::<Result<_, _>>()?;
        let (y, m, d) = (nums[0] as i32, nums[1], nums[2]);
        if parts[0].len() == 4 && !s.contains('年') {
            // ISO-like Gregorian input
            let date = NaiveDate::from_ymd_opt(y, m, d).ok_or(RocDateError::NoSuchDay)?;
            return Self::from_gregorian(date);
        }
        if parts[0].len() > 3 {
            return Err(RocDateError::Format);
        }
        Self::from_roc(y, m, d)
    }

    pub fn gregorian(&self) -> NaiveDate {
        self.0
    }

    pub fn roc_year(&self) -> i32 {
        self.0.year() - 1911
    }

    /// `115/11/26`, the compact form used in lists and inputs.
    pub fn short(&self) -> String {
        format!("{:03}/{:02}/{:02}", self.roc_year(), self.0.month(), self.0.day())
    }

    /// `民國 115 年 11 月 26 日`, the form used on printed forms.
    pub fn long(&self) -> String {
        format!("民國 {} 年 {} 月 {} 日", self.roc_year(), self.0.month(), self.0.day())
    }
}

impl fmt::Display for RocDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.long())
    }
}

impl TryFrom<String> for RocDate {
    type Error = RocDateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RocDate> for String {
    fn from(d: RocDate) -> String {
        d.0.format("%Y-%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_to_gregorian_and_back() {
        let d = RocDate::parse("115/11/26").unwrap();
        assert_eq!(d.gregorian(), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(d.long(), "民國 115 年 11 月 26 日");
        assert_eq!(d.short(), "115/11/26");
        let back = RocDate::from_gregorian(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.roc_year(), 115);
    }

    #[test]
    fn accepted_spellings() {
        let want = RocDate::from_roc(115, 11, 26).unwrap();
        for s in [
            "115-11-26",
            "115.11.26",
            "1151126",
            "民國115年11月26日",
            "115年11月26日",
            " 民國 115 年 11 月 26 日 ",
            "１１５/１１/２６",
            "2026-11-26",
        ] {
            assert_eq!(RocDate::parse(s), Ok(want), "{s}");
        }
        assert_eq!(RocDate::parse("99/1/5").unwrap().gregorian(), NaiveDate::from_ymd_opt(2010, 1, 5).unwrap());
        assert_eq!(RocDate::parse("990105").unwrap().short(), "099/01/05");
    }

    #[test]
    fn rejects_bad_dates() {
        assert_eq!(RocDate::parse("115/02/30"), Err(RocDateError::NoSuchDay));
        assert_eq!(RocDate::parse("113/02/29").map(|d| d.short()), Ok("113/02/29".into())); // 2024 leap
        assert_eq!(RocDate::parse("114/02/29"), Err(RocDateError::NoSuchDay));
        assert_eq!(RocDate::parse("0/1/1"), Err(RocDateError::BeforeRoc));
        assert_eq!(RocDate::parse("1911-05-01"), Err(RocDateError::BeforeRoc));
        assert_eq!(RocDate::parse("hello"), Err(RocDateError::Format));
        assert_eq!(RocDate::parse(""), Err(RocDateError::Format));
        assert_eq!(RocDate::parse("115/11"), Err(RocDateError::Format));
    }

    #[test]
    fn serde_round_trip() {
        let d = RocDate::from_roc(115, 1, 2).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"2026-01-02\"");
        assert_eq!(serde_json::from_str::<RocDate>(&json).unwrap(), d);
    }
}
