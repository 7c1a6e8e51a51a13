//! Passwords, sign-in and the session's view of who is calling.

use argon2::{
    password_hash::{PasswordHasher, PasswordVerifier},
    Algorithm, Argon2, Params, Version,
};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use tower_sessions::Session;

use super::store::{AccountRecord, StoreError};
use super::trail::{ActorRef, Outcome, TrailAction, TrailDraft};
use super::AppState;
use crate::domain::acknowledgement::Acknowledgement;
use crate::domain::auth::{AuthProblem, LoginOutcome, Me};
use crate::domain::{EmployeeNo, PasswordPolicy, Role};

pub const SESSION_KEY: &str = "auth";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("unknown account or wrong password")]
    BadCredentials,
    #[error("account locked until {0}")]
    Locked(DateTime<Utc>),
    #[error("too many attempts from this address")]
    RateLimited,
    #[error("the account's unit is inactive")]
    UnitInactive,
    #[error("the one-time password has expired unused")]
    OneTimeExpired,
    #[error("password rejected: {0:?}")]
    Rejected(AuthProblem),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("session error: {0}")]
    Session(String),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

fn hasher() -> Argon2<'static> {
    // OWASP: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// One permit per core: argon2 runs (19 MiB and ~all of a core each) never take more than the
/// machine's cores, however many sign-ins arrive at once; the rest wait their turn in arrival
/// order (tokio's semaphore is fair), and look-ups of signed-in clerks keep a share of the CPU.
pub fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        tokio::sync::Semaphore::new(cores)
    })
}

/// The most argon2 runs at once (one per core).
pub fn hashing_capacity() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// Passwords longer than this are refused unhashed (the policy's own limit is far below).
pub const MAX_PASSWORD_BYTES: usize = 1024;

async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, AuthError> {
    let _permit = hashing_permits().acquire().await.map_err(|e| AuthError::Hash(e.to_string()))?;
    tokio::task::spawn_blocking(work).await.map_err(|e| AuthError::Hash(e.to_string()))
}

/// Hash on the blocking pool (argon2 is deliberately slow), one run per core at most.
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    hashing(move || {
        hasher().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| AuthError::Hash(e.to_string()))
    })
    .await?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    hashing(move || hasher().verify_password(password.as_bytes(), hash.as_str()).is_ok()).await.unwrap_or(false)
}

/// A hash verified against when the account does not exist, so that an unknown account takes
/// as long as a wrong password.
async fn dummy_hash() -> String {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return h.clone();
    }
    let h = hash_password("unknown-account-dummy-Pw1".into()).await.unwrap_or_default();
    DUMMY.get_or_init(|| h).clone()
}

/// A one-time password that satisfies the policy: 16 characters from an unambiguous alphabet,
/// with an upper-case letter, a lower-case letter and a digit guaranteed.
pub fn generate_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    let mut rng = rand::rng();
    let all: Vec<u8> = [UPPER, LOWER, DIGIT].concat();
    let mut chars: Vec<u8> = (0..13).map(|_| all[rng.random_range(0..all.len())]).collect();
    for set in [UPPER, LOWER, DIGIT] {
        let pos = rng.random_range(0..=chars.len());
        chars.insert(pos, set[rng.random_range(0..set.len())]);
    }
    String::from_utf8(chars).unwrap_or_default()
}

/// What the session holds about the signed-in account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionAuth {
    pub account_id: i64,
    pub session_version: i64,
    pub signed_in_at: DateTime<Utc>,
    /// The account's last acknowledgement of the notice (五(二)1、九) as this session knows it:
    /// while it covers today's notice no request reads the store for it (see
    /// `acknowledgement::due`). Absent in sessions from before it was kept.
    #[serde(default)]
    pub acknowledged: Option<Acknowledgement>,
}

/// The caller of a request, as checked against the database on this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub employee_no: String,
    pub name: String,
    pub unit_id: i64,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    pub password_expired: bool,
    /// The notice on official use and personal data (五(二)1、九) must be acknowledged before
    /// anything else (`server::acknowledgement`).
    pub acknowledgement_due: bool,
}

