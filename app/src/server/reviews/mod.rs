//! The quarterly account permission review (八(三)) and the account manager's hand-over
//! (六(一)(二)): quarters in Taipei time, when a review is due or overdue, the snapshot of a
//! unit's accounts, and which units an account manages — and the use cases: the review's
//! status, start, reading, decisions, sign-off and list (`review`), the hand-over lists, making
//! one and acknowledging it (`handover`). Every use case takes the [`Caller`], decides who may
//! (a refusal is written to the trail; an incoming manager held back by the hand-over rule is
//! told to change the password), writes its trail rows, and answers a typed result or a
//! [`ReviewError`] — never a sentence.
//!
//! **When a review is due.** Every quarter each unit signs off one review of its active
//! accounts. The review of a quarter is due within its first [`REVIEW_GRACE_DAYS`] days (in
//! Taipei time); a unit whose first account appeared later in the quarter gets the same number
//! of days from that day, and a quarter in which that deadline would fall after its last day
//! asks for no review. The unit's review is **overdue** when the current quarter has no signed
//! review and either its deadline has passed, or the previous quarter asked for a review and
//! never got a signed one (a missed quarter is flagged from the first day of the next). A
//! signed review for the current quarter clears the flag.

mod handover;
mod review;

pub use handover::{acknowledge, create_handover, handovers};
pub use review::{decide, list, open, sign, start, status};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::auth::Actor;
use super::caller::{Caller, Failure};
use super::state::AppState;
use super::store::{
    AccountRecord, DynStore, HandoverRecord, ItemSnapshot, ReviewItemRecord, ReviewRecord, StoreResult,
};
use crate::domain::review_view::{HandoverView, ListField, ReviewError, UnitReviewStatus, LINES_MAX, LINE_MAX};
use crate::domain::{Designation, RocDate, Role};

type Outcome<T> = Result<T, Failure<ReviewError>>;

/// Days from the start of a quarter within which its review is due.
pub const REVIEW_GRACE_DAYS: i64 = 30;

/// Accounts without a sign-in or query for longer than this are flagged (`YINJIAN_IDLE_DAYS`).
pub const DEFAULT_IDLE_DAYS: i64 = 90;

pub use crate::domain::{taipei_date, taipei_midnight, Quarter};

pub use crate::domain::review::ReviewState;

/// The deadline of a quarter's review for a unit whose first account appeared on `since`, or
/// `None` when the quarter asks for no review.
pub fn deadline(quarter: Quarter, since: Option<NaiveDate>) -> Option<NaiveDate> {
    let since = since?;
    if since > quarter.last_day() {
        return None;
    }
    let d = quarter.first_day().max(since) + Duration::days(REVIEW_GRACE_DAYS - 1);
    (d <= quarter.last_day()).then_some(d)
}

/// The rule of the module documentation, for the quarter of `today`.
pub fn review_state(
    today: NaiveDate,
    since: Option<NaiveDate>,
    current_signed: bool,
    previous_signed: bool,
) -> ReviewState {
    let quarter = Quarter::of(today);
    if current_signed {
        return ReviewState::Signed;
    }
    let missed_previous = !previous_signed && deadline(quarter.previous(), since).is_some();
    match deadline(quarter, since) {
        _ if missed_previous => ReviewState::Overdue,
        Some(d) if today > d => ReviewState::Overdue,
        Some(_) => ReviewState::Due,
        None => ReviewState::NotRequired,
    }
}

/// Whole days an account has been idle: since its last sign-in or query, whichever is later,
/// or since it was created when it has neither.
pub fn idle_days(account: &AccountRecord, last_query: Option<DateTime<Utc>>, now: DateTime<Utc>) -> i64 {
    let last = [account.last_login_at, last_query].into_iter().flatten().max().unwrap_or(account.created_at);
    (now - last).num_days().max(0)
}

/// The active accounts of a unit as a review sees them now.
pub async fn snapshot(
    store: &DynStore,
    unit_id: i64,
    idle_threshold: i64,
    now: DateTime<Utc>,
) -> StoreResult<Vec<ItemSnapshot>> {
    let queries: std::collections::HashMap<i64, DateTime<Utc>> =
        store.last_queries(unit_id).await?.into_iter().collect();
    Ok(store
        .list_accounts()
        .await?
        .into_iter()
        .filter(|a| a.unit_id == unit_id && !a.disabled)
        .map(|a| {
            let last_query = queries.get(&a.id).copied();
            let idle = idle_days(&a, last_query, now);
            ItemSnapshot {
                account_id: a.id,
                employee_no: a.employee_no.clone(),
                name: a.name.clone(),
                roles: a.roles.clone(),
                last_login_at: a.last_login_at,
                last_query_at: last_query,
                idle_days: idle,
                flagged_idle: idle > idle_threshold,
            }
        })
        .collect())
}

