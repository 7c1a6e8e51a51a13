//! Units, accounts (roles, passwords, sign-in failures and locks) and designations (指定專人,
//! 代理). Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreError, StoreResult};
use crate::domain::{unit::UnitSeed, Designation, Role, UnitKind, UnitView};
use crate::server::trail::TrailDraft;

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Insert reference units that are missing (by code); existing ones are left alone.
    async fn ensure_units(&self, seeds: &[UnitSeed], now: DateTime<Utc>) -> StoreResult<usize>;

    async fn list_units(&self) -> StoreResult<Vec<UnitView>>;

    async fn unit(&self, id: i64) -> StoreResult<Option<UnitView>>;

    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<UnitView>>;

    async fn set_unit_active(&self, id: i64, active: bool, trail: TrailDraft) -> StoreResult<()>;

    /// The unit's contact numbers (printed on liaison slips).
    async fn set_unit_contact(&self, id: i64, phone: &str, fax: &str, trail: TrailDraft) -> StoreResult<()>;

    async fn count_accounts(&self) -> StoreResult<i64>;

    async fn create_account(&self, new: &NewAccount, trail: TrailDraft) -> StoreResult<i64>;

    async fn account(&self, id: i64) -> StoreResult<Option<AccountRecord>>;

    async fn account_by_employee_no(&self, employee_no: &str) -> StoreResult<Option<AccountRecord>>;

    async fn list_accounts(&self) -> StoreResult<Vec<AccountRecord>>;

    /// Replace the roles; ends every session of the account.
    async fn set_roles(&self, id: i64, roles: &[Role], trail: TrailDraft) -> StoreResult<()>;

    /// Disable (ending every session at once) or re-enable.
    async fn set_disabled(&self, id: i64, disabled: bool, reason: Option<&str>, trail: TrailDraft) -> StoreResult<()>;

    /// Store a new password hash (the old one goes to the history); returns the new session version.
    async fn set_password(
        &self,
        id: i64,
        hash: &str,
        must_change: bool,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<i64>;

    /// The most recent `n` password hashes, the current one first.
    async fn password_history(&self, id: i64, n: i64) -> StoreResult<Vec<String>>;

    /// Count a failed sign-in; lock the account when `max_failures` is reached.
    async fn record_login_failure(
        &self,
        id: i64,
        max_failures: i64,
        lock_until: DateTime<Utc>,
        trail: TrailDraft,
        lockout_trail: TrailDraft,
    ) -> StoreResult<FailureOutcome>;

    /// A correct password: the sign-in counts only if the account is, in the same statement,
    /// still enabled and not locked (a lock set by parallel wrong guesses wins). `false`: refused.
    async fn record_login_success(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<bool>;

    async fn add_designation(&self, d: &NewDesignation, trail: TrailDraft) -> StoreResult<i64>;

    async fn list_designations(&self, unit_id: Option<i64>) -> StoreResult<Vec<DesignationRecord>>;

    /// End a designation at `now` (an administrator ends it early); `Stale` when it has ended.
    async fn end_designation(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<()>;

    /// Take `roles` from the account because its unit may not hold them (ending its sessions),
    /// each kept in the list the administrators read, with the trail row, in one transaction.
    async fn remove_roles(
        &self,
        account_id: i64,
        roles: &[Role],
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;

    /// Roles taken from accounts because their unit may not hold them, newest first.
    async fn role_removals(&self) -> StoreResult<Vec<RoleRemoval>>;
}

/// A role taken from an account because its unit may not hold it (`server::roles`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRemoval {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub role: Role,
    pub removed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub email: String,
    pub phone: String,
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    pub must_change_password: bool,
    pub failed_attempts: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub session_version: i64,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the account's unused one-time password stops working (set with every one-time
    /// password but the demo accounts'; see `auth::one_time_expired`).
    pub one_time_until: Option<DateTime<Utc>>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone)]
pub struct NewAccount {
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub email: String,
    pub phone: String,
    pub password_hash: String,
    pub must_change_password: bool,
    /// A one-time password's end (`auth::one_time_until`); `None` for a demo account.
    pub one_time_until: Option<DateTime<Utc>>,
    pub roles: Vec<Role>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesignationRecord {
    pub id: i64,
    pub unit_id: i64,
    pub account_id: i64,
    pub kind: Designation,
    pub valid_from: DateTime<Utc>,
    /// Every designation ends (at most a year after its start; migration 0019 gave the old
    /// open-ended ones a year); the moment it no longer holds.
    pub valid_to: DateTime<Utc>,
}

impl DesignationRecord {
    /// Whether the designation holds at `now`.
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.valid_from <= now && now < self.valid_to
    }
}

#[derive(Debug, Clone)]
pub struct NewDesignation {
    pub unit_id: i64,
    pub account_id: i64,
    pub kind: Designation,
    pub valid_from: DateTime<Utc>,
    pub valid_to: DateTime<Utc>,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

/// What a failed sign-in did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    pub attempts: i64,
    pub locked: bool,
}

#[derive(sqlx::FromRow)]
pub(super) struct UnitRow {
    id: i64,
    code: String,
    name_zh: String,
    name_en: String,
    kind: String,
    active: bool,
    phone: String,
    fax: String,
}

impl UnitRow {
    pub(super) fn into_view(self) -> StoreResult<UnitView> {
        Ok(UnitView {
            id: self.id,
            code: self.code,
            name_zh: self.name_zh,
            name_en: self.name_en,
            kind: UnitKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unit {}: kind {:?}", self.id, self.kind)))?,
            active: self.active,
            phone: self.phone,
            fax: self.fax,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AccountRow {
    pub(super) id: i64,
    employee_no: String,
    name: String,
    unit_id: i64,
    email: String,
    phone: String,
    password_hash: String,
    password_changed_at: DateTime<Utc>,
    must_change_password: bool,
    failed_attempts: i64,
    locked_until: Option<DateTime<Utc>>,
    disabled: bool,
    disabled_at: Option<DateTime<Utc>>,
    disabled_reason: Option<String>,
    session_version: i64,
    created_at: DateTime<Utc>,
    last_login_at: Option<DateTime<Utc>>,
    one_time_until: Option<DateTime<Utc>>,
}

impl AccountRow {
    pub(super) fn into_record(self, roles: Vec<Role>) -> AccountRecord {
        AccountRecord {
            id: self.id,
            employee_no: self.employee_no,
            name: self.name,
            unit_id: self.unit_id,
            email: self.email,
            phone: self.phone,
            password_hash: self.password_hash,
            password_changed_at: self.password_changed_at,
            must_change_password: self.must_change_password,
            failed_attempts: self.failed_attempts,
            locked_until: self.locked_until,
            disabled: self.disabled,
            disabled_at: self.disabled_at,
            disabled_reason: self.disabled_reason,
            session_version: self.session_version,
            created_at: self.created_at,
            last_login_at: self.last_login_at,
            one_time_until: self.one_time_until,
            roles,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DesignationRow {
    id: i64,
    unit_id: i64,
    account_id: i64,
    kind: String,
    valid_from: DateTime<Utc>,
    valid_to: DateTime<Utc>,
}

impl DesignationRow {
    pub(super) fn into_record(self) -> StoreResult<DesignationRecord> {
        Ok(DesignationRecord {
            id: self.id,
            unit_id: self.unit_id,
            account_id: self.account_id,
            kind: Designation::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("designation {}: kind {:?}", self.id, self.kind)))?,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}

pub(super) fn parse_roles(rows: Vec<(String,)>) -> StoreResult<Vec<Role>> {
    let mut roles = rows
        .into_iter()
        .map(|(r,)| Role::parse(&r).ok_or_else(|| StoreError::Corrupt(format!("role {r}"))))
        .collect::<StoreResult<Vec<_>>>()?;
    roles.sort();
    Ok(roles)
}

pub(crate) fn parse_kind(s: &str) -> StoreResult<UnitKind> {
    UnitKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unit kind {s}")))
}

pub(super) const ACCOUNT_COLUMNS: &str =
    "id, employee_no, name, unit_id, email, phone, password_hash, password_changed_at, \
     must_change_password, failed_attempts, locked_until, disabled, disabled_at, disabled_reason, session_version, \
     created_at, last_login_at, one_time_until";

/// Implements [`AccountStore`] for a store made by `impl_database!`.
macro_rules! impl_accounts {
    ($store:ident, $db:ty) => {
        impl $store {
            /// A workflow's timeline row: `table (fk, at, actor_id, action, note)`.
            /// End the account's current and future designations (all, or those outside
            /// `keep_unit`): it was disabled, or moved to another unit.
            pub(super) async fn end_designations_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                account_id: i64,
                keep_unit: Option<i64>,
                now: DateTime<Utc>,
            ) -> StoreResult<u64> {
                let r = sqlx::query(
                    "UPDATE designation SET valid_to = CASE WHEN valid_from > $1 THEN valid_from ELSE $1 END \
                     WHERE account_id = $2 AND ($3 IS NULL OR unit_id <> $3) AND valid_to > $1",
                )
                .bind(now)
                .bind(account_id)
                .bind(keep_unit)
                .execute(&mut **tx)
                .await?;
                Ok(r.rows_affected())
            }

            async fn roles_of<'e, E>(exec: E, id: i64) -> StoreResult<Vec<Role>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT role FROM account_role WHERE account_id = $1").bind(id).fetch_all(exec).await?;
                parse_roles(rows)
            }

            async fn account_where(&self, clause: &str, bind: BindArg<'_>) -> StoreResult<Option<AccountRecord>> {
                let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE {clause}");
                let q = sqlx::query_as::<_, AccountRow>(&sql);
                let q = match bind {
                    BindArg::Int(i) => q.bind(i),
                    BindArg::Text(s) => q.bind(s),
                };
                let Some(row) = q.fetch_optional(&self.pool).await? else { return Ok(None) };
                let roles = Self::roles_of(&self.pool, row.id).await?;
                Ok(Some(row.into_record(roles)))
            }
        }

        #[async_trait]
        impl AccountStore for $store {
            async fn ensure_units(&self, seeds: &[UnitSeed], now: DateTime<Utc>) -> StoreResult<usize> {
                let mut tx = self.begin().await?;
                let mut added = 0;
                for u in seeds {
                    let r = sqlx::query(
                        "INSERT INTO unit (code, name_zh, name_en, kind, active, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (code) DO NOTHING",
                    )
                    .bind(u.code)
                    .bind(u.name_zh)
                    .bind(u.name_en)
                    .bind(u.kind.code())
                    .bind(true)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    added += r.rows_affected() as usize;
                }
                tx.commit().await?;
                Ok(added)
            }

            async fn list_units(&self) -> StoreResult<Vec<UnitView>> {
                let rows: Vec<UnitRow> =
                    sqlx::query_as("SELECT id, code, name_zh, name_en, kind, active, phone, fax FROM unit ORDER BY id").fetch_all(&self.pool).await?;
                rows.into_iter().map(UnitRow::into_view).collect()
            }

            async fn unit(&self, id: i64) -> StoreResult<Option<UnitView>> {
                let row: Option<UnitRow> = sqlx::query_as("SELECT id, code, name_zh, name_en, kind, active, phone, fax FROM unit WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(UnitRow::into_view).transpose()
            }

            async fn unit_by_code(&self, code: &str) -> StoreResult<Option<UnitView>> {
                let row: Option<UnitRow> = sqlx::query_as("SELECT id, code, name_zh, name_en, kind, active, phone, fax FROM unit WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(UnitRow::into_view).transpose()
            }

            async fn set_unit_active(&self, id: i64, active: bool, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query("UPDATE unit SET active = $1 WHERE id = $2").bind(active).bind(id).execute(&mut *tx).await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::NotFound("unit"));
                }
                if !active {
                    // the unit's open sessions end with it (sign-in refuses its accounts)
                    sqlx::query("UPDATE account SET session_version = session_version + 1 WHERE unit_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_unit_contact(&self, id: i64, phone: &str, fax: &str, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query("UPDATE unit SET phone = $1, fax = $2 WHERE id = $3")
                    .bind(phone)
                    .bind(fax)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::NotFound("unit"));
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn count_accounts(&self) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM account").fetch_one(&self.pool).await?;
                Ok(n)
            }

            async fn create_account(&self, new: &NewAccount, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO account (employee_no, name, unit_id, email, phone, password_hash, password_changed_at, \
                     must_change_password, failed_attempts, disabled, session_version, created_at, one_time_until) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 1, $10, $11) RETURNING id",
                )
                .bind(&new.employee_no)
                .bind(&new.name)
                .bind(new.unit_id)
                .bind(&new.email)
                .bind(&new.phone)
                .bind(&new.password_hash)
                .bind(new.now)
                .bind(new.must_change_password)
                .bind(false)
                .bind(new.now)
                .bind(new.one_time_until.filter(|_| new.must_change_password))
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_unique(e, "account"))?;
                for role in &new.roles {
                    sqlx::query("INSERT INTO account_role (account_id, role) VALUES ($1, $2)")
                        .bind(id)
                        .bind(role.code())
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(&new.password_hash)
                    .bind(new.now)
                    .execute(&mut *tx)
                    .await?;
                let mut trail = trail;
                trail.object_id = Some(id.to_string());
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn account(&self, id: i64) -> StoreResult<Option<AccountRecord>> {
                self.account_where("id = $1", BindArg::Int(id)).await
            }

            async fn account_by_employee_no(&self, employee_no: &str) -> StoreResult<Option<AccountRecord>> {
                self.account_where("employee_no = $1", BindArg::Text(employee_no)).await
            }

            async fn list_accounts(&self) -> StoreResult<Vec<AccountRecord>> {
                let rows: Vec<AccountRow> =
                    sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY unit_id, employee_no"))
                        .fetch_all(&self.pool)
                        .await?;
                let roles: Vec<(i64, String)> =
                    sqlx::query_as("SELECT account_id, role FROM account_role").fetch_all(&self.pool).await?;
                let mut by_account: std::collections::HashMap<i64, Vec<(String,)>> = Default::default();
                for (id, r) in roles {
                    by_account.entry(id).or_default().push((r,));
                }
                rows.into_iter()
                    .map(|row| {
                        let roles = parse_roles(by_account.remove(&row.id).unwrap_or_default())?;
                        Ok(row.into_record(roles))
                    })
                    .collect()
            }

            async fn set_roles(&self, id: i64, roles: &[Role], trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query("UPDATE account SET session_version = session_version + 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::NotFound("account"));
                }
                sqlx::query("DELETE FROM account_role WHERE account_id = $1").bind(id).execute(&mut *tx).await?;
                for role in roles {
                    sqlx::query("INSERT INTO account_role (account_id, role) VALUES ($1, $2)")
                        .bind(id)
                        .bind(role.code())
                        .execute(&mut *tx)
                        .await?;
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_disabled(&self, id: i64, disabled: bool, reason: Option<&str>, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let when = disabled.then_some(trail.occurred_at);
                let row: Option<(String,)> = sqlx::query_as(
                    "UPDATE account SET disabled = $1, disabled_at = $2, disabled_reason = $3, \
                     session_version = session_version + 1, failed_attempts = 0, locked_until = NULL WHERE id = $4 \
                     RETURNING employee_no",
                )
                .bind(disabled)
                .bind(when)
                .bind(reason)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((employee_no,)) = row else { return Err(StoreError::NotFound("account")) };
                let mut trail = trail;
                if disabled {
                    // a disabled account acts for no unit any more
                    Self::end_designations_in(&mut tx, id, None, trail.occurred_at).await?;
                    // no request filed before this may bring the account back or change it later
                    let closed =
                        Self::supersede_in(&mut tx, &employee_no, 0, trail.occurred_at, $crate::domain::request_view::Superseded::AccountDisabled)
                            .await?;
                    if !closed.is_empty() {
                        if let serde_json::Value::Object(m) = &mut trail.details {
                            m.insert("superseded_requests".into(), serde_json::json!(closed));
                        }
                    }
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_password(&self, id: i64, hash: &str, must_change: bool, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let row: Option<(i64,)> = sqlx::query_as(
                    "UPDATE account SET password_hash = $1, password_changed_at = $2, must_change_password = $3, \
                     failed_attempts = 0, locked_until = NULL, session_version = session_version + 1, one_time_until = $5 \
                     WHERE id = $4 RETURNING session_version",
                )
                .bind(hash)
                .bind(now)
                .bind(must_change)
                .bind(id)
                // a password set to be changed is a one-time password: it expires unused
                .bind(must_change.then(|| crate::server::auth::one_time_until(now)))
                .fetch_optional(&mut *tx)
                .await?;
                let Some((version,)) = row else { return Err(StoreError::NotFound("account")) };
                sqlx::query("INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(version)
            }

            async fn password_history(&self, id: i64, n: i64) -> StoreResult<Vec<String>> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT password_hash FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                )
                .bind(id)
                .bind(n)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(h,)| h).collect())
            }

            async fn record_login_failure(
                &self,
                id: i64,
                max_failures: i64,
                lock_until: DateTime<Utc>,
                trail: TrailDraft,
                lockout_trail: TrailDraft,
            ) -> StoreResult<FailureOutcome> {
                let mut tx = self.begin().await?;
                let (attempts,): (i64,) = sqlx::query_as(
                    "UPDATE account SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts",
                )
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail).await?;
                let locked = attempts >= max_failures;
                if locked {
                    sqlx::query("UPDATE account SET failed_attempts = 0, locked_until = $1 WHERE id = $2")
                        .bind(lock_until)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    Self::trail_in(&mut tx, &self.key, lockout_trail).await?;
                }
                tx.commit().await?;
                Ok(FailureOutcome { attempts, locked })
            }

            async fn record_login_success(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<bool> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(
                    "UPDATE account SET failed_attempts = 0, locked_until = NULL, last_login_at = $1 \
                     WHERE id = $2 AND disabled = $3 AND (locked_until IS NULL OR locked_until <= $1)",
                )
                .bind(now)
                .bind(id)
                .bind(false)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Ok(false);
                }
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn add_designation(&self, d: &NewDesignation, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO designation (unit_id, account_id, kind, valid_from, valid_to, created_at, created_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(d.unit_id)
                .bind(d.account_id)
                .bind(d.kind.code())
                .bind(d.valid_from)
                .bind(d.valid_to)
                .bind(d.now)
                .bind(d.created_by)
                .fetch_one(&mut *tx)
                .await?;
                let mut trail = trail;
                trail.object_id = Some(id.to_string());
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn list_designations(&self, unit_id: Option<i64>) -> StoreResult<Vec<DesignationRecord>> {
                let rows: Vec<DesignationRow> = match unit_id {
                    Some(u) => sqlx::query_as(
                        "SELECT id, unit_id, account_id, kind, valid_from, valid_to FROM designation WHERE unit_id = $1 ORDER BY id",
                    )
                    .bind(u)
                    .fetch_all(&self.pool)
                    .await?,
                    None => sqlx::query_as("SELECT id, unit_id, account_id, kind, valid_from, valid_to FROM designation ORDER BY id")
                        .fetch_all(&self.pool)
                        .await?,
                };
                rows.into_iter().map(DesignationRow::into_record).collect()
            }

            async fn remove_roles(
                &self,
                account_id: i64,
                roles: &[Role],
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let row: Option<(i64,)> = sqlx::query_as(
                    "UPDATE account SET session_version = session_version + 1 WHERE id = $1 RETURNING unit_id",
                )
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((unit_id,)) = row else { return Err(StoreError::NotFound("account")) };
                for role in roles {
                    let r = sqlx::query("DELETE FROM account_role WHERE account_id = $1 AND role = $2")
                        .bind(account_id)
                        .bind(role.code())
                        .execute(&mut *tx)
                        .await?;
                    if r.rows_affected() == 0 {
                        continue;
                    }
                    sqlx::query("INSERT INTO role_removal (account_id, unit_id, role, removed_at) VALUES ($1, $2, $3, $4)")
                        .bind(account_id)
                        .bind(unit_id)
                        .bind(role.code())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::trail_in(&mut tx, &self.key, trail.object("account", account_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn role_removals(&self) -> StoreResult<Vec<RoleRemoval>> {
                let rows: Vec<(i64, String, String, i64, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT r.account_id, a.employee_no, a.name, r.unit_id, r.role, r.removed_at \
                     FROM role_removal r JOIN account a ON a.id = r.account_id ORDER BY r.id DESC",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(account_id, employee_no, name, unit_id, role, removed_at)| {
                        Ok(RoleRemoval {
                            account_id,
                            employee_no,
                            name,
                            unit_id,
                            role: Role::parse(&role)
                                .ok_or_else(|| StoreError::Corrupt(format!("role_removal: role {role}")))?,
                            removed_at,
                        })
                    })
                    .collect()
            }

            async fn end_designation(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(
                    "UPDATE designation SET valid_to = CASE WHEN valid_from > $1 THEN valid_from ELSE $1 END \
                     WHERE id = $2 AND valid_to > $1",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("designation"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("designation", id)).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_accounts;
