//! The four business types for which a seal may be queried (第三點).

coded! {
    /// The business a look-up is for (the code is stored and sent; the labels are 第三點's).
    pub enum BusinessType {
        /// （一）土地登記案件
        LandRegistration = "land_registration" ("土地登記案件", "Land registration"),
        /// （二）申領徵收補償費案件
        ExpropriationCompensation = "expropriation_compensation" ("申領徵收補償費案件", "Expropriation compensation claim"),
        /// （三）申領地籍清理代為標售土地價金案件
        CadastralCleanupProceeds = "cadastral_cleanup_proceeds"
            ("申領地籍清理代為標售土地價金案件", "Proceeds of land sold under cadastral clean-up"),
        /// （四）區段徵收及市地重劃業務案件
        ZoneExpropriationReadjustment = "zone_expropriation_readjustment"
            ("區段徵收及市地重劃業務案件", "Zone expropriation and urban land readjustment"),
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
