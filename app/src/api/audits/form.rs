//! Filling in and signing the record: answers saved one by one as given (附件二, 附件三), the
//! free-text fields, the sign-off boxes, and withdrawing an unsigned audit to draw again.

#[cfg(feature = "ssr")]
use chrono::Utc;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

/// Save one 附件二 answer as given (the auditor, until they sign). Only sampled items.
#[server(prefix = "/api", endpoint = "audits/answer", input = Json)]
pub async fn save_answer(id: i64, input: AnswerInput) -> Result<(), ApiError> {
    use crate::server::store::AnswerRecord;
    let ctx = crate::api::guard(SaveAnswer::PATH).await?;
    let actor = ctx.actor()?;
    let a = super::imp::load_for_auditor(&ctx, actor, id, SaveAnswer::PATH).await?;
    if a.kind == AuditKind::Vendor {
        return Err(ApiError::Invalid("委外廠商稽核請依附件三填寫".into()));
    }
    let ans = input.parse().map_err(crate::api::invalid_fields)?;
    if ans.part != Part::Retention {
        let samples = ctx.state.store.audit_samples(id).await.map_err(crate::api::internal)?;
        if !samples.iter().any(|(p, s)| *p == ans.part && *s == ans.sample) {
            return Err(ApiError::Invalid("此項目不在抽查樣本內".into()));
        }
    }
    let rec = AnswerRecord {
        part: ans.part,
        item: ans.item.to_string(),
        sample: ans.sample,
        result: if ans.conforms { AnswerResult::Conforms } else { AnswerResult::DoesNotConform },
        note: ans.note,
        answered_by: actor.account_id,
        answered_at: Utc::now(),
    };
    let draft = ctx.trail(TrailAction::AuditAnswer).details(serde_json::json!({
        "part": rec.part, "item": rec.item, "sample": rec.sample, "result": rec.result,
    }));
    ctx.state.store.save_answer(id, &rec, draft).await.map_err(super::imp::store_err)
}

/// Save one 附件三 answer as given (the auditor, until they sign).
#[server(prefix = "/api", endpoint = "audits/vendor-answer", input = Json)]
pub async fn save_vendor_answer(id: i64, input: VendorAnswerInput) -> Result<(), ApiError> {
    use crate::server::store::AnswerRecord;
    let ctx = crate::api::guard(SaveVendorAnswer::PATH).await?;
    let actor = ctx.actor()?;
    let a = super::imp::load_for_auditor(&ctx, actor, id, SaveVendorAnswer::PATH).await?;
    if a.kind != AuditKind::Vendor {
        return Err(ApiError::Invalid("此稽核依附件二填寫".into()));
    }
    let ans = input.parse().map_err(crate::api::invalid_fields)?;
    let rec = AnswerRecord {
        part: Part::Vendor,
        item: ans.item.clone(),
        sample: 0,
        result: ans.result,
        note: ans.finding,
        answered_by: actor.account_id,
        answered_at: Utc::now(),
    };
    let draft =
        ctx.trail(TrailAction::AuditAnswer).details(serde_json::json!({ "item": rec.item, "result": rec.result }));
    ctx.state.store.save_answer(id, &rec, draft).await.map_err(super::imp::store_err)
}

/// Save a free-text field: `previous_followup` (上次稽核之改善或建議辦理情形), `result`
/// (稽核結果), `recommendations` (建議事項).
#[server(prefix = "/api", endpoint = "audits/text", input = Json)]
pub async fn save_audit_text(id: i64, field: String, text: String) -> Result<(), ApiError> {
    use crate::server::store::AuditText;
    let ctx = crate::api::guard(SaveAuditText::PATH).await?;
    let actor = ctx.actor()?;
    super::imp::load_for_auditor(&ctx, actor, id, SaveAuditText::PATH).await?;
    let field = match field.as_str() {
        "previous_followup" => AuditText::PreviousFollowup,
        "result" => AuditText::Result,
        "recommendations" => AuditText::Recommendations,
        _ => return Err(ApiError::Invalid("沒有這個欄位".into())),
    };
    let text = text.trim();
    if text.chars().count() > 2000 || text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err(ApiError::Invalid("內容最多 2000 字".into()));
    }
    let draft = ctx.trail(TrailAction::AuditText).details(serde_json::json!({ "field": format!("{field:?}") }));
    ctx.state.store.save_audit_text(id, field, text, draft).await.map_err(super::imp::store_err)
}

