//! Administrator pages' API: units, accounts (create, disable, roles, reset) and designations,
//! for bootstrap. The full account lifecycle (附件五) builds on these.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::{Designation, Role, UnitView};
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub email: String,
    pub phone: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub must_change_password: bool,
    pub locked: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A role taken from an account because its unit may not hold it (at a start after the unit
/// rule became stricter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRemovalView {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub role: Role,
    pub removed_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedAccount {
    pub id: i64,
    pub employee_no: String,
    /// Shown once to the administrator; must be changed at first sign-in.
    pub one_time_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignationView {
    pub id: i64,
    pub unit_id: i64,
    pub account_id: i64,
    pub kind: Designation,
    pub valid_from: crate::domain::RocDate,
    pub valid_to: Option<crate::domain::RocDate>,
    /// Not yet ended (current, or starting later): it may be ended early.
    pub open: bool,
}

/// Roles from a comma-separated list of codes.
pub fn parse_roles(s: &str) -> Result<Vec<Role>, ApiError> {
    let mut roles = Vec::new();
    for code in s.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let r = Role::parse(code).ok_or_else(|| ApiError::Invalid(format!("沒有這個角色：{code}").into()))?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    roles.sort();
    Ok(roles)
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use crate::server::{auth::Actor, store::AccountRecord};
    use chrono::Utc;

    pub fn view(a: AccountRecord) -> AccountView {
        let locked = a.locked_until.is_some_and(|u| u > Utc::now());
        AccountView {
            id: a.id,
            employee_no: a.employee_no,
            name: a.name,
            unit_id: a.unit_id,
            email: a.email,
            phone: a.phone,
            roles: a.roles,
            disabled: a.disabled,
            disabled_reason: a.disabled_reason,
            must_change_password: a.must_change_password,
            locked,
            created_at: a.created_at,
            last_login_at: a.last_login_at,
        }
    }

    /// Separation of duties: nobody changes their own account through these pages.
    pub async fn not_self(ctx: &crate::api::Ctx, actor: &Actor, target: i64, path: &str) -> Result<(), ApiError> {
        if actor.account_id == target {
            crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, path, "own_account").await;
            return Err(ApiError::Invalid("不可變更自己的帳號；請由其他管理者辦理".into()));
        }
        Ok(())
    }

    pub async fn target(ctx: &crate::api::Ctx, id: i64) -> Result<AccountRecord, ApiError> {
        ctx.state.store.account(id).await.map_err(crate::api::internal)?.ok_or(ApiError::NotFound)
    }
}

/// An account as the pages show it.
#[cfg(feature = "ssr")]
pub fn account_view(a: crate::server::store::AccountRecord) -> AccountView {
    imp::view(a)
}

#[server(prefix = "/api", endpoint = "admin/units")]
pub async fn list_units() -> Result<Vec<UnitView>, ApiError> {
    let ctx = super::guard(ListUnits::PATH).await?;
    ctx.state.store.list_units().await.map_err(super::internal)
}

#[server(prefix = "/api", endpoint = "admin/units/active")]
pub async fn set_unit_active(unit_id: i64, active: bool) -> Result<(), ApiError> {
    let ctx = super::guard(SetUnitActive::PATH).await?;
    let _actor = ctx.actor()?;
    let draft =
        ctx.trail(if active { TrailAction::UnitEnable } else { TrailAction::UnitDisable }).object("unit", unit_id);
    ctx.state.store.set_unit_active(unit_id, active, draft).await.map_err(|e| match e {
        crate::server::store::StoreError::NotFound(_) => ApiError::NotFound,
        e => super::internal(e),
    })
}

/// One kind of record in the retention report (八(五): kept at least five years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionView {
    pub table: String,
    pub label_zh: String,
    pub label_en: String,
    pub total: i64,
    /// Older than five years: may be disposed of under the archives rules, outside this system.
    pub older: i64,
    pub oldest: Option<chrono::DateTime<chrono::Utc>>,
}

