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
    pub person_name: Option<String>,
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
        let name = self.person_name.trim();
        if name.chars().count() > 40 || name.chars().any(char::is_control) {
            errors.push(QueryError::PersonName);
        }
        match (business_type, case, id) {
            (Some(business_type), Some(case_number), Some(national_id)) if errors.is_empty() => Ok(ComparisonQuery {
                business_type,
                case_number,
                national_id,
                person_name: (!name.is_empty()).then(|| name.to_string()),
            }),
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

/// Largest score difference between browser and server that still counts as agreement.
pub const SCORE_TOLERANCE: f64 = 0.01;

impl BrowserResult {
    /// Does the server's result agree with this one (same band, score within tolerance)?
    pub fn agrees_with(&self, score: f64, band: Band) -> bool {
        self.band == band && (self.score - score).abs() <= SCORE_TOLERANCE
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
