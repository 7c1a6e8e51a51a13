//! What sign-in, the password change and "who am I" exchange with the pages, and what they refuse.

use serde::{Deserialize, Serialize};

use super::{PasswordProblem, Role, UnitView};

/// The signed-in account as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit: UnitView,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    pub password_expired: bool,
    /// The account must acknowledge the notice on official use and personal data (五(二)1、九)
    /// before anything else: never did, or a year ago (`domain::acknowledgement`).
    pub acknowledgement_due: bool,
}

impl Me {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn restricted(&self) -> bool {
        self.must_change_password || self.password_expired
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginOutcome {
    /// The account must change its password before anything else.
    pub must_change_password: bool,
    /// Then (or else) it must acknowledge the notice (`/acknowledge`).
    pub acknowledgement_due: bool,
}

/// The key the browser seals this account's unsent audit answers with: hex, for the signed-in
/// account only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineKey {
    pub account_id: i64,
    pub key_hex: String,
}

/// What sign-in and the password change refuse (beyond a wrong password, a lock or too many
/// attempts, which have their own answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum AuthProblem {
    /// The employee number or the password is blank.
    MissingCredentials,
    /// The account's unit is inactive.
    UnitInactive,
    /// The one-time password was not used within 24 hours.
    OneTimeExpired,
    /// The new password and its confirmation differ.
    PasswordsDiffer,
    /// The current password is wrong (password change).
    CurrentPasswordWrong,
    /// The new password breaks the policy.
    Password(PasswordProblem),
    /// Changed less than `days` ago.
    TooSoon { days: i64 },
    /// One of the last `count` passwords.
    Reused { count: usize },
}

/// How long the session lasts without activity (the idle timeout), as the server's stored
/// deadline says now; the page warns before it ends (#39).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTime {
    /// Seconds until the session ends unless something is done (0: ended).
    pub remaining_secs: i64,
    /// The idle timeout, in seconds.
    pub idle_secs: i64,
}

/// The page warns this many seconds before the idle timeout.
pub const WARN_BEFORE_SECS: i64 = 120;
