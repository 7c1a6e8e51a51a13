//! Account lifecycle API: the account change request (附件五) through its workflow, and the
//! account manager's immediate revocation (六(三), 八(四)). Each function is guard → parse → one
//! call into `server::requests` → the failure mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
use crate::domain::forms::account_request::AccountRequestInput;
pub use crate::domain::request_view::{RequestDetail, RequestError, RequestSummary, ReviewOutcome, TimelineEntry};

/// File a request (for oneself or a colleague of one's unit).
#[server(prefix = "/api", endpoint = "accounts/requests/file", input = Json)]
pub async fn file_request(input: AccountRequestInput) -> Result<i64, ApiError> {
    let ctx = super::guard(FileRequest::PATH).await?;
    Ok(crate::server::requests::file(&ctx.state, &ctx.caller()?, &input, FileRequest::PATH).await?)
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
    use crate::server::requests::ListInput;
    let ctx = super::guard(ListRequests::PATH).await?;
    let input = ListInput { state: &state, unit: (unit > 0).then_some(unit), from: &from, to: &to };
    Ok(crate::server::requests::list(&ctx.state, &ctx.caller()?, input).await?)
}

#[server(prefix = "/api", endpoint = "accounts/requests/get")]
pub async fn get_request(id: i64) -> Result<RequestDetail, ApiError> {
    let ctx = super::guard(GetRequest::PATH).await?;
    Ok(crate::server::requests::open(&ctx.state, &ctx.caller()?, id, GetRequest::PATH).await?)
}

/// 業務單位核章: the filing unit's supervisor (or delegate) signs off.
#[server(prefix = "/api", endpoint = "accounts/requests/endorse")]
pub async fn endorse_request(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(EndorseRequest::PATH).await?;
    Ok(crate::server::requests::endorse(&ctx.state, &ctx.caller()?, id, EndorseRequest::PATH).await?)
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
    use crate::server::requests::ReviewInput;
    let ctx = super::guard(ReviewRequest::PATH).await?;
    let caller = ctx.caller()?;
    let input = ReviewInput { decision: &decision, reason: &reason, text: &text, effective: &effective };
    Ok(crate::server::requests::review(&ctx.state, &caller, id, input, ReviewRequest::PATH).await?)
}

/// The filer withdraws a request not yet reviewed.
#[server(prefix = "/api", endpoint = "accounts/requests/withdraw")]
pub async fn withdraw_request(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(WithdrawRequest::PATH).await?;
    Ok(crate::server::requests::withdraw(&ctx.state, &ctx.caller()?, id, WithdrawRequest::PATH).await?)
}

/// The account manager disables an account of the unit at once (rights end and sessions die in
/// this request); the successor files a new request.
#[server(prefix = "/api", endpoint = "accounts/revoke")]
pub async fn revoke_account(account_id: i64, reason: String, text: String) -> Result<(), ApiError> {
    let ctx = super::guard(RevokeAccount::PATH).await?;
    let caller = ctx.caller()?;
    Ok(crate::server::requests::revoke(&ctx.state, &caller, account_id, &reason, &text, RevokeAccount::PATH).await?)
}

/// The accounts of the caller's unit (manager or deputy), for revocation.
#[server(prefix = "/api", endpoint = "accounts/unit")]
pub async fn unit_accounts() -> Result<Vec<super::admin::AccountView>, ApiError> {
    let ctx = super::guard(UnitAccounts::PATH).await?;
    Ok(crate::server::requests::unit_accounts(&ctx.state, &ctx.caller()?, UnitAccounts::PATH).await?)
}

/// What the request form needs from the server: the allowed e-mail domains.
#[server(prefix = "/api", endpoint = "accounts/form-config")]
pub async fn request_form_config() -> Result<Vec<String>, ApiError> {
    let ctx = super::guard(RequestFormConfig::PATH).await?;
    Ok(ctx.state.email_domains.as_ref().clone())
}
