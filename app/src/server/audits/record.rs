//! The audits' list (with the external schedule), opening an audit with its drawn sample, and
//! the record as the form shows it. Each takes the [`Caller`], writes its trail rows (denials
//! included) and answers a typed view or an [`AuditError`].

use chrono::{DateTime, NaiveDate, Utc};

use super::{may_read, may_sign, missing, open, Opening, Outcome};
use crate::domain::audit::{due_state, periods_since, AuditKind, AuditState, DueState, Part, Period, Slot};
use crate::domain::audit_view::{
    AnswerView, AuditError, AuditSummary, AuditView, AuditsOverview, FollowupView, PreviousAudit, SampleLookup,
    SampleUser, ScheduleRow, SlotView, VENDOR_TARGET,
};
use crate::domain::{roc_datetime, taipei_date, RocDate, Role, UnitKind};
use crate::server::auth::Actor;
use crate::server::caller::{problem, Caller, Failure};
use crate::server::state::AppState;
use crate::server::store::{AuditFilter, AuditFormRecord, DynStore, FollowupRecord, StoreError, StoreResult};
use crate::server::trail::TrailAction;

/// An account as the form names it (`name employee-no`); a missing one is an error naming the row.
pub(super) async fn label(state: &AppState, id: i64, row: &str) -> Outcome<String> {
    let a =
        state.store.account(id).await?.ok_or_else(|| Failure::internal(format!("{row}: account {id} not found")))?;
    Ok(format!("{} {}", a.name, a.employee_no))
}

async fn label_opt(state: &AppState, id: Option<i64>, row: &str) -> Outcome<String> {
    match id {
        Some(id) => label(state, id, row).await,
        None => Ok(String::new()),
    }
}

async fn unit_name(state: &AppState, id: i64, row: &str) -> Outcome<String> {
    let u = state.store.unit(id).await?.ok_or_else(|| Failure::internal(format!("{row}: unit {id} not found")))?;
    Ok(u.name_zh)
}

/// A stored period (a code that does not read is an error naming the row).
fn period_of(a: &AuditFormRecord) -> Outcome<Period> {
    Period::parse(&a.period).map_err(|_| Failure::internal(format!("audit {}: period {:?}", a.id, a.period)))
}

/// A stored date as the form prints it (ROC).
pub(super) fn roc(d: NaiveDate, row: &str) -> Outcome<String> {
    RocDate::from_gregorian(d).map(|r| r.short()).map_err(|e| Failure::internal(format!("{row}: date {d}: {e:?}")))
}

/// The audited party: the vendor, or the audited unit.
async fn target(state: &AppState, a: &AuditFormRecord) -> Outcome<String> {
    match (&a.vendor, a.unit_id) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(u)) => unit_name(state, u, &format!("audit {}", a.id)).await,
        (None, None) => Err(Failure::internal(format!("audit {}: neither a unit nor a vendor", a.id))),
    }
}

/// Load an audit (none: not found).
pub(super) async fn load(state: &AppState, id: i64) -> Outcome<AuditFormRecord> {
    state.store.audit(id).await?.ok_or(Failure::NotFound)
}

/// The store's refusals as the audit's problems.
pub(super) fn store_failure(e: StoreError) -> Failure<AuditError> {
    match e {
        StoreError::Stale(_) => Failure::Problem(AuditError::Stale),
        StoreError::Duplicate("sign-off") => Failure::Problem(AuditError::SlotSigned),
        StoreError::Duplicate(_) => Failure::Problem(AuditError::AlreadyReferred),
        StoreError::NotFound(_) => Failure::NotFound,
        e => Failure::internal(e),
    }
}

async fn summary(state: &AppState, a: &AuditFormRecord) -> Outcome<AuditSummary> {
    let row = format!("audit {}", a.id);
    Ok(AuditSummary {
        id: a.id,
        kind: a.kind,
        period: a.period.clone(),
        period_label: period_of(a)?.roc(),
        target: target(state, a).await?,
        auditor: label(state, a.auditor_id, &row).await?,
        audited_on: roc(a.audited_on, &row)?,
        state: AuditState::from_marks(a.withdrawn_at.is_some(), a.completed_at.is_some(), a.submitted_at.is_some()),
    })
}

