use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;

use super::accounts::*;
use super::acknowledgements::{impl_acknowledgements, ACKNOWLEDGEMENT_COLUMNS};
use super::audits::{impl_audits, AUDIT_RECORD_COLUMNS, FOLLOWUP_COLUMNS};
use super::calendar::*;
use super::comparisons::*;
use super::database::*;
use super::forward::{impl_forward, FORWARD_COLUMNS};
use super::liaison::{impl_liaison, SLIP_COLUMNS};
use super::queries::*;
use super::reports::{impl_reports, ReportRecord, REPORT_COLUMNS};
use super::requests::{impl_requests, REQUEST_COLUMNS};
use super::reviews::impl_reviews;
use super::seals::*;
use super::system::impl_system;
use super::tasks::{impl_tasks, TASK_COLUMNS};
use super::trail::*;
use super::*;
use crate::domain::forms::account_request::RequestKind;
use crate::server::trail::TrailAction;

/// The production and scale-out engine; several server processes may share one database.
#[derive(Clone)]
pub struct PgStore {
    pub(crate) pool: sqlx::PgPool,
    key: Arc<Vec<u8>>,
}

impl PgStore {
    fn tx_pool(&self) -> &sqlx::PgPool {
        &self.pool
    }
}

impl PgStore {
    pub async fn connect(url: &str, key: Arc<Vec<u8>>) -> StoreResult<Self> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
        Ok(Self { pool, key })
    }

    pub fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/postgres").run(&self.pool).await?;
        Ok(())
    }
}

impl_database!(PgStore, sqlx::Postgres, Backend::Postgres, "BEGIN");
impl_accounts!(PgStore, sqlx::Postgres);
impl_trail!(PgStore, sqlx::Postgres);
impl_seals!(PgStore, sqlx::Postgres);
impl_queries!(PgStore, sqlx::Postgres);
impl_comparisons!(PgStore, sqlx::Postgres);
impl_calendar!(PgStore, sqlx::Postgres);
impl_requests!(PgStore, sqlx::Postgres);
impl_reviews!(PgStore, sqlx::Postgres);
impl_liaison!(PgStore, sqlx::Postgres);
impl_reports!(PgStore, sqlx::Postgres);
impl_tasks!(PgStore, sqlx::Postgres);
impl_forward!(PgStore, sqlx::Postgres);
impl_system!(
    PgStore,
    sqlx::Postgres,
    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
);
impl_audits!(PgStore, sqlx::Postgres);
impl_acknowledgements!(PgStore, sqlx::Postgres);
