//! The quarterly account permission review (八(三)) and the account manager's hand-over
//! (六(二)) in the store. Reviews, their items and hand-over lists are records: triggers refuse
//! deleting them, and changing a signed review or an acknowledged (or superseded) hand-over.
//! Every change writes its trail event in the same transaction. Written once for both
//! databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::Role;
use crate::server::trail::TrailDraft;

pub use crate::domain::review::AccountDecision;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewRecord {
    pub id: i64,
    pub unit_id: i64,
    /// `2026Q4`
    pub quarter: String,
    pub idle_threshold: i64,
    pub started_by: i64,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub signed_by: Option<i64>,
    pub signed_at: Option<DateTime<Utc>>,
    pub note: String,
}

/// One account as the review saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSnapshot {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_query_at: Option<DateTime<Utc>>,
    pub idle_days: i64,
    pub flagged_idle: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReviewItemRecord {
    pub id: i64,
    pub review_id: i64,
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    /// Role codes, comma-separated.
    pub roles: String,
    pub last_login_at: Option<DateTime<Utc>>,
    pub last_query_at: Option<DateTime<Utc>>,
    pub idle_days: i64,
    pub flagged_idle: bool,
    pub snapshot_at: DateTime<Utc>,
    pub decision: Option<AccountDecision>,
    pub request_id: Option<i64>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: String,
}

impl ReviewItemRecord {
    pub fn role_list(&self) -> Vec<Role> {
        self.roles.split(',').filter_map(|r| Role::parse(r.trim())).collect()
    }
}

