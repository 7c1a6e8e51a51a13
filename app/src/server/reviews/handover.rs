//! The account manager's hand-over (六(二)): the lists the caller is party to, making one (the
//! outgoing manager, or an administrator naming them), and its acknowledgment by the incoming
//! manager — who then acts as a manager only after changing the password.

use chrono::Utc;

use super::review::request_form;
use super::{handover_view, lines, managed_units, quarter_of, require_manager, Outcome, Quarter};
use crate::domain::handover::{HandoverList, HandoverRequestLine, HandoverReviewLine};
use crate::domain::review_view::{
    review_missing_line, review_unsigned_line, HandoverCandidate, HandoverInput, HandoverOverview, ListField,
    ReviewError, HANDOVER_NOTE_MAX,
};
use crate::domain::Role;
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{NewHandover, RequestFilter, StoreError};
use crate::server::trail::TrailAction;

/// Hand-over lists the caller is party to (outgoing, incoming, or manager of the unit; all for
/// administrators), with what the create form needs. Reading them is written to the trail.
pub async fn handovers(state: &AppState, caller: &Caller) -> Outcome<HandoverOverview> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let is_admin = actor.has(Role::Admin);
    let managed = managed_units(store, actor, now).await?;
    let all = store.list_handovers(None, None).await?;
    let mut handovers = Vec::new();
    for h in all.iter().filter(|h| {
        is_admin
            || h.outgoing_id == actor.account_id
            || h.incoming_id == actor.account_id
            || managed.iter().any(|m| m.unit_id == h.unit_id)
    }) {
        handovers.push(handover_view(state, actor, h).await?);
    }
    let own_unit = if actor.has(Role::AccountManager) {
        store.unit(actor.unit_id).await?.map(|u| (u.name_zh, u.name_en))
    } else {
        None
    };
    let candidates = if own_unit.is_some() {
        store
            .list_accounts()
            .await?
            .into_iter()
            .filter(|a| a.unit_id == actor.unit_id && !a.disabled && a.id != actor.account_id)
            .map(|a| HandoverCandidate { employee_no: a.employee_no, name: a.name })
            .collect()
    } else {
        Vec::new()
    };
    if !handovers.is_empty() || !candidates.is_empty() {
        let draft = caller
            .trail(TrailAction::HandoverList)
            .details(serde_json::json!({ "handovers": handovers.len(), "candidates": candidates.len() }));
        store.append_trail(draft).await?;
    }
    Ok(HandoverOverview {
        handovers,
        own_unit,
        candidates,
        is_admin,
        password_change_pending: store.pending_handover_password(actor.account_id).await?.is_some(),
    })
}

