//! `/compare`: the clerk's workspace — file the lawful query, see the registered impression,
//! compare in the browser, decide, submit (the server re-verifies).

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::comparisons::{StartComparison, Started, Submission, SubmitComparison};
use crate::components::workbench::{Workbench, WorkbenchOutcome};
use crate::components::RequireAuth;
use crate::domain::comparison::{band_en, band_zh, QueryError};
use crate::domain::{BusinessType, Decision, NationalId, QueryInput};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn ComparePage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Compare/> }}
        </RequireAuth>
    }
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

fn b64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[component]
fn Compare() -> impl IntoView {
    let locale = use_locale();
    let input =
        RwSignal::new(QueryInput { business_type: BusinessType::LandRegistration.code().into(), ..Default::default() });
    let field_errors = RwSignal::new(Vec::<QueryError>::new());
    let started = RwSignal::new(None::<Started>);
    let error = RwSignal::new(None::<String>);
    let start = ServerAction::<StartComparison>::new();
    // `?slip=N`: compare again after a household office's reply — the form filled in from the
    // slip (the query itself is filed and recorded as usual)
    let slip =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("slip").and_then(|v| v.parse::<i64>().ok()));
    let from_slip = Resource::new(
        move || slip,
        |slip| async move {
            match slip {
                Some(id) => Some(crate::api::liaison::slip_compare_input(id).await),
                None => None,
            }
        },
    );
    Effect::new(move |_| match from_slip.get() {
        Some(Some(Ok(q))) => input.set(q),
        Some(Some(Err(e))) => error.set(Some(e.text(locale))),
        _ => {}
    });
    Effect::new(move |_| match start.value().get() {
        Some(Ok(s)) => {
            started.set(Some(s));
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e.text(locale))),
        None => {}
    });
    // the ID's checksum, as typed
    let id_hint = Memo::new(move |_| {
        let v = input.with(|i| i.national_id.trim().to_string());
        if v.len() < 10 {
            return None;
        }
        NationalId::parse(&v).err().map(|e| crate::i18n::problems::national_id(e, locale).to_string())
    });
    let err_for = move |field: &'static str| {
        move || {
            field_errors
                .with(|es| es.iter().find(|e| e.field() == field).map(|e| crate::i18n::problems::query(*e, locale)))
                .map(|m| {
                    view! { <p class="field-error" role="alert">{m}</p> }
                })
        }
    };
    let on_query = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let i = input.get();
        match i.parse() {
            Ok(_) => {
                field_errors.set(Vec::new());
                start.dispatch(StartComparison { input: i });
            }
            Err(es) => field_errors.set(es),
        }
    };
    let bind = move |f: fn(&mut QueryInput) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            input.update(|i| *f(i) = v);
        }
    };

    view! {
        <main id="main" class="page compare-page">
            <h1>{t(Msg::Compare)}</h1>
            <p class="muted no-print">{t(Msg::CompareIntro)}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="compare-error">{m}</p> })}
            <Show
                when=move || started.with(|s| s.is_none())
                fallback=move || view! { <Workspace started=started.get().expect("started") reset=Callback::new(move |_| { started.set(None); start.clear(); })/> }
            >
                <form class="card grid-form query-form" on:submit=on_query novalidate data-testid="query-form">
                    <div class="field">
                        <label for="q-bt">{t(Msg::BusinessTypeLabel)} <span class="req">"*"</span></label>
                        <select id="q-bt" data-testid="q-business-type" on:change=bind(|i| &mut i.business_type)>
                            {BusinessType::ALL.into_iter().map(|b| view! {
                                <option value=b.code() selected=move || input.with(|i| i.business_type == b.code())>
                                    {locale.pick(b.zh(), b.en())}
                                </option>
                            }).collect_view()}
                        </select>
                        {err_for("business_type")}
                    </div>
                    <fieldset class="field case-number">
                        <legend>{t(Msg::CaseNo)} <span class="req">"*"</span></legend>
                        <div class="case-parts">
                            <input id="q-cy" data-testid="q-case-year" inputmode="numeric" maxlength="3" size="4"
                                aria-label=t(Msg::CaseYear) prop:value=move || input.with(|i| i.case_year.clone()) on:input=bind(|i| &mut i.case_year)/>
                            <span>{t(Msg::CaseYear)}</span>
                            <input id="q-cw" data-testid="q-case-word" maxlength="10" size="8"
                                aria-label=t(Msg::CaseWord) prop:value=move || input.with(|i| i.case_word.clone()) on:input=bind(|i| &mut i.case_word)/>
                            <span>{locale.pick("字第", "word, no.")}</span>
                            <input id="q-cn" data-testid="q-case-number" inputmode="numeric" maxlength="10" size="10"
                                aria-label=t(Msg::CaseNumberNo) prop:value=move || input.with(|i| i.case_number.clone()) on:input=bind(|i| &mut i.case_number)/>
                            <span>{t(Msg::CaseNumberNo)}</span>
                        </div>
                        <label for="q-cf" class="sub-label">{t(Msg::CaseFree)}</label>
                        <input id="q-cf" data-testid="q-case-free" maxlength="60" prop:value=move || input.with(|i| i.case_free.clone()) on:input=bind(|i| &mut i.case_free)/>
                        {err_for("case_number")}
                    </fieldset>
                    <div class="field">
                        <label for="q-id">{t(Msg::NationalIdLabel)} <span class="req">"*"</span></label>
                        <input id="q-id" data-testid="q-national-id" maxlength="10" autocomplete="off" spellcheck="false"
                            class="mono" prop:value=move || input.with(|i| i.national_id.clone()) on:input=bind(|i| &mut i.national_id)/>
                        {move || id_hint.get().map(|m| view! { <p class="field-error" role="alert" data-testid="id-hint">{m}</p> })}
                        // the as-typed hint already says what is wrong with a full-length ID: once
                        {move || id_hint.with(Option::is_none).then(err_for("national_id"))}
                    </div>
                    <div class="field">
                        <label for="q-name">{t(Msg::PersonName)}</label>
                        <input id="q-name" data-testid="q-person-name" maxlength="40" prop:value=move || input.with(|i| i.person_name.clone()) on:input=bind(|i| &mut i.person_name)/>
                        {err_for("person_name")}
                    </div>
                    <div class="actions">
                        <button type="submit" data-testid="q-submit" disabled=move || start.pending().get()>
                            {move || if start.pending().get() { t(Msg::Querying) } else { t(Msg::Query) }}
                        </button>
                    </div>
                </form>
            </Show>
        </main>
    }
}

