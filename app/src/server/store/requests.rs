//! The account change request (附件五) in the store: filing, the workflow's transitions, and
//! applying an approved request to the account — each with its timeline row and trail event in
//! one transaction. Written once for both databases.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::database::SetValue;
use super::StoreResult;
pub use crate::domain::forms::account_request::RequestState;
use crate::domain::forms::account_request::{DeclineReason, RequestKind};
use crate::domain::request_view::NotAppliedReason;
use crate::domain::Role;
use crate::server::trail::TrailDraft;

#[derive(Debug, Clone)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub employee_no: String,
    pub form_json: String,
    pub unit_id: i64,
    pub target_unit_id: i64,
    pub roles: Vec<Role>,
    pub filed_by: i64,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestRecord {
    pub id: i64,
    pub kind: RequestKind,
    pub employee_no: String,
    pub form: String,
    pub unit_id: i64,
    pub target_unit_id: i64,
    pub roles: String,
    pub state: RequestState,
    pub filed_by: i64,
    pub filed_at: DateTime<Utc>,
    pub endorsed_by: Option<i64>,
    pub endorsed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<DeclineReason>,
    pub decline_text: Option<String>,
    pub effective_at: Option<DateTime<Utc>>,
    pub initial_password_hash: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub account_id: Option<i64>,
    /// Why it failed or was superseded.
    pub failure_reason: Option<String>,
}

impl RequestRecord {
    pub fn role_list(&self) -> Vec<Role> {
        self.roles.split(',').filter_map(|r| Role::parse(r.trim())).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestEvent {
    pub id: i64,
    pub request_id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub action: String,
    pub note: String,
}

/// A step of the workflow.
#[derive(Debug, Clone)]
pub enum Transition {
    /// 業務單位核章 (filed → endorsed)
    Endorse,
    /// 提供 (endorsed → approved), effective at the given time; for 新增 the initial password's hash.
    Approve { effective_at: DateTime<Utc>, initial_password_hash: Option<String> },
    /// 不提供 (endorsed → declined) with the reason code and text.
    Decline { reason: DeclineReason, text: String },
    /// The filer withdraws (filed or endorsed → withdrawn).
    Withdraw,
}

impl Transition {
    pub fn from_states(&self) -> &'static [&'static str] {
        match self {
            Self::Endorse => &["filed"],
            Self::Approve { .. } | Self::Decline { .. } => &["endorsed"],
            Self::Withdraw => &["filed", "endorsed"],
        }
    }
    pub fn to_state(&self) -> &'static str {
        match self {
            Self::Endorse => "endorsed",
            Self::Approve { .. } => "approved",
            Self::Decline { .. } => "declined",
            Self::Withdraw => "withdrawn",
        }
    }
    pub fn action(&self) -> &'static str {
        match self {
            Self::Endorse => "endorsed",
            Self::Approve { .. } => "approved",
            Self::Decline { .. } => "declined",
            Self::Withdraw => "withdrawn",
        }
    }
    /// The columns the step sets besides `state`.
    pub(super) fn columns(&self, actor_id: i64, now: DateTime<Utc>) -> Vec<(&'static str, SetValue)> {
        use SetValue::*;
        match self {
            Self::Endorse => vec![("endorsed_by", Int(actor_id)), ("endorsed_at", Time(now))],
            Self::Approve { effective_at, initial_password_hash } => vec![
                ("reviewed_by", Int(actor_id)),
                ("reviewed_at", Time(now)),
                ("effective_at", Time(*effective_at)),
                ("initial_password_hash", OptText(initial_password_hash.clone())),
            ],
            Self::Decline { reason, text } => vec![
                ("reviewed_by", Int(actor_id)),
                ("reviewed_at", Time(now)),
                ("decline_reason", Text(reason.code().to_string())),
                ("decline_text", Text(text.clone())),
            ],
            Self::Withdraw => vec![],
        }
    }
}

/// What applying a due request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// In effect on this account.
    Account(i64),
    /// Could not be applied; the request is closed as `failed` with this reason (recorded on
    /// the request in the form's words, zh-TW).
    Failed(NotAppliedReason),
}

/// Why an approved request cannot be applied.
pub(super) enum NotApplicable {
    Rule(NotAppliedReason),
    Store(super::StoreError),
}

impl From<sqlx::Error> for NotApplicable {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(e.into())
    }
}

