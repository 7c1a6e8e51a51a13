//! The quarterly account permission review (八(三): 每季進行系統帳號權限審查) and the account
//! manager's hand-over (六(二): 列冊移交; 接辦人員應另行申請更改密碼).
//!
//! Who: the unit's account manager, or the deputy while designated (六(一)), through
//! `server::authz::acts_as_manager` — which also refuses an incoming manager who
//! acknowledged a hand-over and has not changed the password since. Viewing a review is also
//! open to administrators, the unit's internal auditor and external auditors. Every change and
//! every read of the accounts' data writes an trail event.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::Role;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// Where a unit's review of the current quarter stands (for the home page and the review page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReviewStatus {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_zh: String,
    pub unit_en: String,
    /// Managed as the designated deputy (not by the account manager role).
    pub as_deputy: bool,
    /// `2026Q4`
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub state: crate::domain::review::ReviewState,
    /// The deadline of this quarter's review, an ROC date (`115/10/30`).
    pub deadline: Option<String>,
    /// This quarter's review, when started.
    pub current_review_id: Option<i64>,
    pub current_signed: bool,
    /// 前次盤點日期: the last signed review.
    pub last_signed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewStatus {
    /// The units the caller manages (by role or designation), even while a password change
    /// after a hand-over holds the caller back.
    pub units: Vec<UnitReviewStatus>,
    /// The caller acknowledged a hand-over at this time and must change the password before
    /// any manager action (六(二)).
    pub password_change_for_handover: Option<DateTime<Utc>>,
    /// Hand-over lists waiting for the caller's acknowledgment.
    pub handovers_to_acknowledge: usize,
    /// The idle period in days.
    pub idle_days: i64,
}

