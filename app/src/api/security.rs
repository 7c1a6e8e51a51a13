//! The register of security duties (八(一)(二)(三)): administrators add duties with due dates and
//! record them done with evidence (a recurring one opens the next); the quarterly account
//! review's state per unit comes from the account lifecycle. External auditors read it. Each
//! function is guard → one call into `server::security` → the failure mapped.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
use crate::domain::security_task::{CompletionInput, TaskInput};
pub use crate::domain::security_view::{ForwardView, SecurityRegister, TaskView, UpdateView};

/// The register (administrators, external auditors).
#[server(prefix = "/api", endpoint = "security/tasks")]
pub async fn security_tasks() -> Result<SecurityRegister, ApiError> {
    let ctx = super::guard(SecurityTasks::PATH).await?;
    Ok(crate::server::security::register(&ctx.state, &ctx.caller()?).await?)
}

/// Add a duty (administrators).
#[server(prefix = "/api", endpoint = "security/add", input = Json)]
pub async fn add_security_task(input: TaskInput) -> Result<i64, ApiError> {
    let ctx = super::guard(AddSecurityTask::PATH).await?;
    Ok(crate::server::security::add(&ctx.state, &ctx.caller()?, &input).await?)
}

/// Record a duty done with its evidence; a recurring one opens the next (due a period later).
#[server(prefix = "/api", endpoint = "security/complete", input = Json)]
pub async fn complete_security_task(id: i64, input: CompletionInput) -> Result<Option<i64>, ApiError> {
    let ctx = super::guard(CompleteSecurityTask::PATH).await?;
    Ok(crate::server::security::complete(&ctx.state, &ctx.caller()?, id, &input).await?)
}
