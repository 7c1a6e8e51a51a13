use leptos::prelude::*;

use crate::api::auth::{password_policy, ChangePassword};
use crate::components::RequireAuth;
use crate::domain::PasswordPolicy;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn PasswordPage() -> impl IntoView {
    view! {
        <RequireAuth allow_restricted=true>
            {|| view! { <PasswordForm/> }}
        </RequireAuth>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    let policy = Resource::new(|| (), |_| password_policy());
    let action = ServerAction::<ChangePassword>::new();
    let value = action.value();
    let new_pw = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    // back where sign-in was going (`?next=`), through the notice (五(二)1、九) when it is due
    let query = leptos_router::hooks::use_query_map();
    let acknowledgement_due = me.acknowledgement_due;
    Effect::new(move |_| {
        if let Some(Ok(())) = value.get() {
            let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
            let target = if acknowledgement_due {
                crate::domain::nav::onward("/acknowledge", &next)
            } else {
                crate::domain::nav::safe_next(&next).unwrap_or_else(|| "/".into())
            };
            let _ = window().location().set_href(&super::login::same_origin(&target));
        }
    });
    let (employee_no, name) = (me.employee_no.clone(), me.name.clone());
    // The same rules the server applies, shown as the password is typed.
    let problems = move || {
        let pw = new_pw.get();
        if pw.is_empty() {
            return Vec::new();
        }
        let p = policy.get().and_then(|r| r.ok()).unwrap_or_else(PasswordPolicy::default);
        let mut out: Vec<String> =
            p.check(&pw, &employee_no, &name).into_iter().map(|p| crate::i18n::problems::password(p, locale)).collect();
        let c = confirm.get();
        if !c.is_empty() && c != pw {
            out.push(Msg::PasswordsDiffer.text(locale).to_string());
        }
        out
    };
    view! {
        <main id="main" class="auth-page">
            <section class="card auth-card" aria-labelledby="pw-title">
                <h1 id="pw-title">{t(Msg::ChangePassword)}</h1>
                {me.restricted().then(|| view! { <p class="notice" role="status">{t(Msg::MustChangePassword)}</p> })}
                <p class="muted">{t(Msg::PasswordRules)}</p>
                <ActionForm action=action>
                    <div class="field">
                        <label for="current">{t(Msg::CurrentPassword)}</label>
                        <input id="current" name="current" type="password" autocomplete="current-password" required/>
                    </div>
                    <div class="field">
                        <label for="new">{t(Msg::NewPassword)}</label>
                        <input id="new" name="new" type="password" autocomplete="new-password" required
                            on:input=move |ev| new_pw.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for="confirm">{t(Msg::ConfirmPassword)}</label>
                        <input id="confirm" name="confirm" type="password" autocomplete="new-password" required
                            on:input=move |ev| confirm.set(event_target_value(&ev))/>
                    </div>
                    <ul class="problems" aria-live="polite" data-testid="password-problems">
                        {move || problems().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                    </ul>
                    {move || value.get().and_then(|r| r.err()).map(|e| view! { <p class="error" role="alert">{e.text(locale)}</p> })}
                    <button type="submit" class="primary" disabled=move || action.pending().get()>{t(Msg::Save)}</button>
                </ActionForm>
            </section>
        </main>
    }
}
