//! Denials nobody can be held to: callers who are not signed in, paths with no endpoint, and
//! sign-ins refused by the rate limit. Writing an undeletable trail row for each would let
//! anyone on the network grow the trail at will, so they are counted per client instead: the
//! first denial of a client in a window is recorded as it happens, the rest of the window as
//! one summary row (`authz.denied.summary`: count, reasons, a few paths) — at most two rows per
//! client per window. A client past [`DenialLog::limit`] denials in a window is answered 429
//! without further work. Denials of a signed-in account on a known endpoint stay one row each:
//! they name a person.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use super::store::DynStore;
use super::trail::{Outcome, TrailAction, TrailDraft};

/// How many distinct paths a summary names.
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

    /// Count a denial of `client` (its address) for `path` and `reason` at `now`.
    pub fn note(&self, client: Option<&str>, path: &str, reason: &str, now: DateTime<Utc>) -> Noted {
        let mut rows = Vec::new();
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = client.unwrap_or("-").to_string();
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
            rows.push(
                TrailDraft::new(TrailAction::AuthzDenied, Outcome::Denied)
                    .at(now)
                    .ip(client.map(str::to_string))
                    .details(serde_json::json!({ "path": clip(path), "reason": reason })),
            );
            Window { since: now, suppressed: 0, total: 0, reasons: BTreeMap::new(), paths: BTreeSet::new() }
        });
        w.total += 1;
        if w.total > 1 {
            w.suppressed += 1;
            *w.reasons.entry(reason.to_string()).or_default() += 1;
            if w.paths.len() < SAMPLE_PATHS {
                w.paths.insert(clip(path));
            }
        }
        Noted { rows, throttled: w.total > self.limit }
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
    pub async fn record(&self, store: &DynStore, client: Option<&str>, path: &str, reason: &str) -> bool {
        let noted = self.note(client, path, reason, Utc::now());
        write(store, noted.rows).await;
        noted.throttled
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

    #[test]
    fn a_flood_leaves_two_rows_per_client_and_window() {
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        let mut rows = 0;
        let mut throttled = 0;
        for i in 0..10_000 {
            let n = log.note(Some("203.0.113.9"), &format!("/api/x{}", i % 7), "no_policy", t0);
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
        let n = log.note(Some("203.0.113.9"), "/api/x", "no_policy", t0 + Duration::seconds(62));
        assert_eq!(n.rows.len(), 1);
        assert!(!n.throttled);
    }

    #[test]
    fn a_rolled_window_writes_its_summary_then_the_new_first() {
        let log = DenialLog::new(Duration::minutes(1), 100);
        let t0 = Utc::now();
        log.note(None, "/api/a", "not_signed_in", t0);
        log.note(None, "/api/a", "not_signed_in", t0);
        let n = log.note(None, "/api/a", "not_signed_in", t0 + Duration::minutes(2));
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
            rows +=
                log.note(Some(&format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255)), "/api/a", "r", t0).rows.len();
        }
        assert_eq!(rows, MAX_CLIENTS + 1, "beyond the cap, one pooled window");
        assert_eq!(log.clients.lock().unwrap().len(), MAX_CLIENTS + 1);
    }
}
