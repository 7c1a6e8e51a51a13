use std::{net::IpAddr, sync::Arc, time::Duration};

use super::scan::Scanner;
use super::store::DynStore;
use super::uploads::UploadLimits;
use crate::domain::PasswordPolicy;

/// Settings that shape sign-in and sessions.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub policy: PasswordPolicy,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
    /// Secure cookies (`__Host-` prefix) and HSTS: exactly when the public origin is https.
    pub secure: bool,
    /// Sign-in attempts per client IP per minute (counted in the database, so shared by every
    /// instance on it).
    pub login_per_minute: u32,
    /// A demo server (`YINJIAN_DEMO`): the demo accounts' one-time passwords do not expire.
    pub demo: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            policy: PasswordPolicy::default(),
            idle_timeout: Duration::from_secs(15 * 60),
            absolute_timeout: Duration::from_secs(10 * 3600),
            secure: false,
            login_per_minute: 30,
            demo: false,
        }
    }
}

/// Shared by every request: handed to the api functions through the Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub store: DynStore,
    pub auth: Arc<AuthConfig>,
    /// Key of the trail chain's HMAC.
    pub trail_key: Arc<Vec<u8>>,
    /// Malware scanning of uploads (clamd), or disabled.
    pub scanner: Scanner,
    pub uploads: UploadLimits,
    /// Domains of official e-mail addresses (公務信箱) on account requests.
    pub email_domains: Arc<Vec<String>>,
    /// Accounts unused for longer than this many days are flagged in the quarterly review.
    pub idle_days: i64,
    pub liaison: LiaisonConfig,
    /// Anomaly thresholds of the monthly query report.
    pub report_thresholds: crate::domain::report::Thresholds,
    /// The time the rules see (the system clock, shifted in tests).
    pub clock: Clock,
    /// Denials of anonymous callers and unknown paths, counted (see `denials`).
    pub denials: Arc<super::denials::DenialLog>,
    /// Queries whose comparison is being submitted right now.
    pub submitting: Arc<InFlight>,
    /// The instance's health, measured at most once a second for `/healthz`.
    pub health: Arc<super::system::HealthCache>,
    /// The binary's version and commit (administrators see them; the public does not).
    pub build: super::system::BuildInfo,
}

/// Verification-code look-ups per account and minute (counted in the database, so shared by
/// every instance).
pub const VERIFY_PER_MINUTE: i64 = 20;

/// Ids being worked on; a claim is released when dropped.
#[derive(Debug, Default)]
pub struct InFlight(std::sync::Mutex<std::collections::HashSet<i64>>);

pub struct Claim<'a>(&'a InFlight, i64);

impl InFlight {
    /// Claim `id`, or `None` while another holds it.
    pub fn claim(&self, id: i64) -> Option<Claim<'_>> {
        let fresh = self.0.lock().unwrap_or_else(|p| p.into_inner()).insert(id);
        // (built only when claimed: a dropped Claim releases the id)
        fresh.then(|| Claim(self, id))
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.0 .0.lock().unwrap_or_else(|p| p.into_inner()).remove(&self.1);
    }
}

/// The application's clock: the system time plus an offset that only tests move, so a rule that
/// depends on the date (a month being over, an idle session) is tested without sleeping.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::milliseconds(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Move the clock forward (tests).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_ms.fetch_add(by.num_milliseconds(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Set the clock to `at` (tests).
    pub fn set(&self, at: chrono::DateTime<chrono::Utc>) {
        let off = (at - chrono::Utc::now()).num_milliseconds();
        self.offset_ms.store(off, std::sync::atomic::Ordering::Relaxed);
    }
}

/// How liaison slips travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiaisonConfig {
    /// A slip goes out only after the section chief (課(股)長: the unit's supervisor or delegate)
    /// approves it.
    pub approval_required: bool,
    /// The office replies within this many working days (the system's working-time calendar).
    pub reply_days: u32,
}

impl Default for LiaisonConfig {
    fn default() -> Self {
        Self { approval_required: false, reply_days: 3 }
    }
}

impl AppState {
    pub fn new(store: DynStore, auth: AuthConfig, trail_key: Arc<Vec<u8>>) -> Self {
        Self {
            store: store.clone(),
            auth: Arc::new(auth),
            trail_key,
            scanner: Scanner::disabled(),
            uploads: UploadLimits::default(),
            email_domains: Arc::new(
                crate::domain::forms::account_request::DEFAULT_EMAIL_DOMAINS.iter().map(|d| d.to_string()).collect(),
            ),
            idle_days: super::reviews::DEFAULT_IDLE_DAYS,
            liaison: LiaisonConfig::default(),
            report_thresholds: Default::default(),
            clock: Clock::default(),
            denials: Arc::new(super::denials::DenialLog::default()),
            submitting: Arc::default(),
            health: Arc::new(super::system::HealthCache::new(store.clone())),
            build: Default::default(),
        }
    }

    pub fn with_build(mut self, build: super::system::BuildInfo) -> Self {
        self.build = build;
        self
    }

    pub fn with_scanner(mut self, scanner: Scanner) -> Self {
        self.scanner = scanner;
        self
    }

    pub fn with_email_domains(mut self, domains: Vec<String>) -> Self {
        if !domains.is_empty() {
            self.email_domains = Arc::new(domains);
        }
        self
    }

    /// The idle period of the quarterly review (at least one day).
    pub fn with_idle_days(mut self, days: i64) -> Self {
        self.idle_days = days.max(1);
        self
    }

    pub fn with_liaison(mut self, liaison: LiaisonConfig) -> Self {
        self.liaison = LiaisonConfig { reply_days: liaison.reply_days.max(1), ..liaison };
        self
    }

    pub fn with_report_thresholds(mut self, t: crate::domain::report::Thresholds) -> Self {
        self.report_thresholds = t;
        self
    }

    pub fn with_upload_limits(mut self, limits: UploadLimits) -> Self {
        self.uploads = limits;
        self
    }
}

/// The client's address as the server trusts it (the peer, or the forwarded address when the
/// peer is a trusted proxy). Put into request extensions by the server's middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);
