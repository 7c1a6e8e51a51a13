//! Administrator pages for bootstrap: accounts (create, disable, roles, reset) and units.

use leptos::prelude::*;

use crate::api::admin::*;
use crate::components::{role_label, RequireAuth};
use crate::domain::{roc_datetime, Designation, Role, UnitView};
use crate::i18n::{t, use_locale, Locale, Msg};

fn unit_name(units: &[UnitView], id: i64, l: Locale) -> String {
    units.iter().find(|u| u.id == id).map(|u| l.pick(&u.name_zh, &u.name_en).to_string()).unwrap_or_default()
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Accounts/> }}
        </RequireAuth>
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let locale = use_locale();
    let version = RwSignal::new(0u32);
    let accounts = Resource::new(move || version.get(), |_| list_accounts());
    let units = Resource::new(|| (), |_| list_units());
    let designations = Resource::new(move || version.get(), |_| list_designations());
    let removals = Resource::new(|| (), |_| list_role_removals());
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    // create form
    let employee_no = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let unit_id = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let create = ServerAction::<CreateAccount>::new();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(c)) => {
            message.set(Some(format!(
                "{} {}：{}",
                c.employee_no,
                Msg::OneTimePassword.text(locale),
                c.one_time_password
            )));
            error.set(None);
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let uid = unit_id.get().parse::<i64>().unwrap_or(0);
        create.dispatch(CreateAccount {
            employee_no: employee_no.get(),
            name: name.get(),
            unit_id: uid,
            email: email.get(),
            phone: phone.get(),
            roles: roles.get().iter().map(|r| r.code()).collect::<Vec<_>>().join(","),
        });
    };

    let row_action = ServerAction::<ResetPassword>::new();
    Effect::new(move |_| match row_action.value().get() {
        Some(Ok(c)) => message.set(Some(format!(
            "{} {}：{}",
            c.employee_no,
            Msg::OneTimePassword.text(locale),
            c.one_time_password
        ))),
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    let disable = ServerAction::<DisableAccount>::new();
    let set_roles = ServerAction::<SetAccountRoles>::new();
    let add_desig = ServerAction::<AddDesignation>::new();
    let end_desig = ServerAction::<EndDesignation>::new();
    Effect::new(move |_| {
        let results = [
            disable.value().get().map(|r| r.map(|_| ())),
            set_roles.value().get().map(|r| r.map(|_| ())),
            add_desig.value().get().map(|r| r.map(|_| ())),
            end_desig.value().get().map(|r| r.map(|_| ())),
        ];
        for r in results.into_iter().flatten() {
            match r {
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e.text(locale))),
            }
        }
    });

    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Accounts)}</h1>
            {move || message.get().map(|m| view! { <p class="notice" role="status" data-testid="admin-message">{m}</p> })}
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="admin-error">{m}</p> })}
            <section class="card">
                <h2>{t(Msg::CreateAccount)}</h2>
                <form class="grid-form" on:submit=on_create>
                    <div class="field">
                        <label for="new-emp">{t(Msg::EmployeeNo)} <span class="req" title=t(Msg::Required)>"*"</span></label>
                        <input id="new-emp" required maxlength="12" bind:value=employee_no/>
                    </div>
                    <div class="field">
                        <label for="new-name">{t(Msg::Name)} <span class="req">"*"</span></label>
                        <input id="new-name" required maxlength="40" bind:value=name/>
                    </div>
                    <div class="field">
                        <label for="new-unit">{t(Msg::Unit)} <span class="req">"*"</span></label>
                        <select id="new-unit" required on:change=move |ev| unit_id.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            <Suspense fallback=|| ()>
                                {move || units.get().and_then(|r| r.ok()).map(|us| us.into_iter().filter(|u| u.active).map(|u| {
                                    view! { <option value=u.id.to_string()>{locale.pick(&u.name_zh, &u.name_en).to_string()}</option> }
                                }).collect_view())}
                            </Suspense>
                        </select>
                    </div>
                    <div class="field">
                        <label for="new-email">{t(Msg::Email)}</label>
                        <input id="new-email" type="email" bind:value=email/>
                    </div>
                    <div class="field">
                        <label for="new-phone">{t(Msg::Phone)}</label>
                        <input id="new-phone" type="tel" bind:value=phone/>
                    </div>
                    <fieldset class="field roles">
                        <legend>{t(Msg::Roles)} <span class="req">"*"</span></legend>
                        {Role::ALL.into_iter().map(|r| view! {
                            <label class="check">
                                <input type="checkbox" value=r.code()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        roles.update(|rs| { rs.retain(|x| *x != r); if on { rs.push(r); } });
                                    }/>
                                {role_label(r, locale)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::Create)}</button>
                </form>
            </section>
            <section class="card">
                <h2>{t(Msg::Accounts)}</h2>
                <Suspense fallback=move || view! { <p>{t(Msg::Loading)}</p> }>
                    {move || {
                        let us = units.get().and_then(|r| r.ok()).unwrap_or_default();
                        accounts.get().map(|r| match r {
                            Err(e) => view! { <p class="error">{e.text(locale)}</p> }.into_any(),
                            Ok(list) => view! {
                                <div class="table-wrap">
                                <table class="data" data-testid="accounts">
                                    <thead><tr>
                                        <th>{t(Msg::EmployeeNo)}</th><th>{t(Msg::Name)}</th><th>{t(Msg::Unit)}</th>
                                        <th>{t(Msg::Roles)}</th><th>{t(Msg::Status)}</th><th>{t(Msg::LastLogin)}</th><th>{t(Msg::Actions)}</th>
                                    </tr></thead>
                                    <tbody>
                                    {list.into_iter().map(|a| {
                                        let id = a.id;
                                        let reason = RwSignal::new(String::new());
                                        let edit_roles = RwSignal::new(a.roles.clone());
                                        let status = if a.disabled { t(Msg::Disabled) } else if a.locked { t(Msg::Locked) } else { t(Msg::Active) };
                                        view! {
                                            <tr>
                                                <td>{a.employee_no.clone()}</td>
                                                <td>{a.name.clone()}</td>
                                                <td>{unit_name(&us, a.unit_id, locale)}</td>
                                                <td>
                                                    <details>
                                                        <summary>{a.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、")}</summary>
                                                        <div class="role-editor">
                                                        {Role::ALL.into_iter().map(|r| view! {
                                                            <label class="check">
                                                                <input type="checkbox" prop:checked=move || edit_roles.get().contains(&r)
                                                                    on:change=move |ev| {
                                                                        let on = event_target_checked(&ev);
                                                                        edit_roles.update(|rs| { rs.retain(|x| *x != r); if on { rs.push(r); } });
                                                                    }/>
                                                                {role_label(r, locale)}
                                                            </label>
                                                        }).collect_view()}
                                                        <button type="button" on:click=move |_| {
                                                            set_roles.dispatch(SetAccountRoles { account_id: id, roles: edit_roles.get().iter().map(|r| r.code()).collect::<Vec<_>>().join(",") });
                                                        }>{t(Msg::SetRoles)}</button>
                                                        </div>
                                                    </details>
                                                </td>
                                                <td>{status}{a.disabled_reason.clone().map(|r| format!("（{r}）"))}</td>
                                                <td>{a.last_login_at.map(roc_datetime).unwrap_or_default()}</td>
                                                <td class="row-actions">
                                                    {if a.disabled {
                                                        view! { <span class="hint">{t(Msg::ReturnsThroughRequest)}</span> }.into_any()
                                                    } else {
                                                        view! {
                                                            <input aria-label=t(Msg::Reason) placeholder=t(Msg::Reason) bind:value=reason/>
                                                            <button type="button" on:click=move |_| { disable.dispatch(DisableAccount { account_id: id, reason: reason.get() }); }>{t(Msg::Disable)}</button>
                                                        }.into_any()
                                                    }}
                                                    <button type="button" on:click=move |_| { row_action.dispatch(ResetPassword { account_id: id }); }>{t(Msg::ResetPassword)}</button>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }.into_any(),
                        })
                    }}
                </Suspense>
            </section>
            <DesignationSection designations accounts add_desig end_desig/>
            <Suspense fallback=|| ()>
                {move || {
                    let rows = removals.get().and_then(|r| r.ok()).unwrap_or_default();
                    let us = units.get().and_then(|r| r.ok()).unwrap_or_default();
                    (!rows.is_empty()).then(|| view! {
                        <section class="card" data-testid="role-removals">
                            <h2>{t(Msg::RoleRemovals)}</h2>
                            <p class="hint">{t(Msg::RoleRemovalsHint)}</p>
                            <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th>{t(Msg::EmployeeNo)}</th><th>{t(Msg::Name)}</th><th>{t(Msg::Unit)}</th>
                                    <th>{t(Msg::Roles)}</th><th>{t(Msg::Time)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr>
                                            <td class="mono">{r.employee_no}</td>
                                            <td>{r.name}</td>
                                            <td>{unit_name(&us, r.unit_id, locale)}</td>
                                            <td>{role_label(r.role, locale)}</td>
                                            <td>{roc_datetime(r.removed_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                        </section>
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
fn DesignationSection(
    designations: Resource<Result<Vec<DesignationView>, crate::api::ApiError>>,
    accounts: Resource<Result<Vec<AccountView>, crate::api::ApiError>>,
    add_desig: ServerAction<AddDesignation>,
    end_desig: ServerAction<EndDesignation>,
) -> impl IntoView {
    let locale = use_locale();
    let account_id = RwSignal::new(String::new());
    let kind = RwSignal::new(Designation::DeputyAccountManager.code().to_string());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    view! {
        <section class="card">
            <h2>{t(Msg::Designations)}</h2>
            <form class="grid-form" on:submit=move |ev| {
                ev.prevent_default();
                add_desig.dispatch(AddDesignation {
                    account_id: account_id.get().parse().unwrap_or(0),
                    kind: kind.get(),
                    valid_from: from.get(),
                    valid_to: to.get(),
                });
            }>
                <div class="field">
                    <label for="d-account">{t(Msg::Accounts)}</label>
                    <select id="d-account" on:change=move |ev| account_id.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        <Suspense fallback=|| ()>
                        {move || accounts.get().and_then(|r| r.ok()).map(|l| l.into_iter().map(|a| view! {
                            <option value=a.id.to_string()>{format!("{} {}", a.employee_no, a.name)}</option>
                        }).collect_view())}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="d-kind">{t(Msg::Kind)}</label>
                    <select id="d-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {Designation::ALL.into_iter().map(|d| view! { <option value=d.code()>{locale.pick(d.zh(), d.en())}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="d-from">{t(Msg::ValidFrom)}</label>
                    <input id="d-from" placeholder="115/11/26" bind:value=from/>
                </div>
                <div class="field">
                    <label for="d-to">{t(Msg::ValidTo)}</label>
                    <input id="d-to" placeholder="115/12/31" bind:value=to/>
                </div>
                <button type="submit">{t(Msg::Add)}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || {
                    let accts = accounts.get().and_then(|r| r.ok()).unwrap_or_default();
                    designations.get().and_then(|r| r.ok()).map(|ds| view! {
                        <ul class="plain">
                        {ds.into_iter().map(|d| {
                            let who = accts.iter().find(|a| a.id == d.account_id).map(|a| format!("{} {}", a.employee_no, a.name)).unwrap_or_default();
                            let id = d.id;
                            view! { <li data-testid=format!("designation-{id}")>{locale.pick(d.kind.zh(), d.kind.en())} "：" {who} " " {d.valid_from.short()} " – " {d.valid_to.map(|t| t.short()).unwrap_or_default()}
                                {d.open.then(|| view! { " " <button type="button" class="secondary" data-testid=format!("end-designation-{id}")
                                    on:click=move |_| { end_desig.dispatch(EndDesignation { id }); }>{locale.pick("提前結束", "End now")}</button> })}
                            </li> }
                        }).collect_view()}
                        </ul>
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
pub fn UnitsPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Units/> }}
        </RequireAuth>
    }
}

#[component]
fn Units() -> impl IntoView {
    let locale = use_locale();
    let toggle = ServerAction::<SetUnitActive>::new();
    let contact = ServerAction::<SetUnitContact>::new();
    let units = Resource::new(move || (toggle.version().get(), contact.version().get()), |_| list_units());
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Units)}</h1>
            <p class="muted">{locale.pick("聯絡電話與傳真印在聯繫單上（附件一）。", "Phone and fax numbers are printed on liaison slips (Attachment 1).")}</p>
            {move || contact.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert" data-testid="unit-contact-error">{e.text(locale)}</p> })}
            <Suspense fallback=move || view! { <p>{t(Msg::Loading)}</p> }>
                {move || units.get().map(|r| match r {
                    Err(e) => view! { <p class="error">{e.text(locale)}</p> }.into_any(),
                    Ok(us) => view! {
                        <div class="table-wrap">
                        <table class="data">
                            <thead><tr><th>{t(Msg::Code)}</th><th>{t(Msg::Name)}</th><th>{t(Msg::Kind)}</th>
                                <th>{t(Msg::Phone)}</th><th>{locale.pick("傳真", "Fax")}</th><th>{t(Msg::Status)}</th><th>{t(Msg::Actions)}</th></tr></thead>
                            <tbody>
                            {us.into_iter().map(|u| {
                                let id = u.id;
                                let active = u.active;
                                let phone = RwSignal::new(u.phone.clone());
                                let fax = RwSignal::new(u.fax.clone());
                                let code = u.code.clone();
                                view! {
                                    <tr>
                                        <td>{u.code.clone()}</td>
                                        <td>{locale.pick(&u.name_zh, &u.name_en).to_string()}</td>
                                        <td>{locale.pick(u.kind.zh(), u.kind.en())}</td>
                                        <td><input type="tel" size="14" maxlength="30" aria-label=t(Msg::Phone) data-testid=format!("unit-phone-{code}")
                                            prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/></td>
                                        <td><input type="tel" size="14" maxlength="30" aria-label=locale.pick("傳真", "Fax")
                                            prop:value=move || fax.get() on:input=move |ev| fax.set(event_target_value(&ev))/></td>
                                        <td>{if active { t(Msg::Active) } else { t(Msg::Disabled) }}</td>
                                        <td class="row-actions">
                                            <button type="button" class="secondary" data-testid=format!("unit-contact-save-{code}")
                                                on:click=move |_| { contact.dispatch(SetUnitContact { unit_id: id, phone: phone.get(), fax: fax.get() }); }>
                                                {t(Msg::Save)}</button>
                                            <button type="button" on:click=move |_| { toggle.dispatch(SetUnitActive { unit_id: id, active: !active }); }>
                                                {if active { t(Msg::Disable) } else { t(Msg::Enable) }}
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn RetentionPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Retention/> }}</RequireAuth> }
}

/// 八(五): the records the system keeps, and how many are past five years. The system deletes
/// none of them (the database refuses it); disposal follows the archives rules, outside it.
#[component]
fn Retention() -> impl IntoView {
    let locale = use_locale();
    let rows = Resource::new(|| (), |_| retention_report());
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("紀錄保存", "Record retention")}</h1>
            <p class="muted">{locale.pick(
                "稽核紀錄、查詢紀錄、月報與稽核軌跡至少保存五年（作業規定八(五)）。本系統不刪除任何紀錄，資料庫亦拒絕刪除；逾五年者依檔案管理規定另行處理。",
                "Audit records, query records, monthly reports and the audit trail are kept at least five years (rule 8(5)). The system deletes none of them and the database refuses it; what is past five years is disposed of under the archives rules, outside the system.")}</p>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap"><table class="data" data-testid="retention">
                            <thead><tr><th>{locale.pick("紀錄", "Record")}</th><th>{locale.pick("筆數", "Count")}</th>
                                <th>{locale.pick("逾五年", "Past five years")}</th><th>{locale.pick("最早", "Oldest")}</th></tr></thead>
                            <tbody>{list.into_iter().map(|r| { let past = r.older > 0; view! {
                                <tr data-table=r.table.clone() class:flagged=past>
                                    <td>{locale.pick(&r.label_zh, &r.label_en).to_string()}</td>
                                    <td>{r.total}</td>
                                    <td>{r.older}</td>
                                    <td>{r.oldest.map(crate::domain::roc_datetime).unwrap_or_default()}</td>
                                </tr>
                            } }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
