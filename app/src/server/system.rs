//! The clock check of 附件三 4(9): the trail's times come from the instances, its order
//! from the database, so each instance's clock must agree with the database server's. And the
//! instance's health: the public answer (cached) and the details. And the unsafe-setting
//! check: malware scanning off on a database that real people use.

use chrono::{DateTime, Utc};

use super::store::{DynStore, StoreResult};
use crate::domain::health::{HealthDetails, PublicHealth};

/// Above this the check warns (on `/healthz`, in the log and on `/admin/security`).
pub const CLOCK_TOLERANCE_MS: i64 = 1000;

/// This instance's clock minus the database's, in milliseconds, measured around one round trip
/// (the database's reading is taken as the round trip's midpoint).
pub async fn clock_offset_ms(store: &DynStore) -> StoreResult<i64> {
    let t0 = Utc::now();
    let db: DateTime<Utc> = store.db_now().await?;
    let t1 = Utc::now();
    let mid = t0 + (t1 - t0) / 2;
    Ok((mid - db).num_milliseconds())
}

/// Whether malware scanning is off (`YINJIAN_CLAMD=off`) on a database with any account other
/// than the demo ones: uploads of real people are then not scanned (附件三 3(8)). The server
/// warns at every start and the administrator's home page says so.
pub async fn scanning_off_in_use(store: &DynStore, scanning: bool) -> StoreResult<bool> {
    if scanning {
        return Ok(false);
    }
    Ok(store.list_accounts().await?.iter().any(|a| !super::seed::is_demo_account(&a.employee_no, &a.name)))
}

/// What this binary is: set by the server at start (`yinjian --version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    pub version: String,
    pub commit: String,
}

impl Default for BuildInfo {
    fn default() -> Self {
        Self { version: env!("CARGO_PKG_VERSION").into(), commit: "unknown".into() }
    }
}

/// One measurement of the instance's health.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Health {
    /// The clock offset when the database answered.
    pub clock_offset_ms: Option<i64>,
    pub checked_at: DateTime<Utc>,
}

impl Health {
    pub fn database(&self) -> bool {
        self.clock_offset_ms.is_some()
    }

    pub fn public(&self) -> PublicHealth {
        match self.clock_offset_ms {
            Some(ms) if ms.abs() <= CLOCK_TOLERANCE_MS => PublicHealth::Ok,
            _ => PublicHealth::Degraded,
        }
    }
}

/// The public health answer, measured at most once per [`HealthCache::TTL`] however many ask:
/// a flood of `/healthz` makes at most one database query a second per instance. One
/// measurement runs at a time; whoever asks meanwhile waits for it and shares its result.
pub struct HealthCache {
    store: DynStore,
    last: tokio::sync::Mutex<Option<(std::time::Instant, Health)>>,
    probes: std::sync::atomic::AtomicU64,
}

impl HealthCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(1);
    /// A database that does not answer within this is taken as down.
    pub const PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

    pub fn new(store: DynStore) -> Self {
        Self { store, last: Default::default(), probes: Default::default() }
    }

    /// The health as of at most [`Self::TTL`] ago.
    pub async fn current(&self) -> Health {
        let mut last = self.last.lock().await;
        if let Some((at, h)) = *last {
            if at.elapsed() < Self::TTL {
                return h;
            }
        }
        let h = self.probe().await;
        *last = Some((std::time::Instant::now(), h));
        h
    }

    /// Measure now (the administrators' details), and keep it for the public answer.
    pub async fn fresh(&self) -> Health {
        let mut last = self.last.lock().await;
        let h = self.probe().await;
        *last = Some((std::time::Instant::now(), h));
        h
    }

    /// How many measurements (database queries) were made.
    pub fn probes(&self) -> u64 {
        self.probes.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn probe(&self) -> Health {
        self.probes.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let offset = match tokio::time::timeout(Self::PROBE_TIMEOUT, clock_offset_ms(&self.store)).await {
            Ok(Ok(ms)) => {
                if ms.abs() > CLOCK_TOLERANCE_MS {
                    tracing::warn!(
                        offset_ms = ms,
                        "this instance's clock is off the database server's by more than a second"
                    );
                }
                Some(ms)
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "health check: the database does not answer");
                None
            }
            Err(_) => {
                tracing::error!("health check: the database did not answer in time");
                None
            }
        };
        Health { clock_offset_ms: offset, checked_at: Utc::now() }
    }
}

/// The details of this instance's health, measured now (administrators, the metrics address).
pub async fn health_details(health: &HealthCache, build: &BuildInfo) -> HealthDetails {
    let h = health.fresh().await;
    HealthDetails {
        version: build.version.clone(),
        commit: build.commit.clone(),
        database: h.database(),
        clock_offset_ms: h.clock_offset_ms,
        clock_tolerance_ms: CLOCK_TOLERANCE_MS,
        status: h.public(),
        checked_at: h.checked_at,
    }
}
