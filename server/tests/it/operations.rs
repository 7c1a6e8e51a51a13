//! What operators and auditors read of the running system, on both databases: the update
//! records (附件三 3(6)), the clock check (附件三 4(9)) on `/healthz` and the register page, and
//! how far the audit forwarder is behind (附件三 4(10)).

use crate::common;

use std::process::Command;

use crate::common::{Kind, TestApp, TestDb};
use app::domain::Role;
use serde_json::Value;

fn yinjian(db: &TestDb, key: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("YINJIAN_TRAIL_KEY_FILE", key)
        .env("RUST_LOG", "error")
        .output()
        .expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The first start of a version records it once, with the migrations it applied.
async fn update_records(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let key = common::serve::key_file(dir.path());
    // a database this version has not started on yet (the test's own store migrated it)
    assert!(db.store.list_updates().await.unwrap().is_empty());
    let (code, out) = yinjian(&db, &key, &["--version"]);
    assert_eq!(code, 0);
    assert!(out.contains(env!("CARGO_PKG_VERSION")) && out.contains("(commit "), "{out}");
    let (code, out) = yinjian(&db, &key, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = yinjian(&db, &key, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let ups = db.store.list_updates().await.unwrap();
    assert_eq!(ups.len(), 1, "one record per version and commit: {ups:?}");
    assert_eq!(ups[0].version, env!("CARGO_PKG_VERSION"));
    assert!(!ups[0].git_commit.is_empty() && ups[0].git_commit != "unknown", "{:?}", ups[0]);
    assert_eq!(ups[0].schema_version, *db.store.applied_migrations().await.unwrap().last().unwrap());
    assert!(ups[0].started_by.contains("yinjian migrate"), "{:?}", ups[0]);
    // never edited
    assert!(db.try_exec("UPDATE system_update SET version = 'x'").await.is_err());
    assert!(db.try_exec("DELETE FROM system_update").await.is_err());

    // a database made by an older version: this start applied the newer migrations
    let fresh = TestDb::new(kind).await.unwrap();
    fresh.exec("DELETE FROM _sqlx_migrations WHERE version = 16; DROP TABLE system_update;").await;
    let (code, out) = yinjian(&fresh, &key, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let ups = fresh.store.list_updates().await.unwrap();
    assert_eq!(ups[0].migrations_applied, "16");
    fresh.close().await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_update_records() {
    update_records(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_update_records() {
    update_records(Kind::Postgres).await
}

async fn register(app: &TestApp, admin: &str) -> Value {
    let r = app.post("/api/security/tasks", "", Some(admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// The administrators' health details carry the clock offset to the database (and the version);
/// the register shows the offset, the update records and the forwarder's lag.
async fn health_clock_and_lag(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("A7001", vec![Role::Admin], "LA-IT", false).await;
    let admin = app.sign_in("A7001").await;
    let r = app.post("/api/system/health", "", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let h: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(h["database"], true, "{h}");
    assert_eq!(h["status"], "Ok", "{h}");
    assert!(h["clock_offset_ms"].as_i64().unwrap().abs() < 1000, "{h}");
    assert_eq!(h["version"], env!("CARGO_PKG_VERSION"));

    let dir = tempfile::tempdir().unwrap();
    let target = server::forward::Target::parse(&format!("file:{}", dir.path().join("a.jsonl").display())).unwrap();
    server::forward::forward_once(&app.db.store, &target, "me").await.unwrap();
    let v = register(&app, &admin).await;
    // the register's own view adds rows after the forwarder ran: a few behind, not more
    let behind = v["forwarding"][0]["behind"].as_i64().unwrap();
    assert!(behind <= 3, "{v}");
    assert!(v["clock_offset_ms"].as_i64().unwrap().abs() < 1000);
    for _ in 0..5 {
        app.db
            .store
            .append_trail(app::server::trail::TrailDraft::new(
                app::server::trail::TrailAction::TrailRead,
                app::server::trail::Outcome::Success,
            ))
            .await
            .unwrap();
    }
    let v = register(&app, &admin).await;
    assert!(v["forwarding"][0]["behind"].as_i64().unwrap() >= behind + 5, "{v}");
    server::forward::forward_once(&app.db.store, &target, "me").await.unwrap();
    let v = register(&app, &admin).await;
    assert!(v["forwarding"][0]["behind"].as_i64().unwrap() <= 1, "{v}");
    app.db.close().await;
}

/// The public `/healthz` says `ok` or `degraded` and nothing else (no version, commit, clock or
/// database detail), and it is measured at most once a second: a flood of 500 requests makes
/// one database query, and while the database is gone the answer within the second is the
/// cached one — then `degraded`, 503. The details are for administrators only.
async fn public_health_is_terse_and_cached(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let r = app.request("GET", "/healthz", "", None, &[]).await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok"), "{r:?}");
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("text/plain"), "{r:?}");
    for secret in [env!("CARGO_PKG_VERSION"), "commit", "clock", "database"] {
        assert!(!r.body.contains(secret), "{secret} in the public health answer: {}", r.body);
    }
    let health = app.health.clone();
    let before = health.probes();
    let flood = (0..500).map(|_| {
        let router = app.router.clone();
        tokio::spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::get("/healthz").body(axum::body::Body::empty()).unwrap();
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            let body = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&body).into_owned())
        })
    });
    let started = std::time::Instant::now();
    for h in flood.collect::<Vec<_>>() {
        assert_eq!(h.await.unwrap(), (200, "ok".to_string()));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let probes = health.probes() - before;
    assert!(
        probes as f64 <= elapsed.ceil() + 1.0,
        "{probes} database queries for 500 health checks in {elapsed:.2} s: at most one a second"
    );

    // the database goes away (PostgreSQL: the store's pool is closed; an embedded SQLite file
    // cannot be taken away from open connections): within the second the answer is the cached
    // one, no query made …
    let _ = health.current().await;
    let probes = health.probes();
    let gone = match &app.db.pool {
        app::server::store::Pool::Sqlite(_) => false,
        app::server::store::Pool::Postgres(p) => {
            p.close().await;
            true
        }
    };
    let r = app.request("GET", "/healthz", "", None, &[]).await;
    assert_eq!(health.probes(), probes, "a cached answer queries nothing");
    assert_eq!(r.body, "ok");
    // … and after it, measured again: degraded, 503
    tokio::time::sleep(app::server::system::HealthCache::TTL + std::time::Duration::from_millis(50)).await;
    let r = app.request("GET", "/healthz", "", None, &[]).await;
    assert_eq!(health.probes(), probes + 1);
    if gone {
        assert_eq!((r.status, r.body.as_str()), (503, "degraded"), "{r:?}");
    } else {
        assert_eq!((r.status, r.body.as_str()), (200, "ok"), "{r:?}");
    }
    app.db.close().await;
}

/// Only administrators read the health details.
async fn health_details_are_for_administrators(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    let r = app.post("/api/system/health", "", None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    for (no, role) in [("E7002", Role::ExternalAuditor), ("C7002", Role::Clerk), ("S7002", Role::Supervisor)] {
        app.account(no, vec![role], "LA-IT", false).await;
        let c = app.sign_in(no).await;
        let r = app.post("/api/system/health", "", Some(&c)).await;
        assert_eq!(r.status, 403, "{role:?}: {}", r.body);
        assert!(!r.body.contains(env!("CARGO_PKG_VERSION")), "{}", r.body);
    }
    app.db.close().await;
}

on_both!(health_clock_and_lag, public_health_is_terse_and_cached, health_details_are_for_administrators);

/// `/metrics` on its own address: request latency per endpoint, look-ups, comparisons, matcher
/// time, sessions, the pool and the forwarder's lag; not on the application's address.
async fn metrics_are_exported(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C7101", vec![Role::Clerk], "LO-DA", false).await;
    let dir = tempfile::tempdir().unwrap();
    let key = common::serve::key_file(dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let metrics_addr = format!("127.0.0.1:{port}");
    let collector = format!("file:{}", dir.path().join("a.jsonl").display());
    let env = [("YINJIAN_METRICS_ADDR", metrics_addr.as_str()), ("YINJIAN_TRAIL_FORWARD", collector.as_str())];
    let server = common::serve::Instance::start_with(&app.db.url, &key, &dir.path().join("site"), &env);
    let clerk = server.sign_in("C7101").await;
    let (status, body, _) = server.post_json("/api/comparisons/start", &common::serve::lookup(1), Some(&clerk)).await;
    assert_eq!(status, 200, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["query_id"].as_i64().unwrap();
    let (status, body, _) = server.post_submit(&common::serve::submission(id), Some(&clerk)).await;
    assert_eq!(status, 200, "{body}");
    let text = reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap().text().await.unwrap();
    for needle in [
        "yinjian_lookups_total 1",
        "yinjian_comparisons_total{band=\"consistent\"} 1",
        "yinjian_matcher_seconds_count 1",
        "yinjian_http_request_duration_seconds_bucket{endpoint=\"/api/comparisons/start\",method=\"POST\",status=\"200\"",
        "yinjian_sessions_live 1",
        "yinjian_db_pool_connections",
        "yinjian_trail_forward_behind{target=",
        "yinjian_clock_offset_seconds",
        "yinjian_database_up 1",
        "yinjian_build_info{",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    // the health details there (the application's own /healthz says only ok or degraded)
    let details: Value = reqwest::get(format!("http://{metrics_addr}/healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(details["database"], true, "{details}");
    assert_eq!(details["version"], env!("CARGO_PKG_VERSION"), "{details}");
    assert!(!details["commit"].as_str().unwrap().is_empty() && details["commit"] != "unknown", "{details}");
    assert!(details["clock_offset_ms"].as_i64().unwrap().abs() < 1000, "{details}");
    let public = reqwest::get(format!("{}/healthz", server.base)).await.unwrap().text().await.unwrap();
    assert_eq!(public, "ok");
    // unknown paths do not make series of their own
    let _ = server.post("/api/no-such-thing-1", "", None).await;
    let _ = server.post("/api/no-such-thing-2", "", None).await;
    let text = reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap().text().await.unwrap();
    assert!(!text.contains("no-such-thing") && text.contains("endpoint=\"/api/other\""), "{text}");
    // nor do unknown methods: a flood of invented methods leaves the series as they were
    let series = |t: &str| t.lines().filter(|l| l.starts_with("yinjian_http_request_duration_seconds_count")).count();
    let before = series(&reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap().text().await.unwrap());
    let http = reqwest::Client::new();
    for i in 0..200 {
        let m = reqwest::Method::from_bytes(format!("X{i}RANDOM").as_bytes()).unwrap();
        let _ = http.request(m, format!("{}/api/auth/me", server.base)).send().await.unwrap();
    }
    let text = reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap().text().await.unwrap();
    let after = series(&text);
    assert!(after <= before + 2, "200 invented methods made {} new series:\n{text}", after - before);
    assert!(!text.contains("RANDOM") && text.contains("method=\"other\""), "{text}");
    // and the application's address does not serve them
    let (_, page, _) = server.post("/metrics", "", None).await;
    assert!(!page.contains("yinjian_lookups_total"));
    drop(server);
    app.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_metrics_are_exported() {
    metrics_are_exported(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_metrics_are_exported() {
    metrics_are_exported(Kind::Postgres).await
}
