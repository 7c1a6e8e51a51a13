//! Follow-ups: a 不符 referred to the Ethics Office (七(三)), a vendor's 不符合 to be put right,
//! and moving either on with a note.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// Refer a 不符 to the Ethics Office (七(三)): the auditor, on an answer that does not conform.
#[server(prefix = "/api", endpoint = "audits/refer", input = Json)]
pub async fn refer_to_ethics(
    id: i64,
    part: String,
    item: String,
    sample: i64,
    description: String,
) -> Result<i64, ApiError> {
    use crate::server::audits::{refer, Referral};
    let ctx = crate::api::guard(ReferToEthics::PATH).await?;
    let referral = Referral { part: Part::parse(&part), item, sample, description };
    Ok(refer(&ctx.state, &ctx.caller()?, id, referral, ReferToEthics::PATH).await?)
}

/// Follow-ups: the Ethics Office's referrals, the vendors' findings (`kind` ethics | vendor | all).
#[server(prefix = "/api", endpoint = "audits/followups")]
pub async fn list_followups(kind: String) -> Result<Vec<FollowupView>, ApiError> {
    let ctx = crate::api::guard(ListFollowups::PATH).await?;
    Ok(crate::server::audits::followups(&ctx.state, &ctx.caller()?, FollowupKind::parse(&kind)).await?)
}

/// Move a follow-up on (in progress, closed) with a note: the Ethics Office for referrals, the
/// external team for vendors' findings.
#[server(prefix = "/api", endpoint = "audits/followup-update", input = Json)]
pub async fn update_followup(id: i64, status: String, note: String) -> Result<(), ApiError> {
    use crate::server::audits::update_followup;
    let ctx = crate::api::guard(UpdateFollowup::PATH).await?;
    let status = FollowupStatus::parse(&status);
    Ok(update_followup(&ctx.state, &ctx.caller()?, id, status, &note, UpdateFollowup::PATH).await?)
}
