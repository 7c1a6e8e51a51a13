//! The quarterly account permission review (八(三)) and the account manager's hand-over
//! (六(二)): `/accounts/review` (this quarter's review of the unit's active accounts, keep or
//! change each, sign off; past reviews) and `/accounts/handover` (make the hand-over list,
//! acknowledge it). The server decides who may act; the pages only show it.

use leptos::prelude::*;

use crate::api::reviews::*;
use crate::components::{role_label, RequireAuth};
use crate::domain::forms::account_request::RequestKind;
use crate::domain::review::{AccountDecision, ReviewState};
use crate::domain::{roc_datetime, Role};
use crate::i18n::{t, use_locale, Locale, Msg};

fn pick(l: Locale, zh: String, en: String) -> String {
    match l {
        Locale::ZhTw => zh,
        Locale::En => en,
    }
}

fn roles_text(roles: &[Role], l: Locale) -> String {
    roles.iter().map(|r| role_label(*r, l)).collect::<Vec<_>>().join("、")
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>, l: Locale) -> String {
    t.map(roc_datetime).unwrap_or_else(|| l.pick("從未", "Never").to_string())
}

/// The hand-over password notice (六(二)).
fn password_notice(l: Locale) -> impl IntoView {
    view! {
        <p class="notice" role="alert" data-testid="handover-password">
            {l.pick("您已確認接辦通行碼管理業務。依作業規定六(二)，接辦人員應更改密碼：變更密碼前不能執行任何管理作業。",
                "You acknowledged taking over as account manager. Under rule 6(2) the successor changes the password: no manager action until you do.")}
            " " <a href="/password">{t(Msg::ChangePassword)}</a>
        </p>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Review/> }}</RequireAuth> }
}

