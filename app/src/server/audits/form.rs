//! Filling in and signing the record: answers saved one by one as given (附件二, 附件三), the
//! free-text fields, the sign-off boxes, and withdrawing an unsigned audit to draw again. Each
//! takes the [`Caller`], writes its trail row (denials included) and answers `()` or an
//! [`AuditError`].

use chrono::Utc;

use super::record::{answers, load, still_missing, store_failure};
use super::{may_approve_withdrawal, may_read, may_sign, Outcome};
use crate::domain::audit::{AnswerResult, AuditKind, FollowupKind, Part, Slot, VENDOR_FOLLOWUP_DAYS};
use crate::domain::audit_view::AuditError;
use crate::domain::forms::internal_audit::Answer;
use crate::domain::forms::vendor_audit::VendorAnswer;
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{AnswerRecord, AuditFormRecord, AuditText, NewFollowup, NewSignoff};
use crate::server::trail::TrailAction;

/// Load for the auditor's own edits (answers, texts): refused to anyone else (in the trail),
/// and to the auditor once signed or withdrawn.
async fn load_for_auditor(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<AuditFormRecord> {
    let a = load(state, id).await?;
    if a.auditor_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    if a.submitted_at.is_some() {
        return problem(AuditError::Signed);
    }
    if a.withdrawn_at.is_some() {
        return problem(AuditError::Withdrawn);
    }
    Ok(a)
}

/// Save one 附件二 answer as given (the auditor, until they sign). Only sampled items.
pub async fn answer(state: &AppState, caller: &Caller, id: i64, ans: Answer, endpoint: &str) -> Outcome<()> {
    let a = load_for_auditor(state, caller, id, endpoint).await?;
    if a.kind == AuditKind::Vendor {
        return problem(AuditError::VendorForm);
    }
    if ans.part != Part::Retention {
        let samples = state.store.audit_samples(id).await?;
        if !samples.iter().any(|(p, s)| *p == ans.part && *s == ans.sample) {
            return problem(AuditError::NotSampled);
        }
    }
    let rec = AnswerRecord {
        part: ans.part,
        item: ans.item.to_string(),
        sample: ans.sample,
        result: if ans.conforms { AnswerResult::Conforms } else { AnswerResult::DoesNotConform },
        note: ans.note,
        answered_by: caller.actor.account_id,
        answered_at: Utc::now(),
    };
    let draft = caller.trail(TrailAction::AuditAnswer).details(serde_json::json!({
        "part": rec.part, "item": rec.item, "sample": rec.sample, "result": rec.result,
    }));
    state.store.save_answer(id, &rec, draft).await.map_err(store_failure)
}

/// Save one 附件三 answer as given (the auditor, until they sign).
pub async fn vendor_answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    ans: VendorAnswer,
    endpoint: &str,
) -> Outcome<()> {
    let a = load_for_auditor(state, caller, id, endpoint).await?;
    if a.kind != AuditKind::Vendor {
        return problem(AuditError::InternalForm);
    }
    let rec = AnswerRecord {
        part: Part::Vendor,
        item: ans.item.clone(),
        sample: 0,
        result: ans.result,
        note: ans.finding,
        answered_by: caller.actor.account_id,
        answered_at: Utc::now(),
    };
    let draft =
        caller.trail(TrailAction::AuditAnswer).details(serde_json::json!({ "item": rec.item, "result": rec.result }));
    state.store.save_answer(id, &rec, draft).await.map_err(store_failure)
}

/// Save a free-text field: `previous_followup` (上次稽核之改善或建議辦理情形), `result`
/// (稽核結果), `recommendations` (建議事項).
pub async fn text(state: &AppState, caller: &Caller, id: i64, field: &str, text: &str, endpoint: &str) -> Outcome<()> {
    load_for_auditor(state, caller, id, endpoint).await?;
    let field = match field {
        "previous_followup" => AuditText::PreviousFollowup,
        "result" => AuditText::Result,
        "recommendations" => AuditText::Recommendations,
        _ => return problem(AuditError::NoSuchField),
    };
    let text = text.trim();
    if text.chars().count() > 2000 || text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return problem(AuditError::TextTooLong);
    }
    let draft = caller.trail(TrailAction::AuditText).details(serde_json::json!({ "field": format!("{field:?}") }));
    state.store.save_audit_text(id, field, text, draft).await.map_err(store_failure)
}

/// A signature as given: for the vendor's representative, the name and the drawn signature
/// (a PNG data URL); for every other box, nothing (the signer is the caller).
#[derive(Debug, Clone, Default)]
pub struct Signature {
    pub name: String,
    pub drawn: String,
}

