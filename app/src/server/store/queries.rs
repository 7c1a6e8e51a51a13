//! The query log (查詢紀錄): every look-up of a registered seal, written with its trail row.
//! Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{SealVersionRecord, StoreResult};
use crate::server::trail::TrailDraft;

#[async_trait]
pub trait QueryStore: Send + Sync {
    /// Record the query and its trail event in one transaction, then return it with the
    /// person's current seal version (if any).
    async fn record_query(
        &self,
        new: &NewQuery,
        trail: TrailDraft,
    ) -> StoreResult<(QueryRecord, Option<SealVersionRecord>)>;

    async fn query(&self, id: i64) -> StoreResult<Option<QueryRecord>>;

    /// The operator's look-ups without a comparison and not closed (未完成比對), oldest first.
    async fn unfinished_queries(&self, operator_id: i64) -> StoreResult<Vec<QueryRecord>>;

    /// The closing of a look-up left without a comparison, if it was closed.
    async fn query_closing(&self, query_id: i64) -> StoreResult<Option<QueryClosing>>;

    /// Close a look-up without a comparison (不比對), with its trail event, once: `Stale` when
    /// it has a comparison or a closing meanwhile.
    async fn close_query(&self, closing: &QueryClosing, trail: TrailDraft) -> StoreResult<()>;
}

/// 不比對: why a look-up was left without a comparison, written once.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueryClosing {
    pub query_id: i64,
    pub closed_by: i64,
    pub closed_at: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct NewQuery {
    pub queried_at: DateTime<Utc>,
    pub operator_id: i64,
    pub unit_id: i64,
    pub client_ip: Option<String>,
    pub business_type: crate::domain::BusinessType,
    pub case_number: String,
    pub national_id: crate::domain::NationalId,
    pub person_name: Option<String>,
    pub after_hours: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueryRecord {
    pub id: i64,
    pub queried_at: DateTime<Utc>,
    pub operator_id: i64,
    pub unit_id: i64,
    pub client_ip: Option<String>,
    pub business_type: crate::domain::BusinessType,
    pub case_number: String,
    pub national_id: crate::domain::NationalId,
    pub person_name: Option<String>,
    pub after_hours: bool,
    pub seal_version_id: Option<i64>,
}

pub(super) const QUERY_COLUMNS: &str = "id, queried_at, operator_id, unit_id, client_ip, business_type, case_number, \
     national_id, person_name, after_hours, seal_version_id";

/// Implements [`QueryStore`] for a store made by `impl_database!`.
macro_rules! impl_queries {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl QueryStore for $store {
            async fn record_query(
                &self,
                new: &NewQuery,
                trail: TrailDraft,
            ) -> StoreResult<(QueryRecord, Option<SealVersionRecord>)> {
                let mut tx = self.begin().await?;
                let current: Option<SealVersionRecord> = sqlx::query_as(&format!(
                    "SELECT {SEAL_COLUMNS} FROM seal_version WHERE national_id = $1 ORDER BY version DESC LIMIT 1"
                ))
                .bind(&new.national_id)
                .fetch_optional(&mut *tx)
                .await?;
                let rec: QueryRecord = sqlx::query_as(&format!(
                    "INSERT INTO seal_query (queried_at, operator_id, unit_id, client_ip, business_type, case_number, \
                     national_id, person_name, after_hours, seal_version_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {QUERY_COLUMNS}"
                ))
                .bind(new.queried_at)
                .bind(new.operator_id)
                .bind(new.unit_id)
                .bind(&new.client_ip)
                .bind(&new.business_type)
                .bind(&new.case_number)
                .bind(&new.national_id)
                .bind(&new.person_name)
                .bind(new.after_hours)
                .bind(current.as_ref().map(|s| s.id))
                .fetch_one(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("seal_query", rec.id)).await?;
                tx.commit().await?;
                Ok((rec, current))
            }

            async fn query(&self, id: i64) -> StoreResult<Option<QueryRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {QUERY_COLUMNS} FROM seal_query WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn unfinished_queries(&self, operator_id: i64) -> StoreResult<Vec<QueryRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {QUERY_COLUMNS} FROM seal_query q WHERE operator_id = $1 \
                     AND NOT EXISTS (SELECT 1 FROM comparison c WHERE c.query_id = q.id) \
                     AND NOT EXISTS (SELECT 1 FROM query_closing k WHERE k.query_id = q.id) \
                     ORDER BY queried_at, id"
                ))
                .bind(operator_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn query_closing(&self, query_id: i64) -> StoreResult<Option<QueryClosing>> {
                Ok(sqlx::query_as(
                    "SELECT query_id, closed_by, closed_at, reason FROM query_closing WHERE query_id = $1",
                )
                .bind(query_id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn close_query(&self, closing: &QueryClosing, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let done = sqlx::query(
                    "INSERT INTO query_closing (query_id, closed_by, closed_at, reason) \
                     SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM comparison WHERE query_id = $1) \
                     AND NOT EXISTS (SELECT 1 FROM query_closing WHERE query_id = $1)",
                )
                .bind(closing.query_id)
                .bind(closing.closed_by)
                .bind(closing.closed_at)
                .bind(&closing.reason)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if done != 1 {
                    return Err(StoreError::Stale("the look-up"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("seal_query", closing.query_id)).await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(super) use impl_queries;
