//! 與戶政機關聯繫單 (附件一) pages: `/liaison` (the sending unit's slips, or the office's inbox,
//! with filters and CSV export), `/liaison/new` (the form, pre-filled from a comparison with
//! `?query=N`; same validation as the server, errors as you type) and `/liaison/:id` (the slip
//! laid out like the attachment for A4, its timeline, and the steps the caller may take —
//! approve, cancel, reply with the rebuilt impression, close, compare again).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::liaison::*;
use crate::components::RequireAuth;
use crate::domain::forms::liaison_slip::{
    LiaisonReplyInput, LiaisonSlipInput, ReplyOutcome, SlipState, Subject, SubjectKind,
};
use crate::domain::roc_datetime;
use crate::i18n::{t, use_locale, Locale, Msg};

fn tick(on: bool) -> &'static str {
    if on {
        "☑"
    } else {
        "☐"
    }
}

fn action_label(a: &str, l: Locale) -> &'static str {
    match a {
        "created" => l.pick("建立草稿", "Draft created"),
        "edited" => l.pick("修改草稿", "Draft edited"),
        "submitted" => l.pick("送課(股)長核准", "Submitted for approval"),
        "approved" => l.pick("課(股)長核准並發送", "Approved and sent"),
        "returned" => l.pick("課(股)長退回", "Returned by the chief"),
        "sent" => l.pick("發送", "Sent"),
        "received" => l.pick("戶政事務所收件", "Opened by the office"),
        "replied" => l.pick("戶政事務所回復", "Replied"),
        "closed" => l.pick("結案", "Closed"),
        "cancelled" => l.pick("撤銷", "Cancelled"),
        _ => "",
    }
}

#[component]
pub fn LiaisonListPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <SlipList/> }}</RequireAuth> }
}

