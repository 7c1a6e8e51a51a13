//! The trail as auditors read it: events with the subject's national ID masked, and the chain's
//! verification.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEventView {
    pub seq: i64,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_employee_no: Option<String>,
    pub action: String,
    pub object: Option<String>,
    /// Masked: the full number is not needed to read the trail.
    pub subject: Option<String>,
    pub client_ip: Option<String>,
    pub outcome: String,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The first broken link, when there is one.
    pub broken: Option<String>,
}
