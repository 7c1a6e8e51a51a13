//! Yinjian (印鑑): the application, compiled twice — `hydrate` (browser WASM) and `ssr`
//! (server). Pages and server functions live here; server-only code is behind `ssr`.

#![recursion_limit = "256"]

// first, so that its `coded!` macro is in scope everywhere after it
#[macro_use]
pub mod domain;
pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy,
};

use i18n::{Locale, Msg};

/// Per-response CSP nonce, put in request extensions by the server's header middleware.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// The names of the fingerprinted browser files (`pkg/assets.json`, written at bundle time by
/// `frontend/fingerprint.mjs`), which the server provides to [`shell`]. The defaults are the
/// plain names, for a site built without fingerprints.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct AssetNames {
    /// The application bundle's stem: `<app>.js` and `<app>.wasm` (Leptos's output name).
    pub app: String,
    pub css: String,
    /// The matcher's Web Worker script (which imports the matcher bundle).
    pub worker: String,
}

impl Default for AssetNames {
    fn default() -> Self {
        Self { app: "yinjian".into(), css: "yinjian.css".into(), worker: "matcher-worker.js".into() }
    }
}

/// Where the comparison workbench finds its worker: the shell names it in
/// `<meta name="yinjian-worker">`.
pub const WORKER_META: &str = "yinjian-worker";

/// The HTML document. The server renders it; the browser hydrates `<App/>` inside it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(n) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(n.0.clone()));
        }
    }
    let locale = initial_locale();
    let assets = use_context::<AssetNames>().unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="yinjian" href=format!("/pkg/{}", assets.css)/>
                <meta name=WORKER_META content=format!("/pkg/{}", assets.worker)/>
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
    provide_context(components::menu::DrawerOpen(RwSignal::new(false)));
    // the menu's counts, once the person is signed in with the password in order (the account
    // is awaited inside, not read as the source: on the server a source read before the account
    // has loaded would settle the menu as empty)
    let menu = Resource::new(
        || (),
        move |_| async move {
            let full = me.await.ok().flatten().is_some_and(|m| !m.restricted());
            if full {
                api::work::work_menu().await.ok()
            } else {
                None
            }
        },
    );
    provide_context(components::menu::MenuCounts(menu));
    // Effects run only in the browser, once hydrated: `<html data-hydrated>` tells the browser
    // tests and the page-load benchmark that clicks are handled from now on.
    Effect::new(move |_| {
        #[cfg(not(feature = "ssr"))]
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "1");
        }
    });

    view! {
        <Title text=Msg::AppName.text(locale)/>
        <Router>
            <a class="skip-link" href="#main">{i18n::t(Msg::SkipToContent)}</a>
            <components::Header/>
            <components::session::SessionWatch/>
            <div class="layout">
            <components::menu::SideMenu/>
            <div class="layout-main">
            <Routes fallback=pages::NotFound>
                <Route path=path!("/") view={Lazy::<routes::Home>::new()}/>
                <Route path=path!("/login") view={Lazy::<routes::Login>::new()}/>
                <Route path=path!("/password") view={Lazy::<routes::Password>::new()}/>
                <Route path=path!("/acknowledge") view={Lazy::<routes::Acknowledge>::new()}/>
                <Route path=path!("/admin/accounts") view={Lazy::<routes::AdminAccounts>::new()}/>
                <Route path=path!("/admin/units") view={Lazy::<routes::AdminUnits>::new()}/>
                <Route path=path!("/admin/retention") view={Lazy::<routes::AdminRetention>::new()}/>
                <Route path=path!("/admin/security") view={Lazy::<routes::Security>::new()}/>
                <Route path=path!("/audit") view={Lazy::<routes::Trail>::new()}/>
                <Route path=path!("/audits") view={Lazy::<routes::Audits>::new()}/>
                <Route path=path!("/audits/followups") view={Lazy::<routes::AuditFollowups>::new()}/>
                <Route path=path!("/audits/:id") view={Lazy::<routes::AuditRecord>::new()}/>
                <Route path=path!("/compare") view={Lazy::<routes::Compare>::new()}/>
                <Route path=path!("/comparisons") view={Lazy::<routes::ComparisonHistory>::new()}/>
                <Route path=path!("/comparisons/:id") view={Lazy::<routes::ComparisonRecord>::new()}/>
                <Route path=path!("/seals") view={Lazy::<routes::Seals>::new()}/>
                <Route path=path!("/reports") view={Lazy::<routes::Reports>::new()}/>
                <Route path=path!("/liaison") view={Lazy::<routes::LiaisonList>::new()}/>
                <Route path=path!("/liaison/new") view={Lazy::<routes::LiaisonNew>::new()}/>
                <Route path=path!("/liaison/:id") view={Lazy::<routes::Liaison>::new()}/>
                <Route path=path!("/admin/calendar") view={Lazy::<routes::Calendar>::new()}/>
                <Route path=path!("/accounts/requests") view={Lazy::<routes::Requests>::new()}/>
                <Route path=path!("/accounts/requests/new") view={Lazy::<routes::RequestNew>::new()}/>
                <Route path=path!("/accounts/requests/:id") view={Lazy::<routes::Request>::new()}/>
                <Route path=path!("/accounts/unit") view={Lazy::<routes::UnitAccounts>::new()}/>
                <Route path=path!("/accounts/review") view={Lazy::<routes::Review>::new()}/>
                <Route path=path!("/accounts/handover") view={Lazy::<routes::Handover>::new()}/>
                <Route path=path!("/accounts/register") view={Lazy::<routes::Register>::new()}/>
            </Routes>
            </div>
            </div>
        </Router>
    }
}

