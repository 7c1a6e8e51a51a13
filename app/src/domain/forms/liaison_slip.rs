//! 與戶政機關聯繫單 (附件一): 聯繫日期; 收件單位 (臺北市＿區戶政事務所); 發件單位 (地政局＿科(隊)
//! or ＿地政事務所, with 聯絡電話, 分機, 傳真); 案號 (＿年＿字第＿號); 承辦人, 課(股)長; the person's
//! name and national ID; the subject — ☐ 印模不清無法比對，請進行印鑑章印模重建 ☐ 戶役政資訊系統與
//! 印鑑比對系統印登記日期不一致 ☐ 其他 — and the office's reply: 聯絡電話, 承辦人員, ☐ 印模已完成重建
//! ☐ 其他. The browser and the server run the same parsers.

use serde::{Deserialize, Serialize};

use super::{optional_text, required_text, FieldError, FieldProblem, Label};
use crate::domain::{CaseNumber, NationalId, RocDate};

coded! {
    /// 查詢事項.
    pub enum SubjectKind {
        /// ☐ 印模不清無法比對，請進行印鑑章印模重建(不包含已變更印模重建)
        Unclear = "unclear" ("印模不清無法比對，請進行印鑑章印模重建(不包含已變更印模重建)", "Impression unclear, cannot compare: please rebuild the impression"),
        /// ☐ 戶役政資訊系統與印鑑比對系統印登記日期不一致
        DateMismatch = "date_mismatch" ("戶役政資訊系統與印鑑比對系統印登記日期不一致", "Registration dates differ between the household system and the seal system"),
        /// ☐ 其他
        Other = "other" ("其他", "Other"),
    }
}

/// The subject with what it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Subject {
    Unclear,
    /// Both dates recorded: the household registration system's, and the seal system's (blank
    /// when the seal system has none).
    DateMismatch {
        household: RocDate,
        seal: Option<RocDate>,
    },
    Other {
        text: String,
    },
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Self::Unclear => SubjectKind::Unclear,
            Self::DateMismatch { .. } => SubjectKind::DateMismatch,
            Self::Other { .. } => SubjectKind::Other,
        }
    }
}

/// A phone or fax number as written on a form: digits with `()+-#` spaces and 分機/轉; blank allowed.
pub fn phone_number(input: &str, label: Label) -> Result<String, FieldProblem> {
    match crate::domain::admin::contact_number(input) {
        Some(v) => Ok(v),
        None => Err(FieldProblem::PhoneFormat { label }),
    }
}

fn phone_field(errors: &mut Vec<FieldError>, field: &'static str, label: Label, value: &str) -> Option<String> {
    match phone_number(value, label) {
        Ok(v) if v.is_empty() => None,
        Ok(v) => Some(v),
        Err(p) => {
            errors.push(FieldError::new(field, p));
            None
        }
    }
}

fn date_field(errors: &mut Vec<FieldError>, field: &'static str, label: Label, value: &str) -> Option<RocDate> {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, FieldProblem::Required { label }));
        return None;
    }
    RocDate::parse(value)
        .map_err(|error| errors.push(FieldError::new(field, FieldProblem::Date { label: Some(label), error })))
        .ok()
}

/// The slip as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LiaisonSlipInput {
    /// 聯繫日期 (ROC)
    pub contact_date: String,
    /// 收件單位: the household registration office's unit code (`HR-DA`, …).
    pub office: String,
    /// 發件單位 聯絡電話, 分機, 傳真
    pub sender_phone: String,
    pub sender_ext: String,
    pub sender_fax: String,
    /// 案號: `115年大安字第001234號` or free text.
    pub case_number: String,
    /// 承辦人
    pub handler: String,
    /// 課(股)長
    pub section_chief: String,
    /// 印鑑登記當事人姓名
    pub person_name: String,
    pub national_id: String,
    /// `unclear`, `date_mismatch` or `other`
    pub subject: String,
    /// For a date mismatch: the household registration system's date (ROC).
    pub household_date: String,
    /// For a date mismatch: the seal system's date (ROC; blank when it has none).
    pub seal_date: String,
    /// For 其他.
    pub other_text: String,
}

