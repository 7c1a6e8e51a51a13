//! 帳號異動申請單 (附件五): 申請事項 新增／異動／註銷 with its reason, 申請日期, 機關名稱,
//! 科(課)室名稱, 使用者中文姓名, 電話, 使用者帳號 (= 員工編號), E-Mail 公務信箱 — plus
//! 申請權限 (the roles asked for), an extension the paper form lacks.

use serde::{Deserialize, Serialize};

use super::{optional_text, required_text, FieldError, FieldProblem, Label};
use crate::domain::{EmployeeNo, RocDate, Role};

coded! {
    /// 申請事項.
    pub enum RequestKind {
        /// 新增
        Create = "create" ("新增", "New account"),
        /// 異動
        Change = "change" ("異動", "Change"),
        /// 註銷
        Cancel = "cancel" ("註銷", "Cancel"),
    }
}

coded! {
    /// The account manager's review of a request.
    pub enum ReviewDecision {
        /// 提供
        Provide = "provide",
        /// 不提供
        Decline = "decline",
    }
}

coded! {
    /// Why a request is declined (不提供), as the form lists them.
    pub enum DeclineReason {
        /// 資料填寫錯誤
        WrongData = "wrong_data" ("資料填寫錯誤", "Wrong data on the form"),
        /// 使用者帳號重複
        DuplicateAccount = "duplicate_account" ("使用者帳號重複", "Duplicate account"),
        /// 負責業務不符
        DutiesMismatch = "duties_mismatch" ("負責業務不符", "Duties do not need it"),
        /// 其他原因 (explained in text)
        Other = "other" ("其他原因", "Other reason"),
    }
}

coded! {
    /// Why an account manager disables an account at once.
    pub enum RevokeReason {
        /// 職務異動
        JobChange = "job_change" ("職務異動", "Job change"),
        /// 離職
        Left = "left" ("離職", "Left the service"),
        /// 退休
        Retired = "retired" ("退休", "Retired"),
        /// 其他 (explained in text)
        Other = "other" ("其他", "Other"),
    }
}

/// An official e-mail address (公務信箱): its domain is one of the allowed ones (or below one).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OfficialEmail(String);

/// The default allowed domain.
pub const DEFAULT_EMAIL_DOMAINS: &[&str] = &["gov.taipei"];

