//! Run as the city does: several `yinjian serve` processes on one PostgreSQL behave as one
//! system, and a server killed with SIGKILL in the middle of work loses nothing it answered for
//! and starts again with no manual step (both databases).

use crate::common;

use std::collections::BTreeSet;

use crate::common::serve::{key_file, lookup, submission, trail_verify, Instance};
use crate::common::{Kind, TestApp, TestDb};
use app::domain::report::Month;
use app::domain::Role;
use app::server::store::{NewQuery, Pool};
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use chrono::{Duration, Utc};
use serde_json::{json, Value};

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    match &db.pool {
        Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// Reference data, the demo seals and the accounts the flows use.
async fn prepare(db: TestDb) -> TestApp {
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    for emp in ["C5001", "C5002", "C5003"] {
        app.account(emp, vec![Role::Clerk], "LO-DA", false).await;
    }
    app.account("S5001", vec![Role::Supervisor], "LO-DA", false).await;
    app.account("M5001", vec![Role::AccountManager], "LO-DA", false).await;
    app
}

/// Three instances on one PostgreSQL database: a session made on one is good on the others;
/// look-ups and submits spread over all three are each stored once; the schedulers of all
/// three (every second) replace last month's mid-month preview once and apply a due account
/// request once; the one trail chain verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_on_one_postgresql() {
    let Some(db) = TestDb::new(Kind::Postgres).await else { return };
    let app = prepare(db).await;
    let db = &app.db;
    let store = &db.store;
    let unit = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let clerk_id = store.account_by_employee_no("C5001").await.unwrap().unwrap().id;

    // last month: look-ups and a preview generated mid-month (the scheduler must redo it)
    let last = Month::of(Utc::now()).prev();
    let mid = last.start() + Duration::days(10);
    for i in 0..5 {
        let q = NewQuery {
            queried_at: mid + Duration::hours(i),
            operator_id: clerk_id,
            unit_id: unit,
            client_ip: None,
            business_type: app::domain::BusinessType::LandRegistration,
            case_number: format!("115年大安字第{:06}號", 900 + i),
            national_id: app::domain::NationalId::parse(common::serve::PERSON).unwrap(),
            person_name: None,
            after_hours: false,
        };
        store
            .record_query(&q, TrailDraft::new(TrailAction::SealQuery, Outcome::Success).at(q.queried_at))
            .await
            .unwrap();
    }
    let preview = TrailDraft::new(TrailAction::ReportGenerate, Outcome::Success);
    app::server::reports::generate(store, unit, last, Default::default(), None, preview, mid + Duration::days(1))
        .await
        .unwrap();
    let seq_before = store.trail_head().await.unwrap().0;

    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let site = dir.path().join("site");
    // every instance forwards the trail to one collector (JSON lines)
    let collector = dir.path().join("trail.jsonl");
    let forward = format!("file:{}", collector.display());
    let env = [("YINJIAN_TRAIL_FORWARD", forward.as_str()), ("YINJIAN_TRAIL_FORWARD_SECS", "1")];
    let servers: Vec<Instance> = (0..3).map(|_| Instance::start_with(&db.url, &key, &site, &env)).collect();
    let (a, b, c) = (&servers[0], &servers[1], &servers[2]);

    // one session, three instances: sign in on A, look up on B, submit on C
    let clerk = a.sign_in("C5001").await;
    let (status, body, _) = b.post_json("/api/comparisons/start", &lookup(1), Some(&clerk)).await;
    assert_eq!(status, 200, "look-up on B with A's session: {body}");
    let q: Value = serde_json::from_str(&body).unwrap();
    let (status, body, _) = c.post_submit(&submission(q["query_id"].as_i64().unwrap()), Some(&clerk)).await;
    assert_eq!(status, 200, "submit on C: {body}");
    // signing out on C ends the session everywhere
    let (status, _, _) = c.post("/api/auth/logout", "", Some(&clerk)).await;
    assert_eq!(status, 200);
    let (status, _, _) = a.post_json("/api/comparisons/start", &lookup(2), Some(&clerk)).await;
    assert_eq!(status, 401, "a signed-out session is refused by every instance");

    // three clerks at once, each on its own instance, look-ups and a submit every third
    let mut queries = BTreeSet::new();
    let mut records = BTreeSet::new();
    let ring = &servers;
    let work = ["C5001", "C5002", "C5003"].iter().zip(ring).enumerate().map(|(n, (emp, s))| async move {
        let cookie = s.sign_in(emp).await;
        let (mut qs, mut rs) = (Vec::new(), Vec::new());
        for i in 0..9u32 {
            // each look-up on the next instance round the ring, with the one session
            let on = &ring[(n + i as usize) % 3];
            let (status, body, _) =
                on.post_json("/api/comparisons/start", &lookup(100 * n as u32 + i), Some(&cookie)).await;
            assert_eq!(status, 200, "{body}");
            let id = serde_json::from_str::<Value>(&body).unwrap()["query_id"].as_i64().unwrap();
            qs.push(id);
            if i % 3 == 0 {
                let (status, body, _) = s.post_submit(&submission(id), Some(&cookie)).await;
                assert_eq!(status, 200, "{body}");
                rs.push(serde_json::from_str::<Value>(&body).unwrap()["id"].as_i64().unwrap());
            }
        }
        (qs, rs)
    });
    for (qs, rs) in futures_join(work).await {
        queries.extend(qs);
        records.extend(rs);
    }
    assert_eq!(queries.len(), 27, "no look-up lost or doubled");
    assert_eq!(records.len(), 9);

    // an account request approved for later: filed on A, signed off on B, approved on C …
    let (clerk, sup, manager) = (a.sign_in("C5002").await, b.sign_in("S5001").await, c.sign_in("M5001").await);
    let form = json!({ "input": {
        "kind": "create", "reason": "", "applied_on": "115/11/27", "agency": "臺北市大安地政事務所", "section": "登記課",
        "user_name": "王小明", "phone": "02-2345-6789", "employee_no": "C5099", "email": "c5099@gov.taipei",
        "roles": ["clerk"], "target_unit": ""
    }});
    let (status, body, _) = a.post_json("/api/accounts/requests/file", &form, Some(&clerk)).await;
    assert_eq!(status, 200, "{body}");
    let request: i64 = body.trim().parse().unwrap();
    let (status, body, _) = b.post("/api/accounts/requests/endorse", &format!("id={request}"), Some(&sup)).await;
    assert_eq!(status, 200, "{body}");
    let later = (Utc::now() + Duration::hours(10)).format("%Y-%m-%dT%H:%M");
    let (status, body, _) = c
        .post(
            "/api/accounts/requests/review",
            &format!("id={request}&decision=provide&reason=&text=&effective={later}"),
            Some(&manager),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(store.request(request).await.unwrap().unwrap().state, app::server::store::RequestState::Approved);
    // … and its time comes (as if the hours had passed): all three schedulers see it due
    db.exec(&format!("UPDATE account_request SET effective_at = now() - interval '1 second' WHERE id = {request}"))
        .await;
    let mut applied = false;
    for _ in 0..100 {
        if store.request(request).await.unwrap().unwrap().state == app::server::store::RequestState::Applied {
            applied = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(applied, "the request was applied by one of the schedulers");
    // several more ticks of every scheduler
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    // the collector has every event of the trail once, in order, though three instances forward
    // (each batch ends with the head's anchor, left out here)
    let events = |text: String| -> Vec<i64> {
        text.lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v.get("yinjian_anchor").is_none())
            .map(|v| v["seq"].as_i64().unwrap())
            .collect()
    };
    let head = store.trail_head().await.unwrap().0;
    let mut forwarded = Vec::new();
    for _ in 0..100 {
        forwarded = events(std::fs::read_to_string(&collector).unwrap_or_default());
        if forwarded.last().is_some_and(|s| *s >= head) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(forwarded[..head as usize], (1..=head).collect::<Vec<_>>()[..], "each event once, in order");
    drop(servers);
    assert_eq!(
        events(std::fs::read_to_string(&collector).unwrap()).len(),
        store.forward_status().await.unwrap()[0].last_seq as usize,
        "nothing sent twice"
    );

    let since = format!("FROM trail_event WHERE seq > {seq_before}");
    assert_eq!(
        scalar(db, &format!("SELECT COUNT(*) {since} AND action = 'account_request.applied'")).await,
        1,
        "one application of the request"
    );
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM account WHERE employee_no = 'C5099'").await, 1);
    assert_eq!(
        scalar(db, &format!("SELECT COUNT(*) {since} AND action = 'report.generate'")).await,
        1,
        "the preview is replaced once, by one scheduler"
    );
    assert_eq!(
        scalar(db, &format!("SELECT COUNT(*) FROM query_report WHERE unit_id = {unit} AND month = '{last}'")).await,
        1
    );
    let report = store.report_for(unit, &last.to_string()).await.unwrap().unwrap();
    assert!(report.generated_at >= last.end(), "the report covers the whole month");
    assert!(report.snapshot.contains("115年大安字第000904號"), "with every look-up of the month");
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM seal_query").await, 5 + 1 + 27);
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM comparison").await, 1 + 9);
    let (code, out) = trail_verify(&db.url, &key);
    assert_eq!(code, 0, "one trail chain that verifies: {out}");
    app.db.close().await;
}

/// Run the futures concurrently on this task.
async fn futures_join<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    let fs: Vec<_> = fs.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = fs.iter().map(|_| None).collect();
    let mut fs: Vec<_> = fs.into_iter().map(Some).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in fs.iter_mut().zip(out.iter_mut()) {
            if let Some(fut) = f {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *o = Some(v);
                        *f = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.unwrap()).collect()
}

/// SIGKILL in the middle of a stream of look-ups and submits: after a restart (no manual
/// step) every look-up and record the server answered 200 for is there, and the chain verifies.
async fn a_killed_server_loses_nothing_it_answered(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let app = prepare(db).await;
    let db = &app.db;
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let site = dir.path().join("site");
    let mut server = Instance::start(&db.url, &key, &site);
    let answered = std::sync::Arc::new(std::sync::Mutex::new((Vec::<i64>::new(), Vec::<i64>::new())));
    let base = server.base.clone();
    let clerks: Vec<String> = {
        let mut v = Vec::new();
        for emp in ["C5001", "C5002", "C5003"] {
            v.push(server.sign_in(emp).await);
        }
        v
    };
    // three clients in a closed loop until the connection is cut
    let mut tasks = Vec::new();
    for (n, cookie) in clerks.into_iter().enumerate() {
        let answered = answered.clone();
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let post = |path: &str, body: Value| {
                http.post(format!("{base}{path}"))
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .header("cookie", cookie.clone())
                    .body(body.to_string())
                    .send()
            };
            for i in 0.. {
                let Ok(r) = post("/api/comparisons/start", lookup(1000 * n as u32 + i)).await else { return };
                if r.status() != 200 {
                    return;
                }
                let Ok(body) = r.text().await else { return };
                let id = serde_json::from_str::<Value>(&body).unwrap()["query_id"].as_i64().unwrap();
                answered.lock().unwrap().0.push(id);
                if i % 2 == 0 {
                    let (content_type, body) = common::multipart(&submission(id));
                    let sent = http
                        .post(format!("{base}/api/comparisons/submit"))
                        .header("content-type", content_type)
                        .header("accept", "application/json")
                        .header("cookie", cookie.clone())
                        .body(body)
                        .send()
                        .await;
                    let Ok(r) = sent else { return };
                    if r.status() != 200 {
                        return;
                    }
                    let Ok(body) = r.text().await else { return };
                    let rec = serde_json::from_str::<Value>(&body).unwrap()["id"].as_i64().unwrap();
                    answered.lock().unwrap().1.push(rec);
                }
            }
        }));
    }
    // let the stream run, then kill it mid-flight
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let (q, r) = &*answered.lock().unwrap();
        if q.len() >= 20 && r.len() >= 6 {
            break;
        }
    }
    server.kill();
    for t in tasks {
        t.await.unwrap();
    }
    let (queries, records) = answered.lock().unwrap().clone();

    // a clean start, no manual step; everything answered for is there
    let server = Instance::start(&db.url, &key, &site);
    for id in &queries {
        assert!(db.store.query(*id).await.unwrap().is_some(), "look-up {id} was answered 200 and is gone");
    }
    for id in &records {
        assert!(db.store.comparison(*id).await.unwrap().is_some(), "record {id} was answered 200 and is gone");
    }
    // and it works: a look-up after the restart
    let cookie = server.sign_in("C5001").await;
    let (status, body, _) = server.post_json("/api/comparisons/start", &lookup(99999), Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    drop(server);
    let (code, out) = trail_verify(&db.url, &key);
    assert_eq!(code, 0, "the chain verifies after the crash: {out}");
    app.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_killed_server_loses_nothing_it_answered() {
    a_killed_server_loses_nothing_it_answered(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_killed_server_loses_nothing_it_answered() {
    a_killed_server_loses_nothing_it_answered(Kind::Postgres).await
}
