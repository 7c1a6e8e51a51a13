//! Follow-ups: a 不符 referred to the Ethics Office (七(三)), a vendor's 不符合 to be put right,
//! and moving either on with a note.

#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// Refer a 不符 to the Ethics Office (七(三)): the auditor, on an answer that does not conform.
#[server(prefix = "/api", endpoint = "audits/refer", input = Json)]
pub async fn refer_to_ethics(
    id: i64,
    part: String,
    item: String,
    sample: i64,
    description: String,
) -> Result<i64, ApiError> {
    use crate::server::store::NewFollowup;
    let ctx = crate::api::guard(ReferToEthics::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let a = super::imp::load(&ctx, id).await?;
    if a.auditor_id != actor.account_id {
        return Err(super::imp::refuse(&ctx, actor, ReferToEthics::PATH).await);
    }
    let answers = store.audit_answers(id).await.map_err(crate::api::internal)?;
    let part = Part::parse(&part);
    let Some(ans) = answers.iter().find(|x| Some(x.part) == part && x.item == item && x.sample == sample) else {
        return Err(ApiError::Invalid("只有勾選「不符」的項目可以移送政風室".into()));
    };
    if ans.result != AnswerResult::DoesNotConform {
        return Err(ApiError::Invalid("只有勾選「不符」的項目可以移送政風室".into()));
    }
    let d = description.trim();
    let description = if d.is_empty() { ans.note.clone().unwrap_or_default() } else { d.to_string() };
    if description.is_empty() || description.chars().count() > 1000 {
        return Err(ApiError::Invalid("請說明移送事由（1000 字以內）".into()));
    }
    let new = NewFollowup {
        audit_id: id,
        kind: FollowupKind::Ethics,
        part: ans.part,
        item,
        sample,
        description,
        due_on: None,
        created_by: actor.account_id,
        now: Utc::now(),
    };
    store.add_followup(&new, ctx.trail(TrailAction::AuditRefer)).await.map_err(super::imp::store_err)
}

/// Follow-ups: the Ethics Office's referrals, the vendors' findings (`kind` ethics | vendor | all).
#[server(prefix = "/api", endpoint = "audits/followups")]
pub async fn list_followups(kind: String) -> Result<Vec<FollowupView>, ApiError> {
    use crate::domain::Role;
    let ctx = crate::api::guard(ListFollowups::PATH).await?;
    let actor = ctx.actor()?;
    let kind = FollowupKind::parse(&kind);
    // the Ethics Office sees its referrals; the external team and administrators see all
    let kind =
        if actor.has(Role::ExternalAuditor) || actor.has(Role::Admin) { kind } else { Some(FollowupKind::Ethics) };
    let mut out = Vec::new();
    for f in ctx.state.store.list_followups(kind, None).await.map_err(crate::api::internal)? {
        out.push(super::imp::followup_view(&ctx, actor, &f, true).await?);
    }
    ctx.state.store.append_trail(ctx.trail(TrailAction::AuditFollowups)).await.map_err(crate::api::internal)?;
    Ok(out)
}

/// Move a follow-up on (in progress, closed) with a note: the Ethics Office for referrals, the
/// external team for vendors' findings.
#[server(prefix = "/api", endpoint = "audits/followup-update", input = Json)]
pub async fn update_followup(id: i64, status: String, note: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(UpdateFollowup::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let f = store.followup(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)?;
    if !crate::server::audits::may_move_followup(actor, f.kind) {
        return Err(super::imp::refuse(&ctx, actor, UpdateFollowup::PATH).await);
    }
    let status = FollowupStatus::parse(&status)
        .filter(|s| *s != FollowupStatus::Open)
        .ok_or_else(|| ApiError::Invalid("請選擇處理狀態".into()))?;
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return Err(ApiError::Invalid("請填寫處理情形（1000 字以內）".into()));
    }
    let draft = ctx.trail(TrailAction::AuditFollowup).details(serde_json::json!({ "status": status.code() }));
    store.update_followup(id, status, note, actor.account_id, Utc::now(), draft).await.map_err(super::imp::store_err)
}
