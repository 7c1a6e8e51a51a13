//! 身分證統一編號 / 居留證統一證號: one letter, then nine digits, last a checksum.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a national ID number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum NationalIdError {
    #[error("national ID: not 1 letter and 9 digits")]
    Format,
    #[error("national ID: second character not 1, 2, 8 or 9")]
    SecondDigit,
    #[error("national ID: check digit does not match")]
    Checksum,
}

/// A validated national ID number. The only way to get one is [`NationalId::parse`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId(String);

/// Two-digit code of each household registration area letter.
fn letter_code(c: u8) -> Option<u32> {
    const CODES: [u32; 26] =
        [10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33];
    c.is_ascii_uppercase().then(|| CODES[(c - b'A') as usize])
}

impl NationalId {
    /// Parse user input: surrounding blanks are ignored and the letter may be lower case.
    pub fn parse(input: &str) -> Result<Self, NationalIdError> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 10 || !b[0].is_ascii_uppercase() || !b[1..].iter().all(u8::is_ascii_digit) {
            return Err(NationalIdError::Format);
        }
        if !matches!(b[1], b'1' | b'2' | b'8' | b'9') {
            return Err(NationalIdError::SecondDigit);
        }
        let code = letter_code(b[0]).ok_or(NationalIdError::Format)?;
        let mut sum = (code / 10) + (code % 10) * 9;
        const WEIGHTS: [u32; 9] = [8, 7, 6, 5, 4, 3, 2, 1, 1];
        for (d, w) in b[1..].iter().zip(WEIGHTS) {
            sum += u32::from(d - b'0') * w;
        }
        if sum % 10 != 0 {
            return Err(NationalIdError::Checksum);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Masked for display where the full number is not needed: `A12****789`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// A stored number masked for display; one that no longer parses is hidden whole.
    pub fn mask_stored(raw: &str) -> String {
        Self::parse(raw).map(|n| n.masked()).unwrap_or_else(|_| "**********".into())
    }

    /// Whether this is a resident certificate (居留證) number rather than a citizen's.
    pub fn is_resident_certificate(&self) -> bool {
        matches!(self.0.as_bytes()[1], b'8' | b'9')
    }
}

impl fmt::Display for NationalId {
    /// Display is masked; use [`NationalId::as_str`] where the full number is needed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

// The database reads and writes the number as text: a row's column is a `NationalId` from the row
// on, and one that does not parse is a decode error (a corrupt row), never a string passed along.
#[cfg(feature = "ssr")]
impl<DB: sqlx::Database> sqlx::Type<DB> for NationalId
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

#[cfg(feature = "ssr")]
impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for NationalId
where
    String: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<'q, DB>>::encode_by_ref(&self.0, buf)
    }
}

#[cfg(feature = "ssr")]
impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for NationalId
where
    &'r str: sqlx::Decode<'r, DB>,
{
    fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let raw = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
        // stored numbers are stored parsed: parsing again must give the same text
        match Self::parse(raw) {
            Ok(id) if id.0 == raw => Ok(id),
            _ => Err(format!("a stored national ID that does not read ({})", Self::mask_stored(raw)).into()),
        }
    }
}

impl TryFrom<String> for NationalId {
    type Error = NationalIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<NationalId> for String {
    fn from(id: NationalId) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_citizen_and_resident_numbers() {
        for id in ["A123456789", "F131104093", "a123456789", " B142442439 ", "A800000014", "A900000016"] {
            assert!(NationalId::parse(id).is_ok(), "{id} should be valid");
        }
        assert!(NationalId::parse("A800000014").unwrap().is_resident_certificate());
        assert!(!NationalId::parse("A123456789").unwrap().is_resident_certificate());
    }

    #[test]
    fn invalid_numbers_say_why() {
        assert_eq!(NationalId::parse("A123456788"), Err(NationalIdError::Checksum));
        assert_eq!(NationalId::parse("A323456789"), Err(NationalIdError::SecondDigit));
        assert_eq!(NationalId::parse("A12345678"), Err(NationalIdError::Format));
        assert_eq!(NationalId::parse("1123456789"), Err(NationalIdError::Format));
        assert_eq!(NationalId::parse("A12345678X"), Err(NationalIdError::Format));
        assert_eq!(NationalId::parse(""), Err(NationalIdError::Format));
        assert_eq!(NationalId::parse("Ａ123456789"), Err(NationalIdError::Format));
    }

    #[test]
    fn every_letter_has_a_code_and_checksum_catches_single_digit_errors() {
        // Build a valid number for every letter by choosing the check digit, then flip a digit.
        for letter in b'A'..=b'Z' {
            let body = "12345678";
            let mut found = None;
            for check in 0..10 {
                let s = format!("{}{}{}", letter as char, body, check);
                if NationalId::parse(&s).is_ok() {
                    assert!(found.is_none(), "two check digits valid for {s}");
                    found = Some(s);
                }
            }
            let s = found.expect("each letter admits exactly one check digit");
            let mut bad = s.clone().into_bytes();
            bad[4] = if bad[4] == b'9' { b'0' } else { bad[4] + 1 };
            assert_eq!(NationalId::parse(std::str::from_utf8(&bad).unwrap()), Err(NationalIdError::Checksum));
        }
    }

    #[test]
    fn masked_everywhere_by_default() {
        let id = NationalId::parse("A123456789").unwrap();
        assert_eq!(id.masked(), "A12****789");
        assert_eq!(id.to_string(), "A12****789");
        assert_eq!(format!("{id:?}"), "NationalId(A12****789)");
        assert_eq!(id.as_str(), "A123456789");
    }

    #[test]
    fn serde_validates() {
        let ok: NationalId = serde_json::from_str("\"A123456789\"").unwrap();
        assert_eq!(ok.as_str(), "A123456789");
        assert!(serde_json::from_str::<NationalId>("\"A123456788\"").is_err());
    }
}