/// Every page is a lazy route: the browser fetches a page's code when the page is first shown —
/// the first page before it hydrates, with the server naming its files in `<link rel=preload>` —
/// so a clerk's first load carries the shell and the comparison page, not the audit forms or the
/// administrator's pages. On the server a lazy route renders like any other.
///
/// Pages are split in groups, one lazy function per group (`crates/wasm-split` cuts the WASM at
/// each): the pages one person works through together load together, and the splitter makes
/// one shared chunk per set of *groups* that share code instead of one per set of 27 pages
/// (754 chunks, 275 files for 印鑑比對 alone, each compressed on its own). Sign-in and the
/// comparison page are groups of their own, so their first load carries no other page.
mod routes {
    macro_rules! lazy_group {
        ($group:ident { $($route:ident => $page:path),+ $(,)? }) => {
            pub mod $group {
                use leptos::prelude::*;
                use leptos_router::LazyRoute;

                /// The group's pages.
                #[derive(Clone, Copy)]
                #[repr(u8)]
                pub enum Page {
                    $($route),+
                }

                /// The group's code: one split module, loaded when the first of its pages is shown.
                /// (Named after the group: the split's name must be unique, and a hash of the
                /// call site alone is the same for every expansion of this macro.)
                #[leptos::lazy($group)]
                fn group_view(page: Page) -> AnyView {
                    match page {
                        $(Page::$route => {
                            use $page as P;
                            view! { <P/> }.into_any()
                        })+
                    }
                }

                $(
                    pub struct $route;
                    impl LazyRoute for $route {
                        fn data() -> Self {
                            $route
                        }
                        async fn view(this: Self) -> AnyView {
                            let _ = this;
                            group_view(Page::$route).await
                        }
                        async fn preload() {
                            // the split exists in the browser's build only
                            #[cfg(target_arch = "wasm32")]
                            __preload_group_view().await;
                        }
                    }
                )+
            }
            pub use $group::{$($route),+};
        };
    }

    lazy_group!(sign_in {
        Login => crate::pages::login::LoginPage,
        Acknowledge => crate::pages::acknowledge::AcknowledgePage,
    });
    lazy_group!(start {
        Home => crate::pages::home::HomePage,
        Password => crate::pages::password::PasswordPage,
    });
    lazy_group!(compare { Compare => crate::pages::compare::ComparePage });
    lazy_group!(records {
        ComparisonHistory => crate::pages::comparisons::HistoryPage,
        ComparisonRecord => crate::pages::comparisons::RecordPage,
        Seals => crate::pages::seals::SealsPage,
    });
    lazy_group!(liaison {
        LiaisonList => crate::pages::liaison::LiaisonListPage,
        LiaisonNew => crate::pages::liaison::NewLiaisonPage,
        Liaison => crate::pages::liaison::LiaisonPage,
    });
    lazy_group!(accounts {
        Requests => crate::pages::requests::RequestsPage,
        RequestNew => crate::pages::requests::NewRequestPage,
        Request => crate::pages::requests::RequestPage,
        UnitAccounts => crate::pages::requests::UnitAccountsPage,
        Review => crate::pages::reviews::ReviewPage,
        Handover => crate::pages::reviews::HandoverPage,
        Register => crate::pages::register::RegisterPage,
    });
    lazy_group!(audits {
        Audits => crate::pages::audits::AuditsPage,
        AuditFollowups => crate::pages::audits::FollowupsPage,
        AuditRecord => crate::pages::audits::AuditPage,
        Reports => crate::pages::reports::ReportsPage,
    });
    lazy_group!(admin {
        AdminAccounts => crate::pages::admin::AccountsPage,
        AdminUnits => crate::pages::admin::UnitsPage,
        AdminRetention => crate::pages::admin::RetentionPage,
        Security => crate::pages::security::SecurityPage,
        Trail => crate::pages::trail::TrailPage,
        Calendar => crate::pages::calendar::CalendarPage,
    });
}