impl ReviewStatus {
    pub fn overdue(&self) -> bool {
        self.units.iter().any(|u| u.state == crate::domain::review::ReviewState::Overdue)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItemView {
    pub id: i64,
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_query_at: Option<DateTime<Utc>>,
    pub idle_days: i64,
    pub flagged_idle: bool,
    /// `keep`, `change`, or none yet.
    pub decision: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub note: String,
    /// The account change request the decision opened (or linked).
    pub request_id: Option<i64>,
    pub request_state_zh: Option<String>,
    pub request_state_en: Option<String>,
    /// The account is still active (it may have been disabled since the review began).
    pub account_active: bool,
    /// For the change form: the account's e-mail and the section of its latest request.
    pub email: String,
    pub section: String,
    /// An open 異動/註銷 request for the account, which a change may link instead of filing one.
    pub open_request_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_zh: String,
    pub unit_en: String,
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub idle_threshold: i64,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub note: String,
    pub items: Vec<ReviewItemView>,
    /// The caller may decide items and sign off.
    pub can_act: bool,
}

impl ReviewView {
    pub fn undecided(&self) -> usize {
        self.items.iter().filter(|i| i.decision.is_none()).count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: i64,
    pub quarter: String,
    pub quarter_zh: String,
    pub quarter_en: String,
    pub started_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub accounts: usize,
    pub kept: usize,
    pub changed: usize,
    pub flagged_idle: usize,
}

/// A decision on one account of the review.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    pub item_id: i64,
    /// `keep` or `change`
    pub decision: String,
    /// For a change: `change` (異動, with the new roles) or `cancel` (註銷).
    pub kind: String,
    pub roles: Vec<String>,
    /// 異動原因 (blank: "帳號權限審查（quarter）").
    pub reason: String,
    /// The 公務信箱 on the request (pre-filled with the account's).
    pub email: String,
    /// 科(課)室名稱 (blank: "—").
    pub section: String,
    /// Link this open 異動/註銷 request of the account instead of filing a new one.
    pub request_id: Option<i64>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionOutcome {
    /// The request the change opened or linked.
    pub request_id: Option<i64>,
}

/// An open request on a hand-over list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverRequestLine {
    pub id: i64,
    pub kind_zh: String,
    pub employee_no: String,
    pub user_name: String,
    pub state_zh: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverReviewLine {
    pub quarter: String,
    pub quarter_zh: String,
    pub signed_at: DateTime<Utc>,
}

/// 移交清冊: what the outgoing manager hands over, as it stood when the list was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverList {
    /// Account change requests of the unit still in the workflow.
    pub open_requests: Vec<HandoverRequestLine>,
    /// The last signed permission review.
    pub last_review: Option<HandoverReviewLine>,
    /// Pending items: found by the system, then the outgoing manager's lines.
    pub pending: Vec<String>,
    /// Documents held (所負責保管之相關文件資料), one per line.
    pub documents: Vec<String>,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandoverInput {
    /// The unit's code; blank for the caller's own unit.
    pub unit_code: String,
    /// Blank for the caller; an administrator names the outgoing manager.
    pub outgoing_employee_no: String,
    pub incoming_employee_no: String,
    /// Pending items, one per line.
    pub pending: String,
    /// Documents held, one per line.
    pub documents: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverView {
    pub id: i64,
    pub unit_zh: String,
    pub unit_en: String,
    pub outgoing: String,
    pub incoming: String,
    pub incoming_employee_no: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub list: HandoverList,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub ack_note: String,
    pub superseded: bool,
    /// The caller is the incoming account and the list is open.
    pub can_acknowledge: bool,
    /// Acknowledged, and the incoming account has not changed its password since.
    pub password_change_pending: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverCandidate {
    pub employee_no: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandoverOverview {
    pub handovers: Vec<HandoverView>,
    /// The caller is the account manager of this unit and may hand it over.
    pub own_unit: Option<(String, String)>,
    /// Accounts of the caller's unit that may take over.
    pub candidates: Vec<HandoverCandidate>,
    /// An administrator may make a list for any unit, naming the outgoing manager.
    pub is_admin: bool,
    /// The caller must change the password before acting as manager.
    pub password_change_pending: bool,
}

#[cfg(feature = "ssr")]
pub(crate) mod imp {
    use super::*;
    use crate::api::Ctx;
    use crate::server::{
        auth::Actor,
        authz::acts_as_manager,
        reviews,
        store::{ReviewItemRecord, ReviewRecord},
    };


    /// Refuse (audited) unless the caller acts as the unit's manager now. An incoming manager
    /// held back by the hand-over rule is told to change the password.
    pub async fn require_manager(ctx: &Ctx, actor: &Actor, unit_id: i64, path: &str) -> Result<(), ApiError> {
        let now = Utc::now();
        let store = &ctx.state.store;
        if acts_as_manager(store, actor, unit_id, now).await.map_err(crate::api::internal)? {
            return Ok(());
        }
        let manages = reviews::managed_units(store, actor, now)
            .await
            .map_err(crate::api::internal)?
            .iter()
            .any(|m| m.unit_id == unit_id);
        if manages {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "handover_password_change").await;
            return Err(ApiError::PasswordChangeRequired);
        }
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_unit_manager").await;
        Err(ApiError::Forbidden)
    }

    /// Managers and deputies of the unit, administrators, the unit's internal auditor and
    /// external auditors may read its reviews.
    pub async fn may_view(ctx: &Ctx, actor: &Actor, unit_id: i64) -> Result<bool, ApiError> {
        Ok(actor.has(Role::Admin)
            || actor.has(Role::ExternalAuditor)
            || (actor.has(Role::InternalAuditor) && actor.unit_id == unit_id)
            || acts_as_manager(&ctx.state.store, actor, unit_id, Utc::now()).await.map_err(crate::api::internal)?)
    }

    pub async fn person(ctx: &Ctx, id: Option<i64>) -> Option<String> {
        let a = ctx.state.store.account(id?).await.ok().flatten()?;
        Some(format!("{} ({})", a.name, a.employee_no))
    }

    pub fn quarter_labels(code: &str) -> (String, String) {
        match reviews::Quarter::parse(code) {
            Some(q) => (q.zh(), q.en()),
            None => (code.to_string(), code.to_string()),
        }
    }

    pub async fn load_review(ctx: &Ctx, id: i64) -> Result<ReviewRecord, ApiError> {
        ctx.state.store.review(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)
    }

    pub async fn load_item(ctx: &Ctx, id: i64) -> Result<ReviewItemRecord, ApiError> {
        ctx.state.store.review_item(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)
    }

    /// Lines of a text area: trimmed, blank ones dropped; at most 50 of at most 200 characters.
    pub fn lines(text: &str, label: &str) -> Result<Vec<String>, ApiError> {
        let out: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        if out.len() > 50 {
            return Err(ApiError::Invalid(format!("{label}最多 50 行")));
        }
        if out.iter().any(|l| l.chars().count() > 200) {
            return Err(ApiError::Invalid(format!("{label}每行最多 200 字")));
        }
        Ok(out)
    }

    pub async fn unit_status(
        ctx: &Ctx,
        m: reviews::Managed,
        now: DateTime<Utc>,
    ) -> Result<Option<UnitReviewStatus>, ApiError> {
        let store = &ctx.state.store;
        let Some(unit) = store.unit(m.unit_id).await.map_err(crate::api::internal)? else { return Ok(None) };
        let today = reviews::taipei_date(now);
        let quarter = reviews::Quarter::of(today);
        let list = store.list_reviews(Some(m.unit_id)).await.map_err(crate::api::internal)?;
        let signed = |q: reviews::Quarter| list.iter().any(|r| r.quarter == q.code() && r.signed_at.is_some());
        let current = list.iter().find(|r| r.quarter == quarter.code());
        let since = reviews::unit_since(store, m.unit_id).await.map_err(crate::api::internal)?;
        let state = reviews::review_state(today, since, signed(quarter), signed(quarter.previous()));
        let deadline = reviews::deadline(quarter, since)
            .and_then(|d| crate::domain::RocDate::from_gregorian(d).ok())
            .map(|d| d.short());
        Ok(Some(UnitReviewStatus {
            unit_id: unit.id,
            unit_code: unit.code,
            unit_zh: unit.name_zh,
            unit_en: unit.name_en,
            as_deputy: m.as_deputy,
            quarter: quarter.code(),
            quarter_zh: quarter.zh(),
            quarter_en: quarter.en(),
            state,
            deadline,
            current_review_id: current.map(|r| r.id),
            current_signed: current.is_some_and(|r| r.signed_at.is_some()),
            last_signed_at: list.iter().filter_map(|r| r.signed_at).max(),
        }))
    }

    pub async fn handover_view(
        ctx: &Ctx,
        actor: &Actor,
        h: &crate::server::store::HandoverRecord,
    ) -> Result<HandoverView, ApiError> {
        let store = &ctx.state.store;
        let unit = store.unit(h.unit_id).await.map_err(crate::api::internal)?;
        let incoming = store.account(h.incoming_id).await.map_err(crate::api::internal)?;
        let changed_at = incoming.as_ref().map(|a| a.password_changed_at);
        Ok(HandoverView {
            id: h.id,
            unit_zh: unit.as_ref().map(|u| u.name_zh.clone()).unwrap_or_default(),
            unit_en: unit.as_ref().map(|u| u.name_en.clone()).unwrap_or_default(),
            outgoing: person(ctx, Some(h.outgoing_id)).await.unwrap_or_default(),
            incoming: incoming.as_ref().map(|a| format!("{} ({})", a.name, a.employee_no)).unwrap_or_default(),
            incoming_employee_no: incoming.as_ref().map(|a| a.employee_no.clone()).unwrap_or_default(),
            created_by: person(ctx, Some(h.created_by)).await.unwrap_or_default(),
            created_at: h.created_at,
            list: serde_json::from_str(&h.list).map_err(crate::api::internal)?,
            acknowledged_at: h.acknowledged_at,
            ack_note: h.ack_note.clone(),
            superseded: h.superseded_by.is_some(),
            can_acknowledge: h.is_open() && h.incoming_id == actor.account_id,
            password_change_pending: h.acknowledged_at.is_some_and(|ack| changed_at.is_some_and(|c| c <= ack)),
        })
    }
}

/// The review status of every unit the caller manages, whether a hand-over holds the caller
/// back, and hand-over lists waiting for the caller. Empty for everyone else.
#[server(name = ReviewStatusFn, prefix = "/api", endpoint = "accounts/review/status")]
pub async fn review_status() -> Result<ReviewStatus, ApiError> {
    let ctx = super::guard(ReviewStatusFn::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let mut units = Vec::new();
    for m in crate::server::reviews::managed_units(store, actor, now).await.map_err(super::internal)? {
        if let Some(u) = imp::unit_status(&ctx, m, now).await? {
            units.push(u);
        }
    }
    let waiting = store
        .list_handovers(None, Some(actor.account_id))
        .await
        .map_err(super::internal)?
        .iter()
        .filter(|h| h.incoming_id == actor.account_id && h.is_open())
        .count();
    Ok(ReviewStatus {
        units,
        password_change_for_handover: store
            .pending_handover_password(actor.account_id)
            .await
            .map_err(super::internal)?,
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
    let ctx = super::guard(StartReview::PATH).await?;
    let actor = ctx.actor()?;
    imp::require_manager(&ctx, actor, unit_id, StartReview::PATH).await?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let quarter = Quarter::of_instant(now);
    let existing = store.review_for(unit_id, &quarter.code()).await.map_err(super::internal)?;
    let review = match existing {
        Some(r) => r,
        None => {
            let items = snapshot(store, unit_id, ctx.state.idle_days, now).await.map_err(super::internal)?;
            let new = NewReview {
                unit_id,
                quarter: quarter.code(),
                idle_threshold: ctx.state.idle_days,
                started_by: actor.account_id,
                now,
                items,
            };
            let draft =
                ctx.trail(TrailAction::PermissionReviewStarted).details(serde_json::json!({
                    "unit_id": unit_id, "quarter": new.quarter, "accounts": new.items.len(),
                    "flagged_idle": new.items.iter().filter(|i| i.flagged_idle).count(),
                }));
            match store.start_review(&new, draft).await {
                Ok(id) => return Ok(id),
                // started by someone else a moment ago
                Err(StoreError::Duplicate(_)) => store
                    .review_for(unit_id, &quarter.code())
                    .await
                    .map_err(super::internal)?
                    .ok_or(ApiError::Internal)?,
                Err(e) => return Err(super::internal(e)),
            }
        }
    };
    if review.signed_at.is_none() {
        let items = snapshot(store, unit_id, review.idle_threshold, now).await.map_err(super::internal)?;
        let draft = ctx.trail(TrailAction::PermissionReviewRefreshed)
            .details(serde_json::json!({ "unit_id": unit_id, "quarter": review.quarter, "accounts": items.len() }));
        match store.sync_review_items(review.id, &items, now, draft).await {
            Ok(()) | Err(StoreError::Stale(_)) => {}
            Err(e) => return Err(super::internal(e)),
        }
    }
    Ok(review.id)
}

/// A review with its items (a read of the accounts' data: audited).
#[server(prefix = "/api", endpoint = "accounts/review/get")]
pub async fn get_review(id: i64) -> Result<ReviewView, ApiError> {
    use crate::server::store::RequestFilter;
    let ctx = super::guard(GetReview::PATH).await?;
    let actor = ctx.actor()?;
    let r = imp::load_review(&ctx, id).await?;
    if !imp::may_view(&ctx, actor, r.unit_id).await? {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, GetReview::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    let store = &ctx.state.store;
    let can_act = r.signed_at.is_none()
        && crate::server::authz::acts_as_manager(store, actor, r.unit_id, Utc::now()).await.map_err(super::internal)?;
    let unit = store.unit(r.unit_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    // the unit's requests, newest first: for the section on the latest form and open requests
    let requests = store
        .list_requests(&RequestFilter { unit_id: Some(r.unit_id), ..Default::default() })
        .await
        .map_err(super::internal)?;
    let mut items = Vec::new();
    for it in store.review_items(r.id).await.map_err(super::internal)? {
        let account = store.account(it.account_id).await.map_err(super::internal)?;
        let mine = || requests.iter().filter(|q| q.employee_no == it.employee_no);
        let section = mine()
            .find_map(|q| {
                serde_json::from_str::<crate::domain::forms::account_request::AccountRequestForm>(&q.form)
                    .ok()
                    .map(|f| f.section)
            })
            .unwrap_or_default();
        let open_request_id = mine()
            .find(|q| {
                q.state.is_open()
                    && q.kind != crate::domain::forms::account_request::RequestKind::Create
            })
            .map(|q| q.id);
        let request = match it.request_id {
            Some(rid) => store.request(rid).await.map_err(super::internal)?,
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
            decision: it.decision.map(|d| d.code().to_string()),
            decided_at: it.decided_at,
            decided_by: imp::person(&ctx, it.decided_by).await,
            note: it.note.clone(),
            request_id: it.request_id,
            request_state_zh: req_state.map(|s| s.zh().to_string()),
            request_state_en: req_state.map(|s| s.en().to_string()),
            account_active: account.as_ref().is_some_and(|a| !a.disabled),
            email: account.map(|a| a.email).unwrap_or_default(),
            section,
            open_request_id,
        });
    }
    let draft = ctx.trail(TrailAction::PermissionReviewViewed)
        .object("permission_review", r.id)
        .details(serde_json::json!({ "unit_id": r.unit_id, "quarter": r.quarter, "accounts": items.len() }));
    store.append_trail(draft).await.map_err(super::internal)?;
    let (quarter_zh, quarter_en) = imp::quarter_labels(&r.quarter);
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
        started_by: imp::person(&ctx, Some(r.started_by)).await.unwrap_or_default(),
        signed_at: r.signed_at,
        signed_by: imp::person(&ctx, r.signed_by).await,
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
    use crate::server::store::{NewRequest, ReviewDecision, StoreError, Transition};
    let ctx = super::guard(DecideReview::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let item = imp::load_item(&ctx, input.item_id).await?;
    let review = imp::load_review(&ctx, item.review_id).await?;
    imp::require_manager(&ctx, actor, review.unit_id, DecideReview::PATH).await?;
    if review.signed_at.is_some() {
        return Err(ApiError::Invalid("此次審查已簽核，不能再變更".into()));
    }
    let decision =
        ReviewDecision::parse(input.decision.trim()).ok_or_else(|| ApiError::Invalid("請選擇維持或異動".into()))?;
    if item.decision == Some(ReviewDecision::Change) {
        return Err(ApiError::Invalid("此帳號已標記異動並開立申請單".into()));
    }
    let note = input.note.trim().to_string();
    if note.chars().count() > 200 {
        return Err(ApiError::Invalid("備註最多 200 字".into()));
    }
    let account = store.account(item.account_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    let now = Utc::now();
    let stale = || ApiError::Invalid("此項目已由他人處理或審查已簽核，請重新整理".into());
    if decision == ReviewDecision::Keep {
        if account.disabled {
            return Err(ApiError::Invalid("此帳號已停用，請標記為異動".into()));
        }
        let draft = ctx.trail(TrailAction::PermissionReviewKept)
            .details(serde_json::json!({ "review_id": review.id, "employee_no": item.employee_no }));
        return match store.decide_review_item(item.id, decision, None, &note, actor.account_id, now, draft).await {
            Ok(()) => Ok(DecisionOutcome { request_id: None }),
            Err(StoreError::Stale(_)) => Err(stale()),
            Err(e) => Err(super::internal(e)),
        };
    }

    // change: link an open request, file a new one, or (account disabled meanwhile) none
    let mut filed = None;
    let request_id = if account.disabled {
        None
    } else if let Some(rid) = input.request_id {
        let r = store.request(rid).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
        let fits = r.employee_no == account.employee_no
            && r.kind != RequestKind::Create
            && (r.state.is_open() || r.filed_at >= review.started_at);
        if !fits {
            return Err(ApiError::Invalid("只能連結此帳號在辦理中的異動或註銷申請單".into()));
        }
        Some(rid)
    } else {
        let kind = match input.kind.trim() {
            "change" => RequestKind::Change,
            "cancel" => RequestKind::Cancel,
            _ => return Err(ApiError::Invalid("請選擇異動（變更權限）或註銷".into())),
        };
        let unit = store.unit(review.unit_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
        let (quarter_zh, _) = imp::quarter_labels(&review.quarter);
        let today = crate::domain::RocDate::from_gregorian(crate::server::reviews::taipei_date(now))
            .map(|d| d.short())
            .map_err(super::internal)?;
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
        .map_err(|errs| ApiError::Invalid(errs.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；")))?;
        let mut current_roles = account.roles.clone();
        current_roles.sort();
        if kind == RequestKind::Change && current_roles == form.roles {
            return Err(ApiError::Invalid("新的申請權限與現有權限相同；不需異動請標記維持".into()));
        }
        let new = NewRequest {
            kind,
            employee_no: account.employee_no.clone(),
            form_json: serde_json::to_string(&form).map_err(super::internal)?,
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
        let id = store.create_request(&new, draft).await.map_err(super::internal)?;
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
                let draft = ctx.trail(TrailAction::AccountRequestWithdrawn)
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
                e => Err(super::internal(e)),
            }
        }
    }
}

/// Sign the review off (簽核): every account must be marked keep or change.
#[server(prefix = "/api", endpoint = "accounts/review/sign")]
pub async fn sign_review(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::{ReviewDecision, StoreError};
    let ctx = super::guard(SignReview::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let review = imp::load_review(&ctx, id).await?;
    imp::require_manager(&ctx, actor, review.unit_id, SignReview::PATH).await?;
    if review.signed_at.is_some() {
        return Err(ApiError::Invalid("此次審查已簽核".into()));
    }
    let note = note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("審查意見最多 500 字".into()));
    }
    let items = store.review_items(id).await.map_err(super::internal)?;
    let open = items.iter().filter(|i| i.decision.is_none()).count();
    if open > 0 {
        return Err(ApiError::Invalid(format!("尚有 {open} 個帳號未標記維持或異動，不能簽核")));
    }
    let changed = items.iter().filter(|i| i.decision == Some(ReviewDecision::Change)).count();
    let draft = ctx.trail(TrailAction::PermissionReviewSigned).details(serde_json::json!({
        "unit_id": review.unit_id, "quarter": review.quarter, "accounts": items.len(), "changed": changed,
    }));
    store.sign_review(id, actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => ApiError::Invalid("審查已簽核或有帳號尚未標記，請重新整理".into()),
        e => super::internal(e),
    })
}

/// The unit's reviews, newest quarter first.
#[server(prefix = "/api", endpoint = "accounts/review/list")]
pub async fn list_reviews(unit_id: i64) -> Result<Vec<ReviewSummary>, ApiError> {
    use crate::server::store::ReviewDecision;
    let ctx = super::guard(ListReviews::PATH).await?;
    let actor = ctx.actor()?;
    if !imp::may_view(&ctx, actor, unit_id).await? {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, ListReviews::PATH, "not_unit_manager").await;
        return Err(ApiError::Forbidden);
    }
    let store = &ctx.state.store;
    let mut out = Vec::new();
    for r in store.list_reviews(Some(unit_id)).await.map_err(super::internal)? {
        let items = store.review_items(r.id).await.map_err(super::internal)?;
        let (quarter_zh, quarter_en) = imp::quarter_labels(&r.quarter);
        out.push(ReviewSummary {
            id: r.id,
            quarter: r.quarter.clone(),
            quarter_zh,
            quarter_en,
            started_at: r.started_at,
            signed_at: r.signed_at,
            signed_by: imp::person(&ctx, r.signed_by).await,
            accounts: items.len(),
            kept: items.iter().filter(|i| i.decision == Some(ReviewDecision::Keep)).count(),
            changed: items.iter().filter(|i| i.decision == Some(ReviewDecision::Change)).count(),
            flagged_idle: items.iter().filter(|i| i.flagged_idle).count(),
        });
    }
    Ok(out)
}

/// Hand-over lists the caller is party to (outgoing, incoming, or manager of the unit; all for
/// administrators), with what the create form needs. Reading them is audited.
#[server(name = GetHandovers, prefix = "/api", endpoint = "accounts/handover/list")]
pub async fn handover_overview() -> Result<HandoverOverview, ApiError> {
    let ctx = super::guard(GetHandovers::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let is_admin = actor.has(Role::Admin);
    let managed = crate::server::reviews::managed_units(store, actor, now).await.map_err(super::internal)?;
    let all = store.list_handovers(None, None).await.map_err(super::internal)?;
    let mut handovers = Vec::new();
    for h in all.iter().filter(|h| {
        is_admin
            || h.outgoing_id == actor.account_id
            || h.incoming_id == actor.account_id
            || managed.iter().any(|m| m.unit_id == h.unit_id)
    }) {
        handovers.push(imp::handover_view(&ctx, actor, h).await?);
    }
    let own_unit = if actor.has(Role::AccountManager) {
        store.unit(actor.unit_id).await.map_err(super::internal)?.map(|u| (u.name_zh, u.name_en))
    } else {
        None
    };
    let candidates = if own_unit.is_some() {
        store
            .list_accounts()
            .await
            .map_err(super::internal)?
            .into_iter()
            .filter(|a| a.unit_id == actor.unit_id && !a.disabled && a.id != actor.account_id)
            .map(|a| HandoverCandidate { employee_no: a.employee_no, name: a.name })
            .collect()
    } else {
        Vec::new()
    };
    if !handovers.is_empty() || !candidates.is_empty() {
        let draft = ctx.trail(TrailAction::HandoverList)
            .details(serde_json::json!({ "handovers": handovers.len(), "candidates": candidates.len() }));
        store.append_trail(draft).await.map_err(super::internal)?;
    }
    Ok(HandoverOverview {
        handovers,
        own_unit,
        candidates,
        is_admin,
        password_change_pending: store
            .pending_handover_password(actor.account_id)
            .await
            .map_err(super::internal)?
            .is_some(),
    })
}

/// The outgoing account manager (or an administrator, naming the outgoing manager) makes the
/// hand-over list for the incoming account of the same unit. An open list of the unit is
/// superseded by it. Returns the list's id.
#[server(prefix = "/api", endpoint = "accounts/handover/create", input = Json)]
pub async fn create_handover(input: HandoverInput) -> Result<i64, ApiError> {
    use crate::server::{
        reviews::Quarter,
        store::{NewHandover, RequestFilter},
    };
    let ctx = super::guard(CreateHandover::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let unit = match input.unit_code.trim() {
        "" => store.unit(actor.unit_id).await.map_err(super::internal)?,
        code => store.unit_by_code(code).await.map_err(super::internal)?,
    }
    .ok_or_else(|| ApiError::Invalid(format!("沒有這個單位：{}", input.unit_code.trim())))?;
    let find = |emp: String| async move {
        store.account_by_employee_no(emp.trim().to_ascii_uppercase().as_str()).await.map_err(super::internal)
    };
    let outgoing = if actor.has(Role::Admin) && !input.outgoing_employee_no.trim().is_empty() {
        let a = find(input.outgoing_employee_no.clone())
            .await?
            .filter(|a| a.unit_id == unit.id)
            .ok_or_else(|| ApiError::Invalid("移交人須為該單位的帳號".into()))?;
        a.id
    } else {
        // the unit's account manager by role (a deputy does not hand the office over)
        let manager = actor.has(Role::AccountManager) && actor.unit_id == unit.id;
        if !manager && actor.has(Role::Admin) {
            return Err(ApiError::Invalid("請填寫移交人（原通行碼管理者）的員工編號".into()));
        }
        if !manager {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, CreateHandover::PATH, "not_unit_manager").await;
            return Err(ApiError::Forbidden);
        }
        imp::require_manager(&ctx, actor, unit.id, CreateHandover::PATH).await?;
        actor.account_id
    };
    let incoming = find(input.incoming_employee_no.clone())
        .await?
        .filter(|a| a.unit_id == unit.id && !a.disabled)
        .ok_or_else(|| ApiError::Invalid("接辦人須為同一單位的有效帳號".into()))?;
    if incoming.id == outgoing {
        return Err(ApiError::Invalid("接辦人不可與移交人相同".into()));
    }
    let mut pending = Vec::new();
    let quarter = Quarter::of_instant(now);
    let reviews = store.list_reviews(Some(unit.id)).await.map_err(super::internal)?;
    match reviews.iter().find(|r| r.quarter == quarter.code()) {
        Some(r) if r.signed_at.is_none() => {
            let open = store
                .review_items(r.id)
                .await
                .map_err(super::internal)?
                .iter()
                .filter(|i| i.decision.is_none())
                .count();
            pending.push(format!("{}帳號權限審查尚未簽核（未標記 {open} 筆）", quarter.zh()));
        }
        None => pending.push(format!("{}帳號權限審查尚未辦理", quarter.zh())),
        Some(_) => {}
    }
    let open_requests: Vec<HandoverRequestLine> = store
        .list_requests(&RequestFilter { unit_id: Some(unit.id), ..Default::default() })
        .await
        .map_err(super::internal)?
        .into_iter()
        .filter(|r| r.state.is_open())
        .map(|r| {
            let user_name = serde_json::from_str::<crate::domain::forms::account_request::AccountRequestForm>(&r.form)
                .map(|f| f.user_name)
                .unwrap_or_default();
            HandoverRequestLine {
                id: r.id,
                kind_zh: r.kind.zh().to_string(),
                employee_no: r.employee_no.clone(),
                user_name,
                state_zh: r.state.zh().to_string(),
            }
        })
        .collect();
    pending.extend(imp::lines(&input.pending, "待辦事項")?);
    let note = input.note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("備註最多 500 字".into()));
    }
    let list = HandoverList {
        open_requests,
        last_review: reviews.iter().filter(|r| r.signed_at.is_some()).max_by_key(|r| r.signed_at).map(|r| {
            HandoverReviewLine {
                quarter: r.quarter.clone(),
                quarter_zh: imp::quarter_labels(&r.quarter).0,
                signed_at: r.signed_at.unwrap_or_default(),
            }
        }),
        pending,
        documents: imp::lines(&input.documents, "保管文件")?,
        note,
    };
    let new = NewHandover {
        unit_id: unit.id,
        outgoing_id: outgoing,
        incoming_id: incoming.id,
        created_by: actor.account_id,
        list_json: serde_json::to_string(&list).map_err(super::internal)?,
        now,
    };
    let draft = ctx.trail(TrailAction::HandoverCreated).details(serde_json::json!({
        "unit_id": unit.id, "outgoing_id": outgoing, "incoming_employee_no": incoming.employee_no,
        "open_requests": list.open_requests.len(), "documents": list.documents.len(),
    }));
    store.create_handover(&new, draft).await.map_err(super::internal)
}

/// The incoming account acknowledges the list (點收). From now on it acts as a manager only
/// after changing its password.
#[server(prefix = "/api", endpoint = "accounts/handover/acknowledge")]
pub async fn acknowledge_handover(id: i64, note: String) -> Result<(), ApiError> {
    use crate::server::store::StoreError;
    let ctx = super::guard(AcknowledgeHandover::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let h = store.handover(id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    if h.incoming_id != actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, AcknowledgeHandover::PATH, "not_incoming").await;
        return Err(ApiError::Forbidden);
    }
    let note = note.trim().to_string();
    if note.chars().count() > 500 {
        return Err(ApiError::Invalid("備註最多 500 字".into()));
    }
    let draft = ctx.trail(TrailAction::HandoverAcknowledged)
        .details(serde_json::json!({ "unit_id": h.unit_id, "outgoing_id": h.outgoing_id }));
    store.acknowledge_handover(id, actor.account_id, &note, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => ApiError::Invalid("此移交清冊已確認，或已由較新的清冊取代".into()),
        e => super::internal(e),
    })
}