impl Actor {
    /// The caller as the account stands now. The acknowledgement counts as due until the one
    /// who reads it ([`current_actor`], [`sign_in`]) says otherwise.
    pub fn from_account(account: &AccountRecord, policy: &PasswordPolicy, now: DateTime<Utc>) -> Self {
        Self {
            account_id: account.id,
            employee_no: account.employee_no.clone(),
            name: account.name.clone(),
            unit_id: account.unit_id,
            roles: account.roles.clone(),
            must_change_password: account.must_change_password,
            password_expired: password_expired(policy, account, now),
            acknowledgement_due: true,
        }
    }
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
    pub fn trail_ref(&self) -> ActorRef {
        ActorRef {
            id: self.account_id,
            employee_no: self.employee_no.clone(),
            roles: self.roles.clone(),
            unit_id: self.unit_id,
        }
    }
    /// Whether the account may only change its password (or sign out) until it does.
    pub fn restricted(&self) -> bool {
        self.must_change_password || self.password_expired
    }
}

pub fn password_expired(policy: &PasswordPolicy, account: &AccountRecord, now: DateTime<Utc>) -> bool {
    now - account.password_changed_at > ChronoDuration::days(policy.max_age_days)
}

/// Load the caller from the session; a session whose account was disabled, whose version is
/// stale (password or role change elsewhere), or which outlived the absolute timeout is ended.
pub async fn current_actor(state: &AppState, session: &Session) -> Result<Option<Actor>, AuthError> {
    let auth: Option<SessionAuth> = session.get(SESSION_KEY).await.map_err(|e| AuthError::Session(e.to_string()))?;
    let Some(auth) = auth else { return Ok(None) };
    let now = Utc::now();
    let absolute = ChronoDuration::from_std(state.auth.absolute_timeout).unwrap_or(ChronoDuration::hours(10));
    let account = state.store.account(auth.account_id).await?;
    let valid = match &account {
        Some(a) => !a.disabled && a.session_version == auth.session_version && now - auth.signed_in_at <= absolute,
        None => false,
    };
    let Some(account) = account.filter(|_| valid) else {
        // A dead session grants nothing from here on (every request re-checks the account and
        // the version). It is not flushed here: during a streamed page several resources ask at
        // once, and a flush racing the session layer's save answered 500.
        return Ok(None);
    };
    let mut actor = Actor::from_account(&account, &state.auth.policy, now);
    actor.acknowledgement_due =
        super::acknowledgement::due(state, account.id, auth.acknowledged.as_ref(), state.clock.now()).await?;
    Ok(Some(actor))
}

/// Remember the account's acknowledgement of the notice in the session (the id is kept: the
/// account's rights do not grow by it).
pub(crate) async fn remember_acknowledgement(session: &Session, ack: &Acknowledgement) -> Result<(), AuthError> {
    let mut auth: SessionAuth = session
        .get(SESSION_KEY)
        .await
        .map_err(|e| AuthError::Session(e.to_string()))?
        .ok_or_else(|| AuthError::Session("no session".into()))?;
    auth.acknowledged = Some(ack.clone());
    session.insert(SESSION_KEY, auth).await.map_err(|e| AuthError::Session(e.to_string()))
}

/// A refused sign-in of a known account, in the trail.
async fn deny_login(
    state: &AppState,
    actor: Option<super::trail::ActorRef>,
    ip: Option<String>,
    details: serde_json::Value,
) -> Result<(), AuthError> {
    state
        .store
        .append_trail(TrailDraft::new(TrailAction::AuthLogin, Outcome::Denied).actor(actor).ip(ip).details(details))
        .await?;
    Ok(())
}

/// How long a one-time password (a new account's, a reset's) signs in before it expires unused.
pub const ONE_TIME_VALID_HOURS: i64 = 24;

/// When a one-time password was issued at `now`, it stops working at this time.
pub fn one_time_until(now: DateTime<Utc>) -> DateTime<Utc> {
    now + ChronoDuration::hours(ONE_TIME_VALID_HOURS)
}