/// The answers as given.
pub(super) async fn answers(state: &AppState, id: i64) -> Outcome<Vec<AnswerView>> {
    Ok(state
        .store
        .audit_answers(id)
        .await?
        .into_iter()
        .map(|x| AnswerView {
            part: x.part,
            item: x.item,
            sample: x.sample,
            result: x.result,
            note: x.note.unwrap_or_default(),
        })
        .collect())
}

/// How many answers the form still needs before the auditor signs.
pub(super) fn still_missing(
    kind: AuditKind,
    samples: &[(Part, i64)],
    answers: &[AnswerView],
    a: &AuditFormRecord,
) -> usize {
    let given: Vec<(Part, &str, i64)> = answers.iter().map(|x| (x.part, x.item.as_str(), x.sample)).collect();
    missing(kind, samples, &given, &a.result)
}

/// A follow-up as its lists show it (`with_source`: where it came from, `period target`).
pub(super) async fn followup_view(
    state: &AppState,
    caller: &Caller,
    f: &FollowupRecord,
    with_source: bool,
) -> Outcome<FollowupView> {
    let store = &state.store;
    let row = format!("audit_followup {}", f.id);
    let today = taipei_date(Utc::now());
    let mut history = Vec::new();
    for e in store.followup_events(f.id).await? {
        history.push((e.at, label_opt(state, e.actor_id, &row).await?, e.action, e.note));
    }
    let can_update = f.closed_at.is_none() && super::may_move_followup(&caller.actor, f.kind);
    let source = if with_source {
        let a = store
            .audit(f.audit_id)
            .await?
            .ok_or_else(|| Failure::internal(format!("{row}: audit {} not found", f.audit_id)))?;
        format!("{} {}", period_of(&a)?.roc(), target(state, &a).await?)
    } else {
        String::new()
    };
    Ok(FollowupView {
        id: f.id,
        audit_id: f.audit_id,
        kind: f.kind,
        part: f.part,
        item: f.item.clone(),
        sample: f.sample,
        description: f.description.clone(),
        due_on: f.due_on.map(|d| roc(d, &row)).transpose()?,
        overdue: f.closed_at.is_none() && f.due_on.is_some_and(|d| d < today),
        status: f.status,
        created_at: f.created_at,
        history,
        can_update,
        source,
    })
}

/// The external schedule: every land office and 土地開發總隊 each quarter, the vendor each
/// half-year, from the system's first day; only what is not done, and the current period.
pub async fn schedule(state: &AppState) -> Outcome<Vec<ScheduleRow>> {
    let store = &state.store;
    let now = Utc::now();
    let today = taipei_date(now);
    // from the system's first day: the trail's first row
    let since = store.trail_rows(0, 1).await?.first().map(|e| e.occurred_at).unwrap_or(now);
    let audits = store.list_audits(&AuditFilter::default()).await?;
    let mut rows = Vec::new();
    let offices: Vec<_> = store
        .list_units()
        .await?
        .into_iter()
        .filter(|u| u.active && matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency))
        .collect();
    let mut targets: Vec<(AuditKind, i64, String)> =
        offices.into_iter().map(|u| (AuditKind::Office, u.id, u.name_zh)).collect();
    targets.push((AuditKind::Vendor, 0, VENDOR_TARGET.into()));
    for (kind, unit_id, name) in targets {
        for p in periods_since(kind, since, now) {
            let of: Vec<&AuditFormRecord> = audits
                .iter()
                .filter(|a| a.kind == kind && a.period == p.to_string())
                .filter(|a| kind == AuditKind::Vendor || a.unit_id == Some(unit_id))
                .filter(|a| a.withdrawn_at.is_none())
                .collect();
            let done = of.iter().any(|a| a.submitted_at.is_some());
            let state = due_state(p, !of.is_empty(), done, today);
            if state == DueState::Done && p != Period::of(kind, now) {
                continue;
            }
            rows.push(ScheduleRow {
                kind,
                unit_id,
                target: name.clone(),
                period: p.to_string(),
                period_label: p.roc(),
                due_on: roc(p.last_day(), &format!("period {p}"))?,
                state,
                audit_id: of.first().map(|a| a.id),
            });
        }
    }
    rows.sort_by_key(|r| match r.state {
        DueState::Overdue => 0,
        DueState::Due => 1,
        DueState::InProgress => 2,
        DueState::Done => 3,
    });
    Ok(rows)
}

