use leptos::prelude::*;

use crate::api::auth::Me;
use crate::api::reviews::ReviewStatus;
use crate::api::work::WorkItem;
use crate::components::{role_label, RequireAuth};
use crate::domain::{roc_datetime, Role};
use crate::i18n::{t, use_locale, work, Locale, Msg};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Home/> }}
        </RequireAuth>
    }
}

/// 待辦: the person's inbox — everything that waits for them, oldest first, with its deadline
/// and a link straight to it — under the flags that are not work items (the administrator's
/// system flags, a password change owed after a hand-over).
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
    let inbox = Resource::new(|| (), |_| crate::api::work::work_inbox());
    let admin = me.has(Role::Admin);
    let words = work::inbox_words(locale);
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Welcome)} "，" {me.name.clone()}</h1>
            <p class="muted">{t(Msg::Unit)} "：" {unit} " · " {t(Msg::Roles)} "：" {roles}</p>
            <Suspense fallback=|| ()>
                {move || review.get().and_then(|r| r.ok()).map(|s| handover_password(&s, locale))}
            </Suspense>
            {admin.then(|| view! { <SecurityNotice/> })}
            <h2>{words.title}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || inbox.get().map(|r| match r {
                    Ok(i) => inbox_table(i.items, locale).into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

fn inbox_table(items: Vec<WorkItem>, locale: Locale) -> impl IntoView {
    let words = work::inbox_words(locale);
    if items.is_empty() {
        return view! { <p class="muted" data-testid="inbox-empty">{words.empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data inbox" data-testid="inbox">
                <thead><tr>
                    <th scope="col">{words.kind}</th>
                    <th scope="col">{words.about}</th>
                    <th scope="col">{words.since}</th>
                    <th scope="col">{words.deadline}</th>
                    <th scope="col"><span class="visually-hidden">{words.open}</span></th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|i| {
                        let deadline = i.deadline.map(roc_datetime).unwrap_or_else(|| words.no_deadline.to_string());
                        view! {
                            <tr data-kind=i.kind.code() data-id=i.id class:overdue=i.overdue>
                                <td>{work::kind(i.kind, locale)}</td>
                                <td>{i.about}</td>
                                <td>{roc_datetime(i.since)}</td>
                                <td class="deadline" class:overdue=i.overdue>
                                    {deadline}
                                    {i.overdue.then(|| view! { " " <span class="count-badge danger">{words.overdue}</span> })}
                                </td>
                                <td><a href=i.href>{words.open}</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
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

/// A password change owed after taking over as account manager (六(二)): not a work item, a
/// condition on every manager action.
fn handover_password(s: &ReviewStatus, locale: Locale) -> impl IntoView {
    s.password_change_for_handover.is_some().then(|| {
        view! {
            <p class="notice" role="alert" data-testid="home-handover-password">
                {locale.pick("您已確認接辦通行碼管理業務，請先變更密碼後再執行管理作業（作業規定六(二)）。",
                    "You took over as account manager: change your password before any manager action (rule 6(2)).")}
                " " <a href="/password">{t(Msg::ChangePassword)}</a>
            </p>
        }
    })
}