impl OfficialEmail {
    pub fn parse(input: &str, domains: &[String]) -> Result<Self, FieldProblem> {
        let s = input.trim().to_ascii_lowercase();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(FieldProblem::EmailFormat);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
            && !local.starts_with('.')
            && !local.ends_with('.');
        let domain_ok = domain.len() <= 253
            && domain.split('.').count() >= 2
            && domain.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !local_ok || !domain_ok {
            return Err(FieldProblem::EmailFormat);
        }
        let allowed = domains.iter().any(|d| {
            let d = d.trim().to_ascii_lowercase();
            domain == d || domain.ends_with(&format!(".{d}"))
        });
        if !allowed {
            return Err(FieldProblem::EmailDomain { domains: domains.to_vec() });
        }
        Ok(Self(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountRequestInput {
    pub kind: String,
    /// 異動原因
    pub reason: String,
    /// 申請日期 (ROC)
    pub applied_on: String,
    /// 機關名稱
    pub agency: String,
    /// 科(課)室名稱
    pub section: String,
    /// 使用者中文姓名
    pub user_name: String,
    pub phone: String,
    /// 使用者帳號 = 員工編號
    pub employee_no: String,
    pub email: String,
    /// 申請權限 (extension): role codes.
    pub roles: Vec<String>,
    /// For a 異動 moving the user: the destination unit's code (blank: same unit).
    pub target_unit: String,
}

/// A valid request form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRequestForm {
    pub kind: RequestKind,
    pub reason: Option<String>,
    pub applied_on: RocDate,
    pub agency: String,
    pub section: String,
    pub user_name: String,
    pub phone: Option<String>,
    pub employee_no: EmployeeNo,
    pub email: OfficialEmail,
    /// Empty for 註銷, and for a 異動 that does not change roles.
    pub roles: Vec<Role>,
    pub target_unit: Option<String>,
}

impl AccountRequestInput {
    /// Every field's problem at once, in form order.
    pub fn parse(&self, email_domains: &[String]) -> Result<AccountRequestForm, Vec<FieldError>> {
        let mut e = Vec::new();
        let kind = RequestKind::parse(self.kind.trim());
        if kind.is_none() {
            e.push(FieldError::new("kind", FieldProblem::RequestKind));
        }
        let reason = match kind {
            Some(RequestKind::Change) | Some(RequestKind::Cancel) => {
                required_text(&mut e, "reason", Label::Reason, &self.reason, 200)
            }
            _ => optional_text(&mut e, "reason", Label::Reason, &self.reason, 200),
        };
        let applied_on = if self.applied_on.trim().is_empty() {
            e.push(FieldError::new("applied_on", FieldProblem::Required { label: Label::AppliedOn }));
            None
        } else {
            RocDate::parse(&self.applied_on)
                .map_err(|err| e.push(FieldError::new("applied_on", FieldProblem::Date { label: None, error: err })))
                .ok()
        };
        let agency = required_text(&mut e, "agency", Label::Agency, &self.agency, 60);
        let section = required_text(&mut e, "section", Label::Section, &self.section, 60);
        let user_name = required_text(&mut e, "user_name", Label::UserName, &self.user_name, 40);
        let phone = optional_text(&mut e, "phone", Label::Phone, &self.phone, 30);
        let employee_no = if self.employee_no.trim().is_empty() {
            e.push(FieldError::new("employee_no", FieldProblem::Required { label: Label::Account }));
            None
        } else {
            EmployeeNo::parse(&self.employee_no)
                .map_err(|err| e.push(FieldError::new("employee_no", FieldProblem::EmployeeNo { error: err })))
                .ok()
        };
        let email = if self.email.trim().is_empty() {
            e.push(FieldError::new("email", FieldProblem::Required { label: Label::Email }));
            None
        } else {
            OfficialEmail::parse(&self.email, email_domains).map_err(|p| e.push(FieldError::new("email", p))).ok()
        };
        let mut roles = Vec::new();
        for code in &self.roles {
            match Role::parse(code.trim()) {
                Some(r) if !roles.contains(&r) => roles.push(r),
                Some(_) => {}
                None => e.push(FieldError::new("roles", FieldProblem::UnknownRole { code: code.to_string() })),
            }
        }
        roles.sort();
        let target_unit = optional_text(&mut e, "target_unit", Label::TargetUnit, &self.target_unit, 20);
        let role_error = e.iter().any(|x| x.field == "roles");
        match kind {
            _ if role_error => {}
            Some(RequestKind::Create) if roles.is_empty() => {
                e.push(FieldError::new("roles", FieldProblem::RolesForNew));
            }
            Some(RequestKind::Change) if roles.is_empty() && target_unit.is_none() => {
                e.push(FieldError::new("roles", FieldProblem::RolesOrUnit));
            }
            Some(RequestKind::Cancel) => roles.clear(),
            _ => {}
        }
        match (kind, applied_on, agency, section, user_name, employee_no, email) {
            (
                Some(kind),
                Some(applied_on),
                Some(agency),
                Some(section),
                Some(user_name),
                Some(employee_no),
                Some(email),
            ) if e.is_empty() => Ok(AccountRequestForm {
                kind,
                reason,
                applied_on,
                agency,
                section,
                user_name,
                phone,
                employee_no,
                email,
                roles,
                target_unit: if kind == RequestKind::Change { target_unit } else { None },
            }),
            _ => Err(e),
        }
    }
}

coded! {
    /// Where a request stands.
    pub enum RequestState {
        /// 已申請: waiting for the business unit's sign-off.
        Filed = "filed" ("待業務單位核章", "Awaiting the business unit's sign-off"),
        /// 業務單位已核章: waiting for the account manager.
        Endorsed = "endorsed" ("待通行碼管理者審核", "Awaiting the account manager"),
        /// 提供: waiting for its effective time.
        Approved = "approved" ("已核准，待生效", "Approved, not yet effective"),
        /// 不提供
        Declined = "declined" ("不提供", "Declined"),
        /// 已生效
        Applied = "applied" ("已生效", "In effect"),
        /// 已撤回
        Withdrawn = "withdrawn" ("已撤回", "Withdrawn"),
        /// 未能生效: could not be applied (the reason is kept and shown).
        Failed = "failed" ("未能生效", "Could not be applied"),
        /// 已失效: the account was revoked or disabled before the request took effect.
        Superseded = "superseded" ("已失效（帳號已停用或註銷）", "Superseded (the account was disabled or revoked)"),
    }
}

impl RequestState {
    /// Still in the workflow.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Filed | Self::Endorsed | Self::Approved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        DEFAULT_EMAIL_DOMAINS.iter().map(|s| s.to_string()).collect()
    }

    fn input() -> AccountRequestInput {
        AccountRequestInput {
            kind: "create".into(),
            applied_on: "115/11/27".into(),
            agency: "臺北市大安地政事務所".into(),
            section: "登記課".into(),
            user_name: "王小明".into(),
            employee_no: "c0042".into(),
            email: "C0042@gov.taipei".into(),
            roles: vec!["clerk".into()],
            ..Default::default()
        }
    }

    fn fields(i: &AccountRequestInput) -> Vec<String> {
        i.parse(&domains()).err().unwrap_or_default().into_iter().map(|e| e.field.into_owned()).collect()
    }

    #[test]
    fn a_complete_create_parses() {
        let f = input().parse(&domains()).unwrap();
        assert_eq!(f.kind, RequestKind::Create);
        assert_eq!(f.employee_no.as_str(), "C0042");
        assert_eq!(f.email.as_str(), "c0042@gov.taipei");
        assert_eq!(f.roles, vec![Role::Clerk]);
    }

    #[test]
    fn every_required_field_is_required() {
        let empty = AccountRequestInput::default();
        assert_eq!(fields(&empty), ["kind", "applied_on", "agency", "section", "user_name", "employee_no", "email"]);
        for (f, blank) in [
            ("applied_on", AccountRequestInput { applied_on: " ".into(), ..input() }),
            ("agency", AccountRequestInput { agency: "".into(), ..input() }),
            ("section", AccountRequestInput { section: "".into(), ..input() }),
            ("user_name", AccountRequestInput { user_name: "".into(), ..input() }),
            ("employee_no", AccountRequestInput { employee_no: "".into(), ..input() }),
            ("email", AccountRequestInput { email: "".into(), ..input() }),
        ] {
            assert_eq!(fields(&blank), [f], "{f}");
        }
        // phone is optional
        assert!(AccountRequestInput { phone: "".into(), ..input() }.parse(&domains()).is_ok());
    }

    #[test]
    fn roles_and_reasons_by_kind() {
        assert_eq!(fields(&AccountRequestInput { roles: vec![], ..input() }), ["roles"]);
        let change = AccountRequestInput { kind: "change".into(), roles: vec![], ..input() };
        assert_eq!(fields(&change), ["reason", "roles"]);
        let moved = AccountRequestInput { reason: "調職".into(), target_unit: "LO-SS".into(), ..change };
        assert!(moved.parse(&domains()).is_ok());
        let cancel = AccountRequestInput { kind: "cancel".into(), reason: "離職".into(), ..input() };
        assert!(cancel.parse(&domains()).unwrap().roles.is_empty());
        assert_eq!(fields(&AccountRequestInput { roles: vec!["wizard".into()], ..input() }), ["roles"]);
    }

    #[test]
    fn only_official_email_addresses() {
        let d = domains();
        assert!(OfficialEmail::parse("a.b@gov.taipei", &d).is_ok());
        assert!(OfficialEmail::parse("a@land.gov.taipei", &d).is_ok());
        for bad in
            ["a@gmail.com", "a@evilgov.taipei", "a@gov.taipei.evil.com", "a@", "@gov.taipei", "no-at", "a b@gov.taipei"]
        {
            assert!(OfficialEmail::parse(bad, &d).is_err(), "{bad}");
        }
        let custom = vec!["example.org".to_string()];
        assert!(OfficialEmail::parse("x@example.org", &custom).is_ok());
        assert!(OfficialEmail::parse("x@gov.taipei", &custom).is_err());
    }
}
