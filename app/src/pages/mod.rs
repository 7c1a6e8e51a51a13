//! One file per route.

pub mod acknowledge;
pub mod admin;
pub mod audits;
pub mod calendar;
pub mod compare;
pub mod comparisons;
pub mod home;
pub mod liaison;
pub mod login;
pub mod password;
pub mod register;
pub mod reports;
pub mod requests;
pub mod reviews;
pub mod seals;
pub mod security;
pub mod trail;

use leptos::prelude::*;

use crate::i18n::{t, Msg};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::NotFound)}</h1>
            <p><a href="/">{t(Msg::BackHome)}</a></p>
        </main>
    }
}
