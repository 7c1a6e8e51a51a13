//! The audits' service (七(二)): draw a sample from the query log and the unit's accounts with a
//! seed (anyone can draw it again: [`redraw`]), and open the record with what the form prints
//! beside it — 異動人數 from the period's account requests, 前次盤點日期 from the quarterly
//! review, the previous audit of the same unit — and the use cases around the record: the list
//! and the record (`record`), answers, texts, signatures and withdrawal (`form`), follow-ups
//! (`followups`), the workbook (`export`). Each use case takes the [`Caller`](super::caller::Caller), decides who may,
//! writes its trail rows (denials included) and answers a typed result or an [`AuditError`].

mod export;
mod followups;
mod form;
mod record;

pub use export::export;
pub use followups::{list as followups, refer, update as update_followup, Referral};
pub use form::{answer, decide_withdrawal, request_withdrawal, sign, text, vendor_answer, Signature};
pub use record::{create, overview, schedule, view, waiting_signature, OpenRequest};

use chrono::{DateTime, NaiveDate, Utc};

use super::auth::Actor;
use super::authz::{acts_as_supervisor, bureau_wide};
use super::store::{AuditFilter, AuditFormRecord, DynStore, NewAudit, StoreResult};
use super::trail::TrailDraft;
use crate::domain::audit::{AuditKind, FollowupKind, Part, Period, Slot};
use crate::domain::audit_sample::{draw_queries_by, draw_users_by, SampleMethod};
use crate::domain::audit_view::AuditError;
use crate::domain::Role;

use super::caller::Failure;

type Outcome<T> = Result<T, Failure<AuditError>>;

/// A drawn sample and the populations it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub lookups: usize,
    pub users: usize,
    pub queries: Vec<i64>,
    pub accounts: Vec<i64>,
}

/// Draw the unit's sample for the period as the log stood at `as_of` (the recorded cut-off): 1 %
/// of its look-ups (never the auditor's own) and 50 % of its accounts active in the period
/// (never the auditor's own account). Look-ups made later do not change a drawn sample.
pub async fn redraw(
    store: &DynStore,
    unit_id: i64,
    period: Period,
    auditor: i64,
    seed: u64,
    as_of: DateTime<Utc>,
    method: SampleMethod,
) -> StoreResult<Drawn> {
    let until = period.end().min(as_of);
    let lookups = store.lookups_in(unit_id, period.start(), until).await?;
    let accounts = store.accounts_active(unit_id, period.start(), until).await?;
    Ok(Drawn {
        lookups: lookups.len(),
        users: accounts.len(),
        queries: draw_queries_by(method, &lookups, auditor, seed),
        accounts: draw_users_by(method, &accounts, auditor, seed),
    })
}

/// The sample's seed of an audit kind, audited party (a unit's id, or a vendor's name) and
/// period: an HMAC under the trail key, so that it is the same at every opening, cannot be
/// chosen by whoever opens the audit, and cannot be foreseen without the key. Kept within i64.
pub fn sample_seed(key: &[u8], kind: AuditKind, party: &str, period: Period) -> u64 {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("audit-sample\n{}\n{party}\n{period}", kind.code()).as_bytes());
    let b = mac.finalize().into_bytes();
    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) >> 1
}

