//! The audits list (with the external schedule), opening an audit with its drawn sample, and
//! the record as the form shows it.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The audits the caller may see, with what they may open and (external team) the schedule.
#[server(prefix = "/api", endpoint = "audits/list")]
pub async fn audits_page() -> Result<AuditsOverview, ApiError> {
    let ctx = crate::api::guard(AuditsPage::PATH).await?;
    Ok(crate::server::audits::overview(&ctx.state, &ctx.caller()?).await?)
}

/// Open an audit: `kind` internal (own unit, `period` a month) | office (`unit`, a quarter) |
/// vendor (`vendor`, a half-year). The sample is drawn now with the recorded seed.
#[server(prefix = "/api", endpoint = "audits/create")]
pub async fn create_audit(
    kind: String,
    period: String,
    unit: i64,
    audited: i64,
    vendor: String,
) -> Result<i64, ApiError> {
    use crate::domain::audit::Period;
    use crate::domain::audit_view::AuditError;
    use crate::error::invalid;
    let ctx = crate::api::guard(CreateAudit::PATH).await?;
    let kind = AuditKind::parse(kind.trim()).ok_or_else(|| invalid(AuditError::KindRequired))?;
    let period = Period::parse(&period).map_err(|_| invalid(AuditError::PeriodFormat))?;
    let req = crate::server::audits::OpenRequest { kind, period, unit, audited, vendor };
    Ok(crate::server::audits::create(&ctx.state, &ctx.caller()?, req, CreateAudit::PATH).await?)
}

/// The audit as the form shows it (sampled look-ups with the national ID masked).
#[server(prefix = "/api", endpoint = "audits/get")]
pub async fn get_audit(id: i64) -> Result<AuditView, ApiError> {
    let ctx = crate::api::guard(GetAudit::PATH).await?;
    Ok(crate::server::audits::view(&ctx.state, &ctx.caller()?, id, GetAudit::PATH).await?)
}
