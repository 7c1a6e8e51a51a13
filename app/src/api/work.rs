//! 待辦 and the menu: what waits for the caller, counted per page; a look-up left without a
//! comparison resumed the same working day or closed with a reason (`server::inbox`).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::inbox::{Inbox, Menu, MenuCount, MenuEntry, WorkItem, WorkKind};

/// The menu with what waits under each entry. A background call: it reads the session without
/// moving its idle deadline.
#[server(prefix = "/api", endpoint = "work/menu")]
pub async fn work_menu() -> Result<Menu, ApiError> {
    let ctx = crate::api::guard(WorkMenu::PATH).await?;
    Ok(crate::server::inbox::menu(&ctx.state, &ctx.caller()?).await?)
}

/// Everything waiting for the caller, oldest first.
#[server(prefix = "/api", endpoint = "work/inbox")]
pub async fn work_inbox() -> Result<Inbox, ApiError> {
    let ctx = crate::api::guard(WorkInbox::PATH).await?;
    Ok(crate::server::inbox::items(&ctx.state, &ctx.caller()?).await?)
}

/// Reopen a look-up left without a comparison on the workbench, the same working day (no second
/// row in the query log; the re-opening is in the trail).
#[server(prefix = "/api", endpoint = "work/resume")]
pub async fn resume_lookup(id: i64) -> Result<crate::domain::comparison_view::Started, ApiError> {
    let ctx = crate::api::guard(ResumeLookup::PATH).await?;
    Ok(crate::server::lookups::resume(&ctx.state, &ctx.caller()?, id, ResumeLookup::PATH).await?)
}

/// 不比對: close a look-up left without a comparison, with its reason.
#[server(prefix = "/api", endpoint = "work/close")]
pub async fn close_lookup(id: i64, reason: crate::domain::inbox::ClosingReason) -> Result<(), ApiError> {
    let ctx = crate::api::guard(CloseLookup::PATH).await?;
    Ok(crate::server::lookups::close(&ctx.state, &ctx.caller()?, id, reason, CloseLookup::PATH).await?)
}
