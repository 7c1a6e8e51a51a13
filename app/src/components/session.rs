//! The idle timeout's warning (#39 item 3): two minutes before the session would end for lack
//! of activity, a dialog says so and offers 繼續使用 (which is activity: it extends the
//! session). Time left comes from the server's stored deadline (`api::auth::session_time`, a
//! background call that does not itself extend it), asked every minute and again before
//! acting, so that work in another tab counts. When it has ended, the page goes to the sign-in
//! page, which brings the person back here afterwards.

use leptos::prelude::*;

use crate::domain::auth::WARN_BEFORE_SECS;
use crate::i18n::{use_locale, work};

#[component]
pub fn SessionWatch() -> impl IntoView {
    let me = super::use_me();
    let signed_in = move || me.get().and_then(|r| r.ok()).flatten().is_some();
    view! {
        <Suspense fallback=|| ()>
            {move || signed_in().then(|| view! { <Watch/> })}
        </Suspense>
    }
}

#[component]
fn Watch() -> impl IntoView {
    let locale = use_locale();
    let words = work::session_words(locale);
    // seconds left, as of the last tick; the deadline in the browser's clock (ms)
    let left = RwSignal::new(i64::MAX);
    let deadline = RwSignal::new(f64::INFINITY);
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        let asking = Rc::new(Cell::new(false));
        let ask = {
            let asking = asking.clone();
            move || {
                if asking.replace(true) {
                    return;
                }
                let asking = asking.clone();
                leptos::task::spawn_local(async move {
                    match crate::api::auth::session_time().await {
                        Ok(t) => deadline.set(js_sys::Date::now() + t.remaining_secs as f64 * 1000.0),
                        Err(crate::error::ApiError::NotSignedIn) => deadline.set(0.0),
                        Err(_) => {}
                    }
                    asking.set(false);
                });
            }
        };
        ask();
        let since_ask = Cell::new(0u32);
        let asked_near_end = Cell::new(false);
        let tick = move || {
            since_ask.set(since_ask.get() + 1);
            let secs = ((deadline.get_untracked() - js_sys::Date::now()) / 1000.0).floor();
            let secs = if secs.is_finite() { secs as i64 } else { i64::MAX };
            // every minute, and once more as the warning comes up (another tab may have worked)
            let near = secs <= WARN_BEFORE_SECS;
            if since_ask.get() >= 60 || (near && !asked_near_end.get()) {
                since_ask.set(0);
                ask();
            }
            asked_near_end.set(near);
            left.set(secs);
            if secs <= 0 {
                let here = window().location().pathname().unwrap_or_default();
                let next = crate::domain::nav::safe_next(&here).unwrap_or_else(|| "/".into());
                let _ = window().location().set_href(&format!("/login?next={next}"));
            }
        };
        if let Ok(h) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || h.clear());
        }
    }
    let extend = Action::new(|_: &()| async move { crate::api::auth::session_continue().await });
    Effect::new(move |_| {
        if let Some(Ok(t)) = extend.value().get() {
            left.set(t.remaining_secs);
            #[cfg(feature = "hydrate")]
            deadline.set(js_sys::Date::now() + t.remaining_secs as f64 * 1000.0);
            #[cfg(not(feature = "hydrate"))]
            let _ = deadline;
        }
    });
    view! {
        <Show when=move || { let l = left.get(); (1..=WARN_BEFORE_SECS).contains(&l) }>
            <div class="session-warning" role="alertdialog" aria-modal="false" aria-labelledby="session-warning-text"
                data-testid="session-warning">
                <p id="session-warning-text">{words.ending_before} <strong>{move || left.get()}</strong> {words.ending_after}</p>
                <button type="button" class="primary" data-testid="session-continue"
                    on:click=move |_| { extend.dispatch(()); }>{words.continue_}</button>
            </div>
        </Show>
    }
}
