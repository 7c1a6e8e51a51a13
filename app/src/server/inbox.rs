//! 待辦: everything that waits for one person, by role and unit, delegations included — the
//! home page's list and the menu's counts come from [`items`]. Reading it writes no trail row:
//! an item names a case number, a unit, a month or a period, never a person's ID or name.
//!
//! Deadlines: where a rule sets one it is that rule's (a slip's reply, the quarterly review, an
//! audit's period, a security duty, a look-up's own working day); work that no rule times (an
//! approval, an endorsement, a signature, reading a reply) is due [`HANDLING_WORKING_DAYS`]
//! working days after it began to wait, on the system's working-time calendar.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::authz::{acts_as_manager, acts_as_supervisor};
use super::caller::{Caller, Failure};
use super::state::AppState;
use super::store::{RequestFilter, SlipFilter, StoreError, StoreResult};
use crate::domain::audit::DueState;
use crate::domain::forms::account_request::RequestState;
use crate::domain::forms::liaison_slip::SlipState;
use crate::domain::inbox::{oldest_first, Inbox, InboxError, Menu, WorkItem, WorkKind};
use crate::domain::review::ReviewState;
use crate::domain::{taipei_date, RocDate, Role, UnitKind, WorkCalendar};

/// Working days for work no rule times (see the module documentation).
pub const HANDLING_WORKING_DAYS: u32 = 3;

pub type Outcome<T> = Result<T, Failure<InboxError>>;

/// `unit_id → may`, asked once per unit.
struct Rights<'a> {
    state: &'a AppState,
    actor: &'a Actor,
    now: DateTime<Utc>,
    supervisor: HashMap<i64, bool>,
    manager: HashMap<i64, bool>,
}

impl<'a> Rights<'a> {
    fn new(state: &'a AppState, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Self { state, actor, now, supervisor: HashMap::new(), manager: HashMap::new() }
    }
    async fn supervises(&mut self, unit: i64) -> StoreResult<bool> {
        if let Some(b) = self.supervisor.get(&unit) {
            return Ok(*b);
        }
        let b = acts_as_supervisor(&self.state.store, self.actor, unit, self.now).await?;
        self.supervisor.insert(unit, b);
        Ok(b)
    }
    async fn manages(&mut self, unit: i64) -> StoreResult<bool> {
        if let Some(b) = self.manager.get(&unit) {
            return Ok(*b);
        }
        let b = acts_as_manager(&self.state.store, self.actor, unit, self.now).await?;
        self.manager.insert(unit, b);
        Ok(b)
    }
}

struct Collect<'a> {
    cal: &'a WorkCalendar,
    now: DateTime<Utc>,
    out: Vec<WorkItem>,
}

impl Collect<'_> {
    fn push(&mut self, kind: WorkKind, id: i64, since: DateTime<Utc>, deadline: Option<DateTime<Utc>>, about: String) {
        let href = href(kind, id);
        let overdue = crate::domain::inbox::is_overdue(deadline, self.now);
        self.out.push(WorkItem { kind, id, since, deadline, overdue, about, href });
    }
    /// Work no rule times: due a few working days after it began to wait.
    fn handling(&mut self, kind: WorkKind, id: i64, since: DateTime<Utc>, about: String) {
        let deadline = self.cal.working_deadline(since, HANDLING_WORKING_DAYS);
        self.push(kind, id, since, Some(deadline), about);
    }
}

fn href(kind: WorkKind, id: i64) -> String {
    match kind {
        WorkKind::UnfinishedLookup => format!("/compare?resume={id}"),
        WorkKind::SlipToApprove | WorkKind::SlipReplied | WorkKind::SlipToAnswer => format!("/liaison/{id}"),
        WorkKind::RequestToEndorse | WorkKind::RequestToReview => format!("/accounts/requests/{id}"),
        WorkKind::ReportToSign => format!("/reports?report={id}"),
        WorkKind::AuditToSign => format!("/audits/{id}"),
        WorkKind::AuditDue => "/audits".into(),
        WorkKind::ReviewDue => "/accounts/review".into(),
        WorkKind::HandoverToAcknowledge => "/accounts/handover".into(),
        WorkKind::SecurityDuty => "/admin/security".into(),
    }
}

