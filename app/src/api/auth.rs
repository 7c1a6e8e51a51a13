//! Sign-in, sign-out, password change and "who am I". Each function is guard → one call into
//! `server::auth` → the failure mapped (`From<AuthError> for ApiError`).

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::auth::{LoginOutcome, Me, OfflineKey};
use crate::domain::PasswordPolicy;

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(employee_no: String, password: String) -> Result<LoginOutcome, ApiError> {
    let ctx = super::guard(Login::PATH).await?;
    Ok(crate::server::auth::login(&ctx.state, &ctx.session, &employee_no, password, ctx.ip).await?)
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), ApiError> {
    let ctx = super::guard(Logout::PATH).await?;
    crate::server::auth::sign_out(&ctx.state, &ctx.session, ctx.actor.as_ref(), ctx.ip_string())
        .await
        .map_err(super::internal)
}

#[server(name = GetMe, prefix = "/api", endpoint = "auth/me")]
pub async fn me() -> Result<Option<Me>, ApiError> {
    let ctx = super::guard(GetMe::PATH).await?;
    Ok(crate::server::auth::me(&ctx.state, ctx.actor).await?)
}

#[server(name = GetPasswordPolicy, prefix = "/api", endpoint = "auth/policy")]
pub async fn password_policy() -> Result<PasswordPolicy, ApiError> {
    let ctx = super::guard(GetPasswordPolicy::PATH).await?;
    Ok(ctx.state.auth.policy.clone())
}

#[server(prefix = "/api", endpoint = "auth/password")]
pub async fn change_password(current: String, new: String, confirm: String) -> Result<(), ApiError> {
    let ctx = super::guard(ChangePassword::PATH).await?;
    let (actor, ip) = (ctx.actor()?, ctx.ip_string());
    let passwords = (current, new, confirm);
    Ok(crate::server::auth::change_own_password(&ctx.state, &ctx.session, actor, passwords, ip).await?)
}

/// The key the browser seals this account's unsent audit answers with (see
/// `server::auth::offline_key`): hex, for the signed-in account only.
#[server(name = GetOfflineKey, prefix = "/api", endpoint = "auth/offline-key")]
pub async fn offline_key() -> Result<OfflineKey, ApiError> {
    let ctx = super::guard(GetOfflineKey::PATH).await?;
    Ok(crate::server::auth::offline_key_of(&ctx.state, ctx.actor()?))
}

/// What is left of the session before its idle timeout. A background call: it reads the
/// session's stored deadline without moving it.
#[server(prefix = "/api", endpoint = "session/time")]
pub async fn session_time() -> Result<crate::domain::auth::SessionTime, ApiError> {
    let ctx = super::guard(SessionTime::PATH).await?;
    ctx.actor()?;
    Ok(crate::server::auth::session_time(&ctx.state, ctx.deadline, chrono::Utc::now()))
}

/// 繼續使用: activity that extends the session (any request saved with the session does).
#[server(prefix = "/api", endpoint = "session/continue")]
pub async fn session_continue() -> Result<crate::domain::auth::SessionTime, ApiError> {
    let ctx = super::guard(SessionContinue::PATH).await?;
    ctx.actor()?;
    Ok(crate::server::auth::session_time(&ctx.state, None, chrono::Utc::now()))
}

/// Acknowledge the notice on official use and personal data (`server::acknowledgement`).
#[server(prefix = "/api", endpoint = "auth/acknowledge")]
pub async fn acknowledge() -> Result<(), ApiError> {
    let ctx = super::guard(Acknowledge::PATH).await?;
    crate::server::acknowledgement::acknowledge(&ctx.state, &ctx.session, &ctx.caller()?).await?;
    Ok(())
}
