//! 軟體委外廠商資訊安全稽核紀錄表 (附件三): the 8 sections and 41 items verbatim, each answered
//! 符合 / 不符合 / 不適用 with a findings note (稽核情形); recommendations (建議事項). Each 不符合
//! becomes a follow-up item. The browser and the server run the same parser.

use serde::{Deserialize, Serialize};

use super::{optional_text, FieldError};
pub use crate::domain::audit::AnswerResult;

/// The checklist, as printed on the attachment: (section, items).
pub const VENDOR_SECTIONS: &[(&str, &[&str])] = &[
    ("資產安全", &[
        "專案文件管控含等級標示、保管、流通、通報與廢止等相關紀錄。",
        "資產標示及管理紀錄。",
        "專案資產清冊是否增列個資標示欄位，以資識別該項資產是否含有個資。",
    ]),
    ("人員安全", &[
        "專案人員是否簽署專案保密協定，並接受專案相關之資訊安全認知訓練紀錄。",
        "查核是否依據專案工作內容妥善設置工作之代理人",
        "查核專案人員及駐點人員是否於離開專案或合約終止時移轉所管理之專案資產。",
        "查核期間專案人員異動時須調整或撤銷系統、網路、設備、門禁、文件及資料等使用權限，並留存調整或撤銷紀錄或表單。",
    ]),
    ("應用程式安全", &[
        "原始碼進行版本控制與存取控管，存取行為留下稽核日誌",
        "程式開發測試區域，與正式上線環境需做區隔並做程式與軟體之版本管控",
        "密碼設定需符合共用之密碼政策模組規定及應用系統使用者授權需透過「帳號授權模組」檢核",
        "資料交換需將通訊資料加密",
        "資料交換須保存完整的機敏資料新增、刪除、修改及讀取之稽核紀錄",
        "應用程式修改更新時，須產生系統更新之紀錄，並確認系統相關文件是否依據程式修改更新",
        "使用者透過專案網站上傳之檔案是否經加密處理並透過安全的傳輸協定傳輸",
        "使用者透過專案網站上傳之檔案經系統接收後，是否自動執行掃毒程序，確認不含任何病毒後，才繼續執行後續處理",
    ]),
    ("系統及資料安全", &[
        "個人電腦是否安裝防毒軟體，並定期更新掃瞄引擎及病毒定義檔",
        "查核個人電腦中有無安裝非專案所需之軟體",
        "查核機敏資料傳輸，是否採行加密",
        "查核專案帳號管理人員是否定期檢視帳號(含Superuser)與權限設定",
        "查核系統開啟作業紀錄(Log File)是否記錄資訊安全事件",
        "查核個人資料是否進行存取權限控管、資料加密、資料隱匿、資料存取稽核紀錄等方式加以保護",
        "查核個人資料之存取是否經授權或申請核准，並記錄可辨識使用者之相關稽核軌跡",
        "查核機敏資料是否使用相關保護機制，如：資料減縮、資料模糊化、資料隱瞞、資料擾亂、資料集成等方法，保護機碼資料安全性",
        "現場查核設備時間是否正確使用NTP網路校時",
        "查核應用程式、資料庫、主機、工作站、伺服器之稽核資訊是否自動整合至稽核管理系統",
    ]),
    ("實體安全", &[
        "實地查核機房是否實施門禁安全控管紀錄",
        "實地查核廠商進入機房維修時，是否有專案人員派員監督",
        "實地查核機房設置專用空調設備溫度是否保持攝氏20度至25度之間；相對濕度是否保持40至60之間",
        "實地查核因業務需要將資訊設備攜出，是否完成設備攜出手續",
        "實地查核外部攜入之設備是否符合資訊安全相關規定",
    ]),
    ("網路安全", &[
        "查核網路設備預設通行碼是否修改",
        "查核系統是否依據系統申請使用IP位址、通信埠、Service服務類別進行設定",
        "查核網路設備政策及存取清單(ACL)",
        "檢視網路設備政策及存取清單(ACL)是否經核准後進行設定",
        "檢視防火牆政策及存取清單(ACL)是否定期經專人檢視",
    ]),
    ("資安事件管理", &[
        "資訊安全事件通報查窗口及查核期間是否有發生系統資安事件，是否依據專案資安事件管理流程處理",
    ]),
    ("緊急應變", &[
        "查核是否擬定專案資安事件通報流程",
        "查核是否明定專案代理人員及備援人力",
        "查核是否完成定期備援測試計畫與演練計畫",
        "查核是否辦理備援演練及確認應變演練紀錄是否正確",
        "查核備援演練完畢後之結果是否檢討異常並進行事件分析",
    ]),
];

/// Items numbered as on the form: `3.(5)` is section 3, item 5.
pub fn item_code(section: usize, item: usize) -> String {
    format!("{}.({})", section + 1, item + 1)
}

/// Every item's code, in form order.
pub fn item_codes() -> Vec<String> {
    VENDOR_SECTIONS
        .iter()
        .enumerate()
        .flat_map(|(s, (_, items))| (0..items.len()).map(move |i| item_code(s, i)))
        .collect()
}

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
            e.push(FieldError::new("item", "沒有這個稽核項目"));
        }
        let result = AnswerResult::parse(self.result.trim());
        if result.is_none() {
            e.push(FieldError::new("result", "請勾選符合、不符合或不適用"));
        }
        let finding = optional_text(&mut e, "finding", "稽核情形", &self.finding, 1000);
        if result == Some(AnswerResult::DoesNotConform) && finding.is_none() && e.is_empty() {
            e.push(FieldError::new("finding", "不符合時請填寫稽核情形"));
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
