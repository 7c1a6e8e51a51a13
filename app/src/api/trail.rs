//! The trail as auditors see it.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEventView {
    pub seq: i64,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor_employee_no: Option<String>,
    pub action: String,
    pub object: Option<String>,
    /// Masked: the full number is not needed to read the trail.
    pub subject: Option<String>,
    pub client_ip: Option<String>,
    pub outcome: String,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub rows: i64,
    /// The first broken link, when there is one.
    pub broken: Option<String>,
}

#[server(prefix = "/api", endpoint = "trail/recent")]
pub async fn recent_events(limit: i64) -> Result<Vec<TrailEventView>, ApiError> {
    use crate::server::trail::{Outcome, TrailAction, TrailDraft};
    let ctx = super::guard(RecentEvents::PATH).await?;
    let actor = ctx.actor()?;
    let rows = ctx.state.store.recent_trail(limit.clamp(1, 500)).await.map_err(super::internal)?;
    ctx.state
        .store
        .append_trail(
            TrailDraft::new(TrailAction::TrailRead, Outcome::Success)
                .actor(Some(actor.trail_ref()))
                .ip(ctx.ip_string())
                .details(serde_json::json!({ "rows": rows.len() })),
        )
        .await
        .map_err(super::internal)?;
    Ok(rows
        .into_iter()
        .map(|r| TrailEventView {
            seq: r.seq,
            occurred_at: r.occurred_at,
            actor_employee_no: r.actor_employee_no,
            action: r.action,
            object: r.object_type.map(|t| format!("{t} {}", r.object_id.unwrap_or_default())),
            subject: r.subject_national_id.map(|s| match crate::domain::NationalId::parse(&s) {
                Ok(id) => id.masked(),
                Err(_) => "****".into(),
            }),
            client_ip: r.client_ip,
            outcome: r.outcome,
            details: r.details,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "trail/verify")]
pub async fn verify_chain() -> Result<VerifyReport, ApiError> {
    use crate::server::trail::{Outcome, TrailAction, TrailDraft};
    let ctx = super::guard(VerifyChain::PATH).await?;
    let actor = ctx.actor()?;
    let report = match crate::server::trail::verify_store(ctx.state.store.as_ref(), &ctx.state.trail_key).await {
        Ok(Ok(rows)) => VerifyReport { rows, broken: None },
        Ok(Err((rows, b))) => VerifyReport { rows, broken: Some(b.to_string()) },
        Err(e) => return Err(super::internal(e)),
    };
    ctx.state
        .store
        .append_trail(
            TrailDraft::new(
                TrailAction::TrailVerify,
                if report.broken.is_none() { Outcome::Success } else { Outcome::Failure },
            )
            .actor(Some(actor.trail_ref()))
            .ip(ctx.ip_string())
            .details(serde_json::json!({ "rows": report.rows, "broken": report.broken })),
        )
        .await
        .map_err(super::internal)?;
    Ok(report)
}
