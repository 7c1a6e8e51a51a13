//! Roles an account may hold (several at once).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 使用者: queries and compares seals.
    Clerk,
    /// 通行碼管理者: processes account requests, keeps the register.
    AccountManager,
    /// 單位主管 (also the section chief 課(股)長 who approves a liaison slip).
    Supervisor,
    /// 內部稽核
    InternalAuditor,
    /// 外部稽核
    ExternalAuditor,
    /// 政風: handles referrals of anomalies.
    Ethics,
    /// 戶政事務所人員
    HouseholdOffice,
    /// 系統管理者
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Clerk,
        Self::AccountManager,
        Self::Supervisor,
        Self::InternalAuditor,
        Self::ExternalAuditor,
        Self::Ethics,
        Self::HouseholdOffice,
        Self::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Clerk => "clerk",
            Self::AccountManager => "account_manager",
            Self::Supervisor => "supervisor",
            Self::InternalAuditor => "internal_auditor",
            Self::ExternalAuditor => "external_auditor",
            Self::Ethics => "ethics",
            Self::HouseholdOffice => "household_office",
            Self::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Clerk => "使用者",
            Self::AccountManager => "通行碼管理者",
            Self::Supervisor => "單位主管",
            Self::InternalAuditor => "內部稽核",
            Self::ExternalAuditor => "外部稽核",
            Self::Ethics => "政風",
            Self::HouseholdOffice => "戶政事務所人員",
            Self::Admin => "系統管理者",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Self::Clerk => "Clerk",
            Self::AccountManager => "Account manager",
            Self::Supervisor => "Unit supervisor",
            Self::InternalAuditor => "Internal auditor",
            Self::ExternalAuditor => "External auditor",
            Self::Ethics => "Ethics officer",
            Self::HouseholdOffice => "Household registration office",
            Self::Admin => "Administrator",
        }
    }
}

impl Role {
    /// Whether an account of a unit of this kind may hold the role. The administrator, the
    /// external auditor and the Ethics Office are the bureau's own (地政局科室); a household
    /// registration office's staff answer liaison slips (and have their own manager and head);
    /// the look-up, audit and review roles belong to the using units, not to household offices.
    pub fn allowed_in(self, kind: super::UnitKind) -> bool {
        use super::UnitKind as K;
        match self {
            Self::Admin | Self::ExternalAuditor | Self::Ethics => kind == K::BureauSection,
            Self::HouseholdOffice => kind == K::HouseholdOffice,
            Self::Clerk | Self::InternalAuditor => kind != K::HouseholdOffice,
            Self::AccountManager | Self::Supervisor => true,
        }
    }

    /// The roles among `roles` a unit of `kind` may not hold, as one zh-TW message.
    pub fn check_for_unit(roles: &[Role], kind: super::UnitKind) -> Result<(), String> {
        let bad: Vec<&str> = roles.iter().filter(|r| !r.allowed_in(kind)).map(|r| r.zh()).collect();
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!("{}的帳號不能申請或持有這些權限：{}", kind.zh(), bad.join("、")))
        }
    }
}

/// Per-unit designations held by accounts for a time range (六(一), 五(二)2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Designation {
    /// 職務代理人 of the account manager
    DeputyAccountManager,
    /// 專人 who produces the monthly query report
    ReportProducer,
    /// 授權人: the supervisor's delegate
    SupervisorDelegate,
}

impl Designation {
    pub const ALL: [Designation; 3] = [Self::DeputyAccountManager, Self::ReportProducer, Self::SupervisorDelegate];

    pub fn code(self) -> &'static str {
        match self {
            Self::DeputyAccountManager => "deputy_account_manager",
            Self::ReportProducer => "report_producer",
            Self::SupervisorDelegate => "supervisor_delegate",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::DeputyAccountManager => "職務代理人（通行碼管理）",
            Self::ReportProducer => "查詢資料產製專人",
            Self::SupervisorDelegate => "主管授權人",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Self::DeputyAccountManager => "Deputy account manager",
            Self::ReportProducer => "Monthly report producer",
            Self::SupervisorDelegate => "Supervisor's delegate",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bureau_roles_only_in_the_bureau() {
        use crate::domain::UnitKind as K;
        for r in [Role::Admin, Role::ExternalAuditor, Role::Ethics] {
            assert!(r.allowed_in(K::BureauSection));
            for k in [K::LandOffice, K::Agency, K::HouseholdOffice] {
                assert!(!r.allowed_in(k), "{r:?} in {k:?}");
            }
        }
        assert!(!Role::Clerk.allowed_in(K::HouseholdOffice));
        assert!(
            Role::HouseholdOffice.allowed_in(K::HouseholdOffice) && !Role::HouseholdOffice.allowed_in(K::LandOffice)
        );
        let e = Role::check_for_unit(&[Role::Clerk, Role::Admin], K::LandOffice).unwrap_err();
        assert!(e.contains("地政事務所") && e.contains(Role::Admin.zh()) && !e.contains(Role::Clerk.zh()), "{e}");
    }
    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        for d in Designation::ALL {
            assert_eq!(Designation::parse(d.code()), Some(d));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