/// A valid slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiaisonSlipForm {
    pub contact_date: RocDate,
    pub office: String,
    pub sender_phone: String,
    pub sender_ext: Option<String>,
    pub sender_fax: Option<String>,
    pub case_number: CaseNumber,
    pub handler: String,
    pub section_chief: Option<String>,
    pub person_name: String,
    pub national_id: NationalId,
    pub subject: Subject,
}

impl LiaisonSlipInput {
    /// Every field's problem at once, in form order.
    pub fn parse(&self) -> Result<LiaisonSlipForm, Vec<FieldError>> {
        let mut e = Vec::new();
        let contact_date = date_field(&mut e, "contact_date", Label::ContactDate, &self.contact_date);
        let office = self.office.trim();
        let office = if office.is_empty() {
            e.push(FieldError::new("office", FieldProblem::ChooseOffice));
            None
        } else if !(office.starts_with("HR-") && office.len() <= 10 && office.bytes().all(|b| b.is_ascii_graphic())) {
            e.push(FieldError::new("office", FieldProblem::NotHouseholdOffice));
            None
        } else {
            Some(office.to_string())
        };
        let sender_phone = if self.sender_phone.trim().is_empty() {
            e.push(FieldError::new("sender_phone", FieldProblem::Required { label: Label::SenderPhone }));
            None
        } else {
            phone_field(&mut e, "sender_phone", Label::ContactPhone, &self.sender_phone)
        };
        let sender_ext = match self.sender_ext.trim() {
            "" => None,
            x if x.len() <= 8 && x.bytes().all(|b| b.is_ascii_digit()) => Some(x.to_string()),
            _ => {
                e.push(FieldError::new("sender_ext", FieldProblem::Extension));
                None
            }
        };
        let sender_fax = phone_field(&mut e, "sender_fax", Label::Fax, &self.sender_fax);
        let case_number = CaseNumber::parse(&self.case_number)
            .map_err(|err| e.push(FieldError::new("case_number", FieldProblem::CaseNumber { error: err })))
            .ok();
        let handler = required_text(&mut e, "handler", Label::Handler, &self.handler, 40);
        let section_chief = optional_text(&mut e, "section_chief", Label::SectionChief, &self.section_chief, 40);
        let person_name = required_text(&mut e, "person_name", Label::PersonName, &self.person_name, 40);
        let national_id = if self.national_id.trim().is_empty() {
            e.push(FieldError::new("national_id", FieldProblem::Required { label: Label::NationalId }));
            None
        } else {
            NationalId::parse(&self.national_id)
                .map_err(|err| e.push(FieldError::new("national_id", FieldProblem::NationalId { error: err })))
                .ok()
        };
        let subject = match SubjectKind::parse(self.subject.trim()) {
            None => {
                e.push(FieldError::new("subject", FieldProblem::SubjectRequired));
                None
            }
            Some(SubjectKind::Unclear) => Some(Subject::Unclear),
            Some(SubjectKind::DateMismatch) => {
                let household = date_field(&mut e, "household_date", Label::HouseholdDate, &self.household_date);
                let seal = match self.seal_date.trim() {
                    "" => Ok(None),
                    s => RocDate::parse(s).map(Some).map_err(|err| {
                        e.push(FieldError::new(
                            "seal_date",
                            FieldProblem::Date { label: Some(Label::SealDate), error: err },
                        ));
                    }),
                };
                match (household, seal) {
                    (Some(h), Ok(s)) if s == Some(h) => {
                        e.push(FieldError::new("household_date", FieldProblem::SameDates));
                        None
                    }
                    (Some(household), Ok(seal)) => Some(Subject::DateMismatch { household, seal }),
                    _ => None,
                }
            }
            Some(SubjectKind::Other) => required_text(&mut e, "other_text", Label::OtherSubject, &self.other_text, 500)
                .map(|text| Subject::Other { text }),
        };
        match (contact_date, office, sender_phone, case_number, handler, person_name, national_id, subject) {
            (
                Some(contact_date),
                Some(office),
                Some(sender_phone),
                Some(case_number),
                Some(handler),
                Some(person_name),
                Some(national_id),
                Some(subject),
            ) if e.is_empty() => Ok(LiaisonSlipForm {
                contact_date,
                office,
                sender_phone,
                sender_ext,
                sender_fax,
                case_number,
                handler,
                section_chief,
                person_name,
                national_id,
                subject,
            }),
            _ => Err(e),
        }
    }
}

