//! One comparison as data: the lawful query (五(二)2), what the browser computed, and the
//! clerk's decision. Shared by browser and server; the same validation runs on both.

use serde::{Deserialize, Serialize};

use super::upload::UploadError;
use super::{BusinessType, CaseNumber, CaseNumberError, NationalId, NationalIdError};
use matcher::{Alignment, Band};

/// The query a clerk must file before a registered impression is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparisonQuery {
    pub business_type: BusinessType,
    pub case_number: CaseNumber,
    pub national_id: NationalId,
    /// The person's name as on the application (optional).
    pub person_name: Option<PersonName>,
}

/// The person's name as typed on the look-up: at most 40 characters, no control characters,
/// not blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// `None` for a blank name.
    pub fn parse(s: &str) -> Result<Option<Self>, QueryError> {
        let name = s.trim();
        if name.chars().count() > 40 || name.chars().any(char::is_control) {
            return Err(QueryError::PersonName);
        }
        Ok((!name.is_empty()).then(|| Self(name.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = QueryError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)?.ok_or(QueryError::PersonName)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> Self {
        n.0
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "query: {} is not valid", self.field())
    }
}

/// Raw query form input, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QueryInput {
    pub business_type: String,
    /// 年 / 字 / 號; when all three are empty, `case_free` is used.
    pub case_year: String,
    pub case_word: String,
    pub case_number: String,
    pub case_free: String,
    pub national_id: String,
    pub person_name: String,
}

/// Which field of the query form is wrong, and why (`i18n::problems::query` words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "error", rename_all = "snake_case")]
pub enum QueryError {
    /// No business type chosen.
    BusinessType,
    CaseNumber(CaseNumberError),
    NationalId(NationalIdError),
    /// Longer than 40 characters, or control characters.
    PersonName,
}

impl QueryError {
    /// The form field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BusinessType => "business_type",
            Self::CaseNumber(_) => "case_number",
            Self::NationalId(_) => "national_id",
            Self::PersonName => "person_name",
        }
    }
}

impl From<CaseNumberError> for QueryError {
    fn from(e: CaseNumberError) -> Self {
        Self::CaseNumber(e)
    }
}

impl From<NationalIdError> for QueryError {
    fn from(e: NationalIdError) -> Self {
        Self::NationalId(e)
    }
}

impl QueryInput {
    /// Parse every field; all errors at once, in form order.
    pub fn parse(&self) -> Result<ComparisonQuery, Vec<QueryError>> {
        let mut errors = Vec::new();
        let business_type = BusinessType::parse(self.business_type.trim());
        if business_type.is_none() {
            errors.push(QueryError::BusinessType);
        }
        let structured = [&self.case_year, &self.case_word, &self.case_number].iter().any(|s| !s.trim().is_empty());
        let case = if structured {
            CaseNumber::structured(&self.case_year, &self.case_word, &self.case_number)
        } else {
            CaseNumber::parse(&self.case_free)
        };
        let case = case.map_err(|e| errors.push(e.into())).ok();
        let id = NationalId::parse(&self.national_id).map_err(|e| errors.push(e.into())).ok();
        let name = PersonName::parse(&self.person_name).map_err(|e| errors.push(e)).ok();
        match (business_type, case, id, name) {
            (Some(business_type), Some(case_number), Some(national_id), Some(person_name)) if errors.is_empty() => {
                Ok(ComparisonQuery { business_type, case_number, national_id, person_name })
            }
            _ => Err(errors),
        }
    }
}

/// What the matcher in the browser reported (the server re-runs it and compares).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrowserResult {
    pub score: f64,
    pub band: Band,
    pub alignment: Alignment,
    /// True when the clerk adjusted the alignment by hand.
    pub manual: bool,
}

