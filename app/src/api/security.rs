//! The register of security duties (八(一)(二)(三)): administrators add duties with due dates and
//! record them done with evidence (a recurring one opens the next); the quarterly account
//! review's state per unit comes from the account lifecycle. External auditors read it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
#[cfg(feature = "ssr")]
use leptos::server_fn::ServerFn;
use serde::{Deserialize, Serialize};

use super::reviews::UnitReviewStatus;
use super::ApiError;
use crate::domain::security_task::{CompletionInput, TaskInput, TaskKind};
use crate::domain::RocDate;
#[cfg(feature = "ssr")]
use crate::server::trail::TrailAction;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    pub id: i64,
    pub kind: TaskKind,
    pub title: String,
    pub due_on: RocDate,
    pub overdue: bool,
    pub done_on: Option<RocDate>,
    pub done_by: Option<String>,
    pub evidence: Option<String>,
    pub notice_plan: Option<String>,
    pub next_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityRegister {
    pub tasks: Vec<TaskView>,
    pub overdue: usize,
    /// Units whose quarterly account review is due or overdue (八(三)).
    pub reviews: Vec<UnitReviewStatus>,
    pub can_edit: bool,
    /// The trail's forwarding to the central log system (附件三 4(10)), per collector.
    pub forwarding: Vec<ForwardView>,
    /// 系統更新紀錄 (附件三 3(6)), newest first.
    pub updates: Vec<UpdateView>,
    /// This instance's clock minus the database server's (附件三 4(9)); `None` if unmeasured.
    pub clock_offset_ms: Option<i64>,
    pub clock_tolerance_ms: i64,
    /// Malware scanning of uploads is off while the database holds accounts other than the
    /// demo ones (附件三 3(8)): said at every start and on the administrator's home page.
    #[serde(default)]
    pub scanning_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    pub version: String,
    pub commit: String,
    pub schema_version: i64,
    pub migrations_applied: String,
    pub started_by: String,
    pub first_started: String,
}

/// How far one collector is behind the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardView {
    pub target: String,
    pub last_seq: i64,
    /// Events it has not had yet.
    pub behind: i64,
    pub last_sent: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

#[cfg(feature = "ssr")]
fn roc(d: chrono::NaiveDate) -> Result<RocDate, ApiError> {
    RocDate::from_gregorian(d).map_err(super::internal)
}

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&crate::domain::taipei_offset()).date_naive()
}

/// The register (administrators, external auditors).
#[server(prefix = "/api", endpoint = "security/tasks")]
pub async fn security_tasks() -> Result<SecurityRegister, ApiError> {
    use crate::domain::{Role, UnitKind};
    let ctx = super::guard(SecurityTasks::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let day = today();
    let mut names = std::collections::HashMap::new();
    let mut tasks = Vec::new();
    for t in store.list_tasks().await.map_err(super::internal)? {
        let done_by = match t.done_by {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    v.insert(store.account(a).await.map_err(super::internal)?.map(|x| x.name).unwrap_or_default());
                }
                names.get(&a).cloned()
            }
            None => None,
        };
        tasks.push(TaskView {
            id: t.id,
            kind: t.kind,
            title: t.title.clone(),
            due_on: roc(t.due_on)?,
            overdue: t.overdue(day),
            done_on: t.done_on.map(roc).transpose()?,
            done_by,
            evidence: t.evidence.clone(),
            notice_plan: t.notice_plan.clone(),
            next_id: t.next_id,
            created_at: t.created_at,
        });
    }
    let now = Utc::now();
    let mut reviews = Vec::new();
    let accounts = store.list_accounts().await.map_err(super::internal)?;
    for u in store.list_units().await.map_err(super::internal)? {
        if u.kind == UnitKind::HouseholdOffice || !accounts.iter().any(|a| a.unit_id == u.id && !a.disabled) {
            continue;
        }
        let m = crate::server::reviews::Managed { unit_id: u.id, as_deputy: false };
        if let Some(s) = super::reviews::imp::unit_status(&ctx, m, now).await? {
            if s.state.pending() {
                reviews.push(s);
            }
        }
    }
    let overdue = tasks.iter().filter(|t| t.overdue).count()
        + reviews.iter().filter(|r| r.state == crate::domain::review::ReviewState::Overdue).count();
    let draft = ctx.trail(TrailAction::SecurityRegisterView).details(serde_json::json!({ "overdue": overdue }));
    store.append_trail(draft).await.map_err(super::internal)?;
    let head = store.trail_head().await.map_err(super::internal)?.0;
    let forwarding = store
        .forward_status()
        .await
        .map_err(super::internal)?
        .into_iter()
        .map(|f| ForwardView {
            behind: (head - f.last_seq).max(0),
            target: f.target,
            last_seq: f.last_seq,
            last_sent: f.last_sent_at.map(crate::domain::roc_datetime),
            last_error: f.last_error,
            last_error_at: f.last_error_at.map(crate::domain::roc_datetime),
        })
        .collect();
    let updates = store
        .list_updates()
        .await
        .map_err(super::internal)?
        .into_iter()
        .map(|u| UpdateView {
            version: u.version,
            commit: u.git_commit,
            schema_version: u.schema_version,
            migrations_applied: u.migrations_applied,
            started_by: u.started_by,
            first_started: crate::domain::roc_datetime(u.first_started_at),
        })
        .collect();
    let clock_offset_ms = crate::server::system::clock_offset_ms(store).await.ok();
    let scanning_off = crate::server::system::scanning_off_in_use(store, ctx.state.scanner.is_enabled())
        .await
        .map_err(super::internal)?;
    Ok(SecurityRegister {
        tasks,
        overdue,
        reviews,
        can_edit: actor.has(Role::Admin),
        forwarding,
        updates,
        clock_offset_ms,
        clock_tolerance_ms: crate::server::system::CLOCK_TOLERANCE_MS,
        scanning_off,
    })
}

