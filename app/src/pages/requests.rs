//! Account change requests (附件五): the list, the form (same validation as the server, errors
//! as you type), the request laid out like the attachment with its timeline and the workflow's
//! actions; and the manager's page of the unit's accounts (immediate revocation).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::accounts::*;
use crate::components::{role_label, RequireAuth};
use crate::domain::forms::account_request::{
    AccountRequestInput, DeclineReason, RequestKind, RequestState, RevokeReason,
};
use crate::domain::{roc_datetime, RocDate, Role};
use crate::i18n::{t, use_locale, Locale, Msg};

fn state_label(s: &RequestSummary, l: Locale) -> &'static str {
    l.pick(s.state.zh(), s.state.en())
}

fn action_label(a: &str, l: Locale) -> &'static str {
    match a {
        "filed" => l.pick("申請", "Filed"),
        "endorsed" => l.pick("業務單位核章", "Signed off by the business unit"),
        "approved" => l.pick("審核：提供", "Approved"),
        "declined" => l.pick("審核：不提供", "Declined"),
        "withdrawn" => l.pick("撤回", "Withdrawn"),
        "applied" => l.pick("生效", "In effect"),
        "failed" => l.pick("未能生效", "Could not be applied"),
        "superseded" => l.pick("失效（帳號已停用或註銷）", "Superseded (account disabled or revoked)"),
        _ => "",
    }
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Requests/> }}</RequireAuth> }
}

#[component]
fn Requests() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    let admin = me.has(Role::Admin);
    let state = RwSignal::new(String::new());
    let unit = RwSignal::new(0i64);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let rows = Resource::new(
        move || (state.get(), unit.get(), from.get(), to.get()),
        |(s, u, f, t)| list_requests(s, u, f, t),
    );
    let units = Resource::new(
        move || admin,
        |a| async move {
            if a {
                crate::api::admin::list_units().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        },
    );
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("帳號異動申請", "Account change requests")}</h1>
            <p><a class="button" href="/accounts/requests/new" data-testid="new-request">{locale.pick("填寫帳號異動申請單", "File a request")}</a></p>
            <form class="card inline-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <label for="f-state">{t(Msg::Status)}</label>
                <select id="f-state" on:change=move |ev| state.set(event_target_value(&ev))>
                    <option value="">{locale.pick("全部", "All")}</option>
                    {RequestState::ALL.into_iter()
                        .map(|s| view! { <option value=s.code()>{locale.pick(s.zh(), s.en())}</option> }).collect_view()}
                </select>
                {admin.then(|| view! {
                    <label for="f-unit">{t(Msg::Unit)}</label>
                    <select id="f-unit" on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">{locale.pick("全部單位", "All units")}</option>
                        <Suspense fallback=|| ()>
                            {move || units.get().map(|us| us.into_iter().map(|u| view! { <option value=u.id.to_string()>{u.name_zh}</option> }).collect_view())}
                        </Suspense>
                    </select>
                })}
                <label for="f-from">{t(Msg::ValidFrom)}</label>
                <input id="f-from" placeholder="115/11/01" size="10" on:change=move |ev| from.set(event_target_value(&ev))/>
                <label for="f-to">{t(Msg::ValidTo)}</label>
                <input id="f-to" placeholder="115/11/30" size="10" on:change=move |ev| to.set(event_target_value(&ev))/>
            </form>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoRecords)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data" data-testid="requests">
                            <thead><tr>
                                <th>"#"</th><th>{locale.pick("申請事項", "Kind")}</th><th>{t(Msg::EmployeeNo)}</th><th>{t(Msg::Name)}</th>
                                <th>{t(Msg::Unit)}</th><th>{locale.pick("申請時間", "Filed")}</th><th>{t(Msg::Status)}</th><th></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|s| view! {
                                <tr>
                                    <td>{s.id}</td>
                                    <td>{locale.pick(s.kind.zh(), s.kind.en())}</td>
                                    <td class="mono">{s.employee_no.clone()}</td>
                                    <td>{s.user_name.clone()}</td>
                                    <td>{s.target_unit_name.clone()}</td>
                                    <td>{roc_datetime(s.filed_at)}</td>
                                    <td>{state_label(&s, locale)}</td>
                                    <td><a href=format!("/accounts/requests/{}", s.id)>{t(Msg::Open)}</a></td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn NewRequestPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <NewRequest/> }}</RequireAuth> }
}