/// The server's verdict as kept with the record (the `server_json` column), typed: written from
/// the matcher's result and read back whole, so that a record whose verdict does not read is an
/// error naming the row, never a default. Fields added after the first records were kept are
/// absent from those and read as empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredVerdict {
    pub score: f64,
    pub band: Band,
    /// The similarity part of the map (absent when none was found).
    pub alignment: Option<Alignment>,
    pub rotation_deg: f64,
    pub scale: f64,
    /// The seal face's centre in the questioned image.
    pub center: [f64; 2],
    /// True when the clerk's manual alignment was used.
    pub manual: bool,
    pub features: matcher::FeatureScores,
    pub registered_quality: matcher::Quality,
    #[serde(default)]
    pub questioned_quality: matcher::QuestionedQuality,
    #[serde(default)]
    pub review_reasons: Vec<matcher::ReviewReason>,
    #[serde(default)]
    pub capture: matcher::CaptureCorrection,
    #[serde(default)]
    pub transform: Option<matcher::GlobalTransform>,
    /// The flagged blocks, as rectangles of the registered image.
    #[serde(default)]
    pub regions: Vec<matcher::Region>,
    /// The file as uploaded, when it was not the image judged (a TIFF, a scanned PDF).
    #[serde(default)]
    pub original: Option<StoredOriginal>,
    /// What the printed-copy check saw.
    #[serde(default)]
    pub printed: matcher::PrintEvidence,
}

/// The uploaded file kept beside the image judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredOriginal {
    pub sha256: String,
    pub media_type: String,
    pub bytes: u64,
}

impl StoredVerdict {
    /// The verdict to keep from the matcher's result (`original`: the upload, when it was not
    /// the image judged).
    pub fn of(m: &matcher::MatchResult, original: Option<StoredOriginal>) -> Self {
        Self {
            score: m.score,
            band: m.band,
            alignment: Some(m.alignment),
            rotation_deg: m.rotation_deg,
            scale: m.scale,
            center: [m.center_x, m.center_y],
            manual: m.manual,
            features: m.features,
            registered_quality: m.registered_quality,
            questioned_quality: m.questioned_quality.clone(),
            review_reasons: m.review_reasons.clone(),
            capture: m.capture,
            transform: Some(m.transform),
            regions: m.regions.clone(),
            original,
            printed: m.printed,
        }
    }
}

/// Largest score difference between browser and server that still counts as agreement.
pub const SCORE_TOLERANCE: f64 = 0.01;

impl BrowserResult {
    /// Does the server's result agree with this one (same band, score within tolerance)?
    pub fn agrees_with(&self, score: f64, band: Band) -> bool {
        self.band == band && (self.score - score).abs() <= SCORE_TOLERANCE
    }
}

coded! {
    /// What a note on a comparison record is.
    pub enum NoteKind {
        /// A reader's annotation (records are never edited).
        Note = "note",
        /// The record was printed (the audit asks whether printouts were filed).
        Printed = "printed",
    }
}

coded! {
    /// The clerk's decision.
    pub enum Decision {
        /// 相符
        Match = "match" ("相符", "Match"),
        /// 不符
        Mismatch = "mismatch" ("不符", "Mismatch"),
        /// 需聯繫戶政
        ContactOffice = "contact_office" ("需聯繫戶政", "Contact the household registration office"),
    }
}

/// The stored and CSS code of a band.
pub fn band_code(b: Band) -> &'static str {
    match b {
        Band::Consistent => "consistent",
        Band::Review => "review",
        Band::Inconsistent => "inconsistent",
    }
}

/// A band from its stored code; `None` for anything else (a corrupt row, never a default).
pub fn band_parse(s: &str) -> Option<Band> {
    [Band::Consistent, Band::Review, Band::Inconsistent].into_iter().find(|b| band_code(*b) == s)
}

/// The matcher's band in words.
pub fn band_zh(b: Band) -> &'static str {
    match b {
        Band::Consistent => "相符",
        Band::Review => "待人工判斷",
        Band::Inconsistent => "不符",
    }
}

pub fn band_en(b: Band) -> &'static str {
    match b {
        Band::Consistent => "Consistent",
        Band::Review => "Needs review",
        Band::Inconsistent => "Inconsistent",
    }
}

