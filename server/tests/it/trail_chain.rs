//! The trail chain against tampering behind the application's back, checked with the real
//! `yinjian trail verify` command.

use std::process::Command;

use crate::common::{Kind, TestDb, KEY};
use app::server::trail::{Outcome, TrailAction, TrailDraft};

fn yinjian(db: &TestDb, key_file: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .env("DATABASE_URL", &db.url)
        .env("YINJIAN_TRAIL_KEY_FILE", key_file)
        .env("RUST_LOG", "error")
        .output()
        .expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

async fn fill(db: &TestDb, n: i64) {
    for i in 1..=n {
        db.store
            .append_trail(
                TrailDraft::new(TrailAction::TrailRead, Outcome::Success).details(serde_json::json!({ "i": i })),
            )
            .await
            .unwrap();
    }
}

fn drop_triggers(kind: &Kind) -> &'static str {
    match kind {
        Kind::Sqlite => "DROP TRIGGER trail_event_no_update; DROP TRIGGER trail_event_no_delete;",
        Kind::Postgres => "DROP TRIGGER trail_event_no_update ON trail_event;",
    }
}

fn write_key(path: &std::path::Path, key: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, hex::encode(key)).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Sign an (empty) monthly report of a closed month: it records the chain's head, an anchor
/// outside the chain.
async fn sign_a_report(db: &TestDb) -> i64 {
    use app::domain::report::Month;
    let store = db.store.clone();
    let unit = store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let month = Month::of(chrono::Utc::now()).prev().prev();
    let draft = TrailDraft::new(TrailAction::ReportGenerate, Outcome::Success);
    let (id, _) =
        app::server::reports::generate(&store, unit, month, Default::default(), None, draft, chrono::Utc::now())
            .await
            .unwrap();
    let rec = store.report(id).await.unwrap().unwrap();
    let signer = store.list_accounts().await.unwrap()[0].id;
    let draft = TrailDraft::new(TrailAction::ReportSign, Outcome::Success);
    store.sign_report(id, &rec.sha256, signer, "", chrono::Utc::now(), draft).await.unwrap();
    id
}