/// The outgoing account manager (or an administrator, naming the outgoing manager) makes the
/// hand-over list for the incoming account of the same unit. An open list of the unit is
/// superseded by it. Answers the list's id.
pub async fn create_handover(state: &AppState, caller: &Caller, input: &HandoverInput, endpoint: &str) -> Outcome<i64> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let code = input.unit_code.trim();
    let unit = match code {
        "" => store.unit(actor.unit_id).await?,
        code => store.unit_by_code(code).await?,
    }
    .ok_or_else(|| Failure::Problem(ReviewError::NoSuchUnit { code: code.to_string() }))?;
    let find = |emp: &str| {
        let emp = emp.trim().to_ascii_uppercase();
        async move { store.account_by_employee_no(&emp).await }
    };
    let outgoing = if actor.has(Role::Admin) && !input.outgoing_employee_no.trim().is_empty() {
        let a = find(&input.outgoing_employee_no)
            .await?
            .filter(|a| a.unit_id == unit.id)
            .ok_or(Failure::Problem(ReviewError::OutgoingNotOfUnit))?;
        a.id
    } else {
        // the unit's account manager by role (a deputy does not hand the office over)
        let manager = actor.has(Role::AccountManager) && actor.unit_id == unit.id;
        if !manager && actor.has(Role::Admin) {
            return problem(ReviewError::OutgoingRequired);
        }
        if !manager {
            return Err(caller.deny(state, endpoint, "not_unit_manager").await);
        }
        require_manager(state, caller, unit.id, endpoint).await?;
        actor.account_id
    };
    let incoming = find(&input.incoming_employee_no)
        .await?
        .filter(|a| a.unit_id == unit.id && !a.disabled)
        .ok_or(Failure::Problem(ReviewError::IncomingNotOfUnit))?;
    if incoming.id == outgoing {
        return problem(ReviewError::SameIncoming);
    }
    let mut pending = Vec::new();
    let quarter = Quarter::of_instant(now);
    let reviews = store.list_reviews(Some(unit.id)).await?;
    match reviews.iter().find(|r| r.quarter == quarter.code()) {
        Some(r) if r.signed_at.is_none() => {
            let open = store.review_items(r.id).await?.iter().filter(|i| i.decision.is_none()).count();
            pending.push(review_unsigned_line(&quarter.zh(), open));
        }
        None => pending.push(review_missing_line(&quarter.zh())),
        Some(_) => {}
    }
    let mut open_requests = Vec::new();
    for r in store.list_requests(&RequestFilter { unit_id: Some(unit.id), ..Default::default() }).await? {
        if r.state.is_open() {
            open_requests.push(HandoverRequestLine {
                id: r.id,
                kind: r.kind,
                employee_no: r.employee_no.clone(),
                user_name: request_form(&r)?.user_name,
                state: r.state,
            });
        }
    }
    pending.extend(lines(&input.pending, ListField::Pending)?);
    let note = input.note.trim().to_string();
    if note.chars().count() > HANDOVER_NOTE_MAX {
        return problem(ReviewError::NoteTooLong { max: HANDOVER_NOTE_MAX });
    }
    let last_review = match reviews.iter().filter_map(|r| r.signed_at.map(|at| (r, at))).max_by_key(|(_, at)| *at) {
        Some((r, signed_at)) => {
            Some(HandoverReviewLine { quarter: r.quarter.clone(), quarter_zh: quarter_of(r)?.zh(), signed_at })
        }
        None => None,
    };
    let list = HandoverList {
        open_requests,
        last_review,
        pending,
        documents: lines(&input.documents, ListField::Documents)?,
        note,
    };
    let new = NewHandover {
        unit_id: unit.id,
        outgoing_id: outgoing,
        incoming_id: incoming.id,
        created_by: actor.account_id,
        list_json: serde_json::to_string(&list).map_err(Failure::internal)?,
        now,
    };
    let draft = caller.trail(TrailAction::HandoverCreated).details(serde_json::json!({
        "unit_id": unit.id, "outgoing_id": outgoing, "incoming_employee_no": incoming.employee_no,
        "open_requests": list.open_requests.len(), "documents": list.documents.len(),
    }));
    Ok(store.create_handover(&new, draft).await?)
}

/// The incoming account acknowledges the list (點收). From then on it acts as a manager only
/// after changing its password.
pub async fn acknowledge(state: &AppState, caller: &Caller, id: i64, note: &str, endpoint: &str) -> Outcome<()> {
    let store = &state.store;
    let h = store.handover(id).await?.ok_or(Failure::NotFound)?;
    if h.incoming_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_incoming").await);
    }
    let note = note.trim().to_string();
    if note.chars().count() > HANDOVER_NOTE_MAX {
        return problem(ReviewError::NoteTooLong { max: HANDOVER_NOTE_MAX });
    }
    let draft = caller
        .trail(TrailAction::HandoverAcknowledged)
        .details(serde_json::json!({ "unit_id": h.unit_id, "outgoing_id": h.outgoing_id }));
    store.acknowledge_handover(id, caller.actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => Failure::Problem(ReviewError::HandoverClosed),
        e => e.into(),
    })
}