#[component]
fn Review() -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(0u32);
    let status = Resource::new(move || version.get(), |_| review_status());
    // The review's items and the past reviews load their own data: render them only once the
    // page is live in the browser, so that the server's HTML and hydration never disagree about
    // resources created inside this Suspense.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let chosen = RwSignal::new(None::<i64>);
    let selected = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let start = ServerAction::<StartReview>::new();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(id)) => {
            error.set(None);
            selected.set(Some(id));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("帳號權限審查（每季）", "Quarterly account permission review")}</h1>
            <p class="muted">{locale.pick(
                "依作業規定八(三)，每季審查本單位每一個有效帳號的權限：逐一標記「維持」或「異動」（異動即開立帳號異動申請單），全部標記後簽核。",
                "Rule 8(3): each quarter, review every active account of the unit — mark each keep or change (a change opens an account change request), then sign off.")}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="review-error">{m}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || status.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(s) => {
                        let blocked = s.password_change_for_handover.is_some();
                        if s.units.is_empty() {
                            return view! {
                                {blocked.then(|| password_notice(locale))}
                                <p class="muted" data-testid="not-manager">{locale.pick(
                                    "帳號權限審查由各單位的通行碼管理者或指定的職務代理人辦理。",
                                    "The review is done by each unit's account manager or the designated deputy.")}</p>
                            }.into_any();
                        }
                        let units = s.units.clone();
                        let unit_id = chosen.get().filter(|c| units.iter().any(|u| u.unit_id == *c)).unwrap_or(units[0].unit_id);
                        let u = units.iter().find(|u| u.unit_id == unit_id).cloned().unwrap_or_else(|| units[0].clone());
                        let review_id = selected.get().or(u.current_review_id);
                        let idle = s.idle_days;
                        view! {
                            {blocked.then(|| password_notice(locale))}
                            {(units.len() > 1).then(|| view! {
                                <div class="field inline-form">
                                    <label for="rv-unit">{t(Msg::Unit)}</label>
                                    <select id="rv-unit" data-testid="review-unit" on:change=move |ev| {
                                        chosen.set(event_target_value(&ev).parse().ok());
                                        selected.set(None);
                                    }>
                                        {units.iter().map(|x| {
                                            let label = format!("{}{}", locale.pick(&x.unit_zh, &x.unit_en),
                                                if x.as_deputy { locale.pick("（職務代理）", " (deputy)") } else { "" });
                                            view! { <option value=x.unit_id.to_string() selected={x.unit_id == unit_id}>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                </div>
                            })}
                            <section class="card review-status" data-testid="review-status" data-state=u.state.code()>
                                <h2>{locale.pick(&u.unit_zh, &u.unit_en).to_string()} " · " {locale.pick(&u.quarter_zh, &u.quarter_en).to_string()}</h2>
                                <p>
                                    <span class=format!("badge state-{}", u.state)>{locale.pick(u.state.zh(), u.state.en())}</span>
                                    {u.deadline.clone().filter(|_| u.state != ReviewState::Signed).map(|d| view! {
                                        " " <span>{locale.pick("期限：", "Deadline: ")}{d}</span>
                                    })}
                                </p>
                                <p class="muted">
                                    {locale.pick("前次盤點（簽核）日期：", "Last review signed: ")}
                                    {u.last_signed_at.map(roc_datetime).unwrap_or_else(|| locale.pick("尚無", "none yet").to_string())}
                                    " · " {pick(locale, format!("逾 {idle} 天未登入或查詢者標示為閒置"), format!("idle: no sign-in or query for over {idle} days"))}
                                </p>
                                <div class="actions">
                                    {match (u.current_review_id, u.current_signed) {
                                        (None, _) => Some(view! {
                                            <button type="button" class="primary" data-testid="start-review" disabled=blocked
                                                on:click=move |_| { start.dispatch(StartReview { unit_id }); }>
                                                {locale.pick("開始本季審查", "Start this quarter's review")}</button>
                                        }.into_any()),
                                        (Some(id), false) => Some(view! {
                                            <button type="button" class="secondary" data-testid="refresh-review" disabled=blocked
                                                on:click=move |_| { selected.set(Some(id)); start.dispatch(StartReview { unit_id }); }>
                                                {locale.pick("更新帳號資料", "Reload the accounts")}</button>
                                        }.into_any()),
                                        _ => None,
                                    }}
                                    {(selected.get().is_some() && selected.get() != u.current_review_id && u.current_review_id.is_some()).then(|| view! {
                                        <button type="button" class="secondary" on:click=move |_| selected.set(None)>
                                            {locale.pick("回到本季審查", "Back to this quarter")}</button>
                                    })}
                                </div>
                            </section>
                            {move || live.get().then(|| view! {
                                {review_id.map(|id| view! { <ReviewDetail id=id version=version/> })}
                                <PastReviews unit_id=unit_id version=version selected=selected/>
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn ReviewDetail(id: i64, version: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    // decisions reload this review only; a sign-off reloads the page's status too
    let reload = RwSignal::new(0u32);
    let review = Resource::new(move || (id, version.get(), reload.get()), |(id, _, _)| get_review(id));
    let decide = ServerAction::<DecideReview>::new();
    let sign = ServerAction::<SignReview>::new();
    let error = RwSignal::new(None::<String>);
    let filed = RwSignal::new(None::<i64>);
    let editing = RwSignal::new(None::<i64>);
    let form = RwSignal::new(DecisionInput::default());
    let sign_note = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(r) = decide.value().get() {
            match r {
                Ok(o) => {
                    error.set(None);
                    filed.set(o.request_id);
                    editing.set(None);
                    reload.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
    });
    Effect::new(move |_| match sign.value().get() {
        Some(Ok(())) => {
            error.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || review.get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                Ok(v) => {
                    let can_act = v.can_act;
                    let undecided = v.undecided();
                    let review_id = v.id;
                    let signed = v.signed_at.is_some();
                    view! {
                        <article class="card review" data-testid="review" data-signed=signed.to_string()>
                            <header class="review-head">
                                <h2>{locale.pick("帳號權限審查表", "Account permission review")} " — " {locale.pick(&v.unit_zh, &v.unit_en).to_string()} " " {locale.pick(&v.quarter_zh, &v.quarter_en).to_string()}</h2>
                                <p class="muted">
                                    {locale.pick("開始：", "Started: ")}{roc_datetime(v.started_at)} " · " {v.started_by.clone()}
                                    " · " {pick(locale, format!("閒置門檻 {} 天", v.idle_threshold), format!("idle after {} days", v.idle_threshold))}
                                </p>
                            </header>
                            {move || error.get().map(|m| view! { <p class="error no-print" role="alert" data-testid="decide-error">{m}</p> })}
                            {move || filed.get().map(|id| view! {
                                <p class="notice no-print" role="status" data-testid="request-opened">
                                    {locale.pick("已開立帳號異動申請單：", "Account change request opened: ")}
                                    <a href=format!("/accounts/requests/{id}")>{format!("#{id}")}</a>
                                    {locale.pick("（須經業務單位核章，並由另一位管理者或職務代理人審核）", " (it needs the business unit's sign-off and review by another manager or the deputy)")}
                                </p>
                            })}
                            <div class="table-wrap"><table class="data review-table" data-testid="review-items">
                                <thead><tr>
                                    <th>{t(Msg::EmployeeNo)}</th><th>{t(Msg::Name)}</th><th>{t(Msg::Roles)}</th>
                                    <th>{t(Msg::LastLogin)}</th><th>{locale.pick("最後查詢", "Last query")}</th>
                                    <th>{locale.pick("閒置天數", "Days idle")}</th><th>{locale.pick("審查結果", "Decision")}</th>
                                    <th class="no-print">{t(Msg::Actions)}</th>
                                </tr></thead>
                                <tbody>{v.items.into_iter().map(|it| {
                                    let item_id = it.id;
                                    let emp = it.employee_no.clone();
                                    let current_roles: Vec<String> = it.roles.iter().map(|r| r.code().to_string()).collect();
                                    let email = it.email.clone();
                                    let section = it.section.clone();
                                    let open_request = it.open_request_id;
                                    let decision = match (it.decision, it.request_id) {
                                        (Some(AccountDecision::Keep), _) => view! { <span class="decision keep">{locale.pick("維持", "Keep")}</span> }.into_any(),
                                        (Some(_), Some(rid)) => view! {
                                            <span class="decision change">{locale.pick("異動", "Change")}</span> " "
                                            <a href=format!("/accounts/requests/{rid}")>{format!("#{rid}")}</a>
                                            {it.request_state.map(|s| format!("（{}）", locale.pick(s.zh(), s.en())))}
                                        }.into_any(),
                                        (Some(_), None) => view! { <span class="decision change">{locale.pick("異動", "Change")}</span> }.into_any(),
                                        (None, _) => view! { <span class="decision none">{locale.pick("未標記", "Not yet")}</span> }.into_any(),
                                    };
                                    let decided = it.decided_by.clone().map(|who| format!("{} {}", who, it.decided_at.map(roc_datetime).unwrap_or_default()));
                                    let kept = it.decision == Some(AccountDecision::Keep);
                                    let changed = it.decision == Some(AccountDecision::Change);
                                    let active = it.account_active;
                                    view! {
                                        <tr data-testid=format!("item-{emp}") data-decision=it.decision.map(|d| d.code()).unwrap_or_default() class:flagged=it.flagged_idle>
                                            <td class="mono">{it.employee_no.clone()}</td>
                                            <td>{it.name.clone()}{(!active).then(|| view! { <small class="muted">{locale.pick("（已停用）", " (disabled)")}</small> })}</td>
                                            <td>{roles_text(&it.roles, locale)}</td>
                                            <td>{when(it.last_login_at, locale)}</td>
                                            <td>{when(it.last_query_at, locale)}</td>
                                            <td>
                                                {it.idle_days}
                                                {it.flagged_idle.then(|| view! { " " <span class="badge state-overdue" data-testid=format!("idle-{}", it.employee_no)>{locale.pick("閒置", "Idle")}</span> })}
                                            </td>
                                            <td>{decision}{decided.map(|d| view! { <br/><small class="muted">{d}</small> })}
                                                {(!it.note.is_empty()).then(|| view! { <br/><small>{it.note.clone()}</small> })}</td>
                                            <td class="no-print"><div class="row-actions">
                                                {(can_act && !changed).then(|| view! {
                                                    <button type="button" class="secondary" data-testid=format!("keep-{emp}") disabled={kept || !active}
                                                        on:click=move |_| { decide.dispatch(DecideReview { input: DecisionInput { item_id, decision: Some(AccountDecision::Keep), ..Default::default() } }); }>
                                                        {locale.pick("維持", "Keep")}</button>
                                                    <button type="button" class="secondary" data-testid=format!("change-{emp}")
                                                        on:click=move |_| {
                                                            form.set(DecisionInput {
                                                                item_id, decision: Some(AccountDecision::Change), kind: Some(RequestKind::Change),
                                                                roles: current_roles.clone(), email: email.clone(), section: section.clone(),
                                                                ..Default::default()
                                                            });
                                                            editing.set(Some(item_id));
                                                        }>
                                                        {locale.pick("異動…", "Change…")}</button>
                                                })}
                                            </div></td>
                                        </tr>
                                        {move || (editing.get() == Some(item_id)).then(|| view! {
                                            <tr class="change-row no-print"><td colspan="8">
                                                <ChangeForm form=form active=active open_request=open_request decide=decide editing=editing/>
                                            </td></tr>
                                        })}
                                    }
                                }).collect_view()}</tbody>
                            </table></div>
                            {if signed {
                                view! {
                                    <p class="ok" data-testid="signed">
                                        {locale.pick("已簽核：", "Signed off: ")}{v.signed_at.map(roc_datetime).unwrap_or_default()} " · " {v.signed_by.clone().unwrap_or_default()}
                                    </p>
                                    {(!v.note.is_empty()).then(|| view! { <p>{locale.pick("審查意見：", "Remarks: ")}{v.note.clone()}</p> })}
                                }.into_any()
                            } else if can_act {
                                view! {
                                    <form class="sign-form no-print" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        sign.dispatch(SignReview { id: review_id, note: sign_note.get() });
                                    }>
                                        <div class="field">
                                            <label for="rv-note">{locale.pick("審查意見（選填）", "Remarks (optional)")}</label>
                                            <textarea id="rv-note" rows="2" maxlength="500" on:input=move |ev| sign_note.set(event_target_value(&ev))></textarea>
                                        </div>
                                        {(undecided > 0).then(|| view! {
                                            <p class="muted" data-testid="undecided">{pick(locale, format!("尚有 {undecided} 個帳號未標記，全部標記後才能簽核。"), format!("{undecided} accounts not marked yet; mark all to sign off."))}</p>
                                        })}
                                        <div class="actions">
                                            <button type="submit" class="primary" data-testid="sign-review" disabled={undecided > 0}>{locale.pick("簽核", "Sign off")}</button>
                                        </div>
                                    </form>
                                }.into_any()
                            } else {
                                view! { <p class="muted">{locale.pick("尚未簽核。", "Not signed off yet.")}</p> }.into_any()
                            }}
                            <div class="actions no-print">
                                <crate::components::PrintButton/>
                            </div>
                        </article>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// What a change asks for: 異動 with the new roles, or 註銷 — filed as an account change
/// request (附件五) for the account; or link the account's open request.
#[component]
fn ChangeForm(
    form: RwSignal<DecisionInput>,
    active: bool,
    open_request: Option<i64>,
    decide: ServerAction<DecideReview>,
    editing: RwSignal<Option<i64>>,
) -> impl IntoView {
    let locale = use_locale();
    let link = RwSignal::new(false);
    let text = move |f: fn(&mut DecisionInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|i| *f(i) = v);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut input = form.get();
        input.request_id = if link.get() { open_request } else { None };
        decide.dispatch(DecideReview { input });
    };
    view! {
        <form class="grid-form change-form" data-testid="change-form" on:submit=on_submit>
            {if !active {
                view! { <p class="muted">{locale.pick("此帳號已停用，標記為異動即可（不另開申請單）。", "This account is disabled already: mark it changed (no request is opened).")}</p> }.into_any()
            } else {
                view! {
                    {open_request.map(|rid| view! {
                        <label class="check">
                            <input type="checkbox" data-testid="link-request" on:change=move |ev| link.set(event_target_checked(&ev))/>
                            {pick(locale, format!("連結此帳號辦理中的申請單 #{rid}（不另開新單）"), format!("Link the account's open request #{rid} (no new request)"))}
                        </label>
                    })}
                    <fieldset class="field" disabled=move || link.get()>
                        <legend>{locale.pick("申請事項", "Request")}</legend>
                        <div class="choices">
                            <label class="choice"><input type="radio" name="change-kind" checked data-testid="kind-change"
                                on:change=move |_| form.update(|f| f.kind = Some(RequestKind::Change))/>{locale.pick("異動（變更權限）", "Change the roles")}</label>
                            <label class="choice"><input type="radio" name="change-kind" data-testid="kind-cancel"
                                on:change=move |_| form.update(|f| f.kind = Some(RequestKind::Cancel))/>{locale.pick("註銷", "Cancel the account")}</label>
                        </div>
                    </fieldset>
                    {move || (form.with(|f| f.kind == Some(RequestKind::Change)) && !link.get()).then(|| view! {
                        <fieldset class="field roles">
                            <legend>{locale.pick("新的申請權限", "New roles")}</legend>
                            {Role::ALL.into_iter().map(|r| view! {
                                <label class="check">
                                    <input type="checkbox" data-testid=format!("new-role-{}", r.code())
                                        prop:checked=move || form.with(|f| f.roles.iter().any(|x| x == r.code()))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.update(|f| { f.roles.retain(|x| x != r.code()); if on { f.roles.push(r.code().to_string()); } });
                                        }/>
                                    {role_label(r, locale)}
                                </label>
                            }).collect_view()}
                        </fieldset>
                    })}
                    <div class="field">
                        <label for="ch-reason">{locale.pick("異動原因", "Reason")}</label>
                        <input id="ch-reason" maxlength="200" placeholder=locale.pick("空白則為「帳號權限審查」", "blank: the review") on:input=text(|f| &mut f.reason)/>
                    </div>
                    <div class="field">
                        <label for="ch-email">{locale.pick("E-Mail（公務信箱）", "E-mail (official)")}</label>
                        <input id="ch-email" type="email" maxlength="120" data-testid="change-email" prop:value=move || form.with(|f| f.email.clone()) on:input=text(|f| &mut f.email)/>
                    </div>
                    <div class="field">
                        <label for="ch-section">{locale.pick("科(課)室名稱", "Section")}</label>
                        <input id="ch-section" maxlength="60" prop:value=move || form.with(|f| f.section.clone()) on:input=text(|f| &mut f.section)/>
                    </div>
                }.into_any()
            }}
            <div class="field">
                <label for="ch-note">{locale.pick("備註", "Note")}</label>
                <input id="ch-note" maxlength="200" on:input=text(|f| &mut f.note)/>
            </div>
            <div class="actions">
                <button type="submit" class="primary" data-testid="change-submit">{locale.pick("標記異動並開立申請單", "Mark as change and open the request")}</button>
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>{locale.pick("取消", "Cancel")}</button>
            </div>
        </form>
    }
}

#[component]
fn PastReviews(unit_id: i64, version: RwSignal<u32>, selected: RwSignal<Option<i64>>) -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(move || (unit_id, version.get()), |(u, _)| list_reviews(u));
    view! {
        <section class="card no-print">
            <h2>{locale.pick("歷次審查", "Past reviews")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(l) if l.is_empty() => view! { <p class="muted">{t(Msg::NoRecords)}</p> }.into_any(),
                    Ok(l) => view! {
                        <div class="table-wrap"><table class="data" data-testid="past-reviews">
                            <thead><tr>
                                <th>{locale.pick("季別", "Quarter")}</th><th>{locale.pick("開始", "Started")}</th>
                                <th>{locale.pick("簽核", "Signed off")}</th><th>{locale.pick("帳號數", "Accounts")}</th>
                                <th>{locale.pick("維持／異動", "Kept / changed")}</th><th>{locale.pick("閒置", "Idle")}</th><th></th>
                            </tr></thead>
                            <tbody>{l.into_iter().map(|s| {
                                let id = s.id;
                                view! {
                                    <tr>
                                        <td>{locale.pick(&s.quarter_zh, &s.quarter_en).to_string()}</td>
                                        <td>{roc_datetime(s.started_at)}</td>
                                        <td>{s.signed_at.map(|t| format!("{} {}", roc_datetime(t), s.signed_by.clone().unwrap_or_default()))
                                            .unwrap_or_else(|| locale.pick("未簽核", "Not signed").to_string())}</td>
                                        <td>{s.accounts}</td>
                                        <td>{format!("{} / {}", s.kept, s.changed)}</td>
                                        <td>{s.flagged_idle}</td>
                                        <td><button type="button" class="secondary" on:click=move |_| selected.set(Some(id))>{t(Msg::Open)}</button></td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn HandoverPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Handover/> }}</RequireAuth> }
}

#[component]
fn Handover() -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(0u32);
    let overview = Resource::new(move || version.get(), |_| handover_overview());
    let create = ServerAction::<CreateHandover>::new();
    let ack = ServerAction::<AcknowledgeHandover>::new();
    let input = RwSignal::new(HandoverInput::default());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            done.set(Some(
                locale
                    .pick(
                        "移交清冊已建立，待接辦人確認。",
                        "The hand-over list is made; the successor acknowledges it.",
                    )
                    .into(),
            ));
            input.set(HandoverInput::default());
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    Effect::new(move |_| match ack.value().get() {
        Some(Ok(())) => {
            error.set(None);
            done.set(Some(
                locale
                    .pick(
                        "已確認接收。請立即變更密碼，之後才能執行管理作業。",
                        "Acknowledged. Change your password now; manager actions wait until you do.",
                    )
                    .into(),
            ));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    let text = move |f: fn(&mut HandoverInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            input.update(|i| *f(i) = v);
        }
    };
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateHandover { input: input.get() });
    };
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("通行碼管理者移交", "Account manager hand-over")}</h1>
            <p class="muted">{locale.pick(
                "依作業規定六(二)，通行碼管理者職務異動時，應將所負責保管之相關文件資料列冊移交；接辦人員確認後應更改密碼。",
                "Rule 6(2): when the account manager's job changes, what they keep is listed and handed over; the successor acknowledges it and changes the password.")}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="handover-error">{m}</p> })}
            {move || done.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || overview.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(o) => {
                        let may_create = o.own_unit.is_some() || o.is_admin;
                        let is_admin = o.is_admin;
                        let own = o.own_unit.clone();
                        let candidates = o.candidates.clone();
                        view! {
                            {o.password_change_pending.then(|| password_notice(locale))}
                            {may_create.then(|| view! {
                                <form class="card grid-form" data-testid="handover-form" on:submit=on_create>
                                    <h2 class="full">{locale.pick("建立移交清冊", "Make a hand-over list")}</h2>
                                    <p class="muted full">{locale.pick(
                                        "系統自動列入：本單位辦理中的帳號異動申請、前次帳號權限審查日期、本季審查的待辦事項。接辦人須為同單位的有效帳號；其通行碼管理者權限另經帳號異動申請。",
                                        "Added by the system: the unit's open account requests, the last review date, this quarter's review if pending. The successor is an active account of the same unit; the manager role itself is asked for by an account change request.")}</p>
                                    {match (own.clone(), is_admin) {
                                        (Some((zh, en)), _) => view! {
                                            <p class="full">{t(Msg::Unit)} "：" {locale.pick(&zh, &en).to_string()}</p>
                                        }.into_any(),
                                        (None, _) => view! {
                                            <div class="field">
                                                <label for="ho-unit">{locale.pick("單位代碼", "Unit code")}</label>
                                                <input id="ho-unit" maxlength="20" placeholder="LO-DA" on:input=text(|i| &mut i.unit_code)/>
                                            </div>
                                            <div class="field">
                                                <label for="ho-out">{locale.pick("移交人員工編號", "Outgoing manager's employee number")}</label>
                                                <input id="ho-out" maxlength="12" class="mono" on:input=text(|i| &mut i.outgoing_employee_no)/>
                                            </div>
                                        }.into_any(),
                                    }}
                                    <div class="field">
                                        <label for="ho-in">{locale.pick("接辦人", "Successor")}</label>
                                        {if candidates.is_empty() {
                                            view! { <input id="ho-in" maxlength="12" class="mono" data-testid="handover-incoming" on:input=text(|i| &mut i.incoming_employee_no)/> }.into_any()
                                        } else {
                                            view! {
                                                <select id="ho-in" data-testid="handover-incoming" on:change=text(|i| &mut i.incoming_employee_no)>
                                                    <option value="">"—"</option>
                                                    {candidates.iter().map(|c| view! { <option value=c.employee_no.clone()>{format!("{} ({})", c.name, c.employee_no)}</option> }).collect_view()}
                                                </select>
                                            }.into_any()
                                        }}
                                    </div>
                                    <div class="field full">
                                        <label for="ho-pending">{locale.pick("待辦事項（每行一項）", "Pending items (one per line)")}</label>
                                        <textarea id="ho-pending" rows="3" on:input=text(|i| &mut i.pending)></textarea>
                                    </div>
                                    <div class="field full">
                                        <label for="ho-docs">{locale.pick("保管之文件資料（每行一項）", "Documents held (one per line)")}</label>
                                        <textarea id="ho-docs" rows="4" data-testid="handover-documents" placeholder=locale.pick("例：帳號異動申請單正本 115 年 1–11 月", "e.g. signed account request forms, Jan–Nov")
                                            on:input=text(|i| &mut i.documents)></textarea>
                                    </div>
                                    <div class="field full">
                                        <label for="ho-note">{locale.pick("備註", "Note")}</label>
                                        <input id="ho-note" maxlength="500" on:input=text(|i| &mut i.note)/>
                                    </div>
                                    <div class="actions"><button type="submit" class="primary" data-testid="handover-create">{locale.pick("建立移交清冊", "Make the list")}</button></div>
                                </form>
                            })}
                            <h2>{locale.pick("移交清冊", "Hand-over lists")}</h2>
                            {if o.handovers.is_empty() {
                                view! { <p class="muted">{t(Msg::NoRecords)}</p> }.into_any()
                            } else {
                                o.handovers.into_iter().map(|h| view! { <HandoverCard h=h ack=ack/> }).collect_view().into_any()
                            }}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn HandoverCard(h: HandoverView, ack: ServerAction<AcknowledgeHandover>) -> impl IntoView {
    let locale = use_locale();
    let note = RwSignal::new(String::new());
    let id = h.id;
    let state = if h.superseded {
        locale.pick("已由較新的清冊取代", "Replaced by a newer list").to_string()
    } else if let Some(t) = h.acknowledged_at {
        format!("{}{}", locale.pick("接辦人已確認：", "Acknowledged: "), roc_datetime(t))
    } else {
        locale.pick("待接辦人確認", "Waiting for the successor").to_string()
    };
    let l = h.list.clone();
    view! {
        <article class="card print-form handover" data-testid=format!("handover-{id}") data-open=(h.acknowledged_at.is_none() && !h.superseded).to_string()>
            <h3>{locale.pick("通行碼管理業務移交清冊", "Account manager hand-over list")} " — " {locale.pick(&h.unit_zh, &h.unit_en).to_string()}</h3>
            <p>
                {locale.pick("移交人：", "Outgoing: ")}{h.outgoing.clone()} " → " {locale.pick("接辦人：", "Successor: ")}{h.incoming.clone()}
                <br/><small class="muted">{locale.pick("建立：", "Made: ")}{roc_datetime(h.created_at)} " · " {h.created_by.clone()}</small>
            </p>
            <p data-testid="handover-state"><strong>{state}</strong>
                {h.password_change_pending.then(|| view! { " " <span class="badge state-overdue">{locale.pick("接辦人尚未變更密碼", "Successor has not changed the password")}</span> })}</p>
            <h4>{locale.pick("辦理中的帳號異動申請", "Open account change requests")}</h4>
            {if l.open_requests.is_empty() {
                view! { <p class="muted">{locale.pick("無", "None")}</p> }.into_any()
            } else {
                view! {
                    <ul>{l.open_requests.iter().map(|r| view! {
                        <li><a href=format!("/accounts/requests/{}", r.id)>{format!("#{}", r.id)}</a> " " {locale.pick(r.kind.zh(), r.kind.en())} " " <span class="mono">{r.employee_no.clone()}</span> " " {r.user_name.clone()} "（" {locale.pick(r.state.zh(), r.state.en())} "）"</li>
                    }).collect_view()}</ul>
                }.into_any()
            }}
            <h4>{locale.pick("前次帳號權限審查", "Last permission review")}</h4>
            <p>{l.last_review.as_ref().map(|r| format!("{} · {}", r.quarter_zh, roc_datetime(r.signed_at))).unwrap_or_else(|| locale.pick("尚無", "None yet").to_string())}</p>
            <h4>{locale.pick("待辦事項", "Pending items")}</h4>
            {if l.pending.is_empty() { view! { <p class="muted">{locale.pick("無", "None")}</p> }.into_any() } else {
                view! { <ul>{l.pending.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
            <h4>{locale.pick("保管之文件資料", "Documents held")}</h4>
            {if l.documents.is_empty() { view! { <p class="muted">{locale.pick("無", "None")}</p> }.into_any() } else {
                view! { <ul data-testid="handover-documents-list">{l.documents.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
            {(!l.note.is_empty()).then(|| view! { <p>{locale.pick("備註：", "Note: ")}{l.note.clone()}</p> })}
            {(!h.ack_note.is_empty()).then(|| view! { <p>{locale.pick("接辦人意見：", "Successor's remark: ")}{h.ack_note.clone()}</p> })}
            {h.can_acknowledge.then(|| view! {
                <form class="inline-form no-print" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    ack.dispatch(AcknowledgeHandover { id, note: note.get() });
                }>
                    <label for=format!("ack-{id}")>{locale.pick("意見（選填）", "Remark (optional)")}</label>
                    <input id=format!("ack-{id}") maxlength="500" on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" data-testid="handover-acknowledge">{locale.pick("確認接收", "Acknowledge")}</button>
                </form>
            })}
        </article>
    }
}
