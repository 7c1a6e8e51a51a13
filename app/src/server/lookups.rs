//! A look-up left without a comparison (#39 item 3): the query is in the log the moment it is
//! filed, so looking up again would log the person twice and leave 「無比對結果」 in the monthly
//! report. Its clerk resumes it instead, on the workbench under the same query id, the same
//! working day (Taipei date); afterwards it can only be closed with a reason (不比對), which the
//! monthly report shows beside it. Both are written to the trail; neither adds a query row.

use chrono::Utc;

use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::store::{QueryClosing, QueryRecord, StoreError};
use super::trail::TrailAction;
use crate::domain::comparison_view::Started;
use crate::domain::inbox::{ClosingReason, InboxError};
use crate::domain::taipei_date;

pub type Outcome<T> = Result<T, Failure<InboxError>>;

/// The caller's own query, neither compared nor closed (a refusal is written to the trail).
async fn open_query(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<QueryRecord> {
    let Some(q) = state.store.query(id).await? else {
        return Err(caller.deny(state, endpoint, "no_such_query").await);
    };
    if q.operator_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_own_query").await);
    }
    if state.store.comparison_for_query(id).await?.is_some() {
        return problem(InboxError::Compared);
    }
    if state.store.query_closing(id).await?.is_some() {
        return problem(InboxError::Closed);
    }
    Ok(q)
}

/// Reopen the look-up on the workbench: the registered impression it was answered with, under
/// the same query id (the log gains no row; the trail records the re-opening).
pub async fn resume(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<Started> {
    let q = open_query(state, caller, id, endpoint).await?;
    let now = state.clock.now();
    if taipei_date(q.queried_at) != taipei_date(now) {
        return problem(InboxError::PastItsDay);
    }
    let version = match q.seal_version_id {
        Some(v) => Some(
            state
                .store
                .seal_version(v)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("seal_query {id}: seal version {v} not found")))?,
        ),
        None => None,
    };
    let draft = caller
        .trail(TrailAction::SealQueryResumed)
        .object("seal_query", q.id)
        .case(q.case_number.clone())
        .subject(q.national_id.clone());
    state.store.append_trail(draft).await?;
    super::comparisons::started(state, q, version).await.map_err(Failure::retype)
}

/// 不比對: close the look-up with its reason (any time; after its working day this is the only
/// way it leaves the inbox).
pub async fn close(state: &AppState, caller: &Caller, id: i64, reason: ClosingReason, endpoint: &str) -> Outcome<()> {
    let q = open_query(state, caller, id, endpoint).await?;
    let closing = QueryClosing {
        query_id: q.id,
        closed_by: caller.actor.account_id,
        closed_at: Utc::now(),
        reason: reason.as_str().to_string(),
    };
    let draft = caller
        .trail(TrailAction::SealQueryClosed)
        .case(q.case_number.clone())
        .subject(q.national_id.clone())
        .details(serde_json::json!({ "reason": reason.as_str() }));
    state.store.close_query(&closing, draft).await.map_err(|e| match e {
        // compared or closed in the meantime
        StoreError::Stale(_) => Failure::Problem(InboxError::Closed),
        e => e.into(),
    })
}
