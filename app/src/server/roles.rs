//! Which roles an account may hold follows from its unit (`Role::allowed_in`): administrator
//! only in the IT Office, Ethics only in the Ethics Office, the external auditor only in the
//! units of the external audit team (七(一)1). Grants are checked where they are made (account
//! requests, administrators' role changes); accounts that already held a role their unit may
//! not hold — granted before the rule was this strict — lose it at the next start, each with a
//! trail row, listed for the administrators (`role_removal`).

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::store::{RoleRemoval, Store, StoreResult};
use super::trail::{Outcome, TrailAction, TrailDraft};
use crate::domain::Role;

/// One account's roles taken away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub account_id: i64,
    pub employee_no: String,
    pub unit_code: String,
    pub roles: Vec<Role>,
}

/// Take from every account the roles its unit may not hold; what was taken.
pub async fn remove_misplaced_roles(store: &dyn Store, now: DateTime<Utc>) -> StoreResult<Vec<Removed>> {
    let units = store.list_units().await?;
    let mut removed = Vec::new();
    for a in store.list_accounts().await? {
        let Some(unit) = units.iter().find(|u| u.id == a.unit_id) else { continue };
        let bad: Vec<Role> = a.roles.iter().copied().filter(|r| !r.allowed_in(unit.kind, &unit.code)).collect();
        if bad.is_empty() {
            continue;
        }
        let draft =
            TrailDraft::new(TrailAction::AccountRoleRemoved, Outcome::Success).at(now).details(serde_json::json!({
                "employee_no": a.employee_no,
                "unit": unit.code,
                "removed": bad.iter().map(|r| r.code()).collect::<Vec<_>>(),
                "reason": "role_not_allowed_in_unit",
            }));
        store.remove_roles(a.id, &bad, now, draft).await?;
        tracing::warn!(employee_no = %a.employee_no, unit = %unit.code, roles = ?bad, "removed roles the account's unit may not hold");
        removed.push(Removed {
            account_id: a.id,
            employee_no: a.employee_no,
            unit_code: unit.code.clone(),
            roles: bad,
        });
    }
    Ok(removed)
}

/// The roles taken so far, for an administrator (staff names are personal data: the read is in
/// the trail). The endpoint's policy admits administrators only.
pub async fn list_removals(
    state: &super::AppState,
    actor: &Actor,
    ip: Option<String>,
) -> StoreResult<Vec<RoleRemoval>> {
    let rows = state.store.role_removals().await?;
    state
        .store
        .append_trail(
            TrailDraft::new(TrailAction::AccountList, Outcome::Success)
                .actor(Some(actor.trail_ref()))
                .ip(ip)
                .details(serde_json::json!({ "role_removals": rows.len() })),
        )
        .await?;
    Ok(rows)
}
