//! UI text in zh-TW (first) and English. One catalogue; keys are checked at compile time.
//! (leptos_i18n would pull ICU data and leptos-use into both builds; a typed table is all
//! this UI needs.)

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
    OneTimePassword => "一次性密碼（僅顯示一次，首次登入須變更）", "One-time password (shown once; must be changed at first sign-in)";
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
}
