use leptos::prelude::*;

use crate::api::auth::Me;
use crate::api::reviews::{ReviewStatus, UnitReviewStatus};
use crate::components::{role_label, RequireAuth};
use crate::domain::review::ReviewState;
use crate::domain::Role;
use crate::i18n::{t, use_locale, Locale, Msg};

/// What a role can do, as links to pages that exist.
pub fn tasks(me: &Me) -> Vec<(&'static str, Msg)> {
    let mut out = Vec::new();
    if me.has(Role::Clerk) {
        out.push(("/compare", Msg::Compare));
    }
    if me.has(Role::Clerk) || me.has(Role::Supervisor) {
        out.push(("/comparisons", Msg::History));
    }
    if me.has(Role::Clerk) || me.has(Role::Supervisor) {
        out.push(("/liaison", Msg::Liaison));
    }
    if me.has(Role::HouseholdOffice) {
        out.push(("/liaison", Msg::LiaisonInbox));
        out.push(("/seals", Msg::SealRegistry));
    }
    if me.has(Role::AccountManager) {
        out.push(("/accounts/unit", Msg::UnitAccounts));
    }
    out.push(("/accounts/requests", Msg::AccountRequests));
    if [Role::AccountManager, Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Admin]
        .iter()
        .any(|r| me.has(*r))
    {
        out.push(("/accounts/register", Msg::AccountRegister));
    }
    if [Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics, Role::Admin]
        .iter()
        .any(|r| me.has(*r))
    {
        out.push(("/reports", Msg::MonthlyReport));
    }
    if [Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics, Role::Admin]
        .iter()
        .any(|r| me.has(*r))
    {
        out.push(("/audits", Msg::Audits));
    }
    if me.has(Role::Admin) {
        out.push(("/admin/accounts", Msg::Accounts));
        out.push(("/admin/units", Msg::Units));
        out.push(("/admin/calendar", Msg::Calendar));
        out.push(("/admin/retention", Msg::Retention));
    }
    if me.has(Role::Admin) || me.has(Role::ExternalAuditor) {
        out.push(("/admin/security", Msg::SecurityDuties));
    }
    if [Role::Admin, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics].iter().any(|r| me.has(*r)) {
        out.push(("/audit", Msg::AuditTrail));
    }
    out.push(("/password", Msg::ChangePassword));
    out
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Home/> }}
        </RequireAuth>
    }
}

#[component]
fn Home() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<Me>();
    let roles = me.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、");
    let unit = match locale {
        Locale::ZhTw => me.unit.name_zh.clone(),
        Locale::En => me.unit.name_en.clone(),
    };
    let review = Resource::new(|| (), |_| crate::api::reviews::review_status());
    let admin = me.has(Role::Admin);
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Welcome)} "，" {me.name.clone()}</h1>
            <p class="muted">{t(Msg::Unit)} "：" {unit} " · " {t(Msg::Roles)} "：" {roles}</p>
            <Suspense fallback=|| ()>
                {move || review.get().and_then(|r| r.ok()).map(|s| review_notices(&s, locale))}
            </Suspense>
            {admin.then(|| view! { <SecurityNotice/> })}
            <AuditNotice/>
            <h2>{t(Msg::YourTasks)}</h2>
            <ul class="tiles" data-testid="tasks">
                {tasks(&me)
                    .into_iter()
                    .map(|(href, m)| view! {
                        <li><a class="tile" href=href>{t(m)}
                            {(href == "/liaison").then(|| view! { <LiaisonBadge/> })}
                        </a></li>
                    })
                    .collect_view()}
                <Suspense fallback=|| ()>
                    {move || review.get().and_then(|r| r.ok()).map(|s| review_tiles(&s, admin, locale))}
                </Suspense>
            </ul>
        </main>
    }
}

