use leptos::prelude::*;

use crate::api::auth::Me;
use crate::components::{role_label, RequireAuth};
use crate::domain::Role;
use crate::i18n::{t, use_locale, Locale, Msg};

/// What a role can do, as links to pages that exist.
pub fn tasks(me: &Me) -> Vec<(&'static str, Msg)> {
    let mut out = Vec::new();
    if me.has(Role::Clerk) {
        out.push(("/compare", Msg::Compare));
    }
    if me.has(Role::Clerk) || me.has(Role::Supervisor) {
        out.push(("/comparisons", Msg::History));
    }
    if me.has(Role::HouseholdOffice) {
        out.push(("/seals", Msg::SealRegistry));
    }
    if me.has(Role::AccountManager) {
        out.push(("/accounts/unit", Msg::UnitAccounts));
    }
    out.push(("/accounts/requests", Msg::AccountRequests));
    if [Role::AccountManager, Role::Supervisor, Role::InternalAuditor, Role::ExternalAuditor, Role::Admin]
        .iter()
        .any(|r| me.has(*r))
    {
        out.push(("/accounts/register", Msg::AccountRegister));
    }
    if me.has(Role::Admin) {
        out.push(("/admin/accounts", Msg::Accounts));
        out.push(("/admin/units", Msg::Units));
        out.push(("/admin/calendar", Msg::Calendar));
    }
    if [Role::Admin, Role::InternalAuditor, Role::ExternalAuditor, Role::Ethics].iter().any(|r| me.has(*r)) {
        out.push(("/audit", Msg::AuditTrail));
    }
    out.push(("/password", Msg::ChangePassword));
    out
}

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <RequireAuth>
            {|| view! { <Home/> }}
        </RequireAuth>
    }
}

#[component]
fn Home() -> impl IntoView {
    let locale = use_locale();
    let me = expect_context::<Me>();
    let roles = me.roles.iter().map(|r| role_label(*r, locale)).collect::<Vec<_>>().join("、");
    let unit = match locale {
        Locale::ZhTw => me.unit.name_zh.clone(),
        Locale::En => me.unit.name_en.clone(),
    };
    view! {
        <main id="main" class="page">
            <h1>{t(Msg::Welcome)} "，" {me.name.clone()}</h1>
            <p class="muted">{t(Msg::Unit)} "：" {unit} " · " {t(Msg::Roles)} "：" {roles}</p>
            <h2>{t(Msg::YourTasks)}</h2>
            <ul class="tiles" data-testid="tasks">
                {tasks(&me)
                    .into_iter()
                    .map(|(href, m)| view! { <li><a class="tile" href=href>{t(m)}</a></li> })
                    .collect_view()}
            </ul>
        </main>
    }
}