#[component]
fn SlipList() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    let office_side = me.unit.kind == crate::domain::UnitKind::HouseholdOffice;
    let filter = RwSignal::new(ListFilter::default());
    let rows = Resource::new(move || filter.get(), list_slips);
    let counts = Resource::new(|| (), |_| liaison_counts());
    let offices = Resource::new(
        move || office_side,
        |o| async move {
            if o {
                Vec::new()
            } else {
                liaison_form_data(0).await.map(|d| d.offices).unwrap_or_default()
            }
        },
    );
    let export = ServerAction::<ExportSlips>::new();
    let set = move |f: fn(&mut ListFilter) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            filter.update(|x| *f(x) = v);
        }
    };
    view! {
        <main id="main" class="page">
            <h1>{if office_side { locale.pick("聯繫單收件匣", "Liaison slip inbox") } else { locale.pick("與戶政機關聯繫單", "Liaison slips") }}</h1>
            <Suspense fallback=|| ()>
                {move || counts.get().and_then(|r| r.ok()).map(|c| view! {
                    {(c.replies_waiting > 0).then(|| view! {
                        <p class="notice" role="status" data-testid="replies-waiting">
                            {locale.pick("戶政事務所已回復、待您閱覽：", "Replies waiting for you: ")}<strong>{c.replies_waiting}</strong>
                        </p>
                    })}
                    {(c.awaiting_approval > 0).then(|| view! {
                        <p class="notice" role="status" data-testid="awaiting-approval">
                            {locale.pick("待您核准的聯繫單：", "Slips awaiting your approval: ")}<strong>{c.awaiting_approval}</strong>
                        </p>
                    })}
                    {(c.inbox_overdue > 0).then(|| view! {
                        <p class="error" role="alert" data-testid="inbox-overdue">
                            {locale.pick("已逾回復期限的聯繫單：", "Slips past their reply deadline: ")}<strong>{c.inbox_overdue}</strong>
                        </p>
                    })}
                })}
            </Suspense>
            {(!office_side).then(|| view! {
                <p><a class="button" href="/liaison/new" data-testid="new-slip">{locale.pick("填寫聯繫單", "Write a slip")}</a></p>
            })}
            <form class="card inline-form no-print" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <label for="l-state">{t(Msg::Status)}</label>
                <select id="l-state" data-testid="filter-state" on:change=set(|f| &mut f.state)>
                    <option value="">{locale.pick("全部", "All")}</option>
                    {SlipState::ALL.into_iter().filter(|s| !office_side || s.visible_to_office(true))
                        .map(|s| view! { <option value=s.code()>{locale.pick(s.zh(), s.en())}</option> }).collect_view()}
                </select>
                {(!office_side).then(|| view! {
                    <label for="l-office">{locale.pick("收件單位", "Office")}</label>
                    <select id="l-office" on:change=set(|f| &mut f.office)>
                        <option value="">{locale.pick("全部", "All")}</option>
                        <Suspense fallback=|| ()>
                            {move || offices.get().map(|os| os.into_iter().map(|o| view! { <option value=o.code.clone()>{o.name}</option> }).collect_view())}
                        </Suspense>
                    </select>
                })}
                <label for="l-from">{t(Msg::ValidFrom)}</label>
                <input id="l-from" placeholder="115/11/01" size="10" on:change=set(|f| &mut f.from)/>
                <label for="l-to">{t(Msg::ValidTo)}</label>
                <input id="l-to" placeholder="115/11/30" size="10" on:change=set(|f| &mut f.to)/>
                <label for="l-case">{t(Msg::CaseNo)}</label>
                <input id="l-case" size="14" data-testid="filter-case" on:change=set(|f| &mut f.case_number)/>
                <button type="button" data-testid="export-csv" on:click=move |_| { export.dispatch(ExportSlips { filter: filter.get() }); }>"CSV"</button>
                {move || export.value().get().map(|r| match r {
                    Ok(f) => view! {
                        <a class="button" data-testid="download" download=f.filename.clone()
                            href=format!("data:{};base64,{}", f.media_type, f.b64)>{locale.pick("下載 ", "Download ")}{f.filename.clone()}</a>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                })}
            </form>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="no-slips">{t(Msg::NoRecords)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data" data-testid="slips">
                            <thead><tr>
                                <th>"#"</th><th>{t(Msg::Status)}</th><th>{locale.pick("查詢事項", "Subject")}</th><th>{t(Msg::CaseNo)}</th>
                                <th>{locale.pick("當事人", "Person")}</th>
                                <th>{if office_side { locale.pick("發件單位", "From") } else { locale.pick("收件單位", "To") }}</th>
                                <th>{locale.pick("發送", "Sent")}</th><th>{locale.pick("回復期限", "Reply by")}</th><th></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|s| view! {
                                <tr class:overdue=s.overdue data-testid=format!("slip-row-{}", s.id) data-state=s.state.code()>
                                    <td>{s.id}</td>
                                    <td>{locale.pick(s.state.zh(), s.state.en())}
                                        {s.overdue.then(|| view! { " " <strong class="badge danger">{locale.pick("逾期", "Overdue")}</strong> })}</td>
                                    <td>{locale.pick(short_subject_zh(s.subject), short_subject_en(s.subject))}</td>
                                    <td>{s.case_number.clone()}</td>
                                    <td>{s.person_name.clone()} " " <span class="mono">{s.national_id_masked.clone()}</span></td>
                                    <td>{if office_side { s.sender_name.clone() } else { s.office_name.clone() }}</td>
                                    <td>{s.sent_at.map(roc_datetime).unwrap_or_default()}</td>
                                    <td>{s.due_at.map(roc_datetime).unwrap_or_default()}</td>
                                    <td><a href=format!("/liaison/{}", s.id) data-testid=format!("open-slip-{}", s.id)>{t(Msg::Open)}</a></td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

fn short_subject_zh(s: SubjectKind) -> &'static str {
    match s {
        SubjectKind::Unclear => "印模不清",
        SubjectKind::DateMismatch => "登記日期不一致",
        SubjectKind::Other => "其他",
    }
}

fn short_subject_en(s: SubjectKind) -> &'static str {
    match s {
        SubjectKind::Unclear => "Unclear impression",
        SubjectKind::DateMismatch => "Dates differ",
        SubjectKind::Other => "Other",
    }
}

#[component]
pub fn NewLiaisonPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <NewSlip/> }}</RequireAuth> }
}