#[component]
fn NewRequest() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    let today = RocDate::from_gregorian(chrono::Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive())
        .map(|d| d.short())
        .unwrap_or_default();
    let input =
        RwSignal::new(AccountRequestInput { applied_on: today, agency: me.unit.name_zh.clone(), ..Default::default() });
    let touched = RwSignal::new(false);
    let domains = Resource::new(|| (), |_| request_form_config());
    let errors = Memo::new(move |_| {
        let d = domains.get().and_then(|r| r.ok()).unwrap_or_else(|| vec!["gov.taipei".to_string()]);
        input.with(|i| i.parse(&d).err().unwrap_or_default())
    });
    let err = move |field: &'static str| crate::components::field_error(touched, errors, field);
    let file = ServerAction::<FileRequest>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = file.value().get() {
            navigate(&format!("/accounts/requests/{id}"), Default::default());
        }
    });
    let set = move |f: fn(&mut AccountRequestInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            input.update(|i| *f(i) = v);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if errors.with(|e| e.is_empty()) {
            file.dispatch(FileRequest { input: input.get() });
        }
    };
    let req = move || view! { <span class="req" title=t(Msg::Required)>"*"</span> };
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("帳號異動申請單", "Account change request")}</h1>
            <p class="muted">{locale.pick("＊為必填欄位。「申請權限」為本系統增列欄位（紙本申請單無此欄）。", "* marks a required field. 申請權限 (roles) is this system's addition to the paper form.")}</p>
            <form class="card grid-form" on:submit=on_submit novalidate data-testid="request-form">
                <fieldset class="field">
                    <legend>{req()}{locale.pick("申請事項", "Request")}</legend>
                    <div class="choices">
                        {RequestKind::ALL.into_iter().map(|k| view! {
                            <label class="choice">
                                <input type="radio" name="kind" value=k.code() data-testid=format!("kind-{}", k.code())
                                    on:change=move |_| input.update(|i| i.kind = k.code().to_string())/>
                                <span>{locale.pick(k.zh(), k.en())}</span>
                            </label>
                        }).collect_view()}
                    </div>
                    {err("kind")}
                </fieldset>
                <div class="field">
                    <label for="r-reason">{locale.pick("異動原因", "Reason")}</label>
                    <input id="r-reason" maxlength="200" data-testid="r-reason" on:input=set(|i| &mut i.reason)/>
                    {err("reason")}
                </div>
                <div class="field">
                    <label for="r-date">{req()}{locale.pick("申請日期", "Date")}</label>
                    <input id="r-date" prop:value=move || input.with(|i| i.applied_on.clone()) on:input=set(|i| &mut i.applied_on)/>
                    {err("applied_on")}
                </div>
                <div class="field">
                    <label for="r-agency">{req()}{locale.pick("機關名稱", "Agency")}</label>
                    <input id="r-agency" maxlength="60" prop:value=move || input.with(|i| i.agency.clone()) on:input=set(|i| &mut i.agency)/>
                    {err("agency")}
                </div>
                <div class="field">
                    <label for="r-section">{req()}{locale.pick("科(課)室名稱", "Section")}</label>
                    <input id="r-section" maxlength="60" data-testid="r-section" on:input=set(|i| &mut i.section)/>
                    {err("section")}
                </div>
                <div class="field">
                    <label for="r-name">{req()}{locale.pick("使用者中文姓名", "User's name")}</label>
                    <input id="r-name" maxlength="40" data-testid="r-name" on:input=set(|i| &mut i.user_name)/>
                    {err("user_name")}
                </div>
                <div class="field">
                    <label for="r-phone">{t(Msg::Phone)}</label>
                    <input id="r-phone" type="tel" maxlength="30" on:input=set(|i| &mut i.phone)/>
                    {err("phone")}
                </div>
                <div class="field">
                    <label for="r-emp">{req()}{locale.pick("使用者帳號（員工編號）", "Account (employee number)")}</label>
                    <input id="r-emp" maxlength="12" class="mono" data-testid="r-emp" on:input=set(|i| &mut i.employee_no)/>
                    {err("employee_no")}
                </div>
                <div class="field">
                    <label for="r-email">{req()}{locale.pick("E-Mail（公務信箱）", "E-mail (official)")}</label>
                    <input id="r-email" type="email" maxlength="120" data-testid="r-email" on:input=set(|i| &mut i.email)/>
                    {err("email")}
                </div>
                <div class="field">
                    <label for="r-target">{locale.pick("異動後單位代碼（調動時）", "New unit code (for a move)")}</label>
                    <input id="r-target" maxlength="20" placeholder="LO-SS" on:input=set(|i| &mut i.target_unit)/>
                    {err("target_unit")}
                </div>
                <fieldset class="field roles">
                    <legend>{locale.pick("申請權限（本系統增列）", "Roles asked for (this system's addition)")}</legend>
                    {Role::ALL.into_iter().map(|r| view! {
                        <label class="check">
                            <input type="checkbox" value=r.code() data-testid=format!("role-{}", r.code())
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    input.update(|i| { i.roles.retain(|x| x != r.code()); if on { i.roles.push(r.code().to_string()); } });
                                }/>
                            {role_label(r, locale)}
                        </label>
                    }).collect_view()}
                    {err("roles")}
                </fieldset>
                {move || file.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="request-error">{e.text(locale)}</p> })}
                <div class="actions"><button type="submit" class="primary" data-testid="file-request">{locale.pick("送出申請", "File the request")}</button></div>
            </form>
        </main>
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <RequestDetailView/> }}</RequireAuth> }
}

