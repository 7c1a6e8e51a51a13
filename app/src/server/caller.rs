//! What every use case in `server/` takes first and answers last: the [`Caller`] (the signed-in
//! account as checked on this request, and where it calls from), and the [`Failure`] of a use
//! case — its own typed problem, or one of the refusals every use case shares. The api layer maps
//! a `Failure` onto the wire in one place (`From<Failure<E>> for ApiError`); denials are written
//! to the trail by the use case itself, before it answers `Forbidden`.

use std::net::IpAddr;

use super::auth::Actor;
use super::state::AppState;
use super::store::StoreError;
use super::trail::{TrailAction, TrailDraft};
use crate::domain::problem::Problem;
use crate::error::ApiError;

/// Who asks, from where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub ip: Option<IpAddr>,
}

impl Caller {
    pub fn new(actor: Actor, ip: Option<IpAddr>) -> Self {
        Self { actor, ip }
    }

    /// A successful trail event by the caller from the caller's address.
    pub fn trail(&self, action: TrailAction) -> TrailDraft {
        use super::trail::Outcome;
        TrailDraft::new(action, Outcome::Success).actor(Some(self.actor.trail_ref())).ip(self.ip.map(|i| i.to_string()))
    }

    /// Write the denial of `endpoint` to the trail (`reason` is a code, never a sentence) and
    /// answer [`Failure::Forbidden`].
    pub async fn deny<E>(&self, state: &AppState, endpoint: &str, reason: &str) -> Failure<E> {
        super::authz::deny(state, Some(&self.actor), self.ip, endpoint, reason).await;
        Failure::Forbidden
    }
}

/// Why a use case did not do what was asked.
#[derive(Debug)]
pub enum Failure<E> {
    /// The request cannot be done as asked: the use case's own problem, shown to the person.
    Problem(E),
    /// The caller may not (the denial is in the trail).
    Forbidden,
    /// Nothing of that id, or nothing the caller may know of.
    NotFound,
    /// Too many attempts (the denial is in the trail).
    RateLimited,
    /// The caller must change the password before doing this (the denial is in the trail).
    PasswordChangeRequired,
    /// The store or another part of the server failed; logged, never shown.
    Internal(String),
}

impl<E> Failure<E> {
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Failure::Internal(e.to_string())
    }

    /// The failure of another use case this one called, as this one's: that use case's own
    /// problem cannot reach this caller's person, so it is an internal error here.
    pub fn retype<F>(self) -> Failure<F>
    where
        E: std::fmt::Debug,
    {
        match self {
            Failure::Problem(p) => Failure::Internal(format!("{p:?}")),
            Failure::Forbidden => Failure::Forbidden,
            Failure::NotFound => Failure::NotFound,
            Failure::RateLimited => Failure::RateLimited,
            Failure::PasswordChangeRequired => Failure::PasswordChangeRequired,
            Failure::Internal(e) => Failure::Internal(e),
        }
    }
}

impl<E> From<StoreError> for Failure<E> {
    fn from(e: StoreError) -> Self {
        Failure::Internal(e.to_string())
    }
}

impl<E: Into<Problem>> From<Failure<E>> for ApiError {
    fn from(f: Failure<E>) -> Self {
        match f {
            Failure::Problem(p) => ApiError::Invalid(p.into()),
            Failure::Forbidden => ApiError::Forbidden,
            Failure::NotFound => ApiError::NotFound,
            Failure::RateLimited => ApiError::RateLimited,
            Failure::PasswordChangeRequired => ApiError::PasswordChangeRequired,
            Failure::Internal(e) => crate::error::internal(e),
        }
    }
}

/// `Err(Failure::Problem(p))`, for `return problem(…)`.
pub fn problem<T, E>(p: E) -> Result<T, Failure<E>> {
    Err(Failure::Problem(p))
}
