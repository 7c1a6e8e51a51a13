//! Roles an account may hold (several at once).

use serde::{Deserialize, Serialize};

use super::unit::{self, UnitKind};

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
    /// Whether an account of this unit may hold the role.
    ///
    /// The administrator is the IT Office's (資訊室); the Ethics role is the Ethics Office's
    /// (政風室); the external auditor belongs to the units the regulation names for the external
    /// audit team (七(一)1: 土地登記科、資訊室、政風室). A household registration office's staff
    /// answer liaison slips (and have their own manager and head); the look-up and audit roles
    /// belong to the using units, not to household offices.
    pub fn allowed_in(self, kind: UnitKind, unit_code: &str) -> bool {
        use UnitKind as K;
        match self {
            Self::Admin => kind == K::BureauSection && unit_code == unit::IT_OFFICE,
            Self::Ethics => kind == K::BureauSection && unit_code == unit::ETHICS_OFFICE,
            Self::ExternalAuditor => kind == K::BureauSection && unit::EXTERNAL_AUDIT_TEAM.contains(&unit_code),
            Self::HouseholdOffice => kind == K::HouseholdOffice,
            Self::Clerk | Self::InternalAuditor => kind != K::HouseholdOffice,
            Self::AccountManager | Self::Supervisor => true,
        }
    }

    /// Which units may hold a role that only some bureau sections may hold, as one zh-TW note.
    fn only_in(self) -> Option<&'static str> {
        match self {
            Self::Admin => Some("系統管理者（限資訊室）"),
            Self::Ethics => Some("政風（限政風室）"),
            Self::ExternalAuditor => Some("外部稽核（限土地登記科/資訊室/政風室）"),
            _ => None,
        }
    }

    /// Which units may hold a role that only some bureau sections may hold, in English.
    pub fn only_in_en(self) -> Option<&'static str> {
        match self {
            Self::Admin => Some("administrator (IT Office only)"),
            Self::Ethics => Some("ethics (Ethics Office only)"),
            Self::ExternalAuditor => {
                Some("external auditor (Land Registration Section, IT Office or Ethics Office only)")
            }
            _ => None,
        }
    }

    /// Which units may hold a role that only some bureau sections may hold, in zh-TW.
    pub fn only_in_zh(self) -> Option<&'static str> {
        self.only_in()
    }

    /// The roles among `roles` the unit may not hold, typed (`i18n::problems` words it).
    pub fn refused_in(roles: &[Role], kind: UnitKind, unit_code: &str) -> Result<(), RoleUnitError> {
        let bad: Vec<Role> = roles.iter().copied().filter(|r| !r.allowed_in(kind, unit_code)).collect();
        if bad.is_empty() {
            return Ok(());
        }
        // roles the unit's kind may hold at all, refused only because of the unit itself
        let (only_named, not_for_kind): (Vec<Role>, Vec<Role>) =
            bad.into_iter().partition(|r| kind == UnitKind::BureauSection && r.only_in().is_some());
        Err(RoleUnitError { kind, not_for_kind, only_named })
    }

    /// Roles from a comma-separated list of codes (each once, in order).
    pub fn parse_list(s: &str) -> Result<Vec<Role>, UnknownRole> {
        let mut roles = Vec::new();
        for code in s.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let r = Role::parse(code).ok_or_else(|| UnknownRole(code.chars().take(40).collect()))?;
            if !roles.contains(&r) {
                roles.push(r);
            }
        }
        roles.sort();
        Ok(roles)
    }
}

/// Roles a unit may not hold: those its kind may never hold, and those only named bureau
/// sections may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleUnitError {
    pub kind: UnitKind,
    pub not_for_kind: Vec<Role>,
    pub only_named: Vec<Role>,
}

/// A role code that names no role (as typed, at most 40 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownRole(pub String);

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
    /// Every role against every reference unit: the rule written out once more as a table.
    #[test]
    fn every_role_in_every_unit() {
        use crate::domain::REFERENCE_UNITS;
        use UnitKind as K;
        for u in REFERENCE_UNITS {
            for r in Role::ALL {
                let expected = match r {
                    Role::Admin => u.code == "LA-IT",
                    Role::Ethics => u.code == "LA-ETH",
                    Role::ExternalAuditor => ["LA-REG", "LA-IT", "LA-ETH"].contains(&u.code),
                    Role::HouseholdOffice => u.kind == K::HouseholdOffice,
                    Role::Clerk | Role::InternalAuditor => u.kind != K::HouseholdOffice,
                    Role::AccountManager | Role::Supervisor => true,
                };
                assert_eq!(r.allowed_in(u.kind, u.code), expected, "{r:?} in {} ({})", u.code, u.name_zh);
                assert_eq!(Role::refused_in(&[r], u.kind, u.code).is_ok(), expected);
            }
        }
        // a unit code that looks like the IT Office's but is of another kind grants nothing
        assert!(!Role::Admin.allowed_in(K::LandOffice, "LA-IT"));
    }

    #[test]
    fn refusals_name_the_roles_and_where_they_belong() {
        use UnitKind as K;
        let zh = |roles: &[Role], kind, code| {
            let e = Role::refused_in(roles, kind, code).unwrap_err();
            crate::i18n::problems::role_unit(&e, crate::i18n::Locale::ZhTw)
        };
        let e = zh(&[Role::Clerk, Role::Admin], K::LandOffice, "LO-DA");
        assert!(e.contains("地政事務所") && e.contains(Role::Admin.zh()) && !e.contains(Role::Clerk.zh()), "{e}");
        let e = zh(&[Role::Admin, Role::Ethics, Role::Clerk], K::BureauSection, "LA-SEC");
        assert!(e.contains("限資訊室") && e.contains("限政風室") && !e.contains(Role::Clerk.zh()), "{e}");
        let e = zh(&[Role::ExternalAuditor], K::BureauSection, "LA-VAL");
        assert!(e.contains("土地登記科"), "{e}");
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
