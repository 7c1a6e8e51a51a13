//! 公務使用及個人資料保護聲明 (作業規定五(二)1、九): the notice as the sign-in page and
//! `/acknowledge` show it. Its words are `i18n::NOTICE` (the server hashes the same ones).

use leptos::prelude::*;

use crate::i18n::{t, Msg, NOTICE_POINTS};

/// The notice: its title (an `h2`, left out where the page's own heading is the title), its
/// three points and the rules they come from.
#[component]
pub fn NoticeText(
    /// Leave the title out (the page's heading is the title).
    #[prop(optional)]
    untitled: bool,
) -> impl IntoView {
    view! {
        <section class="notice-box" aria-labelledby=(!untitled).then_some("notice-title") data-testid="notice">
            {(!untitled).then(|| view! { <h2 id="notice-title">{t(Msg::NoticeTitle)}</h2> })}
            <ul>{NOTICE_POINTS.iter().map(|m| view! { <li>{t(*m)}</li> }).collect_view()}</ul>
            <p class="notice-basis">{t(Msg::NoticeBasis)}</p>
        </section>
    }
}
