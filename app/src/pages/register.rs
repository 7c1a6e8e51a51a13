//! `/accounts/register`: 使用者帳號清冊 — filter, print, export CSV / XLSX.

use leptos::prelude::*;

use crate::api::register::*;
use crate::components::{role_label, RequireAuth};
use crate::domain::{roc_datetime, RocDate};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <RegisterView/> }}</RequireAuth> }
}

fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    RocDate::from_gregorian(t.with_timezone(&crate::domain::taipei_offset()).date_naive())
        .map(|d| d.short())
        .unwrap_or_default()
}

#[component]
fn RegisterView() -> impl IntoView {
    let locale = use_locale();
    let unit = RwSignal::new(0i64);
    let status = RwSignal::new("all".to_string());
    let register = Resource::new(move || (unit.get(), status.get()), |(u, s)| account_register(u, s));
    let export = ServerAction::<ExportRegister>::new();
    view! {
        <main id="main" class="page">
            <h1>{locale.pick("使用者帳號清冊", "Account register")}</h1>
            <form class="card inline-form no-print" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
                <Suspense fallback=|| ()>
                    {move || register.get().and_then(|r| r.ok()).filter(|r| r.bureau_wide).map(|r| view! {
                        <label for="rg-unit">{t(Msg::Unit)}</label>
                        <select id="rg-unit" on:change=move |ev| unit.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">{locale.pick("全部單位", "All units")}</option>
                            {r.units.into_iter().map(|(id, n)| view! { <option value=id.to_string() selected=move || unit.get() == id>{n}</option> }).collect_view()}
                        </select>
                    })}
                </Suspense>
                <label for="rg-status">{t(Msg::Status)}</label>
                <select id="rg-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="all">{locale.pick("全部", "All")}</option>
                    <option value="active">{locale.pick("啟用", "Active")}</option>
                    <option value="cancelled">{locale.pick("註銷", "Cancelled")}</option>
                </select>
                <button type="button" data-testid="export-csv" on:click=move |_| { export.dispatch(ExportRegister { unit: unit.get(), status: status.get(), format: "csv".into() }); }>"CSV"</button>
                <button type="button" data-testid="export-xlsx" on:click=move |_| { export.dispatch(ExportRegister { unit: unit.get(), status: status.get(), format: "xlsx".into() }); }>"XLSX"</button>
                <crate::components::PrintButton/>
                {move || export.value().get().map(|r| match r {
                    Ok(f) => view! {
                        <a class="button" data-testid="download" download=f.filename.clone()
                            href=format!("data:{};base64,{}", f.media_type, f.b64)>{locale.pick("下載 ", "Download ")}{f.filename.clone()}</a>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                })}
            </form>
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || register.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(reg) => view! {
                        <table class="data last-reviews" data-testid="last-reviews">
                            <thead><tr><th>{t(Msg::Unit)}</th><th>{locale.pick("前次盤點日期", "Last quarterly review")}</th></tr></thead>
                            <tbody>{reg.last_reviews.clone().into_iter().map(|(u, d)| view! {
                                <tr><td>{u}</td><td>{d.map(|d| d.long()).unwrap_or_else(|| locale.pick("尚無紀錄", "none yet").to_string())}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                        <div class="table-wrap print-form"><table class="data form-grid" data-testid="register">
                            <thead><tr>
                                {HEADERS.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}
                                // not a column of 附件四: shown here, left off the printed form
                                <th class="no-print">{t(Msg::NoticeAcknowledgedOn)}</th>
                            </tr></thead>
                            <tbody>{reg.rows.into_iter().map(|row| view! {
                                <tr>
                                    <td>{row.agency.clone()}</td>
                                    <td>{row.name.clone()}</td>
                                    <td class="mono">{row.employee_no.clone()}</td>
                                    <td>{row.roles.iter().map(|x| role_label(*x, locale)).collect::<Vec<_>>().join("、")}</td>
                                    <td>{day(row.effective)}</td>
                                    <td>{row.cancelled.map(day).unwrap_or_default()}</td>
                                    <td>{if row.active { locale.pick("啟用", "Active") } else { locale.pick("註銷", "Cancelled") }}</td>
                                    <td>{row.last_login.map(roc_datetime).unwrap_or_default()}</td>
                                    <td class="no-print" data-testid="acknowledged">
                                        {row.acknowledged.map(day).unwrap_or_else(|| t(Msg::Unacknowledged).to_string())}
                                    </td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table></div>
                    }.into_any(),
                })}
            </Suspense>
        </main>
    }
}