#[derive(Debug, Clone)]
pub struct NewReview {
    pub unit_id: i64,
    pub quarter: String,
    pub idle_threshold: i64,
    pub started_by: i64,
    pub now: DateTime<Utc>,
    pub items: Vec<ItemSnapshot>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HandoverRecord {
    pub id: i64,
    pub unit_id: i64,
    pub outgoing_id: i64,
    pub incoming_id: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    /// JSON of `domain::handover::HandoverList`.
    pub list: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub ack_note: String,
    pub superseded_by: Option<i64>,
}

impl HandoverRecord {
    /// Waiting for the incoming manager.
    pub fn is_open(&self) -> bool {
        self.acknowledged_at.is_none() && self.superseded_by.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct NewHandover {
    pub unit_id: i64,
    pub outgoing_id: i64,
    pub incoming_id: i64,
    pub created_by: i64,
    pub list_json: String,
    pub now: DateTime<Utc>,
}

#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Start the unit's review of a quarter with its items; `Duplicate("permission review")`
    /// when it exists already.
    async fn start_review(&self, new: &NewReview, trail: TrailDraft) -> StoreResult<i64>;
    async fn review(&self, id: i64) -> StoreResult<Option<ReviewRecord>>;
    async fn review_for(&self, unit_id: i64, quarter: &str) -> StoreResult<Option<ReviewRecord>>;
    /// The unit's reviews (every unit's when `None`), newest quarter first.
    async fn list_reviews(&self, unit_id: Option<i64>) -> StoreResult<Vec<ReviewRecord>>;
    /// Bring an unsigned review up to date: add accounts that are not in it yet and refresh the
    /// snapshot of undecided items (decided ones keep what the decision was made on).
    /// `Stale` once signed.
    async fn sync_review_items(
        &self,
        review_id: i64,
        items: &[ItemSnapshot],
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    async fn review_items(&self, review_id: i64) -> StoreResult<Vec<ReviewItemRecord>>;
    async fn review_item(&self, id: i64) -> StoreResult<Option<ReviewItemRecord>>;
    /// Record a decision on an undecided (or kept) item of an unsigned review; `Stale` when
    /// the review is signed or the item was already marked for change.
    #[allow(clippy::too_many_arguments)]
    async fn decide_review_item(
        &self,
        item_id: i64,
        decision: AccountDecision,
        request_id: Option<i64>,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    /// Sign the review off; `Stale` when it is signed already or an item is undecided.
    async fn sign_review(&self, id: i64, by: i64, note: &str, now: DateTime<Utc>, trail: TrailDraft)
        -> StoreResult<()>;
    /// Every unit with the time of its last signed review (前次盤點日期), by unit id.
    async fn last_review_dates(&self) -> StoreResult<Vec<(i64, Option<DateTime<Utc>>)>>;
    /// The last query (seal_query) of each account of the unit that has made one.
    async fn last_queries(&self, unit_id: i64) -> StoreResult<Vec<(i64, DateTime<Utc>)>>;

    /// Create a hand-over list; an open list of the same unit is superseded by it.
    async fn create_handover(&self, new: &NewHandover, trail: TrailDraft) -> StoreResult<i64>;
    async fn handover(&self, id: i64) -> StoreResult<Option<HandoverRecord>>;
    /// Newest first; by unit, or where the account is outgoing or incoming, or all.
    async fn list_handovers(&self, unit_id: Option<i64>, account_id: Option<i64>) -> StoreResult<Vec<HandoverRecord>>;
    /// The incoming account acknowledges an open list; `Stale` otherwise.
    async fn acknowledge_handover(
        &self,
        id: i64,
        incoming_id: i64,
        note: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    /// When the account acknowledged a hand-over and has not changed its password since (六(二)):
    /// the time of that acknowledgment.
    async fn pending_handover_password(&self, account_id: i64) -> StoreResult<Option<DateTime<Utc>>>;
}

pub(super) const REVIEW_COLUMNS: &str =
    "id, unit_id, quarter, idle_threshold, started_by, started_at, updated_at, signed_by, signed_at, note";

pub(super) const REVIEW_ITEM_COLUMNS: &str =
    "id, review_id, account_id, employee_no, name, roles, last_login_at, last_query_at, idle_days, flagged_idle, \
     snapshot_at, decision, request_id, decided_by, decided_at, note";

pub(super) const HANDOVER_COLUMNS: &str =
    "id, unit_id, outgoing_id, incoming_id, created_by, created_at, list, acknowledged_at, ack_note, superseded_by";

pub(super) fn role_codes(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// Implements [`ReviewStore`] for a store made by `impl_database!`.
macro_rules! impl_reviews {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Lock an unsigned review for a change (a row lock on PostgreSQL, the write lock
            /// on SQLite); `Stale` when it is signed.
            async fn touch_review_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                review_id: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                let r = sqlx::query("UPDATE permission_review SET updated_at = $2 WHERE id = $1 AND signed_at IS NULL")
                    .bind(review_id)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("permission review"));
                }
                Ok(())
            }

            async fn upsert_items_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                review_id: i64,
                items: &[$crate::server::store::reviews::ItemSnapshot],
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                for it in items {
                    sqlx::query(
                        "INSERT INTO permission_review_item (review_id, account_id, employee_no, name, roles, \
                         last_login_at, last_query_at, idle_days, flagged_idle, snapshot_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (review_id, account_id) DO UPDATE SET employee_no = excluded.employee_no, \
                         name = excluded.name, roles = excluded.roles, last_login_at = excluded.last_login_at, \
                         last_query_at = excluded.last_query_at, idle_days = excluded.idle_days, \
                         flagged_idle = excluded.flagged_idle, snapshot_at = excluded.snapshot_at \
                         WHERE permission_review_item.decision IS NULL",
                    )
                    .bind(review_id)
                    .bind(it.account_id)
                    .bind(&it.employee_no)
                    .bind(&it.name)
                    .bind($crate::server::store::reviews::role_codes(&it.roles))
                    .bind(it.last_login_at)
                    .bind(it.last_query_at)
                    .bind(it.idle_days)
                    .bind(it.flagged_idle)
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl $crate::server::store::reviews::ReviewStore for $store {
            async fn start_review(
                &self,
                new: &$crate::server::store::reviews::NewReview,
                trail: TrailDraft,
            ) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let row: Option<(i64,)> = sqlx::query_as(
                    "INSERT INTO permission_review (unit_id, quarter, idle_threshold, started_by, started_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (unit_id, quarter) DO NOTHING RETURNING id",
                )
                .bind(new.unit_id)
                .bind(&new.quarter)
                .bind(new.idle_threshold)
                .bind(new.started_by)
                .bind(new.now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((id,)) = row else { return Err(StoreError::Duplicate("permission review")) };
                Self::upsert_items_in(&mut tx, id, &new.items, new.now).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("permission_review", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn review(&self, id: i64) -> StoreResult<Option<$crate::server::store::reviews::ReviewRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM permission_review WHERE id = $1",
                    $crate::server::store::reviews::REVIEW_COLUMNS
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn review_for(
                &self,
                unit_id: i64,
                quarter: &str,
            ) -> StoreResult<Option<$crate::server::store::reviews::ReviewRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM permission_review WHERE unit_id = $1 AND quarter = $2",
                    $crate::server::store::reviews::REVIEW_COLUMNS
                ))
                .bind(unit_id)
                .bind(quarter)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn list_reviews(
                &self,
                unit_id: Option<i64>,
            ) -> StoreResult<Vec<$crate::server::store::reviews::ReviewRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM permission_review WHERE ($1 IS NULL OR unit_id = $1) ORDER BY quarter DESC, unit_id",
                    $crate::server::store::reviews::REVIEW_COLUMNS
                ))
                .bind(unit_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn sync_review_items(
                &self,
                review_id: i64,
                items: &[$crate::server::store::reviews::ItemSnapshot],
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                Self::touch_review_in(&mut tx, review_id, now).await?;
                Self::upsert_items_in(&mut tx, review_id, items, now).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("permission_review", review_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn review_items(
                &self,
                review_id: i64,
            ) -> StoreResult<Vec<$crate::server::store::reviews::ReviewItemRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM permission_review_item WHERE review_id = $1 ORDER BY employee_no",
                    $crate::server::store::reviews::REVIEW_ITEM_COLUMNS
                ))
                .bind(review_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn review_item(
                &self,
                id: i64,
            ) -> StoreResult<Option<$crate::server::store::reviews::ReviewItemRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM permission_review_item WHERE id = $1",
                    $crate::server::store::reviews::REVIEW_ITEM_COLUMNS
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn decide_review_item(
                &self,
                item_id: i64,
                decision: $crate::server::store::reviews::AccountDecision,
                request_id: Option<i64>,
                note: &str,
                by: i64,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let row: Option<(i64,)> = sqlx::query_as("SELECT review_id FROM permission_review_item WHERE id = $1")
                    .bind(item_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let Some((review_id,)) = row else { return Err(StoreError::NotFound("permission review item")) };
                Self::touch_review_in(&mut tx, review_id, now).await?;
                let r = sqlx::query(
                    "UPDATE permission_review_item SET decision = $2, request_id = $3, note = $4, decided_by = $5, \
                     decided_at = $6 WHERE id = $1 AND (decision IS NULL OR decision = 'keep')",
                )
                .bind(item_id)
                .bind(decision.code())
                .bind(request_id)
                .bind(note)
                .bind(by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("permission review item"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("permission_review_item", item_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn sign_review(
                &self,
                id: i64,
                by: i64,
                note: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                Self::touch_review_in(&mut tx, id, now).await?;
                let (open,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM permission_review_item WHERE review_id = $1 AND decision IS NULL")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                if open > 0 {
                    return Err(StoreError::Stale("permission review items"));
                }
                sqlx::query("UPDATE permission_review SET signed_by = $2, signed_at = $3, note = $4 WHERE id = $1")
                    .bind(id)
                    .bind(by)
                    .bind(now)
                    .bind(note)
                    .execute(&mut *tx)
                    .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("permission_review", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn last_review_dates(&self) -> StoreResult<Vec<(i64, Option<DateTime<Utc>>)>> {
                Ok(sqlx::query_as(
                    "SELECT u.id, MAX(r.signed_at) FROM unit u \
                     LEFT JOIN permission_review r ON r.unit_id = u.id AND r.signed_at IS NOT NULL \
                     GROUP BY u.id ORDER BY u.id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn last_queries(&self, unit_id: i64) -> StoreResult<Vec<(i64, DateTime<Utc>)>> {
                Ok(sqlx::query_as(
                    "SELECT q.operator_id, MAX(q.queried_at) FROM seal_query q \
                     WHERE q.operator_id IN (SELECT id FROM account WHERE unit_id = $1) GROUP BY q.operator_id",
                )
                .bind(unit_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn create_handover(
                &self,
                new: &$crate::server::store::reviews::NewHandover,
                trail: TrailDraft,
            ) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO handover (unit_id, outgoing_id, incoming_id, created_by, created_at, list) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(new.unit_id)
                .bind(new.outgoing_id)
                .bind(new.incoming_id)
                .bind(new.created_by)
                .bind(new.now)
                .bind(&new.list_json)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE handover SET superseded_by = $1 WHERE unit_id = $2 AND id <> $1 \
                     AND acknowledged_at IS NULL AND superseded_by IS NULL",
                )
                .bind(id)
                .bind(new.unit_id)
                .execute(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("handover", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn handover(&self, id: i64) -> StoreResult<Option<$crate::server::store::reviews::HandoverRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM handover WHERE id = $1",
                    $crate::server::store::reviews::HANDOVER_COLUMNS
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn list_handovers(
                &self,
                unit_id: Option<i64>,
                account_id: Option<i64>,
            ) -> StoreResult<Vec<$crate::server::store::reviews::HandoverRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {} FROM handover WHERE ($1 IS NULL OR unit_id = $1) \
                     AND ($2 IS NULL OR outgoing_id = $2 OR incoming_id = $2) ORDER BY id DESC LIMIT 500",
                    $crate::server::store::reviews::HANDOVER_COLUMNS
                ))
                .bind(unit_id)
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn acknowledge_handover(
                &self,
                id: i64,
                incoming_id: i64,
                note: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(
                    "UPDATE handover SET acknowledged_at = $3, ack_note = $4 WHERE id = $1 AND incoming_id = $2 \
                     AND acknowledged_at IS NULL AND superseded_by IS NULL",
                )
                .bind(id)
                .bind(incoming_id)
                .bind(now)
                .bind(note)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("handover"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("handover", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn pending_handover_password(&self, account_id: i64) -> StoreResult<Option<DateTime<Utc>>> {
                let rows: Vec<(DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT h.acknowledged_at, a.password_changed_at FROM handover h \
                     JOIN account a ON a.id = h.incoming_id \
                     WHERE h.incoming_id = $1 AND h.acknowledged_at IS NOT NULL",
                )
                .bind(account_id)
                .fetch_all(&self.pool)
                .await?;
                // compared here, not in SQL: SQLite stores the instants as text
                Ok(rows.into_iter().filter(|(ack, changed)| changed <= ack).map(|(ack, _)| ack).max())
            }
        }
    };
}

pub(super) use impl_reviews;