impl LiaisonSlipForm {
    /// Back to the typed shape (to edit a draft).
    pub fn to_input(&self) -> LiaisonSlipInput {
        let (household_date, seal_date, other_text) = match &self.subject {
            Subject::Unclear => Default::default(),
            Subject::DateMismatch { household, seal } => {
                (household.short(), seal.map(|s| s.short()).unwrap_or_default(), String::new())
            }
            Subject::Other { text } => (String::new(), String::new(), text.clone()),
        };
        LiaisonSlipInput {
            contact_date: self.contact_date.short(),
            office: self.office.clone(),
            sender_phone: self.sender_phone.clone(),
            sender_ext: self.sender_ext.clone().unwrap_or_default(),
            sender_fax: self.sender_fax.clone().unwrap_or_default(),
            case_number: self.case_number.to_string(),
            handler: self.handler.clone(),
            section_chief: self.section_chief.clone().unwrap_or_default(),
            person_name: self.person_name.clone(),
            national_id: self.national_id.as_str().to_string(),
            subject: self.subject.kind().code().to_string(),
            household_date,
            seal_date,
            other_text,
        }
    }
}

/// 回復內容.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReplyOutcome {
    /// ☐ 印模已完成重建 (the rebuilt impression is uploaded in the same step)
    Rebuilt,
    /// ☐ 其他
    Other { text: String },
}

/// The office's reply as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LiaisonReplyInput {
    /// 聯絡電話
    pub phone: String,
    /// 承辦人員
    pub handler: String,
    /// `rebuilt` or `other`
    pub outcome: String,
    pub other_text: String,
    /// For a date mismatch: the corrected seal registration date (ROC); blank leaves it.
    pub corrected_date: String,
    /// A rebuilt impression comes with the reply (the image travels beside the form).
    pub has_image: bool,
}

/// A valid reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiaisonReplyForm {
    pub phone: String,
    pub handler: String,
    pub outcome: ReplyOutcome,
    pub corrected_date: Option<RocDate>,
}

impl LiaisonReplyInput {
    pub fn parse(&self) -> Result<LiaisonReplyForm, Vec<FieldError>> {
        let mut e = Vec::new();
        let phone = if self.phone.trim().is_empty() {
            e.push(FieldError::new("phone", FieldProblem::Required { label: Label::ContactPhone }));
            None
        } else {
            phone_field(&mut e, "phone", Label::ContactPhone, &self.phone)
        };
        let handler = required_text(&mut e, "handler", Label::ReplyHandler, &self.handler, 40);
        let outcome = match self.outcome.trim() {
            "rebuilt" => {
                if !self.has_image {
                    e.push(FieldError::new("image", FieldProblem::ReplyImage));
                }
                Some(ReplyOutcome::Rebuilt)
            }
            "other" => required_text(&mut e, "other_text", Label::OtherReply, &self.other_text, 500)
                .map(|text| ReplyOutcome::Other { text }),
            _ => {
                e.push(FieldError::new("outcome", FieldProblem::ReplyOutcome));
                None
            }
        };
        let corrected_date = match self.corrected_date.trim() {
            "" => None,
            s => RocDate::parse(s)
                .map_err(|err| {
                    e.push(FieldError::new("corrected_date", FieldProblem::Date { label: None, error: err }))
                })
                .ok(),
        };
        match (phone, handler, outcome) {
            (Some(phone), Some(handler), Some(outcome)) if e.is_empty() => {
                Ok(LiaisonReplyForm { phone, handler, outcome, corrected_date })
            }
            _ => Err(e),
        }
    }
}

