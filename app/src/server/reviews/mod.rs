//! The quarterly account permission review (八(三)) and the account manager's hand-over
//! (六(一)(二)): quarters in Taipei time, when a review is due or overdue, the snapshot of a
//! unit's accounts, and which units an account manages.
//!
//! **When a review is due.** Every quarter each unit signs off one review of its active
//! accounts. The review of a quarter is due within its first [`REVIEW_GRACE_DAYS`] days (in
//! Taipei time); a unit whose first account appeared later in the quarter gets the same number
//! of days from that day, and a quarter in which that deadline would fall after its last day
//! asks for no review. The unit's review is **overdue** when the current quarter has no signed
//! review and either its deadline has passed, or the previous quarter asked for a review and
//! never got a signed one (a missed quarter is flagged from the first day of the next). A
//! signed review for the current quarter clears the flag.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::auth::Actor;
use super::store::{AccountRecord, DynStore, ItemSnapshot, StoreResult};
use crate::domain::{Designation, Role};

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