/// The end of office hours of `d` (a Taipei date), as an instant.
fn day_end(cal: &WorkCalendar, d: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    crate::domain::taipei_offset()
        .from_local_datetime(&d.and_time(cal.hours.end))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| crate::domain::taipei_midnight(d + chrono::Duration::days(1)))
}

fn roc_day(s: &str, row: &str) -> StoreResult<chrono::NaiveDate> {
    RocDate::parse(s).map(|d| d.gregorian()).map_err(|e| StoreError::Corrupt(format!("{row}: date {s:?}: {e:?}")))
}

/// Everything waiting for the caller, oldest first.
pub async fn items(state: &AppState, caller: &Caller) -> Outcome<Inbox> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = state.clock.now();
    let today = taipei_date(now);
    let cal = super::comparisons::calendar(store).await?;
    let mut c = Collect { cal: &cal, now, out: Vec::new() };
    let mut rights = Rights::new(state, actor, now);
    let own_unit = store.unit(actor.unit_id).await?.ok_or_else(|| {
        StoreError::Corrupt(format!("account {}: unit {} not found", actor.account_id, actor.unit_id))
    })?;

    // 未完成比對: the clerk's own look-ups without a comparison; each is due by the end of its
    // working day (afterwards only a reasoned closing ends it)
    if actor.has(Role::Clerk) {
        for q in store.unfinished_queries(actor.account_id).await? {
            let deadline = day_end(&cal, taipei_date(q.queried_at));
            c.push(WorkKind::UnfinishedLookup, q.id, q.queried_at, Some(deadline), q.case_number);
        }
    }

    // liaison slips
    if own_unit.kind == UnitKind::HouseholdOffice {
        if actor.has(Role::HouseholdOffice) {
            let f = SlipFilter { office_unit_id: Some(actor.unit_id), sent_only: true, ..Default::default() };
            for s in store.list_slips(&f).await?.into_iter().filter(|s| s.state.awaits_reply()) {
                c.push(WorkKind::SlipToAnswer, s.id, s.sent_at.unwrap_or(s.created_at), s.due_at, s.case_number);
            }
        }
    } else {
        let f = |state: SlipState| SlipFilter {
            sender_unit_id: Some(actor.unit_id),
            state: Some(state),
            ..Default::default()
        };
        if actor.has(Role::Clerk) {
            for s in store.list_slips(&f(SlipState::Replied)).await? {
                c.handling(WorkKind::SlipReplied, s.id, s.replied_at.unwrap_or(s.updated_at), s.case_number);
            }
        }
        if rights.supervises(actor.unit_id).await? {
            for s in store.list_slips(&f(SlipState::AwaitingApproval)).await? {
                if s.created_by != actor.account_id {
                    c.handling(WorkKind::SlipToApprove, s.id, s.updated_at, s.case_number);
                }
            }
        }
    }

    // account requests: the filing unit's supervisor endorses, the target unit's manager reviews
    let own = |r: &super::store::RequestRecord| r.filed_by == actor.account_id || r.employee_no == actor.employee_no;
    let filed = RequestFilter { state: Some(RequestState::Filed), unit_id: None, from: None, to: None };
    for r in store.list_requests(&filed).await? {
        if !own(&r) && rights.supervises(r.unit_id).await? {
            let unit = unit_label(state, r.unit_id).await?;
            c.handling(WorkKind::RequestToEndorse, r.id, r.filed_at, unit);
        }
    }
    let endorsed = RequestFilter { state: Some(RequestState::Endorsed), ..filed };
    for r in store.list_requests(&endorsed).await? {
        if !own(&r) && rights.manages(r.target_unit_id).await? {
            let unit = unit_label(state, r.target_unit_id).await?;
            c.handling(WorkKind::RequestToReview, r.id, r.endorsed_at.unwrap_or(r.filed_at), unit);
        }
    }

    // monthly query reports to sign off (五(二)2): the month over, the whole month in it, and
    // not a report of the signer's own look-ups
    for r in store.unsigned_reports().await? {
        if !rights.supervises(r.unit_id).await? || !matches!(super::reports::signable(&r, now)?, Ok(())) {
            continue;
        }
        if super::reports::has_operator(&r, &actor.employee_no)? {
            continue;
        }
        c.handling(WorkKind::ReportToSign, r.id, r.generated_at, r.month.clone());
    }

    // audits waiting for the caller's signature; the external team's audits due
    for a in super::audits::waiting_signature(state, actor, now).await.map_err(Failure::retype)? {
        c.handling(WorkKind::AuditToSign, a.id, a.submitted_at.unwrap_or(a.created_at), a.period.clone());
    }
    if actor.has(Role::ExternalAuditor) {
        for row in super::audits::schedule(state).await.map_err(Failure::retype)? {
            if matches!(row.state, DueState::Due | DueState::Overdue) {
                let last = roc_day(&row.due_on, &format!("audit period {}", row.period))?;
                let since = crate::domain::audit::Period::parse(&row.period)
                    .map(|p| crate::domain::taipei_midnight(p.first_day()))
                    .map_err(|e| StoreError::Corrupt(format!("audit period {}: {e:?}", row.period)))?;
                let id = row.audit_id.unwrap_or(row.unit_id);
                c.push(
                    WorkKind::AuditDue,
                    id,
                    since,
                    Some(day_end(&cal, last)),
                    format!("{} {}", row.target, row.period_label),
                );
            }
        }
    }

    // the quarterly permission review of each unit the caller manages (八(三))
    for m in super::reviews::managed_units(store, actor, now).await? {
        let Some(u) = super::reviews::unit_status::<InboxError>(state, m, now).await? else { continue };
        if matches!(u.state, ReviewState::Due | ReviewState::Overdue) {
            let deadline = match &u.deadline {
                Some(d) => Some(day_end(&cal, roc_day(d, &format!("unit {} review", u.unit_id))?)),
                None => None,
            };
            let since = crate::domain::taipei_midnight(crate::domain::Quarter::of(today).first_day());
            let mut item_deadline = deadline;
            if u.state == ReviewState::Overdue && item_deadline.is_none_or(|d| d >= now) {
                // overdue by the rule even where the deadline reads otherwise (last quarter's)
                item_deadline = Some(since);
            }
            c.push(WorkKind::ReviewDue, u.unit_id, since, item_deadline, format!("{} {}", u.unit_zh, u.quarter_zh));
        }
    }

    // hand-over lists to acknowledge (六(二))
    for h in store.list_handovers(None, Some(actor.account_id)).await? {
        if h.incoming_id == actor.account_id && h.is_open() {
            let unit = unit_label(state, h.unit_id).await?;
            c.handling(WorkKind::HandoverToAcknowledge, h.id, h.created_at, unit);
        }
    }

    // security duties (administrators): overdue, or due within a week
    if actor.has(Role::Admin) {
        for t in store.list_tasks().await? {
            if t.done_at.is_none() && t.due_on <= today + chrono::Duration::days(7) {
                let since = t.created_at.min(crate::domain::taipei_midnight(t.due_on - chrono::Duration::days(7)));
                c.push(WorkKind::SecurityDuty, t.id, since, Some(day_end(&cal, t.due_on)), t.title.clone());
            }
        }
    }

    let mut out = c.out;
    oldest_first(&mut out);
    Ok(Inbox { items: out })
}

async fn unit_label(state: &AppState, unit_id: i64) -> StoreResult<String> {
    Ok(state
        .store
        .unit(unit_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("inbox: unit {unit_id} not found")))?
        .name_zh)
}

/// The menu: the pages the caller may open, each with what waits there.
pub async fn menu(state: &AppState, caller: &Caller) -> Outcome<Menu> {
    let actor = &caller.actor;
    let now = state.clock.now();
    let inbox = items(state, caller).await?;
    let manages = !super::reviews::managed_units(&state.store, actor, now).await?.is_empty();
    let entries = crate::domain::inbox::entries(&actor.roles, manages, &inbox.items);
    Ok(Menu::of(&entries, &inbox.items))
}
