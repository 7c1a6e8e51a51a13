//! The sending unit's side: the form (pre-filled from a look-up), drafting, sending (after the
//! section chief's approval when required), cancelling before the office opens it, closing.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// The form's data, pre-filled from one of the caller's own queries when `query_id` > 0. The
/// read of the person's full ID is recorded.
#[server(prefix = "/api", endpoint = "liaison/form-data")]
pub async fn liaison_form_data(query_id: i64) -> Result<SlipFormData, ApiError> {
    let ctx = crate::api::guard(LiaisonFormData::PATH).await?;
    let query = (query_id > 0).then_some(query_id);
    Ok(crate::server::liaison::form_data(&ctx.state, &ctx.caller()?, query, LiaisonFormData::PATH).await?)
}

/// Write a new slip (a draft: nothing leaves the unit yet).
#[server(prefix = "/api", endpoint = "liaison/create", input = Json)]
pub async fn create_slip(input: LiaisonSlipInput, query_id: Option<i64>) -> Result<i64, ApiError> {
    let ctx = crate::api::guard(CreateSlip::PATH).await?;
    Ok(crate::server::liaison::create(&ctx.state, &ctx.caller()?, &input, query_id, CreateSlip::PATH).await?)
}

/// Change a draft.
#[server(prefix = "/api", endpoint = "liaison/update", input = Json)]
pub async fn update_slip(id: i64, input: LiaisonSlipInput) -> Result<(), ApiError> {
    let ctx = crate::api::guard(UpdateSlip::PATH).await?;
    Ok(crate::server::liaison::update(&ctx.state, &ctx.caller()?, id, &input, UpdateSlip::PATH).await?)
}

/// Send a draft: straight to the office, or to the section chief first when approval is required.
#[server(prefix = "/api", endpoint = "liaison/send")]
pub async fn send_slip(id: i64) -> Result<(), ApiError> {
    let ctx = crate::api::guard(SendSlip::PATH).await?;
    Ok(crate::server::liaison::send(&ctx.state, &ctx.caller()?, id, SendSlip::PATH).await?)
}

/// The section chief approves (the slip goes out) or returns it to the draft with a note.
#[server(prefix = "/api", endpoint = "liaison/approve")]
pub async fn approve_slip(id: i64, approve: bool, note: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(ApproveSlip::PATH).await?;
    Ok(crate::server::liaison::approve(&ctx.state, &ctx.caller()?, id, approve, &note, ApproveSlip::PATH).await?)
}

/// Cancel a slip the office has not yet opened.
#[server(prefix = "/api", endpoint = "liaison/cancel")]
pub async fn cancel_slip(id: i64, note: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(CancelSlip::PATH).await?;
    Ok(crate::server::liaison::cancel(&ctx.state, &ctx.caller()?, id, &note, CancelSlip::PATH).await?)
}

/// Close a replied slip after reading the reply.
#[server(prefix = "/api", endpoint = "liaison/close")]
pub async fn close_slip(id: i64) -> Result<(), ApiError> {
    let ctx = crate::api::guard(CloseSlip::PATH).await?;
    Ok(crate::server::liaison::close(&ctx.state, &ctx.caller()?, id, CloseSlip::PATH).await?)
}
