//! Real `yinjian serve` processes on a test database, driven over HTTP (for the tests of
//! several instances and of a crash).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use super::{b64, fixture, query_body, KEY};

/// The trail key of the test database (`common::KEY`), in a file only the owner reads.
pub fn key_file(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("trail.key");
    std::fs::write(&path, hex::encode(KEY)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// One running server.
pub struct Instance {
    child: Child,
    pub base: String,
    http: reqwest::Client,
}

impl Instance {
    /// Start `yinjian serve` on `url` with the scheduler every second; returns once it listens.
    pub fn start(url: &str, key_file: &Path, site: &Path) -> Self {
        Self::start_with(url, key_file, site, &[])
    }

    /// [`Instance::start`] with more of the environment.
    pub fn start_with(url: &str, key_file: &Path, site: &Path, env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yinjian"))
            .envs(env.iter().copied())
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("YINJIAN_TRAIL_KEY_FILE", key_file)
            .env("YINJIAN_ADDR", "127.0.0.1:0")
            .env("YINJIAN_SITE_ROOT", site)
            .env("YINJIAN_SCHEDULER_SECS", "1")
            .env("YINJIAN_DEMO", "false")
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start yinjian");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut base = None;
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(addr) = line.trim().strip_prefix("Yinjian listening on ") {
                base = Some(addr.to_string());
                break;
            }
            line.clear();
        }
        // keep draining stdout so the server never blocks on a full pipe
        std::thread::spawn(move || {
            let mut sink = String::new();
            while out.read_line(&mut sink).unwrap_or(0) > 0 {
                sink.clear();
            }
        });
        let base = base.unwrap_or_else(|| {
            let _ = child.kill();
            panic!("the server did not start: {:?}", child.wait())
        });
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        Self { child, base, http }
    }

    /// SIGKILL: no shutdown of any kind.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// POST a form (`k=v&…`); (status, body, session cookie set).
    pub async fn post(&self, path: &str, body: &str, cookie: Option<&str>) -> (u16, String, Option<String>) {
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body.to_string());
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        Self::reply(r).await
    }

    pub async fn post_json(&self, path: &str, body: &Value, cookie: Option<&str>) -> (u16, String, Option<String>) {
        let mut r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string());
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        Self::reply(r).await
    }

    /// Submit a comparison (multipart) from the tests' shorthand (`super::multipart`).
    pub async fn post_submit(&self, shorthand: &Value, cookie: Option<&str>) -> (u16, String, Option<String>) {
        let (content_type, body) = super::multipart(shorthand);
        let mut r = self
            .http
            .post(format!("{}/api/comparisons/submit", self.base))
            .header("content-type", content_type)
            .header("accept", "application/json")
            .body(body);
        if let Some(c) = cookie {
            r = r.header("cookie", c);
        }
        Self::reply(r).await
    }

    async fn reply(r: reqwest::RequestBuilder) -> (u16, String, Option<String>) {
        match r.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let cookie = resp
                    .headers()
                    .get_all(reqwest::header::SET_COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find(|c| c.starts_with("yinjian=") || c.starts_with("__Host-yinjian="))
                    .map(|c| c.split(';').next().unwrap_or_default().to_string());
                (status, resp.text().await.unwrap_or_default(), cookie)
            }
            // the connection was cut (the server was killed): no answer
            Err(_) => (0, String::new(), None),
        }
    }

    /// Sign in with `common::PASSWORD`; the session cookie.
    pub async fn sign_in(&self, employee_no: &str) -> String {
        let body = format!("employee_no={employee_no}&password={}", super::urlencode(super::PASSWORD));
        let (status, text, cookie) = self.post("/api/auth/login", &body, None).await;
        assert_eq!(status, 200, "sign-in of {employee_no} on {}: {text}", self.base);
        let cookie = cookie.expect("a session cookie");
        // then the notice (五(二)1、九), as a person does at the first sign-in of the year
        if text.contains("\"acknowledgement_due\":true") {
            let (status, text, _) = self.post("/api/auth/acknowledge", "", Some(&cookie)).await;
            assert_eq!(status, 200, "acknowledgement of {employee_no} on {}: {text}", self.base);
        }
        cookie
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The demo person with a registered seal (r0004.png) and a genuine questioned scan.
pub const PERSON: &str = "A123456789";

pub fn lookup(case: u32) -> Value {
    query_body(serde_json::json!({
        "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": format!("{:06}", case), "case_free": "", "national_id": PERSON, "person_name": "王大明"
    }))
}

/// A full comparison of `query_id` with the genuine scan, the browser's result computed as
/// the page's WASM does.
pub fn submission(query_id: i64) -> Value {
    use matcher::{self, MatchOptions};
    let questioned = fixture("demo/q0037.jpg");
    let r = matcher::match_pair(&fixture("registered/r0004.png"), &questioned, &MatchOptions::default()).unwrap();
    serde_json::json!({ "submission": {
        "query_id": query_id, "questioned_b64": b64(&questioned),
        "browser": { "score": r.score, "band": r.band, "alignment": r.alignment, "manual": false },
        "manual_alignment": null, "decision": "match", "comment": ""
    }})
}

/// `yinjian trail verify` on the database: (exit code, output).
pub fn trail_verify(url: &str, key_file: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["trail", "verify"])
        .env("DATABASE_URL", url)
        .env("YINJIAN_TRAIL_KEY_FILE", key_file)
        .env("RUST_LOG", "error")
        .output()
        .expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}
