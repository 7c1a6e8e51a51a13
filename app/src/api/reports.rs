//! The monthly query report (五(二)2): read, generated, signed off and exported. Each function is
//! guard → parse → one call into `server::reports` → the failure mapped.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::register::ExportFile;
use super::ApiError;
pub use crate::domain::report_view::{ReportError, ReportStamp, ReportView};

#[cfg(feature = "ssr")]
fn month(s: &str) -> Result<crate::domain::report::Month, ApiError> {
    crate::domain::report::Month::parse(s).map_err(|e| ApiError::Invalid(ReportError::Month(e).into()))
}

/// The unit's report of the month (`unit` 0: the caller's own unit; `month` `2026-11` or ROC,
/// blank: last month).
#[server(prefix = "/api", endpoint = "reports/get")]
pub async fn report_page(unit: i64, month: String) -> Result<ReportView, ApiError> {
    let ctx = super::guard(ReportPage::PATH).await?;
    let month = if month.trim().is_empty() { None } else { Some(self::month(&month)?) };
    let unit = (unit > 0).then_some(unit);
    Ok(crate::server::reports::view(&ctx.state, &ctx.caller()?, unit, month, ReportPage::PATH).await?)
}

/// Generate (or, while unsigned, regenerate) the unit's report of the month.
#[server(prefix = "/api", endpoint = "reports/generate")]
pub async fn generate_report(unit: i64, month: String) -> Result<i64, ApiError> {
    let ctx = super::guard(GenerateReport::PATH).await?;
    let (unit, month) = ((unit > 0).then_some(unit), self::month(&month)?);
    Ok(crate::server::reports::generate_now(&ctx.state, &ctx.caller()?, unit, month, GenerateReport::PATH).await?)
}

/// 核閱: sign off the report as shown (its SHA-256), with a comment.
#[server(prefix = "/api", endpoint = "reports/sign")]
pub async fn sign_report(id: i64, sha256: String, comment: String) -> Result<(), ApiError> {
    let ctx = super::guard(SignReport::PATH).await?;
    let caller = ctx.caller()?;
    Ok(crate::server::reports::sign(&ctx.state, &caller, id, &sha256, &comment, SignReport::PATH).await?)
}

/// The report as a file: `format` = csv | xlsx (IDs masked).
#[server(prefix = "/api", endpoint = "reports/export")]
pub async fn export_report(id: i64, format: String) -> Result<ExportFile, ApiError> {
    use crate::domain::register::ExportFormat;
    let ctx = super::guard(ExportReport::PATH).await?;
    let format = ExportFormat::parse(&format).map_err(|_| ApiError::Invalid(ReportError::ExportFormat.into()))?;
    Ok(crate::server::reports::export(&ctx.state, &ctx.caller()?, id, format, ExportReport::PATH).await?)
}