#[component]
fn NewSlip() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map().with_untracked(|q| q.get("query").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let data = Resource::new(move || query, liaison_form_data);
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("與戶政機關聯繫單", "Liaison slip")}</h1>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(d) => view! { <SlipEditor data=d slip_id=None on_saved=Callback::new(|_| ())/> }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

/// The slip's form: a new draft (then to its page), or a draft being edited.
#[component]
fn SlipEditor(data: SlipFormData, slip_id: Option<i64>, on_saved: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let input = RwSignal::new(data.input.clone());
    let touched = RwSignal::new(false);
    let errors = Memo::new(move |_| input.with(|i| i.parse().err().unwrap_or_default()));
    let err = move |field: &'static str| crate::components::field_error(touched, errors, field);
    let create = ServerAction::<CreateSlip>::new();
    let update = ServerAction::<UpdateSlip>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/liaison/{id}"), Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            on_saved.run(());
        }
    });
    let set = move |f: fn(&mut LiaisonSlipInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            input.update(|i| *f(i) = v);
        }
    };
    let val = move |f: fn(&LiaisonSlipInput) -> String| move || input.with(f);
    let query_id = data.query_id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if errors.with(|e| e.is_empty()) {
            match slip_id {
                Some(id) => {
                    update.dispatch(UpdateSlip { id, input: input.get() });
                }
                None => {
                    create.dispatch(CreateSlip { input: input.get(), query_id });
                }
            }
        }
    };
    let offices = data.offices.clone();
    let offices2 = data.offices.clone();
    let req = move || view! { <span class="req" title=t(Msg::Required)>"*"</span> };
    let subject = move || input.with(|i| SubjectKind::parse(&i.subject));
    view! {
        <p class="muted">{locale.pick("＊為必填欄位。發件單位：", "* marks a required field. Sender: ")}{data.sender_name.clone()}
            {data.approval_required.then(|| locale.pick("。送出後須經課(股)長核准始發送。", ". The section chief approves before it goes out."))}</p>
        <form class="card grid-form" on:submit=on_submit novalidate data-testid="slip-form">
            <div class="field">
                <label for="s-date">{req()}{locale.pick("聯繫日期", "Contact date")}</label>
                <input id="s-date" prop:value=val(|i| i.contact_date.clone()) on:input=set(|i| &mut i.contact_date)/>
                {err("contact_date")}
            </div>
            <div class="field">
                <label for="s-office">{req()}{locale.pick("收件單位", "To (household registration office)")}</label>
                <select id="s-office" data-testid="s-office" on:change=set(|i| &mut i.office)>
                    <option value="">"—"</option>
                    {offices.into_iter().map(|o| {
                        let code = o.code.clone();
                        view! { <option value=o.code.clone() selected=move || input.with(|i| i.office == code)>{o.name}</option> }
                    }).collect_view()}
                </select>
                <p class="muted">{move || input.with(|i| offices2.iter().find(|o| o.code == i.office).map(|o| format!("電話 {}　傳真 {}", o.phone, o.fax)))}</p>
                {err("office")}
            </div>
            <div class="field">
                <label for="s-phone">{req()}{locale.pick("發件單位聯絡電話", "Sender's phone")}</label>
                <input id="s-phone" type="tel" maxlength="30" data-testid="s-phone" prop:value=val(|i| i.sender_phone.clone()) on:input=set(|i| &mut i.sender_phone)/>
                {err("sender_phone")}
            </div>
            <div class="field">
                <label for="s-ext">{locale.pick("分機", "Extension")}</label>
                <input id="s-ext" inputmode="numeric" maxlength="8" prop:value=val(|i| i.sender_ext.clone()) on:input=set(|i| &mut i.sender_ext)/>
                {err("sender_ext")}
            </div>
            <div class="field">
                <label for="s-fax">{locale.pick("傳真電話", "Fax")}</label>
                <input id="s-fax" type="tel" maxlength="30" prop:value=val(|i| i.sender_fax.clone()) on:input=set(|i| &mut i.sender_fax)/>
                {err("sender_fax")}
            </div>
            <div class="field">
                <label for="s-case">{req()}{locale.pick("案號（＿年＿字第＿號）", "Case number")}</label>
                <input id="s-case" maxlength="60" placeholder="115年大安字第001234號" data-testid="s-case" prop:value=val(|i| i.case_number.clone()) on:input=set(|i| &mut i.case_number)/>
                {err("case_number")}
            </div>
            <div class="field">
                <label for="s-handler">{req()}{locale.pick("承辦人", "Handler")}</label>
                <input id="s-handler" maxlength="40" prop:value=val(|i| i.handler.clone()) on:input=set(|i| &mut i.handler)/>
                {err("handler")}
            </div>
            <div class="field">
                <label for="s-chief">{locale.pick("課(股)長", "Section chief")}</label>
                <input id="s-chief" maxlength="40" prop:value=val(|i| i.section_chief.clone()) on:input=set(|i| &mut i.section_chief)/>
                {err("section_chief")}
            </div>
            <div class="field">
                <label for="s-name">{req()}{locale.pick("印鑑登記當事人姓名", "Person's name")}</label>
                <input id="s-name" maxlength="40" data-testid="s-name" prop:value=val(|i| i.person_name.clone()) on:input=set(|i| &mut i.person_name)/>
                {err("person_name")}
            </div>
            <div class="field">
                <label for="s-id">{req()}{t(Msg::NationalIdLabel)}</label>
                <input id="s-id" maxlength="10" class="mono" autocomplete="off" spellcheck="false" data-testid="s-id"
                    prop:value=val(|i| i.national_id.clone()) on:input=set(|i| &mut i.national_id)/>
                {err("national_id")}
            </div>
            <fieldset class="field wide">
                <legend>{req()}{locale.pick("查詢事項", "Subject")}</legend>
                <div class="choices vertical">
                    {SubjectKind::ALL.into_iter().map(|k| view! {
                        <label class="choice">
                            <input type="radio" name="subject" value=k.code() data-testid=format!("subject-{}", k.code())
                                prop:checked=move || input.with(|i| i.subject == k.code())
                                on:change=move |_| input.update(|i| i.subject = k.code().to_string())/>
                            <span>{locale.pick(k.zh(), k.en())}</span>
                        </label>
                    }).collect_view()}
                </div>
                {err("subject")}
                <Show when=move || subject() == Some(SubjectKind::DateMismatch)>
                    <div class="field">
                        <label for="s-hdate">{req()}{locale.pick("戶役政資訊系統印鑑登記日期", "Date in the household registration system")}</label>
                        <input id="s-hdate" placeholder="108/03/14" data-testid="s-hdate" prop:value=val(|i| i.household_date.clone()) on:input=set(|i| &mut i.household_date)/>
                        {err("household_date")}
                    </div>
                    <div class="field">
                        <label for="s-sdate">{locale.pick("印鑑比對系統登記日期（依系統登載，空白為未登載）", "Date in the seal system (as registered; blank if none)")}</label>
                        <input id="s-sdate" readonly prop:value=val(|i| i.seal_date.clone())/>
                        {err("seal_date")}
                    </div>
                </Show>
                <Show when=move || subject() == Some(SubjectKind::Other)>
                    <div class="field">
                        <label for="s-other">{req()}{locale.pick("其他事項說明", "Details")}</label>
                        <textarea id="s-other" maxlength="500" data-testid="s-other" prop:value=val(|i| i.other_text.clone()) on:input=set(|i| &mut i.other_text)></textarea>
                        {err("other_text")}
                    </div>
                </Show>
            </fieldset>
            {move || create.value().get().and_then(|r| r.err()).or_else(|| update.value().get().and_then(|r| r.err()))
                .map(|e| view! { <p class="error" role="alert" data-testid="slip-error">{e.text(locale)}</p> })}
            <div class="actions">
                <button type="submit" class="primary" data-testid="save-slip">
                    {if slip_id.is_some() { locale.pick("儲存修改", "Save changes") } else { locale.pick("儲存草稿", "Save the draft") }}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn LiaisonPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <SlipPage/> }}</RequireAuth> }
}