/// The administrator's flags: overdue security duties (八(一)(二)(三)), this server's clock
/// against the database server's (附件三 4(9)), the audit forwarder's errors (附件三 4(10)).
#[component]
fn SecurityNotice() -> impl IntoView {
    let locale = use_locale();
    let reg = Resource::new(|| (), |_| crate::api::security::security_tasks());
    view! {
        <Suspense fallback=|| ()>
            {move || reg.get().and_then(|r| r.ok()).map(|r| {
                let clock_off = r.clock_offset_ms.filter(|ms| ms.abs() > r.clock_tolerance_ms);
                let failing: Vec<String> =
                    r.forwarding.iter().filter(|f| f.last_error.is_some()).map(|f| f.target.clone()).collect();
                view! {
                    {r.scanning_off.then(|| view! {
                        <p class="error" role="alert" data-testid="home-scanning-off">
                            {locale.pick("上傳檔案之病毒掃描未啟用（YINJIAN_CLAMD=off），而系統已有正式帳號：請設定 clamd 後重新啟動（附件三 3(8)）。",
                                "Malware scanning of uploads is off (YINJIAN_CLAMD=off) while the system has real accounts: configure clamd and restart (Attachment 3, 3(8)).")}
                        </p>
                    })}
                    {(r.overdue > 0).then(|| view! {
                        <p class="error" role="alert" data-testid="home-security-overdue">
                            {locale.pick("資安工作逾期項目：", "Overdue security duties: ")}<strong>{r.overdue}</strong>
                            " " <a href="/admin/security">{locale.pick("前往處理", "Open")}</a>
                        </p>
                    })}
                    {clock_off.map(|ms| view! {
                        <p class="error" role="alert" data-testid="home-clock">
                            {locale.pick("系統時鐘與資料庫伺服器相差 ", "This server's clock is off the database server's by ")}{ms}{locale.pick(" 毫秒，請校正", " ms: correct it")}
                        </p>
                    })}
                    {(!failing.is_empty()).then(|| view! {
                        <p class="error" role="alert" data-testid="home-forwarding">
                            {locale.pick("稽核軌跡轉送失敗：", "Audit forwarding failing: ")}{failing.join("、")}
                            " " <a href="/admin/security">{locale.pick("查看", "Open")}</a>
                        </p>
                    })}
                }
            })}
        </Suspense>
    }
}

/// Audits waiting for the caller's signature (anyone can be the audited person); the external
/// team's due and overdue audits (七(二)1).
#[component]
fn AuditNotice() -> impl IntoView {
    use crate::domain::audit::DueState;
    let locale = use_locale();
    let page = Resource::new(|| (), |_| crate::api::audits::audits_page());
    view! {
        <Suspense fallback=|| ()>
            {move || page.get().and_then(|r| r.ok()).map(|p| {
                let overdue = p.schedule.iter().filter(|r| r.state == DueState::Overdue).count();
                let due = p.schedule.iter().filter(|r| r.state == DueState::Due).count();
                view! {
                    {(!p.to_sign.is_empty()).then(|| view! {
                        <p class="notice" role="status" data-testid="home-audits-to-sign">
                            {locale.pick("稽核紀錄待您簽章：", "Audits waiting for your signature: ")}<strong>{p.to_sign.len()}</strong>
                            " " <a href="/audits">{locale.pick("前往簽章", "Open")}</a>
                        </p>
                    })}
                    {(overdue > 0).then(|| view! {
                        <p class="error" role="alert" data-testid="home-audits-overdue">
                            {locale.pick("外部稽核逾期：", "External audits overdue: ")}<strong>{overdue}</strong>
                            " " <a href="/audits">{locale.pick("前往排程", "Open the schedule")}</a>
                        </p>
                    })}
                    {(due > 0).then(|| view! {
                        <p class="notice" role="status" data-testid="home-audits-due">
                            {locale.pick("本期應辦外部稽核：", "External audits due this period: ")}<strong>{due}</strong>
                        </p>
                    })}
                }
            })}
        </Suspense>
    }
}

