//! 公務使用及個人資料保護聲明 (作業規定五(二)1、九): the notice every account acknowledges at
//! its first sign-in and again once a year, as data — which notice (its version and the hash of
//! its text), when an acknowledgement is due, and one acknowledgement as recorded. The words
//! themselves are in `i18n` (`Msg::Notice…`); the server hashes them, so an edit of the notice
//! asks everyone to acknowledge the new text.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// An acknowledgement holds this many days (by the application's clock); then it is asked again.
pub const VALID_DAYS: i64 = 365;

/// The notice's version: a positive number, raised when the notice is reworded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct NoticeVersion(i64);

/// The version of the notice in `i18n` today.
pub const CURRENT_NOTICE_VERSION: NoticeVersion = NoticeVersion(1);

impl NoticeVersion {
    pub fn new(v: i64) -> Result<Self, NoticeError> {
        if v > 0 {
            Ok(Self(v))
        } else {
            Err(NoticeError::Version(v))
        }
    }
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for NoticeVersion {
    type Error = NoticeError;
    fn try_from(v: i64) -> Result<Self, NoticeError> {
        Self::new(v)
    }
}

impl From<NoticeVersion> for i64 {
    fn from(v: NoticeVersion) -> i64 {
        v.0
    }
}

/// SHA-256 of the notice's text (both languages), as 64 lower-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeHash(String);

impl NoticeHash {
    pub fn parse(s: &str) -> Result<Self, NoticeError> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(Self(s.to_string()))
        } else {
            Err(NoticeError::Hash(s.chars().take(80).collect()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NoticeHash {
    type Error = NoticeError;
    fn try_from(s: String) -> Result<Self, NoticeError> {
        Self::parse(&s)
    }
}

impl From<NoticeHash> for String {
    fn from(h: NoticeHash) -> String {
        h.0
    }
}

/// A notice version or hash that is not one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum NoticeError {
    #[error("notice version {0} is not positive")]
    Version(i64),
    #[error("notice hash {0:?} is not 64 lower-case hex digits")]
    Hash(String),
}

/// Which notice was shown: its version and the hash of its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub version: NoticeVersion,
    pub hash: NoticeHash,
}

/// One acknowledgement, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub id: i64,
    pub account_id: i64,
    pub acknowledged_at: DateTime<Utc>,
    pub notice: Notice,
    pub client_ip: Option<String>,
}

impl Acknowledgement {
    /// Whether this acknowledgement still covers `current` at `now`: the same text, and less
    /// than [`VALID_DAYS`] old.
    pub fn covers(&self, current: &Notice, now: DateTime<Utc>) -> bool {
        self.notice.hash == current.hash && still_valid(self.acknowledged_at, now)
    }
}

/// Whether an acknowledgement made at `at` still holds at `now`.
pub fn still_valid(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - at < Duration::days(VALID_DAYS)
}

/// Whether the account must acknowledge `current` before anything else: it never did, or its
/// last acknowledgement is of another text or a year old.
pub fn due(last: Option<&Acknowledgement>, current: &Notice, now: DateTime<Utc>) -> bool {
    !last.is_some_and(|a| a.covers(current, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(h: char) -> Notice {
        Notice { version: CURRENT_NOTICE_VERSION, hash: NoticeHash::parse(&h.to_string().repeat(64)).unwrap() }
    }

    fn ack(at: DateTime<Utc>, n: Notice) -> Acknowledgement {
        Acknowledgement { id: 1, account_id: 1, acknowledged_at: at, notice: n, client_ip: None }
    }

    #[test]
    fn versions_and_hashes_validate() {
        assert!(NoticeVersion::new(1).is_ok());
        assert_eq!(NoticeVersion::new(0), Err(NoticeError::Version(0)));
        assert!(NoticeVersion::new(-3).is_err());
        assert!(NoticeHash::parse(&"0a".repeat(32)).is_ok());
        for bad in ["", "abc", &"A".repeat(64), &"g".repeat(64), &"a".repeat(63), &"a".repeat(65)] {
            assert!(NoticeHash::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<NoticeHash>("\"xyz\"").is_err());
        assert!(serde_json::from_str::<NoticeVersion>("0").is_err());
    }

    #[test]
    fn due_at_first_after_a_year_and_for_a_new_text() {
        let now = Utc::now();
        let n = notice('a');
        assert!(due(None, &n, now), "never acknowledged");
        assert!(!due(Some(&ack(now - Duration::days(364), n.clone())), &n, now));
        assert!(due(Some(&ack(now - Duration::days(365), n.clone())), &n, now), "a year old");
        assert!(due(Some(&ack(now, notice('b'))), &n, now), "another text");
    }
}
