//! `/comparisons`: history (own, or the unit's for a supervisor) and look-up by verification
//! code; `/comparisons/:id`: the record, laid out to print on A4.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::auth::Me;
use crate::api::comparisons::*;
use crate::components::RequireAuth;
use crate::domain::comparison::{band_code, band_en, band_zh};
use crate::domain::{roc_datetime, Role};
use crate::i18n::verdict::{
    capture_text, print_evidence_text, questioned_unclear_text, registered_unclear_text, review_reasons_text,
};
use crate::i18n::{t, use_locale, Msg};
use matcher::Band;

fn band_class(b: Band) -> &'static str {
    match b {
        Band::Consistent => "band band-consistent",
        Band::Review => "band band-review",
        Band::Inconsistent => "band band-inconsistent",
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <History/> }}
        </RequireAuth>
    }
}

#[component]
fn History() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<Me>();
    let supervisor = me.has(Role::Supervisor);
    let scope = RwSignal::new(if supervisor && !me.has(Role::Clerk) { "unit" } else { "mine" }.to_string());
    let rows = Resource::new(move || scope.get(), list_comparisons);
    let code = RwSignal::new(String::new());
    let verify = ServerAction::<VerifyCode>::new();
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::History)}</h1>
            <form class="card inline-form" data-testid="verify-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                verify.dispatch(VerifyCode { code: code.get() });
            }>
                <label for="v-code">{t(Msg::VerifyRecord)}</label>
                <input id="v-code" data-testid="verify-code" class="mono" maxlength="12" placeholder="XXXXX-XXXXX"
                    on:input=move |ev| code.set(event_target_value(&ev))/>
                <button type="submit">{t(Msg::Search)}</button>
                {move || verify.value().get().map(|r| match r {
                    Ok(v) => view! {
                        <p class="notice" data-testid="verify-result">
                            {format!("{} · {} · {} · {} · {}", roc_datetime(v.created_at), v.unit_name, v.case_number,
                                v.national_id_masked, locale.pick(v.decision.zh(), v.decision.en()))}
                            {v.can_open.then(|| view! { " " <a href=format!("/comparisons/{}", v.id)>{t(Msg::Open)}</a> })}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                })}
            </form>
            {supervisor.then(|| view! {
                <div class="tabs" role="tablist">
                    <button type="button" role="tab" aria-selected=move || (scope.get() == "mine").to_string()
                        on:click=move |_| scope.set("mine".into())>{t(Msg::MyHistory)}</button>
                    <button type="button" role="tab" data-testid="scope-unit" aria-selected=move || (scope.get() == "unit").to_string()
                        on:click=move |_| scope.set("unit".into())>{t(Msg::UnitHistory)}</button>
                </div>
            })}
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert">{e.text(locale)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(Msg::NoRecords)}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                        <table class="data" data-testid="history">
                            <thead><tr>
                                <th>{t(Msg::ComparedAt)}</th><th>{t(Msg::CaseNo)}</th><th>{t(Msg::Person)}</th>
                                <th>{t(Msg::Operator)}</th><th>{t(Msg::SystemResult)}</th><th>{t(Msg::DecisionLabel)}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td>{roc_datetime(c.created_at)}</td>
                                        <td>{c.case_number.clone()}</td>
                                        <td class="mono">{c.national_id_masked.clone()} " " {c.person_name.clone().unwrap_or_default()}</td>
                                        <td>{c.operator.clone()}</td>
                                        <td><span class=band_class(c.server_band)>{locale.pick(band_zh(c.server_band), band_en(c.server_band))}</span>
                                            {format!(" {:.3}", c.server_score)}
                                            {c.discrepancy.then_some(" ⚠")}</td>
                                        <td>{locale.pick(c.decision.zh(), c.decision.en())}</td>
                                        <td><a href=format!("/comparisons/{}", c.id)>{t(Msg::Open)}</a></td>
                                    </tr>
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
pub fn RecordPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Record/> }}
        </RequireAuth>
    }
}

