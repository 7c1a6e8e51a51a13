//! Widgets shared by pages: the header, the sign-in gate, the comparison workbench.

pub mod menu;
pub mod notice;
pub mod session;
pub mod workbench;

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::{auth::Me, ApiError};
use crate::domain::Role;
use crate::i18n::{t, use_locale, Locale, Msg};

/// The signed-in account, loaded once per page at the root.
#[derive(Clone, Copy)]
pub struct MeResource(pub Resource<Result<Option<Me>, ApiError>>);

pub fn use_me() -> Resource<Result<Option<Me>, ApiError>> {
    expect_context::<MeResource>().0
}

pub fn role_label(r: Role, l: Locale) -> &'static str {
    l.pick(r.zh(), r.en())
}

#[component]
pub fn Header() -> impl IntoView {
    let me = use_me();
    let locale = use_locale();
    let logout = ServerAction::<crate::api::auth::Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    let other = match locale {
        Locale::ZhTw => Locale::En,
        Locale::En => Locale::ZhTw,
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"印"</span>
                <span>
                    <strong>{t(Msg::AppName)}</strong>
                    <small>{t(Msg::AppSubtitle)}</small>
                </span>
            </a>
            <div class="header-actions">
                <form method="post" action="/lang" class="inline">
                    <input type="hidden" name="lang" value=other.tag()/>
                    <button type="submit" class="link-button" lang=other.tag()>{t(Msg::Language)}</button>
                </form>
                <Suspense fallback=|| ()>
                    {move || {
                        me.get()
                            .and_then(|r| r.ok())
                            .flatten()
                            .map(|m| {
                                let roles = m.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、");
                                let unit = locale.pick(&m.unit.name_zh, &m.unit.name_en).to_string();
                                let full = !m.restricted();
                                view! {
                                    {full.then(|| view! { <menu::MenuButton/> })}
                                    <div class="who" data-testid="who">
                                        <span class="who-name">{m.name.clone()} " (" {m.employee_no.clone()} ")"</span>
                                        <span class="who-unit">{unit} " · " {roles}</span>
                                    </div>
                                    <ActionForm action=logout>
                                        <button type="submit" class="secondary" data-testid="sign-out">{t(Msg::SignOut)}</button>
                                    </ActionForm>
                                }
                            })
                    }}
                </Suspense>
            </div>
        </header>
    }
}

/// Renders `children` with the signed-in account, or redirects: to `/login` when nobody is
/// signed in, to `/password` when the password must be changed first, then to `/acknowledge`
/// when the notice on official use (五(二)1、九) is to be acknowledged. Only a convenience:
/// every server function checks on its own.
#[component]
pub fn RequireAuth(
    /// Allow an account that must change its password (the password page itself).
    #[prop(optional)]
    allow_restricted: bool,
    /// Allow an account that must acknowledge the notice (the `/acknowledge` page itself).
    #[prop(optional)]
    allow_unacknowledged: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let me = use_me();
    let children = StoredValue::new(children);
    // after signing in, back here
    let here = leptos_router::hooks::use_location().pathname.get_untracked();
    let login = if here.is_empty() || here == "/" { "/login".to_string() } else { format!("/login?next={here}") };
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || {
                me.get()
                    .map(|r| match r {
                        Ok(Some(m)) if m.restricted() && !allow_restricted => {
                            view! { <Redirect path="/password"/> }.into_any()
                        }
                        Ok(Some(m)) if m.acknowledgement_due && !allow_unacknowledged && !allow_restricted => {
                            let to = crate::domain::nav::onward("/acknowledge", &here);
                            view! { <Redirect path=to/> }.into_any()
                        }
                        Ok(Some(m)) => {
                            provide_context(m);
                            children.with_value(|c| c()).into_any()
                        }
                        _ => view! { <Redirect path=login.clone()/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

/// An error message for a failed action, in the page's language.
#[component]
pub fn ErrorText(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let locale = use_locale();
    move || {
        error.get().map(|e| {
            view! { <p class="error" role="alert">{e.text(locale)}</p> }
        })
    }
}

/// Read a chosen file's bytes (browser only).
#[cfg(feature = "hydrate")]
pub async fn read_input_file(input_id: &str) -> Option<Vec<u8>> {
    use wasm_bindgen::JsCast;
    let input = document().get_element_by_id(input_id)?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let buf = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// A form field's first error (`err-<field>`), shown once the form was submitted.
pub fn field_error(
    touched: RwSignal<bool>,
    errors: Memo<Vec<crate::domain::forms::FieldError>>,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + Copy + 'static {
    move || {
        touched
            .get()
            .then(|| {
                errors.with(|es| {
                    es.iter().find(|e| e.field == field).map(|e| crate::i18n::problems::field(&e.problem, use_locale()))
                })
            })
            .flatten()
            .map(|m| {
                view! { <p class="field-error" role="alert" data-testid=format!("err-{field}")>{m}</p> }.into_any()
            })
    }
}

/// 列印: the browser's print dialog (the print style sheet lays the page out on A4).
#[component]
pub fn PrintButton() -> impl IntoView {
    view! {
        <button type="button" class="secondary" on:click=|_| {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().print();
            }
        }>{t(Msg::Print)}</button>
    }
}

/// One step of a record's 處理歷程.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub label: &'static str,
    pub actor: String,
    pub note: String,
}

/// 處理歷程: who did what when, oldest first (`data-action` per step).
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="timeline">
            <h2>{locale.pick("處理歷程", "Timeline")}</h2>
            <ol data-testid="timeline">
                {entries.into_iter().map(|e| view! {
                    <li data-action=e.action>{crate::domain::roc_datetime(e.at)} " · " {e.label} " · " {e.actor}
                        {(!e.note.is_empty()).then(|| format!(" · {}", e.note))}</li>
                }).collect_view()}
            </ol>
        </section>
    }
}
