//! The lists: slips by filter and their export, what waits for the caller, and a replied
//! slip's data for a new comparison.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The slips the caller may see: the office's inbox, or the sending unit's slips.
#[server(prefix = "/api", endpoint = "liaison/list", input = Json)]
pub async fn list_slips(filter: ListFilter) -> Result<Vec<SlipRow>, ApiError> {
    let ctx = crate::api::guard(ListSlips::PATH).await?;
    Ok(crate::server::liaison::list(&ctx.state, &ctx.caller()?, &filter, ListSlips::PATH).await?)
}

/// The same list as a CSV file (UTF-8 with BOM; IDs masked).
#[server(prefix = "/api", endpoint = "liaison/export", input = Json)]
pub async fn export_slips(filter: ListFilter) -> Result<ExportFile, ApiError> {
    let ctx = crate::api::guard(ExportSlips::PATH).await?;
    Ok(crate::server::liaison::export(&ctx.state, &ctx.caller()?, &filter, ExportSlips::PATH).await?)
}

/// Counts for the badges (no personal data: not recorded).
#[server(prefix = "/api", endpoint = "liaison/waiting")]
pub async fn liaison_counts() -> Result<SlipCounts, ApiError> {
    let ctx = crate::api::guard(LiaisonCounts::PATH).await?;
    Ok(crate::server::liaison::counts(&ctx.state, &ctx.caller()?).await?)
}

/// The query form for comparing again against the version a reply created: case, ID and name
/// as on the slip. The clerk then files the query as usual (it is recorded like any other).
#[server(prefix = "/api", endpoint = "liaison/compare-input")]
pub async fn slip_compare_input(id: i64) -> Result<QueryInput, ApiError> {
    let ctx = crate::api::guard(SlipCompareInput::PATH).await?;
    Ok(crate::server::liaison::compare_input(&ctx.state, &ctx.caller()?, id, SlipCompareInput::PATH).await?)
}