#[component]
fn Record() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let version = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), version.get()), |(id, _)| get_comparison(id));
    let printed = ServerAction::<RecordPrinted>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = printed.value().get() {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().print();
            }
            version.update(|v| *v += 1);
        }
    });
    let note = RwSignal::new(String::new());
    let annotate_action = ServerAction::<Annotate>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = annotate_action.value().get() {
            note.set(String::new());
            version.update(|v| *v += 1);
        }
    });
    let just_submitted = move || query.with(|q| q.get("new").is_some());
    view! {
        <main id="main" class="page record-page">
            <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error" role="alert" data-testid="record-error">{e.text(locale)}</p> }.into_any(),
                    Ok(d) => {
                        let s = d.summary.clone();
                        let img = |media: &str, b64: &str| format!("data:{media};base64,{b64}");
                        let rid = s.id;
                        view! {
                            {just_submitted().then(|| view! { <p class="notice no-print" role="status" data-testid="submitted">{locale.pick("比對結果已送出並由伺服器重新驗證。", "Submitted and re-verified by the server.")}</p> })}
                            <article class="print-form record" data-testid="record" data-band=band_code(s.server_band) data-decision=s.decision.code()>
                                <header class="form-title">
                                    <h1>{t(Msg::RecordTitle)}</h1>
                                    <p class="code">{t(Msg::VerificationCode)} "：" <strong class="mono" data-testid="verification-code">{s.verification_code.clone()}</strong></p>
                                </header>
                                <table class="form-grid">
                                    <tbody>
                                        <tr><th>{t(Msg::CaseNo)}</th><td data-testid="record-case">{s.case_number.clone()}</td>
                                            <th>{t(Msg::BusinessTypeLabel)}</th><td>{locale.pick(s.business_type.zh(), s.business_type.en())}</td></tr>
                                        <tr><th>{t(Msg::Operator)}</th><td>{s.operator.clone()}</td>
                                            <th>{t(Msg::Unit)}</th><td>{d.unit_name.clone()}</td></tr>
                                        <tr><th>{t(Msg::QueriedAt)}</th><td>{roc_datetime(d.queried_at)} {d.after_hours.then(|| locale.pick("（非上班時間）", " (after hours)"))}</td>
                                            <th>{t(Msg::ComparedAt)}</th><td>{roc_datetime(s.created_at)}</td></tr>
                                        <tr><th>{t(Msg::Person)}</th><td class="mono">{s.national_id_masked.clone()} " " {s.person_name.clone().unwrap_or_default()}</td>
                                            <th>{t(Msg::RegisteredOn)}</th><td>{d.registered_on.as_ref().map(|r| r.long()).unwrap_or_else(|| t(Msg::DateMissing).to_string())}
                                                {format!(" · {} · {} {}", d.office_name, t(Msg::SealVersion), d.seal_version)}</td></tr>
                                    </tbody>
                                </table>
                                <div class="record-images">
                                    <figure><img src=img(&d.registered_media_type, &d.registered_b64) alt=t(Msg::RegisteredImpression)/><figcaption>{t(Msg::RegisteredImpression)}</figcaption></figure>
                                    <figure><img src=img(&d.questioned_media_type, &d.questioned_b64) alt=t(Msg::QuestionedImpression)/><figcaption>{t(Msg::QuestionedImpression)}</figcaption></figure>
                                    {d.overlay_png_b64.clone().map(|o| view! {
                                        <figure><img src=img("image/png", &o) alt=t(Msg::Overlay) data-testid="record-overlay"/><figcaption>{t(Msg::Overlay)}</figcaption></figure>
                                    })}
                                </div>
                                <table class="form-grid">
                                    <tbody>
                                        <tr><th>{t(Msg::SystemResult)}</th>
                                            <td data-testid="record-band"><span class=band_class(s.server_band)>{locale.pick(band_zh(s.server_band), band_en(s.server_band))}</span></td>
                                            <th>{t(Msg::ServerScore)}</th><td data-testid="record-server-score">{format!("{:.3}", s.server_score)}</td></tr>
                                        <tr><th>{t(Msg::BrowserScore)}</th><td>{format!("{:.3} ({})", d.browser_score, locale.pick(band_zh(d.browser_band), band_en(d.browser_band)))}</td>
                                            <th>{t(Msg::AutoScore)}</th><td>{format!("{:.3} ({})", d.auto_score, locale.pick(band_zh(d.auto_band), band_en(d.auto_band)))}</td></tr>
                                        <tr><th>{locale.pick("旋轉／縮放", "Rotation / scale")}</th><td>{format!("{:.2}° / {:.3}", d.rotation_deg, d.scale)}</td>
                                            <th>{t(Msg::ManualAdjusted)}</th><td>{d.manual_alignment.map(|a| format!("{:.1}°, ({:.1}, {:.1})", a.rotation_deg, a.tx, a.ty)).unwrap_or_else(|| locale.pick("否", "No").to_string())}</td></tr>
                                        {(!d.questioned_unclear.is_empty()).then(|| view! { <tr><td colspan="4" class="warning" data-testid="record-questioned-unclear">{questioned_unclear_text(&d.questioned_unclear, locale)}</td></tr> })}
                                        {d.registered_unclear.then(|| view! { <tr><td colspan="4" class="warning" data-testid="record-registered-unclear">{registered_unclear_text(locale)}</td></tr> })}
                                        {(!d.review_reasons.is_empty()).then(|| view! { <tr><td colspan="4" class="warning" data-testid="record-review-reasons">{review_reasons_text(&d.review_reasons, locale)}</td></tr> })}
                                        {print_evidence_text(&d.printed, locale).map(|p| view! { <tr><td colspan="4" class="warning" data-testid="record-print-evidence">{p}</td></tr> })}
                                        {capture_text(&d.capture, locale).map(|c| view! { <tr><td colspan="4" data-testid="record-capture">{c}</td></tr> })}
                                        {d.questioned_original.clone().map(|m| view! { <tr><td colspan="4" data-testid="record-original">{format!("{}{}{}",
                                            locale.pick("印文原始檔（", "The questioned file as uploaded ("),
                                            match m.as_str() { "image/tiff" => "TIFF", "application/pdf" => "PDF", other => other },
                                            locale.pick("）已保存；比對及本紀錄使用其解碼後之影像", ") is kept; the comparison and this record use its decoded pixels"))}</td></tr> })}
                                        {s.discrepancy.then(|| view! { <tr><td colspan="4" class="warning" data-testid="record-discrepancy">{t(Msg::Discrepancy)}</td></tr> })}
                                        <tr><th>{t(Msg::DecisionLabel)}</th><td data-testid="record-decision"><strong>{locale.pick(s.decision.zh(), s.decision.en())}</strong></td>
                                            <th>{t(Msg::Comment)}</th><td>{d.comment.clone()}</td></tr>
                                    </tbody>
                                </table>
                                {(!d.notes.is_empty()).then(|| view! {
                                    <section class="notes">
                                        <h2>{t(Msg::Annotations)}</h2>
                                        <ul data-testid="notes">
                                            {d.notes.iter().map(|n| view! {
                                                <li>{roc_datetime(n.created_at)} " · " {n.author.clone()} " · "
                                                    {if n.kind == crate::domain::comparison::NoteKind::Printed { t(Msg::Printed).to_string() } else { n.text.clone() }}</li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <footer class="sign-row">
                                    <span>{t(Msg::Operator)} "：＿＿＿＿＿＿"</span>
                                    <span>{locale.pick("課(股)長：＿＿＿＿＿＿", "Section chief: ______")}</span>
                                </footer>
                            </article>
                            <div class="actions no-print">
                                <button type="button" data-testid="print" on:click=move |_| { printed.dispatch(RecordPrinted { id: rid }); }>{t(Msg::Print)}</button>
                                <a href="/comparisons" class="button secondary">{t(Msg::History)}</a>
                                <a href="/compare" class="button secondary">{t(Msg::NewQuery)}</a>
                            </div>
                            <form class="card no-print" data-testid="annotate-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                ev.prevent_default();
                                annotate_action.dispatch(Annotate { id: rid, text: note.get() });
                            }>
                                <label for="note">{t(Msg::AddAnnotation)}</label>
                                <textarea id="note" rows="2" maxlength="1000" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                {move || annotate_action.value().get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.text(locale)}</p> })}
                                <button type="submit" class="secondary">{t(Msg::AddAnnotation)}</button>
                            </form>
                        }.into_any()
                    }
                })}
            </Suspense>
        </main>
    }
}
