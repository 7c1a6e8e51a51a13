//! Test support: a fresh database of either kind, and a full application router on it.
#![allow(dead_code)]

pub mod clamd;
pub mod serve;

use std::sync::Arc;

use app::server::store::{DynStore, Pool};

pub const KEY: &[u8] = b"test-audit-key-0123456789abcdef-0123456789";

/// The seal images shipped with the repository (`crates/matcher/tests/fixtures/seal`).
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/matcher/tests/fixtures/seal");

/// A fixture image's bytes, e.g. `fixture("registered/r0004.png")`.
pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Standard base64, as the JSON endpoints take images.
pub fn b64(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The body of `comparisons/start`: the look-up form as typed, parsed as the page parses it
/// before it sends the query.
#[allow(dead_code)]
pub fn query_body(input: serde_json::Value) -> serde_json::Value {
    let input: app::domain::QueryInput = serde_json::from_value(input).expect("the look-up form's fields");
    serde_json::json!({ "query": input.parse().expect("a valid look-up") })
}

/// The multipart boundary the tests' submissions use.
pub const BOUNDARY: &str = "yinjian-test-boundary-7d1f";

/// A submission as the page sends it (`comparisons/submit` takes `multipart/form-data`): the
/// JSON part and the image part, from the tests' shorthand `{"submission": {…, "questioned_b64":
/// base64 of the image}}`. Returns (content type, body).
pub fn multipart(shorthand: &serde_json::Value) -> (String, Vec<u8>) {
    use base64::Engine;
    let mut sub = shorthand["submission"].clone();
    let image = sub
        .as_object_mut()
        .and_then(|o| o.remove("questioned_b64"))
        .and_then(|v| v.as_str().map(String::from))
        .map(|b| base64::engine::general_purpose::STANDARD.decode(b).unwrap())
        .unwrap_or_default();
    multipart_parts(&[("submission", None, sub.to_string().into_bytes()), ("questioned", Some("q"), image)])
}

/// A `multipart/form-data` body of these parts (name, file name, bytes).
pub fn multipart_parts(parts: &[(&str, Option<&str>, Vec<u8>)]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    pub store: DynStore,
    pub pool: Pool,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

/// The PostgreSQL server for tests, or None (with a loud note) when none answers and it is
/// not required. `make test` sets YINJIAN_REQUIRE_PG=1 when a server answers, and CI always.
pub async fn pg_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let required = std::env::var("YINJIAN_REQUIRE_PG").is_ok_and(|v| v == "1");
    match sqlx::PgPool::connect(&url).await {
        Ok(p) => {
            p.close().await;
            Some(url)
        }
        Err(e) if required => panic!("PostgreSQL at {url} is required but does not answer: {e}"),
        Err(e) => {
            eprintln!("!!! SKIPPING a PostgreSQL test: no server answers at {url}: {e}");
            None
        }
    }
}

impl TestDb {
    pub async fn new(kind: Kind) -> Option<Self> {
        let db = Self::new_unmigrated(kind).await?;
        db.store.migrate().await.expect("migrate");
        Some(db)
    }

    /// A fresh database with no migration applied (for upgrade tests).
    pub async fn new_unmigrated(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let (store, pool) = app::server::store::open(&url, Arc::new(KEY.to_vec())).await.expect("open sqlite");
                Some(Self { url, store, pool, _dir: Some(dir), pg_admin: None })
            }
            Kind::Postgres => {
                let admin = pg_admin_url().await?;
                let name = format!("yinjian_test_{}_{}", std::process::id(), rand_suffix());
                let conn = sqlx::PgPool::connect(&admin).await.expect("pg admin");
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&conn).await.expect("create database");
                conn.close().await;
                let url = replace_db(&admin, &name);
                let (store, pool) = app::server::store::open(&url, Arc::new(KEY.to_vec())).await.expect("open pg");
                Some(Self { url, store, pool, _dir: None, pg_admin: Some((admin, name)) })
            }
        }
    }

    /// An existing SQLite database file (for upgrade tests), not migrated.
    pub async fn open_unmigrated(url: &str) -> Self {
        let (store, pool) = app::server::store::open(url, Arc::new(KEY.to_vec())).await.expect("open");
        Self { url: url.to_string(), store, pool, _dir: None, pg_admin: None }
    }

    /// A raw connection pool on the same database, to act behind the application's back.
    pub async fn exec(&self, sql: &str) {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::raw_sql(sql).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql(sql).execute(p).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
        }
    }

    pub async fn try_exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
            Pool::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        }
    }

    pub async fn close(self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        if let Some((admin, name)) = &self.pg_admin {
            if let Ok(conn) = sqlx::PgPool::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&conn).await;
                conn.close().await;
            }
        }
    }
}

