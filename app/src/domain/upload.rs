//! Why an uploaded image was refused, as data: the server's checks (`server::uploads`) answer
//! with an [`UploadError`], the trail keeps its [`UploadError::code`], and `i18n` renders it in
//! the reader's language (the browser shows the same words for the same refusal).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadError {
    /// No file came.
    Empty,
    /// The file is larger than the configured limit.
    TooLarge { size_kb: usize, max_kb: usize },
    /// Not a PNG, JPEG, TIFF or single-scan PDF.
    NotImage,
    /// An image of a known type that cannot be read.
    Corrupt,
    /// The file ends early (transfer or save interrupted).
    Truncated,
    /// A greyscale or black-and-white scan: red ink cannot be told apart.
    Grayscale,
    /// Beyond what the matcher decodes (20 MB, 40 million pixels).
    BeyondMatcher,
    /// More pixels than the configured limit (`max` in units of ten thousand pixels).
    TooManyPixels { width: u32, height: u32, max: u64 },
    /// The decoded image would take more memory than allowed.
    TooLargeDecoded { mb: u64, max_mb: u64 },
    /// The malware scanner found something (its signature name).
    Infected(String),
    /// The malware scanner does not answer.
    ScanUnavailable,
}

impl UploadError {
    /// For the trail.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge { .. } => "too_large",
            Self::NotImage => "not_image",
            Self::Corrupt => "corrupt",
            Self::Truncated => "truncated",
            Self::Grayscale => "grayscale",
            Self::BeyondMatcher => "too_large_for_matcher",
            Self::TooManyPixels { .. } => "too_many_pixels",
            Self::TooLargeDecoded { .. } => "too_large_decoded",
            Self::Infected(_) => "infected",
            Self::ScanUnavailable => "scan_unavailable",
        }
    }
}
