//! The liaison slip's rules that need no HTTP: which side of a slip an account is on, and when
//! a slip may carry anything of the seal registry.

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::authz::acts_as_supervisor;
use super::store::{DynStore, QueryRecord, SlipRecord, StoreResult};
use crate::domain::Role;

/// How an account stands to a slip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A clerk of the sending unit.
    SenderClerk,
    /// The sending unit's chief (supervisor or delegate), who is not one of its clerks.
    Chief,
    /// The addressed office.
    Office,
}

/// The caller's side for this slip, or `None`. An office sees a slip only once it was sent.
pub async fn side(store: &DynStore, actor: &Actor, slip: &SlipRecord, now: DateTime<Utc>) -> StoreResult<Option<Side>> {
    if actor.unit_id == slip.sender_unit_id && actor.has(Role::Clerk) {
        return Ok(Some(Side::SenderClerk));
    }
    if acts_as_supervisor(store, actor, slip.sender_unit_id, now).await? {
        return Ok(Some(Side::Chief));
    }
    let sent = slip.sent_at.is_some();
    if actor.unit_id == slip.office_unit_id && actor.has(Role::HouseholdOffice) && slip.state.visible_to_office(sent) {
        return Ok(Some(Side::Office));
    }
    Ok(None)
}

/// A slip may show the sending side anything of the seal registry (the registered date, a
/// corrected date, a rebuilt version) only when it refers to a logged query of its writer for
/// the same national ID: that look-up is what the query log, the monthly report and the audit
/// sample see. Without one, the slip carries only what the clerk typed. `None`: no such query.
pub async fn registry_query(
    store: &DynStore,
    writer: i64,
    query_id: Option<i64>,
    national_id: &str,
) -> StoreResult<Option<QueryRecord>> {
    let Some(id) = query_id else { return Ok(None) };
    Ok(store.query(id).await?.filter(|q| q.operator_id == writer && q.national_id == national_id))
}

/// Whether the slip's sending side may see registry data on it (see [`registry_query`]).
pub async fn registry_visible(store: &DynStore, slip: &SlipRecord) -> StoreResult<bool> {
    Ok(registry_query(store, slip.created_by, slip.query_id, &slip.national_id).await?.is_some())
}
