//! Units (機關/單位): reference data shared by browser and server.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 地政局 科/室
    BureauSection,
    /// 土地開發總隊
    Agency,
    /// 地政事務所
    LandOffice,
    /// 區戶政事務所
    HouseholdOffice,
}

impl UnitKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::BureauSection => "bureau_section",
            Self::Agency => "agency",
            Self::LandOffice => "land_office",
            Self::HouseholdOffice => "household_office",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        [Self::BureauSection, Self::Agency, Self::LandOffice, Self::HouseholdOffice]
            .into_iter()
            .find(|k| k.code() == code)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::BureauSection => "地政局科室",
            Self::Agency => "所屬機關",
            Self::LandOffice => "地政事務所",
            Self::HouseholdOffice => "戶政事務所",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::BureauSection => "Bureau section",
            Self::Agency => "Agency",
            Self::LandOffice => "Land office",
            Self::HouseholdOffice => "Household registration office",
        }
    }
}

/// 地政局資訊室: the only unit whose accounts may be administrators.
pub const IT_OFFICE: &str = "LA-IT";
/// 地政局政風室: the only unit whose accounts may hold the Ethics role.
pub const ETHICS_OFFICE: &str = "LA-ETH";
/// 地政局土地登記科.
pub const LAND_REGISTRATION_SECTION: &str = "LA-REG";
/// The units the external audit team is drawn from (七(一)1: 土地登記科、資訊室及政風室).
pub const EXTERNAL_AUDIT_TEAM: [&str; 3] = [LAND_REGISTRATION_SECTION, IT_OFFICE, ETHICS_OFFICE];

/// A unit as seeded on first start: stable code, official name, English name, kind.
pub struct UnitSeed {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub kind: UnitKind,
}

macro_rules! units {
    ($($code:literal, $zh:literal, $en:literal, $kind:ident;)*) => {
        pub const REFERENCE_UNITS: &[UnitSeed] = &[$(UnitSeed { code: $code, name_zh: $zh, name_en: $en, kind: UnitKind::$kind }),*];
    };
}

units! {
    "LA-SUR", "地政局測繪科", "Surveying Section", BureauSection;
    "LA-REG", "地政局土地登記科", "Land Registration Section", BureauSection;
    "LA-VAL", "地政局地價科", "Land Valuation Section", BureauSection;
    "LA-RIG", "地政局地權及不動產交易科", "Land Rights and Real Estate Transaction Section", BureauSection;
    "LA-USE", "地政局地用科", "Land Use Section", BureauSection;
    "LA-DEV", "地政局土地開發科", "Land Development Section", BureauSection;
    "LA-IT", "地政局資訊室", "Information Technology Office", BureauSection;
    "LA-SEC", "地政局秘書室", "Secretariat", BureauSection;
    "LA-ACC", "地政局會計室", "Accounting Office", BureauSection;
    "LA-PER", "地政局人事室", "Personnel Office", BureauSection;
    "LA-ETH", "地政局政風室", "Ethics Office", BureauSection;
    "LDA", "臺北市政府地政局土地開發總隊", "Land Development Agency", Agency;
    "LO-GT", "臺北市古亭地政事務所", "Guting Land Office", LandOffice;
    "LO-JC", "臺北市建成地政事務所", "Jiancheng Land Office", LandOffice;
    "LO-ZS", "臺北市中山地政事務所", "Zhongshan Land Office", LandOffice;
    "LO-SS", "臺北市松山地政事務所", "Songshan Land Office", LandOffice;
    "LO-SL", "臺北市士林地政事務所", "Shilin Land Office", LandOffice;
    "LO-DA", "臺北市大安地政事務所", "Da'an Land Office", LandOffice;
    "HR-ZZ", "臺北市中正區戶政事務所", "Zhongzheng District Household Registration Office", HouseholdOffice;
    "HR-DT", "臺北市大同區戶政事務所", "Datong District Household Registration Office", HouseholdOffice;
    "HR-ZS", "臺北市中山區戶政事務所", "Zhongshan District Household Registration Office", HouseholdOffice;
    "HR-SS", "臺北市松山區戶政事務所", "Songshan District Household Registration Office", HouseholdOffice;
    "HR-DA", "臺北市大安區戶政事務所", "Da'an District Household Registration Office", HouseholdOffice;
    "HR-WH", "臺北市萬華區戶政事務所", "Wanhua District Household Registration Office", HouseholdOffice;
    "HR-XY", "臺北市信義區戶政事務所", "Xinyi District Household Registration Office", HouseholdOffice;
    "HR-SL", "臺北市士林區戶政事務所", "Shilin District Household Registration Office", HouseholdOffice;
    "HR-BT", "臺北市北投區戶政事務所", "Beitou District Household Registration Office", HouseholdOffice;
    "HR-NH", "臺北市內湖區戶政事務所", "Neihu District Household Registration Office", HouseholdOffice;
    "HR-NG", "臺北市南港區戶政事務所", "Nangang District Household Registration Office", HouseholdOffice;
    "HR-WS", "臺北市文山區戶政事務所", "Wenshan District Household Registration Office", HouseholdOffice;
}

/// A unit as the browser sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitView {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub active: bool,
    /// Contact numbers, kept by administrators (blank until set).
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub fax: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn reference_units_are_complete_and_unique() {
        let count = |k| REFERENCE_UNITS.iter().filter(|u| u.kind == k).count();
        assert_eq!(count(UnitKind::HouseholdOffice), 12);
        assert_eq!(count(UnitKind::LandOffice), 6);
        assert_eq!(count(UnitKind::Agency), 1);
        for name in ["土地登記科", "資訊室", "政風室", "地價科", "地用科", "秘書室"] {
            assert!(REFERENCE_UNITS.iter().any(|u| u.name_zh.ends_with(name)), "{name}");
        }
        let mut codes: Vec<_> = REFERENCE_UNITS.iter().map(|u| u.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), REFERENCE_UNITS.len());
    }
}
