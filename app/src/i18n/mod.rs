//! UI text in zh-TW (first) and English. One catalogue; keys are checked at compile time.
//! (leptos_i18n would pull ICU data and leptos-use into both builds; a typed table is all
//! this UI needs.)

pub mod problems;
pub mod verdict;
pub mod work;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    ZhTw,
    En,
}

pub const LOCALE_COOKIE: &str = "yinjian_lang";

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhTw => "zh-TW",
            Self::En => "en",
        }
    }
    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag.trim() {
            "zh-TW" | "zh-tw" | "zh" => Some(Self::ZhTw),
            "en" | "en-US" | "en-GB" => Some(Self::En),
            _ => None,
        }
    }
    /// From a `Cookie:` header value.
    pub fn from_cookie_header(header: &str) -> Self {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LOCALE_COOKIE)
            .and_then(|(_, v)| Self::from_tag(v))
            .unwrap_or_default()
    }
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::ZhTw => zh,
            Self::En => en,
        }
    }
}

/// The page's locale, from context (provided by the App at the root).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// Every UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }
        impl Msg {
            pub fn text(self, l: Locale) -> &'static str {
                match self { $(Msg::$key => l.pick($zh, $en)),* }
            }
        }
    };
}

/// Text of a message in the current locale.
pub fn t(m: Msg) -> &'static str {
    m.text(use_locale())
}

