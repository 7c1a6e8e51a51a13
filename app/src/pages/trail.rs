//! The tamper-evident trail (稽核軌跡) for its readers: recent events, and the chain check.

use leptos::prelude::*;

use crate::api::trail::{recent_events, VerifyChain};
use crate::components::RequireAuth;
use crate::domain::roc_datetime;
use crate::i18n::{t, use_locale, Msg};

#[component]
pub fn TrailPage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Trail/> }}
        </RequireAuth>
    }
}

#[component]
fn Trail() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<crate::api::auth::Me>();
    // The trail grows with every request (reading it is itself recorded): load it once the page
    // is live in the browser, so the server's HTML and the hydrated page never disagree.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));

    let verify = ServerAction::<VerifyChain>::new();
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::AuditTrail)}</h1>
            {me.has(crate::domain::Role::Admin).then(|| view! {
                <p>
                    <button type="button" on:click=move |_| { verify.dispatch(VerifyChain {}); }>{t(Msg::VerifyChain)}</button>
                    {move || verify.value().get().map(|r| match r {
                        Ok(rep) if rep.broken.is_none() => view! { <span class="ok" role="status">{t(Msg::ChainIntact)} " (" {rep.rows} " " {t(Msg::Rows)} ")"</span> }.into_any(),
                        Ok(rep) => view! { <span class="error" role="alert">{t(Msg::ChainBroken)} "：" {rep.broken.unwrap_or_default()}</span> }.into_any(),
                        Err(e) => view! { <span class="error" role="alert">{e.text(locale)}</span> }.into_any(),
                    })}
                </p>
            })}
            {move || live.get().then(|| view! { <TrailTable/> })}
        </main>
    }
}

#[component]
fn TrailTable() -> impl IntoView {
    let locale = use_locale();
    let events = Resource::new(|| (), |_| recent_events(200));
    view! {
            <Suspense fallback=move || view! { <p>{t(Msg::Loading)}</p> }>
                {move || events.get().map(|r| match r {
                    Err(e) => view! { <p class="error">{e.text(locale)}</p> }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap">
                        <table class="data">
                            <thead><tr><th>"#"</th><th>{t(Msg::Time)}</th><th>{t(Msg::Actor)}</th><th>{t(Msg::Action)}</th><th>{t(Msg::Outcome)}</th><th>"IP"</th><th>{t(Msg::Details)}</th></tr></thead>
                            <tbody>
                            {rows.into_iter().map(|e| view! {
                                <tr>
                                    <td>{e.seq}</td>
                                    <td>{roc_datetime(e.occurred_at)}</td>
                                    // one non-empty text node per cell: an empty string leaves no node in the
                                    // server's HTML, and hydration would stumble on the next one
                                    <td>{e.actor_employee_no.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())}</td>
                                    <td>{format!("{}{}", e.action, e.object.map(|o| format!(" ({o})")).unwrap_or_default())}</td>
                                    <td>{e.outcome}</td>
                                    <td>{e.client_ip.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())}</td>
                                    <td class="mono">{format!("{}{}", e.subject.map(|s| format!("{s} ")).unwrap_or_default(), e.details)}</td>
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                })}
            </Suspense>
    }
}
