//! The running instance's health: what everyone may know (`/healthz`: ok or degraded), and the
//! details administrators and the internal metrics address see.

use serde::{Deserialize, Serialize};

/// What `/healthz` answers to anyone: nothing about the version, the database or the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicHealth {
    /// The database answers and this instance's clock agrees with it.
    Ok,
    /// The database does not answer, or the clocks disagree by more than the tolerance.
    Degraded,
}

impl PublicHealth {
    /// The body of `/healthz`.
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Degraded => "degraded",
        }
    }
}

/// The details (administrators; the metrics address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthDetails {
    /// `0.1.0`
    pub version: String,
    /// The git commit the binary was built from.
    pub commit: String,
    pub database: bool,
    /// This instance's clock minus the database server's (附件三 4(9)); `None` when the database
    /// does not answer.
    pub clock_offset_ms: Option<i64>,
    pub clock_tolerance_ms: i64,
    pub status: PublicHealth,
    pub checked_at: chrono::DateTime<chrono::Utc>,
}