#[component]
fn SlipPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), version.get()), |(id, _)| get_slip(id));
    let send = ServerAction::<SendSlip>::new();
    let approve = ServerAction::<ApproveSlip>::new();
    let cancel = ServerAction::<CancelSlip>::new();
    let close = ServerAction::<CloseSlip>::new();
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    // the offices and sender for the editor, fetched when editing starts
    let form_data = Resource::new(
        move || editing.get(),
        |on| async move {
            if on {
                Some(liaison_form_data(0).await)
            } else {
                None
            }
        },
    );
    Effect::new(move |_| {
        for r in
            [send.value().get(), approve.value().get(), cancel.value().get(), close.value().get()].into_iter().flatten()
        {
            match r {
                Ok(()) => {
                    error.set(None);
                    version.update(|v| *v += 1)
                }
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
    });
    let note = RwSignal::new(String::new());
    view! {
        <main id="main" class="page">
            {move || error.get().map(|m| view! { <p class="error no-print" role="alert" data-testid="slip-action-error">{m}</p> })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(d) => {
                        let sid = d.row.id;
                        let d2 = d.clone();
                        view! {
                            <SlipSheet d=d.clone()/>
                            <div class="actions no-print">
                                {d.can_edit.then(|| view! {
                                    <button type="button" class="secondary" data-testid="edit-slip" on:click=move |_| editing.update(|e| *e = !*e)>{t(Msg::Edit)}</button>
                                })}
                                {d.can_send.then(|| view! {
                                    <button type="button" class="primary" data-testid="send-slip" on:click=move |_| { send.dispatch(SendSlip { id: sid }); }>
                                        {locale.pick("發送", "Send")}</button>
                                })}
                                {d.can_approve.then(|| view! {
                                    <button type="button" class="primary" data-testid="approve-slip" on:click=move |_| { approve.dispatch(ApproveSlip { id: sid, approve: true, note: note.get() }); }>
                                        {locale.pick("核准並發送", "Approve and send")}</button>
                                    <input aria-label=locale.pick("退回原因", "Reason for returning") maxlength="500" on:input=move |ev| note.set(event_target_value(&ev))/>
                                    <button type="button" class="secondary" on:click=move |_| { approve.dispatch(ApproveSlip { id: sid, approve: false, note: note.get() }); }>
                                        {locale.pick("退回", "Return")}</button>
                                })}
                                {d.can_close.then(|| view! {
                                    <button type="button" class="primary" data-testid="close-slip" on:click=move |_| { close.dispatch(CloseSlip { id: sid }); }>
                                        {locale.pick("閱畢結案", "Read — close")}</button>
                                })}
                                {d.can_compare.then(|| view! {
                                    <a class="button primary" data-testid="compare-again" href=format!("/compare?slip={sid}")>
                                        {locale.pick("以新版印模重新比對", "Compare again with the new impression")}</a>
                                })}
                                {d.can_cancel.then(|| view! {
                                    <button type="button" class="secondary" data-testid="cancel-slip" on:click=move |_| { cancel.dispatch(CancelSlip { id: sid, note: String::new() }); }>
                                        {locale.pick("撤銷", "Cancel the slip")}</button>
                                })}
                                <crate::components::PrintButton/>
                                <a href="/liaison" class="button secondary">{locale.pick("聯繫單列表", "All slips")}</a>
                            </div>
                            {(d.can_edit).then(|| {
                                let input = StoredValue::new(d2.form.to_input());
                                view! {
                                    <Show when=move || editing.get()>
                                        <Suspense fallback=|| ()>
                                            {move || form_data.get().flatten().and_then(|r| r.ok()).map(|fd| {
                                                let fd = SlipFormData { input: input.get_value(), ..fd };
                                                view! { <SlipEditor data=fd slip_id=Some(sid) on_saved=Callback::new(move |_| { editing.set(false); version.update(|v| *v += 1); })/> }
                                            })}
                                        </Suspense>
                                    </Show>
                                }
                            })}
                            {d.can_reply.then(|| view! { <ReplyForm slip_id=sid mismatch=matches!(d2.form.subject, Subject::DateMismatch { .. }) on_done=Callback::new(move |_| version.update(|v| *v += 1))/> })}
                            {d2.new_version.clone().map(|v| view! {
                                <section class="card new-version no-print" data-testid="new-version">
                                    <h2>{locale.pick("回復後的登記印模", "Registered impression after the reply")}</h2>
                                    {if v.image_b64.is_empty() {
                                        // the sending unit sees the impression only through a logged query
                                        view! {
                                            <p>{format!("第 {} 版（{}）", v.version, v.reason.zh())}</p>
                                            <p class="muted" data-testid="new-version-via-query">{locale.pick(
                                                "印模與登記資料須以「以新版印模重新比對」查詢（留存查詢紀錄）後顯示。",
                                                "The impression and its registry data are shown through a new, logged query (compare again).")}</p>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <img class="seal-image" alt=locale.pick("新版登記印模", "New registered impression")
                                                src=format!("data:{};base64,{}", v.media_type, v.image_b64)/>
                                            <p>{format!("第 {} 版（{}）", v.version, v.reason.zh())} " · "
                                                {locale.pick("印鑑登記日期：", "Registered on: ")}{v.registered_on.map(|r| r.long()).unwrap_or_else(|| "未登載".into())}
                                                {v.unclear.then(|| locale.pick("　（系統判定仍為印模不清）", " (still judged unclear)"))}</p>
                                        }.into_any()
                                    }}
                                </section>
                            })}
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The slip laid out like Attachment 1 (prints on A4), then its timeline.
#[component]
fn SlipSheet(d: SlipDetail) -> impl IntoView {
    let locale = use_locale();
    let f = d.form.clone();
    let sender = d.row.sender_name.clone();
    let land = d.sender_is_land_office;
    let ext = f.sender_ext.clone().unwrap_or_else(|| "＿＿".into());
    let fax = f.sender_fax.clone().unwrap_or_else(|| "＿＿＿＿".into());
    let subject_kind = f.subject.kind();
    let mismatch_dates = match &f.subject {
        Subject::DateMismatch { household, seal } => Some(format!(
            "（戶役政資訊系統：{}；印鑑比對系統：{}）",
            household.long(),
            seal.map(|s| s.long()).unwrap_or_else(|| "空白".into())
        )),
        _ => None,
    };
    let other_text = match &f.subject {
        Subject::Other { text } => format!("：{text}"),
        _ => String::new(),
    };
    let reply = d.reply.clone();
    let (reply_rebuilt, reply_other) = match reply.as_ref().map(|r| &r.outcome) {
        Some(ReplyOutcome::Rebuilt) => (true, None),
        Some(ReplyOutcome::Other { text }) => (false, Some(text.clone())),
        None => (false, None),
    };
    let chief = f.section_chief.clone().unwrap_or_else(|| "＿＿＿＿".into());
    view! {
        <article class="print-form liaison" data-testid="liaison-slip" data-state=d.row.state.code()>
            <header class="form-title">
                <h1>"臺北市政府地政局暨所屬所隊介接數位印鑑比對系統 與戶政機關聯繫單"</h1>
                <p class="no-print" data-testid="slip-state">{format!("#{} · ", d.row.id)}{locale.pick(d.row.state.zh(), d.row.state.en())}
                    {d.row.due_at.map(|t| format!(" · {}{}", locale.pick("回復期限 ", "reply by "), roc_datetime(t)))}
                    {d.row.overdue.then(|| view! { " " <strong class="badge danger">{locale.pick("逾期", "Overdue")}</strong> })}</p>
            </header>
            <p>"聯繫日期：" {f.contact_date.long()}</p>
            <table class="form-grid">
                <tbody>
                    <tr><th>"收件單位"</th><td colspan="3">{d.office.name.clone()}
                        {format!("　聯絡電話：{}　傳真電話：{}", blank(&d.office.phone), blank(&d.office.fax))}</td></tr>
                    <tr><th rowspan="2">"發件單位"</th>
                        <td>{format!("{} 臺北市政府地政局 {} 科(隊)", tick(!land), if land { "＿＿".to_string() } else { sender.trim_start_matches("地政局").to_string() })}</td>
                        <td colspan="2">"案號：" {f.case_number.to_string()}</td></tr>
                    <tr><td>{format!("{} {}", tick(land), if land { sender.clone() } else { "臺北市＿＿地政事務所".into() })}
                            {format!("　聯絡電話：{}　分機：{}　傳真電話：{}", f.sender_phone, ext, fax)}</td>
                        <td colspan="2">"承辦人(職章)：" {f.handler.clone()} "　課(股)長(職章)：" {chief}</td></tr>
                    <tr><th>"查詢事項"</th><td colspan="3">
                        "印鑑登記當事人姓名：" {f.person_name.clone()} "　身分證統一編號：" <span class="mono">{f.national_id.as_str().to_string()}</span><br/>
                        {tick(subject_kind == SubjectKind::Unclear)} " " {SubjectKind::Unclear.zh()}<br/>
                        {tick(subject_kind == SubjectKind::DateMismatch)} " " {SubjectKind::DateMismatch.zh()} {mismatch_dates}<br/>
                        {tick(subject_kind == SubjectKind::Other)} " 其他" {other_text}
                    </td></tr>
                    <tr><th>"回復內容"</th><td colspan="3" data-testid="reply-box">
                        {format!("聯絡電話：{}　承辦人員(職章)：{}", reply.as_ref().map(|r| r.phone.clone()).unwrap_or_else(|| "＿＿＿＿".into()),
                            reply.as_ref().map(|r| r.handler.clone()).unwrap_or_else(|| "＿＿＿＿".into()))}<br/>
                        {tick(reply_rebuilt)} " 印模已完成重建　" {tick(reply_other.is_some())} " 其他" {reply_other.map(|t| format!("：{t}"))}
                        {reply.as_ref().and_then(|r| r.corrected_date).map(|c| format!("　（印鑑登記日期更正為 {}）", c.long()))}
                    </td></tr>
                </tbody>
            </table>
            <crate::components::Timeline entries={d.timeline.iter().map(|e| crate::components::TimelineEntry {
                at: e.at, action: e.action.clone(), label: action_label(&e.action, locale), actor: e.actor.clone(), note: e.note.clone(),
            }).collect::<Vec<_>>()}/>
        </article>
    }
}

fn blank(s: &str) -> String {
    if s.trim().is_empty() {
        "＿＿＿＿".into()
    } else {
        s.to_string()
    }
}

/// The office's reply: phone, handler, 印模已完成重建 with the rebuilt impression, or 其他; for a
/// date mismatch, the corrected registration date.
#[component]
fn ReplyForm(slip_id: i64, mismatch: bool, on_done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    let input = RwSignal::new(LiaisonReplyInput { handler: me.name.clone(), ..Default::default() });
    let touched = RwSignal::new(false);
    let errors = Memo::new(move |_| input.with(|i| i.parse().err().unwrap_or_default()));
    let err = move |field: &'static str| crate::components::field_error(touched, errors, field);
    let reply = ServerAction::<ReplySlip>::new();
    let reading = RwSignal::new(false);
    let local_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            on_done.run(());
        }
    });
    let set = move |f: fn(&mut LiaisonReplyInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            input.update(|i| *f(i) = v);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if !errors.with(|e| e.is_empty()) {
            return;
        }
        let i = input.get_untracked();
        if i.outcome != "rebuilt" {
            reply.dispatch(ReplySlip { id: slip_id, input: i, image_b64: String::new() });
        } else {
            // the rebuilt impression is read from the file input (browser only)
            #[cfg(feature = "hydrate")]
            {
                reading.set(true);
                leptos::task::spawn_local(async move {
                    let bytes = crate::components::read_input_file("r-file").await;
                    reading.set(false);
                    match bytes {
                        Some(b) if !b.is_empty() => {
                            use base64::Engine;
                            let image_b64 = base64::engine::general_purpose::STANDARD.encode(&b);
                            reply.dispatch(ReplySlip { id: slip_id, input: i, image_b64 });
                        }
                        _ => local_error.set(Some("請選擇重建後的印模影像檔（PNG 或 JPEG）".into())),
                    }
                });
            }
        }
    };
    view! {
        <form class="card grid-form no-print" data-testid="reply-form" on:submit=on_submit novalidate>
            <h2 class="wide">{locale.pick("回復", "Reply")}</h2>
            <div class="field">
                <label for="r-phone"><span class="req">"*"</span>{t(Msg::Phone)}</label>
                <input id="r-phone" type="tel" maxlength="30" data-testid="r-phone" on:input=set(|i| &mut i.phone)/>
                {err("phone")}
            </div>
            <div class="field">
                <label for="r-handler"><span class="req">"*"</span>{locale.pick("承辦人員", "Handler")}</label>
                <input id="r-handler" maxlength="40" prop:value=move || input.with(|i| i.handler.clone()) on:input=set(|i| &mut i.handler)/>
                {err("handler")}
            </div>
            <fieldset class="field wide">
                <legend><span class="req">"*"</span>{locale.pick("回復內容", "Outcome")}</legend>
                <div class="choices vertical">
                    <label class="choice"><input type="radio" name="outcome" data-testid="outcome-rebuilt"
                        on:change=move |_| input.update(|i| i.outcome = "rebuilt".into())/>{locale.pick("印模已完成重建", "Impression rebuilt")}</label>
                    <label class="choice"><input type="radio" name="outcome" data-testid="outcome-other"
                        on:change=move |_| input.update(|i| i.outcome = "other".into())/>{locale.pick("其他", "Other")}</label>
                </div>
                {err("outcome")}
                <Show when=move || input.with(|i| i.outcome == "rebuilt")>
                    <div class="field">
                        <label for="r-file"><span class="req">"*"</span>{locale.pick("重建後的印模影像（成為此人新的登記版本）", "The rebuilt impression (becomes the person's new registered version)")}</label>
                        <input id="r-file" type="file" accept="image/png,image/jpeg" data-testid="r-file"
                            on:change=move |ev| {
                                let chosen = !event_target_value(&ev).is_empty();
                                input.update(|i| i.has_image = chosen);
                            }/>
                        {err("image")}
                    </div>
                </Show>
                <Show when=move || input.with(|i| i.outcome == "other")>
                    <div class="field">
                        <label for="r-other"><span class="req">"*"</span>{locale.pick("其他回復說明", "Details")}</label>
                        <textarea id="r-other" maxlength="500" data-testid="r-other" on:input=set(|i| &mut i.other_text)></textarea>
                        {err("other_text")}
                    </div>
                </Show>
            </fieldset>
            {mismatch.then(|| view! {
                <div class="field">
                    <label for="r-date">{locale.pick("更正印鑑登記日期（空白為不更正）", "Corrected registration date (blank: unchanged)")}</label>
                    <input id="r-date" placeholder="108/03/14" data-testid="r-date" on:input=set(|i| &mut i.corrected_date)/>
                    {err("corrected_date")}
                </div>
            })}
            {move || local_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || reply.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="reply-error">{e.text(locale)}</p> })}
            <div class="actions wide">
                <button type="submit" class="primary" data-testid="send-reply" disabled=move || reading.get() || reply.pending().get()>
                    {locale.pick("送出回復", "Send the reply")}</button>
            </div>
        </form>
    }
}
