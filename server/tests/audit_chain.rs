//! The audit chain against tampering behind the application's back, checked with the real
//! `yinjian audit verify` command.

mod common;

use std::process::Command;

use app::server::audit::{AuditDraft, Outcome};
use common::{Kind, TestDb, KEY};

fn yinjian(db: &TestDb, key_file: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("YINJIAN_SECRET_FILE", key_file)
        .env("RUST_LOG", "error")
        .output()
        .expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

async fn fill(db: &TestDb, n: i64) {
    for i in 1..=n {
        db.store
            .append_audit(AuditDraft::new("test.event", Outcome::Success).details(serde_json::json!({ "i": i })))
            .await
            .unwrap();
    }
}

fn drop_triggers(kind: &Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;",
        Kind::Postgres => "DROP TRIGGER audit_event_no_update ON audit_event;",
    }
}

async fn tampering_is_found(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("audit.key");
    std::fs::write(&key_file, hex::encode(KEY)).unwrap();

    // an altered row
    let Some(db) = TestDb::new(kind).await else { return };
    fill(&db, 6).await;
    let (code, out) = yinjian(&db, &key_file, &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 6 rows"), "{out}");
    db.exec(drop_triggers(&kind)).await;
    db.exec("UPDATE audit_event SET details = '{\"i\":99}' WHERE seq = 3").await;
    let (code, out) = yinjian(&db, &key_file, &["audit", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("row 3 was altered"), "{out}");
    db.close().await;

    // the newest rows deleted
    let db = TestDb::new(kind).await.unwrap();
    fill(&db, 6).await;
    db.exec(drop_triggers(&kind)).await;
    db.exec("DELETE FROM audit_event WHERE seq > 4").await;
    let (code, out) = yinjian(&db, &key_file, &["audit", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("head says the last row is 6") && out.contains("rows were removed"), "{out}");

    // without its key the server refuses to start once the trail has rows
    let missing = dir.path().join("missing.key");
    let (code, out) = yinjian(&db, &missing, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("refusing to start"), "{out}");
    assert!(!missing.exists(), "no new key is made for a trail that has rows");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tampering_is_found() {
    tampering_is_found(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_tampering_is_found() {
    tampering_is_found(Kind::Postgres).await;
}

#[test]
fn a_new_key_file_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let key = dir.path().join("k").join("audit.key");
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["migrate"])
        .env("DATABASE_URL", &db)
        .env("YINJIAN_SECRET_FILE", &key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