messages! {
    AppName => "印鑑比對系統", "Seal Comparison System";
    AppSubtitle => "臺北市政府地政局暨所屬所隊", "Taipei City Land Administration Bureau";
    SignIn => "登入", "Sign in";
    SignOut => "登出", "Sign out";
    EmployeeNo => "員工編號", "Employee number";
    Password => "密碼", "Password";
    SigningIn => "登入中…", "Signing in…";
    SignInHint => "帳號為員工編號。連續 5 次密碼錯誤將鎖定 15 分鐘。", "Your account name is your employee number. Five wrong passwords lock the account for 15 minutes.";
    ChangePassword => "變更密碼", "Change password";
    MustChangePassword => "首次登入或密碼已重設／逾期，請先設定新密碼。", "First sign-in, reset or expired password: please set a new password.";
    CurrentPassword => "目前密碼", "Current password";
    NewPassword => "新密碼", "New password";
    ConfirmPassword => "再次輸入新密碼", "Confirm new password";
    PasswordRules => "至少 12 個字元，包含大寫、小寫、數字、符號其中 3 類；不可包含員工編號或姓名，不可與最近 3 次相同。", "At least 12 characters from 3 of: upper case, lower case, digits, symbols; not containing your employee number or name; not one of your last 3.";
    PasswordsDiffer => "兩次輸入的新密碼不一致", "The two new passwords differ";
    PasswordChanged => "密碼已變更。", "Password changed.";
    Save => "儲存", "Save";
    Home => "首頁", "Home";
    Welcome => "您好", "Welcome";
    YourTasks => "您可以使用的功能", "What you can do";
    NoTasksYet => "您的角色目前沒有可用的功能。", "Nothing is available to your roles yet.";
    Roles => "角色", "Roles";
    Unit => "單位", "Unit";
    Units => "單位管理", "Units";
    Accounts => "帳號管理", "Accounts";
    AuditTrail => "稽核軌跡", "Audit trail";
    Name => "姓名", "Name";
    Email => "公務信箱", "Official e-mail";
    Phone => "電話", "Phone";
    Status => "狀態", "Status";
    Active => "啟用", "Active";
    Disabled => "停用", "Disabled";
    Locked => "鎖定中", "Locked";
    Create => "新增", "Create";
    CreateAccount => "新增帳號", "Create account";
    Disable => "停用", "Disable";
    Enable => "啟用", "Enable";
    ResetPassword => "重設密碼", "Reset password";
    SetRoles => "設定角色", "Set roles";
    Reason => "原因", "Reason";
    OneTimePassword => "一次性密碼（僅顯示一次，首次登入須變更，24 小時內未使用即失效）", "One-time password (shown once; must be changed at first sign-in; expires unused after 24 hours)";
    RoleRemovals => "因所屬單位不符而移除之權限", "Roles removed because the unit may not hold them";
    RoleRemovalsHint => "系統管理者限資訊室、政風限政風室、外部稽核限土地登記科、資訊室及政風室（七(一)）；以下權限已於系統啟動時移除並記錄於軌跡。", "Administrators only in the IT Office, Ethics only in the Ethics Office, external auditors only in the Land Registration Section, the IT Office and the Ethics Office (7(1)); these roles were removed at a start and recorded in the trail.";
    ReturnsThroughRequest => "須以帳號異動申請單（附件五）新增方能恢復", "Returns only through a new account request (Attachment 5)";
    Loading => "載入中…", "Loading…";
    Kind => "類別", "Kind";
    Code => "代碼", "Code";
    Actions => "操作", "Actions";
    Time => "時間", "Time";
    Actor => "操作者", "Actor";
    Action => "動作", "Action";
    Outcome => "結果", "Outcome";
    Details => "內容", "Details";
    VerifyChain => "驗證稽核鏈", "Verify the chain";
    ChainIntact => "稽核鏈完整", "The chain is intact";
    ChainBroken => "稽核鏈遭竄改", "The chain is broken";
    Rows => "筆", "rows";
    Language => "English", "中文";
    NotFound => "找不到此頁面", "Page not found";
    BackHome => "回首頁", "Back to home";
    Designations => "職務指定", "Designations";
    ValidFrom => "起日", "From";
    ValidTo => "迄日", "To";
    Add => "新增", "Add";
    LastLogin => "最後登入", "Last sign-in";
    SkipToContent => "跳到主要內容", "Skip to main content";
    Required => "必填", "Required";
    Compare => "印鑑比對", "Compare seals";
    CompareIntro => "先登錄查詢事由，系統記錄後才會顯示登記印模（作業規定五(二)2）。", "File the query first; the registered impression is shown only after it is recorded (rule 5(2)2).";
    BusinessTypeLabel => "業務類別", "Business type";
    CaseNo => "文號／案號", "Document / case number";
    CaseYear => "年", "Year";
    CaseWord => "字", "Word";
    CaseNumberNo => "號", "Number";
    CaseFree => "或其他文號（自由格式）", "Or another document number (free form)";
    NationalIdLabel => "身分證統一編號", "National ID number";
    PersonName => "姓名（選填）", "Name (optional)";
    Query => "查詢", "Query";
    Querying => "查詢中…", "Querying…";
    QueryRecorded => "查詢已記錄", "Query recorded";
    AfterHoursNotice => "本次查詢於非上班時間，已註記於查詢紀錄。", "This query is outside office hours and is flagged in the query log.";
    NoSealRegistered => "此身分證統一編號查無登記印鑑；本次查詢已記錄。", "No registered seal for this ID; the query has been recorded.";
    RegisteredImpression => "登記印模", "Registered impression";
    SealVersion => "版本", "Version";
    RegisteredOn => "印鑑登記日期", "Seal registration date";
    RegisteringOffice => "登記戶政事務所", "Registering office";
    DateMissing => "未登載", "not recorded";
    UnclearNotice => "登記印模經系統判定為「印模不清」，可能無法正確比對。請考慮以聯繫單請戶政事務所進行印模重建（作業規定四）。", "The registered impression is judged unclear (印模不清) and may not compare reliably. Consider a liaison slip asking the household registration office to rebuild it (rule 4).";
    DateMissingNotice => "印鑑登記日期空白或有疑義時，請以聯繫單向戶政事務所確認（作業規定四(二)）。", "When the registration date is blank or doubtful, confirm it with the household registration office by liaison slip (rule 4(2)).";
    DecisionLabel => "比對結果判定", "Decision";
    Comment => "說明", "Comment";
    SubmitComparison => "送出比對結果", "Submit the comparison";
    Submitting => "送出中（伺服器重新比對）…", "Submitting (the server re-checks)…";
    NewQuery => "新查詢", "New query";
    NeedImage => "請先放入待比對的印文影像。", "Add the questioned impression first.";
    History => "比對紀錄", "Comparison records";
    MyHistory => "我的比對紀錄", "My comparisons";
    UnitHistory => "本單位比對紀錄", "My unit's comparisons";
    RecordTitle => "印鑑比對紀錄", "Seal comparison record";
    Operator => "承辦人", "Operator";
    QueriedAt => "查詢時間", "Queried at";
    ComparedAt => "比對時間", "Compared at";
    Person => "當事人", "Person";
    QuestionedImpression => "申請書印文", "Questioned impression";
    Overlay => "疊合圖", "Overlay";
    SystemResult => "系統比對結果", "System result";
    ServerScore => "伺服器分數", "Server score";
    BrowserScore => "瀏覽器分數", "Browser score";
    AutoScore => "自動對位分數", "Automatic alignment score";
    ManualAdjusted => "人工調整對位", "Alignment adjusted by hand";
    Discrepancy => "瀏覽器與伺服器結果不一致", "Browser and server results differ";
    VerificationCode => "驗證碼", "Verification code";
    Print => "列印", "Print";
    Annotations => "加註", "Annotations";
    AddAnnotation => "新增加註", "Add an annotation";
    Printed => "已列印", "Printed";
    VerifyRecord => "以驗證碼查詢紀錄", "Look up a record by its code";
    Open => "開啟", "Open";
    NoRecords => "尚無紀錄。", "No records yet.";
    Calendar => "上班日曆", "Working calendar";
    OfficeHoursLabel => "上班時間", "Office hours";
    Date => "日期", "Date";
    Remove => "刪除", "Remove";
    SealRegistry => "印鑑登記印模", "Registered seals";
    Liaison => "與戶政機關聯繫單", "Liaison slips";
    MonthlyReport => "查詢紀錄月報", "Monthly query report";
    Audits => "稽核", "Audits";
    Retention => "紀錄保存", "Record retention";
    SecurityDuties => "資安工作紀錄", "Security duties";
    LiaisonInbox => "聯繫單收件匣", "Liaison slip inbox";
    Edit => "編輯", "Edit";
    UploadImpression => "上傳印模", "Upload an impression";
    Reason2 => "上傳原因", "Reason";
    NewRegistration => "新登記", "New registration";
    Rebuild => "印模重建", "Rebuild (印模重建)";
    Note => "備註", "Note";
    ImageFile => "印模影像檔（PNG／JPEG）", "Impression image (PNG/JPEG)";
    Upload => "上傳", "Upload";
    Uploaded => "已新增版本", "Version added";
    Versions => "歷次版本", "All versions";
    Current => "現行", "current";
    Unclear => "印模不清", "unclear";
    Search => "查詢", "Search";
    AccountRequests => "帳號異動申請", "Account change requests";
    AccountRegister => "使用者帳號清冊", "Account register";
    UnitAccounts => "本單位帳號", "My unit's accounts";
    NoticeTitle => "公務使用及個人資料保護聲明", "Official use and personal data";
    NoticeOfficialUse => "本系統僅供公務使用：僅得由配用通行碼之本人，為公務需要查詢、取得資料，不得為公務以外之利用，亦不得使用他人帳號。", "For official use only: only the holder of an account may look up data with it, and only for official business; never for anything else, and never with another person's account.";
    NoticeLogged => "每次查詢均留存紀錄（查詢人、時間、文號或案號、被查詢人身分證統一編號），並定期審查及稽核。", "Every look-up is logged (who, when, the case number and the ID looked up) and regularly reviewed and audited.";
    NoticePersonalData => "查得之個人資料受個人資料保護法保護，應妥善保管及利用；違反者依相關規定懲處，並負損害賠償或刑事責任。", "Personal data obtained here is protected by the Personal Data Protection Act; keep and use it with care. Misuse is disciplined and may bring liability for damages or criminal prosecution.";
    NoticeBasis => "依據：臺北市政府地政局暨所屬所隊介接使用本市數位印鑑比對系統作業規定五(二)1、九", "Under the bureau's rules for using the Digital Seal Comparison System, points 5(2)1 and 9";
    AcknowledgeIntro => "首次登入及每年一次，請閱讀下列聲明並確認後再使用本系統。", "At your first sign-in and once a year, read and acknowledge this notice before using the system.";
    AcknowledgeButton => "我已閱讀並同意遵守", "I have read it and agree to comply";
    Acknowledging => "確認中…", "Acknowledging…";
    NoticeAcknowledgedOn => "聲明確認日期", "Notice acknowledged";
    Unacknowledged => "未確認", "Not acknowledged";
}

/// The notice on official use and personal data (作業規定五(二)1、九) as the sign-in and
/// `/acknowledge` pages show it, and as the server hashes it (`server::acknowledgement`):
/// rewording any of these asks every account to acknowledge the new text.
pub const NOTICE: [Msg; 5] =
    [Msg::NoticeTitle, Msg::NoticeOfficialUse, Msg::NoticeLogged, Msg::NoticePersonalData, Msg::AcknowledgeButton];

/// The points of the notice (its title and its button aside).
pub const NOTICE_POINTS: [Msg; 3] = [Msg::NoticeOfficialUse, Msg::NoticeLogged, Msg::NoticePersonalData];