/// The record's kinds in the retention report.
pub fn record_label(table: &str) -> (&'static str, &'static str) {
    match table {
        "trail_event" => ("稽核軌跡", "Audit trail"),
        "seal_query" => ("查詢紀錄", "Query log"),
        "comparison" => ("比對紀錄", "Comparison records"),
        "comparison_note" => ("比對紀錄註記", "Record annotations"),
        "seal_version" => ("登記印模版本", "Registered seal versions"),
        "image_blob" => ("影像", "Images"),
        "account_request" => ("帳號異動申請單", "Account change requests"),
        "permission_review" => ("帳號權限審查", "Permission reviews"),
        "handover" => ("管理者移交清冊", "Hand-over lists"),
        "liaison_slip" => ("聯繫單", "Liaison slips"),
        "query_report" => ("查詢紀錄月報", "Monthly query reports"),
        "security_task" => ("資安工作紀錄", "Security duties"),
        _ => ("", ""),
    }
}

/// 八(五): what the system holds, and what is past five years (nothing is deleted by it).
#[server(prefix = "/api", endpoint = "admin/retention")]
pub async fn retention_report() -> Result<Vec<RetentionView>, ApiError> {
    let ctx = super::guard(RetentionReport::PATH).await?;
    ctx.actor()?;
    let now = chrono::Utc::now();
    let cutoff = now.checked_sub_months(chrono::Months::new(60)).unwrap_or(now);
    let rows = ctx.state.store.retention(cutoff).await.map_err(super::internal)?;
    let draft = ctx.trail(TrailAction::RetentionView).details(serde_json::json!({ "cutoff": cutoff }));
    ctx.state.store.append_trail(draft).await.map_err(super::internal)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (zh, en) = record_label(r.table);
            RetentionView {
                table: r.table.to_string(),
                label_zh: zh.into(),
                label_en: en.into(),
                total: r.total,
                older: r.older,
                oldest: r.oldest,
            }
        })
        .collect())
}

/// A unit's contact numbers (printed on liaison slips): digits, spaces, `()+-#` and `分機`.
#[server(prefix = "/api", endpoint = "admin/units/contact")]
pub async fn set_unit_contact(unit_id: i64, phone: String, fax: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetUnitContact::PATH).await?;
    let _actor = ctx.actor()?;
    use crate::domain::forms::liaison_slip::phone_number;
    let phone = phone_number(&phone, "電話").map_err(crate::error::invalid)?;
    let fax = phone_number(&fax, "傳真").map_err(crate::error::invalid)?;
    let draft = ctx
        .trail(TrailAction::UnitContact)
        .object("unit", unit_id)
        .details(serde_json::json!({ "phone": phone, "fax": fax }));
    ctx.state.store.set_unit_contact(unit_id, &phone, &fax, draft).await.map_err(|e| match e {
        crate::server::store::StoreError::NotFound(_) => ApiError::NotFound,
        e => super::internal(e),
    })
}

#[server(prefix = "/api", endpoint = "admin/accounts")]
pub async fn list_accounts() -> Result<Vec<AccountView>, ApiError> {
    let ctx = super::guard(ListAccounts::PATH).await?;
    let _actor = ctx.actor()?;
    let accounts = ctx.state.store.list_accounts().await.map_err(super::internal)?;
    // Staff names and contact details are personal data: the read is recorded.
    ctx.state
        .store
        .append_trail(ctx.trail(TrailAction::AccountList).details(serde_json::json!({ "count": accounts.len() })))
        .await
        .map_err(super::internal)?;
    Ok(accounts.into_iter().map(imp::view).collect())
}

