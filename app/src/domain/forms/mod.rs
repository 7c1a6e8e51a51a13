//! The paper forms of the regulation as typed forms: raw input as typed, parsed into a value
//! that is valid by construction; the browser and the server run the same parser.

pub mod account_request;
pub mod internal_audit;
pub mod liaison_slip;
pub mod vendor_audit;

use serde::{Deserialize, Serialize};

/// One field's problem, in zh-TW (the UI's first language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// Text of a required field: trimmed, present, at most `max` characters, no control characters.
pub(crate) fn required_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::new(field, format!("請填寫{label}")));
        None
    } else {
        optional_text(errors, field, label, v, max).or(Some(String::new())).filter(|s| !s.is_empty())
    }
}

/// Text of an optional field: `None` when blank.
pub(crate) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.chars().count() > max || v.chars().any(char::is_control) {
        errors.push(FieldError::new(field, format!("{label}最多 {max} 字，且不可含控制字元")));
        return None;
    }
    Some(v.to_string())
}