/// The liaison tile's count: replies waiting to be read (senders), slips awaiting approval
/// (the section chief) or waiting for a reply (the office), overdue ones in red.
#[component]
fn LiaisonBadge() -> impl IntoView {
    let locale = use_locale();
    let counts = Resource::new(|| (), |_| crate::api::liaison::liaison_counts());
    view! {
        <Suspense fallback=|| ()>
            {move || counts.get().and_then(|r| r.ok()).and_then(|c| {
                let overdue = c.inbox_overdue > 0;
                let n = c.replies_waiting + c.awaiting_approval + c.inbox_open;
                let title = if c.inbox_open > 0 {
                    format!("{}{}{}", locale.pick("待回復 ", "open: "), c.inbox_open,
                        if c.inbox_overdue > 0 { format!("{}{}", locale.pick("，逾期 ", ", overdue: "), c.inbox_overdue) } else { String::new() })
                } else {
                    format!("{}{}", locale.pick("待處理 ", "waiting: "), n)
                };
                (n > 0).then(|| view! {
                    <span class="count-badge" class:danger=overdue title=title data-testid="liaison-badge">{n}</span>
                })
            })}
        </Suspense>
    }
}

/// The account manager's flags (八(三), 六(二)): an overdue or due quarterly review, a
/// hand-over waiting for acknowledgment, a password change owed after taking over.
fn review_notices(s: &ReviewStatus, locale: Locale) -> impl IntoView {
    let overdue: Vec<_> = s.units.iter().filter(|u| u.state == ReviewState::Overdue).collect();
    let due: Vec<_> = s.units.iter().filter(|u| u.state == ReviewState::Due).collect();
    let name = |u: &UnitReviewStatus| locale.pick(&u.unit_zh, &u.unit_en).to_string();
    view! {
        {s.password_change_for_handover.is_some().then(|| view! {
            <p class="notice" role="alert" data-testid="home-handover-password">
                {locale.pick("您已確認接辦通行碼管理業務，請先變更密碼後再執行管理作業（作業規定六(二)）。",
                    "You took over as account manager: change your password before any manager action (rule 6(2)).")}
                " " <a href="/password">{t(Msg::ChangePassword)}</a>
            </p>
        })}
        {(s.handovers_to_acknowledge > 0).then(|| view! {
            <p class="notice" role="status" data-testid="home-handover-waiting">
                {locale.pick("有通行碼管理業務移交清冊待您確認接收。", "A hand-over list is waiting for your acknowledgment.")}
                " " <a href="/accounts/handover">{locale.pick("前往確認", "Open it")}</a>
            </p>
        })}
        {(!overdue.is_empty()).then(|| view! {
            <p class="error" role="alert" data-testid="review-overdue">
                {locale.pick("帳號權限審查已逾期：", "Permission review overdue: ")}
                {overdue.iter().map(|u| format!("{} {}", name(u), locale.pick(&u.quarter_zh, &u.quarter_en))).collect::<Vec<_>>().join("、")}
                {locale.pick("（作業規定八(三)：每季審查）", " (rule 8(3): every quarter)")}
                " " <a href="/accounts/review">{locale.pick("立即辦理", "Review now")}</a>
            </p>
        })}
        {(!due.is_empty()).then(|| view! {
            <p class="notice" role="status" data-testid="review-due">
                {locale.pick("本季帳號權限審查待辦理：", "This quarter's permission review is due: ")}
                {due.iter().map(|u| format!("{}{}", name(u), u.deadline.as_deref().map(|d| format!("（{}{d}）", locale.pick("期限 ", "by "))).unwrap_or_default())).collect::<Vec<_>>().join("、")}
                " " <a href="/accounts/review">{locale.pick("前往審查", "Open the review")}</a>
            </p>
        })}
    }
}

/// Tiles for the review and the hand-over, for those who manage a unit or take one over (and
/// administrators, who may make a hand-over list).
fn review_tiles(s: &ReviewStatus, admin: bool, locale: Locale) -> impl IntoView {
    let manages = !s.units.is_empty();
    view! {
        {manages.then(|| view! {
            <li><a class="tile" href="/accounts/review" data-testid="tile-review">{locale.pick("帳號權限審查", "Permission review")}</a></li>
        })}
        {(manages || admin || s.handovers_to_acknowledge > 0).then(|| view! {
            <li><a class="tile" href="/accounts/handover" data-testid="tile-handover">{locale.pick("管理者移交", "Manager hand-over")}</a></li>
        })}
    }
}
