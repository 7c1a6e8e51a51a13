//! The quarterly review (八(三)): each unit's status, starting or refreshing this quarter's
//! review, reading it, marking accounts kept or changed (a change opens its account request),
//! signing off, and the list of past reviews.

use chrono::Utc;

use super::{
    load_item, load_review, managed_units, may_view, person, person_opt, quarter_of, require_manager, snapshot,
    taipei_date, unit_status, Outcome, Quarter,
};
use crate::domain::forms::account_request::{AccountRequestForm, AccountRequestInput, RequestKind};
use crate::domain::review::AccountDecision;
use crate::domain::review_view::{
    default_change_reason, disabled_account_note, DecisionInput, DecisionOutcome, ReviewError, ReviewItemView,
    ReviewStatus, ReviewSummary, ReviewView, DECISION_NOTE_MAX, NO_SECTION, OPINION_MAX, WITHDRAWN_DECIDED_MEANWHILE,
};
use crate::domain::RocDate;
use crate::server::authz::acts_as_manager;
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{NewRequest, NewReview, RequestFilter, RequestRecord, StoreError, Transition};
use crate::server::trail::TrailAction;

/// The review status of every unit the caller manages, whether a hand-over holds the caller
/// back, and the hand-over lists waiting for the caller. Empty for everyone else.
pub async fn status(state: &AppState, caller: &Caller) -> Outcome<ReviewStatus> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let mut units = Vec::new();
    for m in managed_units(store, actor, now).await? {
        if let Some(u) = unit_status(state, m, now).await? {
            units.push(u);
        }
    }
    let waiting = store
        .list_handovers(None, Some(actor.account_id))
        .await?
        .iter()
        .filter(|h| h.incoming_id == actor.account_id && h.is_open())
        .count();
    Ok(ReviewStatus {
        units,
        password_change_for_handover: store.pending_handover_password(actor.account_id).await?,
        handovers_to_acknowledge: waiting,
        idle_days: state.idle_days,
    })
}

