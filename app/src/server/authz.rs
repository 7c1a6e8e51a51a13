//! Authorisation: the policy of each endpoint (see `api::POLICY`), checked on the server.
//! Every denial of a signed-in account is an audit event; those of anonymous callers and of
//! unknown paths are counted into summary events (see `denials`).

use tower_sessions::Session;

use super::audit::{AuditDraft, Outcome};
use super::auth::{current_actor, Actor};
use super::AppState;
use crate::api::{policy, Access, ApiError};

pub async fn authorize(
    state: &AppState,
    session: &Session,
    path: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<Option<Actor>, ApiError> {
    let actor = current_actor(state, session).await.map_err(crate::api::internal)?;
    let decision = match policy(path) {
        None => Err(("no_policy", ApiError::Forbidden)),
        Some(Access::Public) => Ok(()),
        Some(_) if actor.is_none() => Err(("not_signed_in", ApiError::NotSignedIn)),
        Some(Access::SignedIn) => Ok(()),
        Some(Access::Roles(roles)) => {
            let a = actor.as_ref().expect("checked above");
            if a.restricted() {
                Err(("password_change_required", ApiError::PasswordChangeRequired))
            } else if roles.iter().any(|r| a.has(*r)) {
                Ok(())
            } else {
                Err(("role", ApiError::Forbidden))
            }
        }
    };
    match decision {
        Ok(()) => Ok(actor),
        // nobody to hold to it (not signed in, or no such endpoint): counted, not a row each
        Err((reason, err)) if actor.is_none() || reason == "no_policy" => {
            let ip = ip.map(|i| i.to_string());
            if state.denials.record(&state.store, ip.as_deref(), path, reason).await {
                return Err(ApiError::RateLimited);
            }
            Err(err)
        }
        Err((reason, err)) => {
            deny(state, actor.as_ref(), ip, path, reason).await;
            Err(err)
        }
    }
}

/// Record a denied authorisation (also used by api functions for scope denials).
pub async fn deny(state: &AppState, actor: Option<&Actor>, ip: Option<std::net::IpAddr>, path: &str, reason: &str) {
    let draft = AuditDraft::new("authz.denied", Outcome::Denied)
        .actor(actor.map(Actor::audit_ref))
        .ip(ip.map(|i| i.to_string()))
        .details(serde_json::json!({ "path": path, "reason": reason }));
    if let Err(e) = state.store.append_audit(draft).await {
        tracing::error!(error = %e, "could not record a denied authorisation");
    }
}
