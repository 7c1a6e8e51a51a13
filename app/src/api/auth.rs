//! Sign-in, sign-out, password change and "who am I".

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{PasswordPolicy, Role, UnitView};

/// The signed-in account as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit: UnitView,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    pub password_expired: bool,
}

impl Me {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn restricted(&self) -> bool {
        self.must_change_password || self.password_expired
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginOutcome {
    /// The account must change its password before anything else.
    pub must_change_password: bool,
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(employee_no: String, password: String) -> Result<LoginOutcome, ApiError> {
    use crate::server::auth::{sign_in, AuthError};
    let ctx = super::guard(Login::PATH).await?;
    if employee_no.trim().is_empty() || password.is_empty() {
        return Err(ApiError::Invalid("請輸入員工編號與密碼".into()));
    }
    match sign_in(&ctx.state, &ctx.session, &employee_no, password, ctx.ip).await {
        Ok(actor) => Ok(LoginOutcome { must_change_password: actor.restricted() }),
        Err(AuthError::BadCredentials) => Err(ApiError::BadCredentials),
        Err(AuthError::Locked(until)) => Err(ApiError::Locked(crate::domain::roc_datetime(until))),
        Err(AuthError::RateLimited) => Err(ApiError::RateLimited),
        Err(AuthError::UnitInactive) => Err(ApiError::Invalid("所屬單位已停用，帳號無法登入；請洽系統管理者".into())),
        Err(AuthError::OneTimeExpired) => {
            Err(ApiError::Invalid("一次性密碼已逾 24 小時未使用而失效；請洽帳號管理者重新設定".into()))
        }
        Err(e) => Err(super::internal(e)),
    }
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
    let Some(actor) = ctx.actor else { return Ok(None) };
    let unit = ctx.state.store.unit(actor.unit_id).await.map_err(super::internal)?.ok_or(ApiError::Internal)?;
    Ok(Some(Me {
        account_id: actor.account_id,
        employee_no: actor.employee_no,
        name: actor.name,
        unit,
        roles: actor.roles,
        must_change_password: actor.must_change_password,
        password_expired: actor.password_expired,
    }))
}

#[server(name = GetPasswordPolicy, prefix = "/api", endpoint = "auth/policy")]
pub async fn password_policy() -> Result<PasswordPolicy, ApiError> {
    let ctx = super::guard(GetPasswordPolicy::PATH).await?;
    Ok(ctx.state.auth.policy.clone())
}

#[server(prefix = "/api", endpoint = "auth/password")]
pub async fn change_password(current: String, new: String, confirm: String) -> Result<(), ApiError> {
    use crate::server::auth::AuthError;
    let ctx = super::guard(ChangePassword::PATH).await?;
    let actor = ctx.actor()?;
    if new != confirm {
        return Err(ApiError::Invalid("兩次輸入的新密碼不一致".into()));
    }
    match crate::server::auth::change_password(&ctx.state, &ctx.session, actor, current, new, ctx.ip_string()).await {
        Ok(()) => Ok(()),
        Err(AuthError::Rejected(m)) => Err(ApiError::Invalid(m.into())),
        Err(e) => Err(super::internal(e)),
    }
}

/// The key the browser seals this account's unsent audit answers with (see
/// `server::auth::offline_key`): hex, for the signed-in account only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineKey {
    pub account_id: i64,
    pub key_hex: String,
}

#[server(name = GetOfflineKey, prefix = "/api", endpoint = "auth/offline-key")]
pub async fn offline_key() -> Result<OfflineKey, ApiError> {
    let ctx = super::guard(GetOfflineKey::PATH).await?;
    let actor = ctx.actor()?;
    let key = crate::server::auth::offline_key(&ctx.state.trail_key, actor.account_id);
    Ok(OfflineKey { account_id: actor.account_id, key_hex: key.iter().map(|b| format!("{b:02x}")).collect() })
}