impl From<super::StoreError> for NotApplicable {
    fn from(e: super::StoreError) -> Self {
        Self::Store(e)
    }
}

#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub state: Option<RequestState>,
    /// Filed by, or addressed to, this unit.
    pub unit_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait RequestStore: Send + Sync {
    /// File a request. A 新增 is refused (`Duplicate("account")`) when the employee number has
    /// an active account, and (`Duplicate("request")`) when a create request for it is still open.
    async fn create_request(&self, new: &NewRequest, trail: TrailDraft) -> StoreResult<i64>;
    async fn request(&self, id: i64) -> StoreResult<Option<RequestRecord>>;
    async fn list_requests(&self, filter: &RequestFilter) -> StoreResult<Vec<RequestRecord>>;
    async fn request_events(&self, id: i64) -> StoreResult<Vec<RequestEvent>>;
    /// Move the request one step; `Stale` when it is no longer in a state the step starts from.
    async fn transition(
        &self,
        id: i64,
        step: &Transition,
        actor_id: i64,
        note: &str,
        now: DateTime<Utc>,
        trail: TrailDraft,
    ) -> StoreResult<()>;
    /// Apply an approved request whose time has come: create, re-enable, change or disable
    /// the account (ending its sessions). A request that cannot be applied (the account already
    /// exists, or is no longer active) ends `failed` with its reason instead, so no approved
    /// request lingers to act later. `Stale` when it is not due.
    async fn apply_request(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<Applied>;
    /// Approved requests whose effective time is at or before `now`.
    async fn due_requests(&self, now: DateTime<Utc>) -> StoreResult<Vec<i64>>;
}

pub(super) const REQUEST_COLUMNS: &str =
    "id, kind, employee_no, form, unit_id, target_unit_id, roles, state, filed_by, \
     filed_at, endorsed_by, endorsed_at, reviewed_by, reviewed_at, decline_reason, decline_text, effective_at, \
     initial_password_hash, applied_at, account_id, failure_reason";

/// Implements [`RequestStore`] for a store made by `impl_database!`.
macro_rules! impl_requests {
    ($store:ident, $db:ty) => {
        impl $store {
            async fn replace_roles_in(tx: &mut sqlx::Transaction<'static, $db>, account_id: i64, roles: &[Role]) -> StoreResult<()> {
                sqlx::query("DELETE FROM account_role WHERE account_id = $1").bind(account_id).execute(&mut **tx).await?;
                for role in roles {
                    sqlx::query("INSERT INTO account_role (account_id, role) VALUES ($1, $2)")
                        .bind(account_id)
                        .bind(role.code())
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            /// Apply an approved request whose 異動時間 has come: the account it names and the
            /// approved requests it superseded.
            async fn apply_in(tx: &mut sqlx::Transaction<'static, $db>, id: i64, now: DateTime<Utc>) -> Result<(i64, Vec<i64>), NotApplicable> {
                let req: Option<RequestRecord> = sqlx::query_as(&format!(
                    "UPDATE account_request SET state = 'applied', applied_at = $2 \
                     WHERE id = $1 AND state = 'approved' AND effective_at <= $2 RETURNING {REQUEST_COLUMNS}"
                ))
                .bind(id)
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?;
                let Some(req) = req else { return Err(StoreError::Stale("account request").into()) };
                let form: crate::domain::forms::account_request::AccountRequestForm =
                    serde_json::from_str(&req.form).map_err(|e| StoreError::Corrupt(format!("request form: {e}")))?;
                let roles = req.role_list();
                // the roles the account will hold in the unit it will be in must suit that unit
                // (checked when filed and reviewed; checked again here, when it takes effect)
                if req.kind != $crate::domain::forms::account_request::RequestKind::Cancel {
                    let unit: Option<(String, String)> = sqlx::query_as("SELECT kind, code FROM unit WHERE id = $1")
                        .bind(req.target_unit_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    let (kind, code) = unit.ok_or(StoreError::NotFound("unit"))?;
                    let kind = super::accounts::parse_kind(&kind)?;
                    let held: Vec<$crate::domain::Role> = if roles.is_empty() {
                        let rows: Vec<(String,)> = sqlx::query_as(
                            "SELECT r.role FROM account_role r JOIN account a ON a.id = r.account_id WHERE a.employee_no = $1",
                        )
                        .bind(&req.employee_no)
                        .fetch_all(&mut **tx)
                        .await?;
                        super::accounts::parse_roles(rows)?
                    } else {
                        roles.clone()
                    };
                    if let Err(why) = $crate::domain::Role::refused_in(&held, kind, &code) {
                        return Err(NotApplicable::Rule($crate::domain::request_view::NotAppliedReason::Roles(why)));
                    }
                }
                let existing: Option<(i64, bool)> =
                    sqlx::query_as("SELECT id, disabled FROM account WHERE employee_no = $1")
                        .bind(&req.employee_no)
                        .fetch_optional(&mut **tx)
                        .await?;
                let account_id = match req.kind {
                    RequestKind::Create => {
                        let hash = req
                            .initial_password_hash
                            .clone()
                            .ok_or_else(|| StoreError::Corrupt("approved create request without a password".into()))?;
                        let id = match existing {
                            Some((_, false)) => {
                                return Err(NotApplicable::Rule($crate::domain::request_view::NotAppliedReason::Duplicate))
                            }
                            Some((acc, true)) => {
                                // a re-hired employee: the disabled account comes back
                                sqlx::query(
                                    "UPDATE account SET disabled = $1, disabled_at = NULL, disabled_reason = NULL, \
                                     name = $2, unit_id = $3, email = $4, phone = $5, password_hash = $6, \
                                     password_changed_at = $7, must_change_password = $8, failed_attempts = 0, \
                                     locked_until = NULL, session_version = session_version + 1, one_time_until = $10 \
                                     WHERE id = $9",
                                )
                                .bind(false)
                                .bind(&form.user_name)
                                .bind(req.target_unit_id)
                                .bind(form.email.as_str())
                                .bind(form.phone.clone().unwrap_or_default())
                                .bind(&hash)
                                .bind(now)
                                .bind(true)
                                .bind(acc)
                                .bind(crate::server::auth::one_time_until(now))
                                .execute(&mut **tx)
                                .await?;
                                acc
                            }
                            None => {
                                let (acc,): (i64,) = sqlx::query_as(
                                    "INSERT INTO account (employee_no, name, unit_id, email, phone, password_hash, \
                                     password_changed_at, must_change_password, failed_attempts, disabled, session_version, created_at, \
                                     one_time_until) \
                                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, 1, $10, $11) RETURNING id",
                                )
                                .bind(&req.employee_no)
                                .bind(&form.user_name)
                                .bind(req.target_unit_id)
                                .bind(form.email.as_str())
                                .bind(form.phone.clone().unwrap_or_default())
                                .bind(&hash)
                                .bind(now)
                                .bind(true)
                                .bind(false)
                                .bind(now)
                                .bind(crate::server::auth::one_time_until(now))
                                .fetch_one(&mut **tx)
                                .await
                                .map_err(|e| map_unique(e, "account"))?;
                                acc
                            }
                        };
                        sqlx::query("INSERT INTO password_history (account_id, password_hash, created_at) VALUES ($1, $2, $3)")
                            .bind(id)
                            .bind(&hash)
                            .bind(now)
                            .execute(&mut **tx)
                            .await?;
                        Self::replace_roles_in(tx, id, &roles).await?;
                        id
                    }
                    RequestKind::Change => {
                        let Some((acc, false)) = existing else {
                            return Err(NotApplicable::Rule($crate::domain::request_view::NotAppliedReason::NoActiveAccount { cancel: false }));
                        };
                        sqlx::query("UPDATE account SET unit_id = $1, session_version = session_version + 1 WHERE id = $2")
                            .bind(req.target_unit_id)
                            .bind(acc)
                            .execute(&mut **tx)
                            .await?;
                        // designations for the unit it leaves end with the move
                        Self::end_designations_in(tx, acc, Some(req.target_unit_id), now).await?;
                        if !roles.is_empty() {
                            Self::replace_roles_in(tx, acc, &roles).await?;
                        }
                        acc
                    }
                    RequestKind::Cancel => {
                        let Some((acc, false)) = existing else {
                            return Err(NotApplicable::Rule($crate::domain::request_view::NotAppliedReason::NoActiveAccount { cancel: true }));
                        };
                        let reason = $crate::i18n::problems::cancelled(form.reason.as_deref(), $crate::i18n::Locale::ZhTw);
                        sqlx::query(
                            "UPDATE account SET disabled = $1, disabled_at = $2, disabled_reason = $3, \
                             session_version = session_version + 1 WHERE id = $4",
                        )
                        .bind(true)
                        .bind(now)
                        .bind(&reason)
                        .bind(acc)
                        .execute(&mut **tx)
                        .await?;
                        Self::end_designations_in(tx, acc, None, now).await?;
                        Self::supersede_in(tx, &req.employee_no, id, now, $crate::domain::request_view::Superseded::AccountCancelled).await?;
                        acc
                    }
                };
                sqlx::query("UPDATE account_request SET account_id = $1, initial_password_hash = NULL WHERE id = $2")
                    .bind(account_id)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                // An approved request still waiting for its 異動時間 was decided on the account as
                // it stood before this one: applied later it could put back removed roles or the
                // old unit. It is superseded; a change still wanted is filed anew.
                let superseded =
                    Self::supersede_states_in(tx, &req.employee_no, id, now, $crate::domain::request_view::Superseded::AnotherApplied, &["approved"])
                        .await?;
                Ok((account_id, superseded))
            }

            /// Close the employee's open requests (other than `except`) as superseded: the
            /// account was revoked or disabled, so none may act later.
            pub(super) async fn supersede_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                employee_no: &str,
                except: i64,
                now: DateTime<Utc>,
                why: $crate::domain::request_view::Superseded,
            ) -> StoreResult<Vec<i64>> {
                Self::supersede_states_in(tx, employee_no, except, now, why, &["filed", "endorsed", "approved"]).await
            }

            /// Close the employee's requests in one of `states` (other than `except`) as superseded.
            pub(super) async fn supersede_states_in(
                tx: &mut sqlx::Transaction<'static, $db>,
                employee_no: &str,
                except: i64,
                now: DateTime<Utc>,
                why: $crate::domain::request_view::Superseded,
                states: &[&str],
            ) -> StoreResult<Vec<i64>> {
                // recorded on the request in the form's words
                let why = $crate::i18n::problems::superseded(why, $crate::i18n::Locale::ZhTw);
                let in_states = states.iter().map(|s| format!("'{}'", s.replace('\'', ""))).collect::<Vec<_>>().join(", ");
                let ids: Vec<(i64,)> = sqlx::query_as(&format!(
                    "UPDATE account_request SET state = 'superseded', failure_reason = $1, initial_password_hash = NULL \
                     WHERE employee_no = $2 AND id <> $3 AND state IN ({in_states}) RETURNING id"
                ))
                .bind(why)
                .bind(employee_no)
                .bind(except)
                .fetch_all(&mut **tx)
                .await?;
                for (id,) in &ids {
                    let ev = StepEvent { at: now, actor_id: None, action: "superseded", note: why };
                    Self::event_in(tx, "account_request_event", "request_id", *id, ev).await?;
                }
                Ok(ids.into_iter().map(|(id,)| id).collect())
            }
        }

        #[async_trait]
        impl RequestStore for $store {
            async fn create_request(&self, new: &NewRequest, trail: TrailDraft) -> StoreResult<i64> {
                let mut tx = self.begin().await?;
                if new.kind == RequestKind::Create {
                    let active: Option<(i64,)> =
                        sqlx::query_as("SELECT id FROM account WHERE employee_no = $1 AND disabled = $2")
                            .bind(&new.employee_no)
                            .bind(false)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if active.is_some() {
                        return Err(StoreError::Duplicate("account"));
                    }
                    let open: Option<(i64,)> = sqlx::query_as(
                        "SELECT id FROM account_request WHERE employee_no = $1 AND kind = 'create' \
                         AND state IN ('filed', 'endorsed', 'approved')",
                    )
                    .bind(&new.employee_no)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if open.is_some() {
                        return Err(StoreError::Duplicate("request"));
                    }
                }
                let roles = new.roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO account_request (kind, employee_no, form, unit_id, target_unit_id, roles, state, filed_by, filed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, $8) RETURNING id",
                )
                .bind(new.kind.code())
                .bind(&new.employee_no)
                .bind(&new.form_json)
                .bind(new.unit_id)
                .bind(new.target_unit_id)
                .bind(&roles)
                .bind(new.filed_by)
                .bind(new.now)
                .fetch_one(&mut *tx)
                .await?;
                let ev = StepEvent { at: new.now, actor_id: Some(new.filed_by), action: "filed", note: "" };
                Self::event_in(&mut tx, "account_request_event", "request_id", id, ev).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("account_request", id)).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn request(&self, id: i64) -> StoreResult<Option<RequestRecord>> {
                Ok(sqlx::query_as(&format!("SELECT {REQUEST_COLUMNS} FROM account_request WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn list_requests(&self, f: &RequestFilter) -> StoreResult<Vec<RequestRecord>> {
                Ok(sqlx::query_as(&format!(
                    "SELECT {REQUEST_COLUMNS} FROM account_request WHERE ($1 IS NULL OR state = $1) \
                     AND ($2 IS NULL OR unit_id = $2 OR target_unit_id = $2) \
                     AND ($3 IS NULL OR filed_at >= $3) AND ($4 IS NULL OR filed_at < $4) ORDER BY id DESC LIMIT 1000"
                ))
                .bind(f.state)
                .bind(f.unit_id)
                .bind(f.from)
                .bind(f.to)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn request_events(&self, id: i64) -> StoreResult<Vec<RequestEvent>> {
                Ok(sqlx::query_as(
                    "SELECT id, request_id, at, actor_id, action, note FROM account_request_event WHERE request_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn transition(
                &self,
                id: i64,
                step: &Transition,
                actor_id: i64,
                note: &str,
                now: DateTime<Utc>,
                trail: TrailDraft,
            ) -> StoreResult<()> {
                let mut tx = self.begin().await?;
                let columns = step.columns(actor_id, now);
                if !Self::step_in(&mut tx, "account_request", id, step.from_states(), step.to_state(), columns).await? {
                    return Err(StoreError::Stale("account request"));
                }
                let ev = StepEvent { at: now, actor_id: Some(actor_id), action: step.action(), note };
                Self::event_in(&mut tx, "account_request_event", "request_id", id, ev).await?;
                Self::trail_in(&mut tx, &self.key, trail.object("account_request", id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn apply_request(&self, id: i64, now: DateTime<Utc>, trail: TrailDraft) -> StoreResult<Applied> {
                let mut tx = self.begin().await?;
                match Self::apply_in(&mut tx, id, now).await {
                    Ok((account_id, superseded)) => {
                        let ev = StepEvent { at: now, actor_id: None, action: "applied", note: "" };
                        Self::event_in(&mut tx, "account_request_event", "request_id", id, ev).await?;
                        let mut trail = trail;
                        if !superseded.is_empty() {
                            if let serde_json::Value::Object(m) = &mut trail.details {
                                m.insert("superseded_requests".into(), serde_json::json!(superseded));
                            }
                        }
                        Self::trail_in(&mut tx, &self.key, trail.object("account", account_id)).await?;
                        tx.commit().await?;
                        Ok(Applied::Account(account_id))
                    }
                    Err(NotApplicable::Store(e)) => Err(e),
                    Err(NotApplicable::Rule(why)) => {
                        tx.rollback().await?;
                        // recorded on the request in the form's words
                        let reason = $crate::i18n::problems::not_applied(&why, $crate::i18n::Locale::ZhTw);
                        // closed for good, with the reason, in its own transaction
                        let mut tx = self.begin().await?;
                        let r = sqlx::query(
                            "UPDATE account_request SET state = 'failed', failure_reason = $1, initial_password_hash = NULL \
                             WHERE id = $2 AND state = 'approved'",
                        )
                        .bind(&reason)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        if r.rows_affected() == 0 {
                            return Err(StoreError::Stale("account request"));
                        }
                        let ev = StepEvent { at: now, actor_id: None, action: "failed", note: &reason };
                        Self::event_in(&mut tx, "account_request_event", "request_id", id, ev).await?;
                        let mut draft = trail.object("account_request", id);
                        draft.action = TrailAction::AccountRequestFailed;
                        draft.outcome = $crate::server::trail::Outcome::Failure;
                        draft.details = serde_json::json!({ "request_id": id, "reason": reason });
                        Self::trail_in(&mut tx, &self.key, draft).await?;
                        tx.commit().await?;
                        Ok(Applied::Failed(why))
                    }
                }
            }

            async fn due_requests(&self, now: DateTime<Utc>) -> StoreResult<Vec<i64>> {
                let rows: Vec<(i64,)> =
                    sqlx::query_as("SELECT id FROM account_request WHERE state = 'approved' AND effective_at <= $1 ORDER BY id")
                        .bind(now)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }
        }
    };
}

pub(super) use impl_requests;
