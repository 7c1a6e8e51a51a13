//! The liaison slip's rules that need no HTTP: which side of a slip an account is on.

use chrono::{DateTime, Utc};

use super::auth::Actor;
use super::authz::acts_as_supervisor;
use super::store::{DynStore, SlipRecord, StoreResult};
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
