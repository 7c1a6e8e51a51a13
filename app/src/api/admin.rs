//! Administrator pages' API: units, accounts (create, disable, roles, reset), designations and the
//! retention report. Each function is guard → parse → one call into `server::admin` → the
//! failure mapped.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;

use super::ApiError;
pub use crate::domain::admin::{
    record_label, AccountView, AdminError, CreatedAccount, DesignationView, RetentionView, RoleRemovalView,
};
use crate::domain::UnitView;

/// An account as the pages show it.
#[cfg(feature = "ssr")]
pub use crate::server::admin::account_view;

#[cfg(feature = "ssr")]
fn roles(s: &str) -> Result<Vec<crate::domain::Role>, ApiError> {
    crate::domain::Role::parse_list(s).map_err(|e| ApiError::Invalid(AdminError::from(e).into()))
}

#[server(prefix = "/api", endpoint = "admin/units")]
pub async fn list_units() -> Result<Vec<UnitView>, ApiError> {
    let ctx = super::guard(ListUnits::PATH).await?;
    Ok(crate::server::admin::list_units(&ctx.state).await?)
}

#[server(prefix = "/api", endpoint = "admin/units/active")]
pub async fn set_unit_active(unit_id: i64, active: bool) -> Result<(), ApiError> {
    let ctx = super::guard(SetUnitActive::PATH).await?;
    Ok(crate::server::admin::set_unit_active(&ctx.state, &ctx.caller()?, unit_id, active).await?)
}

/// 八(五): what the system holds, and what is past five years (nothing is deleted by it).
#[server(prefix = "/api", endpoint = "admin/retention")]
pub async fn retention_report() -> Result<Vec<RetentionView>, ApiError> {
    let ctx = super::guard(RetentionReport::PATH).await?;
    Ok(crate::server::admin::retention(&ctx.state, &ctx.caller()?).await?)
}

/// A unit's contact numbers (printed on liaison slips): digits, spaces, `()+-#` and `分機`.
#[server(prefix = "/api", endpoint = "admin/units/contact")]
pub async fn set_unit_contact(unit_id: i64, phone: String, fax: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetUnitContact::PATH).await?;
    Ok(crate::server::admin::set_unit_contact(&ctx.state, &ctx.caller()?, unit_id, &phone, &fax).await?)
}

#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn list_accounts() -> Result<Vec<AccountView>, ApiError> {
    let ctx = super::guard(ListAccounts::PATH).await?;
    Ok(crate::server::admin::list_accounts(&ctx.state, &ctx.caller()?).await?)
}

/// Roles taken from accounts because their unit may not hold them (`server::roles`).
#[server(prefix = "/api", endpoint = "admin/accounts/role-removals")]
pub async fn list_role_removals() -> Result<Vec<RoleRemovalView>, ApiError> {
    let ctx = super::guard(ListRoleRemovals::PATH).await?;
    Ok(crate::server::admin::role_removals(&ctx.state, &ctx.caller()?).await?)
}

#[server(prefix = "/api", endpoint = "admin/accounts/create")]
pub async fn create_account(
    employee_no: String,
    name: String,
    unit_id: i64,
    email: String,
    phone: String,
    roles: String,
) -> Result<CreatedAccount, ApiError> {
    use crate::server::admin::NewAccountInput;
    let ctx = super::guard(CreateAccount::PATH).await?;
    let employee_no = crate::domain::EmployeeNo::parse(&employee_no).map_err(crate::error::invalid)?;
    let input = NewAccountInput { employee_no, name, unit_id, email, phone, roles: self::roles(&roles)? };
    Ok(crate::server::admin::create_account(&ctx.state, &ctx.caller()?, input).await?)
}

#[server(prefix = "/api", endpoint = "admin/accounts/roles")]
pub async fn set_account_roles(account_id: i64, roles: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetAccountRoles::PATH).await?;
    let (caller, roles) = (ctx.caller()?, self::roles(&roles)?);
    Ok(crate::server::admin::set_roles(&ctx.state, &caller, account_id, roles, SetAccountRoles::PATH).await?)
}

#[server(prefix = "/api", endpoint = "admin/accounts/disable")]
pub async fn disable_account(account_id: i64, reason: String) -> Result<(), ApiError> {
    let ctx = super::guard(DisableAccount::PATH).await?;
    let caller = ctx.caller()?;
    Ok(crate::server::admin::disable(&ctx.state, &caller, account_id, &reason, DisableAccount::PATH).await?)
}

#[server(prefix = "/api", endpoint = "admin/accounts/reset-password")]
pub async fn reset_password(account_id: i64) -> Result<CreatedAccount, ApiError> {
    let ctx = super::guard(ResetPassword::PATH).await?;
    let caller = ctx.caller()?;
    Ok(crate::server::admin::reset_password(&ctx.state, &caller, account_id, ResetPassword::PATH).await?)
}

#[server(prefix = "/api", endpoint = "admin/designations")]
pub async fn list_designations() -> Result<Vec<DesignationView>, ApiError> {
    let ctx = super::guard(ListDesignations::PATH).await?;
    Ok(crate::server::admin::list_designations(&ctx.state).await?)
}

#[server(prefix = "/api", endpoint = "admin/designations/add")]
pub async fn add_designation(
    account_id: i64,
    kind: String,
    valid_from: String,
    valid_to: String,
) -> Result<i64, ApiError> {
    use crate::server::admin::DesignationInput;
    let ctx = super::guard(AddDesignation::PATH).await?;
    let caller = ctx.caller()?;
    let input = DesignationInput { account_id, kind: &kind, valid_from: &valid_from, valid_to: &valid_to };
    Ok(crate::server::admin::add_designation(&ctx.state, &caller, input, AddDesignation::PATH).await?)
}

/// End a designation now (before its end date), in the trail.
#[server(prefix = "/api", endpoint = "admin/designations/end")]
pub async fn end_designation(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(EndDesignation::PATH).await?;
    Ok(crate::server::admin::end_designation(&ctx.state, &ctx.caller()?, id).await?)
}
