//! What the review and hand-over endpoints share on the server: the units the caller manages,
//! each unit's status, people's names.

use super::*;
use crate::api::Ctx;
use crate::server::{
    auth::Actor,
    reviews,
    store::{ReviewItemRecord, ReviewRecord},
};

/// Refuse (audited) unless the caller acts as the unit's manager now. An incoming manager
/// held back by the hand-over rule is told to change the password.
pub async fn require_manager(ctx: &Ctx, actor: &Actor, unit_id: i64, path: &str) -> Result<(), ApiError> {
    use reviews::ManagerStanding;
    match reviews::manager_standing(&ctx.state.store, actor, unit_id, Utc::now()).await.map_err(crate::api::internal)? {
        ManagerStanding::Acts => Ok(()),
        ManagerStanding::HandoverPending => {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "handover_password_change").await;
            Err(ApiError::PasswordChangeRequired)
        }
        ManagerStanding::No => {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "not_unit_manager").await;
            Err(ApiError::Forbidden)
        }
    }
}

/// May the caller read the unit's reviews? (see [`reviews::may_view`])
pub async fn may_view(ctx: &Ctx, actor: &Actor, unit_id: i64) -> Result<bool, ApiError> {
    reviews::may_view(&ctx.state.store, actor, unit_id, Utc::now()).await.map_err(crate::api::internal)
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
        return Err(ApiError::Invalid(format!("{label}最多 50 行").into()));
    }
    if out.iter().any(|l| l.chars().count() > 200) {
        return Err(ApiError::Invalid(format!("{label}每行最多 200 字").into()));
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