/// Start the unit's review of the current quarter, or open it: an unsigned review is brought up
/// to date (accounts added since, undecided items refreshed). Answers the review's id.
pub async fn start(state: &AppState, caller: &Caller, unit_id: i64, endpoint: &str) -> Outcome<i64> {
    require_manager(state, caller, unit_id, endpoint).await?;
    let store = &state.store;
    let now = Utc::now();
    let quarter = Quarter::of_instant(now);
    let review = match store.review_for(unit_id, &quarter.code()).await? {
        Some(r) => r,
        None => {
            let items = snapshot(store, unit_id, state.idle_days, now).await?;
            let new = NewReview {
                unit_id,
                quarter: quarter.code(),
                idle_threshold: state.idle_days,
                started_by: caller.actor.account_id,
                now,
                items,
            };
            let draft = caller.trail(TrailAction::PermissionReviewStarted).details(serde_json::json!({
                "unit_id": unit_id, "quarter": new.quarter, "accounts": new.items.len(),
                "flagged_idle": new.items.iter().filter(|i| i.flagged_idle).count(),
            }));
            match store.start_review(&new, draft).await {
                Ok(id) => return Ok(id),
                // started by someone else a moment ago
                Err(StoreError::Duplicate(_)) => {
                    store.review_for(unit_id, &quarter.code()).await?.ok_or_else(|| {
                        Failure::internal(format!(
                            "permission_review of unit {unit_id}, {}: duplicate, not found",
                            new.quarter
                        ))
                    })?
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    if review.signed_at.is_none() {
        let items = snapshot(store, unit_id, review.idle_threshold, now).await?;
        let draft = caller
            .trail(TrailAction::PermissionReviewRefreshed)
            .details(serde_json::json!({ "unit_id": unit_id, "quarter": review.quarter, "accounts": items.len() }));
        match store.sync_review_items(review.id, &items, now, draft).await {
            Ok(()) | Err(StoreError::Stale(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(review.id)
}

/// The account request's form as stored (a row that does not read is an error naming it).
pub(super) fn request_form(r: &RequestRecord) -> Outcome<AccountRequestForm> {
    serde_json::from_str(&r.form).map_err(|e| Failure::internal(format!("account_request {}: form: {e}", r.id)))
}

/// A review with its items, for those who may read the unit's reviews (a read of the accounts'
/// data: written to the trail).
pub async fn open(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<ReviewView> {
    let actor = &caller.actor;
    let store = &state.store;
    let r = load_review(state, id).await?;
    if !may_view(store, actor, r.unit_id, Utc::now()).await? {
        return Err(caller.deny(state, endpoint, "not_unit_manager").await);
    }
    let can_act = r.signed_at.is_none() && acts_as_manager(store, actor, r.unit_id, Utc::now()).await?;
    let unit = store.unit(r.unit_id).await?.ok_or(Failure::NotFound)?;
    let quarter = quarter_of(&r)?;
    let row = format!("permission_review {}", r.id);
    // the unit's requests, newest first: for the section on the latest form and open requests
    let requests = store.list_requests(&RequestFilter { unit_id: Some(r.unit_id), ..Default::default() }).await?;
    let mut items = Vec::new();
    for it in store.review_items(r.id).await? {
        let item_row = format!("permission_review_item {}", it.id);
        let account = store
            .account(it.account_id)
            .await?
            .ok_or_else(|| Failure::internal(format!("{item_row}: account {} not found", it.account_id)))?;
        let mine = || requests.iter().filter(|q| q.employee_no == it.employee_no);
        let section = match mine().next() {
            Some(q) => request_form(q)?.section,
            None => String::new(),
        };
        let open_request_id = mine().find(|q| q.state.is_open() && q.kind != RequestKind::Create).map(|q| q.id);
        let request_state = match it.request_id {
            Some(rid) => store.request(rid).await?.map(|q| q.state),
            None => None,
        };
        items.push(ReviewItemView {
            id: it.id,
            account_id: it.account_id,
            employee_no: it.employee_no.clone(),
            name: it.name.clone(),
            roles: it.role_list(),
            last_login_at: it.last_login_at,
            last_query_at: it.last_query_at,
            idle_days: it.idle_days,
            flagged_idle: it.flagged_idle,
            decision: it.decision,
            decided_at: it.decided_at,
            decided_by: person_opt(state, it.decided_by, &item_row).await?,
            note: it.note.clone(),
            request_id: it.request_id,
            request_state,
            account_active: !account.disabled,
            email: account.email,
            section,
            open_request_id,
        });
    }
    let draft = caller
        .trail(TrailAction::PermissionReviewViewed)
        .object("permission_review", r.id)
        .details(serde_json::json!({ "unit_id": r.unit_id, "quarter": r.quarter, "accounts": items.len() }));
    store.append_trail(draft).await?;
    Ok(ReviewView {
        id: r.id,
        unit_id: r.unit_id,
        unit_zh: unit.name_zh,
        unit_en: unit.name_en,
        quarter: r.quarter.clone(),
        quarter_zh: quarter.zh(),
        quarter_en: quarter.en(),
        idle_threshold: r.idle_threshold,
        started_at: r.started_at,
        started_by: person(state, r.started_by, &row).await?,
        signed_at: r.signed_at,
        signed_by: person_opt(state, r.signed_by, &row).await?,
        note: r.note.clone(),
        items,
        can_act,
    })
}

/// Mark one account: keep, or change — which opens the matching account change request
/// (異動 with the new roles, or 註銷), filed by the caller for the unit, or links an open one.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    input: &DecisionInput,
    endpoint: &str,
) -> Outcome<DecisionOutcome> {
    let actor = &caller.actor;
    let store = &state.store;
    let item = load_item(state, input.item_id).await?;
    let review = load_review(state, item.review_id).await?;
    require_manager(state, caller, review.unit_id, endpoint).await?;
    if review.signed_at.is_some() {
        return problem(ReviewError::Signed);
    }
    let decision = input.decision.ok_or(Failure::Problem(ReviewError::NoDecision))?;
    if item.decision == Some(AccountDecision::Change) {
        return problem(ReviewError::AlreadyChanged);
    }
    let note = input.note.trim().to_string();
    if note.chars().count() > DECISION_NOTE_MAX {
        return problem(ReviewError::NoteTooLong { max: DECISION_NOTE_MAX });
    }
    let account = store.account(item.account_id).await?.ok_or(Failure::NotFound)?;
    let now = Utc::now();
    if decision == AccountDecision::Keep {
        if account.disabled {
            return problem(ReviewError::AccountDisabled);
        }
        let draft = caller
            .trail(TrailAction::PermissionReviewKept)
            .details(serde_json::json!({ "review_id": review.id, "employee_no": item.employee_no }));
        return match store.decide_review_item(item.id, decision, None, &note, actor.account_id, now, draft).await {
            Ok(()) => Ok(DecisionOutcome { request_id: None }),
            Err(StoreError::Stale(_)) => problem(ReviewError::Stale),
            Err(e) => Err(e.into()),
        };
    }

    // change: link an open request, file a new one, or (account disabled meanwhile) none
    let mut filed = None;
    let request_id = if account.disabled {
        None
    } else if let Some(rid) = input.request_id {
        let r = store.request(rid).await?.ok_or(Failure::NotFound)?;
        let fits = r.employee_no == account.employee_no
            && r.kind != RequestKind::Create
            && (r.state.is_open() || r.filed_at >= review.started_at);
        if !fits {
            return problem(ReviewError::NotLinkable);
        }
        Some(rid)
    } else {
        let kind = match input.kind {
            Some(k @ (RequestKind::Change | RequestKind::Cancel)) => k,
            Some(RequestKind::Create) | None => return problem(ReviewError::NoChangeKind),
        };
        let unit = store.unit(review.unit_id).await?.ok_or(Failure::NotFound)?;
        let quarter = quarter_of(&review)?;
        let today = RocDate::from_gregorian(taipei_date(now))
            .map(|d| d.short())
            .map_err(|e| Failure::internal(format!("today as an ROC date: {e:?}")))?;
        let reason = match input.reason.trim() {
            "" => default_change_reason(&quarter.zh()),
            r => r.to_string(),
        };
        let section = match input.section.trim() {
            "" => NO_SECTION.to_string(),
            s => s.to_string(),
        };
        let form = AccountRequestInput {
            kind: kind.code().into(),
            reason,
            applied_on: today,
            agency: unit.name_zh.clone(),
            section,
            user_name: account.name.clone(),
            phone: account.phone.clone(),
            employee_no: account.employee_no.clone(),
            email: input.email.clone(),
            roles: if kind == RequestKind::Change { input.roles.clone() } else { vec![] },
            target_unit: String::new(),
        }
        .parse(&state.email_domains)
        .map_err(|errs| Failure::Problem(ReviewError::Form { errors: errs }))?;
        let mut current_roles = account.roles.clone();
        current_roles.sort();
        if kind == RequestKind::Change && current_roles == form.roles {
            return problem(ReviewError::SameRoles);
        }
        let new = NewRequest {
            kind,
            employee_no: account.employee_no.clone(),
            form_json: serde_json::to_string(&form).map_err(Failure::internal)?,
            unit_id: review.unit_id,
            target_unit_id: account.unit_id,
            roles: form.roles.clone(),
            filed_by: actor.account_id,
            now,
        };
        let draft = caller.trail(TrailAction::AccountRequestFiled).details(serde_json::json!({
            "kind": kind.code(), "employee_no": new.employee_no,
            "roles": form.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "permission_review": review.id,
        }));
        let id = store.create_request(&new, draft).await?;
        filed = Some(id);
        Some(id)
    };
    let draft = caller.trail(TrailAction::PermissionReviewChanged).details(serde_json::json!({
        "review_id": review.id, "employee_no": item.employee_no, "request_id": request_id,
        "account_disabled": account.disabled,
    }));
    let note = if account.disabled && note.is_empty() {
        disabled_account_note(account.disabled_reason.as_deref().unwrap_or_default())
    } else {
        note
    };
    match store.decide_review_item(item.id, decision, request_id, &note, actor.account_id, now, draft).await {
        Ok(()) => Ok(DecisionOutcome { request_id }),
        Err(e) => {
            // the item was decided meanwhile: take back the request just filed
            if let Some(id) = filed {
                let draft = caller
                    .trail(TrailAction::AccountRequestWithdrawn)
                    .details(serde_json::json!({ "reason": "permission review item decided meanwhile" }));
                if let Err(e) = store
                    .transition(id, &Transition::Withdraw, actor.account_id, WITHDRAWN_DECIDED_MEANWHILE, now, draft)
                    .await
                {
                    tracing::error!(request = id, error = %e, "could not withdraw a request filed by a review");
                }
            }
            match e {
                StoreError::Stale(_) => problem(ReviewError::Stale),
                e => Err(e.into()),
            }
        }
    }
}

/// Sign the review off (簽核): every account must be marked keep or change.
pub async fn sign(state: &AppState, caller: &Caller, id: i64, note: &str, endpoint: &str) -> Outcome<()> {
    let store = &state.store;
    let review = load_review(state, id).await?;
    require_manager(state, caller, review.unit_id, endpoint).await?;
    if review.signed_at.is_some() {
        return problem(ReviewError::AlreadySigned);
    }
    let note = note.trim().to_string();
    if note.chars().count() > OPINION_MAX {
        return problem(ReviewError::OpinionTooLong);
    }
    let items = store.review_items(id).await?;
    let open = items.iter().filter(|i| i.decision.is_none()).count();
    if open > 0 {
        return problem(ReviewError::Undecided { count: open });
    }
    let changed = items.iter().filter(|i| i.decision == Some(AccountDecision::Change)).count();
    let draft = caller.trail(TrailAction::PermissionReviewSigned).details(serde_json::json!({
        "unit_id": review.unit_id, "quarter": review.quarter, "accounts": items.len(), "changed": changed,
    }));
    store.sign_review(id, caller.actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => Failure::Problem(ReviewError::SignStale),
        e => e.into(),
    })
}

/// The unit's reviews, newest quarter first, for those who may read them.
pub async fn list(state: &AppState, caller: &Caller, unit_id: i64, endpoint: &str) -> Outcome<Vec<ReviewSummary>> {
    let store = &state.store;
    if !may_view(store, &caller.actor, unit_id, Utc::now()).await? {
        return Err(caller.deny(state, endpoint, "not_unit_manager").await);
    }
    let mut out = Vec::new();
    for r in store.list_reviews(Some(unit_id)).await? {
        let items = store.review_items(r.id).await?;
        let quarter = quarter_of(&r)?;
        out.push(ReviewSummary {
            id: r.id,
            quarter: r.quarter.clone(),
            quarter_zh: quarter.zh(),
            quarter_en: quarter.en(),
            started_at: r.started_at,
            signed_at: r.signed_at,
            signed_by: person_opt(state, r.signed_by, &format!("permission_review {}", r.id)).await?,
            accounts: items.len(),
            kept: items.iter().filter(|i| i.decision == Some(AccountDecision::Keep)).count(),
            changed: items.iter().filter(|i| i.decision == Some(AccountDecision::Change)).count(),
            flagged_idle: items.iter().filter(|i| i.flagged_idle).count(),
        });
    }
    Ok(out)
}
