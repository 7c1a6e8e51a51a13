//! The browser bundle as served (#15 item 4): pages name the fingerprinted files of
//! `pkg/assets.json`; fingerprinted files are cached for a year (`immutable`) and sent
//! precompressed (brotli, else gzip) to browsers that accept it; plain names are revalidated;
//! pages are never cached.

use crate::common;

use crate::common::{TestApp, TestDb};
use app::server::AuthConfig;

const APP: &str = "yinjian.0123456789abcdef";
const CSS: &str = "yinjian.fedcba9876543210.css";
const WORKER: &str = "matcher-worker.00112233aabbccdd.js";

/// A built site as `frontend/fingerprint.mjs` leaves it (contents made up, names real).
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let js = b"export default function init() {}\n".repeat(50);
    std::fs::write(pkg.join("yinjian.js"), &js).unwrap();
    std::fs::write(pkg.join(format!("{APP}.js")), &js).unwrap();
    std::fs::write(pkg.join(format!("{APP}.js.br")), b"BROTLI-BYTES").unwrap();
    std::fs::write(pkg.join(format!("{APP}.js.gz")), b"GZIP-BYTES").unwrap();
    std::fs::write(pkg.join(CSS), b"body{}").unwrap();
    std::fs::write(pkg.join("assets.json"), format!(r#"{{"app":"{APP}","css":"{CSS}","worker":"{WORKER}"}}"#)).unwrap();
    dir
}

async fn get(app: &TestApp, path: &str, encodings: &str) -> common::Reply {
    app.request("GET", path, "", None, &[("accept-encoding", encodings), ("accept", "*/*")]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_fingerprinted_files_which_are_cached_and_precompressed() {
    let site = site();
    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    let app = TestApp::with_site(db, AuthConfig::default(), site.path().to_path_buf()).await;

    // the page: fingerprinted names, never cached
    let page = app.request("GET", "/login", "", None, &[("accept", "text/html")]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["cache-control"], "no-store");
    for name in [format!("/pkg/{APP}.js"), format!("/pkg/{APP}.wasm"), format!("/pkg/{CSS}"), format!("/pkg/{WORKER}")]
    {
        assert!(page.body.contains(&name), "the page names {name}: {}", page.body);
    }
    assert!(!page.body.contains("/pkg/yinjian.css"), "no plain stylesheet name");

    // fingerprinted: a year, immutable, brotli when accepted, else gzip, else as is
    let path = format!("/pkg/{APP}.js");
    let br = get(&app, &path, "gzip, deflate, br").await;
    assert_eq!(br.status, 200);
    assert_eq!(br.headers["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(br.headers["content-encoding"], "br");
    assert_eq!(br.body, "BROTLI-BYTES");
    assert!(br.headers["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    let gz = get(&app, &path, "gzip").await;
    assert_eq!(gz.headers["content-encoding"], "gzip");
    assert_eq!(gz.body, "GZIP-BYTES");
    let plain = get(&app, &path, "identity").await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert!(plain.body.starts_with("export default function init"));

    // a plain name: revalidated on every use
    let unhashed = get(&app, "/pkg/yinjian.js", "br").await;
    assert_eq!(unhashed.status, 200);
    assert_eq!(unhashed.headers["cache-control"], "no-cache");

    // a missing file is not cached as immutable
    let missing = get(&app, "/pkg/yinjian.ffffffffffffffff.js", "br").await;
    assert_eq!(missing.status, 404);
    assert_ne!(
        missing.headers.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("public, max-age=31536000, immutable")
    );
    app.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_manifest_the_plain_names_are_served() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    let db = TestDb::new(common::Kind::Sqlite).await.unwrap();
    let app = TestApp::with_site(db, AuthConfig::default(), dir.path().to_path_buf()).await;
    let page = app.request("GET", "/login", "", None, &[("accept", "text/html")]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/pkg/yinjian.css"));
    assert!(page.body.contains("/pkg/yinjian.js"));
    assert!(page.body.contains("/pkg/matcher-worker.js"));
    app.db.close().await;
}

/// The sign-in page returns only to routes it knows (`domain::nav::ROUTES`, against open
/// redirects): that list is the router's, no more and no less.
#[tokio::test]
async fn the_sign_in_page_knows_every_route_and_only_those() {
    let _ = any_spawner::Executor::init_tokio();
    let mut router: Vec<String> =
        leptos_axum::generate_route_list(app::App).iter().map(|r| r.path().replace("{id}", ":id")).collect();
    router.sort();
    router.dedup();
    let mut known: Vec<String> = app::domain::nav::ROUTES.iter().map(|r| r.to_string()).collect();
    known.sort();
    assert_eq!(known, router);
}
