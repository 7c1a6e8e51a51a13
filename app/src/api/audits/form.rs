//! Filling in and signing the record: answers saved one by one as given (附件二, 附件三), the
//! free-text fields, the sign-off boxes, and withdrawing an unsigned audit to draw again.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// Save one 附件二 answer as given (the auditor, until they sign). Only sampled items.
#[server(prefix = "/api", endpoint = "audits/answer", input = Json)]
pub async fn save_answer(id: i64, input: AnswerInput) -> Result<(), ApiError> {
    let ctx = crate::api::guard(SaveAnswer::PATH).await?;
    let ans = input.parse().map_err(super::form_problem)?;
    Ok(crate::server::audits::answer(&ctx.state, &ctx.caller()?, id, ans, SaveAnswer::PATH).await?)
}

/// Save one 附件三 answer as given (the auditor, until they sign).
#[server(prefix = "/api", endpoint = "audits/vendor-answer", input = Json)]
pub async fn save_vendor_answer(id: i64, input: VendorAnswerInput) -> Result<(), ApiError> {
    let ctx = crate::api::guard(SaveVendorAnswer::PATH).await?;
    let ans = input.parse().map_err(super::form_problem)?;
    Ok(crate::server::audits::vendor_answer(&ctx.state, &ctx.caller()?, id, ans, SaveVendorAnswer::PATH).await?)
}

/// Save a free-text field: `previous_followup` (上次稽核之改善或建議辦理情形), `result`
/// (稽核結果), `recommendations` (建議事項).
#[server(prefix = "/api", endpoint = "audits/text", input = Json)]
pub async fn save_audit_text(id: i64, field: String, text: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(SaveAuditText::PATH).await?;
    Ok(crate::server::audits::text(&ctx.state, &ctx.caller()?, id, &field, &text, SaveAuditText::PATH).await?)
}

/// Sign one box. The auditor signs first, once every item is answered (the answers freeze);
/// then the audited person and the two supervisors. A vendor's representative signs on the
/// auditor's tablet: `name` and the drawn `signature` (PNG data URL).
#[server(prefix = "/api", endpoint = "audits/sign", input = Json)]
pub async fn sign_audit(id: i64, slot: String, name: String, signature: String) -> Result<(), ApiError> {
    use crate::domain::audit_view::AuditError;
    use crate::server::audits::{sign, Signature};
    let ctx = crate::api::guard(SignAudit::PATH).await?;
    let slot = Slot::parse(&slot).ok_or_else(|| crate::error::invalid(AuditError::NoSuchSlot))?;
    let given = Signature { name, drawn: signature };
    Ok(sign(&ctx.state, &ctx.caller()?, id, slot, given, SignAudit::PATH).await?)
}

/// The auditor asks to withdraw an audit not yet signed (to draw again), with a reason kept on
/// the record and in the trail; it is withdrawn when approved (`audits/withdraw-decide`).
#[server(prefix = "/api", endpoint = "audits/withdraw")]
pub async fn withdraw_audit(id: i64, reason: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(WithdrawAudit::PATH).await?;
    Ok(crate::server::audits::request_withdrawal(&ctx.state, &ctx.caller()?, id, &reason, WithdrawAudit::PATH).await?)
}

/// The approver (internal audits: the audited unit's supervisor; office and vendor audits: the
/// auditing unit's supervisor) approves or declines a pending withdrawal.
#[server(prefix = "/api", endpoint = "audits/withdraw-decide")]
pub async fn decide_withdrawal(id: i64, approve: bool) -> Result<(), ApiError> {
    let ctx = crate::api::guard(DecideWithdrawal::PATH).await?;
    let caller = ctx.caller()?;
    Ok(crate::server::audits::decide_withdrawal(&ctx.state, &caller, id, approve, DecideWithdrawal::PATH).await?)
}