fn rand_suffix() -> String {
    use rand::Rng;
    let mut r = rand::rng();
    (0..8).map(|_| (b'a' + r.random_range(0..26u8)) as char).collect()
}

fn replace_db(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Run one async test body on both databases.
#[macro_export]
macro_rules! both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let db = $crate::common::TestDb::new($crate::common::Kind::Sqlite).await.expect("sqlite");
                super::$name(&db).await;
                db.close().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let Some(db) = $crate::common::TestDb::new($crate::common::Kind::Postgres).await else { return };
                super::$name(&db).await;
                db.close().await;
            })*
        }
    };
}

/// The full application router on a test database, driven request by request.
/// Run `async fn name(db: TestDb)` tests (which take the database by value, e.g. to build a
/// [`TestApp`]) on SQLite and, when it answers, PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::TestDb::new($crate::common::Kind::Sqlite).await.unwrap()).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(db) = $crate::common::TestDb::new($crate::common::Kind::Postgres).await { super::$name(db).await }
            }
        )* }
    };
}

pub struct TestApp {
    pub db: TestDb,
    pub router: axum::Router,
    /// The application's clock: tests move it instead of sleeping.
    pub clock: app::server::Clock,
    /// The instance's health measurements (how many database queries `/healthz` made).
    pub health: Arc<app::server::system::HealthCache>,
}

pub const PASSWORD: &str = "Seal-Check-2026!";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    /// The refusal as a person reads it (zh-TW), rendered from the typed error the body carries
    /// (the body itself holds no sentence since #38); the body as it is when it is no error.
    pub fn message(&self) -> String {
        match serde_json::from_str::<app::error::ApiError>(&self.body) {
            Ok(e) => e.text(app::i18n::Locale::ZhTw),
            Err(_) => self.body.clone(),
        }
    }

    /// The typed error the body carries.
    pub fn error(&self) -> Option<app::error::ApiError> {
        serde_json::from_str(&self.body).ok()
    }

    /// The session cookie (name=value) the response set, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(axum::http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("yinjian=") || c.starts_with("__Host-yinjian="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }
}

impl TestApp {
    pub async fn new(db: TestDb, auth: app::server::AuthConfig) -> Self {
        Self::with_state(db, auth, |s| s).await
    }

    /// Like [`TestApp::new`], with a chance to adjust the state (scanner, upload limits).
    pub async fn with_state(
        db: TestDb,
        auth: app::server::AuthConfig,
        adjust: impl FnOnce(app::server::AppState) -> app::server::AppState,
    ) -> Self {
        Self::build(db, auth, adjust, std::env::temp_dir().join("yinjian-no-site")).await
    }

    /// Like [`TestApp::new`], serving the built site in `site_root` (pkg/, assets.json).
    pub async fn with_site(db: TestDb, auth: app::server::AuthConfig, site_root: std::path::PathBuf) -> Self {
        Self::build(db, auth, |s| s, site_root).await
    }

