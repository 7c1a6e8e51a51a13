//! Denials nobody can be held to: callers who are not signed in, paths with no endpoint, and
//! sign-ins refused by the rate limit. Writing an undeletable trail row for each would let
//! anyone on the network grow the trail at will, so they are counted per client instead: the
//! first denial of a client in a window is recorded as it happens, the rest of the window as
//! one summary row (`authz.denied.summary`: count, reasons, a few paths) — at most two rows per
//! client per window. A client past [`DenialLog::limit`] denials in a window is answered 429
//! without further work. Denials of a signed-in account on a known endpoint stay one row each:
//! they name a person.
//!
//! A client is its IPv4 address, or its IPv6 /64 (one host holds a whole /64, so counting its
//! single addresses would let it step round the limit). Failed sign-ins for an employee number
//! that names no account are counted here too, the parsed number kept as a bounded sample; a
//! typed employee number that does not even parse is counted with its text never stored (it
//! may be a password typed into the wrong field).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::store::DynStore;
use super::trail::{Outcome, TrailAction, TrailDraft};
use crate::domain::EmployeeNo;

/// How many distinct paths (and unknown employee numbers) a summary names.
const SAMPLE_PATHS: usize = 5;
/// Clients tracked at once; beyond that, denials are pooled under one key (a bounded map under
/// a flood from many addresses).
const MAX_CLIENTS: usize = 1_000;
const POOLED: &str = "(pooled)";

#[derive(Debug)]
struct Window {
    since: DateTime<Utc>,
    /// Denials after the first (which was written at once).
    suppressed: u64,
    total: u64,
    reasons: BTreeMap<String, u64>,
    paths: BTreeSet<String>,
    /// Employee numbers that named no account (parsed, so at most 12 characters each).
    accounts: BTreeSet<String>,
}

/// The outcome of counting one denial.
#[derive(Debug)]
pub struct Noted {
    /// Rows to write now (the first denial of a window; the summary of the window before).
    pub rows: Vec<TrailDraft>,
    /// The client is past the limit: answer 429.
    pub throttled: bool,
}

#[derive(Debug)]
pub struct DenialLog {
    window: Duration,
    limit: u64,
    clients: Mutex<HashMap<String, Window>>,
}

impl Default for DenialLog {
    fn default() -> Self {
        Self::new(Duration::minutes(1), 120)
    }
}

impl DenialLog {
    /// Count per `window`; a client with more than `limit` denials in one is throttled.
    pub fn new(window: Duration, limit: u64) -> Self {
        Self { window, limit: limit.max(1), clients: Mutex::new(HashMap::new()) }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Count a denial of `client` for `path` and `reason` at `now`; `account` is the (parsed)
    /// employee number of a sign-in that named no account.
    pub fn note(
        &self,
        client: Option<IpAddr>,
        path: &str,
        reason: &str,
        account: Option<&EmployeeNo>,
        now: DateTime<Utc>,
    ) -> Noted {
        let mut rows = Vec::new();
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = client.map(client_key).unwrap_or_else(|| "-".to_string());
        if !clients.contains_key(&key) && clients.len() >= MAX_CLIENTS {
            key = POOLED.to_string();
        }
        if let Some(w) = clients.get(&key) {
            if now - w.since >= self.window {
                let w = clients.remove(&key).expect("present");
                rows.extend(summary(&key, &w, now));
            }
        }
        let w = clients.entry(key.clone()).or_insert_with(|| {
            let mut details = serde_json::json!({ "path": clip(path), "reason": clip(reason) });
            if let Some(a) = account {
                details["employee_no"] = a.as_str().into();
            }
            rows.push(
                TrailDraft::new(TrailAction::AuthzDenied, Outcome::Denied)
                    .at(now)
                    .ip(client.map(|c| c.to_string()))
                    .details(details),
            );
            Window {
                since: now,
                suppressed: 0,
                total: 0,
                reasons: BTreeMap::new(),
                paths: BTreeSet::new(),
                accounts: BTreeSet::new(),
            }
        });
        w.total += 1;
        if w.total > 1 {
            w.suppressed += 1;
            // reasons are the callers' own codes, but bounded all the same
            if w.reasons.len() < 16 || w.reasons.contains_key(reason) {
                *w.reasons.entry(clip(reason)).or_default() += 1;
            }
            if w.paths.len() < SAMPLE_PATHS {
                w.paths.insert(clip(path));
            }
            if let Some(a) = account {
                if w.accounts.len() < SAMPLE_PATHS {
                    w.accounts.insert(a.as_str().to_string());
                }
            }
        }
        Noted { rows, throttled: w.total > self.limit }
    }

    /// Whether `client` is past the limit in its current window (nothing is counted).
    pub fn is_throttled(&self, client: Option<IpAddr>, now: DateTime<Utc>) -> bool {
        let clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let key = client.map(client_key).unwrap_or_else(|| "-".to_string());
        let key = if clients.contains_key(&key) || clients.len() < MAX_CLIENTS { key } else { POOLED.to_string() };
        clients.get(&key).is_some_and(|w| now - w.since < self.window && w.total >= self.limit)
    }

    /// Summaries of the windows that have ended by `now` (all of them when `all`).
    pub fn flush(&self, now: DateTime<Utc>, all: bool) -> Vec<TrailDraft> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let ended: Vec<String> =
            clients.iter().filter(|(_, w)| all || now - w.since >= self.window).map(|(k, _)| k.clone()).collect();
        let mut rows = Vec::new();
        for k in ended {
            if let Some(w) = clients.remove(&k) {
                rows.extend(summary(&k, &w, now));
            }
        }
        rows
    }

