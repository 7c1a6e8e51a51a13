//! 使用者帳號清冊 (附件四, 八(三)): the register and its export. Each function is guard → parse →
//! one call into `server::register` → the failure mapped.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::register::{ExportFile, Register, RegisterRow, HEADERS};

/// The register; `unit` (0 = all) only for bureau-wide readers; `status` = all | active | cancelled.
#[server(prefix = "/api", endpoint = "accounts/register")]
pub async fn account_register(unit: i64, status: String) -> Result<Register, ApiError> {
    use crate::domain::register::StatusFilter;
    let ctx = super::guard(AccountRegister::PATH).await?;
    let (unit, status) = ((unit > 0).then_some(unit), StatusFilter::parse(&status));
    Ok(crate::server::register::view(&ctx.state, &ctx.caller()?, unit, status, AccountRegister::PATH).await?)
}

/// The register as a file: `format` = csv | xlsx.
#[server(prefix = "/api", endpoint = "accounts/register/export")]
pub async fn export_register(unit: i64, status: String, format: String) -> Result<ExportFile, ApiError> {
    use crate::domain::register::{ExportFormat, StatusFilter};
    let ctx = super::guard(ExportRegister::PATH).await?;
    let format = ExportFormat::parse(&format).map_err(crate::error::invalid)?;
    let (unit, status) = ((unit > 0).then_some(unit), StatusFilter::parse(&status));
    let caller = ctx.caller()?;
    Ok(crate::server::register::export(&ctx.state, &caller, unit, status, format, ExportRegister::PATH).await?)
}
