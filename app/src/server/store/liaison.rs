//! Liaison slips (附件一) in the store: the slip, its steps (each with its timeline row and audit
//! event in one transaction) and the office's reply — which, for a rebuilt impression or a
//! corrected date, adds the person's new registered-seal version in the same transaction.
//! Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::database::SetValue;
use super::seals::NewSealVersion;
use super::StoreResult;
pub use crate::domain::forms::liaison_slip::SlipState;
use crate::server::trail::{TrailAction, TrailDraft};

#[derive(Debug, Clone)]
pub struct NewSlip {
    pub sender_unit_id: i64,
    pub office_unit_id: i64,
    pub created_by: i64,
    pub query_id: Option<i64>,
    pub national_id: String,
    pub case_number: String,
    pub subject: String,
    pub form_json: String,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SlipRecord {
    pub id: i64,
    pub sender_unit_id: i64,
    pub office_unit_id: i64,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub query_id: Option<i64>,
    pub national_id: String,
    pub case_number: String,
    pub subject: String,
    pub form: String,
    pub state: SlipState,
    pub approved_by: Option<i64>,
    pub sent_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub received_by: Option<i64>,
    pub replied_at: Option<DateTime<Utc>>,
    pub replied_by: Option<i64>,
    pub reply: Option<String>,
    pub new_seal_version_id: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl SlipRecord {
    /// Past its reply deadline without a reply.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        self.state.awaits_reply() && self.due_at.is_some_and(|d| d < now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SlipEvent {
    pub id: i64,
    pub slip_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub note: String,
}

/// A step of the exchange (the reply has its own method: it may add a seal version).
#[derive(Debug, Clone)]
pub enum SlipStep {
    /// Change a draft's form.
    Edit { office_unit_id: i64, national_id: String, case_number: String, subject: String, form_json: String },
    /// draft → awaiting_approval (approval required)
    Submit,
    /// draft → sent (no approval required), with the reply deadline
    Send { due_at: DateTime<Utc> },
    /// awaiting_approval → sent, by the section chief
    Approve { due_at: DateTime<Utc> },
    /// awaiting_approval → draft: the section chief sends it back
    Return,
    /// sent → received: first opened by the office
    Receive,
    /// replied → closed, by the sender after reading
    Close,
    /// draft, awaiting_approval or sent → cancelled
    Cancel,
}

impl SlipStep {
    pub fn from_states(&self) -> &'static [&'static str] {
        match self {
            Self::Edit { .. } | Self::Submit | Self::Send { .. } => &["draft"],
            Self::Approve { .. } | Self::Return => &["awaiting_approval"],
            Self::Receive => &["sent"],
            Self::Close => &["replied"],
            Self::Cancel => &["draft", "awaiting_approval", "sent"],
        }
    }
    pub fn to_state(&self) -> &'static str {
        match self {
            Self::Edit { .. } | Self::Return => "draft",
            Self::Submit => "awaiting_approval",
            Self::Send { .. } | Self::Approve { .. } => "sent",
            Self::Receive => "received",
            Self::Close => "closed",
            Self::Cancel => "cancelled",
        }
    }
    /// The timeline's name of the step: its trail code without the `liaison.` prefix.
    pub fn action(&self) -> &'static str {
        let code = self.trail_action().code();
        code.strip_prefix("liaison.").unwrap_or(code)
    }
    /// The step's trail action (`liaison.` and the timeline's [`Self::action`]).
    pub fn trail_action(&self) -> TrailAction {
        match self {
            Self::Edit { .. } => TrailAction::LiaisonEdited,
            Self::Submit => TrailAction::LiaisonSubmitted,
            Self::Send { .. } => TrailAction::LiaisonSent,
            Self::Approve { .. } => TrailAction::LiaisonApproved,
            Self::Return => TrailAction::LiaisonReturned,
            Self::Receive => TrailAction::LiaisonReceived,
            Self::Close => TrailAction::LiaisonClosed,
            Self::Cancel => TrailAction::LiaisonCancelled,
        }
    }
    /// The columns the step sets besides `state` (`updated_at` always).
    pub(super) fn columns(&self, actor_id: i64, now: DateTime<Utc>) -> Vec<(&'static str, SetValue)> {
        use SetValue::*;
        let mut cols = vec![("updated_at", Time(now))];
        cols.extend(match self {
            Self::Edit { office_unit_id, national_id, case_number, subject, form_json } => vec![
                ("office_unit_id", Int(*office_unit_id)),
                ("national_id", Text(national_id.clone())),
                ("case_number", Text(case_number.clone())),
                ("subject", Text(subject.clone())),
                ("form", Text(form_json.clone())),
            ],
            Self::Submit | Self::Return => vec![],
            Self::Send { due_at } => vec![("sent_at", Time(now)), ("due_at", Time(*due_at))],
            Self::Approve { due_at } => {
                vec![("approved_by", Int(actor_id)), ("sent_at", Time(now)), ("due_at", Time(*due_at))]
            }
            Self::Receive => vec![("received_at", Time(now)), ("received_by", Int(actor_id))],
            Self::Close => vec![("closed_at", Time(now))],
            Self::Cancel => vec![("cancelled_at", Time(now))],
        });
        cols
    }
}