/// Sign one box. The auditor signs first, once every item is answered (the answers freeze);
/// then the audited person and the two supervisors. A vendor's representative signs on the
/// auditor's tablet. The auditor's signature of a vendor audit turns each 不符合 into a
/// follow-up due in [`VENDOR_FOLLOWUP_DAYS`] days.
pub async fn sign(
    state: &AppState,
    caller: &Caller,
    id: i64,
    slot: Slot,
    given: Signature,
    endpoint: &str,
) -> Outcome<()> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let a = load(state, id).await?;
    let kind = a.kind;
    if !kind.slots().contains(&slot) {
        return problem(AuditError::NoSuchSlot);
    }
    // a party to the record is told why a box is not theirs yet; anyone else is refused
    let party = may_read(store, actor, &a, now).await?;
    let signed = store.audit_signoffs(id).await?;
    if party && signed.iter().any(|s| s.slot == slot) {
        return problem(AuditError::SlotSigned);
    }
    if !party || !may_sign(store, actor, &a, slot, now).await? {
        if party && a.submitted_at.is_none() && slot != Slot::Auditor {
            return problem(AuditError::AuditorFirst);
        }
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    let samples = store.audit_samples(id).await?;
    let answers = answers(state, id).await?;
    let missing = still_missing(kind, &samples, &answers, &a);
    if matches!(slot, Slot::Auditor | Slot::Vendor) && missing > 0 {
        return problem(AuditError::Unanswered { missing });
    }
    let (signer, signature) = match slot {
        Slot::Vendor => {
            let n = given.name.trim().to_string();
            if n.is_empty() || n.chars().count() > 50 || n.chars().any(char::is_control) {
                return problem(AuditError::VendorRepName);
            }
            let sig = given.drawn.trim();
            let png = sig.strip_prefix("data:image/png;base64,").unwrap_or("");
            use base64::Engine;
            let ok = !png.is_empty()
                && png.len() < 400_000
                && base64::engine::general_purpose::STANDARD
                    .decode(png)
                    .is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"));
            if !ok {
                return problem(AuditError::VendorSignature);
            }
            (n, Some(sig.to_string()))
        }
        _ => (format!("{} {}", actor.name, actor.employee_no), None),
    };
    let followups = if slot == Slot::Auditor && kind == AuditKind::Vendor {
        answers
            .iter()
            .filter(|x| x.result == AnswerResult::DoesNotConform)
            .map(|x| NewFollowup {
                audit_id: id,
                kind: FollowupKind::Vendor,
                part: x.part,
                item: x.item.clone(),
                sample: 0,
                description: x.note.clone(),
                due_on: Some(a.audited_on + chrono::Duration::days(VENDOR_FOLLOWUP_DAYS)),
                created_by: actor.account_id,
                now,
            })
            .collect()
    } else {
        Vec::new()
    };
    let sign = NewSignoff {
        slot,
        account_id: (slot != Slot::Vendor).then_some(actor.account_id),
        name: signer,
        signature,
        now,
        submits: slot == Slot::Auditor,
        followups,
        boxes: kind.slots().len(),
    };
    let draft = caller.trail(TrailAction::AuditSign).details(serde_json::json!({ "slot": slot.code() }));
    store.sign_audit(id, &sign, draft).await.map_err(store_failure)
}

/// The withdrawal's store refusals: the audit changed under the request.
fn withdrawal_failure(e: crate::server::store::StoreError) -> Failure<AuditError> {
    use crate::server::store::StoreError;
    match e {
        StoreError::Stale(_) => Failure::Problem(AuditError::WithdrawStale),
        StoreError::NotFound(_) => Failure::NotFound,
        e => Failure::internal(e),
    }
}

/// The auditor asks to withdraw an audit not yet signed (to draw again), with a reason kept on
/// the record and in the trail; it is withdrawn only when approved ([`decide_withdrawal`]).
pub async fn request_withdrawal(
    state: &AppState,
    caller: &Caller,
    id: i64,
    reason: &str,
    endpoint: &str,
) -> Outcome<()> {
    let a = load(state, id).await?;
    if a.auditor_id != caller.actor.account_id {
        return Err(caller.deny(state, endpoint, "not_auditor").await);
    }
    let reason = reason.trim();
    if !(4..=500).contains(&reason.chars().count()) || reason.chars().any(|c| c.is_control() && c != '\n') {
        return problem(AuditError::WithdrawReason);
    }
    let trail =
        caller.trail(TrailAction::AuditWithdraw).details(serde_json::json!({ "reason": reason, "step": "requested" }));
    state.store.request_audit_withdrawal(id, reason, state.clock.now(), trail).await.map_err(withdrawal_failure)
}

/// The approver (internal audits: the audited unit's supervisor or delegate; office and vendor
/// audits: the auditing unit's supervisor) approves — the audit is withdrawn, the approver kept
/// on it — or declines a pending withdrawal. Nobody decides their own.
pub async fn decide_withdrawal(
    state: &AppState,
    caller: &Caller,
    id: i64,
    approve: bool,
    endpoint: &str,
) -> Outcome<()> {
    let actor = &caller.actor;
    let now = state.clock.now();
    let a = load(state, id).await?;
    if a.auditor_id == actor.account_id {
        crate::server::authz::deny(state, Some(actor), caller.ip, endpoint, "own_withdrawal").await;
        return problem(AuditError::OwnWithdrawal);
    }
    if !may_approve_withdrawal(&state.store, actor, &a, now).await? {
        return Err(caller.deny(state, endpoint, "not_withdrawal_approver").await);
    }
    let trail = caller.trail(TrailAction::AuditWithdraw).details(serde_json::json!({
        "step": if approve { "approved" } else { "declined" },
        "reason": a.withdraw_request_reason,
    }));
    state.store.decide_audit_withdrawal(id, approve, actor.account_id, now, trail).await.map_err(withdrawal_failure)
}
