use leptos::prelude::*;

use crate::api::auth::Login;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<Login>::new();
    let value = action.value();
    // back to where the session ended (`?next=/audits/7`): one of this site's pages only
    let query = leptos_router::hooks::use_query_map();
    let next = move || {
        query
            .with_untracked(|q| q.get("next"))
            .and_then(|n| crate::domain::nav::safe_next(&n))
            .unwrap_or_else(|| "/".into())
    };
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = value.get() {
            // the forced password change first, then the notice (五(二)1、九), then onward
            let target = if outcome.must_change_password {
                crate::domain::nav::onward("/password", &next())
            } else if outcome.acknowledgement_due {
                crate::domain::nav::onward("/acknowledge", &next())
            } else {
                next()
            };
            let _ = window().location().set_href(&same_origin(&target));
        }
    });
    let error = move || value.get().and_then(|r| r.err()).map(|e| e.text(locale));
    view! {
        <main id="main" class="auth-page">
            <section class="card auth-card" aria-labelledby="login-title">
                <h1 id="login-title">{t(Msg::SignIn)}</h1>
                <p class="muted">{t(Msg::SignInHint)}</p>
                <ActionForm action=action>
                    <div class="field">
                        <label for="employee_no">{t(Msg::EmployeeNo)}</label>
                        <input
                            id="employee_no"
                            name="employee_no"
                            autocomplete="username"
                            autocapitalize="characters"
                            required
                            maxlength="12"
                        />
                    </div>
                    <div class="field">
                        <label for="password">{t(Msg::Password)}</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    </div>
                    {move || error().map(|e| view! { <p class="error" role="alert" data-testid="login-error">{e}</p> })}
                    <button type="submit" class="primary" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { t(Msg::SigningIn) } else { t(Msg::SignIn) }}
                    </button>
                </ActionForm>
                <crate::components::notice::NoticeText/>
            </section>
        </main>
    }
}

/// `target` resolved against this page's origin, if it stays on it; the home page otherwise.
pub(crate) fn same_origin(target: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let origin = window().location().origin().unwrap_or_default();
        match web_sys::Url::new_with_base(target, &origin) {
            Ok(u) if u.origin() == origin => return u.href(),
            _ => return "/".into(),
        }
    }
    #[allow(unreachable_code)]
    target.to_string()
}
