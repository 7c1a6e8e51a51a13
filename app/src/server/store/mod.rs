//! One store interface, one implementation per database (SQLite and PostgreSQL). Each file
//! holds one concern — its records, its trait and an `impl_…!` macro with the SQL, written
//! once for both engines — and `sqlite.rs` / `postgres.rs` only connect, migrate and invoke
//! the macros. [`Store`] is the sum of the concerns' traits.
//!
//! Lock order (PostgreSQL takes row locks; SQLite has one writer): inside a transaction, the
//! record's own rows are written first (the slip, the request, the report, …), any row the
//! step creates next, and the trail head last — `trail_in` (which updates `trail_head`) is the
//! final write of every transaction. Two transactions therefore never wait on each other in
//! opposite orders; a step that needs a row's state checks it with its first UPDATE.

pub mod accounts;
pub mod acknowledgements;
pub mod audits;
pub mod calendar;
pub mod columns;
pub mod comparisons;
pub mod database;
pub mod forward;
pub mod liaison;
mod postgres;
pub mod queries;
pub mod reports;
pub mod requests;
pub mod reviews;
pub mod seals;
mod sqlite;
pub mod system;
pub mod tasks;
pub mod trail;

use std::sync::Arc;

use super::trail::{TrailDraft, TrailRecord};
use crate::domain::{unit::UnitSeed, CalendarDay, OfficeHours, Role, UnitView};

pub use accounts::*;
pub use acknowledgements::{AcknowledgementStore, NewAcknowledgement};
pub use audits::*;
pub use calendar::*;
pub use comparisons::*;
pub use database::*;
pub use forward::*;
pub use liaison::*;
pub use postgres::PgStore;
pub use queries::*;
pub use reports::*;
pub use requests::*;
pub use reviews::*;
pub use seals::*;
pub use sqlite::SqliteStore;
pub use system::*;
pub use tasks::*;
pub use trail::*;

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
    #[error("database file {0}")]
    File(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything the application asks of its database: one trait per concern, each implemented once
/// for both engines (SQLite, PostgreSQL) in its own file.
pub trait Store:
    DatabaseStore
    + AccountStore
    + TrailStore
    + SealStore
    + QueryStore
    + ComparisonStore
    + CalendarStore
    + RequestStore
    + ReviewStore
    + LiaisonStore
    + ReportStore
    + TaskStore
    + ForwardStore
    + SystemStore
    + AuditStore
    + AcknowledgementStore
    + Send
    + Sync
    + 'static
{
}

/// Every type that answers all the concerns is a [`Store`].
impl<T> Store for T where
    T: DatabaseStore
        + AccountStore
        + TrailStore
        + SealStore
        + QueryStore
        + ComparisonStore
        + CalendarStore
        + RequestStore
        + ReviewStore
        + LiaisonStore
        + ReportStore
        + TaskStore
        + ForwardStore
        + SystemStore
        + AuditStore
        + AcknowledgementStore
        + Send
        + Sync
        + 'static
{
}

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
