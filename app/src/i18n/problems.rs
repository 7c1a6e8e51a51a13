//! Every [`Problem`] in zh-TW and English: rendered from the typed value, never translated back
//! from a sentence (the old catalogue, `errors.rs`, serves only [`Problem::Text`] until the last
//! use case is converted).

use super::Locale;
use crate::domain::problem::Problem;
use crate::domain::{CaseNumberError, EmployeeNoError, NationalIdError, RocDateError};

/// The problem in the reader's language.
pub fn problem_text(p: &Problem, l: Locale) -> String {
    match p {
        Problem::NationalId(e) => national_id(*e, l).into(),
        Problem::EmployeeNo(e) => employee_no(*e, l).into(),
        Problem::CaseNumber(e) => case_number(*e, l).into(),
        Problem::RocDate(e) => roc_date(*e, l).into(),
        Problem::Text(s) => match l {
            Locale::ZhTw => s.clone(),
            Locale::En => super::errors::en(s),
        },
    }
}

pub fn national_id(e: NationalIdError, l: Locale) -> &'static str {
    match e {
        NationalIdError::Format => l.pick(
            "身分證統一編號須為 1 個英文字母加 9 位數字",
            "The national ID number must be 1 letter followed by 9 digits",
        ),
        NationalIdError::SecondDigit => l.pick(
            "第 2 碼須為 1、2（國民）或 8、9（居留證）",
            "The 2nd character must be 1 or 2 (citizen) or 8 or 9 (resident certificate)",
        ),
        NationalIdError::Checksum => {
            l.pick("身分證統一編號檢查碼不符", "The national ID number's check digit does not match")
        }
    }
}

pub fn employee_no(e: EmployeeNoError, l: Locale) -> &'static str {
    match e {
        EmployeeNoError::Format => {
            l.pick("員工編號須為 4 至 12 個英文字母或數字", "The employee number must be 4 to 12 letters or digits")
        }
    }
}

pub fn case_number(e: CaseNumberError, l: Locale) -> &'static str {
    match e {
        CaseNumberError::Empty => l.pick("請輸入案號", "Please enter the case number"),
        CaseNumberError::Year => {
            l.pick("案號年度須為民國 1 至 999 年", "The case number's year must be ROC year 1 to 999")
        }
        CaseNumberError::Word => l.pick(
            "案號的「字」須為 1 至 10 個字，不含數字或符號",
            "The “Word” part of the case number must be 1 to 10 characters, without digits or symbols",
        ),
        CaseNumberError::Number => {
            l.pick("案號的「號」須為 1 至 10 位數字", "The “Number” part of the case number must be 1 to 10 digits")
        }
        CaseNumberError::FreeForm => l.pick(
            "案號過長（最多 60 字）或含控制字元",
            "The case number is too long (at most 60 characters) or contains control characters",
        ),
    }
}

pub fn roc_date(e: RocDateError, l: Locale) -> &'static str {
    match e {
        RocDateError::Format => l.pick(
            "日期格式不正確，請輸入如 115/11/26 或 民國115年11月26日",
            "Invalid date: enter an ROC date such as 115/11/26 or 民國115年11月26日",
        ),
        RocDateError::NoSuchDay => l.pick("沒有這一天", "There is no such day"),
        RocDateError::BeforeRoc => l.pick("民國年須在 1 年之後", "The ROC year must be 1 or later"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every typed problem, both languages: zh-TW in Chinese, English without a Chinese
    /// character (but for the example of an ROC date, which is written in Chinese).
    #[test]
    fn every_typed_problem_renders_in_both_languages() {
        let all: Vec<Problem> = [NationalIdError::Format, NationalIdError::SecondDigit, NationalIdError::Checksum]
            .into_iter()
            .map(Problem::from)
            .chain([EmployeeNoError::Format].into_iter().map(Problem::from))
            .chain(
                [
                    CaseNumberError::Empty,
                    CaseNumberError::Year,
                    CaseNumberError::Word,
                    CaseNumberError::Number,
                    CaseNumberError::FreeForm,
                ]
                .into_iter()
                .map(Problem::from),
            )
            .chain(
                [RocDateError::Format, RocDateError::NoSuchDay, RocDateError::BeforeRoc].into_iter().map(Problem::from),
            )
            .collect();
        for p in &all {
            let (zh, en) = (problem_text(p, Locale::ZhTw), problem_text(p, Locale::En));
            assert!(has_cjk(&zh), "{p:?}: {zh}");
            assert!(!has_cjk(&en.replace("民國115年11月26日", "")), "{p:?}: {en}");
            // it travels as data and comes back the same
            let back: Problem = serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap();
            assert_eq!(&back, p);
        }
        // the domain's own words and the rendering agree while both exist
        assert_eq!(
            problem_text(&Problem::from(NationalIdError::Checksum), Locale::ZhTw),
            NationalIdError::Checksum.to_string()
        );
    }
}