/// The day the unit's first (oldest) account was created, in Taipei time.
pub async fn unit_since(store: &DynStore, unit_id: i64) -> StoreResult<Option<NaiveDate>> {
    Ok(store.list_accounts().await?.iter().filter(|a| a.unit_id == unit_id).map(|a| taipei_date(a.created_at)).min())
}

/// A unit the caller manages, and how: by the account manager role in its own unit, or as
/// the designated deputy (六(一)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Managed {
    pub unit_id: i64,
    pub as_deputy: bool,
}

/// The units the caller manages by role or by a designation valid now — before the hand-over
/// rule of [`super::authz::acts_as_manager`], so that the pages can say why the caller may
/// not act yet.
pub async fn managed_units(store: &DynStore, actor: &Actor, now: DateTime<Utc>) -> StoreResult<Vec<Managed>> {
    let mut out = Vec::new();
    if actor.has(Role::AccountManager) {
        out.push(Managed { unit_id: actor.unit_id, as_deputy: false });
    }
    for d in store.list_designations(None).await? {
        // a designation holds only while the account is in the unit it was made for (as in
        // `authz::designated`): one moved elsewhere manages nothing by it
        if d.account_id == actor.account_id
            && d.kind == Designation::DeputyAccountManager
            && d.unit_id == actor.unit_id
            && d.holds_at(now)
            && !out.iter().any(|m| m.unit_id == d.unit_id)
        {
            out.push(Managed { unit_id: d.unit_id, as_deputy: true });
        }
    }
    Ok(out)
}

/// Whether an account may manage a unit's accounts now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerStanding {
    /// Acts as the unit's account manager (or deputy) now.
    Acts,
    /// Manages the unit by role or designation, but the hand-over rule holds them back until
    /// they change their password.
    HandoverPending,
    /// Does not manage the unit.
    No,
}

