//! The record as an XLSX workbook for inspection by 民政局.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The record as an XLSX workbook for inspection by 民政局: the form and the sampled items.
#[server(prefix = "/api", endpoint = "audits/export")]
pub async fn export_audit(id: i64) -> Result<ExportFile, ApiError> {
    let ctx = crate::api::guard(ExportAudit::PATH).await?;
    Ok(crate::server::audits::export(&ctx.state, &ctx.caller()?, id, ExportAudit::PATH).await?)
}
