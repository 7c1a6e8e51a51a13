//! `/audits`: audits (七(二)) — what waits for the caller's signature, the external schedule
//! (due and overdue), opening an internal, office or vendor audit, and the list.
//! `/audits/:id`: the record on a tablet ([`audit_form`]). `/audits/followups`: referrals to the
//! Ethics Office and vendors' findings until closed.

use leptos::prelude::*;

use crate::api::audits::*;
use crate::components::RequireAuth;
use crate::domain::audit::{AuditKind, AuditState, DueState, FollowupKind, FollowupStatus};
use crate::i18n::{t, use_locale, Locale, Msg};

pub mod audit_form;
pub use audit_form::AuditPage;

#[component]
pub fn AuditsPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Audits/> }}</RequireAuth> }
}

#[component]
pub fn FollowupsPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Followups/> }}</RequireAuth> }
}

pub fn kind_label(k: AuditKind, locale: Locale) -> &'static str {
    locale.pick(k.zh(), k.en())
}

pub fn state_label(s: AuditState, locale: Locale) -> &'static str {
    locale.pick(s.zh(), s.en())
}

/// The checklist item a follow-up came from, as the form numbers it (items are stored 0-based).
pub fn item_label(part: &str, item: &str) -> String {
    let n = item.parse::<usize>().map(|i| i + 1).unwrap_or(0);
    match part {
        "users" => format!("使用者第 {n} 項"),
        "queries" => format!("查詢紀錄第 {n} 項"),
        "retention" => "書面保存".into(),
        _ => item.to_string(),
    }
}

fn due_label(s: DueState, locale: Locale) -> &'static str {
    match s {
        DueState::Due => locale.pick("待辦理", "Due"),
        DueState::Overdue => locale.pick("逾期", "Overdue"),
        DueState::InProgress => locale.pick("稽核中", "In progress"),
        DueState::Done => locale.pick("已完成", "Done"),
    }
}

