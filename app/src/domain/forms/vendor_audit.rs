//! 軟體委外廠商資訊安全稽核紀錄表 (附件三): the 8 sections and 41 items verbatim, each answered
//! 符合 / 不符合 / 不適用 with a findings note (稽核情形); recommendations (建議事項). Each 不符合
//! becomes a follow-up item. The browser and the server run the same parser.

use serde::{Deserialize, Serialize};

use super::{optional_text, FieldError, FieldProblem, Label};
pub use crate::domain::audit::AnswerResult;

pub use crate::domain::checklists::{item_code, item_codes, VENDOR_SECTIONS};

/// One item's answer as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VendorAnswerInput {
    /// `1.(1)` … `8.(5)`
    pub item: String,
    /// `conforms`, `does_not_conform`, `not_applicable`
    pub result: String,
    /// 稽核情形
    pub finding: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorAnswer {
    pub item: String,
    pub result: AnswerResult,
    pub finding: Option<String>,
}

impl VendorAnswerInput {
    /// A 不符合 needs its finding (what was seen): it becomes a follow-up item.
    pub fn parse(&self) -> Result<VendorAnswer, Vec<FieldError>> {
        let mut e = Vec::new();
        let item = self.item.trim().to_string();
        if !item_codes().contains(&item) {
            e.push(FieldError::new("item", FieldProblem::NoSuchAuditItem));
        }
        let result = AnswerResult::parse(self.result.trim());
        if result.is_none() {
            e.push(FieldError::new("result", FieldProblem::TickVendorResult));
        }
        let finding = optional_text(&mut e, "finding", Label::Finding, &self.finding, 1000);
        if result == Some(AnswerResult::DoesNotConform) && finding.is_none() && e.is_empty() {
            e.push(FieldError::new("finding", FieldProblem::VendorFindingRequired));
        }
        match result {
            Some(result) if e.is_empty() => Ok(VendorAnswer { item, result, finding }),
            _ => Err(e),
        }
    }
}

/// Whether a set of answers covers every item exactly once (the record can be signed then).
pub fn complete(answers: &[VendorAnswer]) -> Result<(), Vec<String>> {
    let codes = item_codes();
    let missing: Vec<String> = codes.iter().filter(|c| !answers.iter().any(|a| &a.item == *c)).cloned().collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_sections_forty_one_items_verbatim() {
        assert_eq!(VENDOR_SECTIONS.len(), 8);
        assert_eq!(VENDOR_SECTIONS.iter().map(|(_, i)| i.len()).sum::<usize>(), 41);
        let names: Vec<&str> = VENDOR_SECTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            [
                "資產安全",
                "人員安全",
                "應用程式安全",
                "系統及資料安全",
                "實體安全",
                "網路安全",
                "資安事件管理",
                "緊急應變"
            ]
        );
        assert_eq!(VENDOR_SECTIONS[3].1[8], "現場查核設備時間是否正確使用NTP網路校時");
        assert_eq!(item_codes().len(), 41);
        assert_eq!(item_codes()[40], "8.(5)");
    }

    #[test]
    fn answers() {
        let a = VendorAnswerInput { item: "3.(8)".into(), result: "conforms".into(), finding: "".into() };
        assert_eq!(a.parse().unwrap().result, AnswerResult::Conforms);
        let no = VendorAnswerInput { result: "does_not_conform".into(), ..a.clone() };
        let fields = |i: &VendorAnswerInput| {
            i.parse().err().unwrap_or_default().into_iter().map(|e| e.field).collect::<Vec<_>>()
        };
        assert_eq!(fields(&no), ["finding"]);
        assert!(VendorAnswerInput { finding: "上傳檔案未掃毒".into(), ..no }.parse().is_ok());
        assert_eq!(fields(&VendorAnswerInput { item: "9.(1)".into(), ..a.clone() }), ["item"]);
        assert_eq!(fields(&VendorAnswerInput { result: "maybe".into(), ..a }), ["result"]);
        let all: Vec<VendorAnswer> = item_codes()
            .into_iter()
            .map(|item| VendorAnswer { item, result: AnswerResult::NotApplicable, finding: None })
            .collect();
        assert!(complete(&all).is_ok());
        assert_eq!(complete(&all[1..]).unwrap_err(), ["1.(1)"]);
    }
}
