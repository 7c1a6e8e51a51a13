//! The database itself, written once for both engines (the SQL text is shared: `$n`
//! placeholders, `RETURNING` and `ON CONFLICT` mean the same in SQLite and PostgreSQL): which
//! engine, its migrations, the transaction helpers every store file writes through (`begin`,
//! `trail_in`, `step_in`, `event_in`), the rate-limit windows every instance shares, and the
//! retention report (八(五)).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, StoreError, StoreResult};

#[async_trait]
pub trait DatabaseStore: Send + Sync {
    fn backend(&self) -> Backend;

    /// Apply the embedded migrations.
    async fn migrate(&self) -> StoreResult<()>;

    /// Count one hit of `key` in the fixed window starting at `window_start` (epoch seconds) and
    /// return the window's hits so far; windows older than `drop_before` are removed.
    async fn hit_rate(&self, key: &str, window_start: i64, drop_before: i64) -> StoreResult<i64>;

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
    ("trail_event", "occurred_at"),
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

pub(super) fn map_unique(e: sqlx::Error, what: &'static str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}

/// Implements [`DatabaseStore`] and the transaction helpers for a store struct with
/// `pool: sqlx::Pool<$db>` and `key: Arc<Vec<u8>>`. `$begin` is the statement that opens a write
/// transaction (`BEGIN IMMEDIATE` on SQLite takes the write lock up front, so concurrent writers
/// queue instead of failing).
macro_rules! impl_database {
    ($store:ident, $db:ty, $backend:expr, $begin:literal) => {
        impl $store {
            async fn begin(&self) -> StoreResult<sqlx::Transaction<'static, $db>> {
                Ok(self.tx_pool().begin_with($begin).await?)
            }

            /// Append one trail row inside `tx`. The head row's update serialises appends
            /// (a row lock on PostgreSQL, the write lock on SQLite).
            async fn trail_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                key: &[u8],
                draft: TrailDraft,
            ) -> StoreResult<i64> {
                let (seq, prev): (i64, String) =
                    sqlx::query_as("UPDATE trail_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                        .fetch_one(&mut **tx)
                        .await?;
                let r = draft.into_record(seq, prev, key);
                sqlx::query(&format!(
                    "INSERT INTO trail_event ({TRAIL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
                ))
                .bind(r.seq)
                .bind(r.occurred_at)
                .bind(r.actor_id)
                .bind(&r.actor_employee_no)
                .bind(&r.actor_roles)
                .bind(r.actor_unit_id)
                .bind(&r.action)
                .bind(&r.object_type)
                .bind(&r.object_id)
                .bind(&r.case_number)
                .bind(&r.subject_national_id)
                .bind(&r.client_ip)
                .bind(&r.outcome)
                .bind(&r.details)
                .bind(&r.prev_hash)
                .bind(&r.hash)
                .execute(&mut **tx)
                .await?;
                sqlx::query("UPDATE trail_head SET hash = $1, mac = $2 WHERE id = 1")
                    .bind(&r.hash)
                    .bind($crate::server::trail::head_mac(key, r.seq, &r.hash))
                    .execute(&mut **tx)
                    .await?;
                Ok(seq)
            }

            /// One step of a workflow: `UPDATE table SET state = to, <columns> WHERE id = … AND
            /// state IN (from…)`. Whether a row moved (none: it was no longer in such a state).
            async fn step_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                table: &str,
                id: i64,
                from: &[&str],
                to: &str,
                columns: Vec<(&'static str, SetValue)>,
            ) -> StoreResult<bool> {
                let mut set = vec!["state = $2".to_string()];
                for (i, (col, _)) in columns.iter().enumerate() {
                    set.push(format!("{col} = ${}", i + 3));
                }
                let from = from.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
                let sql = format!("UPDATE {table} SET {} WHERE id = $1 AND state IN ({from})", set.join(", "));
                let mut q = sqlx::query(&sql).bind(id).bind(to);
                for (_, v) in columns {
                    q = match v {
                        SetValue::Time(t) => q.bind(t),
                        SetValue::Int(i) => q.bind(i),
                        SetValue::Text(s) => q.bind(s),
                        SetValue::OptText(s) => q.bind(s),
                    };
                }
                Ok(q.execute(&mut **tx).await?.rows_affected() > 0)
            }

            async fn event_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                table: &str,
                fk: &str,
                id: i64,
                ev: StepEvent<'_>,
            ) -> StoreResult<()> {
                sqlx::query(&format!("INSERT INTO {table} ({fk}, at, actor_id, action, note) VALUES ($1, $2, $3, $4, $5)"))
                    .bind(id)
                    .bind(ev.at)
                    .bind(ev.actor_id)
                    .bind(ev.action)
                    .bind(ev.note)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        }

        #[async_trait]
        impl DatabaseStore for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> StoreResult<()> {
                self.run_migrations().await
            }

            async fn hit_rate(&self, key: &str, window_start: i64, drop_before: i64) -> StoreResult<i64> {
                let (hits,): (i64,) = sqlx::query_as(
                    "INSERT INTO rate_window (key, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_window.hits + 1 RETURNING hits",
                )
                .bind(key)
                .bind(window_start)
                .fetch_one(&self.pool)
                .await?;
                if hits == 1 {
                    sqlx::query("DELETE FROM rate_window WHERE window_start < $1").bind(drop_before).execute(&self.pool).await?;
                }
                Ok(hits)
            }

            async fn retention(&self, cutoff: DateTime<Utc>) -> StoreResult<Vec<RetentionRow>> {
                let mut out = Vec::new();
                for (table, col) in RECORD_TABLES {
                    let (total, older): (i64, i64) = sqlx::query_as(&format!(
                        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN {col} < $1 THEN 1 ELSE 0 END), 0) FROM {table}"
                    ))
                    .bind(cutoff)
                    .fetch_one(&self.pool)
                    .await?;
                    let oldest: Option<(DateTime<Utc>,)> =
                        sqlx::query_as(&format!("SELECT {col} FROM {table} ORDER BY {col} LIMIT 1"))
                            .fetch_optional(&self.pool)
                            .await?;
                    out.push(RetentionRow { table, total, older, oldest: oldest.map(|(t,)| t) });
                }
                Ok(out)
            }
        }
    };
}

pub(super) use impl_database;

/// A timeline row as a workflow step writes it (see `event_in`); no actor: the scheduler.
pub(super) struct StepEvent<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub note: &'a str,
}

/// A value for a workflow step's SET list (see `step_in`).
#[derive(Debug, Clone)]
pub(super) enum SetValue {
    Time(DateTime<Utc>),
    Int(i64),
    Text(String),
    OptText(Option<String>),
}

pub(super) enum BindArg<'a> {
    Int(i64),
    Text(&'a str),
}