/// What opening an audit needs.
pub struct Opening {
    pub kind: AuditKind,
    pub period: Period,
    /// The audited unit (none for a vendor audit).
    pub unit_id: Option<i64>,
    pub vendor: Option<String>,
    pub auditing_unit_id: i64,
    pub auditor_id: i64,
    pub audited_id: Option<i64>,
    pub audited_on: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Draw the sample and open the record; returns its id. The seed comes from the trail key
/// ([`sample_seed`]) and the query log's cut-off from the first opening for the same unit and
/// period (recorded), so every opening for them draws the same sample: opening again under
/// another audited person, or after a withdrawal, cannot change it.
pub async fn open(store: &DynStore, key: &[u8], o: Opening, trail: TrailDraft) -> StoreResult<i64> {
    let party = match (o.unit_id, &o.vendor) {
        (Some(u), _) => u.to_string(),
        (None, Some(v)) => v.trim().to_string(),
        (None, None) => String::new(),
    };
    let mut seed = sample_seed(key, o.kind, &party, o.period);
    let mut cutoff = o.period.end().min(o.now);
    let (drawn, changes, review) = match o.unit_id {
        Some(unit) => {
            let (s, c) = store.fix_audit_draw(o.kind, unit, &o.period.to_string(), seed as i64, cutoff, o.now).await?;
            (seed, cutoff) = (s as u64, c);
            (
                redraw(store, unit, o.period, o.auditor_id, seed, cutoff, SampleMethod::Ranked).await?,
                store.account_changes(unit, o.period.start(), o.period.end()).await?,
                store.last_review_before(unit, o.period.end()).await?,
            )
        }
        None => (Drawn { lookups: 0, users: 0, queries: Vec::new(), accounts: Vec::new() }, 0, None),
    };
    let previous = previous_audit(store, o.kind, o.unit_id, o.vendor.as_deref(), o.period).await?;
    let mut samples: Vec<(Part, i64)> = drawn.accounts.iter().map(|id| (Part::Users, *id)).collect();
    samples.extend(drawn.queries.iter().map(|id| (Part::Queries, *id)));
    let new = NewAudit {
        kind: o.kind,
        period: o.period.to_string(),
        unit_id: o.unit_id,
        vendor: o.vendor,
        auditing_unit_id: o.auditing_unit_id,
        auditor_id: o.auditor_id,
        audited_id: o.audited_id,
        audited_on: o.audited_on,
        seed: seed as i64,
        sample_method: SampleMethod::Ranked,
        sample_cutoff: Some(cutoff),
        lookups: drawn.lookups as i64,
        users: drawn.users as i64,
        account_changes: changes,
        last_review_at: review,
        previous_id: previous,
        samples,
        now: o.now,
    };
    let trail = trail.details(serde_json::json!({
        "kind": o.kind.code(), "period": o.period.to_string(), "unit_id": o.unit_id, "seed": seed.to_string(),
        "cutoff": cutoff, "lookups": drawn.lookups, "users": drawn.users,
        "sampled_queries": drawn.queries.len(), "sampled_users": drawn.accounts.len(),
    }));
    store.create_audit(&new, trail).await
}

/// Who approves withdrawing an audit: an internal audit, the audited unit's supervisor (or
/// delegate); an office or vendor audit, the auditing unit's supervisor — never the auditor.
pub async fn may_approve_withdrawal(
    store: &DynStore,
    actor: &Actor,
    a: &AuditFormRecord,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    if actor.account_id == a.auditor_id {
        return Ok(false);
    }
    let unit = match a.kind {
        AuditKind::Internal => a.unit_id.unwrap_or(a.auditing_unit_id),
        AuditKind::Office | AuditKind::Vendor => a.auditing_unit_id,
    };
    acts_as_supervisor(store, actor, unit, now).await
}

/// The latest earlier audit of the same kind and target that the auditor has signed.
pub async fn previous_audit(
    store: &DynStore,
    kind: AuditKind,
    unit_id: Option<i64>,
    vendor: Option<&str>,
    period: Period,
) -> StoreResult<Option<i64>> {
    let all = store.list_audits(&AuditFilter { kind: Some(kind), unit_id }).await?;
    Ok(all
        .into_iter()
        .filter(|a| a.unit_id == unit_id && a.submitted_at.is_some())
        .filter(|a| unit_id.is_some() || a.vendor.as_deref() == vendor)
        .filter(|a| Period::parse(&a.period).is_ok_and(|p| p < period))
        .max_by(|a, b| a.period.cmp(&b.period).then(a.id.cmp(&b.id)))
        .map(|a| a.id))
}

/// Who reads an audit: the bureau; its auditor and audited person; the audited unit's internal
/// auditors; the supervisors (or their delegates) of the audited and the auditing unit.
pub async fn may_read(store: &DynStore, actor: &Actor, a: &AuditFormRecord, now: DateTime<Utc>) -> StoreResult<bool> {
    if bureau_wide(actor) || a.auditor_id == actor.account_id || a.audited_id == Some(actor.account_id) {
        return Ok(true);
    }
    if let Some(unit) = a.unit_id {
        if actor.has(Role::InternalAuditor) && actor.unit_id == unit {
            return Ok(true);
        }
        if acts_as_supervisor(store, actor, unit, now).await? {
            return Ok(true);
        }
    }
    acts_as_supervisor(store, actor, a.auditing_unit_id, now).await
}

/// Who signs a box, and when: the auditor first (their box, and the vendor's representative on
/// their tablet); once the auditor has, the audited person and the two units' supervisors (or
/// delegates), never the auditor or the audited person in a supervisor's box.
pub async fn may_sign(
    store: &DynStore,
    actor: &Actor,
    a: &AuditFormRecord,
    slot: Slot,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let me = actor.account_id;
    let submitted = a.submitted_at.is_some();
    Ok(match slot {
        Slot::Auditor => me == a.auditor_id && !submitted,
        Slot::Vendor => me == a.auditor_id && a.kind == AuditKind::Vendor,
        Slot::Audited => submitted && a.audited_id == Some(me),
        Slot::AuditedSupervisor => {
            submitted
                && me != a.auditor_id
                && a.audited_id != Some(me)
                && match a.unit_id {
                    Some(u) => acts_as_supervisor(store, actor, u, now).await?,
                    None => false,
                }
        }
        Slot::AuditorSupervisor => {
            submitted && me != a.auditor_id && acts_as_supervisor(store, actor, a.auditing_unit_id, now).await?
        }
    })
}

/// How many answers a form still needs before the auditor signs: every required (part, item,
/// sample) of the kind and its drawn samples that has no answer, plus one while the result
/// text is blank.
pub fn missing(kind: AuditKind, samples: &[(Part, i64)], answered: &[(Part, &str, i64)], result: &str) -> usize {
    let ids = |part: Part| samples.iter().filter(|(p, _)| *p == part).map(|(_, id)| *id).collect::<Vec<_>>();
    let unanswered = crate::domain::audit::required_answers(kind, &ids(Part::Users), &ids(Part::Queries))
        .into_iter()
        .filter(|(p, i, s)| !answered.iter().any(|(ap, ai, asample)| ap == p && *ai == i.as_str() && asample == s))
        .count();
    unanswered + usize::from(result.trim().is_empty())
}

/// Who moves a follow-up on: the Ethics Office its referrals (七(三)), the external team the
/// vendors' findings.
pub fn may_move_followup(actor: &Actor, kind: FollowupKind) -> bool {
    match kind {
        FollowupKind::Ethics => actor.has(Role::Ethics),
        FollowupKind::Vendor => actor.has(Role::ExternalAuditor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_audit_needs_every_sample_answered_and_a_result() {
        let samples = [(Part::Users, 7), (Part::Queries, 11), (Part::Queries, 12)];
        let all = Part::Users.items() + 2 * Part::Queries.items() + 1;
        assert_eq!(missing(AuditKind::Internal, &samples, &[], ""), all + 1);
        assert_eq!(missing(AuditKind::Internal, &samples, &[], "無不符合項目"), all);
        // an answer counts only for its own part, item and sample
        let one = [(Part::Users, "0", 7)];
        assert_eq!(missing(AuditKind::Internal, &samples, &one, "x"), all - 1);
        let elsewhere = [(Part::Users, "0", 8), (Part::Queries, "0", 7)];
        assert_eq!(missing(AuditKind::Internal, &samples, &elsewhere, "x"), all);
        let items: Vec<String> = (0..Part::Queries.items().max(Part::Users.items())).map(|i| i.to_string()).collect();
        let mut every: Vec<(Part, &str, i64)> = vec![(Part::Retention, "0", 0)];
        for (p, id) in samples {
            every.extend((0..p.items()).map(|i| (p, items[i].as_str(), id)));
        }
        assert_eq!(missing(AuditKind::Internal, &samples, &every, "x"), 0);
        assert_eq!(missing(AuditKind::Internal, &samples, &every, "  "), 1);
    }
}
