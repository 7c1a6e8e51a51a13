//! What the comparison pages and the use cases (`server::comparisons`) exchange: the look-up's
//! answer, the submission, the record as listed, opened and verified. Typed down to the band and
//! the business type; a national ID leaves the server only masked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{BrowserResult, BusinessType, Decision, RocDate};
use matcher::{Alignment, Band, UnclearReason};

/// The registered impression shown after the query is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredSeal {
    pub version_id: i64,
    pub version: i64,
    /// How many versions the person has (earlier ones are kept).
    pub versions: i64,
    /// Where the page reads the image: `GET /api/comparisons/{query}/registered.png`, answered
    /// only to whoever may open the query (the query's clerk), never cached.
    pub image_url: String,
    pub media_type: String,
    /// 印鑑登記日期; `None` when the registry has none (a liaison slip is offered).
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    /// 印模不清: the matcher judged the registered impression unclear.
    pub unclear: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Started {
    pub query_id: i64,
    pub queried_at: DateTime<Utc>,
    pub business_type: BusinessType,
    pub case_number: String,
    pub national_id_masked: String,
    pub person_name: Option<String>,
    pub after_hours: bool,
    /// `None`: no registered seal for this ID (the query is recorded all the same).
    pub seal: Option<RegisteredSeal>,
}

/// A submission as the page sends it: `multipart/form-data` with this as JSON in the
/// [`SUBMISSION_PART`] part and the questioned image's bytes, exactly as the browser matched
/// them, in the [`QUESTIONED_PART`] part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub query_id: i64,
    pub browser: BrowserResult,
    pub manual_alignment: Option<Alignment>,
    pub decision: Decision,
    pub comment: String,
}

/// The multipart part that carries the [`Submission`] (JSON text).
pub const SUBMISSION_PART: &str = "submission";
/// The multipart part that carries the questioned image (a file).
pub const QUESTIONED_PART: &str = "questioned";

/// The registered impression of a query: where the page reads it.
pub fn registered_image_url(query_id: i64) -> String {
    format!("/api/comparisons/{query_id}/registered.png")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submitted {
    pub id: i64,
    pub verification_code: String,
    pub server_score: f64,
    pub server_band: Band,
    pub discrepancy: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSummary {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub business_type: BusinessType,
    pub case_number: String,
    pub national_id_masked: String,
    pub person_name: Option<String>,
    pub operator: String,
    pub server_score: f64,
    pub server_band: Band,
    pub decision: Decision,
    pub discrepancy: bool,
    pub manual: bool,
    pub verification_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteView {
    pub kind: super::comparison::NoteKind,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub text: String,
}

/// Everything the printed record shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonDetail {
    pub summary: ComparisonSummary,
    pub unit_name: String,
    pub queried_at: DateTime<Utc>,
    pub after_hours: bool,
    pub seal_version: i64,
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    pub registered_b64: String,
    pub registered_media_type: String,
    pub questioned_b64: String,
    pub questioned_media_type: String,
    /// The colour overlay (PNG) at the server's alignment.
    pub overlay_png_b64: Option<String>,
    pub browser_score: f64,
    pub browser_band: Band,
    pub auto_score: f64,
    pub auto_band: Band,
    pub rotation_deg: f64,
    pub scale: f64,
    pub manual_alignment: Option<Alignment>,
    /// 印文不清: why the server judged the questioned impression too unclear for a definite
    /// verdict (empty when it was clear, and on records kept before the reasons were stored).
    pub questioned_unclear: Vec<UnclearReason>,
    /// Why the server left the pair for review (empty unless 待人工判斷, and on records made
    /// before the reasons were kept).
    #[serde(default)]
    pub review_reasons: Vec<matcher::ReviewReason>,
    /// The capture correction the server fitted before judging (掃描變形).
    #[serde(default)]
    pub capture: matcher::CaptureCorrection,
    /// What the server's printed-copy check saw (疑似列印複製); all zero on records kept before
    /// the check.
    #[serde(default)]
    pub printed: matcher::PrintEvidence,
    /// The media type of the file as uploaded, when it was not the image judged (a TIFF, a
    /// scanned PDF): the file is kept beside the record.
    #[serde(default)]
    pub questioned_original: Option<String>,
    /// 印模不清: the registered impression was marked unclear.
    pub registered_unclear: bool,
    pub comment: String,
    pub notes: Vec<NoteView>,
}

/// What looking up a verification code tells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub unit_name: String,
    pub case_number: String,
    pub national_id_masked: String,
    pub server_band: Band,
    pub decision: Decision,
    /// Whether the caller may open the full record.
    pub can_open: bool,
}