/// After the query: the registered impression, the workbench, the decision.
#[component]
fn Workspace(started: Started, reset: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let s = started;
    let receipt = view! {
        <section class="card receipt" data-testid="query-receipt">
            <h2>{t(Msg::QueryRecorded)}</h2>
            <dl class="facts">
                <dt>{t(Msg::CaseNo)}</dt><dd data-testid="receipt-case">{s.case_number.clone()}</dd>
                <dt>{t(Msg::BusinessTypeLabel)}</dt><dd>{locale.pick(s.business_type.zh(), s.business_type.en())}</dd>
                <dt>{t(Msg::NationalIdLabel)}</dt><dd class="mono">{s.national_id_masked.clone()}</dd>
                <dt>{t(Msg::QueriedAt)}</dt><dd>{crate::domain::roc_datetime(s.queried_at)}</dd>
            </dl>
            {s.after_hours.then(|| view! { <p class="notice" data-testid="after-hours">{t(Msg::AfterHoursNotice)}</p> })}
            <button type="button" class="secondary no-print" data-testid="new-query" on:click=move |_| reset.run(())>{t(Msg::NewQuery)}</button>
        </section>
    };
    let Some(seal) = s.seal.clone() else {
        return view! {
            {receipt}
            <p class="notice" role="status" data-testid="no-seal">{t(Msg::NoSealRegistered)}</p>
        }
        .into_any();
    };
    let registered = Arc::new(b64_decode(&seal.image_b64).unwrap_or_default());
    let data_url = format!("data:{};base64,{}", seal.media_type, seal.image_b64);
    let outcome = RwSignal::new(None::<WorkbenchOutcome>);
    let decision = RwSignal::new(if seal.unclear { Some(Decision::ContactOffice) } else { None::<Decision> });
    let comment = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let submit = ServerAction::<SubmitComparison>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(r)) => navigate(&format!("/comparisons/{}?new=1", r.id), Default::default()),
        Some(Err(e)) => local_error.set(Some(e.text(locale))),
        None => {}
    });
    let query_id = s.query_id;
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(o) = outcome.get() else {
            local_error.set(Some(t(Msg::NeedImage).to_string()));
            return;
        };
        let Some(d) = decision.get() else {
            local_error.set(Some(locale.pick("請選擇比對結果判定", "Choose a decision").to_string()));
            return;
        };
        local_error.set(None);
        submit.dispatch(SubmitComparison {
            submission: Submission {
                query_id,
                questioned_b64: b64_encode(&o.questioned),
                browser: o.result.clone(),
                manual_alignment: o.manual_alignment,
                decision: d,
                comment: comment.get(),
            },
        });
    };
    let registered_on =
        seal.registered_on.as_ref().map(|d| d.long()).unwrap_or_else(|| t(Msg::DateMissing).to_string());
    view! {
        {receipt}
        <section class="card registered" data-testid="registered">
            <h2>{t(Msg::RegisteredImpression)}</h2>
            <div class="registered-body">
                <img src=data_url alt=t(Msg::RegisteredImpression) class="seal-image" data-testid="registered-image"/>
                <dl class="facts">
                    <dt>{t(Msg::RegisteredOn)}</dt><dd data-testid="registered-on">{registered_on}</dd>
                    <dt>{t(Msg::RegisteringOffice)}</dt><dd>{seal.office_name.clone()}</dd>
                    <dt>{t(Msg::SealVersion)}</dt><dd>{format!("{} / {}", seal.version, seal.versions)}</dd>
                </dl>
            </div>
            {seal.unclear.then(|| view! { <p class="warning" role="status" data-testid="unclear-notice">{t(Msg::UnclearNotice)}</p> })}
            {seal.registered_on.is_none().then(|| view! { <p class="warning" role="status" data-testid="date-missing">{t(Msg::DateMissingNotice)}</p> })}
            {(seal.unclear || seal.registered_on.is_none()).then(|| view! {
                <p class="no-print">
                    <a class="button" target="_blank" rel="noopener" data-testid="prepare-liaison" href=format!("/liaison/new?query={}", query_id)>
                        {locale.pick("依本案準備聯繫單（另開新頁）", "Prepare a liaison slip from this case (new tab)")}
                    </a>
                </p>
            })}
        </section>
        <Workbench registered=registered on_outcome=Callback::new(move |o| outcome.set(o))/>
        <form class="card decision-form no-print" on:submit=on_submit data-testid="decision-form">
            <fieldset class="field">
                <legend>{t(Msg::DecisionLabel)} <span class="req">"*"</span></legend>
                <div class="choices">
                    {Decision::ALL.into_iter().map(|d| view! {
                        <label class="choice">
                            <input type="radio" name="decision" value=d.code() data-testid=format!("decision-{}", d.code())
                                prop:checked=move || decision.get() == Some(d)
                                on:change=move |_| decision.set(Some(d))/>
                            <span>{locale.pick(d.zh(), d.en())}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            {move || outcome.get().map(|o| {
                let b = o.result.band;
                view! { <p class="muted">{locale.pick("系統建議：", "System suggests: ")} {locale.pick(band_zh(b), band_en(b))}</p> }
            })}
            <div class="field">
                <label for="c-comment">{t(Msg::Comment)}</label>
                <textarea id="c-comment" data-testid="comment" maxlength="1000" rows="3"
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </div>
            {move || local_error.get().map(|m| view! { <p class="error" role="alert" data-testid="submit-error">{m}</p> })}
            <div class="actions">
                <button type="submit" data-testid="submit-comparison" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { t(Msg::Submitting) } else { t(Msg::SubmitComparison) }}
                </button>
            </div>
        </form>
    }
    .into_any()
}
