//! First-start data: the reference units always; demo accounts (one per role) only when the
//! database has no account yet.

use chrono::Utc;

use super::audit::{AuditDraft, Outcome};
use super::auth::{generate_password, hash_password, AuthError};
use super::store::{NewAccount, Store, StoreError};
use crate::domain::{Role, REFERENCE_UNITS};

/// A demo account created on first start, with its one-time password.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub role: Role,
    pub employee_no: &'static str,
    pub name: &'static str,
    pub unit_name: String,
    pub password: String,
}

const DEMO: &[(Role, &str, &str, &str)] = &[
    (Role::Clerk, "C0001", "陳怡君", "LO-DA"),
    (Role::AccountManager, "M0001", "林志豪", "LO-DA"),
    (Role::Supervisor, "S0001", "黃淑芬", "LO-DA"),
    (Role::InternalAuditor, "I0001", "張家豪", "LO-DA"),
    (Role::ExternalAuditor, "E0001", "李美玲", "LA-REG"),
    (Role::Ethics, "T0001", "吳建宏", "LA-ETH"),
    (Role::HouseholdOffice, "H0001", "劉雅婷", "HR-DA"),
    (Role::Admin, "A0001", "蔡宗翰", "LA-IT"),
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("reference unit {0} is missing")]
    MissingUnit(&'static str),
}

pub async fn ensure_reference_data(store: &dyn Store) -> Result<usize, SeedError> {
    Ok(store.ensure_units(REFERENCE_UNITS, Utc::now()).await?)
}

/// Create the demo accounts when there is no account at all; returns what was created.
pub async fn seed_demo_accounts(store: &dyn Store) -> Result<Vec<DemoAccount>, SeedError> {
    if store.count_accounts().await? > 0 {
        return Ok(Vec::new());
    }
    let mut created = Vec::new();
    for (role, employee_no, name, unit_code) in DEMO {
        let unit = store.unit_by_code(unit_code).await?.ok_or(SeedError::MissingUnit(unit_code))?;
        let password = generate_password();
        let new = NewAccount {
            employee_no: employee_no.to_string(),
            name: name.to_string(),
            unit_id: unit.id,
            email: format!("{}@gov.taipei", employee_no.to_ascii_lowercase()),
            phone: String::new(),
            password_hash: hash_password(password.clone()).await?,
            must_change_password: true,
            roles: vec![*role],
            now: Utc::now(),
        };
        let draft = AuditDraft::new("account.create", Outcome::Success)
            .object("account", "")
            .details(serde_json::json!({ "seed": "demo", "employee_no": employee_no, "roles": [role.code()] }));
        store.create_account(&new, draft).await?;
        created.push(DemoAccount { role: *role, employee_no, name, unit_name: unit.name_zh, password });
    }
    Ok(created)
}