/// Why the matcher could not judge an image (the server's re-verification), as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchFailure {
    UnsupportedFormat,
    Empty,
    TooLarge,
    NoRedInk,
    Corrupt,
    InvalidOption,
    Grayscale,
    Truncated,
}

impl From<&matcher::MatchError> for MatchFailure {
    fn from(e: &matcher::MatchError) -> Self {
        use matcher::MatchError as E;
        match e {
            E::UnsupportedFormat => Self::UnsupportedFormat,
            E::Empty => Self::Empty,
            E::TooLarge(_) => Self::TooLarge,
            E::NoRedInk => Self::NoRedInk,
            E::Corrupt(_) => Self::Corrupt,
            E::InvalidOption(_) => Self::InvalidOption,
            E::Grayscale => Self::Grayscale,
            E::Truncated => Self::Truncated,
        }
    }
}

/// What the comparison use cases (`server::comparisons`) refuse, as data (`i18n` renders it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ComparisonError {
    /// The query form: every wrong field.
    Query { errors: Vec<QueryError> },
    /// The ID has no registered seal: nothing to compare with.
    NoRegisteredSeal,
    /// The query has its record already (records are never changed, only annotated).
    AlreadySubmitted,
    /// The same query is being submitted from elsewhere at this moment.
    SubmitInProgress,
    /// The explanation is longer than [`COMMENT_MAX`] characters.
    CommentTooLong,
    /// The submission has no questioned image (its `questioned` part missing or unreadable).
    ImageEncoding,
    /// The submission is not what the page sends (multipart with a `submission` part of JSON).
    SubmissionForm,
    /// The uploaded image was refused.
    Upload { error: UploadError },
    /// The server's matcher could not judge the image.
    Unmatchable { failure: MatchFailure },
    /// The browser's and the server's results differ and no explanation was given.
    DiscrepancyNeedsComment { server_band: Band, server_score: f64, browser_band: Band, browser_score: f64 },
    /// 相符 against the system's 不符 needs an explanation.
    MatchOverInconsistentNeedsComment,
    /// An annotation must say something, in at most [`COMMENT_MAX`] characters.
    NoteText,
}

/// Longest explanation or annotation, in characters.
pub const COMMENT_MAX: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> QueryInput {
        QueryInput {
            business_type: "land_registration".into(),
            case_year: "115".into(),
            case_word: "大安".into(),
            case_number: "001234".into(),
            national_id: "A123456789".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_query_parses() {
        let q = input().parse().unwrap();
        assert_eq!(q.business_type, BusinessType::LandRegistration);
        assert_eq!(q.case_number.to_string(), "115年大安字第001234號");
        assert_eq!(q.person_name, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad =
            QueryInput { business_type: "".into(), case_year: "x".into(), national_id: "A123456788".into(), ..input() };
        let errs = bad.parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field()).collect();
        assert_eq!(fields, ["business_type", "case_number", "national_id"]);
    }

    #[test]
    fn free_form_case_numbers_are_kept() {
        let q = QueryInput {
            case_year: "".into(),
            case_word: "".into(),
            case_number: "".into(),
            case_free: "北市地登字第5號函".into(),
            ..input()
        };
        assert!(matches!(q.parse().unwrap().case_number, CaseNumber::FreeForm(_)));
        let empty = QueryInput { case_free: " ".into(), ..q };
        assert_eq!(empty.parse().unwrap_err()[0].field(), "case_number");
    }

    #[test]
    fn decisions_round_trip() {
        for d in Decision::ALL {
            assert_eq!(Decision::parse(d.code()), Some(d));
        }
    }

    #[test]
    fn agreement_needs_same_band_and_close_score() {
        let b = BrowserResult {
            score: 0.95,
            band: Band::Consistent,
            alignment: Alignment { rotation_deg: 0.0, scale: 1.0, tx: 0.0, ty: 0.0 },
            manual: false,
        };
        assert!(b.agrees_with(0.955, Band::Consistent));
        assert!(!b.agrees_with(0.93, Band::Consistent));
        assert!(!b.agrees_with(0.95, Band::Review));
    }
}
