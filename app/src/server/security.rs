//! The register of security duties (八(一)(二)(三)), the use cases: administrators add duties
//! with due dates and record them done with evidence (a recurring one opens the next); the
//! quarterly account review's state per unit comes from the reviews (`server::reviews`);
//! external auditors read it. Each takes the [`Caller`], writes its trail row, and answers a
//! typed result or a [`SecurityError`] — never a sentence. Who may call them is the endpoint
//! policy's (`server::authz::POLICY`).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};

use super::caller::{problem, Caller, Failure};
use super::reviews::{unit_status, Managed};
use super::state::AppState;
use super::store::{NewTask, StoreError, TaskDone};
use super::trail::TrailAction;
use crate::domain::forms::FieldError;
use crate::domain::review::ReviewState;
use crate::domain::security_task::{CompletionInput, TaskInput, TaskKind};
use crate::domain::security_view::{ForwardView, SecurityError, SecurityRegister, TaskView, UpdateView};
use crate::domain::{roc_datetime, taipei_date, RocDate, Role, UnitKind};

type Outcome<T> = Result<T, Failure<SecurityError>>;

/// A stored date as an ROC date (`row` names the row when it is none).
fn roc(d: NaiveDate, row: &str) -> Outcome<RocDate> {
    RocDate::from_gregorian(d).map_err(|e| Failure::internal(format!("{row}: date {d}: {e:?}")))
}

/// A form's field errors, as the form's parser words them.
fn fields(errors: Vec<FieldError>) -> Failure<SecurityError> {
    Failure::Problem(SecurityError::Form { errors })
}

/// The register (administrators, external auditors); reading it is written to the trail.
pub async fn register(state: &AppState, caller: &Caller) -> Outcome<SecurityRegister> {
    let store = &state.store;
    let now = Utc::now();
    let day = taipei_date(now);
    let mut names = HashMap::new();
    let mut tasks = Vec::new();
    for t in store.list_tasks().await? {
        let row = format!("security_task {}", t.id);
        let done_by = match t.done_by {
            Some(a) => {
                if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                    let account = store
                        .account(a)
                        .await?
                        .ok_or_else(|| Failure::internal(format!("{row}: done_by account {a} not found")))?;
                    v.insert(account.name);
                }
                names.get(&a).cloned()
            }
            None => None,
        };
        tasks.push(TaskView {
            id: t.id,
            kind: t.kind,
            title: t.title.clone(),
            due_on: roc(t.due_on, &row)?,
            overdue: t.overdue(day),
            done_on: t.done_on.map(|d| roc(d, &row)).transpose()?,
            done_by,
            evidence: t.evidence.clone(),
            notice_plan: t.notice_plan.clone(),
            next_id: t.next_id,
            created_at: t.created_at,
        });
    }
    let mut reviews = Vec::new();
    let accounts = store.list_accounts().await?;
    for u in store.list_units().await? {
        if u.kind == UnitKind::HouseholdOffice || !accounts.iter().any(|a| a.unit_id == u.id && !a.disabled) {
            continue;
        }
        let m = Managed { unit_id: u.id, as_deputy: false };
        if let Some(s) = unit_status(state, m, now).await? {
            if s.state.pending() {
                reviews.push(s);
            }
        }
    }
    let overdue =
        tasks.iter().filter(|t| t.overdue).count() + reviews.iter().filter(|r| r.state == ReviewState::Overdue).count();
    let draft = caller.trail(TrailAction::SecurityRegisterView).details(serde_json::json!({ "overdue": overdue }));
    store.append_trail(draft).await?;
    let head = store.trail_head().await?.0;
    let forwarding = store
        .forward_status()
        .await?
        .into_iter()
        .map(|f| ForwardView {
            behind: (head - f.last_seq).max(0),
            target: f.target,
            last_seq: f.last_seq,
            last_sent: f.last_sent_at.map(roc_datetime),
            last_error: f.last_error,
            last_error_at: f.last_error_at.map(roc_datetime),
        })
        .collect();
    let updates = store
        .list_updates()
        .await?
        .into_iter()
        .map(|u| UpdateView {
            version: u.version,
            commit: u.git_commit,
            schema_version: u.schema_version,
            migrations_applied: u.migrations_applied,
            started_by: u.started_by,
            first_started: roc_datetime(u.first_started_at),
        })
        .collect();
    // unmeasured (the database did not answer the clock query): said as such on the page
    let clock_offset_ms = super::system::clock_offset_ms(store).await.ok();
    let scanning_off = super::system::scanning_off_in_use(store, state.scanner.is_enabled()).await?;
    Ok(SecurityRegister {
        tasks,
        overdue,
        reviews,
        can_edit: caller.actor.has(Role::Admin),
        forwarding,
        updates,
        clock_offset_ms,
        clock_tolerance_ms: super::system::CLOCK_TOLERANCE_MS,
        scanning_off,
    })
}

/// Add a duty (administrators). Answers its id.
pub async fn add(state: &AppState, caller: &Caller, input: &TaskInput) -> Outcome<i64> {
    let f = input.parse().map_err(fields)?;
    let new = NewTask {
        kind: f.kind,
        title: f.title.clone(),
        due_on: f.due_on.gregorian(),
        created_by: Some(caller.actor.account_id),
        now: Utc::now(),
    };
    let draft = caller
        .trail(TrailAction::SecurityTaskAdd)
        .details(serde_json::json!({ "kind": new.kind, "due_on": new.due_on }));
    Ok(state.store.add_task(&new, draft).await?)
}

/// Record a duty done with its evidence; a recurring one opens the next (due a period later),
/// whose id it answers.
pub async fn complete(state: &AppState, caller: &Caller, id: i64, input: &CompletionInput) -> Outcome<Option<i64>> {
    let store = &state.store;
    let task = store.task(id).await?.ok_or(Failure::NotFound)?;
    let row = format!("security_task {id}");
    let kind = task.kind;
    let c = input.parse(roc(taipei_date(Utc::now()), "today")?).map_err(fields)?;
    if c.notice_plan.is_some() && kind != TaskKind::OsEndOfSupport {
        return problem(SecurityError::NoticeOnlyForOs);
    }
    let now = Utc::now();
    let next = match kind.period_months() {
        0 => None,
        months => Some(NewTask {
            kind: task.kind,
            title: task.title.clone(),
            due_on: task
                .due_on
                .checked_add_months(chrono::Months::new(months))
                .ok_or_else(|| Failure::internal(format!("{row}: due_on {} + {months} months", task.due_on)))?,
            created_by: Some(caller.actor.account_id),
            now,
        }),
    };
    let done = TaskDone {
        done_on: c.done_on.gregorian(),
        evidence: c.evidence,
        notice_plan: c.notice_plan,
        by: caller.actor.account_id,
        now,
        next,
    };
    let draft = caller.trail(TrailAction::SecurityTaskDone).details(serde_json::json!({
        "kind": task.kind, "done_on": done.done_on, "notice_to_civil_affairs": done.notice_plan.is_some(),
    }));
    store.complete_task(id, &done, draft).await.map_err(|e| match e {
        StoreError::Stale(_) => Failure::Problem(SecurityError::AlreadyDone),
        e => e.into(),
    })
}
