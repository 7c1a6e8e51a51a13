//! The audit forwarder's cursors (附件三 4(10)): per collector, the last `seq` it has taken, and
//! a lease so that of several instances one sends at a time. Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ForwardRecord {
    pub target: String,
    pub last_seq: i64,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub holder: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait ForwardStore: Send + Sync {
    /// Take (or keep) `target`'s lease for `holder` until `until`; the cursor when it is ours,
    /// `None` while another instance holds it.
    async fn forward_claim(
        &self,
        target: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;
    /// Move the cursor from `from` to `to` (events up to `to` were accepted by the collector);
    /// false when the lease was lost or the cursor moved meanwhile.
    async fn forward_advance(
        &self,
        target: &str,
        holder: &str,
        from: i64,
        to: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// The collector refused or did not answer.
    async fn forward_failed(&self, target: &str, holder: &str, error: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn forward_status(&self) -> StoreResult<Vec<ForwardRecord>>;
}

pub(super) const FORWARD_COLUMNS: &str =
    "target, last_seq, last_sent_at, last_error, last_error_at, holder, lease_until";

macro_rules! impl_forward {
    ($store:ident, $db:ty) => {
        #[async_trait]
        impl ForwardStore for $store {
            async fn forward_claim(
                &self,
                target: &str,
                holder: &str,
                now: DateTime<Utc>,
                until: DateTime<Utc>,
            ) -> StoreResult<Option<i64>> {
                let row: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO trail_forward (target, last_seq, holder, lease_until) VALUES ($1, 0, $2, $3) \
                     ON CONFLICT (target) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until \
                     WHERE trail_forward.holder IS NULL OR trail_forward.holder = excluded.holder \
                        OR trail_forward.lease_until IS NULL OR trail_forward.lease_until < $4 \
                     RETURNING last_seq",
                )
                .bind(target)
                .bind(holder)
                .bind(until)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|r| r.0))
            }

            async fn forward_advance(
                &self,
                target: &str,
                holder: &str,
                from: i64,
                to: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let r = sqlx::query(
                    "UPDATE trail_forward SET last_seq = $1, last_sent_at = $2, last_error = NULL \
                     WHERE target = $3 AND holder = $4 AND last_seq = $5",
                )
                .bind(to)
                .bind(now)
                .bind(target)
                .bind(holder)
                .bind(from)
                .execute(&self.pool)
                .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn forward_failed(&self, target: &str, holder: &str, error: &str, now: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query("UPDATE trail_forward SET last_error = $1, last_error_at = $2 WHERE target = $3 AND holder = $4")
                    .bind(error)
                    .bind(now)
                    .bind(target)
                    .bind(holder)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn forward_status(&self) -> StoreResult<Vec<ForwardRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {FORWARD_COLUMNS} FROM trail_forward ORDER BY target"))
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}

pub(super) use impl_forward;
