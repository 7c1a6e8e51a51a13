//! One store interface, one implementation per database (SQLite and PostgreSQL), written once
//! in `sql.rs` with the same SQL text for both; only connection set-up and migrations differ.
//!
//! Lock order (PostgreSQL takes row locks; SQLite has one writer): inside a transaction, the
//! record's own rows are written first (the slip, the request, the report, …), any row the
//! step creates next, and the audit head last — `trail_in` (which updates `audit_head`) is the
//! final write of every transaction. Two transactions therefore never wait on each other in
//! opposite orders; a step that needs a row's state checks it with its first UPDATE.

pub mod audits;
pub mod forward;
pub mod liaison;
mod postgres;
pub mod registry;
pub mod reports;
pub mod requests;
pub mod reviews;
mod sql;
mod sqlite;
pub mod system;
pub mod tasks;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::trail::{TrailDraft, TrailRecord};
use crate::domain::{unit::UnitSeed, CalendarDay, Designation, OfficeHours, Role, UnitKind, UnitView};

pub use audits::*;
pub use forward::*;
pub use liaison::*;
pub use postgres::PgStore;
pub use registry::*;
pub use reports::*;
pub use requests::*;
pub use reviews::*;
pub use sqlite::SqliteStore;
pub use system::*;
pub use tasks::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite://… or postgres://…): {0}")]
    BadUrl(String),
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0} has changed in the meantime")]
    Stale(&'static str),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
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
    pub valid_to: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewDesignation {
    pub unit_id: i64,
    pub account_id: i64,
    pub kind: Designation,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

/// What a failed sign-in did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOutcome {
    pub attempts: i64,
    pub locked: bool,
}

#[async_trait]
pub trait Store:
    RegistryStore
    + RequestStore
    + ReviewStore
    + LiaisonStore
    + ReportStore
    + TaskStore
    + ForwardStore
    + SystemStore
    + AuditStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    /// Apply the embedded migrations.
    async fn migrate(&self) -> StoreResult<()>;

    // ---- units
    /// Insert reference units that are missing (by code); existing ones are left alone.
    async fn ensure_units(&self, seeds: &[UnitSeed], now: DateTime<Utc>) -> StoreResult<usize>;
    async fn list_units(&self) -> StoreResult<Vec<UnitView>>;
    async fn unit(&self, id: i64) -> StoreResult<Option<UnitView>>;
    async fn unit_by_code(&self, code: &str) -> StoreResult<Option<UnitView>>;
    async fn set_unit_active(&self, id: i64, active: bool, trail: TrailDraft) -> StoreResult<()>;
    /// The unit's contact numbers (printed on liaison slips).
    async fn set_unit_contact(&self, id: i64, phone: &str, fax: &str, trail: TrailDraft) -> StoreResult<()>;

    // ---- accounts
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

    // ---- designations
    async fn add_designation(&self, d: &NewDesignation, trail: TrailDraft) -> StoreResult<i64>;
    async fn list_designations(&self, unit_id: Option<i64>) -> StoreResult<Vec<DesignationRecord>>;
    /// End a designation at `now` (an administrator ends it early); `Stale` when it has ended.
    async fn end_designation(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<()>;

    // ---- rate limits shared by every instance on the database
    /// Count one hit of `key` in the fixed window starting at `window_start` (epoch seconds) and
    /// return the window's hits so far; windows older than `drop_before` are removed.
    async fn hit_rate(&self, key: &str, window_start: i64, drop_before: i64) -> StoreResult<i64>;

    // ---- trail
    async fn append_trail(&self, trail: TrailDraft) -> StoreResult<i64>;
    /// Rows with `seq > after`, ascending, at most `limit`.
    async fn trail_rows(&self, after: i64, limit: i64) -> StoreResult<Vec<TrailRecord>>;
    /// The newest rows, newest first.
    async fn recent_trail(&self, limit: i64) -> StoreResult<Vec<TrailRecord>>;
    async fn trail_head(&self) -> StoreResult<(i64, String)>;
    /// The head with its seal (HMAC; `None` before the first start that sealed it).
    async fn trail_head_sealed(&self) -> StoreResult<(i64, String, Option<String>)>;
    /// Seal an unsealed head (the upgrade of a trail from before the seal); `Stale` when the head
    /// moved or is sealed already.
    async fn seal_trail_head(&self, seq: i64, hash: &str) -> StoreResult<()>;

    // ---- retention (八(五))
    /// For every kind of record: how many there are, how many are older than `cutoff`, the oldest.
    async fn retention(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<RetentionRow>>;
}

/// One kind of record in the retention report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRow {
    pub table: &'static str,
    pub total: i64,
    pub older: i64,
    pub oldest: Option<DateTime<Utc>>,
}

/// The record tables kept at least five years, with the column that dates each row.
pub const RECORD_TABLES: &[(&str, &str)] = &[
    ("audit_event", "occurred_at"),
    ("seal_query", "queried_at"),
    ("comparison", "created_at"),
    ("comparison_note", "created_at"),
    ("seal_version", "created_at"),
    ("image_blob", "created_at"),
    ("account_request", "filed_at"),
    ("permission_review", "started_at"),
    ("handover", "created_at"),
    ("liaison_slip", "created_at"),
    ("query_report", "generated_at"),
    ("security_task", "created_at"),
    ("audit", "created_at"),
    ("audit_answer", "answered_at"),
    ("audit_signoff", "signed_at"),
    ("audit_followup", "created_at"),
];

pub type DynStore = Arc<dyn Store>;

/// The connection pool underneath a store (for the session store, which shares it).
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Open the database named by the URL; the scheme picks the backend.
pub async fn open(url: &str, trail_key: Arc<Vec<u8>>) -> StoreResult<(DynStore, Pool)> {
    if url.starts_with("sqlite:") {
        let s = SqliteStore::connect(url, trail_key).await?;
        // sessions are written on every request: through the one writer connection too
        let pool = Pool::Sqlite(s.writer().clone());
        Ok((Arc::new(s), pool))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let s = PgStore::connect(url, trail_key).await?;
        let pool = Pool::Postgres(s.pool().clone());
        Ok((Arc::new(s), pool))
    } else {
        Err(StoreError::BadUrl(url.to_string()))
    }
}

pub(crate) fn parse_kind(s: &str) -> StoreResult<UnitKind> {
    UnitKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unit kind {s}")))
}