/// Submitted and not complete, with a signature box the caller may sign still empty.
async fn waits_for(store: &DynStore, actor: &Actor, a: &AuditFormRecord, now: DateTime<Utc>) -> StoreResult<bool> {
    if a.submitted_at.is_none() || a.completed_at.is_some() {
        return Ok(false);
    }
    let signed = store.audit_signoffs(a.id).await?;
    for slot in a.kind.slots() {
        if !signed.iter().any(|s| s.slot == *slot)
            && *slot != Slot::Vendor
            && may_sign(store, actor, a, *slot, now).await?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The audits waiting for the caller's signature (any unit: anyone can be the audited person).
pub async fn waiting_signature(state: &AppState, actor: &Actor, now: DateTime<Utc>) -> Outcome<Vec<AuditFormRecord>> {
    let store = &state.store;
    let mut out = Vec::new();
    for a in store.list_audits(&AuditFilter::default()).await? {
        if a.submitted_at.is_some()
            && a.completed_at.is_none()
            && may_read(store, actor, &a, now).await?
            && waits_for(store, actor, &a, now).await?
        {
            out.push(a);
        }
    }
    Ok(out)
}

/// The audits the caller may read, what they may open, what waits for their signature and
/// (external team, administrators) the schedule.
pub async fn overview(state: &AppState, caller: &Caller) -> Outcome<AuditsOverview> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let bureau = crate::server::authz::bureau_wide(actor);
    let filter = AuditFilter { kind: None, unit_id: if bureau { None } else { Some(actor.unit_id) } };
    let mut audits = Vec::new();
    let mut to_sign = Vec::new();
    for a in store.list_audits(&filter).await? {
        if !may_read(store, actor, &a, now).await? {
            continue;
        }
        let summary = summary(state, &a).await?;
        if waits_for(store, actor, &a, now).await? {
            to_sign.push(summary.clone());
        }
        audits.push(summary);
    }
    let accounts = store.list_accounts().await?;
    let units = store.list_units().await?;
    let can_internal = actor.has(Role::InternalAuditor);
    let people = accounts
        .iter()
        .filter(|a| can_internal && a.unit_id == actor.unit_id && a.id != actor.account_id && !a.disabled)
        .map(|a| (a.id, format!("{} {}", a.name, a.employee_no)))
        .collect();
    let can_external = actor.has(Role::ExternalAuditor);
    let offices: Vec<(i64, String)> = units
        .iter()
        .filter(|u| can_external && u.active && matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency))
        .map(|u| (u.id, u.name_zh.clone()))
        .collect();
    let office_people = accounts
        .iter()
        .filter(|a| !a.disabled && offices.iter().any(|(id, _)| *id == a.unit_id))
        .map(|a| (a.unit_id, a.id, format!("{} {}", a.name, a.employee_no)))
        .collect();
    let schedule = if can_external || actor.has(Role::Admin) { schedule(state).await? } else { Vec::new() };
    let own_unit = unit_name(state, actor.unit_id, &format!("account {}", actor.account_id)).await?;
    Ok(AuditsOverview {
        audits,
        can_internal,
        own_unit,
        people,
        can_external,
        offices,
        office_people,
        schedule,
        to_sign,
        default_month: Period::of(AuditKind::Internal, now).prev().to_string(),
        default_quarter: Period::of(AuditKind::Office, now).to_string(),
        default_half: Period::of(AuditKind::Vendor, now).to_string(),
    })
}

/// What opening an audit asks: the kind and period, and the party — for an internal audit
/// the audited person of the auditor's own unit, for an office audit the unit and the
/// audited person, for a vendor audit the vendor's name.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub kind: AuditKind,
    pub period: Period,
    pub unit: i64,
    pub audited: i64,
    pub vendor: String,
}