/// Cutting off the newest rows together with the head, or with a wrong key, is found; the server
/// refuses to start with a wrong key or a key file others can read.
async fn the_head_is_sealed_and_anchored(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("trail.key");
    write_key(&key_file, KEY);
    let Some(db) = TestDb::new(kind).await else { return };
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    fill(&db, 6).await;
    // rows 5 and 6 cut off and the head rewritten to row 4 (what an editor of the file can do)
    let row4 = db.store.trail_rows(3, 1).await.unwrap().remove(0);
    db.exec(drop_triggers(&kind)).await;
    db.exec("DELETE FROM trail_event WHERE seq > 4").await;
    db.exec(&format!("UPDATE trail_head SET seq = 4, hash = '{}' WHERE id = 1", row4.hash)).await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("not sealed"), "{out}");
    db.close().await;

    // even with a head sealed by the key (an old head put back), a signed report's anchor is missed
    let db = TestDb::new(kind).await.unwrap();
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    let hash = app::server::auth::hash_password("x-Very-Long-1!".into()).await.unwrap();
    let unit = db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    let new = app::server::store::NewAccount {
        employee_no: "S1".into(),
        name: "主管".into(),
        unit_id: unit,
        email: String::new(),
        phone: String::new(),
        password_hash: hash,
        must_change_password: false,
        one_time_until: None,
        roles: vec![app::domain::Role::Supervisor],
        now: chrono::Utc::now(),
    };
    db.store.create_account(&new, TrailDraft::new(TrailAction::AccountCreate, Outcome::Success)).await.unwrap();
    fill(&db, 3).await;
    let old_head = db.store.trail_head_sealed().await.unwrap();
    sign_a_report(&db).await;
    fill(&db, 2).await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_eq!(code, 0, "{out}");
    db.exec(drop_triggers(&kind)).await;
    db.exec(&format!("DELETE FROM trail_event WHERE seq > {}", old_head.0)).await;
    db.exec(&format!(
        "UPDATE trail_head SET seq = {}, hash = '{}', mac = '{}' WHERE id = 1",
        old_head.0,
        old_head.1,
        old_head.2.clone().unwrap()
    ))
    .await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("signed monthly report") && out.contains("no longer in the trail"), "{out}");
    db.close().await;

    // a wrong key: the server does not start
    let db = TestDb::new(kind).await.unwrap();
    fill(&db, 3).await;
    let wrong = dir.path().join("wrong.key");
    write_key(&wrong, b"another-key-of-sufficient-length-0123456789");
    let (code, out) = yinjian(&db, &wrong, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("does not verify the newest trail row"), "{out}");
    // the right key, readable by others: refused too
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, out) = yinjian(&db, &key_file, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("may be read by others"), "{out}");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out) = yinjian(&db, &key_file, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_the_head_is_sealed_and_anchored() {
    the_head_is_sealed_and_anchored(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_the_head_is_sealed_and_anchored() {
    the_head_is_sealed_and_anchored(Kind::Postgres).await;
}

/// Every signed report's anchor is checked, however many there are (not one page of the list):
/// 1,001 signed reports, the oldest recording a hash the chain does not have.
async fn every_anchor_is_checked(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("trail.key");
    write_key(&key_file, KEY);
    let Some(db) = TestDb::new(kind).await else { return };
    app::server::seed::ensure_reference_data(db.store.as_ref()).await.unwrap();
    fill(&db, 3).await;
    let row2 = db.store.trail_rows(1, 1).await.unwrap().remove(0);
    let unit = db.store.unit_by_code("LO-DA").await.unwrap().unwrap().id;
    // months 1900-01 … (1,001 of them), signed, each recording row 2; the oldest with a wrong hash
    let (month, at) = match kind {
        Kind::Sqlite => ("printf('%04d-%02d', 1900 + i / 12, i % 12 + 1)", "'2026-01-01T00:00:00Z'"),
        Kind::Postgres => ("lpad((1900 + i / 12)::text, 4, '0') || '-' || lpad((i % 12 + 1)::text, 2, '0')", "now()"),
    };
    db.exec(&format!(
        "INSERT INTO query_report (unit_id, month, generated_at, snapshot, sha256, signed_at, head_seq, head_hash) \
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
         SELECT {unit}, {month}, {at}, '{{}}', 'x', {at}, 2, CASE WHEN i = 0 THEN 'not-the-hash' ELSE '{}' END FROM n",
        row2.hash
    ))
    .await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("signed monthly report"), "{out}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_anchor_is_checked() {
    every_anchor_is_checked(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_anchor_is_checked() {
    every_anchor_is_checked(Kind::Postgres).await;
}

async fn tampering_is_found(kind: Kind) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("trail.key");
    write_key(&key_file, KEY);

    // an altered row
    let Some(db) = TestDb::new(kind).await else { return };
    fill(&db, 6).await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact: 6 rows"), "{out}");
    db.exec(drop_triggers(&kind)).await;
    db.exec("UPDATE trail_event SET details = '{\"i\":99}' WHERE seq = 3").await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("row 3 was altered"), "{out}");
    db.close().await;

    // the newest rows deleted
    let db = TestDb::new(kind).await.unwrap();
    fill(&db, 6).await;
    db.exec(drop_triggers(&kind)).await;
    db.exec("DELETE FROM trail_event WHERE seq > 4").await;
    let (code, out) = yinjian(&db, &key_file, &["trail", "verify"]);
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
    let key = dir.path().join("k").join("trail.key");
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(["migrate"])
        .env("DATABASE_URL", &db)
        .env("YINJIAN_TRAIL_KEY_FILE", &key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}
