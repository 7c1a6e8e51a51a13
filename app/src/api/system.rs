//! The running instance's health in detail (version, commit, the database, the clock offset):
//! administrators only; the public `/healthz` says `ok` or `degraded` and nothing else.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
use crate::domain::health::HealthDetails;

#[server(prefix = "/api", endpoint = "system/health")]
pub async fn system_health() -> Result<HealthDetails, ApiError> {
    let ctx = super::guard(SystemHealth::PATH).await?;
    Ok(crate::server::system::health_details(&ctx.state.health, &ctx.state.build).await)
}
