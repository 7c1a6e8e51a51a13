//! Configuration: command-line flags with environment fallbacks.

use clap::{Args, Parser, Subcommand};
use std::{net::SocketAddr, path::PathBuf};

/// The trail key's variable before #38's rename (read for one release, with a warning).
pub const DEPRECATED_KEY_ENV: &str = "YINJIAN_SECRET_FILE";
/// The forwarding variables before #38's rename: (old, new).
pub const DEPRECATED_FORWARD_ENV: [(&str, &str); 2] =
    [("YINJIAN_AUDIT_FORWARD", "YINJIAN_TRAIL_FORWARD"), ("YINJIAN_AUDIT_FORWARD_SECS", "YINJIAN_TRAIL_FORWARD_SECS")];

#[derive(Debug, Parser)]
#[command(name = "yinjian", version = crate::VERSION, about = "印鑑比對系統 — Taipei seal comparison system")]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Database: sqlite://PATH (embedded default) or postgres://… ; the scheme picks the backend.
    /// With a password in it, give it in the environment, not as a flag (`ps` shows flags).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder for the SQLite database and the trail key when not given otherwise.
    #[arg(long, env = "YINJIAN_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Key of the trail chain's HMAC (generated with 0600 permissions on first start; default
    /// `DATA_DIR/trail.key`). `YINJIAN_SECRET_FILE`, its name before #38, is still read for
    /// one release, with a warning.
    #[arg(long, env = "YINJIAN_TRAIL_KEY_FILE", global = true)]
    pub trail_key_file: Option<PathBuf>,
    /// Malware scanning of uploads by ClamAV's clamd: `off`, `unix:/run/clamav/clamd.ctl`
    /// (or a socket path), or `tcp://host:3310`. When set and clamd does not answer, uploads
    /// are refused.
    #[arg(long, env = "YINJIAN_CLAMD", default_value = "off", global = true)]
    pub clamd: String,
    /// Seconds to wait for clamd.
    #[arg(long, env = "YINJIAN_CLAMD_TIMEOUT_SECS", default_value_t = 30, global = true)]
    pub clamd_timeout_secs: u64,
    /// Largest uploaded image file (KiB).
    #[arg(long, env = "YINJIAN_UPLOAD_MAX_KB", default_value_t = 10240, global = true)]
    pub upload_max_kb: usize,
    /// Largest uploaded image (millions of pixels).
    #[arg(long, env = "YINJIAN_UPLOAD_MAX_MEGAPIXELS", default_value_t = 40, global = true)]
    pub upload_max_megapixels: u64,
}

