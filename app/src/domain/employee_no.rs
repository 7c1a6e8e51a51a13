//! 員工編號: the account name of every user (附件五 說明(一)).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum EmployeeNoError {
    #[error("employee number: not 4 to 12 letters or digits")]
    Format,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmployeeNo(String);

impl EmployeeNo {
    /// Blanks around are ignored; letters are kept upper case.
    pub fn parse(input: &str) -> Result<Self, EmployeeNoError> {
        let s = input.trim().to_ascii_uppercase();
        if !(4..=12).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(EmployeeNoError::Format);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmployeeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for EmployeeNo {
    type Error = EmployeeNoError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<EmployeeNo> for String {
    fn from(e: EmployeeNo) -> String {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        assert_eq!(EmployeeNo::parse(" a10001 ").unwrap().as_str(), "A10001");
        assert!(EmployeeNo::parse("123").is_err());
        assert!(EmployeeNo::parse("A1000100010001").is_err());
        assert!(EmployeeNo::parse("A10-01").is_err());
        assert!(EmployeeNo::parse("王小明").is_err());
    }
}
