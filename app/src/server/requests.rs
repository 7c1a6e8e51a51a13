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
                tracing::warn!(request = id, ?reason, "an account request could not be applied; closed as failed")
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

// ---- the account change request's use cases (附件五), and the manager's revocation ----------

use super::auth::Actor;
use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::store::{NewRequest, RequestFilter, RequestRecord, Transition};
use crate::domain::forms::account_request::{
    AccountRequestInput, DeclineReason, RequestKind, RequestState, ReviewDecision, RevokeReason,
};
use crate::domain::request_view::{
    RequestDetail, RequestError, RequestSummary, ReviewOutcome, TimelineEntry, SYSTEM_ACTOR,
};
use crate::domain::{RocDate, Role};

type Answer<T> = Result<T, Failure<RequestError>>;

/// Refuse roles that accounts of the unit may not hold (see [`Role::allowed_in`]).
async fn roles_suit_unit(state: &AppState, roles: &[Role], unit_id: i64) -> Answer<()> {
    let unit = state.store.unit(unit_id).await?.ok_or(Failure::NotFound)?;
    Role::refused_in(roles, unit.kind, &unit.code).map_err(|e| Failure::Problem(RequestError::RolesForUnit(e)))
}

async fn unit_name(state: &AppState, id: i64) -> Answer<String> {
    let unit = state.store.unit(id).await?;
    Ok(unit.ok_or_else(|| Failure::internal(format!("account_request names unit {id}, which is not there")))?.name_zh)
}

fn form_of(r: &RequestRecord) -> Answer<crate::domain::forms::account_request::AccountRequestForm> {
    serde_json::from_str(&r.form).map_err(|e| Failure::internal(format!("account_request {}: form: {e}", r.id)))
}

async fn summary(state: &AppState, r: &RequestRecord) -> Answer<RequestSummary> {
    let form = form_of(r)?;
    Ok(RequestSummary {
        id: r.id,
        kind: form.kind,
        employee_no: r.employee_no.clone(),
        user_name: form.user_name.clone(),
        state: r.state,
        unit_name: unit_name(state, r.unit_id).await?,
        target_unit_name: unit_name(state, r.target_unit_id).await?,
        filed_at: r.filed_at,
        effective_at: r.effective_at,
    })
}

/// May the caller see this request: its filer, its subject, and the supervisors, managers and
/// deputies of the units it concerns; administrators.
pub async fn may_see(state: &AppState, actor: &Actor, r: &RequestRecord) -> StoreResult<bool> {
    use super::authz::{acts_as_manager, acts_as_supervisor};
    let (now, s) = (Utc::now(), &state.store);
    Ok(r.filed_by == actor.account_id
        || r.employee_no == actor.employee_no
        || actor.has(Role::Admin)
        || acts_as_supervisor(s, actor, r.unit_id, now).await?
        || acts_as_manager(s, actor, r.target_unit_id, now).await?
        || acts_as_manager(s, actor, r.unit_id, now).await?)
}

async fn load(state: &AppState, id: i64) -> Answer<RequestRecord> {
    state.store.request(id).await?.ok_or(Failure::NotFound)
}

fn stale(e: StoreError) -> Failure<RequestError> {
    match e {
        StoreError::Stale(_) => Failure::Problem(RequestError::Stale),
        e => e.into(),
    }
}