pub async fn manager_standing(
    store: &DynStore,
    actor: &Actor,
    unit_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<ManagerStanding> {
    if super::authz::acts_as_manager(store, actor, unit_id, now).await? {
        return Ok(ManagerStanding::Acts);
    }
    if managed_units(store, actor, now).await?.iter().any(|m| m.unit_id == unit_id) {
        return Ok(ManagerStanding::HandoverPending);
    }
    Ok(ManagerStanding::No)
}

/// Who reads a unit's reviews: its managers and deputies, administrators, the unit's internal
/// auditor and external auditors.
pub async fn may_view(store: &DynStore, actor: &Actor, unit_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    Ok(actor.has(Role::Admin)
        || actor.has(Role::ExternalAuditor)
        || (actor.has(Role::InternalAuditor) && actor.unit_id == unit_id)
        || super::authz::acts_as_manager(store, actor, unit_id, now).await?)
}

// ---------------------------------------------------------------- what the use cases share

/// Refuse (a denial in the trail) unless the caller acts as the unit's manager now. An
/// incoming manager held back by the hand-over rule is told to change the password.
async fn require_manager(state: &AppState, caller: &Caller, unit_id: i64, endpoint: &str) -> Outcome<()> {
    match manager_standing(&state.store, &caller.actor, unit_id, Utc::now()).await? {
        ManagerStanding::Acts => Ok(()),
        ManagerStanding::HandoverPending => {
            let _: Failure<ReviewError> = caller.deny(state, endpoint, "handover_password_change").await;
            Err(Failure::PasswordChangeRequired)
        }
        ManagerStanding::No => Err(caller.deny(state, endpoint, "not_unit_manager").await),
    }
}

/// `name (employee_no)` of an account a row refers to (`row` names the row when it is missing).
pub(crate) async fn person<E>(state: &AppState, id: i64, row: &str) -> Result<String, Failure<E>> {
    let a =
        state.store.account(id).await?.ok_or_else(|| Failure::internal(format!("{row}: account {id} not found")))?;
    Ok(format!("{} ({})", a.name, a.employee_no))
}

async fn person_opt<E>(state: &AppState, id: Option<i64>, row: &str) -> Result<Option<String>, Failure<E>> {
    match id {
        Some(id) => Ok(Some(person(state, id, row).await?)),
        None => Ok(None),
    }
}

/// A stored review's quarter (a code that does not read is an error naming the row).
fn quarter_of<E>(r: &ReviewRecord) -> Result<Quarter, Failure<E>> {
    Quarter::parse(&r.quarter)
        .ok_or_else(|| Failure::internal(format!("permission_review {}: quarter {:?}", r.id, r.quarter)))
}

async fn load_review(state: &AppState, id: i64) -> Outcome<ReviewRecord> {
    state.store.review(id).await?.ok_or(Failure::NotFound)
}

async fn load_item(state: &AppState, id: i64) -> Outcome<ReviewItemRecord> {
    state.store.review_item(id).await?.ok_or(Failure::NotFound)
}

/// Lines of a text area: trimmed, blank ones dropped; at most [`LINES_MAX`] of at most
/// [`LINE_MAX`] characters.
fn lines(text: &str, field: ListField) -> Outcome<Vec<String>> {
    let out: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if out.len() > LINES_MAX {
        return Err(Failure::Problem(ReviewError::TooManyLines { field }));
    }
    if out.iter().any(|l| l.chars().count() > LINE_MAX) {
        return Err(Failure::Problem(ReviewError::LineTooLong { field }));
    }
    Ok(out)
}

/// Where a unit's review of the quarter of `now` stands (`None`: no such unit). For the review
/// status and the security register.
pub async fn unit_status<E>(
    state: &AppState,
    m: Managed,
    now: DateTime<Utc>,
) -> Result<Option<UnitReviewStatus>, Failure<E>> {
    let store = &state.store;
    let Some(unit) = store.unit(m.unit_id).await? else { return Ok(None) };
    let today = taipei_date(now);
    let quarter = Quarter::of(today);
    let list = store.list_reviews(Some(m.unit_id)).await?;
    let signed = |q: Quarter| list.iter().any(|r| r.quarter == q.code() && r.signed_at.is_some());
    let current = list.iter().find(|r| r.quarter == quarter.code());
    let since = unit_since(store, m.unit_id).await?;
    let standing = review_state(today, since, signed(quarter), signed(quarter.previous()));
    let deadline = deadline(quarter, since)
        .map(|d| RocDate::from_gregorian(d).map(|d| d.short()))
        .transpose()
        .map_err(|e| Failure::internal(format!("unit {}: review deadline: {e:?}", m.unit_id)))?;
    Ok(Some(UnitReviewStatus {
        unit_id: unit.id,
        unit_code: unit.code,
        unit_zh: unit.name_zh,
        unit_en: unit.name_en,
        as_deputy: m.as_deputy,
        quarter: quarter.code(),
        quarter_zh: quarter.zh(),
        quarter_en: quarter.en(),
        state: standing,
        deadline,
        current_review_id: current.map(|r| r.id),
        current_signed: current.is_some_and(|r| r.signed_at.is_some()),
        last_signed_at: list.iter().filter_map(|r| r.signed_at).max(),
    }))
}

/// A hand-over list as the caller sees it (a row that does not read is an error naming it).
async fn handover_view(state: &AppState, actor: &Actor, h: &HandoverRecord) -> Outcome<HandoverView> {
    let store = &state.store;
    let row = format!("handover {}", h.id);
    let unit = store
        .unit(h.unit_id)
        .await?
        .ok_or_else(|| Failure::internal(format!("{row}: unit {} not found", h.unit_id)))?;
    let incoming = store
        .account(h.incoming_id)
        .await?
        .ok_or_else(|| Failure::internal(format!("{row}: account {} not found", h.incoming_id)))?;
    let list = serde_json::from_str(&h.list).map_err(|e| Failure::internal(format!("{row}: list: {e}")))?;
    Ok(HandoverView {
        id: h.id,
        unit_zh: unit.name_zh,
        unit_en: unit.name_en,
        outgoing: person(state, h.outgoing_id, &row).await?,
        incoming: format!("{} ({})", incoming.name, incoming.employee_no),
        incoming_employee_no: incoming.employee_no.clone(),
        created_by: person(state, h.created_by, &row).await?,
        created_at: h.created_at,
        list,
        acknowledged_at: h.acknowledged_at,
        ack_note: h.ack_note.clone(),
        superseded: h.superseded_by.is_some(),
        can_acknowledge: h.is_open() && h.incoming_id == actor.account_id,
        password_change_pending: h.acknowledged_at.is_some_and(|ack| incoming.password_changed_at <= ack),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters() {
        assert_eq!(Quarter::of(d(2026, 1, 1)), Quarter { year: 2026, q: 1 });
        assert_eq!(Quarter::of(d(2026, 3, 31)).q, 1);
        assert_eq!(Quarter::of(d(2026, 4, 1)).q, 2);
        assert_eq!(Quarter::of(d(2026, 12, 31)).code(), "2026Q4");
        assert_eq!(Quarter::parse("2026Q4"), Some(Quarter { year: 2026, q: 4 }));
        assert_eq!(Quarter::parse("2026Q5"), None);
        assert_eq!(Quarter::parse("Q1"), None);
        let q1 = Quarter { year: 2026, q: 1 };
        assert_eq!(q1.previous(), Quarter { year: 2025, q: 4 });
        assert_eq!(q1.previous().next(), q1);
        assert_eq!(q1.first_day(), d(2026, 1, 1));
        assert_eq!(q1.last_day(), d(2026, 3, 31));
        assert_eq!(Quarter { year: 2026, q: 4 }.last_day(), d(2026, 12, 31));
        assert_eq!(Quarter { year: 2026, q: 4 }.zh(), "115 年第 4 季");
    }

    #[test]
    fn the_quarter_of_an_instant_is_taipeis() {
        // 2026-12-31 17:00 UTC is 2027-01-01 01:00 in Taipei
        let t = Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).unwrap();
        assert_eq!(Quarter::of_instant(t), Quarter { year: 2027, q: 1 });
        assert_eq!(taipei_midnight(d(2027, 1, 1)), Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap());
    }

    #[test]
    fn deadlines() {
        let q = Quarter { year: 2026, q: 4 };
        let old = Some(d(2020, 1, 1));
        assert_eq!(deadline(q, old), Some(d(2026, 10, 30)));
        // accounts that appeared mid-quarter get the same time from then
        assert_eq!(deadline(q, Some(d(2026, 11, 10))), Some(d(2026, 12, 9)));
        // too late in the quarter, or not yet there: nothing asked
        assert_eq!(deadline(q, Some(d(2026, 12, 15))), None);
        assert_eq!(deadline(q, Some(d(2027, 1, 2))), None);
        assert_eq!(deadline(q, None), None);
    }

    #[test]
    fn the_overdue_rule() {
        let old = Some(d(2020, 1, 1));
        use ReviewState::*;
        // within the first 30 days, the previous quarter signed: due
        assert_eq!(review_state(d(2026, 10, 1), old, false, true), Due);
        assert_eq!(review_state(d(2026, 10, 30), old, false, true), Due);
        // day 31: overdue
        assert_eq!(review_state(d(2026, 10, 31), old, false, true), Overdue);
        assert_eq!(review_state(d(2026, 12, 31), old, false, true), Overdue);
        // the previous quarter was missed: overdue at once
        assert_eq!(review_state(d(2026, 10, 1), old, false, false), Overdue);
        // signing this quarter clears it, missed quarter or not
        assert_eq!(review_state(d(2026, 12, 31), old, true, false), Signed);
        // a unit whose accounts are new: the previous quarter asked nothing
        assert_eq!(review_state(d(2026, 10, 5), Some(d(2026, 9, 20)), false, false), Due);
        assert_eq!(review_state(d(2026, 11, 1), Some(d(2026, 10, 20)), false, false), Due);
        assert_eq!(review_state(d(2026, 11, 19), Some(d(2026, 10, 20)), false, false), Overdue);
        assert_eq!(review_state(d(2026, 12, 20), Some(d(2026, 12, 10)), false, false), NotRequired);
        // ... but the next quarter does
        assert_eq!(review_state(d(2027, 1, 31), Some(d(2026, 12, 10)), false, false), Overdue);
        assert_eq!(review_state(d(2027, 1, 30), Some(d(2026, 12, 10)), false, false), Due);
        // a unit without accounts
        assert_eq!(review_state(d(2026, 12, 31), None, false, false), NotRequired);
    }

    #[test]
    fn idle_days_count_from_the_latest_use() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap();
        let mut a = AccountRecord {
            id: 1,
            employee_no: "C1".into(),
            name: "n".into(),
            unit_id: 1,
            email: String::new(),
            phone: String::new(),
            password_hash: String::new(),
            password_changed_at: now,
            must_change_password: false,
            failed_attempts: 0,
            locked_until: None,
            disabled: false,
            disabled_at: None,
            disabled_reason: None,
            session_version: 1,
            created_at: now - Duration::days(400),
            last_login_at: None,
            one_time_until: None,
            roles: vec![],
        };
        assert_eq!(idle_days(&a, None, now), 400);
        a.last_login_at = Some(now - Duration::days(100));
        assert_eq!(idle_days(&a, None, now), 100);
        assert_eq!(idle_days(&a, Some(now - Duration::days(3)), now), 3);
        assert_eq!(idle_days(&a, Some(now + Duration::days(1)), now), 0);
    }
}