/// Add a duty (administrators).
#[server(prefix = "/api", endpoint = "security/add", input = Json)]
pub async fn add_security_task(input: TaskInput) -> Result<i64, ApiError> {
    use crate::server::store::NewTask;
    let ctx = super::guard(AddSecurityTask::PATH).await?;
    let actor = ctx.actor()?;
    let f = input.parse().map_err(crate::api::invalid_fields)?;
    let new = NewTask {
        kind: f.kind,
        title: f.title.clone(),
        due_on: f.due_on.gregorian(),
        created_by: Some(actor.account_id),
        now: Utc::now(),
    };
    let draft =
        ctx.trail(TrailAction::SecurityTaskAdd).details(serde_json::json!({ "kind": new.kind, "due_on": new.due_on }));
    ctx.state.store.add_task(&new, draft).await.map_err(super::internal)
}

/// Record a duty done with its evidence; a recurring one opens the next (due a period later).
#[server(prefix = "/api", endpoint = "security/complete", input = Json)]
pub async fn complete_security_task(id: i64, input: CompletionInput) -> Result<Option<i64>, ApiError> {
    use crate::server::store::{NewTask, StoreError, TaskDone};
    let ctx = super::guard(CompleteSecurityTask::PATH).await?;
    let actor = ctx.actor()?;
    let store = &ctx.state.store;
    let task = store.task(id).await.map_err(super::internal)?.ok_or(ApiError::NotFound)?;
    let kind = task.kind;
    let c = input.parse(roc(today())?).map_err(crate::api::invalid_fields)?;
    if c.notice_plan.is_some() && kind != TaskKind::OsEndOfSupport {
        return Err(ApiError::Invalid("通知民政局之風險控制措施僅適用於作業系統停止服務".into()));
    }
    let now = Utc::now();
    let next = (kind.period_months() > 0).then(|| NewTask {
        kind: task.kind,
        title: task.title.clone(),
        due_on: task.due_on.checked_add_months(chrono::Months::new(kind.period_months())).unwrap_or(task.due_on),
        created_by: Some(actor.account_id),
        now,
    });
    let done = TaskDone {
        done_on: c.done_on.gregorian(),
        evidence: c.evidence,
        notice_plan: c.notice_plan,
        by: actor.account_id,
        now,
        next,
    };
    let draft = ctx.trail(TrailAction::SecurityTaskDone).details(serde_json::json!({
        "kind": task.kind, "done_on": done.done_on, "notice_to_civil_affairs": done.notice_plan.is_some(),
    }));
    store.complete_task(id, &done, draft).await.map_err(|e| match e {
        StoreError::Stale(_) => ApiError::Invalid("此項工作已登錄完成".into()),
        e => super::internal(e),
    })
}