/// File a request (for oneself or a colleague of one's unit).
pub async fn file(state: &AppState, caller: &Caller, input: &AccountRequestInput, endpoint: &str) -> Answer<i64> {
    let actor = &caller.actor;
    let form =
        input.parse(&state.email_domains).map_err(|errs| Failure::Problem(RequestError::Form { errors: errs }))?;
    let store = &state.store;
    let existing = store.account_by_employee_no(form.employee_no.as_str()).await?;
    let target_unit_id = match form.kind {
        RequestKind::Create => actor.unit_id,
        RequestKind::Change | RequestKind::Cancel => {
            let Some(acc) = existing.as_ref().filter(|a| !a.disabled) else {
                return problem(RequestError::NoActiveAccount);
            };
            if acc.unit_id != actor.unit_id {
                caller.deny::<RequestError>(state, endpoint, "other_unit_account").await;
                return problem(RequestError::OtherUnit);
            }
            match (&form.target_unit, form.kind) {
                (Some(code), RequestKind::Change) => {
                    let u = store.unit_by_code(code).await?.filter(|u| u.active);
                    u.ok_or_else(|| Failure::Problem(RequestError::NoSuchUnit { code: code.clone() }))?.id
                }
                _ => acc.unit_id,
            }
        }
    };
    // the roles the account will hold must suit the unit it will be in (bureau-wide roles only
    // in the bureau's own units, so never through a land office's manager)
    let held = match (&existing, form.roles.is_empty()) {
        (Some(acc), true) if form.kind == RequestKind::Change => acc.roles.clone(),
        _ => form.roles.clone(),
    };
    roles_suit_unit(state, &held, target_unit_id).await?;
    let new = NewRequest {
        kind: form.kind,
        employee_no: form.employee_no.as_str().to_string(),
        form_json: serde_json::to_string(&form).map_err(Failure::internal)?,
        unit_id: actor.unit_id,
        target_unit_id,
        roles: form.roles.clone(),
        filed_by: actor.account_id,
        now: Utc::now(),
    };
    let draft = caller.trail(TrailAction::AccountRequestFiled).details(serde_json::json!({
        "kind": form.kind.code(), "employee_no": new.employee_no,
        "roles": form.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    store.create_request(&new, draft).await.map_err(|e| match e {
        StoreError::Duplicate(_) => Failure::Problem(RequestError::Duplicate),
        e => e.into(),
    })
}

/// How the list is filtered: a state code, a unit (administrators), and filing days (ROC).
pub struct ListInput<'a> {
    pub state: &'a str,
    pub unit: Option<i64>,
    pub from: &'a str,
    pub to: &'a str,
}

/// Requests the caller may see, newest first (others than administrators see their own unit's).
pub async fn list(state: &AppState, caller: &Caller, input: ListInput<'_>) -> Answer<Vec<RequestSummary>> {
    let actor = &caller.actor;
    let day = |s: &str, e: fn(crate::domain::RocDateError) -> RequestError| -> Answer<Option<DateTime<Utc>>> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        let d = RocDate::parse(s).map_err(|x| Failure::Problem(e(x)))?;
        Ok(Some(crate::domain::taipei_midnight(d.gregorian())))
    };
    let status = match input.state.trim() {
        "" => None,
        s => Some(RequestState::parse(s).ok_or(Failure::Problem(RequestError::NoSuchState))?),
    };
    let filter = RequestFilter {
        state: status,
        unit_id: if actor.has(Role::Admin) { input.unit } else { Some(actor.unit_id) },
        from: day(input.from, RequestError::From)?,
        to: day(input.to, RequestError::To)?.map(|t| t + chrono::Duration::days(1)),
    };
    let mut out = Vec::new();
    for r in &state.store.list_requests(&filter).await? {
        if may_see(state, actor, r).await? {
            out.push(summary(state, r).await?);
        }
    }
    Ok(out)
}

/// One request with its timeline and what the caller may do with it.
pub async fn open(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Answer<RequestDetail> {
    use super::authz::{acts_as_manager, acts_as_supervisor};
    use RequestState as S;
    let actor = &caller.actor;
    let r = load(state, id).await?;
    if !may_see(state, actor, &r).await? {
        return Err(caller.deny(state, endpoint, "not_party").await);
    }
    let now = Utc::now();
    let store = &state.store;
    let mut timeline = Vec::new();
    for e in store.request_events(id).await? {
        let actor_name = match e.actor_id {
            Some(a) => super::reviews::person(state, a, &format!("account_request {id}'s event")).await?,
            None => SYSTEM_ACTOR.into(),
        };
        timeline.push(TimelineEntry { at: e.at, action: e.action, actor: actor_name, note: e.note });
    }
    let own = r.filed_by == actor.account_id || r.employee_no == actor.employee_no;
    let status = r.state;
    Ok(RequestDetail {
        summary: summary(state, &r).await?,
        form: form_of(&r)?,
        roles: r.role_list(),
        decline_reason: r.decline_reason,
        decline_text: r.decline_text.clone(),
        failure_reason: r.failure_reason.clone(),
        timeline,
        can_endorse: status == S::Filed && !own && acts_as_supervisor(store, actor, r.unit_id, now).await?,
        can_review: status == S::Endorsed && !own && acts_as_manager(store, actor, r.target_unit_id, now).await?,
        can_withdraw: matches!(status, S::Filed | S::Endorsed) && r.filed_by == actor.account_id,
    })
}

/// 業務單位核章: the filing unit's supervisor (or delegate) signs off.
pub async fn endorse(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Answer<()> {
    let actor = &caller.actor;
    let r = load(state, id).await?;
    let now = Utc::now();
    if !super::authz::acts_as_supervisor(&state.store, actor, r.unit_id, now).await? {
        return Err(caller.deny(state, endpoint, "not_unit_supervisor").await);
    }
    if r.filed_by == actor.account_id || r.employee_no == actor.employee_no {
        caller.deny::<RequestError>(state, endpoint, "own_request").await;
        return problem(RequestError::OwnEndorse);
    }
    let draft = caller.trail(TrailAction::AccountRequestEndorsed);
    state.store.transition(id, &Transition::Endorse, actor.account_id, "", now, draft).await.map_err(stale)
}

/// The account manager's review as typed: `provide` or `decline` with a reason; 異動時間 in
/// Taipei time (`YYYY-MM-DDTHH:MM`), blank for now.
pub struct ReviewInput<'a> {
    pub decision: &'a str,
    pub reason: &'a str,
    pub text: &'a str,
    pub effective: &'a str,
}

/// The account manager's (or deputy's) review.
pub async fn review(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: ReviewInput<'_>,
    endpoint: &str,
) -> Answer<ReviewOutcome> {
    let actor = &caller.actor;
    let r = load(state, id).await?;
    let now = Utc::now();
    if !super::authz::acts_as_manager(&state.store, actor, r.target_unit_id, now).await? {
        return Err(caller.deny(state, endpoint, "not_unit_manager").await);
    }
    if r.filed_by == actor.account_id || r.employee_no == actor.employee_no {
        caller.deny::<RequestError>(state, endpoint, "own_request").await;
        return problem(RequestError::OwnReview);
    }
    if !r.state.is_open() {
        return problem(RequestError::Closed);
    }
    let decision = ReviewDecision::parse(input.decision.trim()).ok_or(Failure::Problem(RequestError::Decision))?;
    if decision == ReviewDecision::Provide {
        roles_suit_unit(state, &r.role_list(), r.target_unit_id).await?;
    }
    match decision {
        ReviewDecision::Decline => {
            let Some(why) = DeclineReason::parse(input.reason.trim()) else {
                return problem(RequestError::DeclineReason);
            };
            let text = input.text.trim().to_string();
            if why == DeclineReason::Other && text.is_empty() {
                return problem(RequestError::OtherReasonText);
            }
            let draft =
                caller.trail(TrailAction::AccountRequestDeclined).details(serde_json::json!({ "reason": why.code() }));
            let step = Transition::Decline { reason: why, text: text.clone() };
            // the note on the request, as the form prints it
            let note = if text.is_empty() { why.zh().to_string() } else { format!("{}：{text}", why.zh()) };
            state.store.transition(id, &step, actor.account_id, &note, now, draft).await.map_err(stale)?;
            Ok(ReviewOutcome { one_time_password: None, applied: false })
        }
        ReviewDecision::Provide => {
            let effective_at = if input.effective.trim().is_empty() {
                now
            } else {
                use chrono::TimeZone;
                let bad = || Failure::Problem(RequestError::EffectiveFormat);
                let local = chrono::NaiveDateTime::parse_from_str(input.effective.trim(), "%Y-%m-%dT%H:%M")
                    .map_err(|_| bad())?;
                let t = crate::domain::taipei_offset()
                    .from_local_datetime(&local)
                    .single()
                    .ok_or_else(bad)?
                    .with_timezone(&Utc);
                // a minute's grace for the form being filled in
                if t < now - chrono::Duration::minutes(1) {
                    return problem(RequestError::EffectivePast);
                }
                t.max(now)
            };
            let (password, hash) = if r.kind == RequestKind::Create {
                let p = super::auth::generate_password();
                let h = super::auth::hash_password(p.clone()).await.map_err(Failure::internal)?;
                (Some(p), Some(h))
            } else {
                (None, None)
            };
            let draft = caller
                .trail(TrailAction::AccountRequestApproved)
                .details(serde_json::json!({ "effective_at": effective_at }));
            let step = Transition::Approve { effective_at, initial_password_hash: hash };
            state.store.transition(id, &step, actor.account_id, "", now, draft).await.map_err(stale)?;
            let mut applied = false;
            if effective_at <= now {
                let draft =
                    caller.trail(TrailAction::AccountRequestApplied).details(serde_json::json!({ "request_id": id }));
                match state.store.apply_request(id, now, draft).await.map_err(stale)? {
                    super::store::Applied::Account(_) => applied = true,
                    // closed as failed, with its reason on the request
                    super::store::Applied::Failed(why) => return problem(RequestError::NotApplied { why }),
                }
            }
            Ok(ReviewOutcome { one_time_password: password, applied })
        }
    }
}

/// The filer withdraws a request not yet reviewed.
pub async fn withdraw(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Answer<()> {
    let actor = &caller.actor;
    let r = load(state, id).await?;
    if r.filed_by != actor.account_id {
        return Err(caller.deny(state, endpoint, "not_filer").await);
    }
    let draft = caller.trail(TrailAction::AccountRequestWithdrawn);
    state.store.transition(id, &Transition::Withdraw, actor.account_id, "", Utc::now(), draft).await.map_err(stale)
}

/// The account manager disables an account of the unit at once (rights end and sessions die in
/// this request); the successor files a new request.
pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    reason: &str,
    text: &str,
    endpoint: &str,
) -> Answer<()> {
    let actor = &caller.actor;
    let target = state.store.account(account_id).await?.ok_or(Failure::NotFound)?;
    if !super::authz::acts_as_manager(&state.store, actor, target.unit_id, Utc::now()).await? {
        return Err(caller.deny(state, endpoint, "not_unit_manager").await);
    }
    if target.id == actor.account_id {
        return problem(RequestError::OwnAccount);
    }
    let Some(code) = RevokeReason::parse(reason.trim()) else {
        return problem(RequestError::RevokeReason);
    };
    let text = text.trim();
    if code == RevokeReason::Other && text.is_empty() {
        return problem(RequestError::OtherReasonText);
    }
    // the reason kept on the account, as the form prints it
    let why = if text.is_empty() { code.zh().to_string() } else { format!("{}：{text}", code.zh()) };
    let draft = caller
        .trail(TrailAction::AccountRevoke)
        .object("account", target.id)
        .details(serde_json::json!({ "reason": code.code(), "text": text, "employee_no": target.employee_no }));
    Ok(state.store.set_disabled(target.id, true, Some(&why), draft).await?)
}

/// The accounts of the caller's unit (manager or deputy), for revocation.
pub async fn unit_accounts(
    state: &AppState,
    caller: &Caller,
    endpoint: &str,
) -> Answer<Vec<crate::domain::admin::AccountView>> {
    let actor = &caller.actor;
    if !super::authz::acts_as_manager(&state.store, actor, actor.unit_id, Utc::now()).await? {
        return Err(caller.deny(state, endpoint, "not_unit_manager").await);
    }
    let mine: Vec<_> = state.store.list_accounts().await?.into_iter().filter(|a| a.unit_id == actor.unit_id).collect();
    let draft = caller
        .trail(TrailAction::AccountList)
        .details(serde_json::json!({ "unit_id": actor.unit_id, "count": mine.len() }));
    state.store.append_trail(draft).await?;
    Ok(mine.into_iter().map(super::admin::account_view).collect())
}
