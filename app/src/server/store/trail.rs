//! The tamper-evident trail's rows and its sealed head (the chain itself is `server::trail`).
//! Written once for both databases; every other write appends its row through `trail_in`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::server::trail::{TrailDraft, TrailRecord};

#[async_trait]
pub trait TrailStore: Send + Sync {
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

    /// The fingerprint of the trail key this trail was started with, once recorded.
    async fn trail_key_fingerprint(&self) -> StoreResult<Option<String>>;

    /// Record `fingerprint` unless one is recorded already (an insert only if absent, so of
    /// processes racing here exactly one wins); returns the recorded one, ours or the winner's.
    async fn record_trail_key_fingerprint(&self, fingerprint: &str, now: DateTime<Utc>) -> StoreResult<String>;
}

pub(super) const TRAIL_COLUMNS: &str =
    "seq, occurred_at, actor_id, actor_employee_no, actor_roles, actor_unit_id, action, \
     object_type, object_id, case_number, subject_national_id, client_ip, outcome, details, prev_hash, hash";

/// Implements [`TrailStore`] for a store made by `impl_database!`.
macro_rules! impl_trail {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl TrailStore for $store {
            async fn append_trail(&self, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let seq = Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(seq)
            }

            async fn trail_rows(&self, after: i64, limit: i64) -> StoreResult<Vec<TrailRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {TRAIL_COLUMNS} FROM trail_event WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn recent_trail(&self, limit: i64) -> StoreResult<Vec<TrailRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {TRAIL_COLUMNS} FROM trail_event ORDER BY seq DESC LIMIT $1"))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn trail_head(&self) -> StoreResult<(i64, String)> {
                Ok(sqlx::query_as("SELECT seq, hash FROM trail_head WHERE id = 1").fetch_one(&self.pool).await?)
            }

            async fn trail_head_sealed(&self) -> StoreResult<(i64, String, Option<String>)> {
                Ok(sqlx::query_as("SELECT seq, hash, mac FROM trail_head WHERE id = 1").fetch_one(&self.pool).await?)
            }

            async fn seal_trail_head(&self, seq: i64, hash: &str) -> StoreResult<()> {
                let r = sqlx::query(
                    "UPDATE trail_head SET mac = $1 WHERE id = 1 AND seq = $2 AND hash = $3 AND mac IS NULL",
                )
                .bind($crate::server::trail::head_mac(&self.key, seq, hash))
                .bind(seq)
                .bind(hash)
                .execute(&self.pool)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("trail head"));
                }
                Ok(())
            }

            async fn trail_key_fingerprint(&self) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT fingerprint FROM trail_key WHERE id = 1")
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn record_trail_key_fingerprint(&self, fingerprint: &str, now: DateTime<Utc>) -> StoreResult<String> {
                let mut tx = self.begin().await?;
                sqlx::query(
                    "INSERT INTO trail_key (id, fingerprint, recorded_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
                )
                .bind(fingerprint)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let recorded: String =
                    sqlx::query_scalar("SELECT fingerprint FROM trail_key WHERE id = 1").fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok(recorded)
            }
        }
    };
}

pub(super) use impl_trail;
