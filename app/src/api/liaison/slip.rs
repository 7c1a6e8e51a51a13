//! One slip as either side reads it (the office's first read marks it received), and the
//! office's reply, with a rebuilt impression becoming the person's new registered version.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// One slip. The office's first look marks it received. The read is recorded (full ID).
#[server(prefix = "/api", endpoint = "liaison/get")]
pub async fn get_slip(id: i64) -> Result<SlipDetail, ApiError> {
    let ctx = crate::api::guard(GetSlip::PATH).await?;
    Ok(crate::server::liaison::open(&ctx.state, &ctx.caller()?, id, GetSlip::PATH).await?)
}

/// The office's reply; a rebuilt impression comes with it and becomes the person's new
/// registered version in the same transaction (scanned and checked like every upload).
#[server(prefix = "/api", endpoint = "liaison/reply", input = Json)]
pub async fn reply_slip(id: i64, input: LiaisonReplyInput, image_b64: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(ReplySlip::PATH).await?;
    Ok(crate::server::liaison::reply(&ctx.state, &ctx.caller()?, id, input, &image_b64, ReplySlip::PATH).await?)
}