#[component]
fn RequestDetailView() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), version.get()), |(id, _)| get_request(id));
    let endorse = ServerAction::<EndorseRequest>::new();
    let review = ServerAction::<ReviewRequest>::new();
    let withdraw = ServerAction::<WithdrawRequest>::new();
    let error = RwSignal::new(None::<String>);
    let password = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        for r in [endorse.value().get(), withdraw.value().get()].into_iter().flatten() {
            match r {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
        if let Some(r) = review.value().get() {
            match r {
                Ok(o) => {
                    password.set(o.one_time_password);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
    });
    let decision = RwSignal::new("provide".to_string());
    let reason = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let effective = RwSignal::new(String::new());
    let tick = |on: bool| if on { "☑" } else { "☐" };
    view! {
        <main id="main" class="page">
            {move || error.get().map(|m| view! { <p class="error no-print" role="alert" data-testid="request-action-error">{m}</p> })}
            {move || password.get().map(|p| view! {
                <p class="notice no-print" role="status" data-testid="initial-password">
                    {locale.pick("帳號已建立。初始密碼（僅顯示一次，首次登入須變更）：", "Account created. Initial password (shown once; must be changed at first sign-in): ")}
                    <strong class="mono">{p}</strong>
                </p>
            })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(d) => {
                        let f = d.form.clone();
                        let rid = d.summary.id;
                        let roles = d.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、");
                        let approved_or_later = matches!(d.summary.state, RequestState::Approved | RequestState::Applied);
                        let declined = d.summary.state == RequestState::Declined;
                        let reason_ticks = DeclineReason::ALL.iter().map(|r| format!("{} {}", tick(d.decline_reason == Some(*r)), r.zh())).collect::<Vec<_>>().join("　");
                        view! {
                            <article class="print-form request-form" data-testid="request" data-state=d.summary.state.code()>
                                <header class="form-title">
                                    <h1>"臺北市政府地政局暨所屬所隊 介接使用臺北市數位印鑑比對系統帳號異動申請單"</h1>
                                    <p class="no-print">{state_label(&d.summary, locale)}</p>
                                </header>
                                <table class="form-grid">
                                    <tbody>
                                        <tr><th>"＊申請事項"</th><td>{RequestKind::ALL.into_iter().map(|k| format!("{} {}", tick(k == f.kind), k.zh())).collect::<Vec<_>>().join("　")}</td>
                                            <th>"異動原因"</th><td>{f.reason.clone().unwrap_or_default()}</td></tr>
                                        <tr><th>"＊申請日期"</th><td colspan="3">{f.applied_on.long()}</td></tr>
                                        <tr><th>"＊機關名稱"</th><td colspan="3">{f.agency.clone()}</td></tr>
                                        <tr><th>"＊科(課)室名稱"</th><td colspan="3">{f.section.clone()}</td></tr>
                                        <tr><th>"＊使用者名稱"</th><td>{"中文姓名："}{f.user_name.clone()}</td><th>"電　話"</th><td>{f.phone.clone().unwrap_or_default()}</td></tr>
                                        <tr><th>"使用者帳號"</th><td colspan="3" class="mono">{f.employee_no.as_str().to_string()}</td></tr>
                                        <tr><th>"＊E-Mail (公務信箱)"</th><td colspan="3">{f.email.as_str().to_string()}</td></tr>
                                        <tr class="extension"><th>"申請權限（本系統增列）"</th><td colspan="3">{roles}
                                            {f.target_unit.clone().map(|u| format!("　異動後單位：{}", d.summary.target_unit_name.clone() + " (" + &u + ")"))}</td></tr>
                                        <tr><th>"業務單位核章"</th><td colspan="3">{d.timeline.iter().find(|e| e.action == "endorsed").map(|e| format!("{} {}", e.actor, roc_datetime(e.at)))}</td></tr>
                                        <tr><th>"審核意見"</th><td colspan="3">{format!("{} 提供　{} 不提供", tick(approved_or_later), tick(declined))}</td></tr>
                                        <tr><th>"不提供意見"</th><td colspan="3">{reason_ticks}{d.decline_text.clone().map(|t| format!("：{t}"))}</td></tr>
                                        {d.failure_reason.clone().map(|why| view! { <tr data-testid="request-failure"><th>"未能生效原因"</th><td colspan="3">{why}</td></tr> })}
                                        <tr><th>"異動時間"</th><td colspan="3">{d.summary.effective_at.map(roc_datetime).unwrap_or_default()}<span class="muted">"（依申請事項為啟用、異動或註銷時間）"</span></td></tr>
                                        <tr><th>"審核單位核章"</th><td colspan="3">{d.timeline.iter().find(|e| e.action == "approved" || e.action == "declined").map(|e| format!("{} {}", e.actor, roc_datetime(e.at)))}</td></tr>
                                    </tbody>
                                </table>
                                <crate::components::Timeline entries={d.timeline.iter().map(|e| crate::components::TimelineEntry {
                at: e.at, action: e.action.clone(), label: action_label(&e.action, locale), actor: e.actor.clone(), note: e.note.clone(),
            }).collect::<Vec<_>>()}/>
                            </article>
                            <div class="actions no-print">
                                {d.can_endorse.then(|| view! {
                                    <button type="button" class="primary" data-testid="endorse" on:click=move |_| { endorse.dispatch(EndorseRequest { id: rid }); }>
                                        {locale.pick("業務單位核章", "Sign off (business unit)")}</button>
                                })}
                                {d.can_withdraw.then(|| view! {
                                    <button type="button" class="secondary" on:click=move |_| { withdraw.dispatch(WithdrawRequest { id: rid }); }>{locale.pick("撤回", "Withdraw")}</button>
                                })}
                                <crate::components::PrintButton/>
                                <a href="/accounts/requests" class="button secondary">{locale.pick("申請單列表", "All requests")}</a>
                            </div>
                            {d.can_review.then(|| view! {
                                <form class="card grid-form no-print" data-testid="review-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    review.dispatch(ReviewRequest { id: rid, decision: decision.get(), reason: reason.get(), text: text.get(), effective: effective.get() });
                                }>
                                    <fieldset class="field">
                                        <legend>{locale.pick("審核意見", "Review")}</legend>
                                        <div class="choices">
                                            <label class="choice"><input type="radio" name="decision" checked data-testid="review-provide" on:change=move |_| decision.set("provide".into())/>{locale.pick("提供", "Provide")}</label>
                                            <label class="choice"><input type="radio" name="decision" data-testid="review-decline" on:change=move |_| decision.set("decline".into())/>{locale.pick("不提供", "Decline")}</label>
                                        </div>
                                    </fieldset>
                                    <div class="field">
                                        <label for="rv-when">{locale.pick("異動時間（空白為立即）", "Effective (blank: now)")}</label>
                                        <input id="rv-when" type="datetime-local" on:input=move |ev| effective.set(event_target_value(&ev))/>
                                    </div>
                                    <div class="field">
                                        <label for="rv-reason">{locale.pick("不提供意見", "Reason for declining")}</label>
                                        <select id="rv-reason" on:change=move |ev| reason.set(event_target_value(&ev))>
                                            <option value="">"—"</option>
                                            {DeclineReason::ALL.iter().map(|r| view! { <option value=r.code()>{locale.pick(r.zh(), r.en())}</option> }).collect_view()}
                                        </select>
                                        <input aria-label=locale.pick("其他原因說明", "Other reason") maxlength="200" on:input=move |ev| text.set(event_target_value(&ev))/>
                                    </div>
                                    <div class="actions"><button type="submit" class="primary" data-testid="review-submit">{locale.pick("送出審核", "Submit the review")}</button></div>
                                </form>
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn UnitAccountsPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <UnitAccountsView/> }}</RequireAuth> }
}

#[component]
fn UnitAccountsView() -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(0u32);
    let accounts = Resource::new(move || version.get(), |_| unit_accounts());
    let revoke = ServerAction::<RevokeAccount>::new();
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(())) => {
            error.set(None);
            version.update(|v| *v += 1)
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("本單位帳號", "My unit's accounts")}</h1>
            <p class="muted">{locale.pick("職務異動、離職或退休者，請立即停用其帳號（作業規定六(三)）；停用即時生效並結束其所有連線，繼任者須另行申請。",
                "On a job change, departure or retirement, disable the account at once (rule 6(3)); it takes effect immediately and ends every session. The successor files a new request.")}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || accounts.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data" data-testid="unit-accounts">
                            <thead><tr><th>{t(Msg::EmployeeNo)}</th><th>{t(Msg::Name)}</th><th>{t(Msg::Roles)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::LastLogin)}</th><th>{t(Msg::Actions)}</th></tr></thead>
                            <tbody>{list.into_iter().map(|a| {
                                let reason = RwSignal::new(String::new());
                                let id = a.id;
                                let emp = a.employee_no.clone();
                                view! {
                                    <tr>
                                        <td class="mono">{a.employee_no.clone()}</td>
                                        <td>{a.name.clone()}</td>
                                        <td>{a.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、")}</td>
                                        <td>{if a.disabled { format!("{}（{}）", t(Msg::Disabled), a.disabled_reason.clone().unwrap_or_default()) } else { t(Msg::Active).to_string() }}</td>
                                        <td>{a.last_login_at.map(roc_datetime).unwrap_or_default()}</td>
                                        <td class="row-actions">{(!a.disabled).then(|| view! {
                                            <select aria-label=t(Msg::Reason) data-testid=format!("revoke-reason-{emp}") on:change=move |ev| reason.set(event_target_value(&ev))>
                                                <option value="">{t(Msg::Reason)}</option>
                                                {RevokeReason::ALL.iter().map(|r| view! { <option value=r.code()>{locale.pick(r.zh(), r.en())}</option> }).collect_view()}
                                            </select>
                                            <button type="button" class="secondary" data-testid=format!("revoke-{}", a.employee_no)
                                                on:click=move |_| { revoke.dispatch(RevokeAccount { account_id: id, reason: reason.get(), text: String::new() }); }>
                                                {locale.pick("立即停用", "Disable now")}</button>
                                        })}</td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
