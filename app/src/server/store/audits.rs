//! Audits in the store (七(二)): the record with its drawn sample, the answers as given (saved
//! one by one while the auditor has not signed), the sign-offs, and the follow-ups (referrals to
//! the Ethics Office, vendors' findings) with their history. Also the populations a sample is
//! drawn from. Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::StoreResult;
use crate::domain::audit::{AnswerResult, AuditKind, FollowupKind, FollowupStatus, Part, Slot};
use crate::domain::audit_sample::SampleMethod;
use crate::server::trail::TrailDraft;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditFormRecord {
    pub id: i64,
    pub kind: AuditKind,
    pub period: String,
    pub unit_id: Option<i64>,
    pub vendor: Option<String>,
    pub auditing_unit_id: i64,
    pub auditor_id: i64,
    pub audited_id: Option<i64>,
    pub audited_on: NaiveDate,
    pub seed: i64,
    pub lookups: i64,
    pub users: i64,
    pub account_changes: i64,
    pub last_review_at: Option<DateTime<Utc>>,
    pub previous_id: Option<i64>,
    pub previous_followup: String,
    pub result: String,
    pub recommendations: String,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Withdrawn to draw again (with the reason): no more answers or signatures.
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: Option<String>,
    /// How the sample was drawn (`0018`: audits before it were shuffled).
    #[sqlx(try_from = "i64")]
    pub sample_method: SampleMethod,
    /// The query log as it stood at this moment is what the sample was drawn from (the first
    /// opening for the unit and period); before 0018, the audit's own opening.
    pub sample_cutoff: Option<DateTime<Utc>>,
    /// The auditor asked to withdraw it (with this reason); not withdrawn until approved.
    pub withdraw_requested_at: Option<DateTime<Utc>>,
    pub withdraw_request_reason: Option<String>,
    /// Who approved the withdrawal.
    pub withdrawn_approved_by: Option<i64>,
}

impl AuditFormRecord {
    /// The moment of the query log the sample was drawn from.
    pub fn cutoff(&self) -> DateTime<Utc> {
        self.sample_cutoff.unwrap_or(self.created_at)
    }
}