/// Roles taken from accounts because their unit may not hold them (`server::roles`).
#[server(prefix = "/api", endpoint = "admin/accounts/role-removals")]
pub async fn list_role_removals() -> Result<Vec<RoleRemovalView>, ApiError> {
    let ctx = super::guard(ListRoleRemovals::PATH).await?;
    let actor = ctx.actor()?;
    crate::server::roles::list_removals(&ctx.state, actor, ctx.ip_string()).await.map_err(super::internal).map(|rows| {
        rows.into_iter()
            .map(|r| RoleRemovalView {
                account_id: r.account_id,
                employee_no: r.employee_no,
                name: r.name,
                unit_id: r.unit_id,
                role: r.role,
                removed_at: r.removed_at,
            })
            .collect()
    })
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
    use crate::server::{
        auth,
        store::{NewAccount, StoreError},
    };
    let ctx = super::guard(CreateAccount::PATH).await?;
    let _actor = ctx.actor()?;
    let employee_no = crate::domain::EmployeeNo::parse(&employee_no).map_err(crate::error::invalid)?;
    let name = name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(ApiError::Invalid("請輸入使用者姓名（最多 40 字）".into()));
    }
    let roles = parse_roles(&roles)?;
    if roles.is_empty() {
        return Err(ApiError::Invalid("請至少選擇一個角色".into()));
    }
    let unit = ctx
        .state
        .store
        .unit(unit_id)
        .await
        .map_err(super::internal)?
        .ok_or(ApiError::Invalid("沒有這個單位".into()))?;
    if !unit.active {
        return Err(ApiError::Invalid("單位已停用".into()));
    }
    Role::check_for_unit(&roles, unit.kind, &unit.code).map_err(crate::error::invalid)?;
    let password = auth::generate_password();
    let hash = auth::hash_password(password.clone()).await.map_err(super::internal)?;
    let new = NewAccount {
        employee_no: employee_no.as_str().to_string(),
        name,
        unit_id,
        email: email.trim().to_string(),
        phone: phone.trim().to_string(),
        password_hash: hash,
        must_change_password: true,
        one_time_until: Some(crate::server::auth::one_time_until(chrono::Utc::now())),
        roles: roles.clone(),
        now: chrono::Utc::now(),
    };
    let draft = ctx.trail(TrailAction::AccountCreate).object("account", "").details(serde_json::json!({
        "employee_no": new.employee_no,
        "unit_id": unit_id,
        "roles": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    let id = ctx.state.store.create_account(&new, draft).await.map_err(|e| match e {
        StoreError::Duplicate(_) => ApiError::Invalid("此員工編號已有帳號（使用者帳號重複）".into()),
        e => super::internal(e),
    })?;
    Ok(CreatedAccount { id, employee_no: new.employee_no, one_time_password: password })
}

#[server(prefix = "/api", endpoint = "admin/accounts/roles")]
pub async fn set_account_roles(account_id: i64, roles: String) -> Result<(), ApiError> {
    let ctx = super::guard(SetAccountRoles::PATH).await?;
    let actor = ctx.actor()?;
    imp::not_self(&ctx, actor, account_id, SetAccountRoles::PATH).await?;
    let before = imp::target(&ctx, account_id).await?;
    let roles = parse_roles(&roles)?;
    let unit = ctx.state.store.unit(before.unit_id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    Role::check_for_unit(&roles, unit.kind, &unit.code).map_err(crate::error::invalid)?;
    let draft = ctx.trail(TrailAction::AccountRoles).object("account", account_id).details(serde_json::json!({
        "before": before.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "after": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    ctx.state.store.set_roles(account_id, &roles, draft).await.map_err(super::internal)
}

#[server(prefix = "/api", endpoint = "admin/accounts/disable")]
pub async fn disable_account(account_id: i64, reason: String) -> Result<(), ApiError> {
    let ctx = super::guard(DisableAccount::PATH).await?;
    let actor = ctx.actor()?;
    imp::not_self(&ctx, actor, account_id, DisableAccount::PATH).await?;
    imp::target(&ctx, account_id).await?;
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(ApiError::Invalid("請輸入停用原因".into()));
    }
    let draft = ctx
        .trail(TrailAction::AccountDisable)
        .object("account", account_id)
        .details(serde_json::json!({ "reason": reason }));
    ctx.state.store.set_disabled(account_id, true, Some(&reason), draft).await.map_err(super::internal)
}

// No endpoint re-enables a disabled or revoked account: it returns only through a 附件五 新增
// request, reviewed like any other (the unit and the roles are checked then), with a new
// one-time password.

#[server(prefix = "/api", endpoint = "admin/accounts/reset-password")]
pub async fn reset_password(account_id: i64) -> Result<CreatedAccount, ApiError> {
    use crate::server::auth;
    let ctx = super::guard(ResetPassword::PATH).await?;
    let actor = ctx.actor()?;
    imp::not_self(&ctx, actor, account_id, ResetPassword::PATH).await?;
    let target = imp::target(&ctx, account_id).await?;
    let password = auth::generate_password();
    let hash = auth::hash_password(password.clone()).await.map_err(super::internal)?;
    let draft = ctx.trail(TrailAction::AccountPasswordReset).object("account", account_id);
    ctx.state.store.set_password(account_id, &hash, true, chrono::Utc::now(), draft).await.map_err(super::internal)?;
    Ok(CreatedAccount { id: account_id, employee_no: target.employee_no, one_time_password: password })
}

#[server(prefix = "/api", endpoint = "admin/designations")]
pub async fn list_designations() -> Result<Vec<DesignationView>, ApiError> {
    let ctx = super::guard(ListDesignations::PATH).await?;
    let rows = ctx.state.store.list_designations(None).await.map_err(super::internal)?;
    let now = chrono::Utc::now();
    let tz = crate::domain::taipei_offset();
    let day = |t: chrono::DateTime<chrono::Utc>| {
        crate::domain::RocDate::from_gregorian(t.with_timezone(&tz).date_naive()).ok()
    };
    Ok(rows
        .into_iter()
        .filter_map(|d| {
            Some(DesignationView {
                id: d.id,
                unit_id: d.unit_id,
                account_id: d.account_id,
                kind: d.kind,
                valid_from: day(d.valid_from)?,
                // stored as the end's next midnight (the range includes its whole last day):
                // shown as the last day it applies
                valid_to: day((d.valid_to - chrono::Duration::seconds(1)).max(d.valid_from)),
                open: d.valid_to > now,
            })
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "admin/designations/add")]
pub async fn add_designation(
    account_id: i64,
    kind: String,
    valid_from: String,
    valid_to: String,
) -> Result<i64, ApiError> {
    use crate::server::store::NewDesignation;
    let ctx = super::guard(AddDesignation::PATH).await?;
    let actor = ctx.actor()?;
    let kind = Designation::parse(&kind).ok_or_else(|| ApiError::Invalid("沒有這種指定".into()))?;
    if account_id == actor.account_id {
        crate::server::authz::deny(&ctx.state, Some(actor), ctx.ip, AddDesignation::PATH, "self_designation").await;
        return Err(ApiError::Invalid("不可指定自己".into()));
    }
    let target = imp::target(&ctx, account_id).await?;
    if target.disabled {
        return Err(ApiError::Invalid("帳號已停用，不能指定".into()));
    }
    let start_of = |d: crate::domain::RocDate| {
        d.gregorian()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(crate::domain::taipei_offset()).single())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let from =
        crate::domain::RocDate::parse(&valid_from).map_err(|e| ApiError::Invalid(format!("起日：{e}").into()))?;
    // every designation has an end, at most a year after its start
    if valid_to.trim().is_empty() {
        return Err(ApiError::Invalid("請填寫迄日（指定期間最長一年）".into()));
    }
    let to = crate::domain::RocDate::parse(&valid_to).map_err(|e| ApiError::Invalid(format!("迄日：{e}").into()))?;
    if to < from {
        return Err(ApiError::Invalid("迄日不可早於起日".into()));
    }
    if to.gregorian() > from.gregorian() + chrono::Duration::days(366) {
        return Err(ApiError::Invalid("指定期間最長一年".into()));
    }
    let d = NewDesignation {
        unit_id: target.unit_id,
        account_id,
        kind,
        valid_from: start_of(from).ok_or(ApiError::Internal)?,
        // the range includes the whole last day
        valid_to: start_of(to).map(|s| s + chrono::Duration::days(1)).ok_or(ApiError::Internal)?,
        created_by: Some(actor.account_id),
        now: chrono::Utc::now(),
    };
    let draft = ctx
        .trail(TrailAction::DesignationAdd)
        .object("designation", "")
        .details(serde_json::json!({ "account_id": account_id, "kind": kind.code(), "unit_id": target.unit_id }));
    ctx.state.store.add_designation(&d, draft).await.map_err(super::internal)
}

/// End a designation now (before its end date), audited.
#[server(prefix = "/api", endpoint = "admin/designations/end")]
pub async fn end_designation(id: i64) -> Result<(), ApiError> {
    let ctx = super::guard(EndDesignation::PATH).await?;
    let _actor = ctx.actor()?;
    let draft = ctx.trail(TrailAction::DesignationEnd);
    ctx.state.store.end_designation(id, chrono::Utc::now(), draft).await.map_err(|e| match e {
        crate::server::store::StoreError::Stale(_) => ApiError::Invalid("此指定已結束".into()),
        e => super::internal(e),
    })
}