    /// Count the denial and write what is due; true when the client is to be answered 429.
    pub async fn record(&self, store: &DynStore, client: Option<IpAddr>, path: &str, reason: &str) -> bool {
        self.record_for(store, client, path, reason, None).await
    }

    /// [`Self::record`] for a sign-in that named no account (the parsed number is sampled).
    pub async fn record_for(
        &self,
        store: &DynStore,
        client: Option<IpAddr>,
        path: &str,
        reason: &str,
        account: Option<&EmployeeNo>,
    ) -> bool {
        let noted = self.note(client, path, reason, account, Utc::now());
        write(store, noted.rows).await;
        noted.throttled
    }
}

/// The key a client is counted under: an IPv4 address as it is (also when mapped into IPv6),
/// an IPv6 address by its /64 network.
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

fn clip(path: &str) -> String {
    path.chars().take(120).collect()
}

fn summary(key: &str, w: &Window, now: DateTime<Utc>) -> Option<TrailDraft> {
    (w.suppressed > 0).then(|| {
        TrailDraft::new(TrailAction::AuthzDeniedSummary, Outcome::Denied)
            .at(now)
            .ip((key != "-" && key != POOLED).then(|| key.to_string()))
            .details(serde_json::json!({
                "count": w.suppressed,
                "from": w.since,
                "to": now,
                "reasons": w.reasons,
                "paths": w.paths,
                "unknown_accounts": w.accounts,
                "pooled": key == POOLED,
            }))
    })
}

async fn write(store: &DynStore, rows: Vec<TrailDraft>) {
    for r in rows {
        if let Err(e) = store.append_trail(r).await {
            tracing::error!(error = %e, "could not record denials");
        }
    }
}

/// Write the summaries of ended windows every `every` (the server starts this once).
pub fn spawn_flush(log: std::sync::Arc<DenialLog>, store: DynStore, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            write(&store, log.flush(Utc::now(), false)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_ipv6_client_is_its_64() {
        assert_eq!(client_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("2001:db8:1:2:bbbb:cccc:dddd:eeee")), "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("::ffff:192.0.2.7")), "192.0.2.7");
        assert_eq!(client_key(ip("192.0.2.7")), "192.0.2.7");
        // a host that walks its /64 is one client: throttled like one address
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        let mut throttled = 0;
        for i in 0..1_000u32 {
            let a = ip(&format!("2001:db8:1:2:{:x}:{:x}::1", i >> 16, i & 0xffff));
            throttled += log.note(Some(a), "/api/auth/login", "unknown_account", None, t0).throttled as usize;
        }
        assert_eq!(throttled, 900);
        assert_eq!(log.clients.lock().unwrap().len(), 1);
    }

    #[test]
    fn unknown_accounts_are_sampled_not_written_each() {
        let log = DenialLog::new(Duration::minutes(1), 10_000);
        let t0 = Utc::now();
        let mut rows = 0;
        for i in 0..5_000 {
            let no = EmployeeNo::parse(&format!("X{i:05}")).unwrap();
            rows += log.note(Some(ip("198.51.100.4")), "/api/auth/login", "unknown_account", Some(&no), t0).rows.len();
        }
        assert_eq!(rows, 1);
        let s = log.flush(t0 + Duration::seconds(61), false);
        assert_eq!(s[0].details["count"], 4_999);
        assert_eq!(s[0].details["unknown_accounts"].as_array().unwrap().len(), SAMPLE_PATHS);
    }

    #[test]
    fn a_flood_leaves_two_rows_per_client_and_window() {
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        let mut rows = 0;
        let mut throttled = 0;
        for i in 0..10_000 {
            let n = log.note(Some(ip("203.0.113.9")), &format!("/api/x{}", i % 7), "no_policy", None, t0);
            rows += n.rows.len();
            throttled += n.throttled as usize;
        }
        assert_eq!(rows, 1, "only the first is written at once");
        assert_eq!(throttled, 10_000 - 100);
        let flushed = log.flush(t0 + Duration::seconds(61), false);
        assert_eq!(flushed.len(), 1);
        assert_eq!(flushed[0].details["count"], 9_999);
        assert_eq!(flushed[0].details["paths"].as_array().unwrap().len(), 5);
        // the next window starts afresh
        let n = log.note(Some(ip("203.0.113.9")), "/api/x", "no_policy", None, t0 + Duration::seconds(62));
        assert_eq!(n.rows.len(), 1);
        assert!(!n.throttled);
    }

    #[test]
    fn a_rolled_window_writes_its_summary_then_the_new_first() {
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        log.note(None, "/api/a", "not_signed_in", None, t0);
        log.note(None, "/api/a", "not_signed_in", None, t0);
        let n = log.note(None, "/api/a", "not_signed_in", None, t0 + Duration::minutes(2));
        let actions: Vec<_> = n.rows.iter().map(|r| r.action.code()).collect();
        assert_eq!(actions, ["authz.denied.summary", "authz.denied"]);
        assert!(log.flush(t0 + Duration::minutes(2), true).is_empty(), "one denial: no summary");
    }

    #[test]
    fn many_clients_are_pooled() {
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        let mut rows = 0;
        for i in 0..(MAX_CLIENTS + 5_000) {
            let client = ip(&format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255));
            rows += log.note(Some(client), "/api/a", "r", None, t0).rows.len();
        }
        assert_eq!(rows, MAX_CLIENTS + 1, "beyond the cap, one pooled window");
        assert_eq!(log.clients.lock().unwrap().len(), MAX_CLIENTS + 1);
    }
}
