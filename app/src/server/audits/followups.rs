//! Follow-ups: a 不符 referred to the Ethics Office (七(三)), a vendor's 不符合 to be put right,
//! and moving either on with a note. Each takes the [`Caller`], writes its trail row (denials
//! included) and answers a typed result or an [`AuditError`].

use chrono::Utc;

use super::record::{followup_view, load, store_failure};
use super::{may_move_followup, Outcome};
use crate::domain::audit::{AnswerResult, FollowupKind, FollowupStatus, Part};
use crate::domain::audit_view::{AuditError, FollowupView};
use crate::domain::Role;
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::NewFollowup;
use crate::server::trail::TrailAction;

/// What a referral names: the answer (part, item, sample) and why (blank: the answer's note).
#[derive(Debug, Clone)]
pub struct Referral {
    pub part: Option<Part>,
    pub item: String,
    pub sample: i64,
    pub description: String,
}

/// Refer a 不符 to the Ethics Office (七(三)): the auditor, on an answer that does not conform.
pub async fn refer(state: &AppState, caller: &Caller, id: i64, r: Referral, endpoint: &str) -> Outcome<i64> {
    let store = &state.store;
    let a = load(state, id).await?;
    if a.auditor_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    let answers = store.audit_answers(id).await?;
    let Some(ans) = answers.iter().find(|x| Some(x.part) == r.part && x.item == r.item && x.sample == r.sample) else {
        return problem(AuditError::OnlyNonConforming);
    };
    if ans.result != AnswerResult::DoesNotConform {
        return problem(AuditError::OnlyNonConforming);
    }
    let d = r.description.trim();
    let description = if d.is_empty() { ans.note.clone().unwrap_or_default() } else { d.to_string() };
    if description.is_empty() || description.chars().count() > 1000 {
        return problem(AuditError::ReferralReason);
    }
    let new = NewFollowup {
        audit_id: id,
        kind: FollowupKind::Ethics,
        part: ans.part,
        item: r.item,
        sample: r.sample,
        description,
        due_on: None,
        created_by: caller.actor.account_id,
        now: Utc::now(),
    };
    store.add_followup(&new, caller.trail(TrailAction::AuditRefer)).await.map_err(store_failure)
}

/// The follow-ups: the Ethics Office sees its referrals; the external team and administrators
/// see `kind` (none: all). Reading them is written to the trail.
pub async fn list(state: &AppState, caller: &Caller, kind: Option<FollowupKind>) -> Outcome<Vec<FollowupView>> {
    let actor = &caller.actor;
    let kind =
        if actor.has(Role::ExternalAuditor) || actor.has(Role::Admin) { kind } else { Some(FollowupKind::Ethics) };
    let mut out = Vec::new();
    for f in state.store.list_followups(kind, None).await? {
        out.push(followup_view(state, caller, &f, true).await?);
    }
    state.store.append_trail(caller.trail(TrailAction::AuditFollowups)).await?;
    Ok(out)
}

/// Move a follow-up on (in progress, closed) with a note: the Ethics Office its referrals, the
/// external team the vendors' findings.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    status: Option<FollowupStatus>,
    note: &str,
    endpoint: &str,
) -> Outcome<()> {
    let store = &state.store;
    let f = store.followup(id).await?.ok_or(Failure::NotFound)?;
    if !may_move_followup(&caller.actor, f.kind) {
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    let Some(status) = status.filter(|s| *s != FollowupStatus::Open) else {
        return problem(AuditError::StatusRequired);
    };
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return problem(AuditError::FollowupNote);
    }
    let draft = caller.trail(TrailAction::AuditFollowup).details(serde_json::json!({ "status": status.code() }));
    store.update_followup(id, status, note, caller.actor.account_id, Utc::now(), draft).await.map_err(store_failure)
}
