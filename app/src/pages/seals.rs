//! `/seals`: the household registration office's view of the registry — a person's every
//! registered impression, and uploading a new or rebuilt one (own district only).

use leptos::prelude::*;

use crate::api::seals::*;
use crate::components::RequireAuth;
use crate::domain::{roc_datetime, NationalId};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn SealsPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Seals/> }}
        </RequireAuth>
    }
}

#[component]
fn Seals() -> impl IntoView {
    let locale = use_locale();
    let lookup_id = RwSignal::new(String::new());
    let versions = ServerAction::<SealVersions>::new();
    let upload = ServerAction::<UploadSeal>::new();
    let form = RwSignal::new(SealUpload { reason: "rebuild".into(), ..Default::default() });
    let local_error = RwSignal::new(None::<String>);
    let reading = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = upload.value().get() {
            let id = form.with(|f| f.national_id.clone());
            versions.dispatch(SealVersions { national_id: id });
        }
    });
    let on_upload = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Err(e) = NationalId::parse(&form.with(|f| f.national_id.clone())) {
            local_error.set(Some(crate::i18n::problems::national_id(e, locale).to_string()));
            return;
        }
        local_error.set(None);
        #[cfg(feature = "hydrate")]
        {
            reading.set(true);
            leptos::task::spawn_local(async move {
                let bytes = crate::components::read_input_file("s-file").await;
                reading.set(false);
                match bytes {
                    Some(b) if !b.is_empty() => {
                        use base64::Engine;
                        let mut f = form.get_untracked();
                        f.image_b64 = base64::engine::general_purpose::STANDARD.encode(&b);
                        upload.dispatch(UploadSeal { upload: f });
                    }
                    _ => local_error.set(Some("請選擇印模影像檔（PNG 或 JPEG）".into())),
                }
            });
        }
    };
    let set = move |f: fn(&mut SealUpload) -> &mut String| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|x| *f(x) = v);
        }
    };
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::SealRegistry)}</h1>
            <form class="card inline-form" data-testid="seal-lookup" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                versions.dispatch(SealVersions { national_id: lookup_id.get() });
            }>
                <label for="s-lookup">{t(Msg::NationalIdLabel)}</label>
                <input id="s-lookup" class="mono" maxlength="10" data-testid="seal-lookup-id" on:input=move |ev| lookup_id.set(event_target_value(&ev))/>
                <button type="submit">{t(Msg::Search)}</button>
            </form>
            {move || versions.value().get().map(|r| match r {
                Err(e) => view! { <p class="error" role="alert" data-testid="seal-error">{e.text(locale)}</p> }.into_any(),
                Ok(p) => {
                    let n = p.versions.len();
                    view! {
                        <section class="card" data-testid="seal-versions">
                            <h2>{t(Msg::Versions)} " · " <span class="mono">{p.national_id_masked.clone()}</span> " " {p.name.clone()}</h2>
                            <div class="version-list">
                                {p.versions.into_iter().enumerate().map(|(i, v)| view! {
                                    <figure class="version" data-testid="seal-version">
                                        <img src=format!("data:{};base64,{}", v.media_type, v.image_b64) alt=format!("v{}", v.version)/>
                                        <figcaption>
                                            <strong>{format!("v{}", v.version)}</strong>
                                            {(i + 1 == n).then(|| view! { " (" {t(Msg::Current)} ")" })}
                                            " · " {locale.pick(v.reason.zh(), v.reason.en())}
                                            {v.unclear.then(|| view! { " · " <span class="warning-text">{t(Msg::Unclear)}</span> })}
                                            <br/>{t(Msg::RegisteredOn)} "：" {v.registered_on.as_ref().map(|d| d.long()).unwrap_or_else(|| t(Msg::DateMissing).to_string())}
                                            <br/>{v.office_name.clone()} " · " {roc_datetime(v.created_at)}
                                            {(!v.note.is_empty()).then(|| view! { <br/>{v.note.clone()} })}
                                        </figcaption>
                                    </figure>
                                }).collect_view()}
                            </div>
                        </section>
                    }.into_any()
                }
            })}
            <section class="card">
                <h2>{t(Msg::UploadImpression)}</h2>
                <p class="muted">{locale.pick("僅限本所轄區之當事人；上傳後新增一個版本，舊版本保留。", "Only for persons of your own district; an upload adds a version and the old ones stay.")}</p>
                <form class="grid-form" data-testid="seal-upload" on:submit=on_upload>
                    <div class="field">
                        <label for="s-id">{t(Msg::NationalIdLabel)} <span class="req">"*"</span></label>
                        <input id="s-id" class="mono" maxlength="10" required data-testid="upload-id" on:input=set(|f| &mut f.national_id)/>
                    </div>
                    <div class="field">
                        <label for="s-name">{t(Msg::Name)}</label>
                        <input id="s-name" maxlength="40" on:input=set(|f| &mut f.person_name)/>
                    </div>
                    <div class="field">
                        <label for="s-reason">{t(Msg::Reason2)} <span class="req">"*"</span></label>
                        <select id="s-reason" data-testid="upload-reason" on:change=set(|f| &mut f.reason)>
                            <option value="rebuild">{t(Msg::Rebuild)}</option>
                            <option value="new">{t(Msg::NewRegistration)}</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="s-date">{t(Msg::RegisteredOn)}</label>
                        <input id="s-date" placeholder="115/11/26" on:input=set(|f| &mut f.registered_on)/>
                    </div>
                    <div class="field">
                        <label for="s-file">{t(Msg::ImageFile)} <span class="req">"*"</span></label>
                        <input id="s-file" type="file" accept="image/png,image/jpeg" required data-testid="upload-file"/>
                    </div>
                    <div class="field">
                        <label for="s-note">{t(Msg::Note)}</label>
                        <input id="s-note" maxlength="500" on:input=set(|f| &mut f.note)/>
                    </div>
                    {move || local_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                    {move || upload.value().get().map(|r| match r {
                        Ok(v) => view! { <p class="notice" role="status" data-testid="upload-ok">{t(Msg::Uploaded)} {format!(" v{}", v.version)}</p> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert" data-testid="upload-error">{e.text(locale)}</p> }.into_any(),
                    })}
                    <div class="actions">
                        <button type="submit" data-testid="upload-submit" disabled=move || upload.pending().get() || reading.get()>{t(Msg::Upload)}</button>
                    </div>
                </form>
            </section>
        </main>
    }
}
