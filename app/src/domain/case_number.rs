//! 文號/案號: `115 年 大安 字第 001234 號`, or free text when the document uses another scheme.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum CaseNumberError {
    #[error("case number: empty")]
    Empty,
    #[error("case number: year not 1 to 999")]
    Year,
    #[error("case number: word not 1 to 10 characters without digits or symbols")]
    Word,
    #[error("case number: number not 1 to 10 digits")]
    Number,
    #[error("case number: longer than 60 characters or control characters")]
    FreeForm,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Wire", into = "Wire")]
pub enum CaseNumber {
    /// 年 / 字 / 號. The number keeps its leading zeros as written.
    Structured { year: u16, word: String, number: String },
    /// Any other document or case number, kept as written.
    FreeForm(String),
}

impl CaseNumber {
    pub fn structured(year: &str, word: &str, number: &str) -> Result<Self, CaseNumberError> {
        let year = year.trim();
        let word = word.trim().trim_end_matches("字第").trim_end_matches('字').trim();
        let number = number.trim().trim_end_matches('號').trim();
        if year.is_empty() && word.is_empty() && number.is_empty() {
            return Err(CaseNumberError::Empty);
        }
        let y: u16 = year.parse().map_err(|_| CaseNumberError::Year)?;
        if !(1..=999).contains(&y) {
            return Err(CaseNumberError::Year);
        }
        let wlen = word.chars().count();
        if !(1..=10).contains(&wlen)
            || word
                .chars()
                .any(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace() || c.is_control())
        {
            return Err(CaseNumberError::Word);
        }
        if !(1..=10).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CaseNumberError::Number);
        }
        Ok(Self::Structured { year: y, word: word.to_string(), number: number.to_string() })
    }

    /// Free text: recognised as 年/字/號 when it has that shape, otherwise kept verbatim.
    pub fn parse(input: &str) -> Result<Self, CaseNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CaseNumberError::Empty);
        }
        if let Some((year, rest)) = s.split_once('年') {
            if let Some((word, rest)) = rest.split_once("字第") {
                if let Some(number) = rest.strip_suffix('號') {
                    if let Ok(c) = Self::structured(year, word, number) {
                        return Ok(c);
                    }
                }
            }
        }
        if s.chars().count() > 60 || s.chars().any(char::is_control) {
            return Err(CaseNumberError::FreeForm);
        }
        Ok(Self::FreeForm(s.to_string()))
    }
}

/// A case number as it travels: read back through the same checks as typed, so that one
/// arriving from elsewhere (a server function's input) is a valid one or an error.
#[derive(Serialize, Deserialize)]
enum Wire {
    Structured { year: u16, word: String, number: String },
    FreeForm(String),
}

impl TryFrom<Wire> for CaseNumber {
    type Error = CaseNumberError;
    fn try_from(w: Wire) -> Result<Self, Self::Error> {
        match w {
            Wire::Structured { year, word, number } => Self::structured(&year.to_string(), &word, &number),
            Wire::FreeForm(s) => Self::parse(&s),
        }
    }
}

impl From<CaseNumber> for Wire {
    fn from(c: CaseNumber) -> Self {
        match c {
            CaseNumber::Structured { year, word, number } => Self::Structured { year, word, number },
            CaseNumber::FreeForm(s) => Self::FreeForm(s),
        }
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Structured { year, word, number } => write!(f, "{year}年{word}字第{number}號"),
            Self::FreeForm(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_and_free_form() {
        let c = CaseNumber::structured("115", "大安", "001234").unwrap();
        assert_eq!(c.to_string(), "115年大安字第001234號");
        assert_eq!(CaseNumber::parse("115年大安字第001234號").unwrap(), c);
        assert_eq!(
            CaseNumber::parse(" 北市地登字第1150001號 ").unwrap(),
            CaseNumber::FreeForm("北市地登字第1150001號".into())
        );
        assert_eq!(CaseNumber::structured("", "", ""), Err(CaseNumberError::Empty));
        assert_eq!(CaseNumber::structured("abc", "大安", "1"), Err(CaseNumberError::Year));
        assert_eq!(CaseNumber::structured("115", "", "1"), Err(CaseNumberError::Word));
        assert_eq!(CaseNumber::structured("115", "大安", "12a"), Err(CaseNumberError::Number));
        assert_eq!(CaseNumber::parse("   "), Err(CaseNumberError::Empty));
        assert_eq!(CaseNumber::parse(&"字".repeat(61)), Err(CaseNumberError::FreeForm));
    }

    #[test]
    fn serde_checks_as_typed() {
        let c = CaseNumber::structured("115", "大安", "001234").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<CaseNumber>(&json).unwrap(), c);
        let free = CaseNumber::parse("北市地登字第1150001號").unwrap();
        assert_eq!(serde_json::from_str::<CaseNumber>(&serde_json::to_string(&free).unwrap()).unwrap(), free);
        for bad in [
            r#"{"Structured":{"year":0,"word":"大安","number":"1"}}"#,
            r#"{"Structured":{"year":115,"word":"大安","number":"12a"}}"#,
            r#"{"FreeForm":"  "}"#,
            r#"{"FreeForm":"a\u0007b"}"#,
        ] {
            assert!(serde_json::from_str::<CaseNumber>(bad).is_err(), "{bad}");
        }
        let long = format!(r#"{{"FreeForm":"{}"}}"#, "字".repeat(61));
        assert!(serde_json::from_str::<CaseNumber>(&long).is_err());
    }
}
