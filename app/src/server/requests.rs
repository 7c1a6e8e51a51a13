//! The account change request's scheduler, which puts approved requests into effect at their
//! 異動時間 (tested with an explicit clock). Who may act for a unit is `authz`'s.

use chrono::{DateTime, Utc};

use super::store::{DynStore, StoreError, StoreResult};
use super::trail::{Outcome, TrailAction, TrailDraft};

/// Apply every approved request whose time has come; returns the ids applied. A request
/// that cannot be applied (e.g. the account was disabled meanwhile) is closed as failed with
/// its reason. Safe to run on several instances at once: each request is claimed in the
/// store's transaction, and the loser of a race gets `Stale` (skipped).
pub async fn apply_due(store: &DynStore, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let mut applied = Vec::new();
    for id in store.due_requests(now).await? {
        let draft = TrailDraft::new(TrailAction::AccountRequestApplied, Outcome::Success)
            .at(now)
            .details(serde_json::json!({ "request_id": id, "by": "scheduler" }));
        match store.apply_request(id, now, draft).await {
            Ok(super::store::Applied::Account(_)) => applied.push(id),
            Ok(super::store::Applied::Failed(reason)) => {
                tracing::warn!(request = id, %reason, "an account request could not be applied; closed as failed")
            }
            Err(StoreError::Stale(_)) => {}
            Err(e) => tracing::error!(request = id, error = %e, "could not apply an account request"),
        }
    }
    Ok(applied)
}

/// Run [`apply_due`] every `every` (the server starts this once).
#[cfg(feature = "ssr")]
pub fn spawn_scheduler(
    store: DynStore,
    every: std::time::Duration,
    report_thresholds: crate::domain::report::Thresholds,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match apply_due(&store, Utc::now()).await {
                Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "account requests applied"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "account request scheduler"),
            }
            // last month's query reports, once the month has ended
            match super::reports::generate_due(&store, report_thresholds, Utc::now()).await {
                Ok(ids) if !ids.is_empty() => tracing::info!(?ids, "monthly query reports generated"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "monthly query report scheduler"),
            }
        }
    });
}
