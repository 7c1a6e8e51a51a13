//! `/acknowledge`: the notice on official use and personal data (作業規定五(二)1、九), read and
//! acknowledged at the first sign-in and once a year; until then the server refuses everything
//! else (`server::acknowledgement`). Afterwards on to where sign-in was going (`?next=`).

use leptos::prelude::*;

use crate::api::auth::Acknowledge;
use crate::components::{notice::NoticeText, RequireAuth};
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn AcknowledgePage() -> impl IntoView {
    view! {
        <RequireAuth allow_unacknowledged=true>
            {|| view! { <AcknowledgeForm/> }}
        </RequireAuth>
    }
}

#[component]
fn AcknowledgeForm() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<Acknowledge>::new();
    let value = action.value();
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            let next = query
                .with_untracked(|q| q.get("next"))
                .and_then(|n| crate::domain::nav::safe_next(&n))
                .unwrap_or_else(|| "/".into());
            let _ = window().location().set_href(&super::login::same_origin(&next));
        }
    });
    view! {
        <main id="main" class="auth-page">
            <section class="card auth-card notice-card" aria-labelledby="ack-title">
                <h1 id="ack-title">{t(Msg::NoticeTitle)}</h1>
                <p class="muted">{t(Msg::AcknowledgeIntro)}</p>
                <NoticeText untitled=true/>
                <ActionForm action=action>
                    {move || value.get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.text(locale)}</p> })}
                    <button type="submit" class="primary" data-testid="acknowledge" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { t(Msg::Acknowledging) } else { t(Msg::AcknowledgeButton) }}
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
