//! `make bench-load`: N clerks (each signed in with its own account) in a closed loop against
//! real `yinjian serve` processes — a look-up (`comparisons/start`, then the registered
//! impression's GET when the answer names its URL: the two together are one look-up, its
//! latency and its bytes) and, at a share, a full comparison (`comparisons/submit`, re-verified
//! natively on the server; multipart, as the page sends it). Prints throughput and p50/p95/p99 per endpoint, the look-up's bytes
//! and the servers' peak RSS.
//!
//! ```text
//! cargo run --release -p server --example load -- --db sqlite --instances 1 --clerks 100 \
//!     --secs 20 --submit-share 0.1 [--sync normal] [--json out.json]
//! ```
//! PostgreSQL: `--db postgres` makes a scratch database on TEST_DATABASE_URL's server.
//! `--login-flood N`: N more tasks flood `auth/login` meanwhile (distinct unknown employee
//! numbers and 40 KB ones that do not parse, from one address) — the clerks' look-up latency
//! under the flood, and the trail rows and bytes the flood added, are reported.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::Role;
use app::server::trail::{Outcome, TrailAction, TrailDraft};
use serde_json::{json, Value};

const PASSWORD: &str = "Load-Test-Clerk-2026!";
const PERSON: &str = "A123456789";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal");

struct Args {
    db: String,
    instances: usize,
    clerks: usize,
    secs: u64,
    submit_share: f64,
    sync: String,
    json: Option<PathBuf>,
    login_flood: usize,
}

fn args() -> Args {
    let mut a = Args {
        db: "sqlite".into(),
        instances: 1,
        clerks: 100,
        secs: 20,
        submit_share: 0.0,
        sync: "full".into(),
        json: None,
        login_flood: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--db" => a.db = v,
            "--instances" => a.instances = v.parse().expect("--instances"),
            "--clerks" => a.clerks = v.parse().expect("--clerks"),
            "--secs" => a.secs = v.parse().expect("--secs"),
            "--submit-share" => a.submit_share = v.parse().expect("--submit-share"),
            "--sync" => a.sync = v,
            "--json" => a.json = Some(v.into()),
            "--login-flood" => a.login_flood = v.parse().expect("--login-flood"),
            _ => panic!("unknown option {k}"),
        }
    }
    assert!(a.db == "sqlite" || a.db == "postgres", "--db sqlite|postgres");
    a
}

/// The release server next to this example (target/release/examples/load → target/release/yinjian).
fn server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("YINJIAN_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().join("yinjian")
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(url: &str, key: &Path, site: &Path) -> Self {
        let mut child = Command::new(server_bin())
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("YINJIAN_TRAIL_KEY_FILE", key)
            .env("YINJIAN_ADDR", "127.0.0.1:0")
            .env("YINJIAN_SITE_ROOT", site)
            .env("YINJIAN_DEMO", "false")
            // every clerk signs in from 127.0.0.1
            .env("YINJIAN_LOGIN_RATE_PER_MINUTE", "100000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", server_bin().display()));
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut base = None;
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(a) = line.trim().strip_prefix("Yinjian listening on ") {
                base = Some(a.to_string());
                break;
            }
            line.clear();
        }
        std::thread::spawn(move || {
            let mut s = String::new();
            while out.read_line(&mut s).unwrap_or(0) > 0 {
                s.clear();
            }
        });
        Self { base: base.expect("the server did not start"), child }
    }

    /// Peak resident set (VmHWM), in MB.
    fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

