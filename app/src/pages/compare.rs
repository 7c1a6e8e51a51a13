//! `/compare`: the clerk's workspace — file the lawful query, see the registered impression,
//! compare in the browser, decide, submit (the server re-verifies).

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::comparisons::{StartComparison, Started, Submission, Submitted};
use crate::components::workbench::{Workbench, WorkbenchOutcome};
use crate::components::RequireAuth;
use crate::domain::comparison::{band_en, band_zh, QueryError};
use crate::domain::inbox::InboxError;
use crate::domain::Problem;
use crate::domain::{BusinessType, Decision, NationalId, QueryInput};
use crate::error::ApiError;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn ComparePage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Compare/> }}
        </RequireAuth>
    }
}

/// The registered impression from its URL (once): its bytes for the matcher's worker and an
/// object URL of them for the `<img>`, so the image crosses the wire once.
#[cfg(feature = "hydrate")]
async fn load_registered(url: &str, media_type: &str) -> Option<(Arc<Vec<u8>>, String)> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window()?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url)).await.ok()?.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    let buf = JsFuture::from(resp.array_buffer().ok()?).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&buf);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &opts).ok()?;
    let object_url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    Some((Arc::new(bytes.to_vec()), object_url))
}

/// The submission as the endpoint takes it: `multipart/form-data`, the submission as JSON in
/// one part and the questioned image's bytes, as the browser matched them, in the other.
#[cfg(feature = "hydrate")]
fn submission_form(s: &Submission, image: &[u8], media_type: &str) -> Option<web_sys::FormData> {
    use crate::api::comparisons::{QUESTIONED_PART, SUBMISSION_PART};
    let form = web_sys::FormData::new().ok()?;
    form.append_with_str(SUBMISSION_PART, &serde_json::to_string(s).ok()?).ok()?;
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(media_type);
    let bytes = js_sys::Uint8Array::from(image);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &opts).ok()?;
    form.append_with_blob_and_filename(QUESTIONED_PART, &blob, "questioned").ok()?;
    Some(form)
}

/// Send a submission (`comparisons/submit`).
async fn send_submission(s: Submission, image: Arc<Vec<u8>>, media_type: String) -> Result<Submitted, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let form = submission_form(&s, &image, &media_type).ok_or(ApiError::Internal)?;
        crate::api::comparisons::submit_comparison(form.into()).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (s, image, media_type);
        Err(ApiError::Internal)
    }
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
    // `?resume=N` (from 待辦): the look-up left without a comparison, reopened under the same
    // query id the same working day; past its day, the page offers to close it with a reason
    let resume =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("resume").and_then(|v| v.parse::<i64>().ok()));
    let past_day = RwSignal::new(None::<i64>);
    let resumed = LocalResource::new(move || async move {
        match resume {
            Some(id) => Some(crate::api::work::resume_lookup(id).await),
            None => None,
        }
    });
    Effect::new(move |_| match resumed.get() {
        Some(Some(Ok(s))) => started.set(Some(s)),
        Some(Some(Err(e))) => {
            if matches!(&e, ApiError::Invalid(Problem::Inbox(InboxError::PastItsDay))) {
                past_day.set(resume);
            }
            error.set(Some(e.text(locale)));
        }
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
            Ok(query) => {
                field_errors.set(Vec::new());
                start.dispatch(StartComparison { query });
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
            {move || past_day.get().map(|id| view! { <CloseLookupForm id=id/> })}
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

/// 不比對: close a look-up left past its working day, with the reason the monthly report shows.
#[component]
fn CloseLookupForm(id: i64) -> impl IntoView {
    let locale = use_locale();
    let words = crate::i18n::work::closing_words(locale);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let close = ServerAction::<crate::api::work::CloseLookup>::new();
    Effect::new(move |_| {
        if let Some(Err(e)) = close.value().get() {
            problem.set(Some(e.text(locale)));
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match crate::domain::inbox::ClosingReason::parse(&reason.get()) {
            Ok(r) => {
                problem.set(None);
                close.dispatch(crate::api::work::CloseLookup { id, reason: r });
            }
            Err(e) => problem.set(Some(crate::i18n::work::inbox_error(e, locale).to_string())),
        }
    };
    view! {
        <Show
            when=move || !matches!(close.value().get(), Some(Ok(())))
            fallback=move || view! {
                <p class="ok" role="status" data-testid="lookup-closed">{words.done} " " <a href="/">{words.back}</a></p>
            }
        >
            <form class="card" on:submit=on_submit data-testid="close-lookup" novalidate>
                <h2>{words.title}</h2>
                <p class="muted">{words.explain}</p>
                <div class="field">
                    <label for="close-reason">{words.reason} <span class="req">"*"</span></label>
                    <textarea id="close-reason" data-testid="close-reason" maxlength="200" rows="2"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" class="primary" data-testid="close-lookup-submit" disabled=move || close.pending().get()>{words.submit}</button>
            </form>
        </Show>
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
    // the registered impression: read once from its URL (bytes for the worker, an object URL
    // for the picture)
    let image = RwSignal::new(None::<(Arc<Vec<u8>>, String)>);
    #[cfg(feature = "hydrate")]
    {
        let (url, media) = (seal.image_url.clone(), seal.media_type.clone());
        leptos::task::spawn_local(async move {
            if let Some(loaded) = load_registered(&url, &media).await {
                image.set(Some(loaded));
            }
        });
        on_cleanup(move || {
            if let Some((_, u)) = image.try_get_untracked().flatten() {
                let _ = web_sys::Url::revoke_object_url(&u);
            }
        });
    }
    let outcome = RwSignal::new(None::<WorkbenchOutcome>);
    let decision = RwSignal::new(if seal.unclear { Some(Decision::ContactOffice) } else { None::<Decision> });
    let comment = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    // multipart: the form is made in the browser (a `FormData` is not `Send`)
    let submit = Action::new_local(|(s, image, media): &(Submission, Arc<Vec<u8>>, String)| {
        send_submission(s.clone(), image.clone(), media.clone())
    });
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
        let submission = Submission {
            query_id,
            browser: o.result.clone(),
            manual_alignment: o.manual_alignment,
            decision: d,
            comment: comment.get(),
        };
        submit.dispatch_local((submission, o.questioned.clone(), o.media_type.clone()));
    };
    let registered_on =
        seal.registered_on.as_ref().map(|d| d.long()).unwrap_or_else(|| t(Msg::DateMissing).to_string());
    view! {
        {receipt}
        <section class="card registered" data-testid="registered">
            <h2>{t(Msg::RegisteredImpression)}</h2>
            <div class="registered-body">
                <img src=move || image.get().map(|(_, url)| url) alt=t(Msg::RegisteredImpression) class="seal-image" data-testid="registered-image"/>
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
        {move || image.get().map(|(registered, _)| view! {
            <Workbench registered=registered on_outcome=Callback::new(move |o| outcome.set(o))/>
        })}
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