    async fn build(
        db: TestDb,
        auth: app::server::AuthConfig,
        adjust: impl FnOnce(app::server::AppState) -> app::server::AppState,
        site_root: std::path::PathBuf,
    ) -> Self {
        app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
        let sessions = server::sessions::AnySessionStore::new(&db.pool).await.unwrap();
        let state = adjust(app::server::AppState::new(db.store.clone(), auth, Arc::new(KEY.to_vec())));
        let clock = state.clock.clone();
        let health = state.health.clone();
        let cfg = server::web::WebConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            site_root,
            secure: false,
            trusted_origins: vec![],
            trusted_proxies: vec![],
            upload_body_limit: 16 * 1024 * 1024,
        };
        let router = server::web::router(state, sessions, cfg).unwrap();
        Self { db, router, clock, health }
    }

    /// An account with a known password, already changed (not restricted).
    pub async fn account(
        &self,
        employee_no: &str,
        roles: Vec<app::domain::Role>,
        unit: &str,
        must_change: bool,
    ) -> i64 {
        let unit = self.db.store.unit_by_code(unit).await.unwrap().unwrap();
        let hash = app::server::auth::hash_password(PASSWORD.into()).await.unwrap();
        self.db
            .store
            .create_account(
                &app::server::store::NewAccount {
                    employee_no: employee_no.into(),
                    name: format!("測試{employee_no}"),
                    unit_id: unit.id,
                    email: String::new(),
                    phone: String::new(),
                    password_hash: hash,
                    must_change_password: must_change,
                    // a password to be changed is a one-time password: issued now
                    one_time_until: must_change.then(|| app::server::auth::one_time_until(chrono::Utc::now())),
                    roles,
                    now: chrono::Utc::now() - chrono::Duration::days(2),
                },
                app::server::trail::TrailDraft::new(
                    app::server::trail::TrailAction::AccountCreate,
                    app::server::trail::Outcome::Success,
                ),
            )
            .await
            .unwrap()
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: &str,
        cookie: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Reply {
        use tower::ServiceExt;
        let mut b = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let resp =
            self.router.clone().oneshot(b.body(axum::body::Body::from(body.to_string())).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn post(&self, path: &str, body: &str, cookie: Option<&str>) -> Reply {
        self.request("POST", path, body, cookie, &[]).await
    }

    /// POST a JSON body (endpoints declared with `input = Json`).
    pub async fn post_json(&self, path: &str, body: &serde_json::Value, cookie: Option<&str>) -> Reply {
        use tower::ServiceExt;
        let mut b = axum::http::Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/json")
            .header("accept", "application/json");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        let req = b.body(axum::body::Body::from(body.to_string())).unwrap();
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Submit a comparison (`comparisons/submit`, multipart) from the tests' shorthand (see
    /// [`multipart`]).
    pub async fn post_submit(&self, shorthand: &serde_json::Value, cookie: Option<&str>) -> Reply {
        let (content_type, body) = multipart(shorthand);
        self.send_bytes("POST", "/api/comparisons/submit", &content_type, body, cookie).await
    }

    /// A request with these bytes as its body, of this content type.
    pub async fn send_bytes(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        cookie: Option<&str>,
    ) -> Reply {
        use tower::ServiceExt;
        let mut b = axum::http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type)
            .header("content-length", body.len().to_string())
            .header("accept", "application/json");
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        let resp = self.router.clone().oneshot(b.body(axum::body::Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// GET `path` (the endpoints read with a GET: `authz::GET_ENDPOINTS`); the body's bytes.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (Reply, Vec<u8>) {
        use tower::ServiceExt;
        let mut b = axum::http::Request::builder().method("GET").uri(path);
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        let resp = self.router.clone().oneshot(b.body(axum::body::Body::empty()).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes().to_vec();
        (Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }, bytes)
    }

    /// Sign in with the test password; the session cookie (panics when refused).
    pub async fn sign_in(&self, employee_no: &str) -> String {
        self.login(employee_no, PASSWORD)
            .await
            .unwrap_or_else(|r| panic!("login {employee_no}: {} {}", r.status, r.body))
    }

    /// Sign in and, when the notice on official use (五(二)1、九) is due, acknowledge it as a
    /// person does at the first sign-in of the year; returns the session cookie.
    /// [`TestApp::login_unacknowledged`] leaves the notice unacknowledged.
    pub async fn login(&self, employee_no: &str, password: &str) -> Result<String, Reply> {
        let (cookie, outcome) = self.login_unacknowledged(employee_no, password).await?;
        if outcome.acknowledgement_due {
            let r = self.post("/api/auth/acknowledge", "", Some(&cookie)).await;
            assert_eq!(r.status, 200, "acknowledgement of {employee_no}: {}", r.body);
        }
        Ok(cookie)
    }

    /// Sign in only; the session cookie and what the sign-in answered.
    pub async fn login_unacknowledged(
        &self,
        employee_no: &str,
        password: &str,
    ) -> Result<(String, app::domain::auth::LoginOutcome), Reply> {
        let body = format!("employee_no={employee_no}&password={}", urlencode(password));
        let r = self.post("/api/auth/login", &body, None).await;
        if r.status == 200 {
            let outcome = serde_json::from_str(&r.body).expect("a sign-in's outcome");
            Ok((r.session_cookie().expect("a session cookie at sign-in"), outcome))
        } else {
            Err(r)
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The stored idle deadline of the (only) session, as the database holds it.
pub async fn session_deadline(db: &TestDb) -> String {
    use app::server::store::Pool;
    match &db.pool {
        Pool::Sqlite(p) => sqlx::query_scalar("SELECT MAX(expiry_date) FROM http_session").fetch_one(p).await.unwrap(),
        Pool::Postgres(p) => {
            sqlx::query_scalar("SELECT MAX(expiry_date)::text FROM tower_sessions.session").fetch_one(p).await.unwrap()
        }
    }
}
