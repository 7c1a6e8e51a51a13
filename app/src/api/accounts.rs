//! Account lifecycle API: the account change request (附件五) through its workflow, and the
//! account manager's immediate revocation (六(三), 八(四)).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::forms::account_request::{
    AccountRequestForm, AccountRequestInput, DeclineReason, RequestKind, RequestState,
};
#[cfg(feature = "ssr")]
use crate::domain::forms::account_request::{ReviewDecision, RevokeReason};
use crate::domain::Role;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub kind: RequestKind,
    pub employee_no: String,
    pub user_name: String,
    pub state: RequestState,
    pub unit_name: String,
    pub target_unit_name: String,
    pub filed_at: DateTime<Utc>,
    pub effective_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub form: AccountRequestForm,
    pub roles: Vec<Role>,
    pub decline_reason: Option<DeclineReason>,
    pub decline_text: Option<String>,
    /// Why the request could not be applied, or was superseded.
    pub failure_reason: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub can_endorse: bool,
    pub can_review: bool,
    pub can_withdraw: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// For an approved 新增: the initial password, shown once to the manager.
    pub one_time_password: Option<String>,
    /// True when the change took effect at once.
    pub applied: bool,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;

    /// Refuse roles that accounts of the unit may not hold (see [`Role::allowed_in`]).
    pub async fn roles_suit_unit(ctx: &crate::api::Ctx, roles: &[Role], unit_id: i64) -> Result<(), ApiError> {
        let unit = ctx.state.store.unit(unit_id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
        Role::check_for_unit(roles, unit.kind, &unit.code).map_err(crate::error::invalid)
    }
    use crate::server::{auth::Actor, store::RequestRecord};

    pub async fn unit_name(ctx: &crate::api::Ctx, id: i64) -> String {
        ctx.state.store.unit(id).await.ok().flatten().map(|u| u.name_zh).unwrap_or_default()
    }

    pub async fn summary(ctx: &crate::api::Ctx, r: &RequestRecord) -> Result<RequestSummary, ApiError> {
        let form: AccountRequestForm = serde_json::from_str(&r.form).map_err(crate::api::internal)?;
        Ok(RequestSummary {
            id: r.id,
            kind: form.kind,
            employee_no: r.employee_no.clone(),
            user_name: form.user_name.clone(),
            state: r.state,
            unit_name: unit_name(ctx, r.unit_id).await,
            target_unit_name: unit_name(ctx, r.target_unit_id).await,
            filed_at: r.filed_at,
            effective_at: r.effective_at,
        })
    }

    /// May the caller see this request: its filer, its subject, and the supervisors, managers
    /// and deputies of the units it concerns; administrators.
    pub async fn may_see(ctx: &crate::api::Ctx, actor: &Actor, r: &RequestRecord) -> Result<bool, ApiError> {
        use crate::server::authz::{acts_as_manager, acts_as_supervisor};
        let now = Utc::now();
        let s = &ctx.state.store;
        Ok(r.filed_by == actor.account_id
            || r.employee_no == actor.employee_no
            || actor.has(Role::Admin)
            || acts_as_supervisor(s, actor, r.unit_id, now).await.map_err(crate::api::internal)?
            || acts_as_manager(s, actor, r.target_unit_id, now).await.map_err(crate::api::internal)?
            || acts_as_manager(s, actor, r.unit_id, now).await.map_err(crate::api::internal)?)
    }

    pub async fn load(ctx: &crate::api::Ctx, id: i64) -> Result<RequestRecord, ApiError> {
        ctx.state.store.request(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)
    }

    pub fn stale(e: crate::server::store::StoreError) -> ApiError {
        match e {
            crate::server::store::StoreError::Stale(_) => {
                ApiError::Invalid("申請單狀態已變更，請重新整理後再試".into())
            }
            e => crate::api::internal(e),
        }
    }

    pub fn open(r: &RequestRecord) -> bool {
        r.state.is_open()
    }
}