#[component]
fn Audits() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateAudit>::new();
    let page = Resource::new(move || create.version().get(), |_| audits_page());
    // a new audit opens at once
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/audits/{id}"), Default::default());
        }
    });
    view! {
        <main id="main" class="page audits-page">
            <h1>{locale.pick("稽核", "Audits")}</h1>
            <p class="muted">{locale.pick(
                "使用單位每月內部稽核：抽查當月查詢紀錄 1%（未滿 100 筆抽 1 筆）及使用者 50%（附件二）；地政局外部稽核：每季稽核所屬所隊（附件二），每半年稽核委外廠商（附件三）（作業規定七(二)）。",
                "Monthly internal audit: 1% of the month's look-ups (at least one) and 50% of users (Attachment 2); external audits: each office quarterly (Attachment 2), the vendor half-yearly (Attachment 3) (rule 7(2)).")}</p>
            {move || create.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="audit-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(p) => view! {
                        {(!p.to_sign.is_empty()).then(|| view! {
                            <section class="card notice" data-testid="audits-to-sign">
                                <h2>{locale.pick("待您簽章", "Waiting for your signature")}</h2>
                                <ul>{p.to_sign.iter().map(|a| view! {
                                    <li><a href=format!("/audits/{}", a.id)>{format!("{} · {} · {}", kind_label(a.kind, locale), a.period_label, a.target)}</a></li>
                                }).collect_view()}</ul>
                            </section>
                        })}
                        {(!p.schedule.is_empty()).then(|| view! { <Schedule rows=p.schedule.clone()/> })}
                        <NewAudit page=p.clone() create=create/>
                        <section>
                            <h2>{locale.pick("稽核紀錄", "Audit records")}</h2>
                            <p><a href="/audits/followups">{locale.pick("政風移送及改善追蹤", "Referrals and follow-ups")}</a></p>
                            {if p.audits.is_empty() {
                                view! { <p class="muted" data-testid="no-audits">{locale.pick("尚無稽核紀錄。", "No audits yet.")}</p> }.into_any()
                            } else {
                                view! {
                                    <div class="table-wrap"><table class="data" data-testid="audits">
                                        <thead><tr><th>{locale.pick("類別", "Kind")}</th><th>{locale.pick("期間", "Period")}</th><th>{locale.pick("受稽核對象", "Audited")}</th>
                                            <th>{locale.pick("稽核人", "Auditor")}</th><th>{locale.pick("稽核日期", "Date")}</th><th>{locale.pick("狀態", "State")}</th></tr></thead>
                                        <tbody>{p.audits.iter().map(|a| view! {
                                            <tr data-testid=format!("audit-row-{}", a.id)>
                                                <td><a href=format!("/audits/{}", a.id)>{kind_label(a.kind, locale)}</a></td>
                                                <td>{a.period_label.clone()}</td><td>{a.target.clone()}</td><td>{a.auditor.clone()}</td>
                                                <td>{a.audited_on.clone()}</td><td>{state_label(a.state, locale)}</td>
                                            </tr>
                                        }).collect_view()}</tbody>
                                    </table></div>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The external team's schedule: what is due this period and what is overdue.
#[component]
fn Schedule(rows: Vec<ScheduleRow>) -> impl IntoView {
    let locale = use_locale();
    let overdue = rows.iter().filter(|r| r.state == DueState::Overdue).count();
    view! {
        <section class="card">
            <h2>{locale.pick("外部稽核排程", "External audit schedule")}</h2>
            {(overdue > 0).then(|| view! { <p class="error" role="alert" data-testid="schedule-overdue">{locale.pick("逾期未稽核：", "Overdue: ")}<strong>{overdue}</strong></p> })}
            <div class="table-wrap"><table class="data" data-testid="schedule">
                <thead><tr><th>{locale.pick("對象", "Target")}</th><th>{locale.pick("期間", "Period")}</th><th>{locale.pick("期限", "Due by")}</th><th>{locale.pick("狀態", "State")}</th></tr></thead>
                <tbody>{rows.into_iter().map(|r| view! {
                    <tr class:overdue=r.state == DueState::Overdue data-state=format!("{:?}", r.state)>
                        <td>{r.target.clone()}</td><td>{r.period_label.clone()}</td><td>{r.due_on.clone()}</td>
                        <td>{match r.audit_id {
                            Some(id) => view! { <a href=format!("/audits/{id}")>{due_label(r.state, locale)}</a> }.into_any(),
                            None => view! { <span>{due_label(r.state, locale)}</span> }.into_any(),
                        }}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table></div>
        </section>
    }
}

/// Opening an audit: the internal auditor's own unit, a month; the external team's office (a
/// quarter) or vendor (a half-year).
#[component]
fn NewAudit(page: AuditsOverview, create: ServerAction<CreateAudit>) -> impl IntoView {
    let locale = use_locale();
    let month = RwSignal::new(page.default_month.clone());
    let quarter = RwSignal::new(page.default_quarter.clone());
    let half = RwSignal::new(page.default_half.clone());
    let person = RwSignal::new(0i64);
    let office = RwSignal::new(0i64);
    let office_person = RwSignal::new(0i64);
    let vendor = RwSignal::new(String::new());
    let office_people = StoredValue::new(page.office_people.clone());
    view! {
        {page.can_internal.then(|| view! {
            <form class="card grid-form" data-testid="new-internal" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateAudit { kind: "internal".into(), period: month.get(), unit: 0, audited: person.get(), vendor: String::new() });
            }>
                <h2 class="wide">{locale.pick("內部稽核（每月）", "Monthly internal audit")} " · " {page.own_unit.clone()}</h2>
                <div class="field">
                    <label for="na-month">{locale.pick("稽核月份", "Month")}</label>
                    <input id="na-month" type="month" data-testid="audit-month" prop:value=move || month.get() on:change=move |ev| month.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="na-person">{locale.pick("受稽核人", "Audited person")}</label>
                    <select id="na-person" data-testid="audit-person" on:change=move |ev| person.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">{locale.pick("請選擇", "Choose")}</option>
                        {page.people.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="actions wide"><button type="submit" class="primary big" data-testid="open-internal" disabled=move || create.pending().get()>
                    {locale.pick("抽樣並開始稽核", "Draw the sample and start")}</button></div>
            </form>
        })}
        {page.can_external.then(|| view! {
            <form class="card grid-form" data-testid="new-office" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateAudit { kind: "office".into(), period: quarter.get(), unit: office.get(), audited: office_person.get(), vendor: String::new() });
            }>
                <h2 class="wide">{locale.pick("外部稽核：所隊（每季）", "Office audit (quarterly)")}</h2>
                <div class="field">
                    <label for="no-unit">{locale.pick("受稽核單位", "Office")}</label>
                    <select id="no-unit" data-testid="office-unit" on:change=move |ev| { office.set(event_target_value(&ev).parse().unwrap_or(0)); office_person.set(0); }>
                        <option value="0">{locale.pick("請選擇", "Choose")}</option>
                        {page.offices.iter().map(|(id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="no-person">{locale.pick("受稽核人", "Audited person")}</label>
                    <select id="no-person" data-testid="office-person" on:change=move |ev| office_person.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">{locale.pick("請選擇", "Choose")}</option>
                        {move || office_people.with_value(|ps| ps.iter().filter(|(u, _, _)| *u == office.get())
                            .map(|(_, id, n)| view! { <option value=id.to_string()>{n.clone()}</option> }).collect_view())}
                    </select>
                </div>
                <div class="field">
                    <label for="no-quarter">{locale.pick("季別（例：2026Q4）", "Quarter (e.g. 2026Q4)")}</label>
                    <input id="no-quarter" data-testid="office-quarter" prop:value=move || quarter.get() on:change=move |ev| quarter.set(event_target_value(&ev))/>
                </div>
                <div class="actions wide"><button type="submit" class="primary big" data-testid="open-office">{locale.pick("抽樣並開始稽核", "Draw the sample and start")}</button></div>
            </form>
            <form class="card grid-form" data-testid="new-vendor" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(CreateAudit { kind: "vendor".into(), period: half.get(), unit: 0, audited: 0, vendor: vendor.get() });
            }>
                <h2 class="wide">{locale.pick("外部稽核：委外廠商（每半年，附件三）", "Vendor audit (half-yearly, Attachment 3)")}</h2>
                <div class="field">
                    <label for="nv-vendor">{locale.pick("受稽核廠商", "Vendor")}</label>
                    <input id="nv-vendor" data-testid="vendor-name" maxlength="100" on:input=move |ev| vendor.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="nv-half">{locale.pick("期別（例：2026H2）", "Half-year (e.g. 2026H2)")}</label>
                    <input id="nv-half" data-testid="vendor-half" prop:value=move || half.get() on:change=move |ev| half.set(event_target_value(&ev))/>
                </div>
                <div class="actions wide"><button type="submit" class="primary big" data-testid="open-vendor">{locale.pick("開始稽核", "Start")}</button></div>
            </form>
        })}
    }
}

#[component]
fn Followups() -> impl IntoView {
    let locale = use_locale();
    let update = ServerAction::<UpdateFollowup>::new();
    let list = Resource::new(move || update.version().get(), |_| list_followups(String::new()));
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("政風移送及改善追蹤", "Referrals and follow-ups")}</h1>
            <p class="muted">{locale.pick(
                "稽核發現之異常，送政風室查處（作業規定七(三)）；委外廠商稽核不符合事項，於期限內改善至結案。",
                "Anomalies go to the Ethics Office (rule 7(3)); a vendor's non-conformities are followed up until closed.")}</p>
            {move || update.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="followup-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(fs) if fs.is_empty() => view! { <p class="muted" data-testid="no-followups">{locale.pick("目前沒有追蹤事項。", "Nothing to follow up.")}</p> }.into_any(),
                    Ok(fs) => view! {
                        <ul class="followups" data-testid="followups">
                            {fs.into_iter().map(|f| view! { <FollowupCard f=f update=update/> }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn FollowupCard(f: FollowupView, update: ServerAction<UpdateFollowup>) -> impl IntoView {
    let locale = use_locale();
    let status = RwSignal::new("in_progress".to_string());
    let note = RwSignal::new(String::new());
    let id = f.id;
    view! {
        <li class="card followup" class:overdue=f.overdue data-testid=format!("followup-{}", f.id) data-status=f.status.code()>
            <p><strong>{if f.kind == FollowupKind::Ethics { locale.pick("移送政風室", "Referred to the Ethics Office") } else { locale.pick("廠商改善事項", "Vendor finding") }}</strong>
                " · " <span data-testid="followup-item">{item_label(f.part.code(), &f.item)}</span>
                " · " {locale.pick(f.status.zh(), f.status.en())}
                {f.due_on.clone().map(|d| format!(" · {}{d}", locale.pick("改善期限 ", "due ")))}
                {f.overdue.then(|| view! { <span class="badge overdue">{locale.pick("逾期", "overdue")}</span> })}</p>
            {(!f.source.is_empty()).then(|| view! { <p class="muted"><a href=format!("/audits/{}", f.audit_id)>{f.source.clone()}</a></p> })}
            <p>{f.description.clone()}</p>
            <ol class="timeline-mini">{f.history.iter().map(|(at, who, st, n)| view! {
                <li>{crate::domain::roc_datetime(*at)} " " {who.clone()} " · " {FollowupStatus::parse(st).map(|s| locale.pick(s.zh(), s.en())).unwrap_or_default()} "：" {n.clone()}</li>
            }).collect_view()}</ol>
            {f.can_update.then(|| view! {
                <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    update.dispatch(UpdateFollowup { id, status: status.get(), note: note.get() });
                }>
                    <select aria-label=locale.pick("處理狀態", "Status") data-testid="followup-status" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="in_progress">{locale.pick("處理中", "In progress")}</option>
                        <option value="closed">{locale.pick("結案", "Close")}</option>
                    </select>
                    <input aria-label=locale.pick("處理情形", "Note") data-testid="followup-note" maxlength="1000" on:input=move |ev| note.set(event_target_value(&ev))/>
                    <button type="submit" class="primary" data-testid="followup-save">{locale.pick("登錄", "Record")}</button>
                </form>
            })}
        </li>
    }
}
