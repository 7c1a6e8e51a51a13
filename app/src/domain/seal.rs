//! The registered-seal registry as household registration offices use it: a person's versions
//! and the upload of a new or rebuilt impression (印模重建). The form parses here (browser and
//! server alike); what the use cases (`server::seals`) refuse is [`SealError`], worded by i18n.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::upload::UploadError;
use super::{NationalId, NationalIdError, RocDate, RocDateError};

/// One registered version as the registry page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealVersionView {
    pub id: i64,
    pub version: i64,
    pub image_b64: String,
    pub media_type: String,
    pub registered_on: Option<RocDate>,
    pub office_name: String,
    pub reason: SealReason,
    pub unclear: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// A person's registered impressions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSeals {
    pub national_id_masked: String,
    pub name: String,
    /// Oldest first; the last is current.
    pub versions: Vec<SealVersionView>,
}

coded! {
    /// Why a registered-seal version exists.
    pub enum SealReason {
        /// Bulk import.
        Import = "import" ("匯入", "Imported"),
        /// A newly registered seal.
        New = "new" ("新登記", "New registration"),
        /// 印模重建: the same seal, impression taken again.
        Rebuild = "rebuild" ("印模重建", "Impression rebuilt"),
        /// The seal registration date corrected (image unchanged).
        DateCorrection = "date_correction" ("更正登記日期", "Registration date corrected"),
    }
}

/// The upload form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealUpload {
    pub national_id: String,
    pub person_name: String,
    pub image_b64: String,
    /// ROC date as typed (e.g. `115/11/26`); may be blank.
    pub registered_on: String,
    /// `new` or `rebuild`.
    pub reason: String,
    pub note: String,
}

/// Why an office uploads an impression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadReason {
    /// 新登記
    New,
    /// 印模重建
    Rebuild,
}

/// The upload, parsed: every field typed, the image's bytes decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedSealUpload {
    pub national_id: NationalId,
    pub person_name: Option<String>,
    pub image: Vec<u8>,
    pub registered_on: Option<NaiveDate>,
    pub reason: UploadReason,
    pub note: String,
}

/// Longest name and note, in characters.
pub const NAME_MAX: usize = 40;
pub const NOTE_MAX: usize = 500;

/// What the registry's use cases refuse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SealError {
    NationalId {
        error: NationalIdError,
    },
    /// Neither 新登記 nor 印模重建 chosen.
    Reason,
    RegisteredOn {
        error: RocDateError,
    },
    /// Over [`NAME_MAX`] characters or control characters.
    PersonName,
    /// Over [`NOTE_MAX`] characters.
    NoteTooLong,
    /// 印模重建 for a person with no registered seal.
    NothingToRebuild,
    /// The image sent is not base64 of a file.
    ImageEncoding,
    /// The uploaded image was refused.
    Upload {
        error: UploadError,
    },
    /// No red impression found in the image.
    NoRedInk,
}

impl SealUpload {
    pub fn parse(&self) -> Result<ParsedSealUpload, SealError> {
        use base64::Engine;
        let national_id = NationalId::parse(&self.national_id).map_err(|error| SealError::NationalId { error })?;
        let reason = match self.reason.as_str() {
            "new" => UploadReason::New,
            "rebuild" => UploadReason::Rebuild,
            _ => return Err(SealError::Reason),
        };
        let registered_on = match self.registered_on.trim() {
            "" => None,
            s => Some(RocDate::parse(s).map_err(|error| SealError::RegisteredOn { error })?.gregorian()),
        };
        let name = self.person_name.trim();
        if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
            return Err(SealError::PersonName);
        }
        let note = self.note.trim();
        if note.chars().count() > NOTE_MAX {
            return Err(SealError::NoteTooLong);
        }
        let image = base64::engine::general_purpose::STANDARD
            .decode(self.image_b64.trim())
            .map_err(|_| SealError::ImageEncoding)?;
        Ok(ParsedSealUpload {
            national_id,
            person_name: (!name.is_empty()).then(|| name.to_string()),
            image,
            registered_on,
            reason,
            note: note.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SealUpload {
        SealUpload {
            national_id: "A123456789".into(),
            person_name: "王小明".into(),
            image_b64: "iVBORw0KGgo=".into(),
            registered_on: "108/03/14".into(),
            reason: "rebuild".into(),
            note: "".into(),
        }
    }

    #[test]
    fn a_complete_upload_parses() {
        let p = form().parse().unwrap();
        assert_eq!(p.reason, UploadReason::Rebuild);
        assert_eq!(p.registered_on, NaiveDate::from_ymd_opt(2019, 3, 14));
        assert_eq!(p.image, b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn each_field_has_its_refusal() {
        let cases = [
            (SealUpload { national_id: "A123456788".into(), ..form() }, "national_id"),
            (SealUpload { reason: "".into(), ..form() }, "reason"),
            (SealUpload { registered_on: "108/02/30".into(), ..form() }, "registered_on"),
            (SealUpload { person_name: "x".repeat(41), ..form() }, "person_name"),
            (SealUpload { note: "x".repeat(501), ..form() }, "note_too_long"),
            (SealUpload { image_b64: "not base64!".into(), ..form() }, "image_encoding"),
        ];
        for (f, kind) in cases {
            let e = f.parse().unwrap_err();
            assert_eq!(serde_json::to_value(&e).unwrap()["kind"], kind, "{e:?}");
        }
    }
}