/// File a request (for oneself or a colleague of one's unit).
#[server(prefix = "/api", endpoint = "accounts/requests/file", input = Json)]
pub async fn file_request(input: AccountRequestInput) -> Result<i64, ApiError> {
    use crate::server::store::{NewRequest, StoreError};
    let ctx = super::guard(FileRequest::PATH).await?;
    let actor = ctx.actor()?;
    let form = input.parse(&ctx.state.email_domains).map_err(|errs| {
        ApiError::Invalid(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；").into())
    })?;
    let store = &ctx.state.store;
    let existing = store.account_by_employee_no(form.employee_no.as_str()).await.map_err(super::internal)?;
    let target_unit_id = match form.kind {
        RequestKind::Create => actor.unit_id,
        RequestKind::Change | RequestKind::Cancel => {
            let Some(acc) = existing.as_ref().filter(|a| !a.disabled) else {
                return Err(ApiError::Invalid("查無此員工編號的有效帳號".into()));
            };
            if acc.unit_id != actor.unit_id {
                crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, FileRequest::PATH, "other_unit_account")
                    .await;
                return Err(ApiError::Invalid("只能為本單位的同仁申請異動或註銷".into()));
            }
            match (&form.target_unit, form.kind) {
                (Some(code), RequestKind::Change) => {
                    let u = store
                        .unit_by_code(code)
                        .await
                        .map_err(super::internal)?
                        .filter(|u| u.active)
                        .ok_or_else(|| ApiError::Invalid(format!("沒有這個單位：{code}").into()))?;
                    u.id
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
    imp::roles_suit_unit(&ctx, &held, target_unit_id).await?;
    let new = NewRequest {
        kind: form.kind,
        employee_no: form.employee_no.as_str().to_string(),
        form_json: serde_json::to_string(&form).map_err(super::internal)?,
        unit_id: actor.unit_id,
        target_unit_id,
        roles: form.roles.clone(),
        filed_by: actor.account_id,
        now: Utc::now(),
    };
    let draft = ctx.trail(TrailAction::AccountRequestFiled).details(serde_json::json!({
        "kind": form.kind.code(), "employee_no": new.employee_no,
        "roles": form.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    store.create_request(&new, draft).await.map_err(|e| match e {
        StoreError::Duplicate(_) => {
            ApiError::Invalid("使用者帳號重複：此員工編號已有有效帳號或尚在辦理中的新增申請".into())
        }
        e => super::internal(e),
    })
}

/// Requests the caller may see, newest first; filters by state, unit (administrators; others see
/// their own unit's) and filing date (ROC).
#[server(prefix = "/api", endpoint = "accounts/requests")]
pub async fn list_requests(
    state: String,
    unit: i64,
    from: String,
    to: String,
) -> Result<Vec<RequestSummary>, ApiError> {
    use crate::server::store::{RequestFilter, RequestState};
    let ctx = super::guard(ListRequests::PATH).await?;
    let actor = ctx.actor()?;
    let day = |s: &str, label: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        let d = crate::domain::RocDate::parse(s).map_err(|e| ApiError::Invalid(format!("{label}：{e}").into()))?;
        Ok(Some(crate::domain::taipei_midnight(d.gregorian())))
    };
    let state = match state.trim() {
        "" => None,
        s => Some(RequestState::parse(s).ok_or_else(|| ApiError::Invalid("沒有這個狀態".into()))?),
    };
    let filter = RequestFilter {
        state,
        unit_id: if actor.has(Role::Admin) { (unit > 0).then_some(unit) } else { Some(actor.unit_id) },
        from: day(&from, "起日")?,
        to: day(&to, "迄日")?.map(|t| t + chrono::Duration::days(1)),
    };
    let rows = ctx.state.store.list_requests(&filter).await.map_err(super::internal)?;
    let mut out = Vec::new();
    for r in &rows {
        if imp::may_see(&ctx, actor, r).await? {
            out.push(imp::summary(&ctx, r).await?);
        }
    }
    Ok(out)
}

#[server(prefix = "/api", endpoint = "accounts/requests/get")]
pub async fn get_request(id: i64) -> Result<RequestDetail, ApiError> {
    use crate::server::authz::{acts_as_manager, acts_as_supervisor};
    let ctx = super::guard(GetRequest::PATH).await?;
    let actor = ctx.actor()?;
    let r = imp::load(&ctx, id).await?;
    if !imp::may_see(&ctx, actor, &r).await? {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, GetRequest::PATH, "not_party").await;
        return Err(ApiError::Forbidden);
    }
    let now = Utc::now();
    let store = &ctx.state.store;
    let mut timeline = Vec::new();
    for e in store.request_events(id).await.map_err(super::internal)? {
        let actor_name = match e.actor_id {
            Some(a) => store
                .account(a)
                .await
                .ok()
                .flatten()
                .map(|a| format!("{} ({})", a.name, a.employee_no))
                .unwrap_or_default(),
            None => "系統".into(),
        };
        timeline.push(TimelineEntry { at: e.at, action: e.action, actor: actor_name, note: e.note });
    }
    let own = r.filed_by == actor.account_id || r.employee_no == actor.employee_no;
    let state = r.state;
    use crate::server::store::RequestState as S;
    Ok(RequestDetail {
        summary: imp::summary(&ctx, &r).await?,
        form: serde_json::from_str(&r.form).map_err(super::internal)?,
        roles: r.role_list(),
        decline_reason: r.decline_reason,
        decline_text: r.decline_text.clone(),
        failure_reason: r.failure_reason.clone(),
        timeline,
        can_endorse: state == S::Filed
            && !own
            && acts_as_supervisor(store, actor, r.unit_id, now).await.map_err(super::internal)?,
        can_review: state == S::Endorsed
            && !own
            && acts_as_manager(store, actor, r.target_unit_id, now).await.map_err(super::internal)?,
        can_withdraw: matches!(state, S::Filed | S::Endorsed) && r.filed_by == actor.account_id,
    })
}

/// 業務單位核章: the filing unit's supervisor (or delegate) signs off.
#[server(prefix = "/api", endpoint = "accounts/requests/endorse")]
pub async fn endorse_request(id: i64) -> Result<(), ApiError> {
    use crate::server::store::Transition;
    let ctx = super::guard(EndorseRequest::PATH).await?;
    let actor = ctx.actor()?;
    let r = imp::load(&ctx, id).await?;
    let now = Utc::now();
    if !crate::server::authz::acts_as_supervisor(&ctx.state.store, actor, r.unit_id, now)
        .await
        .map_err(super::internal)?
    {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, EndorseRequest::PATH, "not_unit_supervisor").await;
        return Err(ApiError::Forbidden);
    }
    if r.filed_by == actor.account_id || r.employee_no == actor.employee_no {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, EndorseRequest::PATH, "own_request").await;
        return Err(ApiError::Invalid("不可核章自己申請或與自己有關的申請單".into()));
    }
    let draft = ctx.trail(TrailAction::AccountRequestEndorsed);
    ctx.state.store.transition(id, &Transition::Endorse, actor.account_id, "", now, draft).await.map_err(imp::stale)
}

/// The account manager's (or deputy's) review: `provide`, or `decline` with a reason.
/// `effective` is the 異動時間 in Taipei time (`YYYY-MM-DDTHH:MM`), blank for now.
#[server(prefix = "/api", endpoint = "accounts/requests/review")]
pub async fn review_request(
    id: i64,
    decision: String,
    reason: String,
    text: String,
    effective: String,
) -> Result<ReviewOutcome, ApiError> {
    use crate::server::{auth, store::Transition};
    let ctx = super::guard(ReviewRequest::PATH).await?;
    let actor = ctx.actor()?;
    let r = imp::load(&ctx, id).await?;
    let now = Utc::now();
    if !crate::server::authz::acts_as_manager(&ctx.state.store, actor, r.target_unit_id, now)
        .await
        .map_err(super::internal)?
    {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, ReviewRequest::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    if r.filed_by == actor.account_id || r.employee_no == actor.employee_no {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, ReviewRequest::PATH, "own_request").await;
        return Err(ApiError::Invalid("不可審核自己申請或與自己有關的申請單".into()));
    }
    if !imp::open(&r) {
        return Err(ApiError::Invalid("申請單已結案".into()));
    }
    let decision =
        ReviewDecision::parse(decision.trim()).ok_or_else(|| ApiError::Invalid("請選擇提供或不提供".into()))?;
    if decision == ReviewDecision::Provide {
        imp::roles_suit_unit(&ctx, &r.role_list(), r.target_unit_id).await?;
    }
    match decision {
        ReviewDecision::Decline => {
            let Some(why) = DeclineReason::parse(reason.trim()) else {
                return Err(ApiError::Invalid("請選擇不提供的原因".into()));
            };
            let text = text.trim().to_string();
            if why == DeclineReason::Other && text.is_empty() {
                return Err(ApiError::Invalid("請說明其他原因".into()));
            }
            let draft =
                ctx.trail(TrailAction::AccountRequestDeclined).details(serde_json::json!({ "reason": why.code() }));
            let step = Transition::Decline { reason: why, text: text.clone() };
            let note = if text.is_empty() { why.zh().to_string() } else { format!("{}：{text}", why.zh()) };
            ctx.state.store.transition(id, &step, actor.account_id, &note, now, draft).await.map_err(imp::stale)?;
            Ok(ReviewOutcome { one_time_password: None, applied: false })
        }
        ReviewDecision::Provide => {
            let effective_at = if effective.trim().is_empty() {
                now
            } else {
                use chrono::TimeZone;
                let local = chrono::NaiveDateTime::parse_from_str(effective.trim(), "%Y-%m-%dT%H:%M")
                    .map_err(|_| ApiError::Invalid("異動時間格式錯誤".into()))?;
                let t = crate::domain::taipei_offset()
                    .from_local_datetime(&local)
                    .single()
                    .ok_or_else(|| ApiError::Invalid("異動時間格式錯誤".into()))?
                    .with_timezone(&Utc);
                // a minute's grace for the form being filled in
                if t < now - chrono::Duration::minutes(1) {
                    return Err(ApiError::Invalid("異動時間不可早於現在".into()));
                }
                t.max(now)
            };
            let (password, hash) = if r.kind == RequestKind::Create {
                let p = auth::generate_password();
                let h = auth::hash_password(p.clone()).await.map_err(super::internal)?;
                (Some(p), Some(h))
            } else {
                (None, None)
            };
            let draft = ctx
                .trail(TrailAction::AccountRequestApproved)
                .details(serde_json::json!({ "effective_at": effective_at }));
            let step = Transition::Approve { effective_at, initial_password_hash: hash };
            ctx.state.store.transition(id, &step, actor.account_id, "", now, draft).await.map_err(imp::stale)?;
            let mut applied = false;
            if effective_at <= now {
                let draft =
                    ctx.trail(TrailAction::AccountRequestApplied).details(serde_json::json!({ "request_id": id }));
                match ctx.state.store.apply_request(id, now, draft).await.map_err(imp::stale)? {
                    crate::server::store::Applied::Account(_) => applied = true,
                    // closed as failed, with its reason on the request
                    crate::server::store::Applied::Failed(why) => {
                        return Err(ApiError::Invalid(format!("已核准，但未能生效：{why}（本申請已結案）").into()))
                    }
                }
            }
            Ok(ReviewOutcome { one_time_password: password, applied })
        }
    }
}

/// The filer withdraws a request not yet reviewed.
#[server(prefix = "/api", endpoint = "accounts/requests/withdraw")]
pub async fn withdraw_request(id: i64) -> Result<(), ApiError> {
    use crate::server::store::Transition;
    let ctx = super::guard(WithdrawRequest::PATH).await?;
    let actor = ctx.actor()?;
    let r = imp::load(&ctx, id).await?;
    if r.filed_by != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, WithdrawRequest::PATH, "not_filer").await;
        return Err(ApiError::Forbidden);
    }
    let draft = ctx.trail(TrailAction::AccountRequestWithdrawn);
    ctx.state
        .store
        .transition(id, &Transition::Withdraw, actor.account_id, "", Utc::now(), draft)
        .await
        .map_err(imp::stale)
}

/// The account manager disables an account of the unit at once (rights end and sessions die in
/// this request); the successor files a new request.
#[server(prefix = "/api", endpoint = "accounts/revoke")]
pub async fn revoke_account(account_id: i64, reason: String, text: String) -> Result<(), ApiError> {
    let ctx = super::guard(RevokeAccount::PATH).await?;
    let actor = ctx.actor()?;
    let target = ctx.state.store.account(account_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    let now = Utc::now();
    if !crate::server::authz::acts_as_manager(&ctx.state.store, actor, target.unit_id, now)
        .await
        .map_err(super::internal)?
    {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, RevokeAccount::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    if target.id == actor.account_id {
        return Err(ApiError::Invalid("不可停用自己的帳號".into()));
    }
    let Some(code) = RevokeReason::parse(reason.trim()) else {
        return Err(ApiError::Invalid("請選擇停用原因".into()));
    };
    let text = text.trim();
    if code == RevokeReason::Other && text.is_empty() {
        return Err(ApiError::Invalid("請說明其他原因".into()));
    }
    let why = if text.is_empty() { code.zh().to_string() } else { format!("{}：{text}", code.zh()) };
    let draft = ctx
        .trail(TrailAction::AccountRevoke)
        .object("account", target.id)
        .details(serde_json::json!({ "reason": code.code(), "text": text, "employee_no": target.employee_no }));
    ctx.state.store.set_disabled(target.id, true, Some(&why), draft).await.map_err(super::internal)
}

/// The accounts of the caller's unit (manager or deputy), for revocation.
#[server(prefix = "/api", endpoint = "accounts/unit")]
pub async fn unit_accounts() -> Result<Vec<super::admin::AccountView>, ApiError> {
    let ctx = super::guard(UnitAccounts::PATH).await?;
    let actor = ctx.actor()?;
    if !crate::server::authz::acts_as_manager(&ctx.state.store, actor, actor.unit_id, Utc::now())
        .await
        .map_err(super::internal)?
    {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, UnitAccounts::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    let all = ctx.state.store.list_accounts().await.map_err(super::internal)?;
    let mine: Vec<_> = all.into_iter().filter(|a| a.unit_id == actor.unit_id).collect();
    let draft = ctx
        .trail(TrailAction::AccountList)
        .details(serde_json::json!({ "unit_id": actor.unit_id, "count": mine.len() }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(mine.into_iter().map(super::admin::account_view).collect())
}

/// What the request form needs from the server: the allowed e-mail domains.
#[server(prefix = "/api", endpoint = "accounts/form-config")]
pub async fn request_form_config() -> Result<Vec<String>, ApiError> {
    let ctx = super::guard(RequestFormConfig::PATH).await?;
    Ok(ctx.state.email_domains.as_ref().clone())
}