#[derive(Debug, Clone, Default)]
pub struct SlipFilter {
    pub sender_unit_id: Option<i64>,
    pub office_unit_id: Option<i64>,
    /// Only slips that were sent (what an office may see).
    pub sent_only: bool,
    pub state: Option<SlipState>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Part of the case number.
    pub case_number: Option<String>,
}

/// The office's reply, ready to store.
#[derive(Debug, Clone)]
pub struct SlipReply {
    pub reply_json: String,
    /// The person's new registered-seal version (a rebuild, or the corrected date).
    pub new_version: Option<NewSealVersion>,
}

#[async_trait]
pub trait LiaisonStore: Send + Sync {
    async fn create_slip(&self, new: &NewSlip, trail: TrailDraft) -> StoreResult<i64>;
    async fn slip(&self, id: i64) -> StoreResult<Option<SlipRecord>>;
    /// Newest first, at most 1000.
    async fn list_slips(&self, filter: &SlipFilter) -> StoreResult<Vec<SlipRecord>>;
    async fn slip_events(&self, id: i64) -> StoreResult<Vec<SlipEvent>>;
    /// Move the slip one step; `Stale` when it is no longer in a state the step starts from.
    async fn slip_step(
        &self,
        id: i64,
        step: &SlipStep,
        actor_id: i64,
        note: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    /// The office's reply (from sent or received); with a new seal version when there is one
    /// (its own trail event: the registry changed). Returns the new version's id.
    async fn reply_slip(
        &self,
        id: i64,
        reply: &SlipReply,
        actor_id: i64,
        now: DateTime<Utc>,
        trail: TrailDraft,
        version_trail: TrailDraft,
    ) -> StoreResult<Option<i64>>;
}

pub(super) const SLIP_COLUMNS: &str = "id, sender_unit_id, office_unit_id, created_by, created_at, query_id, national_id, \
     case_number, subject, form, state, approved_by, sent_at, due_at, received_at, received_by, replied_at, replied_by, \
     reply, new_seal_version_id, closed_at, cancelled_at, updated_at";

/// Implements [`LiaisonStore`] for a store made by `impl_database!` and `impl_seals!`.
macro_rules! impl_liaison {
    ($store:ident, $db:ty) => {
        impl $store {
            /// The step's timeline row and trail event, then commit.
            async fn finish_slip_step(
                &self,
                mut tx: sqlx::Transaction<'static, $db>,
                id: i64,
                ev: StepEvent<'_>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                Self::event_in(&mut tx, "liaison_slip_event", "slip_id", id, ev).await?;
                let trail = trail.object("liaison_slip", id);
                Self::trail_in(&mut tx, &self.key, trail).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        #[async_trait]
        impl LiaisonStore for $store {
            async fn create_slip(&self, new: &NewSlip, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO liaison_slip (sender_unit_id, office_unit_id, created_by, created_at, query_id, national_id, \
                     case_number, subject, form, state, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $4) \
                     RETURNING id",
                )
                .bind(new.sender_unit_id)
                .bind(new.office_unit_id)
                .bind(new.created_by)
                .bind(new.now)
                .bind(new.query_id)
                .bind(&new.national_id)
                .bind(&new.case_number)
                .bind(&new.subject)
                .bind(&new.form_json)
                .fetch_one(&mut *tx)
                .await?;
                let ev = StepEvent { at: new.now, actor_id: Some(new.created_by), action: "created", note: "" };
                self.finish_slip_step(tx, id, ev, trail).await?;
                Ok(id)
            }

            async fn slip(&self, id: i64) -> StoreResult<Option<SlipRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {SLIP_COLUMNS} FROM liaison_slip WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_slips(&self, f: &SlipFilter) -> StoreResult<Vec<SlipRecord>> {
                let pattern = f.case_number.as_ref().map(|c| {
                    format!("%{}%", c.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
                });
                Ok(sqlx::query_as(&format!(
                    "SELECT {SLIP_COLUMNS} FROM liaison_slip WHERE ($1 IS NULL OR sender_unit_id = $1) \
                     AND ($2 IS NULL OR office_unit_id = $2) AND ($3 = FALSE OR sent_at IS NOT NULL) \
                     AND ($4 IS NULL OR state = $4) AND ($5 IS NULL OR created_at >= $5) AND ($6 IS NULL OR created_at < $6) \
                     AND ($7 IS NULL OR case_number LIKE $7 ESCAPE '\\') ORDER BY id DESC LIMIT 1000"
                ))
                .bind(f.sender_unit_id)
                .bind(f.office_unit_id)
                .bind(f.sent_only)
                .bind(f.state)
                .bind(f.from)
                .bind(f.to)
                .bind(pattern)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn slip_events(&self, id: i64) -> StoreResult<Vec<SlipEvent>> {
                Ok(sqlx::query_as(
                    "SELECT id, slip_id, at, actor_id, action, note FROM liaison_slip_event WHERE slip_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn slip_step(
                &self,
                id: i64,
                step: &SlipStep,
                actor_id: i64,
                note: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let columns = step.columns(actor_id, now);
                if !Self::step_in(&mut tx, "liaison_slip", id, step.from_states(), step.to_state(), columns).await? {
                    return Err(StoreError::Stale("liaison slip"));
                }
                let ev = StepEvent { at: now, actor_id: Some(actor_id), action: step.action(), note };
                self.finish_slip_step(tx, id, ev, trail).await
            }

            async fn reply_slip(
                &self,
                id: i64,
                reply: &SlipReply,
                actor_id: i64,
                now: DateTime<Utc>,
                trail: TrailDraft,
                version_trail: TrailDraft,
            ) -> StoreResult<Option<i64>> {
                let mut tx = self.begin().await?;
                // the store's lock order: the record's own rows first, the trail head last (see
                // the `store` module) — so the slip is claimed before the version's trail row
                let claimed = sqlx::query(
                    "UPDATE liaison_slip SET updated_at = $1 WHERE id = $2 AND state IN ('sent', 'received')",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if claimed.rows_affected() == 0 {
                    return Err(StoreError::Stale("liaison slip"));
                }
                let version = match &reply.new_version {
                    Some(v) => {
                        let rec = Self::insert_seal_version_in(&mut tx, v).await?;
                        let va = version_trail.object("seal_version", rec.id);
                        Self::trail_in(&mut tx, &self.key, va).await?;
                        Some(rec.id)
                    }
                    None => None,
                };
                let r = sqlx::query(
                    "UPDATE liaison_slip SET state = 'replied', updated_at = $1, replied_at = $1, replied_by = $2, reply = $3, \
                     new_seal_version_id = $4, received_at = COALESCE(received_at, $1), received_by = COALESCE(received_by, $2) \
                     WHERE id = $5 AND state IN ('sent', 'received')",
                )
                .bind(now)
                .bind(actor_id)
                .bind(&reply.reply_json)
                .bind(version)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("liaison slip"));
                }
                let ev = StepEvent { at: now, actor_id: Some(actor_id), action: "replied", note: "" };
                self.finish_slip_step(tx, id, ev, trail).await?;
                Ok(version)
            }
        }
    };
}

pub(super) use impl_liaison;