#[derive(Default)]
struct Samples {
    lookup: Vec<u32>,
    /// The response bodies' bytes of each measured look-up (start + the image GET).
    lookup_bytes: Vec<u32>,
    submit: Vec<u32>,
    errors: u64,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let a = args();
    let dir = tempfile::tempdir().unwrap();
    let key: Vec<u8> = b"load-benchmark-audit-key-0123456789abcdef".to_vec();
    let key_file = dir.path().join("trail.key");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&key_file, hex::encode(&key)).unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let sync = if a.sync == "normal" { "?synchronous=normal" } else { "" };
    let scratch = server::bulk::Scratch::new(&a.db, dir.path(), "load", sync).await;
    let url = scratch.url.clone();

    // the database: reference data, the demo seals, N clerks sharing one password hash
    {
        let (store, _) = app::server::store::open(&url, Arc::new(key.clone())).await.unwrap();
        store.migrate().await.unwrap();
        app::server::seed::ensure_reference_data(store.as_ref()).await.unwrap();
        app::server::seed::seed_demo_seals(store.as_ref()).await.unwrap();
        let unit = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
        let hash = app::server::auth::hash_password(PASSWORD.into()).await.unwrap();
        for i in 0..a.clerks {
            let new = app::server::store::NewAccount {
                employee_no: format!("L{:04}", i + 1),
                name: format!("壓測{}", i + 1),
                unit_id: unit,
                email: String::new(),
                phone: String::new(),
                password_hash: hash.clone(),
                must_change_password: false,
                one_time_until: None,
                roles: vec![Role::Clerk],
                now: chrono::Utc::now() - chrono::Duration::days(2),
            };
            store.create_account(&new, TrailDraft::new(TrailAction::AccountCreate, Outcome::Success)).await.unwrap();
        }
    }
    let site = dir.path().join("site");
    let servers: Vec<Server> = (0..a.instances).map(|_| Server::start(&url, &key_file, &site)).collect();
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();

    // the submission every clerk sends: the browser's result as the page's WASM computes it
    let registered = std::fs::read(format!("{FIXTURES}/registered/r0004.png")).unwrap();
    let questioned = std::fs::read(format!("{FIXTURES}/demo/q0037.jpg")).unwrap();
    let r = matcher::match_pair(&registered, &questioned, &Default::default()).unwrap();
    let browser = json!({ "score": r.score, "band": r.band, "alignment": r.alignment, "manual": false });

    let http =
        reqwest::Client::builder().pool_max_idle_per_host(a.clerks).timeout(Duration::from_secs(120)).build().unwrap();
    // sign everyone in, spread over the instances
    let mut cookies = Vec::new();
    for i in 0..a.clerks {
        let base = &bases[i % bases.len()];
        let body = format!("employee_no=L{:04}&password={}", i + 1, PASSWORD.replace('!', "%21"));
        let resp = http
            .post(format!("{base}/api/auth/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "sign-in L{:04}", i + 1);
        let c = resp
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.contains("yinjian="))
            .map(|c| c.split(';').next().unwrap().to_string())
            .unwrap();
        // each clerk acknowledges the notice on official use (五(二)1、九) at its first sign-in
        let ack = http
            .post(format!("{base}/api/auth/acknowledge"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .header("cookie", &c)
            .send()
            .await
            .unwrap();
        assert_eq!(ack.status(), 200, "acknowledgement L{:04}", i + 1);
        cookies.push(c);
    }

    let samples = Arc::new(Mutex::new(Samples::default()));
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, cookie) in cookies.into_iter().enumerate() {
        let (http, samples, measuring, stop) = (http.clone(), samples.clone(), measuring.clone(), stop.clone());
        let base = bases[i % bases.len()].clone();
        let (questioned, browser) = (questioned.clone(), browser.clone());
        let share = a.submit_share;
        tasks.push(tokio::spawn(async move {
            // a deterministic share per clerk: submit after every k-th look-up on average
            let mut debt = (i as f64 * 0.618_034) % 1.0;
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                // the query as the page sends it, parsed (app::domain::ComparisonQuery)
                let body = json!({ "query": {
                    "business_type": "land_registration",
                    "case_number": { "Structured": { "year": 115, "word": "大安", "number": format!("{:06}", n % 999_999 + 1) } },
                    "national_id": PERSON, "person_name": null
                }});
                let t = Instant::now();
                let resp = http
                    .post(format!("{base}/api/comparisons/start"))
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .header("cookie", &cookie)
                    .body(body.to_string())
                    .send()
                    .await;
                let mut ok = matches!(&resp, Ok(r) if r.status() == 200);
                let text = match resp {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(_) => String::new(),
                };
                let mut bytes = text.len();
                // the registered impression, when the answer names its URL (#38: served apart)
                let image_url =
                    serde_json::from_str::<Value>(&text).ok().and_then(|v| v["seal"]["image_url"].as_str().map(String::from));
                if let (true, Some(u)) = (ok, image_url) {
                    let resp = http.get(format!("{base}{u}")).header("cookie", &cookie).send().await;
                    ok = matches!(&resp, Ok(r) if r.status() == 200);
                    if let Ok(r) = resp {
                        bytes += r.bytes().await.map(|b| b.len()).unwrap_or(0);
                    }
                }
                let took = t.elapsed().as_micros() as u32;
                let on = measuring.load(Ordering::Relaxed);
                if on {
                    let mut s = samples.lock().unwrap();
                    if ok {
                        s.lookup.push(took);
                        s.lookup_bytes.push(bytes as u32);
                    } else {
                        s.errors += 1;
                    }
                }
                if !ok {
                    continue;
                }
                debt += share;
                if debt < 1.0 {
                    continue;
                }
                debt -= 1.0;
                let Some(id) = serde_json::from_str::<Value>(&text).ok().and_then(|v| v["query_id"].as_i64()) else {
                    continue;
                };
                let sub = json!({
                    "query_id": id, "browser": browser, "manual_alignment": null, "decision": "match", "comment": ""
                });
                let t = Instant::now();
                let resp = http
                    .post(format!("{base}/api/comparisons/submit"))
                    .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
                    .header("accept", "application/json")
                    .header("cookie", &cookie)
                    .body(multipart(&sub.to_string(), &questioned))
                    .send()
                    .await;
                let ok = matches!(&resp, Ok(r) if r.status() == 200);
                if let Ok(r) = resp {
                    let _ = r.bytes().await;
                }
                let took = t.elapsed().as_micros() as u32;
                if measuring.load(Ordering::Relaxed) {
                    let mut s = samples.lock().unwrap();
                    if ok {
                        s.submit.push(took);
                    } else {
                        s.errors += 1;
                    }
                }
            }
        }));
    }
    let trail_before = trail_rows(&url, &key).await;
    // the sign-in flood: unknown accounts and unparseable 40 KB numbers, as fast as it goes
    let flood_sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let flood_statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, u64>::new()));
    for f in 0..a.login_flood {
        let (http, stop, sent, statuses) = (http.clone(), stop.clone(), flood_sent.clone(), flood_statuses.clone());
        let base = bases[f % bases.len()].clone();
        tasks.push(tokio::spawn(async move {
            let junk = "x".repeat(40 * 1024);
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let no = if n.is_multiple_of(2) { format!("F{f}{n:07}") } else { junk.clone() };
                let resp = http
                    .post(format!("{base}/api/auth/login"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("accept", "application/json")
                    .body(format!("employee_no={no}&password=Flood-Pass-123"))
                    .send()
                    .await;
                sent.fetch_add(1, Ordering::Relaxed);
                if let Ok(r) = resp {
                    *statuses.lock().unwrap().entry(r.status().as_u16()).or_default() += 1;
                    let _ = r.bytes().await;
                }
            }
        }));
    }
    // warm up, then measure
    tokio::time::sleep(Duration::from_secs(3)).await;
    measuring.store(true, Ordering::Relaxed);
    let t0 = Instant::now();
    tokio::time::sleep(Duration::from_secs(a.secs)).await;
    measuring.store(false, Ordering::Relaxed);
    let elapsed = t0.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let rss: Vec<f64> = servers.iter().map(Server::peak_rss_mb).collect();
    drop(servers);
    let flood = if a.login_flood > 0 {
        let (rows, bytes) = flood_rows(&url, &key, trail_before).await;
        let n = flood_sent.load(Ordering::Relaxed);
        let st = flood_statuses.lock().unwrap().clone();
        println!(
            "sign-in flood: {n} attempts ({:.0}/s) answered {st:?}; trail rows of sign-in refusals and denials added: {rows} ({bytes} bytes)",
            n as f64 / (elapsed + 3.0)
        );
        Some(json!({ "attempts": n, "statuses": st, "rows": rows, "bytes": bytes }))
    } else {
        None
    };

    let mut s = std::mem::take(&mut *samples.lock().unwrap());
    s.lookup.sort_unstable();
    s.submit.sort_unstable();
    let label = format!(
        "{} ({}{}), {} instance(s), {} clerks, submit share {}{}",
        a.db,
        if a.db == "sqlite" { "synchronous=" } else { "" },
        if a.db == "sqlite" { a.sync.to_uppercase() } else { String::new() },
        a.instances,
        a.clerks,
        a.submit_share,
        if a.login_flood > 0 { format!(", {} sign-in flood tasks", a.login_flood) } else { String::new() }
    );
    println!("\n## {label}");
    println!("| endpoint | requests | per second | p50 ms | p95 ms | p99 ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, v) in [("look-up (start + image)", &s.lookup), ("comparisons/submit", &s.submit)] {
        if v.is_empty() {
            continue;
        }
        println!(
            "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            v.len(),
            v.len() as f64 / elapsed,
            percentile(v, 0.50),
            percentile(v, 0.95),
            percentile(v, 0.99)
        );
    }
    let bytes_mean = if s.lookup_bytes.is_empty() {
        0.0
    } else {
        s.lookup_bytes.iter().map(|&b| b as f64).sum::<f64>() / s.lookup_bytes.len() as f64
    };
    println!("look-up bytes (response bodies, uncompressed): {bytes_mean:.0} on average");
    println!(
        "errors: {}; peak RSS per instance: {}",
        s.errors,
        rss.iter().map(|r| format!("{r:.0} MB")).collect::<Vec<_>>().join(", ")
    );
    if let Some(path) = &a.json {
        let v = json!({
            "label": label, "db": a.db, "instances": a.instances, "clerks": a.clerks, "secs": elapsed,
            "submit_share": a.submit_share, "sync": a.sync, "errors": s.errors, "peak_rss_mb": rss,
            "lookup_bytes": bytes_mean,
            "lookup": { "n": s.lookup.len(), "p50": percentile(&s.lookup, 0.5), "p95": percentile(&s.lookup, 0.95), "p99": percentile(&s.lookup, 0.99) },
            "submit": { "n": s.submit.len(), "p50": percentile(&s.submit, 0.5), "p95": percentile(&s.submit, 0.95), "p99": percentile(&s.submit, 0.99) },
            "login_flood": flood,
        });
        let mut all: Vec<Value> =
            std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        all.push(v);
        std::fs::write(path, serde_json::to_string_pretty(&all).unwrap()).unwrap();
    }
    scratch.drop_database().await;
}

const BOUNDARY: &str = "yinjian-load-boundary-5c2e";

/// A submission as the page sends it: the JSON part, then the image's bytes.
fn multipart(submission: &str, image: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"submission\"\r\n\r\n{submission}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"questioned\"; filename=\"q.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The trail's head now.
async fn trail_rows(url: &str, key: &[u8]) -> i64 {
    let (store, _) = app::server::store::open(url, Arc::new(key.to_vec())).await.unwrap();
    store.trail_head().await.unwrap().0
}

/// The rows after `after` that sign-in refusals and anonymous denials wrote, and their bytes.
async fn flood_rows(url: &str, key: &[u8], after: i64) -> (usize, usize) {
    let (store, _) = app::server::store::open(url, Arc::new(key.to_vec())).await.unwrap();
    let mut rows = 0;
    let mut bytes = 0;
    let mut from = after;
    loop {
        let page = store.trail_rows(from, 5_000).await.unwrap();
        let Some(last) = page.last() else { break };
        from = last.seq;
        for r in page.iter().filter(|r| r.action.starts_with("authz.denied") || r.action == "auth.login") {
            rows += 1;
            bytes += r.details.len() + r.client_ip.as_ref().map_or(0, |s| s.len());
        }
    }
    (rows, bytes)
}
