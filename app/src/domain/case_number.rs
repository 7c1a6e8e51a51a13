//! 文號/案號: `115 年 大安 字第 001234 號`, or free text when the document uses another scheme.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum CaseNumberError {
    #[error("請輸入案號")]
    Empty,
    #[error("案號年度須為民國 1 至 999 年")]
    Year,
    #[error("案號的「字」須為 1 至 10 個字，不含數字或符號")]
    Word,
    #[error("案號的「號」須為 1 至 10 位數字")]
    Number,
    #[error("案號過長（最多 60 字）或含控制字元")]
    FreeForm,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}
