//! Backups and restore drills with the real commands, on both databases: a backup taken while a
//! server takes look-ups restores and checks clean, the drill is entered in the security
//! register, and a corrupted backup is reported as such.

use std::process::Command;

use crate::common::serve::{key_file, lookup, Instance};
use crate::common::{Kind, TestApp, TestDb};
use app::domain::Role;

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

async fn backup_and_drill(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let app = TestApp::new(db, Default::default()).await;
    app::server::seed::seed_demo_seals(app.db.store.as_ref()).await.unwrap();
    app.account("C6001", vec![Role::Clerk], "LO-DA", false).await;
    app.account("A6001", vec![Role::Admin], "LA-IT", false).await;
    let db = &app.db;
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());
    let dest = dir.path().join("backups");

    // under load: a clerk looks people up while the backup is taken
    let server = Instance::start(&db.url, &key, &dir.path().join("site"));
    let clerk = server.sign_in("C6001").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let (base, clerk, stop) = (server.base.clone(), clerk.clone(), stop.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut ok = 0;
            for i in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let r = http
                    .post(format!("{base}/api/comparisons/start"))
                    .header("content-type", "application/json")
                    .header("cookie", &clerk)
                    .body(lookup(i).to_string())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                ok += 1;
            }
            ok
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (code, out) = yinjian(db, &key, &["backup", dest.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the trail key is not in the backup"), "{out}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let looked_up = load.await.unwrap();
    assert!(looked_up > 0);
    drop(server);

    let file = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.to_string_lossy().ends_with(".manifest.json"))
        .expect("a backup file");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{}.manifest.json", file.display())).unwrap()).unwrap();
    let in_backup = manifest["counts"]["seal_query"].as_i64().unwrap();
    assert!(in_backup <= looked_up, "the snapshot holds what was committed when it was taken");
    assert!(manifest["trail_head_seq"].as_i64().unwrap() > 0);
    assert_eq!(manifest["sha256"].as_str().unwrap().len(), 64);
    // the key is not in it
    let bytes = std::fs::read(&file).unwrap();
    let key_hex = std::fs::read_to_string(&key).unwrap();
    assert!(!bytes.windows(key_hex.len()).any(|w| w == key_hex.as_bytes()), "the trail key is not in the backup");

    // the drill passes and is entered in the register
    let f = file.to_str().unwrap();
    let (code, out) = yinjian(db, &key, &["restore-check", f, "--key", key.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    for check in ["[ok] file", "[ok] migrations", "[ok] row counts", "[ok] trail head", "[ok] trail chain", "PASSED"] {
        assert!(out.contains(check), "{check}: {out}");
    }
    let (code, out) = yinjian(db, &key, &["restore-check", f, "--record", "--by", "C6001"]);
    assert_ne!(code, 0, "only an administrator enters it: {out}");
    let (code, out) = yinjian(db, &key, &["restore-check", f, "--record", "--by", "A6001"]);
    assert_eq!(code, 0, "{out}");
    let tasks = db.store.list_tasks().await.unwrap();
    let done = tasks
        .iter()
        .find(|t| t.kind == app::domain::security_task::TaskKind::RestoreDrill && t.done_at.is_some())
        .expect("the drill, done");
    assert!(done.evidence.as_deref().unwrap_or_default().contains("PASSED"), "{:?}", done.evidence);
    let next = tasks
        .iter()
        .find(|t| t.kind == app::domain::security_task::TaskKind::RestoreDrill && t.done_at.is_none())
        .expect("the next drill");
    assert!(next.due_on > done.done_on.unwrap() + chrono::Duration::days(80), "due a quarter later");

    // a corrupted backup is reported as such and fails
    let mut broken = bytes.clone();
    let mid = broken.len() / 2;
    broken[mid] ^= 0x5a;
    let bad = dir.path().join("broken.bak");
    std::fs::write(&bad, &broken).unwrap();
    std::fs::copy(format!("{}.manifest.json", file.display()), format!("{}.manifest.json", bad.display())).unwrap();
    let (code, out) = yinjian(db, &key, &["restore-check", bad.to_str().unwrap()]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("[FAIL] file") && out.contains("corrupted"), "{out}");
    // and a copy whose content is cut (with a manifest rewritten to match the file) fails
    // the restore checks, not only the checksum
    let mut m = manifest.clone();
    let cut = &bytes[..bytes.len() * 2 / 3];
    let cut_file = dir.path().join("cut.bak");
    std::fs::write(&cut_file, cut).unwrap();
    use sha2::Digest;
    m["sha256"] = serde_json::json!(hex::encode(sha2::Sha256::digest(cut)));
    m["bytes"] = serde_json::json!(cut.len());
    std::fs::write(format!("{}.manifest.json", cut_file.display()), m.to_string()).unwrap();
    let (code, out) = yinjian(db, &key, &["restore-check", cut_file.to_str().unwrap()]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("FAIL"), "{out}");
    app.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_and_drill() {
    backup_and_drill(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_and_drill() {
    backup_and_drill(Kind::Postgres).await
}
