//! Personal data never reaches the logs: the comparison flow (query, upload, submit, a refused
//! upload, a denial, a record read) runs with every tracing event captured at TRACE level, and
//! the captured text holds no national ID, no person's name and no image bytes. One process,
//! one global subscriber: this file is its own test binary.

#[path = "it/common/mod.rs"]
mod common;

use std::sync::{Arc, Mutex};

use app::domain::Role;
use common::{b64, fixture, query_body, Kind, TestApp, TestDb};
use matcher::{self, MatchOptions};
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const PERSON: &str = "A123456789";

async fn flow(kind: Kind, logs: &Captured) {
    let Some(db) = TestDb::new(kind).await else { return };
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C1001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("C2001", vec![Role::Clerk], "LO-SS", false).await;
    let clerk = app.sign_in("C1001").await;
    let person = app.db.store.person(PERSON).await.unwrap().unwrap();
    let q =
        query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115", "case_word": "大安",
        "case_number": "001234", "case_free": "", "national_id": PERSON, "person_name": "王大明" }));
    let r = app.post_json("/api/comparisons/start", &q, Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s: Value = serde_json::from_str(&r.body).unwrap();
    let qid = s["query_id"].as_i64().unwrap();
    let genuine = fixture("demo/q0037.jpg");
    let reg = fixture("registered/r0004.png");
    let m = matcher::match_pair(&reg, &genuine, &MatchOptions::default()).unwrap();
    let browser = json!({ "score": m.score, "band": m.band, "alignment": m.alignment, "manual": false });
    // a refused upload first, then the real one
    let bad = json!({ "submission": { "query_id": qid, "questioned_b64": b64(b"%PDF-1.4 x"), "browser": browser,
        "manual_alignment": null, "decision": "match", "comment": "" } });
    assert_eq!(app.post_submit(&bad, Some(&clerk)).await.status, 400);
    let good = json!({ "submission": { "query_id": qid, "questioned_b64": b64(&genuine), "browser": browser,
        "manual_alignment": null, "decision": "match", "comment": "" } });
    let r = app.post_submit(&good, Some(&clerk)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = serde_json::from_str::<Value>(&r.body).unwrap()["id"].as_i64().unwrap();
    // another unit's clerk is refused the record; a bad national ID is refused
    let other = app.sign_in("C2001").await;
    assert_ne!(app.post("/api/comparisons/get", &format!("id={id}"), Some(&other)).await.status, 200);
    let mut bad_id = query_body(serde_json::json!({ "business_type": "land_registration", "case_year": "115",
        "case_word": "大安", "case_number": "001235", "case_free": "", "national_id": "A123456789", "person_name": "" }));
    bad_id["query"]["national_id"] = json!("A123456788");
    assert_eq!(app.post_json("/api/comparisons/start", &bad_id, Some(&clerk)).await.status, 400);
    assert_eq!(app.post("/api/comparisons/get", &format!("id={id}"), Some(&clerk)).await.status, 200);

    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.len() > 1000, "the flow was logged at all ({} bytes)", text.len());
    for secret in [PERSON, "A123456788", "王大明", person.name.as_str()] {
        assert!(!text.contains(secret), "{secret} reached the logs");
    }
    let image_b64 = b64(&genuine);
    assert!(!text.contains(&image_b64[..64]), "image bytes reached the logs");
    assert!(!text.contains(&b64(&reg)[..64]), "the registered image reached the logs");
    app.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_personal_data_in_logs() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    flow(Kind::Sqlite, &logs).await;
    flow(Kind::Postgres, &logs).await;
}
