//! The notice on official use and personal data (作業規定五(二)1、九): every account
//! acknowledges it at its first sign-in and again once a year (by the application's clock), and
//! until it does the server refuses every endpoint but signing out, the password change and the
//! acknowledgement itself (`authz::authorize`, like the forced password change). The pages lead
//! there (`/acknowledge`) after sign-in and after a forced password change; the server does not
//! mind the order. Each acknowledgement is a row of its own (never changed) with its trail row,
//! written in one transaction; the register (附件四's page) shows each account's last one.
//!
//! The notice is the text of `i18n::NOTICE` in both languages: its SHA-256 is recorded with each
//! acknowledgement, and an acknowledgement of another text does not count, so rewording the
//! notice asks everyone again.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::caller::{Caller, Failure};
use super::state::AppState;
use super::store::{NewAcknowledgement, StoreResult};
use super::trail::TrailAction;
use crate::domain::acknowledgement::{self, Acknowledgement, Notice, NoticeHash, CURRENT_NOTICE_VERSION};
use crate::domain::auth::AuthProblem;
use crate::i18n::{Locale, NOTICE};

type Outcome<T> = Result<T, Failure<AuthProblem>>;

/// The notice the pages show today: its version and the SHA-256 of its words (zh-TW, then
/// English, one message a line).
pub fn current_notice() -> &'static Notice {
    static CURRENT: OnceLock<Notice> = OnceLock::new();
    CURRENT.get_or_init(|| {
        let mut h = Sha256::new();
        for locale in [Locale::ZhTw, Locale::En] {
            for m in NOTICE {
                h.update(m.text(locale).as_bytes());
                h.update(b"\n");
            }
        }
        let hash = NoticeHash::parse(&hex::encode(h.finalize())).expect("SHA-256 in lower-case hex is a notice hash");
        Notice { version: CURRENT_NOTICE_VERSION, hash }
    })
}

/// Whether the account must acknowledge the notice before anything else at `now`. The session's
/// copy of its last acknowledgement answers when it covers the notice (no read: acknowledgements
/// are never changed or deleted); otherwise the store does, so an acknowledgement made in
/// another session counts too.
pub async fn due(
    state: &AppState,
    account_id: i64,
    in_session: Option<&Acknowledgement>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let notice = current_notice();
    if in_session.is_some_and(|a| a.account_id == account_id && a.covers(notice, now)) {
        return Ok(false);
    }
    let last = state.store.last_acknowledgement(account_id).await?;
    Ok(acknowledgement::due(last.as_ref(), notice, now))
}

/// The account's last acknowledgement if it covers today's notice at `now` (for the session).
pub async fn standing(state: &AppState, account_id: i64, now: DateTime<Utc>) -> StoreResult<Option<Acknowledgement>> {
    let last = state.store.last_acknowledgement(account_id).await?;
    Ok(last.filter(|a| a.covers(current_notice(), now)))
}

/// The caller acknowledges today's notice: a row and its trail row (`auth.acknowledge`) in one
/// transaction, remembered in the session. When the last acknowledgement still covers the
/// notice nothing new is recorded (a second click, another tab).
pub async fn acknowledge(state: &AppState, session: &Session, caller: &Caller) -> Outcome<Acknowledgement> {
    let (actor, now, notice) = (&caller.actor, state.clock.now(), current_notice());
    let ack = match standing(state, actor.account_id, now).await? {
        Some(a) => a,
        None => {
            let new = NewAcknowledgement {
                account_id: actor.account_id,
                notice: notice.clone(),
                client_ip: caller.ip.map(|i| i.to_string()),
                now,
            };
            let trail = caller.trail(TrailAction::AuthAcknowledge).details(serde_json::json!({
                "notice_version": notice.version.get(),
                "notice_hash": notice.hash.as_str(),
                "acknowledged_at": now,
            }));
            let id = state.store.record_acknowledgement(&new, trail).await?;
            Acknowledgement {
                id,
                account_id: actor.account_id,
                acknowledged_at: now,
                notice: notice.clone(),
                client_ip: new.client_ip,
            }
        }
    };
    super::auth::remember_acknowledgement(session, &ack).await.map_err(Failure::internal)?;
    Ok(ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_hash_is_of_its_words_in_both_languages() {
        let n = current_notice();
        assert_eq!(n.version, CURRENT_NOTICE_VERSION);
        assert_eq!(n.hash.as_str().len(), 64);
        let mut h = Sha256::new();
        for m in NOTICE {
            h.update(m.text(Locale::ZhTw).as_bytes());
            h.update(b"\n");
        }
        assert_ne!(n.hash.as_str(), hex::encode(h.finalize()), "the English words count too");
    }
}
