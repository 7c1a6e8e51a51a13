//! The account change request's service: who may act for a unit, and the scheduler that puts
//! approved requests into effect at their 異動時間 (tested with an explicit clock).

use chrono::{DateTime, Utc};

use super::audit::{AuditDraft, Outcome};
use super::auth::Actor;
use super::store::{DynStore, StoreError, StoreResult};
use crate::domain::{Designation, Role};

/// The unit's account manager, or the deputy while designated (六(一)) — but not an incoming
/// manager who acknowledged a hand-over and has not changed the password since (六(二):
/// 接辦人員應另行申請更改密碼).
pub async fn acts_as_manager(store: &DynStore, actor: &Actor, unit_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let manages = (actor.has(Role::AccountManager) && actor.unit_id == unit_id)
        || designated(store, actor, unit_id, Designation::DeputyAccountManager, now).await?;
    if !manages {
        return Ok(false);
    }
    Ok(store.pending_handover_password(actor.account_id).await?.is_none())
}

/// The unit's supervisor, or the supervisor's delegate while designated.
pub async fn acts_as_supervisor(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if actor.has(Role::Supervisor) && actor.unit_id == unit_id {
        return Ok(true);
    }
    designated(store, actor, unit_id, Designation::SupervisorDelegate, now).await
}

/// The person designated (指定專人) to produce the unit's monthly query report (五(二)2).
pub async fn is_report_producer(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    designated(store, actor, unit_id, Designation::ReportProducer, now).await
}

async fn designated(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    kind: Designation,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    // a designation holds only while the account is in the unit it was made for
    if actor.unit_id != unit_id {
        return Ok(false);
    }
    Ok(store.list_designations(Some(unit_id)).await?.iter().any(|d| {
        d.account_id == actor.account_id && d.kind == kind && d.valid_from <= now && d.valid_to.is_none_or(|t| now < t)
    }))
}

/// Apply every approved request whose time has come; returns the ids applied. A request
/// that cannot be applied (e.g. the account was disabled meanwhile) is closed as failed with
/// its reason. Safe to run on several instances at once: each request is claimed in the
/// store's transaction, and the loser of a race gets `Stale` (skipped).
pub async fn apply_due(store: &DynStore, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
    let mut applied = Vec::new();
    for id in store.due_requests(now).await? {
        let draft = AuditDraft::new("account_request.applied", Outcome::Success)
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
