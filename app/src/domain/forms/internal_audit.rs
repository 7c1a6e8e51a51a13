//! 稽核紀錄表 (附件二): the users' items (sample 50 %) and the query records' items (sample 1 %
//! of the month's look-ups), each answered 符合 / 不符 per sampled item with totals; retention;
//! the last audit's result; this audit's result and recommendations. The browser and the server
//! run the same parser.

use serde::{Deserialize, Serialize};

use super::{optional_text, FieldError, FieldProblem, Label};

pub use crate::domain::audit::Part;
pub use crate::domain::checklists::{QUERY_ITEMS, RETENTION_ITEM, USER_ITEMS};

/// One answer (符合 / 不符) to one item for one sampled user or look-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    /// `users` or `queries`
    pub part: String,
    /// 0-based index into the part's items
    pub item: usize,
    /// The sampled account's or look-up's id (no personal data: the key the browser keeps offline)
    pub sample: i64,
    /// `conforms` or `does_not_conform`
    pub result: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub part: Part,
    pub item: usize,
    pub sample: i64,
    pub conforms: bool,
    pub note: Option<String>,
}

impl AnswerInput {
    pub fn parse(&self) -> Result<Answer, Vec<FieldError>> {
        let mut e = Vec::new();
        let part = Part::parse(self.part.trim());
        if part.is_none_or(|p| p == Part::Vendor) {
            e.push(FieldError::new("part", FieldProblem::NoSuchAuditItem));
        }
        if self.item >= part.map_or(QUERY_ITEMS.len(), Part::items) {
            e.push(FieldError::new("item", FieldProblem::NoSuchAuditItem));
        }
        if part == Some(Part::Retention) && self.sample != 0 {
            e.push(FieldError::new("sample", FieldProblem::NoSuchAuditItem));
        }
        let conforms = match self.result.trim() {
            "conforms" => Some(true),
            "does_not_conform" => Some(false),
            _ => {
                e.push(FieldError::new("result", FieldProblem::TickResult));
                None
            }
        };
        let note = optional_text(&mut e, "note", Label::AnswerNote, &self.note, 500);
        if conforms == Some(false) && note.is_none() && e.is_empty() {
            e.push(FieldError::new("note", FieldProblem::ExplainNonConforming));
        }
        match (part, conforms) {
            (Some(part), Some(conforms)) if e.is_empty() => {
                Ok(Answer { part, item: self.item, sample: self.sample, conforms, note })
            }
            _ => Err(e),
        }
    }
}

/// 符合 / 不符 counts per item of a part, as the form totals them.
pub fn totals(answers: &[Answer], part: Part, items: usize) -> Vec<(usize, usize)> {
    (0..items)
        .map(|i| {
            let of_item = answers.iter().filter(|a| a.part == part && a.item == i);
            let yes = of_item.clone().filter(|a| a.conforms).count();
            let no = of_item.filter(|a| !a.conforms).count();
            (yes, no)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_as_printed() {
        assert!(USER_ITEMS[1].contains("帳號異動申請單"));
        assert!(QUERY_ITEMS[0].contains("含非上班時間者"));
        assert_eq!(RETENTION_ITEM, "內部稽核資料書面至少保留五年");
    }

    #[test]
    fn answers_and_totals() {
        let a = AnswerInput { part: "queries".into(), item: 2, sample: 7, result: "conforms".into(), note: "".into() };
        let ok = a.parse().unwrap();
        let fields =
            |i: &AnswerInput| i.parse().err().unwrap_or_default().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&AnswerInput { result: "does_not_conform".into(), ..a.clone() }), ["note"]);
        let no =
            AnswerInput { result: "does_not_conform".into(), note: "非公務查詢".into(), sample: 8, ..a.clone() }
                .parse()
                .unwrap();
        assert_eq!(fields(&AnswerInput { item: 3, ..a.clone() }), ["item"]);
        assert_eq!(
            fields(&AnswerInput { part: "users".into(), item: 2, ..a.clone() }),
            ["item"],
            "the review date is not answered per user"
        );
        assert_eq!(fields(&AnswerInput { part: "x".into(), ..a.clone() }), ["part"]);
        let kept = AnswerInput { part: "retention".into(), item: 0, sample: 0, ..a.clone() };
        assert_eq!(kept.parse().unwrap().part, Part::Retention);
        assert_eq!(fields(&AnswerInput { sample: 3, ..kept.clone() }), ["sample"]);
        assert_eq!(fields(&AnswerInput { item: 1, ..kept }), ["item"]);
        assert_eq!(fields(&AnswerInput { result: "".into(), ..a }), ["result"]);
        assert_eq!(totals(&[ok, no], Part::Queries, 3), [(0, 0), (0, 0), (1, 1)]);
    }
}
