//! The four business types for which a seal may be queried (第三點).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessType {
    /// （一）土地登記案件
    LandRegistration,
    /// （二）申領徵收補償費案件
    ExpropriationCompensation,
    /// （三）申領地籍清理代為標售土地價金案件
    CadastralCleanupProceeds,
    /// （四）區段徵收及市地重劃業務案件
    ZoneExpropriationReadjustment,
}

impl BusinessType {
    pub const ALL: [BusinessType; 4] = [
        Self::LandRegistration,
        Self::ExpropriationCompensation,
        Self::CadastralCleanupProceeds,
        Self::ZoneExpropriationReadjustment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::LandRegistration => "land_registration",
            Self::ExpropriationCompensation => "expropriation_compensation",
            Self::CadastralCleanupProceeds => "cadastral_cleanup_proceeds",
            Self::ZoneExpropriationReadjustment => "zone_expropriation_readjustment",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::LandRegistration => "土地登記案件",
            Self::ExpropriationCompensation => "申領徵收補償費案件",
            Self::CadastralCleanupProceeds => "申領地籍清理代為標售土地價金案件",
            Self::ZoneExpropriationReadjustment => "區段徵收及市地重劃業務案件",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Self::LandRegistration => "Land registration",
            Self::ExpropriationCompensation => "Expropriation compensation claim",
            Self::CadastralCleanupProceeds => "Proceeds of land sold under cadastral clean-up",
            Self::ZoneExpropriationReadjustment => "Zone expropriation and urban land readjustment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn codes_round_trip() {
        for b in BusinessType::ALL {
            assert_eq!(BusinessType::parse(b.code()), Some(b));
        }
        assert_eq!(BusinessType::parse("other"), None);
    }
}
