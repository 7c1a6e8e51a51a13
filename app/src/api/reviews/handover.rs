//! The account manager's hand-over (六(二)): the list handed over, and its acknowledgment by
//! the incoming manager (who must then change the password).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::*;

/// Hand-over lists the caller is party to (outgoing, incoming, or manager of the unit; all for
/// administrators), with what the create form needs. Reading them is recorded.
#[server(name = GetHandovers, prefix = "/api", endpoint = "accounts/handover/list")]
pub async fn handover_overview() -> Result<HandoverOverview, ApiError> {
    let ctx = crate::api::guard(GetHandovers::PATH).await?;
    Ok(crate::server::reviews::handovers(&ctx.state, &ctx.caller()?).await?)
}

/// The outgoing account manager (or an administrator, naming the outgoing manager) makes the
/// hand-over list for the incoming account of the same unit. An open list of the unit is
/// superseded by it. Returns the list's id.
#[server(prefix = "/api", endpoint = "accounts/handover/create", input = Json)]
pub async fn create_handover(input: HandoverInput) -> Result<i64, ApiError> {
    let ctx = crate::api::guard(CreateHandover::PATH).await?;
    Ok(crate::server::reviews::create_handover(&ctx.state, &ctx.caller()?, &input, CreateHandover::PATH).await?)
}

/// The incoming account acknowledges the list (點收). From now on it acts as a manager only
/// after changing its password.
#[server(prefix = "/api", endpoint = "accounts/handover/acknowledge")]
pub async fn acknowledge_handover(id: i64, note: String) -> Result<(), ApiError> {
    let ctx = crate::api::guard(AcknowledgeHandover::PATH).await?;
    Ok(crate::server::reviews::acknowledge(&ctx.state, &ctx.caller()?, id, &note, AcknowledgeHandover::PATH).await?)
}
