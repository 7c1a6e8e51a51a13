//! The administrator's use cases: units (active, contact numbers), accounts (list, create,
//! roles, disable, password reset), designations (list, add, end) and the retention report
//! (八(五)). The endpoint policy admits administrators only; each use case checks what depends on
//! the target (nobody changes their own account, a disabled account is not designated, the
//! unit may hold the roles), writes its trail rows (denials included) and answers a typed
//! [`AdminError`].

use chrono::{DateTime, Utc};

use super::auth::{self, Actor};
use super::caller::{problem, Caller, Failure};
use super::state::AppState;
use super::store::{AccountRecord, NewAccount, NewDesignation, StoreError};
use super::trail::TrailAction;
use crate::domain::admin::{
    contact_number, record_label, AccountView, AdminError, ContactField, CreatedAccount, DesignationView,
    RetentionView, RoleRemovalView,
};
use crate::domain::{taipei_offset, Designation, EmployeeNo, RocDate, Role, UnitView};

type Answer<T> = Result<T, Failure<AdminError>>;

/// An account as the pages show it.
pub fn account_view(a: AccountRecord) -> AccountView {
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

/// Separation of duties: nobody changes their own account through these pages (the refusal is
/// in the trail).
async fn not_self(state: &AppState, caller: &Caller, target: i64, endpoint: &str) -> Answer<()> {
    if caller.actor.account_id == target {
        caller.deny::<AdminError>(state, endpoint, "own_account").await;
        return problem(AdminError::OwnAccount);
    }
    Ok(())
}

async fn target(state: &AppState, id: i64) -> Answer<AccountRecord> {
    state.store.account(id).await?.ok_or(Failure::NotFound)
}

fn not_found_or(e: StoreError) -> Failure<AdminError> {
    match e {
        StoreError::NotFound(_) => Failure::NotFound,
        e => e.into(),
    }
}

pub async fn list_units(state: &AppState) -> Answer<Vec<UnitView>> {
    Ok(state.store.list_units().await?)
}

pub async fn set_unit_active(state: &AppState, caller: &Caller, unit_id: i64, active: bool) -> Answer<()> {
    let action = if active { TrailAction::UnitEnable } else { TrailAction::UnitDisable };
    let draft = caller.trail(action).object("unit", unit_id);
    state.store.set_unit_active(unit_id, active, draft).await.map_err(not_found_or)
}

/// A unit's contact numbers (printed on liaison slips).
pub async fn set_unit_contact(state: &AppState, caller: &Caller, unit_id: i64, phone: &str, fax: &str) -> Answer<()> {
    let phone = contact_number(phone).ok_or(Failure::Problem(AdminError::ContactNumber(ContactField::Phone)))?;
    let fax = contact_number(fax).ok_or(Failure::Problem(AdminError::ContactNumber(ContactField::Fax)))?;
    let draft = caller
        .trail(TrailAction::UnitContact)
        .object("unit", unit_id)
        .details(serde_json::json!({ "phone": phone, "fax": fax }));
    state.store.set_unit_contact(unit_id, &phone, &fax, draft).await.map_err(not_found_or)
}

/// 八(五): what the system holds, and what is past five years (nothing is deleted by it).
pub async fn retention(state: &AppState, caller: &Caller) -> Answer<Vec<RetentionView>> {
    let now = Utc::now();
    let cutoff = now.checked_sub_months(chrono::Months::new(60)).unwrap_or(now);
    let rows = state.store.retention(cutoff).await?;
    let draft = caller.trail(TrailAction::RetentionView).details(serde_json::json!({ "cutoff": cutoff }));
    state.store.append_trail(draft).await?;
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

/// Every account; staff names and contact details are personal data, so the read is recorded.
pub async fn list_accounts(state: &AppState, caller: &Caller) -> Answer<Vec<AccountView>> {
    let accounts = state.store.list_accounts().await?;
    let draft = caller.trail(TrailAction::AccountList).details(serde_json::json!({ "count": accounts.len() }));
    state.store.append_trail(draft).await?;
    Ok(accounts.into_iter().map(account_view).collect())
}

/// Roles taken from accounts because their unit may not hold them (`server::roles`).
pub async fn role_removals(state: &AppState, caller: &Caller) -> Answer<Vec<RoleRemovalView>> {
    let ip = caller.ip.map(|i| i.to_string());
    let rows = super::roles::list_removals(state, &caller.actor, ip).await?;
    Ok(rows
        .into_iter()
        .map(|r| RoleRemovalView {
            account_id: r.account_id,
            employee_no: r.employee_no,
            name: r.name,
            unit_id: r.unit_id,
            role: r.role,
            removed_at: r.removed_at,
        })
        .collect())
}

/// A new account as the administrator typed it.
pub struct NewAccountInput {
    pub employee_no: EmployeeNo,
    pub name: String,
    pub unit_id: i64,
    pub email: String,
    pub phone: String,
    pub roles: Vec<Role>,
}

/// Create an account with a one-time password (shown once).
pub async fn create_account(state: &AppState, caller: &Caller, input: NewAccountInput) -> Answer<CreatedAccount> {
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        return problem(AdminError::Name);
    }
    if input.roles.is_empty() {
        return problem(AdminError::NoRoles);
    }
    let unit = state.store.unit(input.unit_id).await?.ok_or(Failure::Problem(AdminError::NoSuchUnit))?;
    if !unit.active {
        return problem(AdminError::UnitInactive);
    }
    Role::refused_in(&input.roles, unit.kind, &unit.code).map_err(|e| Failure::Problem(AdminError::RolesForUnit(e)))?;
    let password = auth::generate_password();
    let hash = auth::hash_password(password.clone()).await.map_err(Failure::internal)?;
    let now = Utc::now();
    let new = NewAccount {
        employee_no: input.employee_no.as_str().to_string(),
        name,
        unit_id: input.unit_id,
        email: input.email.trim().to_string(),
        phone: input.phone.trim().to_string(),
        password_hash: hash,
        must_change_password: true,
        one_time_until: Some(auth::one_time_until(now)),
        roles: input.roles.clone(),
        now,
    };
    let draft = caller.trail(TrailAction::AccountCreate).object("account", "").details(serde_json::json!({
        "employee_no": new.employee_no,
        "unit_id": input.unit_id,
        "roles": input.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    let id = state.store.create_account(&new, draft).await.map_err(|e| match e {
        StoreError::Duplicate(_) => Failure::Problem(AdminError::DuplicateEmployeeNo),
        e => e.into(),
    })?;
    Ok(CreatedAccount { id, employee_no: new.employee_no, one_time_password: password })
}

pub async fn set_roles(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    roles: Vec<Role>,
    endpoint: &str,
) -> Answer<()> {
    not_self(state, caller, account_id, endpoint).await?;
    let before = target(state, account_id).await?;
    let unit = state.store.unit(before.unit_id).await?.ok_or(Failure::NotFound)?;
    Role::refused_in(&roles, unit.kind, &unit.code).map_err(|e| Failure::Problem(AdminError::RolesForUnit(e)))?;
    let draft = caller.trail(TrailAction::AccountRoles).object("account", account_id).details(serde_json::json!({
        "before": before.roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "after": roles.iter().map(|r| r.code()).collect::<Vec<_>>(),
    }));
    Ok(state.store.set_roles(account_id, &roles, draft).await?)
}

pub async fn disable(state: &AppState, caller: &Caller, account_id: i64, reason: &str, endpoint: &str) -> Answer<()> {
    not_self(state, caller, account_id, endpoint).await?;
    target(state, account_id).await?;
    let reason = reason.trim();
    if reason.is_empty() {
        return problem(AdminError::DisableReason);
    }
    let draft = caller
        .trail(TrailAction::AccountDisable)
        .object("account", account_id)
        .details(serde_json::json!({ "reason": reason }));
    Ok(state.store.set_disabled(account_id, true, Some(reason), draft).await?)
}

// No use case re-enables a disabled or revoked account: it returns only through a 附件五 新增
// request, reviewed like any other (the unit and the roles are checked then), with a new
// one-time password.

pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    account_id: i64,
    endpoint: &str,
) -> Answer<CreatedAccount> {
    not_self(state, caller, account_id, endpoint).await?;
    let target = target(state, account_id).await?;
    let password = auth::generate_password();
    let hash = auth::hash_password(password.clone()).await.map_err(Failure::internal)?;
    let draft = caller.trail(TrailAction::AccountPasswordReset).object("account", account_id);
    state.store.set_password(account_id, &hash, true, Utc::now(), draft).await?;
    Ok(CreatedAccount { id: account_id, employee_no: target.employee_no, one_time_password: password })
}

fn day(t: DateTime<Utc>) -> Result<RocDate, StoreError> {
    RocDate::from_gregorian(t.with_timezone(&taipei_offset()).date_naive())
        .map_err(|e| StoreError::Corrupt(format!("designation date {t}: {e:?}")))
}

pub async fn list_designations(state: &AppState) -> Answer<Vec<DesignationView>> {
    let now = Utc::now();
    let mut out = Vec::new();
    for d in state.store.list_designations(None).await? {
        out.push(DesignationView {
            id: d.id,
            unit_id: d.unit_id,
            account_id: d.account_id,
            kind: d.kind,
            valid_from: day(d.valid_from)?,
            // stored as the end's next midnight (the range includes its whole last day): shown
            // as the last day it applies
            valid_to: Some(day((d.valid_to - chrono::Duration::seconds(1)).max(d.valid_from))?),
            open: d.valid_to > now,
        });
    }
    Ok(out)
}

/// A designation as typed: its kind, the account, the first and the last day (ROC dates).
pub struct DesignationInput<'a> {
    pub account_id: i64,
    pub kind: &'a str,
    pub valid_from: &'a str,
    pub valid_to: &'a str,
}

pub async fn add_designation(
    state: &AppState,
    caller: &Caller,
    input: DesignationInput<'_>,
    endpoint: &str,
) -> Answer<i64> {
    let actor: &Actor = &caller.actor;
    let kind = Designation::parse(input.kind).ok_or(Failure::Problem(AdminError::NoSuchDesignation))?;
    if input.account_id == actor.account_id {
        caller.deny::<AdminError>(state, endpoint, "self_designation").await;
        return problem(AdminError::SelfDesignation);
    }
    let target = target(state, input.account_id).await?;
    if target.disabled {
        return problem(AdminError::DisabledAccount);
    }
    let from = RocDate::parse(input.valid_from).map_err(|e| Failure::Problem(AdminError::ValidFrom(e)))?;
    // every designation has an end, at most a year after its start
    if input.valid_to.trim().is_empty() {
        return problem(AdminError::ValidToMissing);
    }
    let to = RocDate::parse(input.valid_to).map_err(|e| Failure::Problem(AdminError::ValidTo(e)))?;
    if to < from {
        return problem(AdminError::EndBeforeStart);
    }
    if to.gregorian() > from.gregorian() + chrono::Duration::days(366) {
        return problem(AdminError::OverAYear);
    }
    let start_of = |d: RocDate| {
        d.gregorian()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(taipei_offset()).single())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| Failure::internal(format!("no Taipei midnight on {d:?}")))
    };
    let d = NewDesignation {
        unit_id: target.unit_id,
        account_id: input.account_id,
        kind,
        valid_from: start_of(from)?,
        // the range includes the whole last day
        valid_to: start_of(to)? + chrono::Duration::days(1),
        created_by: Some(actor.account_id),
        now: Utc::now(),
    };
    let draft = caller.trail(TrailAction::DesignationAdd).object("designation", "").details(serde_json::json!({
        "account_id": input.account_id, "kind": kind.code(), "unit_id": target.unit_id,
    }));
    Ok(state.store.add_designation(&d, draft).await?)
}

/// End a designation now (before its end date).
pub async fn end_designation(state: &AppState, caller: &Caller, id: i64) -> Answer<()> {
    let draft = caller.trail(TrailAction::DesignationEnd);
    state.store.end_designation(id, Utc::now(), draft).await.map_err(|e| match e {
        StoreError::Stale(_) => Failure::Problem(AdminError::DesignationEnded),
        e => e.into(),
    })
}
