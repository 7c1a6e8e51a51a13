//! `/liaison/draft/:query_id`: 與戶政機關聯繫單 (附件一) filled in from a comparison's query,
//! laid out to print on A4.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::liaison::*;
use crate::components::RequireAuth;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn LiaisonDraftPage() -> impl IntoView {
    view! { <RequireAuth>{|| view! { <Draft/> }}</RequireAuth> }
}

#[component]
fn Draft() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("query_id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let draft = Resource::new(id, liaison_draft);
    let tick = |on: bool| if on { "☑" } else { "☐" };
    view! {
        <main id="main" class="page">
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || draft.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(d) => {
                        let d2 = d.clone();
                        view! {
                            <article class="print-form liaison" data-testid="liaison-slip">
                                <header class="form-title">
                                    <h1>"臺北市政府地政局暨所屬所隊介接數位印鑑比對系統 與戶政機關聯繫單"</h1>
                                </header>
                                <p>"聯繫日期：" {d.contact_date.long()}</p>
                                <table class="form-grid">
                                    <tbody>
                                        <tr><th>"收件單位"</th><td colspan="3">{d.office_name.clone()} "　聯絡電話：＿＿＿＿　傳真電話：＿＿＿＿"</td></tr>
                                        <tr><th rowspan="2">"發件單位"</th>
                                            <td>{format!("{} 臺北市政府地政局 {} 科(隊)", tick(!d.sender_is_land_office), if d.sender_is_land_office { "＿＿" } else { d.sender_name.as_str() })}</td>
                                            <td colspan="2">"案號：" {d.case_number.clone()}</td></tr>
                                        <tr><td>{format!("{} {}", tick(d.sender_is_land_office), if d.sender_is_land_office { d.sender_name.as_str() } else { "臺北市＿＿地政事務所" })}
                                                "　聯絡電話：＿＿＿＿ 分機＿＿ 傳真電話：＿＿＿＿"</td>
                                            <td colspan="2">"承辦人(職章)：" {d.handler.clone()} "　課(股)長(職章)：＿＿＿＿"</td></tr>
                                        <tr><th>"查詢事項"</th><td colspan="3">
                                            "印鑑登記當事人姓名：" {d.person_name.clone()} "　身分證統一編號：" <span class="mono">{d.national_id.clone()}</span><br/>
                                            {tick(d.unclear)} " 印模不清無法比對，請進行印鑑章印模重建(不包含已變更印模重建)"<br/>
                                            {tick(d.date_doubtful)} " 戶役政資訊系統與印鑑比對系統印登記日期不一致"
                                            {d2.registered_on.map(|r| format!("（印鑑比對系統：{}）", r.long())).unwrap_or_else(|| "（印鑑比對系統：未登載）".into())}<br/>
                                            "☐ 其他"
                                        </td></tr>
                                        <tr><th>"回復內容"</th><td colspan="3">"聯絡電話＿＿＿＿　承辦人員(職章)：＿＿＿＿　☐ 印模已完成重建　☐ 其他"</td></tr>
                                    </tbody>
                                </table>
                            </article>
                            <div class="actions no-print">
                                <button type="button" class="primary" on:click=|_| {
                                    #[cfg(feature = "hydrate")]
                                    { let _ = window().print(); }
                                }>{t(Msg::Print)}</button>
                            </div>
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