/// Open an audit: the sample is drawn now with the recorded seed; returns its id.
pub async fn create(state: &AppState, caller: &Caller, req: OpenRequest, endpoint: &str) -> Outcome<i64> {
    let actor = &caller.actor;
    let store = &state.store;
    let now = Utc::now();
    let OpenRequest { kind, period, unit, audited, vendor } = req;
    if !period.kind_fits(kind) {
        return problem(AuditError::PeriodKind { kind });
    }
    if period.start() > now {
        return problem(AuditError::PeriodNotStarted);
    }
    let allowed = match kind {
        AuditKind::Internal => actor.has(Role::InternalAuditor),
        AuditKind::Office | AuditKind::Vendor => actor.has(Role::ExternalAuditor),
    };
    if !allowed {
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    let (unit_id, vendor, audited_id) = match kind {
        AuditKind::Internal | AuditKind::Office => {
            let unit_id = if kind == AuditKind::Internal { actor.unit_id } else { unit };
            let u = store.unit(unit_id).await?.ok_or(Failure::NotFound)?;
            if kind == AuditKind::Office && !matches!(u.kind, UnitKind::LandOffice | UnitKind::Agency) {
                return problem(AuditError::OfficeTarget);
            }
            match store.account(audited).await? {
                Some(p) if p.unit_id == unit_id && p.id != actor.account_id && !p.disabled => {}
                _ => return problem(AuditError::AuditedPerson),
            }
            (Some(unit_id), None, Some(audited))
        }
        AuditKind::Vendor => {
            let v = vendor.trim().to_string();
            if v.is_empty() || v.chars().count() > 100 || v.chars().any(char::is_control) {
                return problem(AuditError::VendorName);
            }
            (None, Some(v), None)
        }
    };
    let opening = Opening {
        kind,
        period,
        unit_id,
        vendor,
        auditing_unit_id: actor.unit_id,
        auditor_id: actor.account_id,
        audited_id,
        audited_on: taipei_date(now),
        now,
    };
    open(store, &state.trail_key, opening, caller.trail(TrailAction::AuditOpen)).await.map_err(|e| match e {
        StoreError::Duplicate("audit") => Failure::Problem(AuditError::AlreadyOpen),
        e => store_failure(e),
    })
}

/// The audit as the form shows it (sampled look-ups with the national ID masked); reading it
/// is written to the trail with the look-ups it showed.
pub async fn view(state: &AppState, caller: &Caller, id: i64, endpoint: &str) -> Outcome<AuditView> {
    let actor = &caller.actor;
    let store = &state.store;
    let row = format!("audit {id}");
    let now = Utc::now();
    let a = load(state, id).await?;
    if !may_read(store, actor, &a, now).await? {
        return Err(caller.deny(state, endpoint, "not_audit_party").await);
    }
    let kind = a.kind;
    let period = period_of(&a)?;
    let samples = store.audit_samples(id).await?;
    let mut sample_users = Vec::new();
    let mut sample_lookups = Vec::new();
    if let Some(unit) = a.unit_id {
        for (_, ref_id) in samples.iter().filter(|(p, _)| *p == Part::Users) {
            if let Some(acc) = store.account(*ref_id).await? {
                sample_users.push(SampleUser {
                    id: acc.id,
                    name: acc.name.clone(),
                    employee_no: acc.employee_no.clone(),
                    roles: acc.roles.iter().map(|r| r.zh()).collect::<Vec<_>>().join("、"),
                    disabled: acc.disabled,
                });
            }
        }
        let wanted: Vec<i64> = samples.iter().filter(|(p, _)| *p == Part::Queries).map(|(_, id)| *id).collect();
        if !wanted.is_empty() {
            let printed = store.printed_lookups(unit, period.start(), period.end()).await?;
            for l in store.query_lines(unit, period.start(), period.end()).await? {
                if wanted.contains(&l.query_id) {
                    sample_lookups.push(SampleLookup {
                        id: l.query_id,
                        queried_at: l.queried_at,
                        operator: format!("{} {}", l.operator_name, l.operator_no),
                        business_type: l.business_type,
                        case_number: l.case_number.clone(),
                        national_id_masked: l.national_id.masked(),
                        after_hours: l.after_hours,
                        decision: l.decision,
                        printed: printed.contains(&l.query_id),
                    });
                }
            }
        }
    }
    let answers = answers(state, id).await?;
    let signoffs = store.audit_signoffs(id).await?;
    // the auditor and the audited person are named in their boxes and at the head of the form
    let auditor = label(state, a.auditor_id, &row).await?;
    let audited = label_opt(state, a.audited_id, &row).await?;
    let mut slots = Vec::new();
    for slot in kind.slots() {
        let s = signoffs.iter().find(|s| s.slot == *slot);
        let expected = match slot {
            Slot::Auditor => auditor.clone(),
            Slot::Audited => audited.clone(),
            _ => String::new(),
        };
        slots.push(SlotView {
            slot: *slot,
            expected,
            signed_by: s.map(|s| s.name.clone()),
            signed_at: s.map(|s| s.signed_at),
            signature: s.and_then(|s| s.signature.clone()),
            can_sign: s.is_none() && may_sign(store, actor, &a, *slot, now).await?,
        });
    }
    let mut followups = Vec::new();
    for f in store.list_followups(None, Some(id)).await? {
        followups.push(followup_view(state, caller, &f, false).await?);
    }
    let previous = match a.previous_id {
        Some(p) => {
            let p = store
                .audit(p)
                .await?
                .ok_or_else(|| Failure::internal(format!("{row}: previous audit {p} not found")))?;
            Some(PreviousAudit {
                id: p.id,
                period_label: period_of(&p)?.roc(),
                result: p.result,
                recommendations: p.recommendations,
            })
        }
        None => None,
    };
    // anyone can draw the same sample again from the log with the recorded seed
    let sample_verified = match a.unit_id {
        Some(unit) => {
            let d =
                super::redraw(store, unit, period, a.auditor_id, a.seed as u64, a.cutoff(), a.sample_method).await?;
            let mut mine: Vec<(Part, i64)> = d.accounts.iter().map(|i| (Part::Users, *i)).collect();
            mine.extend(d.queries.iter().map(|i| (Part::Queries, *i)));
            let mut stored = samples.clone();
            stored.sort();
            mine.sort();
            stored == mine
        }
        None => true,
    };
    let missing = still_missing(kind, &samples, &answers, &a);
    let draft = caller.trail(TrailAction::AuditView).object("audit", id).details(serde_json::json!({
        "sampled_lookups": sample_lookups.iter().map(|l| l.id).collect::<Vec<_>>(),
    }));
    store.append_trail(draft).await?;
    let is_auditor = a.auditor_id == actor.account_id;
    let can_decide_withdrawal = a.withdraw_requested_at.is_some()
        && a.withdrawn_at.is_none()
        && super::may_approve_withdrawal(store, actor, &a, now).await?;
    Ok(AuditView {
        id,
        kind,
        period: a.period.clone(),
        period_label: period.roc(),
        target: target(state, &a).await?,
        auditing_unit: unit_name(state, a.auditing_unit_id, &row).await?,
        auditor,
        audited,
        audited_on: roc(a.audited_on, &row)?,
        seed: (a.seed as u64).to_string(),
        lookups: a.lookups,
        users: a.users,
        account_changes: a.account_changes,
        last_review: a.last_review_at.map(|t| roc(taipei_date(t), &row)).transpose()?,
        previous,
        previous_followup: a.previous_followup.clone(),
        result: a.result.clone(),
        recommendations: a.recommendations.clone(),
        sample_users,
        sample_lookups,
        answers,
        slots,
        followups,
        editable: is_auditor && a.submitted_at.is_none() && a.withdrawn_at.is_none(),
        can_withdraw: is_auditor
            && a.submitted_at.is_none()
            && a.withdrawn_at.is_none()
            && a.withdraw_requested_at.is_none(),
        withdrawn: a.withdrawn_at.map(|t| (roc_datetime(t), a.withdrawn_reason.clone().unwrap_or_default())),
        withdrawn_approved_by: label_opt(state, a.withdrawn_approved_by, &row).await?,
        withdraw_pending: a
            .withdraw_requested_at
            .filter(|_| a.withdrawn_at.is_none())
            .map(|t| (roc_datetime(t), a.withdraw_request_reason.clone().unwrap_or_default())),
        can_decide_withdrawal,
        is_auditor,
        submitted: a.submitted_at.is_some(),
        completed: a.completed_at.is_some(),
        sample_verified,
        missing,
    })
}
