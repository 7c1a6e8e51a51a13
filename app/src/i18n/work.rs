//! The words of the menu and the inbox (待辦): the pages' names, what kind of work waits, and
//! the problems of resuming or closing a look-up.

use super::Locale;
use crate::domain::inbox::{InboxError, MenuEntry, MenuGroup, WorkKind};

/// A page's name in the menu.
pub fn entry(e: MenuEntry, l: Locale) -> &'static str {
    use MenuEntry as E;
    let (zh, en) = match e {
        E::Home => ("待辦事項", "My work"),
        E::Compare => ("印鑑比對", "Compare seals"),
        E::History => ("比對紀錄", "Comparison records"),
        E::Liaison => ("戶政聯繫單", "Liaison slips"),
        E::Seals => ("印鑑登錄", "Seal registry"),
        E::UnitAccounts => ("本單位帳號", "Unit accounts"),
        E::AccountRequests => ("帳號申請", "Account requests"),
        E::Review => ("帳號權限審查", "Permission review"),
        E::Handover => ("管理者移交", "Manager hand-over"),
        E::Register => ("帳號清冊", "Account register"),
        E::Reports => ("查詢紀錄月報", "Monthly query report"),
        E::Audits => ("稽核紀錄", "Audits"),
        E::Trail => ("稽核軌跡", "Audit trail"),
        E::Accounts => ("帳號管理", "Accounts"),
        E::Units => ("單位管理", "Units"),
        E::Calendar => ("上班日曆", "Working calendar"),
        E::Retention => ("保存期限", "Retention"),
        E::Security => ("資安工作", "Security duties"),
        E::Password => ("變更密碼", "Change password"),
    };
    l.pick(zh, en)
}

/// A menu group's heading.
pub fn group(g: MenuGroup, l: Locale) -> &'static str {
    let (zh, en) = match g {
        MenuGroup::Work => ("工作", "Work"),
        MenuGroup::Seals => ("印鑑比對", "Seals"),
        MenuGroup::Accounts => ("帳號", "Accounts"),
        MenuGroup::Oversight => ("審查與稽核", "Review and audit"),
        MenuGroup::System => ("系統管理", "Administration"),
        MenuGroup::Own => ("個人", "Own"),
    };
    l.pick(zh, en)
}

/// What kind of work waits.
pub fn kind(k: WorkKind, l: Locale) -> &'static str {
    use WorkKind as K;
    let (zh, en) = match k {
        K::UnfinishedLookup => ("未完成比對", "Unfinished look-up"),
        K::SlipToApprove => ("聯繫單待核准", "Slip to approve"),
        K::SlipReplied => ("戶政已回復，待閱覽結案", "Reply to read and close"),
        K::SlipToAnswer => ("聯繫單待回復", "Slip to answer"),
        K::RequestToEndorse => ("帳號申請待核章", "Account request to endorse"),
        K::RequestToReview => ("帳號申請待審核", "Account request to review"),
        K::ReportToSign => ("查詢紀錄月報待核閱", "Monthly report to sign off"),
        K::AuditToSign => ("稽核紀錄待簽章", "Audit record to sign"),
        K::AuditDue => ("應辦外部稽核", "External audit due"),
        K::ReviewDue => ("帳號權限審查待辦理", "Permission review due"),
        K::HandoverToAcknowledge => ("移交清冊待確認接收", "Hand-over to acknowledge"),
        K::SecurityDuty => ("資安工作待辦理", "Security duty due"),
    };
    l.pick(zh, en)
}

/// The problems of resuming or closing a look-up.
pub fn inbox_error(e: InboxError, l: Locale) -> &'static str {
    let (zh, en) = match e {
        InboxError::Compared => ("此筆查詢已完成比對。", "This look-up has its comparison already."),
        InboxError::Closed => ("此筆查詢已註記不比對結案。", "This look-up was closed without a comparison."),
        InboxError::PastItsDay => (
            "此筆查詢已逾當日，無法續行比對；請註記不比對原因結案，如仍需比對請重新查詢。",
            "This look-up's working day is over: close it with a reason; look up again if you still need to compare.",
        ),
        InboxError::Reason => ("請填寫不比對原因（200 字以內）。", "Give the reason (at most 200 characters)."),
    };
    l.pick(zh, en)
}

/// The inbox page's own words.
pub struct InboxWords {
    pub title: &'static str,
    pub empty: &'static str,
    pub kind: &'static str,
    pub about: &'static str,
    pub since: &'static str,
    pub deadline: &'static str,
    pub overdue: &'static str,
    pub open: &'static str,
    pub menu: &'static str,
    pub close_menu: &'static str,
    pub waiting: &'static str,
    pub no_deadline: &'static str,
}

pub fn inbox_words(l: Locale) -> InboxWords {
    match l {
        Locale::ZhTw => InboxWords {
            title: "待辦事項",
            empty: "目前沒有待辦事項。",
            kind: "事項",
            about: "案件／對象",
            since: "起始時間",
            deadline: "處理期限",
            overdue: "已逾期",
            open: "前往處理",
            menu: "選單",
            close_menu: "關閉選單",
            waiting: "待辦",
            no_deadline: "—",
        },
        Locale::En => InboxWords {
            title: "My work",
            empty: "Nothing is waiting for you.",
            kind: "What",
            about: "Case / subject",
            since: "Waiting since",
            deadline: "Due by",
            overdue: "Overdue",
            open: "Open",
            menu: "Menu",
            close_menu: "Close the menu",
            waiting: "waiting",
            no_deadline: "—",
        },
    }
}

/// The closing form's words (不比對).
pub struct ClosingWords {
    pub title: &'static str,
    pub explain: &'static str,
    pub reason: &'static str,
    pub submit: &'static str,
    pub done: &'static str,
    pub back: &'static str,
}

pub fn closing_words(l: Locale) -> ClosingWords {
    match l {
        Locale::ZhTw => ClosingWords {
            title: "不比對結案",
            explain: "此筆查詢已留存於查詢紀錄。請說明未完成比對之原因，將顯示於查詢紀錄月報。",
            reason: "不比對原因",
            submit: "註記不比對並結案",
            done: "已註記不比對並結案。",
            back: "回待辦事項",
        },
        Locale::En => ClosingWords {
            title: "Close without comparing",
            explain: "The look-up is in the query log. Say why it was not compared: the monthly report shows it.",
            reason: "Reason",
            submit: "Close without comparing",
            done: "Closed without a comparison.",
            back: "Back to my work",
        },
    }
}

/// The idle timeout's warning.
pub struct SessionWords {
    pub ending_before: &'static str,
    pub ending_after: &'static str,
    pub continue_: &'static str,
}

pub fn session_words(l: Locale) -> SessionWords {
    match l {
        Locale::ZhTw => SessionWords {
            ending_before: "您已閒置一段時間，系統將於",
            ending_after: "秒後自動登出；登出後重新登入即回到本頁。",
            continue_: "繼續使用",
        },
        Locale::En => SessionWords {
            ending_before: "You have been idle: you will be signed out in",
            ending_after: "seconds; sign in again to come back to this page.",
            continue_: "Continue",
        },
    }
}
