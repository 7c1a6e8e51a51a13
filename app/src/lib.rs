//! Yinjian (印鑑): the application, compiled twice — `hydrate` (browser WASM) and `ssr`
//! (server). Pages and server functions live here; server-only code is behind `ssr`.

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod i18n;
pub mod matcher;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "hydrate")]
pub mod wasm;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use i18n::{Locale, Msg};

/// Per-response CSP nonce, put in request extensions by the server's header middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The HTML document. The server renders it; the browser hydrates `<App/>` inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(n) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
        }
    }
    let locale = initial_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The locale: from the language cookie on the server, from `<html lang>` in the browser
/// (so hydration sees what the server rendered).
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers.get(http::header::COOKIE).and_then(|v| v.to_str().ok()).map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|t| Locale::from_tag(&t))
            .unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = initial_locale();
    provide_context(locale);
    let me = Resource::new(|| (), |_| api::auth::me());
    provide_context(components::MeResource(me));

    view! {
        <Stylesheet id="yinjian" href="/pkg/yinjian.css"/>
        <Title text=Msg::AppName.text(locale)/>
        <Router>
            <a class="skip-link" href="#main">{i18n::t(Msg::SkipToContent)}</a>
            <components::Header/>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view=pages::home::HomePage/>
                <Route path=path!("/login") view=pages::login::LoginPage/>
                <Route path=path!("/password") view=pages::password::PasswordPage/>
                <Route path=path!("/admin/accounts") view=pages::admin::AccountsPage/>
                <Route path=path!("/admin/units") view=pages::admin::UnitsPage/>
                <Route path=path!("/admin/retention") view=pages::admin::RetentionPage/>
                <Route path=path!("/admin/security") view=pages::security::SecurityPage/>
                <Route path=path!("/audit") view=pages::audit::AuditPage/>
                <Route path=path!("/audits") view=pages::audits::AuditsPage/>
                <Route path=path!("/audits/followups") view=pages::audits::FollowupsPage/>
                <Route path=path!("/audits/:id") view=pages::audits::AuditPage/>
                <Route path=path!("/compare") view=pages::compare::ComparePage/>
                <Route path=path!("/comparisons") view=pages::comparisons::HistoryPage/>
                <Route path=path!("/comparisons/:id") view=pages::comparisons::RecordPage/>
                <Route path=path!("/seals") view=pages::seals::SealsPage/>
                <Route path=path!("/reports") view=pages::reports::ReportsPage/>
                <Route path=path!("/liaison") view=pages::liaison::LiaisonListPage/>
                <Route path=path!("/liaison/new") view=pages::liaison::NewLiaisonPage/>
                <Route path=path!("/liaison/:id") view=pages::liaison::LiaisonPage/>
                <Route path=path!("/admin/calendar") view=pages::calendar::CalendarPage/>
                <Route path=path!("/accounts/requests") view=pages::requests::RequestsPage/>
                <Route path=path!("/accounts/requests/new") view=pages::requests::NewRequestPage/>
                <Route path=path!("/accounts/requests/:id") view=pages::requests::RequestPage/>
                <Route path=path!("/accounts/unit") view=pages::requests::UnitAccountsPage/>
                <Route path=path!("/accounts/review") view=pages::reviews::ReviewPage/>
                <Route path=path!("/accounts/handover") view=pages::reviews::HandoverPage/>
                <Route path=path!("/accounts/register") view=pages::register::RegisterPage/>
            </Routes>
        </Router>
    }
}