coded! {
    /// Where a slip stands.
    pub enum SlipState {
        /// 草稿: only the sending unit sees it.
        Draft = "draft" ("草稿", "Draft"),
        /// 待課(股)長核准 (when approval is required).
        AwaitingApproval = "awaiting_approval" ("待課(股)長核准", "Awaiting the section chief"),
        /// 已發送: in the office's inbox, not yet opened.
        Sent = "sent" ("已發送，待戶政收件", "Sent, not yet opened"),
        /// 戶政已收件: opened by the office.
        Received = "received" ("戶政已收件，待回復", "Opened by the office"),
        /// 戶政已回復
        Replied = "replied" ("戶政已回復", "Replied"),
        /// 已結案 (by the sender, after reading the reply)
        Closed = "closed" ("已結案", "Closed"),
        /// 已撤銷 (possible until the office has received it)
        Cancelled = "cancelled" ("已撤銷", "Cancelled"),
    }
}

impl SlipState {
    /// Waiting for the office's reply (the deadline runs).
    pub fn awaits_reply(self) -> bool {
        matches!(self, Self::Sent | Self::Received)
    }
    /// The office has it (it was sent at some point).
    pub fn visible_to_office(self, sent: bool) -> bool {
        !matches!(self, Self::Draft | Self::AwaitingApproval) && (sent || self != Self::Cancelled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> LiaisonSlipInput {
        LiaisonSlipInput {
            contact_date: "115/11/27".into(),
            office: "HR-DA".into(),
            sender_phone: "(02)2345-6789".into(),
            sender_ext: "123".into(),
            case_number: "115年大安字第001234號".into(),
            handler: "陳怡君".into(),
            person_name: "王大明".into(),
            national_id: "a123456789".into(),
            subject: "unclear".into(),
            ..Default::default()
        }
    }

    fn fields(i: &LiaisonSlipInput) -> Vec<String> {
        i.parse().err().unwrap_or_default().into_iter().map(|e| e.field.into_owned()).collect()
    }

    #[test]
    fn a_complete_slip_parses_and_round_trips() {
        let f = input().parse().unwrap();
        assert_eq!(f.national_id.as_str(), "A123456789");
        assert_eq!(f.subject, Subject::Unclear);
        assert_eq!(f.case_number.to_string(), "115年大安字第001234號");
        assert_eq!(f.sender_ext.as_deref(), Some("123"));
        assert_eq!(f.to_input().parse().unwrap(), f);
    }

    #[test]
    fn every_required_field_is_required() {
        assert_eq!(
            fields(&LiaisonSlipInput::default()),
            [
                "contact_date",
                "office",
                "sender_phone",
                "case_number",
                "handler",
                "person_name",
                "national_id",
                "subject"
            ]
        );
        // optional: extension, fax, section chief
        let f = LiaisonSlipInput { sender_ext: "".into(), sender_fax: "".into(), section_chief: "".into(), ..input() };
        assert!(f.parse().is_ok());
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(fields(&LiaisonSlipInput { national_id: "A123456788".into(), ..input() }), ["national_id"]);
        assert_eq!(fields(&LiaisonSlipInput { contact_date: "115/13/01".into(), ..input() }), ["contact_date"]);
        assert_eq!(fields(&LiaisonSlipInput { office: "LO-DA".into(), ..input() }), ["office"]);
        assert_eq!(fields(&LiaisonSlipInput { sender_phone: "call me".into(), ..input() }), ["sender_phone"]);
        assert_eq!(fields(&LiaisonSlipInput { sender_ext: "12a".into(), ..input() }), ["sender_ext"]);
        assert_eq!(fields(&LiaisonSlipInput { sender_fax: "x".into(), ..input() }), ["sender_fax"]);
        assert_eq!(fields(&LiaisonSlipInput { subject: "wish".into(), ..input() }), ["subject"]);
        assert_eq!(fields(&LiaisonSlipInput { handler: "a\u{7}b".into(), ..input() }), ["handler"]);
    }

    #[test]
    fn a_date_mismatch_records_both_dates() {
        let mismatch = LiaisonSlipInput { subject: "date_mismatch".into(), ..input() };
        assert_eq!(fields(&mismatch), ["household_date"]);
        let both = LiaisonSlipInput { household_date: "108/03/14".into(), seal_date: "108/03/15".into(), ..mismatch };
        match both.parse().unwrap().subject {
            Subject::DateMismatch { household, seal } => {
                assert_eq!(household.short(), "108/03/14");
                assert_eq!(seal.unwrap().short(), "108/03/15");
            }
            s => panic!("{s:?}"),
        }
        // blank in the seal system is a mismatch too (四(二): 為空白或不一致者)
        let blank = LiaisonSlipInput { seal_date: "".into(), ..both.clone() };
        assert!(matches!(blank.parse().unwrap().subject, Subject::DateMismatch { seal: None, .. }));
        let same = LiaisonSlipInput { seal_date: "108/03/14".into(), ..both };
        assert_eq!(fields(&same), ["household_date"]);
    }

    #[test]
    fn other_needs_its_text() {
        let other = LiaisonSlipInput { subject: "other".into(), ..input() };
        assert_eq!(fields(&other), ["other_text"]);
        let f = LiaisonSlipInput { other_text: "請查明印鑑是否已變更".into(), ..other }.parse().unwrap();
        assert_eq!(f.subject, Subject::Other { text: "請查明印鑑是否已變更".into() });
    }

    #[test]
    fn replies() {
        let r = LiaisonReplyInput {
            phone: "02-2351-1771".into(),
            handler: "劉雅婷".into(),
            outcome: "rebuilt".into(),
            has_image: true,
            ..Default::default()
        };
        assert_eq!(r.parse().unwrap().outcome, ReplyOutcome::Rebuilt);
        let no_image = LiaisonReplyInput { has_image: false, ..r.clone() };
        let fields = |i: &LiaisonReplyInput| {
            i.parse().err().unwrap_or_default().into_iter().map(|e| e.field).collect::<Vec<_>>()
        };
        assert_eq!(fields(&no_image), ["image"]);
        assert_eq!(fields(&LiaisonReplyInput::default()), ["phone", "handler", "outcome"]);
        let other = LiaisonReplyInput { outcome: "other".into(), has_image: false, ..r.clone() };
        assert_eq!(fields(&other), ["other_text"]);
        let dated = LiaisonReplyInput { corrected_date: "108/03/14".into(), ..r.clone() };
        assert_eq!(dated.parse().unwrap().corrected_date.unwrap().short(), "108/03/14");
        assert_eq!(fields(&LiaisonReplyInput { corrected_date: "x".into(), ..r }), ["corrected_date"]);
    }

    #[test]
    fn phone_numbers() {
        for ok in ["(02)2345-6789", "02-2345-6789 分機 12", "+886 2 2345 6789", "2345-6789#12", ""] {
            assert!(phone_number(ok, Label::Phone).is_ok(), "{ok}");
        }
        for bad in ["abc", "02-2345-6789; DROP", "-----", &"1".repeat(31)] {
            assert!(phone_number(bad, Label::Phone).is_err(), "{bad}");
        }
    }
}
