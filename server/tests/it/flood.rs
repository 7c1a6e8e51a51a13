//! A flood of 50,000 denied requests (not signed in, unknown paths, GETs) on both databases:
//! the trail grows by a bounded number of rows, the flooding client is throttled (429),
//! GETs on /api/ write nothing, and a clerk's look-ups keep working meanwhile (their latency
//! is measured and printed; the budget itself is proved by the load benchmark).

use crate::common;

use std::time::{Duration, Instant};

use crate::common::{query_body, TestApp, TestDb};
use app::domain::Role;

const FLOOD: usize = 50_000;
const TASKS: usize = 4;

async fn rows(app: &TestApp) -> i64 {
    app.db.store.trail_head().await.unwrap().0
}

async fn a_flood_of_denials_is_bounded(db: TestDb) {
    let app = std::sync::Arc::new(TestApp::new(db, Default::default()).await);
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C8001", vec![Role::Clerk], "LO-DA", false).await;
    let clerk = app.sign_in("C8001").await;
    // GET on /api/ is refused before anything is written
    let before = rows(&app).await;
    for path in ["/api/comparisons/start", "/api/no/such/thing", "/api/auth/me"] {
        let r = app.request("GET", path, "", None, &[]).await;
        assert_eq!(r.status, 405, "{path}");
    }
    assert_eq!(rows(&app).await, before, "a GET writes nothing");

    let before = rows(&app).await;
    let started = Instant::now();
    let mut flood = Vec::new();
    for t in 0..TASKS {
        let app = app.clone();
        flood.push(tokio::spawn(async move {
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            for i in 0..FLOOD / TASKS {
                let (method, path) = match (i + t) % 3 {
                    0 => ("POST", "/api/comparisons/start".to_string()),
                    1 => ("POST", format!("/api/nothing/{i}")),
                    _ => ("POST", "/api/admin/accounts".to_string()),
                };
                let r = app.request(method, &path, "", None, &[("x-probe", "1")]).await;
                *statuses.entry(r.status).or_default() += 1;
            }
            statuses
        }));
    }
    // a clerk's look-ups while the flood runs
    let mut lookups = Vec::new();
    let q = |n: usize| {
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
            "case_number": format!("{:06}", 100 + n), "case_free": "", "national_id": "A123456789", "person_name": "" }))
    };
    let mut n = 0;
    while flood.iter().any(|h| !h.is_finished()) && n < 200 {
        let t = Instant::now();
        let r = app.post_json("/api/comparisons/start", &q(n), Some(&clerk)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        lookups.push(t.elapsed());
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for h in flood {
        for (k, v) in h.await.unwrap() {
            *statuses.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(statuses.values().sum::<usize>(), FLOOD);
    assert!(statuses.get(&429).copied().unwrap_or(0) > FLOOD - 1_000, "the flooding client is throttled: {statuses:?}");
    // the trail: the clerk's look-ups (one row each) plus a handful for the flood
    let added = rows(&app).await - before - lookups.len() as i64;
    assert!(added <= 4, "the flood added {added} rows ({statuses:?})");
    lookups.sort();
    let p = |q: f64| lookups[((lookups.len() as f64 - 1.0) * q).round() as usize];
    eprintln!(
        "flood: {FLOOD} denied requests in {:.1} s ({:.0}/s), {added} trail rows; clerk look-ups during it: n={}, p50 {:?}, p95 {:?}, max {:?}",
        elapsed.as_secs_f64(),
        FLOOD as f64 / elapsed.as_secs_f64(),
        lookups.len(),
        p(0.5),
        p(0.95),
        lookups.last().unwrap()
    );
    assert!(!lookups.is_empty());
}

/// The trail rows after `after`: how many and how many bytes they store.
async fn rows_and_bytes(app: &TestApp, after: i64) -> (usize, usize, Vec<String>) {
    let rows = app.db.store.trail_rows(after, 100_000).await.unwrap();
    let bytes = rows
        .iter()
        .map(|r| {
            r.details.len()
                + [
                    &r.actor_employee_no,
                    &r.object_type,
                    &r.object_id,
                    &r.case_number,
                    &r.subject_national_id,
                    &r.client_ip,
                ]
                .iter()
                .map(|f| f.as_ref().map_or(0, |s| s.len()))
                .sum::<usize>()
        })
        .sum();
    (rows.len(), bytes, rows.iter().map(|r| format!("{} {}", r.action, r.details)).collect())
}

/// A sign-in flood (#35): huge employee numbers, numbers that do not parse, and many distinct
/// unknown accounts leave a bounded number of trail rows of bounded size; the text of a number
/// that does not parse is never stored; a body over the limit is refused before it is read.
async fn a_sign_in_flood_is_bounded(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("C8002", vec![Role::Clerk], "LO-DA", false).await;
    let before = rows(&app).await;
    // 13 MB in one field: refused by the body limit, nothing read, nothing written
    let huge = format!("employee_no={}&password=x", "A".repeat(13 * 1024 * 1024));
    let len = huge.len().to_string();
    let r = app.request("POST", "/api/auth/login", &huge, None, &[("content-length", len.as_str())]).await;
    assert_eq!(r.status, 413);
    // the same without a declared length: the body stops being read at the limit
    let r = app.request("POST", "/api/auth/login", &huge, None, &[]).await;
    assert!(r.status >= 400, "{}", r.status);
    assert_eq!(rows(&app).await, before, "a body over the limit writes nothing");
    // 40 KB that does not parse as an employee number (a pasted password, say), 50 times
    let marker = "PastedSecret-";
    let big = format!("{marker}{}", "x".repeat(40 * 1024));
    for _ in 0..50 {
        let r = app.post("/api/auth/login", &format!("employee_no={big}&password=Pw-123456789"), None).await;
        assert!(matches!(r.status, 400 | 429), "{} {}", r.status, r.body);
    }
    // 300 distinct unknown employee numbers
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for i in 0..300 {
        let r = app.post("/api/auth/login", &format!("employee_no=Z{i:05}&password=Wrong-Pass-1"), None).await;
        *statuses.entry(r.status).or_default() += 1;
    }
    assert_eq!(statuses.values().sum::<usize>(), 300);
    assert!(statuses.get(&429).copied().unwrap_or(0) >= 200, "the flooding client is throttled: {statuses:?}");
    let (n, bytes, text) = rows_and_bytes(&app, before).await;
    assert!(n <= 2, "{n} rows for 350 refused sign-ins: {text:?}");
    assert!(bytes <= 2_048, "{bytes} bytes for 350 refused sign-ins: {text:?}");
    assert!(!text.iter().any(|t| t.contains(marker)), "the unparsed text is never stored: {text:?}");
    // a throttled client is refused for a real account too, with the right password (no oracle)
    let r = app.login("C8002", common::PASSWORD).await.unwrap_err();
    assert_eq!(r.status, 429);
    app.db.close().await;
}

on_both!(a_flood_of_denials_is_bounded, a_sign_in_flood_is_bounded);