/// Sign one box. The auditor signs first, once every item is answered (the answers freeze);
/// then the audited person and the two supervisors. A vendor's representative signs on the
/// auditor's tablet: `name` and the drawn `signature` (PNG data URL).
#[server(prefix = "/api", endpoint = "audits/sign", input = Json)]
pub async fn sign_audit(id: i64, slot: String, name: String, signature: String) -> Result<(), ApiError> {
    use crate::domain::audit::VENDOR_FOLLOWUP_DAYS;
    use crate::server::store::{NewFollowup, NewSignoff};
    let ctx = crate::api::guard(SignAudit::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let now = Utc::now();
    let a = super::imp::load(&ctx, id).await?;
    let kind = a.kind;
    let slot = Slot::parse(&slot)
        .filter(|s| kind.slots().contains(s))
        .ok_or_else(|| ApiError::Invalid("沒有這個簽章欄".into()))?;
    // a party to the record is told why a box is not theirs yet; anyone else is refused
    let party = super::imp::can_read(&ctx, actor, &a).await?;
    let signed = store.audit_signoffs(id).await.map_err(crate::api::internal)?;
    if party && signed.iter().any(|s| s.slot == slot) {
        return Err(ApiError::Invalid("此欄已簽章".into()));
    }
    if !party || !super::imp::may_sign(&ctx, actor, &a, slot).await? {
        if party && a.submitted_at.is_none() && slot != Slot::Auditor {
            return Err(ApiError::Invalid("請待稽核人簽章後再簽".into()));
        }
        return Err(super::imp::refuse(&ctx, actor, SignAudit::PATH).await);
    }
    let samples = store.audit_samples(id).await.map_err(crate::api::internal)?;
    let answers = super::imp::answers(&ctx, id).await?;
    let missing = super::imp::missing(kind, &samples, &answers, &a);
    if matches!(slot, Slot::Auditor | Slot::Vendor) && missing > 0 {
        return Err(ApiError::Invalid(format!("尚有 {missing} 個項目未填寫（含稽核結果），請完成後再簽章").into()));
    }
    let (signer, signature) = match slot {
        Slot::Vendor => {
            let n = name.trim().to_string();
            if n.is_empty() || n.chars().count() > 50 || n.chars().any(char::is_control) {
                return Err(ApiError::Invalid("請填寫廠商代表姓名".into()));
            }
            let sig = signature.trim();
            let png = sig.strip_prefix("data:image/png;base64,").unwrap_or("");
            use base64::Engine;
            let ok = !png.is_empty()
                && png.len() < 400_000
                && base64::engine::general_purpose::STANDARD
                    .decode(png)
                    .is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"));
            if !ok {
                return Err(ApiError::Invalid("請廠商代表於簽名區簽名".into()));
            }
            (n, Some(sig.to_string()))
        }
        _ => (format!("{} {}", actor.name, actor.employee_no), None),
    };
    // the auditor's signature turns each 不符合 of a vendor audit into a follow-up
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
    let draft = ctx.trail(TrailAction::AuditSign).details(serde_json::json!({ "slot": slot.code() }));
    store.sign_audit(id, &sign, draft).await.map_err(super::imp::store_err)
}

/// The auditor asks to withdraw an audit not yet signed (to draw again), with a reason kept on
/// the record and in the trail; it is withdrawn when approved (`audits/withdraw-decide`).
#[server(prefix = "/api", endpoint = "audits/withdraw")]
pub async fn withdraw_audit(id: i64, reason: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(WithdrawAudit::PATH).await?;
    let actor = ctx.actor()?;
    let draft = ctx.trail(TrailAction::AuditWithdraw);
    crate::server::audits::request_withdrawal(&ctx.state, actor, ctx.ip, id, &reason, WithdrawAudit::PATH, draft)
        .await
        .map_err(withdrawal_error)
}

/// The approver (internal audits: the audited unit's supervisor; office and vendor audits: the
/// auditing unit's supervisor) approves or declines a pending withdrawal.
#[server(prefix = "/api", endpoint = "audits/withdraw-decide")]
pub async fn decide_withdrawal(id: i64, approve: bool) -> Result<(), ApiError> {
    let ctx = crate::api::guard(DecideWithdrawal::PATH).await?;
    let actor = ctx.actor()?;
    let draft = ctx.trail(TrailAction::AuditWithdraw);
    crate::server::audits::decide_withdrawal(&ctx.state, actor, ctx.ip, id, approve, DecideWithdrawal::PATH, draft)
        .await
        .map_err(withdrawal_error)
}

#[cfg(feature = "ssr")]
fn withdrawal_error(e: crate::server::audits::WithdrawalError) -> ApiError {
    use crate::server::audits::WithdrawalError as E;
    match e {
        E::NotAuditor | E::NotApprover => ApiError::Forbidden,
        E::OwnRequest => ApiError::Invalid("不可核准自己的撤銷申請".into()),
        E::Reason => ApiError::Invalid("請說明重新抽樣的理由（4 至 500 字）".into()),
        E::NotFound => ApiError::NotFound,
        E::Stale => ApiError::Invalid("此稽核已簽章、已撤銷或已有待核准的撤銷申請".into()),
        E::Store(e) => crate::api::internal(e),
    }
}
