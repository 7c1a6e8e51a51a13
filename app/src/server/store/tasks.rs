//! The register of security duties in the store (八(一)(二)). Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreResult;
use crate::domain::security_task::TaskKind;
use crate::server::trail::TrailDraft;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRecord {
    pub id: i64,
    pub kind: TaskKind,
    pub title: String,
    pub due_on: NaiveDate,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub done_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub evidence: Option<String>,
    pub notice_plan: Option<String>,
    pub next_id: Option<i64>,
}

impl TaskRecord {
    /// Not done and past its due date (a duty due today is not yet overdue).
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.done_at.is_none() && self.due_on < today
    }
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub kind: TaskKind,
    pub title: String,
    pub due_on: NaiveDate,
    pub created_by: Option<i64>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct TaskDone {
    pub done_on: NaiveDate,
    pub evidence: String,
    pub notice_plan: Option<String>,
    pub by: i64,
    pub now: DateTime<Utc>,
    /// A recurring duty's next one.
    pub next: Option<NewTask>,
}

#[async_trait]
pub trait TaskStore: Send + Sync {
    async fn add_task(&self, new: &NewTask, trail: TrailDraft) -> StoreResult<i64>;
    async fn task(&self, id: i64) -> StoreResult<Option<TaskRecord>>;
    /// Open ones first by due date, then the done ones, newest first.
    async fn list_tasks(&self) -> StoreResult<Vec<TaskRecord>>;
    /// Record it done (and open the next one); `Stale` when it was done already.
    async fn complete_task(&self, id: i64, done: &TaskDone, trail: TrailDraft) -> StoreResult<Option<i64>>;
}

pub(super) const TASK_COLUMNS: &str =
    "id, kind, title, due_on, created_by, created_at, done_on, done_at, done_by, evidence, notice_plan, next_id";

macro_rules! impl_tasks {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn insert_task_in(tx: &mut sqlx::Transaction<'static, $db>, new: &NewTask) -> StoreResult<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO security_task (kind, title, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&new.kind)
                .bind(&new.title)
                .bind(new.due_on)
                .bind(new.created_by)
                .bind(new.now)
                .fetch_one(&mut **tx)
                .await?;
                Ok(id)
            }
        }

        #[async_trait]
        impl TaskStore for $store {
            async fn add_task(&self, new: &NewTask, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let id = Self::insert_task_in(&mut tx, new).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("security_task", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn task(&self, id: i64) -> StoreResult<Option<TaskRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {TASK_COLUMNS} FROM security_task WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_tasks(&self) -> StoreResult<Vec<TaskRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {TASK_COLUMNS} FROM security_task \
                     ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, \
                     CASE WHEN done_at IS NULL THEN due_on END, done_at DESC, id DESC LIMIT 1000"
                ))
                .fetch_all(&self.pool)
                .await?)
            }

            async fn complete_task(&self, id: i64, done: &TaskDone, trail: TrailDraft) -> StoreResult<Option<i64>> {
                let mut tx = self.begin().await?;
                let next = match &done.next {
                    Some(n) => Some(Self::insert_task_in(&mut tx, n).await?),
                    None => None,
                };
                let r = sqlx::query(
                    "UPDATE security_task SET done_on = $1, done_at = $2, done_by = $3, evidence = $4, notice_plan = $5, \
                     next_id = $6 WHERE id = $7 AND done_at IS NULL",
                )
                .bind(done.done_on)
                .bind(done.now)
                .bind(done.by)
                .bind(&done.evidence)
                .bind(&done.notice_plan)
                .bind(next)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("security task"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("security_task", id)).await?;
                tx.commit().await?;
                Ok(next)
            }
        }
    };
}

pub(super) use impl_tasks;