/// Whether the account still holds an unused one-time password that has expired. A one-time
/// password records its end; one without (demo accounts, and those issued before the end was
/// recorded) ends 24 hours after it was set — except on a demo server (`YINJIAN_DEMO`), so that
/// a `make run` demo still signs in the next day.
pub fn one_time_expired(account: &AccountRecord, demo: bool, now: DateTime<Utc>) -> bool {
    if !account.must_change_password {
        return false;
    }
    match account.one_time_until {
        Some(until) => now >= until,
        None => !demo && now >= one_time_until(account.password_changed_at),
    }
}

/// Sign-in as the page asks for it: both fields filled in, then [`sign_in`].
pub async fn login(
    state: &AppState,
    session: &Session,
    employee_no: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<LoginOutcome, AuthError> {
    if employee_no.trim().is_empty() || password.is_empty() {
        return Err(AuthError::Rejected(AuthProblem::MissingCredentials));
    }
    let actor = sign_in(state, session, employee_no, password, ip).await?;
    Ok(LoginOutcome { must_change_password: actor.restricted(), acknowledgement_due: actor.acknowledgement_due })
}

/// The password change as the page asks for it: the new password typed twice alike, then
/// [`change_password`].
pub async fn change_own_password(
    state: &AppState,
    session: &Session,
    actor: &Actor,
    passwords: (String, String, String),
    ip: Option<String>,
) -> Result<(), AuthError> {
    let (current, new, confirm) = passwords;
    if new != confirm {
        return Err(AuthError::Rejected(AuthProblem::PasswordsDiffer));
    }
    change_password(state, session, actor, current, new, ip).await
}

/// Who is signed in on this request, as the pages see it (`None`: nobody).
pub async fn me(state: &AppState, actor: Option<Actor>) -> Result<Option<Me>, AuthError> {
    let Some(actor) = actor else { return Ok(None) };
    let unit = state.store.unit(actor.unit_id).await?.ok_or(StoreError::NotFound("unit"))?;
    Ok(Some(Me {
        account_id: actor.account_id,
        employee_no: actor.employee_no,
        name: actor.name,
        unit,
        roles: actor.roles,
        must_change_password: actor.must_change_password,
        password_expired: actor.password_expired,
        acknowledgement_due: actor.acknowledgement_due,
    }))
}

/// How the api answers a sign-in or password failure: the typed refusals as problems, the rest
/// as their own answers; a store or hashing failure is logged, never shown.
impl From<AuthError> for crate::error::ApiError {
    fn from(e: AuthError) -> Self {
        use crate::error::ApiError;
        match e {
            AuthError::BadCredentials => ApiError::BadCredentials,
            AuthError::Locked(until) => ApiError::Locked(crate::domain::roc_datetime(until)),
            AuthError::RateLimited => ApiError::RateLimited,
            AuthError::UnitInactive => ApiError::Invalid(AuthProblem::UnitInactive.into()),
            AuthError::OneTimeExpired => ApiError::Invalid(AuthProblem::OneTimeExpired.into()),
            AuthError::Rejected(p) => ApiError::Invalid(p.into()),
            e => crate::error::internal(e),
        }
    }
}

/// Check credentials, count failures and lock, then bind the session (with a new id).
///
/// `employee_no` is what the person typed. It is parsed before anything touches the store: one
/// that does not parse is refused and only counted in the anonymous denial summary (its text is
/// never stored: it may be a password typed into the wrong field); one that parses but names no
/// account is counted there too, the parsed number kept as a bounded sample. Neither writes a
/// row per attempt, so a flood of sign-ins grows the trail by a bounded number of rows.
pub async fn sign_in(
    state: &AppState,
    session: &Session,
    employee_no: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<Actor, AuthError> {
    const PATH: &str = "/api/auth/login";
    if let Some(ip) = ip {
        // per address (IPv6: per /64) and minute, counted in the database: shared by every instance
        let minute = Utc::now().timestamp().div_euclid(60) * 60;
        let key = format!("login:{}", super::denials::client_key(ip));
        let hits = state.store.hit_rate(&key, minute, minute - 120).await?;
        if hits > i64::from(state.auth.login_per_minute.max(1)) {
            // counted per client and window, not a row per attempt (see `denials`)
            state.denials.record(&state.store, Some(ip), PATH, "login_rate_limited").await;
            return Err(AuthError::RateLimited);
        }
    }
    // A client past the anonymous-denial limit is refused before anything else, whatever it
    // names: answering a known account differently from an unknown one would tell them apart.
    if state.denials.is_throttled(ip, Utc::now()) {
        state.denials.record(&state.store, ip, PATH, "throttled").await;
        return Err(AuthError::RateLimited);
    }
    let parsed = EmployeeNo::parse(employee_no).ok().filter(|_| password.len() <= MAX_PASSWORD_BYTES);
    let Some(employee_no) = parsed else {
        if state.denials.record(&state.store, ip, PATH, "malformed_credentials").await {
            return Err(AuthError::RateLimited);
        }
        return Err(AuthError::BadCredentials);
    };
    let ip_s = ip.map(|i| i.to_string());
    let now = Utc::now();
    let account = state.store.account_by_employee_no(employee_no.as_str()).await?;
    let Some(account) = account else {
        let _ = verify_password(password, dummy_hash().await).await;
        if state.denials.record_for(&state.store, ip, PATH, "unknown_account", Some(&employee_no)).await {
            return Err(AuthError::RateLimited);
        }
        return Err(AuthError::BadCredentials);
    };
    let mut actor = Actor::from_account(&account, &state.auth.policy, now);
    let actor_ref = Some(actor.trail_ref());
    if let Some(until) = account.locked_until.filter(|u| *u > now) {
        let _ = verify_password(password, dummy_hash().await).await;
        // the lock itself is in the trail (`auth.lockout`); attempts while it holds are counted
        // like other anonymous denials, not a row each (anyone may knock on a known account)
        if state.denials.record_for(&state.store, ip, PATH, "locked", Some(&employee_no)).await {
            return Err(AuthError::RateLimited);
        }
        return Err(AuthError::Locked(until));
    }
    let ok = verify_password(password, account.password_hash.clone()).await;
    if !ok || account.disabled {
        let policy = &state.auth.policy;
        let lock_until = now + ChronoDuration::minutes(policy.lockout_minutes);
        let reason = if account.disabled { "disabled" } else { "wrong_password" };
        let outcome = state
            .store
            .record_login_failure(
                account.id,
                i64::from(policy.max_failures),
                lock_until,
                TrailDraft::new(TrailAction::AuthLogin, Outcome::Failure)
                    .actor(actor_ref.clone())
                    .ip(ip_s.clone())
                    .details(serde_json::json!({ "reason": reason })),
                TrailDraft::new(TrailAction::AuthLockout, Outcome::Success)
                    .actor(actor_ref)
                    .ip(ip_s)
                    .object("account", account.id)
                    .details(serde_json::json!({ "locked_until": lock_until, "minutes": policy.lockout_minutes })),
            )
            .await?;
        if outcome.locked {
            return Err(AuthError::Locked(lock_until));
        }
        return Err(AuthError::BadCredentials);
    }
    // an inactive unit's accounts do not sign in (told only after the right password)
    if !state.store.unit(account.unit_id).await?.is_some_and(|u| u.active) {
        deny_login(state, actor_ref, ip_s, serde_json::json!({ "reason": "unit_inactive" })).await?;
        return Err(AuthError::UnitInactive);
    }
    // a one-time password left unused for a day no longer signs in (told after the right one)
    if one_time_expired(&account, state.auth.demo, now) {
        deny_login(state, actor_ref, ip_s, serde_json::json!({ "reason": "one_time_password_expired" })).await?;
        return Err(AuthError::OneTimeExpired);
    }
    // Count the success first, atomically with the lock: a lock set meanwhile by parallel wrong
    // guesses wins over a correct one.
    let counted = state
        .store
        .record_login_success(
            account.id,
            now,
            TrailDraft::new(TrailAction::AuthLogin, Outcome::Success).actor(actor_ref.clone()).ip(ip_s.clone()),
        )
        .await?;
    if !counted {
        let until = state.store.account(account.id).await?.and_then(|a| a.locked_until).unwrap_or(now);
        deny_login(state, actor_ref, ip_s, serde_json::json!({ "reason": "locked", "locked_until": until })).await?;
        return Err(AuthError::Locked(until));
    }
    // whether the notice (五(二)1、九) is to be acknowledged first, by the application's clock
    let acknowledged = super::acknowledgement::standing(state, account.id, state.clock.now()).await?;
    actor.acknowledgement_due = acknowledged.is_none();
    // Rotate the session id at sign-in (session fixation), then bind it.
    session.cycle_id().await.map_err(|e| AuthError::Session(e.to_string()))?;
    let auth = SessionAuth {
        account_id: account.id,
        session_version: account.session_version,
        signed_in_at: now,
        acknowledged,
    };
    session.insert(SESSION_KEY, auth).await.map_err(|e| AuthError::Session(e.to_string()))?;
    Ok(actor)
}

/// Change the caller's own password. Every other session of the account ends; this one goes
/// on under a new id.
pub async fn change_password(
    state: &AppState,
    session: &Session,
    actor: &Actor,
    current: String,
    new: String,
    ip: Option<String>,
) -> Result<(), AuthError> {
    let policy = &state.auth.policy;
    let account = state.store.account(actor.account_id).await?.ok_or(AuthError::BadCredentials)?;
    if !verify_password(current, account.password_hash.clone()).await {
        state
            .store
            .append_trail(
                TrailDraft::new(TrailAction::AuthPasswordChange, Outcome::Failure)
                    .actor(Some(actor.trail_ref()))
                    .ip(ip)
                    .details(serde_json::json!({ "reason": "wrong_current_password" })),
            )
            .await?;
        return Err(AuthError::Rejected(AuthProblem::CurrentPasswordWrong));
    }
    let problems = policy.check(&new, &account.employee_no, &account.name);
    if let Some(p) = problems.first() {
        return Err(AuthError::Rejected(AuthProblem::Password(*p)));
    }
    let now = Utc::now();
    // forced: first sign-in, reset or expiry — or an acknowledged hand-over (六(二)): the incoming
    // account manager must change the password before any manager action, however recent the last change
    let forced = actor.restricted() || state.store.pending_handover_password(account.id).await?.is_some();
    if !forced && now - account.password_changed_at < ChronoDuration::days(policy.min_age_days) {
        return Err(AuthError::Rejected(AuthProblem::TooSoon { days: policy.min_age_days }));
    }
    for old in state.store.password_history(account.id, policy.history as i64).await? {
        if verify_password(new.clone(), old).await {
            return Err(AuthError::Rejected(AuthProblem::Reused { count: policy.history }));
        }
    }
    let hash = hash_password(new).await?;
    let version = state
        .store
        .set_password(
            account.id,
            &hash,
            false,
            now,
            TrailDraft::new(TrailAction::AuthPasswordChange, Outcome::Success)
                .actor(Some(actor.trail_ref()))
                .ip(ip)
                .object("account", account.id)
                .details(serde_json::json!({ "forced": forced })),
        )
        .await?;
    let mut auth: SessionAuth = session
        .get(SESSION_KEY)
        .await
        .map_err(|e| AuthError::Session(e.to_string()))?
        .ok_or_else(|| AuthError::Session("no session".into()))?;
    auth.session_version = version;
    session.cycle_id().await.map_err(|e| AuthError::Session(e.to_string()))?;
    session.insert(SESSION_KEY, auth).await.map_err(|e| AuthError::Session(e.to_string()))?;
    Ok(())
}

/// The key an account's browser seals its unsent audit answers with (AES-256-GCM, WebCrypto),
/// issued to the signed-in account only: derived from the trail key and the account, so the same
/// person's next sign-in gets it again (and decrypts and sends what waited) while no other
/// account can read or send them. Never stored in the browser.
/// [`offline_key`] of the signed-in account, in hex for the page.
pub fn offline_key_of(state: &AppState, actor: &Actor) -> crate::domain::auth::OfflineKey {
    let key = offline_key(&state.trail_key, actor.account_id);
    crate::domain::auth::OfflineKey {
        account_id: actor.account_id,
        key_hex: key.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

pub fn offline_key(trail_key: &[u8], account_id: i64) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(trail_key).expect("HMAC takes any key length");
    mac.update(format!("yinjian offline audit answers\n{account_id}").as_bytes());
    mac.finalize().into_bytes().into()
}

/// The session's stored idle deadline, as the background router's session layer read it
/// (`server/src/web.rs`): reading it is not activity and does not move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionDeadline(pub DateTime<Utc>);

/// What is left of the session at `now`, from its stored deadline (none read: the full idle
/// time, as a request just saved it).
pub fn session_time(
    state: &AppState,
    deadline: Option<SessionDeadline>,
    now: DateTime<Utc>,
) -> crate::domain::auth::SessionTime {
    let idle = state.auth.idle_timeout.as_secs() as i64;
    let remaining = deadline.map(|d| (d.0 - now).num_seconds().clamp(0, idle)).unwrap_or(idle);
    crate::domain::auth::SessionTime { remaining_secs: remaining, idle_secs: idle }
}

pub async fn sign_out(
    state: &AppState,
    session: &Session,
    actor: Option<&Actor>,
    ip: Option<String>,
) -> Result<(), AuthError> {
    if let Some(actor) = actor {
        state
            .store
            .append_trail(
                TrailDraft::new(TrailAction::AuthLogout, Outcome::Success).actor(Some(actor.trail_ref())).ip(ip),
            )
            .await?;
    }
    session.flush().await.map_err(|e| AuthError::Session(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_meet_the_policy() {
        let policy = PasswordPolicy::default();
        for _ in 0..200 {
            let p = generate_password();
            assert_eq!(p.len(), 16);
            assert!(policy.check(&p, "A10001", "王小明").is_empty(), "{p}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn hashing_never_takes_more_than_the_cores() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (now, max) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let tasks: Vec<_> = (0..4 * hashing_capacity() + 4)
            .map(|_| {
                let (now, max) = (now.clone(), max.clone());
                tokio::spawn(hashing(move || {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(30));
                    now.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let max = max.load(Ordering::SeqCst);
        assert!(max <= hashing_capacity(), "{max} at once on {} cores", hashing_capacity());
        assert!(max >= 1);
    }

    #[test]
    fn offline_keys_differ_per_account_and_stay() {
        let k = b"trail-key-0123456789abcdef0123456789";
        assert_eq!(offline_key(k, 7), offline_key(k, 7));
        assert_ne!(offline_key(k, 7), offline_key(k, 8));
        assert_ne!(offline_key(k, 7), offline_key(b"another-trail-key-0123456789abcdef", 7));
    }

    #[test]
    fn a_one_time_password_expires_after_a_day_unused() {
        use crate::server::store::AccountRecord;
        let now = Utc::now();
        let account = |must_change: bool, set: DateTime<Utc>, until: Option<DateTime<Utc>>| AccountRecord {
            id: 1,
            employee_no: "C1".into(),
            name: "n".into(),
            unit_id: 1,
            email: String::new(),
            phone: String::new(),
            password_hash: String::new(),
            password_changed_at: set,
            must_change_password: must_change,
            failed_attempts: 0,
            locked_until: None,
            disabled: false,
            disabled_at: None,
            disabled_reason: None,
            session_version: 1,
            created_at: set,
            last_login_at: None,
            one_time_until: until,
            roles: vec![],
        };
        let h = ChronoDuration::hours;
        // issued with its end
        assert!(!one_time_expired(&account(true, now - h(23), Some(one_time_until(now - h(23)))), false, now));
        assert!(one_time_expired(&account(true, now - h(25), Some(one_time_until(now - h(25)))), false, now));
        // a password the person chose never expires this way
        assert!(!one_time_expired(&account(false, now - h(500), None), false, now));
        // without an end (demo accounts, older ones): a day, except on a demo server
        assert!(one_time_expired(&account(true, now - h(25), None), false, now));
        assert!(!one_time_expired(&account(true, now - h(25), None), true, now));
        // an end recorded holds on a demo server too
        assert!(one_time_expired(&account(true, now - h(25), Some(one_time_until(now - h(25)))), true, now));
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash_password("Correct-Horse-9".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("Correct-Horse-9".into(), h.clone()).await);
        assert!(!verify_password("Correct-Horse-8".into(), h).await);
    }
}
