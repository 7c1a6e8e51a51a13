//! Reading the trail (auditors, 政風, administrators — the endpoint policy says who): the newest
//! events with the subject's national ID masked, and a walk of the whole chain. Each read is
//! itself written to the trail.

use std::convert::Infallible;

use super::caller::{Caller, Failure};
use super::state::AppState;
use super::trail::TrailAction;
use crate::domain::trail_view::{TrailEventView, VerifyReport};
use crate::domain::NationalId;

/// The newest `limit` events (1 to 500).
pub async fn recent(state: &AppState, caller: &Caller, limit: i64) -> Result<Vec<TrailEventView>, Failure<Infallible>> {
    let rows = state.store.recent_trail(limit.clamp(1, 500)).await?;
    let draft = caller.trail(TrailAction::TrailRead).details(serde_json::json!({ "rows": rows.len() }));
    state.store.append_trail(draft).await?;
    Ok(rows
        .into_iter()
        .map(|r| TrailEventView {
            seq: r.seq,
            occurred_at: r.occurred_at,
            actor_employee_no: r.actor_employee_no,
            action: r.action,
            object: r.object_type.map(|t| match r.object_id {
                Some(id) => format!("{t} {id}"),
                None => t,
            }),
            // a subject that is no valid ID (a typo refused at the door) is still never shown whole
            subject: r.subject_national_id.map(|s| match NationalId::parse(&s) {
                Ok(id) => id.masked(),
                Err(_) => "****".into(),
            }),
            client_ip: r.client_ip,
            outcome: r.outcome,
            details: r.details,
        })
        .collect())
}

/// Walk the chain with the trail key: the rows verified, and the first broken link if any.
pub async fn verify(state: &AppState, caller: &Caller) -> Result<VerifyReport, Failure<Infallible>> {
    let report = match super::trail::verify_store(state.store.as_ref(), &state.trail_key).await {
        Ok(Ok(rows)) => VerifyReport { rows, broken: None },
        Ok(Err((rows, b))) => VerifyReport { rows, broken: Some(b.to_string()) },
        Err(e) => return Err(Failure::internal(e)),
    };
    let mut draft = caller
        .trail(TrailAction::TrailVerify)
        .details(serde_json::json!({ "rows": report.rows, "broken": report.broken }));
    if report.broken.is_some() {
        draft = draft.failed();
    }
    state.store.append_trail(draft).await?;
    Ok(report)
}
