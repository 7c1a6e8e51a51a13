//! The system's own records: 系統更新紀錄 (附件三 3(6)) — each version and commit the first
//! time it starts on the database, with the migrations that start applied — and the database
//! server's clock (附件三 4(9)). Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UpdateRecord {
    pub id: i64,
    pub version: String,
    pub git_commit: String,
    pub schema_version: i64,
    /// The migrations this start applied (comma-separated versions; empty: none).
    pub migrations_applied: String,
    /// Who or what started it (OS user @ host, or the service).
    pub started_by: String,
    pub first_started_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewUpdate {
    pub version: String,
    pub git_commit: String,
    pub schema_version: i64,
    pub migrations_applied: String,
    pub started_by: String,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait SystemStore: Send + Sync {
    /// Record a start of this version and commit unless one was recorded; whether it was new.
    async fn record_start(&self, new: &NewUpdate) -> StoreResult<bool>;
    /// Newest first.
    async fn list_updates(&self) -> StoreResult<Vec<UpdateRecord>>;
    /// The migrations applied so far (versions, ascending).
    async fn applied_migrations(&self) -> StoreResult<Vec<i64>>;
    /// The database's clock (PostgreSQL: the server's; SQLite: this machine's).
    async fn db_now(&self) -> StoreResult<DateTime<Utc>>;
}

macro_rules! impl_system {
    ($store:ident, $db:ty, $now:literal) => {
        #[async_trait]
        impl SystemStore for $store {
            async fn record_start(&self, new: &NewUpdate) -> StoreResult<bool> {
                let r = sqlx::query(
                    "INSERT INTO system_update (version, git_commit, schema_version, migrations_applied, started_by, first_started_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (version, git_commit) DO NOTHING",
                )
                .bind(&new.version)
                .bind(&new.git_commit)
                .bind(new.schema_version)
                .bind(&new.migrations_applied)
                .bind(&new.started_by)
                .bind(new.now)
                .execute(&self.pool)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn list_updates(&self) -> StoreResult<Vec<UpdateRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, version, git_commit, schema_version, migrations_applied, started_by, first_started_at \
                     FROM system_update ORDER BY first_started_at DESC, id DESC LIMIT 200",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn applied_migrations(&self) -> StoreResult<Vec<i64>> {
                Ok(sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn db_now(&self) -> StoreResult<DateTime<Utc>> {
                let t: String = sqlx::query_scalar($now).fetch_one(&self.pool).await?;
                DateTime::parse_from_rfc3339(&t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| super::StoreError::Corrupt(format!("database clock {t}: {e}")))
            }
        }
    };
}

pub(super) use impl_system;
