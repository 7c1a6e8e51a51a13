//! `/admin/security`: the register of security duties (八(一)(二)(三)) — due and overdue duties,
//! recording one done with its evidence, adding one; the units' quarterly account reviews.

use leptos::prelude::*;

use crate::api::security::*;
use crate::components::RequireAuth;
use crate::domain::review::ReviewState;
use crate::domain::security_task::{CompletionInput, TaskInput, TaskKind};
use crate::domain::RocDate;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn SecurityPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Security/> }}</RequireAuth> }
}

fn today() -> String {
    RocDate::from_gregorian(chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive())
        .map(|d| d.short())
        .unwrap_or_default()
}

#[component]
fn Security() -> impl IntoView {
    let locale = use_locale();
    let add = ServerAction::<AddSecurityTask>::new();
    let complete = ServerAction::<CompleteSecurityTask>::new();
    let register = Resource::new(move || (add.version().get(), complete.version().get()), |_| security_tasks());
    let input = RwSignal::new(TaskInput { kind: TaskKind::VulnerabilityScan.code().into(), ..Default::default() });
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("資安工作紀錄", "Security duties")}</h1>
            <p class="muted">{locale.pick(
                "每季進行安全弱點檢測並依結果修補、防毒軟體連線更新（八(一)）；作業系統於原廠停止服務前完成升級、更新或汰換，無法配合者將風險控制措施與後續處置規劃通知民政局（八(二)）；每季帳號權限審查（八(三)）。",
                "Quarterly vulnerability scans and remediation, anti-virus updates (8(1)); OS upgrades before end of support, or the risk controls and plan notified to the Civil Affairs Department (8(2)); the quarterly account review (8(3)).")}</p>
            {move || add.value().get().and_then(|r| r.err()).or_else(|| complete.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error" role="alert" data-testid="security-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || register.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(reg) => {
                        let can_edit = reg.can_edit;
                        view! {
                            {(reg.overdue > 0).then(|| view! {
                                <p class="error" role="alert" data-testid="security-overdue">{locale.pick("逾期項目：", "Overdue: ")}<strong>{reg.overdue}</strong></p>
                            })}
                            {(!reg.reviews.is_empty()).then(|| view! {
                                <section class="card">
                                    <h2>{locale.pick("每季帳號權限審查", "Quarterly account reviews")}</h2>
                                    <ul data-testid="security-reviews">{reg.reviews.iter().map(|u| view! {
                                        <li class:overdue=u.state == ReviewState::Overdue>{u.unit_zh.clone()} " · " {u.quarter_zh.clone()} " · "
                                            {if u.state == ReviewState::Overdue { locale.pick("逾期", "overdue") } else { locale.pick("待辦理", "due") }}
                                            {u.deadline.clone().map(|d| format!("（{}{d}）", locale.pick("期限 ", "by ")))}</li>
                                    }).collect_view()}</ul>
                                </section>
                            })}
                            {match reg.clock_offset_ms {
                                Some(ms) if ms.abs() > reg.clock_tolerance_ms => view! {
                                    <p class="error" role="alert" data-testid="clock" data-offset=ms.to_string()>{locale.pick("系統時鐘與資料庫伺服器相差 ", "This server's clock is off the database server's by ")}{ms}{locale.pick(" 毫秒，請校正（附件三 4(9)）", " ms: correct it (附件三 4(9))")}</p>
                                }.into_any(),
                                Some(ms) => view! {
                                    <p class="muted" data-testid="clock" data-offset=ms.to_string()>{locale.pick("系統時鐘與資料庫伺服器相差 ", "Clock offset to the database server: ")}{ms}{locale.pick(" 毫秒", " ms")}</p>
                                }.into_any(),
                                None => view! { <p class="error" role="alert" data-testid="clock">{locale.pick("無法量測與資料庫伺服器的時鐘差", "The clock offset to the database server could not be measured")}</p> }.into_any(),
                            }}
                            <section class="card" data-testid="updates">
                                <h2>{locale.pick("系統更新紀錄", "Update records")}</h2>
                                <div class="table-wrap"><table class="data">
                                    <thead><tr><th>{locale.pick("版本", "Version")}</th><th>{locale.pick("版次", "Commit")}</th><th>{locale.pick("資料庫結構", "Schema")}</th>
                                        <th>{locale.pick("本次套用", "Migrations applied")}</th><th>{locale.pick("首次啟動", "First started")}</th><th>{locale.pick("啟動者", "By")}</th></tr></thead>
                                    <tbody>{reg.updates.iter().map(|u| view! {
                                        <tr data-testid="update-row"><td>{u.version.clone()}</td><td class="mono">{u.commit.clone()}</td><td>{u.schema_version}</td>
                                            <td>{if u.migrations_applied.is_empty() { "—".to_string() } else { u.migrations_applied.clone() }}</td>
                                            <td>{u.first_started.clone()}</td><td>{u.started_by.clone()}</td></tr>
                                    }).collect_view()}</tbody>
                                </table></div>
                            </section>
                            <section class="card" data-testid="forwarding">
                                <h2>{locale.pick("稽核軌跡轉送中央日誌系統", "Audit trail to the central log system")}</h2>
                                {if reg.forwarding.is_empty() {
                                    view! { <p class="notice" data-testid="forwarding-off">{locale.pick("尚未轉送（請設定 YINJIAN_TRAIL_FORWARD）", "Not forwarded (set YINJIAN_TRAIL_FORWARD)")}</p> }.into_any()
                                } else {
                                    view! { <ul class="plain">{reg.forwarding.iter().map(|f| view! {
                                        <li data-testid="forward-target" data-behind=f.behind.to_string()>
                                            <span class="mono">{f.target.clone()}</span> " · "
                                            {if f.behind == 0 { locale.pick("已送至最新", "up to date").to_string() } else { format!("{}{}{}", locale.pick("落後 ", ""), f.behind, locale.pick(" 筆", " events behind")) }}
                                            {f.last_sent.clone().map(|t| format!(" · {}{t}", locale.pick("最後送出 ", "last sent ")))}
                                            {f.last_error.clone().map(|e| view! { <span class="warning-text" data-testid="forward-error">" · " {locale.pick("最近錯誤：", "last error: ")} {e} {f.last_error_at.clone().map(|t| format!("（{t}）"))}</span> })}
                                        </li>
                                    }).collect_view()}</ul> }.into_any()
                                }}
                            </section>
                            <div class="table-wrap"><table class="data" data-testid="security-tasks">
                                <thead><tr><th>{locale.pick("工作項目", "Duty")}</th><th>{locale.pick("說明", "What")}</th><th>{locale.pick("期限", "Due")}</th>
                                    <th>{locale.pick("完成", "Done")}</th><th>{locale.pick("佐證", "Evidence")}</th><th></th></tr></thead>
                                <tbody>{reg.tasks.into_iter().map(|task| {
                                    let id = task.id;
                                    let form = RwSignal::new(CompletionInput { done_on: today(), ..Default::default() });
                                    let open = task.done_on.is_none();
                                    let overdue = task.overdue;
                                    let eos = task.kind == TaskKind::OsEndOfSupport;
                                    view! {
                                        <tr class:flagged=overdue data-testid=format!("task-{id}") data-done=(!open).to_string()>
                                            <td>{locale.pick(task.kind.zh(), task.kind.en())}</td>
                                            <td>{task.title.clone()}</td>
                                            <td>{task.due_on.short()}{overdue.then(|| view! { " " <strong class="badge danger">{locale.pick("逾期", "Overdue")}</strong> })}</td>
                                            <td>{task.done_on.map(|d| d.short()).unwrap_or_default()} " " {task.done_by.clone().unwrap_or_default()}</td>
                                            <td>{task.evidence.clone().unwrap_or_default()}
                                                {task.notice_plan.clone().map(|p| format!("（通知民政局：{p}）"))}</td>
                                            <td class="row-actions">{(open && can_edit).then(|| view! {
                                                <input size="10" aria-label=locale.pick("完成日期", "Done on") prop:value=move || form.with(|f| f.done_on.clone())
                                                    on:input=move |ev| form.update(|f| f.done_on = event_target_value(&ev))/>
                                                <input size="24" data-testid=format!("evidence-{id}") aria-label=locale.pick("佐證", "Evidence")
                                                    placeholder=locale.pick("報告、文號或紀錄", "report, document no.")
                                                    on:input=move |ev| form.update(|f| f.evidence = event_target_value(&ev))/>
                                                {eos.then(|| view! {
                                                    <input size="24" aria-label=locale.pick("無法如期升級：風險控制措施與後續處置規劃（通知民政局）", "Cannot upgrade in time: risk controls and plan (notified)")
                                                        placeholder=locale.pick("無法如期升級時：通知民政局之規劃", "if not in time: plan notified")
                                                        on:input=move |ev| form.update(|f| f.notice_plan = event_target_value(&ev))/>
                                                })}
                                                <button type="button" class="primary" data-testid=format!("done-{id}")
                                                    on:click=move |_| { complete.dispatch(CompleteSecurityTask { id, input: form.get() }); }>{locale.pick("登錄完成", "Record done")}</button>
                                            })}</td>
                                        </tr>
                                    }
                                }).collect_view()}</tbody>
                            </table></div>
                            {can_edit.then(|| view! {
                                <form class="card inline-form" data-testid="add-task" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    add.dispatch(AddSecurityTask { input: input.get() });
                                }>
                                    <label for="st-kind">{locale.pick("工作項目", "Duty")}</label>
                                    <select id="st-kind" on:change=move |ev| input.update(|i| i.kind = event_target_value(&ev))>
                                        {TaskKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{locale.pick(k.zh(), k.en())}</option> }).collect_view()}
                                    </select>
                                    <label for="st-title">{locale.pick("說明", "What")}</label>
                                    <input id="st-title" maxlength="200" data-testid="task-title" on:input=move |ev| input.update(|i| i.title = event_target_value(&ev))/>
                                    <label for="st-due">{locale.pick("期限", "Due")}</label>
                                    <input id="st-due" size="10" placeholder="115/12/31" data-testid="task-due" on:input=move |ev| input.update(|i| i.due_on = event_target_value(&ev))/>
                                    <button type="submit" class="primary" data-testid="task-add">{locale.pick("新增", "Add")}</button>
                                </form>
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
