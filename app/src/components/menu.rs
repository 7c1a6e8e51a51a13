//! The menu: on a desktop a side bar beside every page, on a 10-inch tablet (a touch screen) a
//! drawer opened from the header. It lists only the pages this person may open, each with the
//! count of what waits there (`api::work::work_menu`, asked again every minute in the
//! background and after every page change; the background call does not move the session's
//! idle deadline).

use leptos::prelude::*;

use crate::api::work::{Menu, MenuCount};
use crate::domain::inbox::{MenuEntry, MenuGroup};
use crate::i18n::{use_locale, work};

/// Whether the drawer is open (tablet), shared by the header's button and the menu.
#[derive(Clone, Copy)]
pub struct DrawerOpen(pub RwSignal<bool>);

/// The menu's counts, shared so that a page that finished some work can ask for them again.
#[derive(Clone, Copy)]
pub struct MenuCounts(pub Resource<Option<Menu>>);

/// Ask the server for the counts again (after a page did some of the work).
pub fn refresh_menu() {
    if let Some(m) = use_context::<MenuCounts>() {
        m.0.refetch();
    }
}

/// The header's 選單 button (shown on touch screens and narrow windows only, by the style sheet).
#[component]
pub fn MenuButton() -> impl IntoView {
    let open = expect_context::<DrawerOpen>().0;
    let words = work::inbox_words(use_locale());
    view! {
        <button type="button" class="menu-button" data-testid="menu-button" aria-controls="site-menu"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)>
            <span aria-hidden="true">"☰ "</span>{words.menu}
        </button>
    }
}

#[component]
pub fn SideMenu() -> impl IntoView {
    let locale = use_locale();
    let me = super::use_me();
    let open = expect_context::<DrawerOpen>().0;
    let counts = expect_context::<MenuCounts>().0;
    let location = leptos_router::hooks::use_location();
    // a page change closes the drawer and asks for the counts again
    Effect::new(move |prev: Option<String>| {
        let path = location.pathname.get();
        if prev.is_some_and(|p| p != path) {
            open.set(false);
            counts.refetch();
        }
        path
    });
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(move || counts.refetch(), std::time::Duration::from_secs(60)).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    let words = work::inbox_words(locale);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let signed_in = me.get().and_then(|r| r.ok()).flatten().is_some_and(|m| !m.restricted());
                let menu = counts.get().flatten();
                (signed_in).then(|| {
                    let menu = menu.unwrap_or_default();
                    let here = MenuEntry::of_path(&location.pathname.get());
                    view! {
                        <div class="menu-scrim" class:open=move || open.get() on:click=move |_| open.set(false)></div>
                        <nav id="site-menu" class="side-menu" class:open=move || open.get()
                            aria-label=words.menu data-testid="menu">
                            <button type="button" class="menu-close" on:click=move |_| open.set(false)>{words.close_menu}</button>
                            {groups(&menu).into_iter().map(|(g, entries)| view! {
                                <div class="menu-group">
                                    <h2 class="menu-heading">{work::group(g, locale)}</h2>
                                    <ul>
                                        {entries.into_iter().map(|c| entry_link(c, here, locale, words.waiting)).collect_view()}
                                    </ul>
                                </div>
                            }).collect_view()}
                        </nav>
                    }
                })
            }}
        </Suspense>
    }
}

fn groups(menu: &Menu) -> Vec<(MenuGroup, Vec<MenuCount>)> {
    let mut out: Vec<(MenuGroup, Vec<MenuCount>)> = Vec::new();
    for c in &menu.entries {
        let g = c.entry.group();
        match out.iter_mut().find(|(x, _)| *x == g) {
            Some((_, v)) => v.push(*c),
            None => out.push((g, vec![*c])),
        }
    }
    out
}

fn entry_link(
    c: MenuCount,
    here: Option<MenuEntry>,
    locale: crate::i18n::Locale,
    waiting: &'static str,
) -> impl IntoView {
    let current = here == Some(c.entry);
    let label = work::entry(c.entry, locale);
    view! {
        <li>
            <a href=c.entry.href() class="menu-link" class:current=current
                aria-current=current.then_some("page") data-entry=c.entry.code()>
                <span>{label}</span>
                {(c.waiting > 0).then(|| view! {
                    <span class="count-badge" class:danger={c.overdue > 0} title=format!("{waiting} {}", c.waiting)
                        data-testid=format!("menu-count-{}", c.entry.code())>{c.waiting}</span>
                })}
            </a>
        </li>
    }
}
