//! The trail as auditors see it. Each function is guard → one call into `server::trail_read`.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::trail_view::{TrailEventView, VerifyReport};

#[server(prefix = "/api", endpoint = "trail/recent")]
pub async fn recent_events(limit: i64) -> Result<Vec<TrailEventView>, ApiError> {
    let ctx = super::guard(RecentEvents::PATH).await?;
    Ok(crate::server::trail_read::recent(&ctx.state, &ctx.caller()?, limit).await?)
}

#[server(prefix = "/api", endpoint = "trail/verify")]
pub async fn verify_chain() -> Result<VerifyReport, ApiError> {
    let ctx = super::guard(VerifyChain::PATH).await?;
    Ok(crate::server::trail_read::verify(&ctx.state, &ctx.caller()?).await?)
}
