//! `make bench-inbox`: the menu's counts (`work/menu`, one server function: every page asks it
//! in the background) and the inbox (`work/inbox`, the home page) with a year of look-ups in
//! the database — 100,000 by default over 20 units and 200 clerks (`server::bulk`). Each
//! request goes through the whole router (session read, authorisation, the use case, JSON) in
//! this process; no network. Prints p50/p95/max per endpoint and role.
//!
//! ```text
//! cargo run --release -p server --example bench_inbox -- --db sqlite|postgres [--lookups 100000] [--requests 200]
//! ```

use std::sync::Arc;
use std::time::Instant;

use app::domain::{ComparisonQuery, Decision};
use app::server::auth::Actor;
use app::server::caller::Caller;

const PASSWORD: &str = "Bench-Inbox-2026!";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal");

fn arg(name: &str, default: &str) -> String {
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        if k == name {
            return it.next().unwrap_or_default();
        }
    }
    default.to_string()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let db = arg("--db", "sqlite");
    let spec =
        server::bulk::Spec { lookups: arg("--lookups", "100000").parse().expect("--lookups"), ..Default::default() };
    let requests: usize = arg("--requests", "200").parse().expect("--requests");
    let dir = tempfile::tempdir().unwrap();
    let key: Vec<u8> = b"bench-inbox-trail-key-0123456789abcdef".to_vec();
    let scratch = server::bulk::Scratch::new(&db, dir.path(), "bench_inbox", "").await;
    let url = scratch.url.clone();

    let (store, pool) = app::server::store::open(&url, Arc::new(key.clone())).await.unwrap();
    store.migrate().await.unwrap();
    app::server::seed::ensure_reference_data(store.as_ref()).await.unwrap();
    app::server::seed::seed_demo_seals(store.as_ref()).await.unwrap();
    let hash = app::server::auth::hash_password(PASSWORD.into()).await.unwrap();
    let seeded = server::bulk::accounts(&store, spec, &hash).await.unwrap();
    let state = app::server::AppState::new(store.clone(), Default::default(), Arc::new(key.clone()));

    // one real comparison through the use cases: the template every seeded one is copied from
    let first = store.account_by_employee_no(&seeded.clerks[0].0).await.unwrap().unwrap();
    let caller = Caller::new(Actor::from_account(&first, &state.auth.policy, chrono::Utc::now()), None);
    let query: ComparisonQuery = app::domain::QueryInput {
        business_type: "land_registration".into(),
        case_year: "115".into(),
        case_word: "壓測".into(),
        case_number: "000000".into(),
        national_id: "A123456789".into(),
        ..Default::default()
    }
    .parse()
    .expect("a valid query");
    let started = app::server::comparisons::start(&state, &caller, query).await.unwrap();
    let registered = std::fs::read(format!("{FIXTURES}/registered/r0004.png")).unwrap();
    let questioned = std::fs::read(format!("{FIXTURES}/demo/q0037.jpg")).unwrap();
    let r = matcher::match_pair(&registered, &questioned, &Default::default()).unwrap();
    let submission = app::domain::comparison_view::Submission {
        query_id: started.query_id,
        browser: app::domain::BrowserResult { score: r.score, band: r.band, alignment: r.alignment, manual: false },
        manual_alignment: None,
        decision: Decision::Match,
        comment: String::new(),
    };
    let done = app::server::comparisons::submit(&state, &caller, submission, questioned, "/bench").await.unwrap();

    let mut operators = Vec::new();
    for (no, unit) in &seeded.clerks {
        operators.push((store.account_by_employee_no(no).await.unwrap().unwrap().id, *unit));
    }
    let t = Instant::now();
    let ids = server::bulk::lookups(&pool, spec, &operators, done.id, chrono::Utc::now()).await.unwrap();
    println!(
        "{db}: seeded {} look-ups ({} units, {} clerks) in {:.1} s",
        ids.end - ids.start,
        seeded.unit_ids.len(),
        seeded.clerks.len(),
        t.elapsed().as_secs_f64()
    );
    if let app::server::store::Pool::Postgres(p) = &pool {
        sqlx::query("ANALYZE").execute(p).await.unwrap();
    }
    if let app::server::store::Pool::Sqlite(p) = &pool {
        sqlx::query("ANALYZE").execute(p).await.unwrap();
    }

    let sessions = server::sessions::AnySessionStore::new(&pool).await.unwrap();
    let cfg = server::web::WebConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        site_root: dir.path().join("site"),
        secure: false,
        trusted_origins: vec![],
        trusted_proxies: vec![],
        upload_body_limit: 16 * 1024 * 1024,
    };
    let router = server::web::router(state, sessions, cfg).unwrap();
    let post = |path: &'static str, body: String, cookie: Option<String>| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let mut b = axum::http::Request::builder()
                .method("POST")
                .uri(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json");
            if let Some(c) = &cookie {
                b = b.header("cookie", c);
            }
            let resp = router.oneshot(b.body(axum::body::Body::from(body)).unwrap()).await.unwrap();
            let status = resp.status().as_u16();
            let cookie = resp
                .headers()
                .get_all(axum::http::header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|c| c.starts_with("yinjian="))
                .map(|c| c.split(';').next().unwrap().to_string());
            let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
            (status, cookie, bytes.len())
        }
    };
    let sign_in = |no: String| {
        async move {
            let (status, cookie, _) =
                post("/api/auth/login", format!("employee_no={no}&password={}", PASSWORD.replace('!', "%21")), None)
                    .await;
            assert_eq!(status, 200, "sign-in {no}");
            let cookie = cookie.unwrap();
            // the notice on official use, acknowledged at the first sign-in (五(二)1、九)
            let (status, _, _) = post("/api/auth/acknowledge", String::new(), Some(cookie.clone())).await;
            assert_eq!(status, 200, "acknowledgement {no}");
            cookie
        }
    };
    // twenty clerks and every unit's supervisor, each asked in turn
    let mut people = Vec::new();
    for (no, _) in seeded.clerks.iter().take(20) {
        people.push(("clerk", sign_in(no.clone()).await));
    }
    for (no, _) in &seeded.supervisors {
        people.push(("supervisor", sign_in(no.clone()).await));
    }
    for path in ["/api/work/menu", "/api/work/inbox"] {
        for role in ["clerk", "supervisor"] {
            let who: Vec<&String> = people.iter().filter(|(r, _)| *r == role).map(|(_, c)| c).collect();
            // warm-up
            for c in &who {
                let (status, _, _) = post(path, String::new(), Some((*c).clone())).await;
                assert_eq!(status, 200, "{path}");
            }
            let mut ms = Vec::with_capacity(requests);
            let mut bytes = 0;
            for i in 0..requests {
                let c = who[i % who.len()].clone();
                let t = Instant::now();
                let (status, _, n) = post(path, String::new(), Some(c)).await;
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(status, 200, "{path}");
                bytes = n;
            }
            ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
            println!(
                "{db} {path} {role}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({requests} requests, {bytes} B)",
                percentile(&ms, 0.5),
                percentile(&ms, 0.95),
                ms[ms.len() - 1]
            );
        }
    }
    drop(router);
    drop(store);
    drop(pool);
    scratch.drop_database().await;
}