#[derive(Debug, Clone)]
pub struct NewAudit {
    pub kind: AuditKind,
    pub period: String,
    pub unit_id: Option<i64>,
    pub vendor: Option<String>,
    pub auditing_unit_id: i64,
    pub auditor_id: i64,
    pub audited_id: Option<i64>,
    pub audited_on: NaiveDate,
    pub seed: i64,
    pub sample_method: SampleMethod,
    pub sample_cutoff: Option<DateTime<Utc>>,
    pub lookups: i64,
    pub users: i64,
    pub account_changes: i64,
    pub last_review_at: Option<DateTime<Utc>>,
    pub previous_id: Option<i64>,
    /// (part, id): `users` → account ids, `queries` → look-up ids
    pub samples: Vec<(Part, i64)>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AnswerRecord {
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub result: AnswerResult,
    pub note: Option<String>,
    pub answered_by: i64,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignoffRecord {
    pub slot: Slot,
    pub account_id: Option<i64>,
    pub name: String,
    pub signature: Option<String>,
    pub signed_at: DateTime<Utc>,
}

/// The free-text fields of the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditText {
    /// 上次稽核結果之改善或建議辦理情形
    PreviousFollowup,
    /// 稽核結果
    Result,
    /// 建議事項
    Recommendations,
}

impl AuditText {
    pub(super) fn column(self) -> &'static str {
        match self {
            Self::PreviousFollowup => "previous_followup",
            Self::Result => "result",
            Self::Recommendations => "recommendations",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<AuditKind>,
    /// Audits of this unit, or by it.
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FollowupRecord {
    pub id: i64,
    pub audit_id: i64,
    pub kind: FollowupKind,
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub status: FollowupStatus,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct NewFollowup {
    pub audit_id: i64,
    pub kind: FollowupKind,
    pub part: Part,
    pub item: String,
    pub sample: i64,
    pub description: String,
    pub due_on: Option<NaiveDate>,
    pub created_by: i64,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FollowupEvent {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub note: String,
}

/// A sign-off as given.
#[derive(Debug, Clone)]
pub struct NewSignoff {
    pub slot: Slot,
    pub account_id: Option<i64>,
    pub name: String,
    pub signature: Option<String>,
    pub now: DateTime<Utc>,
    /// The auditor's box: the answers freeze with it, and these follow-ups open.
    pub submits: bool,
    pub followups: Vec<NewFollowup>,
    /// How many boxes the form has: the record is complete when all are signed.
    pub boxes: usize,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Open an audit; `Duplicate("audit")` while one of the same kind, period and party is
    /// not withdrawn (a unique index).
    async fn create_audit(&self, new: &NewAudit, trail: TrailDraft) -> StoreResult<i64>;
    /// The sample's seed and cut-off of a unit and period: the first caller's, recorded once
    /// (`audit_draw`); every later caller gets those.
    async fn fix_audit_draw(
        &self,
        kind: AuditKind,
        unit_id: i64,
        period: &str,
        seed: i64,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<(i64, DateTime<Utc>)>;
    /// The auditor asks to withdraw an audit not yet signed, with the reason; `Stale` once
    /// signed, withdrawn, complete, or while a request is pending.
    async fn request_audit_withdrawal(
        &self,
        id: i64,
        reason: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    /// Approve (the audit is withdrawn with the requested reason, `by` kept) or decline (the
    /// request is cleared) a pending withdrawal; `Stale` when none is pending.
    async fn decide_audit_withdrawal(
        &self,
        id: i64,
        approve: bool,
        by: i64,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    async fn audit(&self, id: i64) -> StoreResult<Option<AuditFormRecord>>;
    /// Newest period first.
    async fn list_audits(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditFormRecord>>;
    /// (part, id), in part then id order.
    async fn audit_samples(&self, id: i64) -> StoreResult<Vec<(Part, i64)>>;
    async fn audit_answers(&self, id: i64) -> StoreResult<Vec<AnswerRecord>>;
    /// Save (or replace) one answer; `Stale` once the auditor has signed.
    async fn save_answer(&self, id: i64, answer: &AnswerRecord, trail: TrailDraft) -> StoreResult<()>;
    /// Save one free-text field; `Stale` once the auditor has signed.
    async fn save_audit_text(&self, id: i64, field: AuditText, text: &str, trail: TrailDraft) -> StoreResult<()>;
    async fn audit_signoffs(&self, id: i64) -> StoreResult<Vec<SignoffRecord>>;
    /// Sign one box; `Duplicate` when it is signed already, `Stale` when the record is complete.
    async fn sign_audit(&self, id: i64, sign: &NewSignoff, trail: TrailDraft) -> StoreResult<()>;

    async fn add_followup(&self, new: &NewFollowup, trail: TrailDraft) -> StoreResult<i64>;
    async fn followup(&self, id: i64) -> StoreResult<Option<FollowupRecord>>;
    /// Open ones first (by due date), then closed ones, newest first.
    async fn list_followups(
        &self,
        kind: Option<FollowupKind>,
        audit_id: Option<i64>,
    ) -> StoreResult<Vec<FollowupRecord>>;
    /// Move to a status with a note; `Stale` when it is closed.
    async fn update_followup(
        &self,
        id: i64,
        status: FollowupStatus,
        note: &str,
        by: i64,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    async fn followup_events(&self, id: i64) -> StoreResult<Vec<FollowupEvent>>;

    // ---- the populations a sample is drawn from
    /// (look-up id, operator) of the unit's look-ups in `[from, to)` — every one, also those that
    /// never became a submitted comparison.
    async fn lookups_in(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<(i64, i64)>>;
    /// The unit's accounts active at any time in `[from, to)`.
    async fn accounts_active(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<i64>>;
    /// How many people's accounts changed through requests applied in `[from, to)` (異動人數).
    async fn account_changes(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<i64>;
    /// When the unit's last quarterly review before `before` was signed (前次盤點日期).
    async fn last_review_before(&self, unit_id: i64, before: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>>;
    /// Which of the unit's look-ups in `[from, to)` had their result printed.
    async fn printed_lookups(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<Vec<i64>>;
}

pub(super) const AUDIT_RECORD_COLUMNS: &str =
    "id, kind, period, unit_id, vendor, auditing_unit_id, auditor_id, audited_id, audited_on, seed, lookups, users, \
     account_changes, last_review_at, previous_id, previous_followup, result, recommendations, created_at, \
     submitted_at, completed_at, withdrawn_at, withdrawn_reason, sample_method, sample_cutoff, withdraw_requested_at, \
     withdraw_request_reason, withdrawn_approved_by";

pub(super) const FOLLOWUP_COLUMNS: &str =
    "id, audit_id, kind, part, item, sample, description, due_on, status, created_by, created_at, closed_at";

macro_rules! impl_audits {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn insert_followup_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                new: &NewFollowup,
            ) -> StoreResult<i64> {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO audit_followup (audit_id, kind, part, item, sample, description, due_on, status, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id",
                )
                .bind(new.audit_id)
                .bind(new.kind)
                .bind(&new.part)
                .bind(&new.item)
                .bind(new.sample)
                .bind(&new.description)
                .bind(new.due_on)
                .bind(new.created_by)
                .bind(new.now)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| map_unique(e, "follow-up"))?;
                Self::event_in(
                    tx,
                    "audit_followup_event",
                    "followup_id",
                    id,
                    StepEvent { at: new.now, actor_id: Some(new.created_by), action: "open", note: &new.description },
                )
                .await?;
                Ok(id)
            }

            /// The record's state inside `tx`: (submitted, completed); `NotFound` without one.
            async fn audit_state_in(tx: &mut sqlx::Transaction<'static, $db>, id: i64) -> StoreResult<(bool, bool)> {
                let row: Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)> =
                    sqlx::query_as("SELECT submitted_at, completed_at FROM audit WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                let (s, c) = row.ok_or(StoreError::NotFound("audit"))?;
                Ok((s.is_some(), c.is_some()))
            }
        }

        #[async_trait]
        impl AuditStore for $store {
            async fn create_audit(&self, new: &NewAudit, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO audit (kind, period, unit_id, vendor, auditing_unit_id, auditor_id, audited_id, \
                     audited_on, seed, lookups, users, account_changes, last_review_at, previous_id, created_at, \
                     sample_method, sample_cutoff) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
                )
                .bind(&new.kind)
                .bind(&new.period)
                .bind(new.unit_id)
                .bind(&new.vendor)
                .bind(new.auditing_unit_id)
                .bind(new.auditor_id)
                .bind(new.audited_id)
                .bind(new.audited_on)
                .bind(new.seed)
                .bind(new.lookups)
                .bind(new.users)
                .bind(new.account_changes)
                .bind(new.last_review_at)
                .bind(new.previous_id)
                .bind(new.now)
                .bind(new.sample_method.number())
                .bind(new.sample_cutoff)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| map_unique(e, "audit"))?;
                for (part, ref_id) in &new.samples {
                    sqlx::query("INSERT INTO audit_sample (audit_id, part, ref_id) VALUES ($1, $2, $3)")
                        .bind(id)
                        .bind(*part)
                        .bind(*ref_id)
                        .execute(&mut *tx)
                        .await?;
                }
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn fix_audit_draw(
                &self,
                kind: $crate::domain::audit::AuditKind,
                unit_id: i64,
                period: &str,
                seed: i64,
                cutoff: DateTime<Utc>,
                now: DateTime<Utc>,
            ) -> StoreResult<(i64, DateTime<Utc>)> {
                let mut tx = self.begin().await?;
                sqlx::query(
                    "INSERT INTO audit_draw (kind, unit_id, period, seed, cutoff, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (kind, unit_id, period) DO NOTHING",
                )
                .bind(kind)
                .bind(unit_id)
                .bind(period)
                .bind(seed)
                .bind(cutoff)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let row: (i64, DateTime<Utc>) =
                    sqlx::query_as("SELECT seed, cutoff FROM audit_draw WHERE kind = $1 AND unit_id = $2 AND period = $3")
                        .bind(kind)
                        .bind(unit_id)
                        .bind(period)
                        .fetch_one(&mut *tx)
                        .await?;
                tx.commit().await?;
                Ok(row)
            }

            async fn request_audit_withdrawal(
                &self,
                id: i64,
                reason: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(
                    "UPDATE audit SET withdraw_requested_at = $1, withdraw_request_reason = $2 \
                     WHERE id = $3 AND submitted_at IS NULL AND completed_at IS NULL AND withdrawn_at IS NULL \
                     AND withdraw_requested_at IS NULL",
                )
                .bind(now)
                .bind(reason)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("audit"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn decide_audit_withdrawal(
                &self,
                id: i64,
                approve: bool,
                by: i64,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = if approve {
                    sqlx::query(
                        "UPDATE audit SET withdrawn_at = $1, withdrawn_reason = withdraw_request_reason, \
                         withdrawn_approved_by = $2 WHERE id = $3 AND submitted_at IS NULL AND completed_at IS NULL \
                         AND withdrawn_at IS NULL AND withdraw_requested_at IS NOT NULL",
                    )
                    .bind(now)
                    .bind(by)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                } else {
                    sqlx::query(
                        "UPDATE audit SET withdraw_requested_at = NULL, withdraw_request_reason = NULL \
                         WHERE id = $1 AND withdrawn_at IS NULL AND withdraw_requested_at IS NOT NULL",
                    )
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                };
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("audit"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit(&self, id: i64) -> StoreResult<Option<AuditFormRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {AUDIT_RECORD_COLUMNS} FROM audit WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_audits(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditFormRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {AUDIT_RECORD_COLUMNS} FROM audit \
                     WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR unit_id = $2 OR auditing_unit_id = $2) \
                     ORDER BY period DESC, id DESC LIMIT 500"
                ))
                .bind(&filter.kind)
                .bind(filter.unit_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn audit_samples(&self, id: i64) -> StoreResult<Vec<(crate::domain::audit::Part, i64)>> {
                Ok(sqlx::query_as("SELECT part, ref_id FROM audit_sample WHERE audit_id = $1 ORDER BY part DESC, ref_id")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn audit_answers(&self, id: i64) -> StoreResult<Vec<AnswerRecord>> {
                Ok(sqlx::query_as(
                    "SELECT part, item, sample, result, note, answered_by, answered_at FROM audit_answer \
                     WHERE audit_id = $1 ORDER BY part, item, sample",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn save_answer(&self, id: i64, a: &AnswerRecord, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                if Self::audit_state_in(&mut tx, id).await?.0 {
                    return Err(StoreError::Stale("audit"));
                }
                sqlx::query(
                    "INSERT INTO audit_answer (audit_id, part, item, sample, result, note, answered_by, answered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (audit_id, part, item, sample) DO UPDATE \
                     SET result = excluded.result, note = excluded.note, answered_by = excluded.answered_by, \
                     answered_at = excluded.answered_at",
                )
                .bind(id)
                .bind(&a.part)
                .bind(&a.item)
                .bind(a.sample)
                .bind(&a.result)
                .bind(&a.note)
                .bind(a.answered_by)
                .bind(a.answered_at)
                .execute(&mut *tx)
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn save_audit_text(
                &self,
                id: i64,
                field: AuditText,
                text: &str,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(&format!(
                    "UPDATE audit SET {} = $1 WHERE id = $2 AND submitted_at IS NULL",
                    field.column()
                ))
                .bind(text)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("audit"));
                }
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit_signoffs(&self, id: i64) -> StoreResult<Vec<SignoffRecord>> {
                Ok(sqlx::query_as(
                    "SELECT slot, account_id, name, signature, signed_at FROM audit_signoff WHERE audit_id = $1 \
                     ORDER BY signed_at",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn sign_audit(&self, id: i64, s: &NewSignoff, trail: TrailDraft) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let (submitted, completed) = Self::audit_state_in(&mut tx, id).await?;
                if completed || (submitted && s.submits) {
                    return Err(StoreError::Stale("audit"));
                }
                sqlx::query(
                    "INSERT INTO audit_signoff (audit_id, slot, account_id, name, signature, signed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(s.slot)
                .bind(s.account_id)
                .bind(&s.name)
                .bind(&s.signature)
                .bind(s.now)
                .execute(&mut *tx)
                .await
                .map_err(|e| map_unique(e, "sign-off"))?;
                for f in &s.followups {
                    Self::insert_followup_in(&mut tx, f).await?;
                }
                let (signed,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_signoff WHERE audit_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                let complete = signed as usize >= s.boxes;
                if s.submits || complete {
                    sqlx::query(
                        "UPDATE audit SET submitted_at = COALESCE(submitted_at, $1), \
                         completed_at = CASE WHEN $2 THEN $1 ELSE NULL END WHERE id = $3",
                    )
                    .bind(s.now)
                    .bind(complete)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                Self::trail_in(&mut tx, &self.key, trail.object("audit", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn add_followup(&self, new: &NewFollowup, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                let id = Self::insert_followup_in(&mut tx, new).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("audit_followup", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn followup(&self, id: i64) -> StoreResult<Option<FollowupRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {FOLLOWUP_COLUMNS} FROM audit_followup WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_followups(
                &self,
                kind: Option<crate::domain::audit::FollowupKind>,
                audit_id: Option<i64>,
            ) -> StoreResult<Vec<FollowupRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {FOLLOWUP_COLUMNS} FROM audit_followup \
                     WHERE ($1 IS NULL OR kind = $1) AND ($2 IS NULL OR audit_id = $2) \
                     ORDER BY CASE WHEN closed_at IS NULL THEN 0 ELSE 1 END, due_on, id DESC LIMIT 1000"
                ))
                .bind(kind)
                .bind(audit_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn update_followup(
                &self,
                id: i64,
                status: crate::domain::audit::FollowupStatus,
                note: &str,
                by: i64,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let r = sqlx::query(
                    "UPDATE audit_followup SET status = $1, closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE NULL END \
                     WHERE id = $3 AND closed_at IS NULL",
                )
                .bind(status)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() == 0 {
                    return Err(StoreError::Stale("follow-up"));
                }
                Self::event_in(
                    &mut tx,
                    "audit_followup_event",
                    "followup_id",
                    id,
                    StepEvent { at: now, actor_id: Some(by), action: status.code(), note },
                )
                .await?;
                Self::trail_in(&mut tx, &self.key, trail.object("audit_followup", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn followup_events(&self, id: i64) -> StoreResult<Vec<FollowupEvent>> {
                Ok(sqlx::query_as(
                    "SELECT at, actor_id, action, note FROM audit_followup_event WHERE followup_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn lookups_in(
                &self,
                unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<(i64, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT id, operator_id FROM seal_query WHERE unit_id = $1 AND queried_at >= $2 AND queried_at < $3 \
                     ORDER BY id",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn accounts_active(
                &self,
                unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM account WHERE unit_id = $1 AND created_at < $3 \
                     AND (disabled_at IS NULL OR disabled_at >= $2) ORDER BY id",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            async fn account_changes(&self, unit_id: i64, from: DateTime<Utc>, to: DateTime<Utc>) -> StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(DISTINCT employee_no) FROM account_request WHERE unit_id = $1 \
                     AND applied_at >= $2 AND applied_at < $3",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_one(&self.pool)
                .await?;
                Ok(n)
            }

            async fn last_review_before(
                &self,
                unit_id: i64,
                before: DateTime<Utc>,
            ) -> StoreResult<Option<DateTime<Utc>>> {
                let (t,): (Option<DateTime<Utc>>,) = sqlx::query_as(
                    "SELECT MAX(signed_at) FROM permission_review WHERE unit_id = $1 AND signed_at IS NOT NULL \
                     AND signed_at < $2",
                )
                .bind(unit_id)
                .bind(before)
                .fetch_one(&self.pool)
                .await?;
                Ok(t)
            }

            async fn printed_lookups(
                &self,
                unit_id: i64,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
            ) -> StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "SELECT DISTINCT q.id FROM seal_query q JOIN comparison c ON c.query_id = q.id \
                     JOIN comparison_note n ON n.comparison_id = c.id AND n.kind = 'printed' \
                     WHERE q.unit_id = $1 AND q.queried_at >= $2 AND q.queried_at < $3",
                )
                .bind(unit_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }
        }
    };
}

pub(super) use impl_audits;
