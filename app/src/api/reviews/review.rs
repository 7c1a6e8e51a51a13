//! The quarterly review (八(三)): each unit's status, starting or refreshing this quarter's
//! review, marking accounts kept or changed (a change opens its account request), signing off,
//! and the list of past reviews.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The review status of every unit the caller manages, whether a hand-over holds the caller
/// back, and hand-over lists waiting for the caller. Empty for everyone else.
#[server(name = ReviewStatusFn, prefix = "/api", endpoint = "accounts/review/status")]
pub async fn review_status() -> Result<ReviewStatus, ApiError> {
    let ctx = crate::api::guard(ReviewStatusFn::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let mut units = Vec::new();
    for m in crate::server::reviews::managed_units(store, actor, now).await.map_err(crate::api::internal)? {
        if let Some(u) = super::imp::unit_status(&ctx, m, now).await? {
            units.push(u);
        }
    }
    let waiting = store
        .list_handovers(None, Some(actor.account_id))
        .await
        .map_err(crate::api::internal)?
        .iter()
        .filter(|h| h.incoming_id == actor.account_id && h.is_open())
        .count();
    Ok(ReviewStatus {
        units,
        password_change_for_handover: store
            .pending_handover_password(actor.account_id)
            .await
            .map_err(crate::api::internal)?,
        handovers_to_acknowledge: waiting,
        idle_days: ctx.state.idle_days,
    })
}

/// Start the unit's review of the current quarter, or open it: an unsigned review is brought up
/// to date (accounts added since, undecided items refreshed). Returns the review's id.
#[server(prefix = "/api", endpoint = "accounts/review/start")]
pub async fn start_review(unit_id: i64) -> Result<i64, ApiError> {
    use crate::server::{
        reviews::{snapshot, Quarter},
        store::{NewReview, StoreError},
    };
    let ctx = crate::api::guard(StartReview::PATH).await?;
    let actor = ctx.actor()?;
    super::imp::require_manager(&ctx, actor, unit_id, StartReview::PATH).await?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let quarter = Quarter::of_instant(now);
    let existing = store.review_for(unit_id, &quarter.code()).await.map_err(crate::api::internal)?;
    let review = match existing {
        Some(r) => r,
        None => {
            let items = snapshot(store, unit_id, ctx.state.idle_days, now).await.map_err(crate::api::internal)?;
            let new = NewReview {
                unit_id,
                quarter: quarter.code(),
                idle_threshold: ctx.state.idle_days,
                started_by: actor.account_id,
                now,
                items,
            };
            let draft = ctx.trail(TrailAction::PermissionReviewStarted).details(serde_json::json!({
                "unit_id": unit_id, "quarter": new.quarter, "accounts": new.items.len(),
                "flagged_idle": new.items.iter().filter(|i| i.flagged_idle).count(),
            }));
            match store.start_review(&new, draft).await {
                Ok(id) => return Ok(id),
                // started by someone else a moment ago
                Err(StoreError::Duplicate(_)) => store
                    .review_for(unit_id, &quarter.code())
                    .await
                    .map_err(crate::api::internal)?
                    .ok_or(ApiError::Internal)?,
                Err(e) => return Err(crate::api::internal(e)),
            }
        }
    };
    if review.signed_at.is_none() {
        let items = snapshot(store, unit_id, review.idle_threshold, now).await.map_err(crate::api::internal)?;
        let draft = ctx
            .trail(TrailAction::PermissionReviewRefreshed)
            .details(serde_json::json!({ "unit_id": unit_id, "quarter": review.quarter, "accounts": items.len() }));
        match store.sync_review_items(review.id, &items, now, draft).await {
            Ok(()) | Err(StoreError::Stale(_)) => {}
            Err(e) => return Err(crate::api::internal(e)),
        }
    }
    Ok(review.id)
}

/// A review with its items (a read of the accounts' data: audited).
#[server(prefix = "/api", endpoint = "accounts/review/get")]
pub async fn get_review(id: i64) -> Result<ReviewView, ApiError> {
    use crate::server::store::RequestFilter;
    let ctx = crate::api::guard(GetReview::PATH).await?;
    let actor = ctx.actor()?;
    let r = super::imp::load_review(&ctx, id).await?;
    if !super::imp::may_view(&ctx, actor, r.unit_id).await? {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, GetReview::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    let store = &ctx.state.store;
    let can_act = r.signed_at.is_none()
        && crate::server::authz::acts_as_manager(store, actor, r.unit_id, Utc::now())
            .await
            .map_err(crate::api::internal)?;
    let unit = store.unit(r.unit_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    // the unit's requests, newest first: for the section on the latest form and open requests
    let requests = store
        .list_requests(&RequestFilter { unit_id: Some(r.unit_id), ..Default::default() })
        .await
        .map_err(crate::api::internal)?;
    let mut items = Vec::new();
    for it in store.review_items(r.id).await.map_err(crate::api::internal)? {
        let account = store.account(it.account_id).await.map_err(crate::api::internal)?;
        let mine = || requests.iter().filter(|q| q.employee_no == it.employee_no);
        let section = mine()
            .find_map(|q| {
                serde_json::from_str::<crate::domain::forms::account_request::AccountRequestForm>(&q.form)
                    .ok()
                    .map(|f| f.section)
            })
            .unwrap_or_default();
        let open_request_id = mine()
            .find(|q| q.state.is_open() && q.kind != crate::domain::forms::account_request::RequestKind::Create)
            .map(|q| q.id);
        let request = match it.request_id {
            Some(rid) => store.request(rid).await.map_err(crate::api::internal)?,
            None => None,
        };
        let req_state = request.as_ref().map(|q| q.state);
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
            decided_by: super::imp::person(&ctx, it.decided_by).await,
            note: it.note.clone(),
            request_id: it.request_id,
            request_state: req_state,
            account_active: account.as_ref().is_some_and(|a| !a.disabled),
            email: account.map(|a| a.email).unwrap_or_default(),
            section,
            open_request_id,
        });
    }
    let draft = ctx
        .trail(TrailAction::PermissionReviewViewed)
        .object("permission_review", r.id)
        .details(serde_json::json!({ "unit_id": r.unit_id, "quarter": r.quarter, "accounts": items.len() }));
    store.append_trail(draft).await.map_err(crate::api::internal)?;
    let (quarter_zh, quarter_en) = super::imp::quarter_labels(&r.quarter);
    Ok(ReviewView {
        id: r.id,
        unit_id: r.unit_id,
        unit_zh: unit.name_zh,
        unit_en: unit.name_en,
        quarter: r.quarter.clone(),
        quarter_zh,
        quarter_en,
        idle_threshold: r.idle_threshold,
        started_at: r.started_at,
        started_by: super::imp::person(&ctx, Some(r.started_by)).await.unwrap_or_default(),
        signed_at: r.signed_at,
        signed_by: super::imp::person(&ctx, r.signed_by).await,
        note: r.note.clone(),
        items,
        can_act,
    })
}

/// Mark one account: keep, or change — which opens the matching account change request
/// (異動 with the new roles, or 註銷), filed by the caller for the unit, or links an open one.
#[server(prefix = "/api", endpoint = "accounts/review/decide", input = Json)]
pub async fn decide_review(input: DecisionInput) -> Result<DecisionOutcome, ApiError> {
    use crate::domain::forms::account_request::{AccountRequestInput, RequestKind};
    use crate::server::store::{AccountDecision, NewRequest, StoreError, Transition};
    let ctx = crate::api::guard(DecideReview::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let item = super::imp::load_item(&ctx, input.item_id).await?;
    let review = super::imp::load_review(&ctx, item.review_id).await?;
    super::imp::require_manager(&ctx, actor, review.unit_id, DecideReview::PATH).await?;
    if review.signed_at.is_some() {
        return Err(ApiError::Invalid("此次審查已簽核，不能再變更".into()));
    }
    let decision = input.decision.ok_or_else(|| ApiError::Invalid("請選擇維持或異動".into()))?;
    if item.decision == Some(AccountDecision::Change) {
        return Err(ApiError::Invalid("此帳號已標記異動並開立申請單".into()));
    }
    let note = input.note.trim().to_string();
    if note.chars().count() > 200 {
        return Err(ApiError::Invalid("備註最多 200 字".into()));
    }
    let account = store.account(item.account_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    let now = Utc::now();
    let stale = || ApiError::Invalid("此項目已由他人處理或審查已簽核，請重新整理".into());
    if decision == AccountDecision::Keep {
        if account.disabled {
            return Err(ApiError::Invalid("此帳號已停用，請標記為異動".into()));
        }
        let draft = ctx
            .trail(TrailAction::PermissionReviewKept)
            .details(serde_json::json!({ "review_id": review.id, "employee_no": item.employee_no }));
        return match store.decide_review_item(item.id, decision, None, &note, actor.account_id, now, draft).await {
            Ok(()) => Ok(DecisionOutcome { request_id: None }),
            Err(StoreError::Stale(_)) => Err(stale()),
            Err(e) => Err(crate::api::internal(e)),
        };
    }

    // change: link an open request, file a new one, or (account disabled meanwhile) none
    let mut filed = None;
    let request_id = if account.disabled {
        None
    } else if let Some(rid) = input.request_id {
        let r = store.request(rid).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        let fits = r.employee_no == account.employee_no
            && r.kind != RequestKind::Create
            && (r.state.is_open() || r.filed_at >= review.started_at);
        if !fits {
            return Err(ApiError::Invalid("只能連結此帳號在辦理中的異動或註銷申請單".into()));
        }
        Some(rid)
    } else {
        let kind = match input.kind {
            Some(k @ (RequestKind::Change | RequestKind::Cancel)) => k,
            Some(RequestKind::Create) | None => return Err(ApiError::Invalid("請選擇異動（變更權限）或註銷".into())),
        };
        let unit = store.unit(review.unit_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        let (quarter_zh, _) = super::imp::quarter_labels(&review.quarter);
        let today = crate::domain::RocDate::from_gregorian(crate::server::reviews::taipei_date(now))
            .map(|d| d.short())
            .map_err(crate::api::internal)?;
        let reason = match input.reason.trim() {
            "" => format!("帳號權限審查（{quarter_zh}）"),
            r => r.to_string(),
        };
        let section = match input.section.trim() {
            "" => "—".to_string(),
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
        .parse(&ctx.state.email_domains)
        .map_err(|errs| {
            ApiError::Invalid(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；").into())
        })?;
        let mut current_roles = account.roles.clone();
        current_roles.sort();
        if kind == RequestKind::Change && current_roles == form.roles {
            return Err(ApiError::Invalid("新的申請權限與現有權限相同；不需異動請標記維持".into()));
        }
        let new = NewRequest {
            kind,
            employee_no: account.employee_no.clone(),
            form_json: serde_json::to_string(&form).map_err(crate::api::internal)?,
            unit_id: review.unit_id,
            target_unit_id: account.unit_id,
            roles: form.roles.clone(),
            filed_by: actor.account_id,
            now,
        };
        let draft = ctx.trail(TrailAction::AccountRequestFiled).details(serde_json::json!({
            "kind": kind.code(), "employee_no": new.employee_no,
            "roles": form.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "permission_review": review.id,
        }));
        let id = store.create_request(&new, draft).await.map_err(crate::api::internal)?;
        filed = Some(id);
        Some(id)
    };
    let draft = ctx.trail(TrailAction::PermissionReviewChanged).details(serde_json::json!({
        "review_id": review.id, "employee_no": item.employee_no, "request_id": request_id,
        "account_disabled": account.disabled,
    }));
    let note = if account.disabled && note.is_empty() {
        format!("帳號已停用（{}）", account.disabled_reason.clone().unwrap_or_default())
    } else {
        note
    };
    match store.decide_review_item(item.id, decision, request_id, &note, actor.account_id, now, draft).await {
        Ok(()) => Ok(DecisionOutcome { request_id }),
        Err(e) => {
            // the item was decided meanwhile: take back the request just filed
            if let Some(id) = filed {
                let draft = ctx
                    .trail(TrailAction::AccountRequestWithdrawn)
                    .details(serde_json::json!({ "reason": "permission review item decided meanwhile" }));
                if let Err(e) = store
                    .transition(
                        id,
                        &Transition::Withdraw,
                        actor.account_id,
                        "權限審查項目已由他人處理，自動撤回",
                        now,
                        draft,
                    )
                    .await
                {
                    tracing::error!(request = id, error = %e, "could not withdraw a request filed by a review");
                }
            }
            match e {
                StoreError::Stale(_) => Err(stale()),
                e => Err(crate::api::internal(e)),
            }
        }
    }
}

/// Sign the review off (簽核): every account must be marked keep or change.
#[server(prefix = "/api", endpoint = "accounts/review/sign")]
pub async fn sign_review(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::{AccountDecision, StoreError};
    let ctx = crate::api::guard(SignReview::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let review = super::imp::load_review(&ctx, id).await?;
    super::imp::require_manager(&ctx, actor, review.unit_id, SignReview::PATH).await?;
    if review.signed_at.is_some() {
        return Err(ApiError::Invalid("此次審查已簽核".into()));
    }
    let note = note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("審查意見最多 500 字".into()));
    }
    let items = store.review_items(id).await.map_err(crate::api::internal)?;
    let open = items.iter().filter(|i| i.decision.is_none()).count();
    if open > 0 {
        return Err(ApiError::Invalid(format!("尚有 {open} 個帳號未標記維持或異動，不能簽核").into()));
    }
    let changed = items.iter().filter(|i| i.decision == Some(AccountDecision::Change)).count();
    let draft = ctx.trail(TrailAction::PermissionReviewSigned).details(serde_json::json!({
        "unit_id": review.unit_id, "quarter": review.quarter, "accounts": items.len(), "changed": changed,
    }));
    store.sign_review(id, actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => ApiError::Invalid("審查已簽核或有帳號尚未標記，請重新整理".into()),
        e => crate::api::internal(e),
    })
}

/// The unit's reviews, newest quarter first.
#[server(prefix = "/api", endpoint = "accounts/review/list")]
pub async fn list_reviews(unit_id: i64) -> Result<Vec<ReviewSummary>, ApiError> {
    use crate::server::store::AccountDecision;
    let ctx = crate::api::guard(ListReviews::PATH).await?;
    let actor = ctx.actor()?;
    if !super::imp::may_view(&ctx, actor, unit_id).await? {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, ListReviews::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    let store = &ctx.state.store;
    let mut out = Vec::new();
    for r in store.list_reviews(Some(unit_id)).await.map_err(crate::api::internal)? {
        let items = store.review_items(r.id).await.map_err(crate::api::internal)?;
        let (quarter_zh, quarter_en) = super::imp::quarter_labels(&r.quarter);
        out.push(ReviewSummary {
            id: r.id,
            quarter: r.quarter.clone(),
            quarter_zh,
            quarter_en,
            started_at: r.started_at,
            signed_at: r.signed_at,
            signed_by: super::imp::person(&ctx, r.signed_by).await,
            accounts: items.len(),
            kept: items.iter().filter(|i| i.decision == Some(AccountDecision::Keep)).count(),
            changed: items.iter().filter(|i| i.decision == Some(AccountDecision::Change)).count(),
            flagged_idle: items.iter().filter(|i| i.flagged_idle).count(),
        });
    }
    Ok(out)
}