impl Common {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("yinjian.db").display()))
    }
    /// The trail key's file: `--trail-key-file`, `YINJIAN_TRAIL_KEY_FILE`, the deprecated
    /// `YINJIAN_SECRET_FILE`, then `DATA_DIR/trail.key` — or `DATA_DIR/audit.key`, the default
    /// before #38, when only that one exists.
    pub fn trail_key_file(&self) -> PathBuf {
        if let Some(f) = &self.trail_key_file {
            return f.clone();
        }
        if let Some(f) = std::env::var_os(DEPRECATED_KEY_ENV).filter(|v| !v.is_empty()) {
            return PathBuf::from(f);
        }
        let current = self.data_dir.join("trail.key");
        let before = self.data_dir.join("audit.key");
        if !current.exists() && before.exists() {
            before
        } else {
            current
        }
    }

    /// What this configuration still reads under a name that is going away, one sentence each
    /// (logged as warnings at start).
    pub fn deprecations(&self) -> Vec<String> {
        let mut v = Vec::new();
        if self.trail_key_file.is_none() && std::env::var_os(DEPRECATED_KEY_ENV).is_some_and(|v| !v.is_empty()) {
            v.push(format!("{DEPRECATED_KEY_ENV} is deprecated: name the trail key's file in YINJIAN_TRAIL_KEY_FILE"));
        }
        if self.trail_key_file.is_none()
            && std::env::var_os(DEPRECATED_KEY_ENV).is_none()
            && self.trail_key_file() == self.data_dir.join("audit.key")
        {
            v.push(format!(
                "the trail key is read from {} (its name before this release): rename it to trail.key",
                self.trail_key_file().display()
            ));
        }
        v
    }
    pub fn scanner(&self) -> Result<app::server::scan::Scanner, String> {
        use app::server::scan::{ScanConfig, Scanner};
        let cfg = ScanConfig::parse(&self.clamd).map_err(|e| format!("YINJIAN_CLAMD: {e}"))?;
        Ok(Scanner::new(cfg.with_timeout(std::time::Duration::from_secs(self.clamd_timeout_secs.max(1)))))
    }
    pub fn upload_limits(&self) -> app::server::uploads::UploadLimits {
        app::server::uploads::UploadLimits {
            max_bytes: self.upload_max_kb.max(1) * 1024,
            max_pixels: self.upload_max_megapixels.max(1) * 1_000_000,
            ..Default::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts from the command line.
    #[command(subcommand)]
    User(UserCommand),
    /// Trail tools (the tamper-evident trail of every read and write).
    #[command(subcommand)]
    Trail(TrailCommand),
    /// Deprecated name of `trail` (until the next release).
    #[command(subcommand, hide = true)]
    Audit(TrailCommand),
    /// The registered-seal registry.
    #[command(subcommand)]
    Seals(SealsCommand),
    /// A consistent online backup into the folder DEST, with its manifest (the trail key is
    /// not in it: keep the key apart).
    Backup { dest: PathBuf },
    /// Restore BACKUP in a scratch place and check it (file, migrations, row counts, trail
    /// chain with the key); prints a drill report, exit 0 only when it passes.
    RestoreCheck {
        backup: PathBuf,
        /// The trail key to verify the chain with (default: YINJIAN_TRAIL_KEY_FILE).
        #[arg(long)]
        key: Option<PathBuf>,
        /// PostgreSQL server for the scratch database (default: DATABASE_URL's server). With a
        /// password in it, give it in the environment (YINJIAN_SCRATCH_URL), not on the command
        /// line, where `ps` shows it to every user.
        #[arg(long, env = "YINJIAN_SCRATCH_URL")]
        scratch_url: Option<String>,
        /// Enter the passed drill as done in the security register of DATABASE_URL.
        #[arg(long, requires = "by")]
        record: bool,
        /// Employee number of the administrator who ran the drill.
        #[arg(long)]
        by: Option<String>,
    },
    /// Compare one registered impression with one questioned scan; prints one JSON object.
    Match {
        #[arg(long)]
        registered: PathBuf,
        #[arg(long)]
        questioned: PathBuf,
        /// Resolution of the registered scan when its file does not say (dots per inch).
        #[arg(long)]
        registered_dpi: Option<f32>,
        /// Resolution of the questioned scan when its file does not say (dots per inch).
        #[arg(long)]
        questioned_dpi: Option<f32>,
    },
    /// Compare the pairs of a CSV (pair_id, registered, questioned); prints one JSON object a line.
    MatchBatch {
        /// The CSV file.
        pairs: PathBuf,
        /// Folder the image paths are relative to (default: the CSV's folder).
        #[arg(long)]
        root: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "YINJIAN_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// The public origin (scheme://host[:port]). Secure `__Host-` cookies and HSTS are on
    /// exactly when it is https.
    #[arg(long, env = "YINJIAN_PUBLIC_ORIGIN")]
    pub public_origin: Option<String>,
    /// Extra origins trusted for state-changing requests (behind a proxy that rewrites Host),
    /// comma-separated.
    #[arg(long, env = "YINJIAN_TRUSTED_ORIGINS", value_delimiter = ',')]
    pub trusted_origins: Vec<String>,
    /// Proxies whose X-Forwarded-For is believed, comma-separated IP addresses.
    #[arg(long, env = "YINJIAN_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Session idle timeout in minutes.
    #[arg(long, env = "YINJIAN_SESSION_IDLE_MINUTES", default_value_t = 15)]
    pub session_idle_minutes: u64,
    /// Session absolute timeout in hours.
    #[arg(long, env = "YINJIAN_SESSION_ABSOLUTE_HOURS", default_value_t = 10)]
    pub session_absolute_hours: u64,
    /// Sign-in attempts allowed per client IP per minute.
    #[arg(long, env = "YINJIAN_LOGIN_RATE_PER_MINUTE", default_value_t = 30)]
    pub login_rate_per_minute: u32,
    /// Password policy: minimum length.
    #[arg(long, env = "YINJIAN_PASSWORD_MIN_LENGTH", default_value_t = 12)]
    pub password_min_length: usize,
    /// Password policy: how many of the 4 character classes are required.
    #[arg(long, env = "YINJIAN_PASSWORD_MIN_CLASSES", default_value_t = 3)]
    pub password_min_classes: usize,
    /// Password policy: a new password may not be one of the last N.
    #[arg(long, env = "YINJIAN_PASSWORD_HISTORY", default_value_t = 3)]
    pub password_history: usize,
    /// Password policy: maximum age in days.
    #[arg(long, env = "YINJIAN_PASSWORD_MAX_AGE_DAYS", default_value_t = 90)]
    pub password_max_age_days: i64,
    /// Password policy: minimum age in days (forced changes are exempt).
    #[arg(long, env = "YINJIAN_PASSWORD_MIN_AGE_DAYS", default_value_t = 1)]
    pub password_min_age_days: i64,
    /// Failed sign-ins that lock an account.
    #[arg(long, env = "YINJIAN_LOCKOUT_FAILURES", default_value_t = 5)]
    pub lockout_failures: u32,
    /// Minutes an account stays locked.
    #[arg(long, env = "YINJIAN_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: i64,
    /// Folder with the built site (pkg/ with the WASM bundle and CSS).
    #[arg(long, env = "YINJIAN_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Create demo accounts and demo persons on first start (when the database has no account).
    /// Off unless asked for: a production database never gets them (`make run` asks).
    #[arg(long, env = "YINJIAN_DEMO", default_value_t = false, action = clap::ArgAction::Set)]
    pub demo: bool,
    /// Domains of official e-mail addresses (公務信箱) accepted on account requests.
    #[arg(long, env = "YINJIAN_EMAIL_DOMAINS", value_delimiter = ',', default_value = "gov.taipei")]
    pub email_domains: Vec<String>,
    /// How often approved account requests are checked for their effective time (seconds).
    #[arg(long, env = "YINJIAN_SCHEDULER_SECS", default_value_t = 30)]
    pub scheduler_secs: u64,
    /// Collectors the trail is forwarded to (附件三 4(10)), comma-separated:
    /// `syslog+tls://HOST:PORT` (RFC 5425; needs YINJIAN_FORWARD_CA_FILE), `syslog+tcp://HOST:PORT`
    /// (clear text), `syslog+unix:/PATH` (datagram), `file:/PATH` (JSON lines).
    /// (`YINJIAN_AUDIT_FORWARD`, its name before #38, is still read for one release.)
    #[arg(long, env = "YINJIAN_TRAIL_FORWARD", value_delimiter = ',')]
    pub trail_forward: Vec<String>,
    /// The CA (PEM) that signed the `syslog+tls://` collector's certificate.
    #[arg(long, env = "YINJIAN_FORWARD_CA_FILE")]
    pub forward_ca_file: Option<PathBuf>,
    /// Pins of the `syslog+tls://` collector, comma-separated: SHA-256 (hex) of its certificate's
    /// public key (SPKI) or of the certificate; when set, a certificate matching none is refused.
    #[arg(long, env = "YINJIAN_FORWARD_PIN_SHA256", value_delimiter = ',')]
    pub forward_pin_sha256: Vec<String>,
    /// Prometheus `/metrics` on an address of its own (off unless set; keep it internal).
    #[arg(long, env = "YINJIAN_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// How often new trail events are forwarded (seconds; default 5).
    #[arg(long, env = "YINJIAN_TRAIL_FORWARD_SECS")]
    pub trail_forward_secs: Option<u64>,
    /// Days without a sign-in or query after which the quarterly review flags an account.
    #[arg(long, env = "YINJIAN_IDLE_DAYS", default_value_t = 90)]
    pub idle_days: i64,
    /// Liaison slips go out only after the section chief (the unit's supervisor) approves them.
    #[arg(long, env = "YINJIAN_LIAISON_APPROVAL", default_value_t = false, action = clap::ArgAction::Set)]
    pub liaison_approval: bool,
    /// Working days a household registration office has to reply to a liaison slip.
    #[arg(long, env = "YINJIAN_LIAISON_REPLY_DAYS", default_value_t = 3)]
    pub liaison_reply_days: u32,
    /// Monthly query report: one operator looking up one ID this many times in a month is flagged.
    #[arg(long, env = "YINJIAN_REPORT_REPEAT_ID", default_value_t = 3)]
    pub report_repeat_id: usize,
    /// Monthly query report: an operator's month above this many times their median of the
    /// previous six months is flagged.
    #[arg(long, env = "YINJIAN_REPORT_SPIKE_FACTOR", default_value_t = 3.0)]
    pub report_spike_factor: f64,
}

impl ServeArgs {
    /// The collectors of YINJIAN_TRAIL_FORWARD (or the deprecated YINJIAN_AUDIT_FORWARD), with
    /// the TLS settings of a `syslog+tls://` one.
    pub fn forward_targets(&self) -> Result<Vec<crate::forward::Target>, String> {
        use crate::forward::{Target, TlsOptions};
        let tls = TlsOptions {
            ca_file: self.forward_ca_file.clone(),
            pins: TlsOptions::parse_pins(&self.forward_pin_sha256)
                .map_err(|e| format!("YINJIAN_FORWARD_PIN_SHA256: {e}"))?,
        };
        let mut targets = self.trail_forward.clone();
        if targets.is_empty() {
            if let Ok(old) = std::env::var(DEPRECATED_FORWARD_ENV[0].0) {
                targets = old.split(',').map(str::to_string).collect();
            }
        }
        targets
            .iter()
            .filter(|t| !t.trim().is_empty())
            .map(|t| Target::parse_with(t, &tls).map_err(|e| format!("YINJIAN_TRAIL_FORWARD: {e}")))
            .collect()
    }

    /// Seconds between forwarding rounds: YINJIAN_TRAIL_FORWARD_SECS, the deprecated
    /// YINJIAN_AUDIT_FORWARD_SECS, or 5.
    pub fn trail_forward_secs(&self) -> u64 {
        self.trail_forward_secs
            .or_else(|| std::env::var(DEPRECATED_FORWARD_ENV[1].0).ok().and_then(|v| v.trim().parse().ok()))
            .unwrap_or(5)
            .max(1)
    }

    /// The forwarding variables still read under their old names, one warning each.
    pub fn deprecations(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (i, (old, new)) in DEPRECATED_FORWARD_ENV.iter().enumerate() {
            let new_set = if i == 0 { !self.trail_forward.is_empty() } else { self.trail_forward_secs.is_some() };
            if !new_set && std::env::var_os(old).is_some() {
                v.push(format!("{old} is deprecated: use {new}"));
            }
        }
        v
    }

    pub fn report_thresholds(&self) -> app::domain::report::Thresholds {
        app::domain::report::Thresholds {
            repeat_id: self.report_repeat_id.max(1),
            spike_factor: if self.report_spike_factor.is_finite() && self.report_spike_factor > 0.0 {
                self.report_spike_factor
            } else {
                3.0
            },
        }
    }
}

#[derive(Debug, Parser)]
struct ServeOnly {
    #[command(flatten)]
    args: ServeArgs,
}

impl ServeArgs {
    /// `yinjian` with no subcommand serves, taking its settings from the environment.
    pub fn from_env() -> Result<Self, clap::Error> {
        Ok(ServeOnly::try_parse_from(["yinjian"])?.args)
    }

    pub fn password_policy(&self) -> app::domain::PasswordPolicy {
        app::domain::PasswordPolicy {
            min_length: self.password_min_length,
            min_classes: self.password_min_classes.clamp(1, 4),
            history: self.password_history,
            max_age_days: self.password_max_age_days,
            min_age_days: self.password_min_age_days,
            max_failures: self.lockout_failures.max(1),
            lockout_minutes: self.lockout_minutes,
        }
    }
    pub fn secure(&self) -> bool {
        self.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"))
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; prints a one-time password that must be changed at first sign-in.
    Create {
        #[arg(long)]
        employee_no: String,
        #[arg(long)]
        name: String,
        /// Unit code, e.g. LO-DA (see `yinjian user units`).
        #[arg(long)]
        unit: String,
        /// Roles, comma-separated: clerk, account_manager, supervisor, internal_auditor,
        /// external_auditor, ethics, household_office, admin.
        #[arg(long)]
        roles: String,
        #[arg(long, default_value = "")]
        email: String,
    },
    /// Set a new one-time password (printed) and unlock the account.
    ResetPassword {
        #[arg(long)]
        employee_no: String,
    },
    /// Disable an account at once; its sessions end.
    Disable {
        #[arg(long)]
        employee_no: String,
        #[arg(long)]
        reason: String,
    },
    /// List the unit codes.
    Units,
}

#[derive(Debug, Subcommand)]
pub enum SealsCommand {
    /// Bulk-load registered impressions: DIR/seals.csv (national_id, name, image, registered_on,
    /// office) plus the image files it names, relative to DIR. Every row is checked first;
    /// nothing is imported when any row is wrong. A row equal to the person's current version
    /// is skipped, so an import can be repeated.
    Import {
        dir: PathBuf,
        /// The CSV file's name inside DIR.
        #[arg(long, default_value = "seals.csv")]
        csv: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TrailCommand {
    /// Walk the chain; names the first broken link and exits non-zero when there is one.
    Verify {
        /// The central log system's copy of the trail (the JSON-lines file of a `file:` target, or
        /// the syslog collector's log), repeatable: the sealed heads it holds must all be in the
        /// trail — a trail rolled back to an older head is named.
        #[arg(long = "anchors", value_name = "FILE")]
        anchors: Vec<PathBuf>,
    },
}
