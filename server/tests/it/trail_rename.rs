//! "Trail" at every edge (#38 item 4): what an operator or a client used before the rename still
//! works for one release, and says it is going — the old endpoints answer 308 to the new ones,
//! `yinjian audit verify` runs `trail verify` with a deprecation note, `YINJIAN_SECRET_FILE` is
//! still read with a warning, and `restore-check` accepts a backup made before the rename (its
//! manifest names the old tables and fields). The tables' rename itself is the upgrade test's
//! (`upgrade.rs`: a database of the release before opens, migrates and verifies).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::serve::key_file;
use crate::common::{Kind, TestApp, TestDb};
use app::domain::Role;

async fn old_paths_redirect(db: TestDb) {
    let app = TestApp::new(db, Default::default()).await;
    app.account("A7101", vec![Role::Admin], "LA-IT", false).await;
    let admin = app.sign_in("A7101").await;
    for (old, new) in app::server::authz::MOVED_ENDPOINTS {
        let r = app.post(&format!("{old}?x=1"), "limit=5", Some(&admin)).await;
        assert_eq!(r.status, 308, "{old}: {}", r.body);
        assert_eq!(r.headers.get("location").unwrap(), &format!("{new}?x=1"), "{old}");
    }
    // the new paths answer
    let r = app.post("/api/trail/recent", "limit=5", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.post("/api/trail/verify", "", Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // a redirect grants nothing: the new path still decides who may
    app.account("C7101", vec![Role::Clerk], "LO-DA", false).await;
    let clerk = app.sign_in("C7101").await;
    assert_eq!(app.post("/api/audit/recent", "limit=5", Some(&clerk)).await.status, 308);
    assert_eq!(app.post("/api/trail/recent", "limit=5", Some(&clerk)).await.status, 403);
    app.db.close().await;
}

on_both!(old_paths_redirect);

fn yinjian(url: &str, env: &[(&str, &Path)], args: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yinjian"));
    c.args(args).env("DATABASE_URL", url).env_remove("YINJIAN_TRAIL_KEY_FILE").env_remove("YINJIAN_SECRET_FILE");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_command_and_key_variable_still_work_and_say_so() {
    let Some(db) = TestDb::new(Kind::Sqlite).await else { return };
    let app = TestApp::new(db, Default::default()).await;
    app.account("A7102", vec![Role::Admin], "LA-IT", false).await;
    let dir = tempfile::tempdir().unwrap();
    let key = key_file(dir.path());

    let (code, out) = yinjian(&app.db.url, &[("YINJIAN_TRAIL_KEY_FILE", &key)], &["trail", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("trail chain intact") && !out.contains("deprecated"), "{out}");

    // the old subcommand and the old variable, each named as going
    let (code, out) = yinjian(&app.db.url, &[("YINJIAN_SECRET_FILE", &key)], &["audit", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("trail chain intact"), "{out}");
    assert!(out.contains("`yinjian audit` is deprecated"), "{out}");
    assert!(out.contains("YINJIAN_SECRET_FILE is deprecated"), "{out}");

    // the new variable wins over the old one (a wrong key under the old name is not read)
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, "x".repeat(64)).unwrap();
    let (code, out) = yinjian(
        &app.db.url,
        &[("YINJIAN_TRAIL_KEY_FILE", &key), ("YINJIAN_SECRET_FILE", &wrong)],
        &["trail", "verify"],
    );
    assert_eq!(code, 0, "{out}");

    // a data folder holding only the key file of the name before the rename
    let data = tempfile::tempdir().unwrap();
    std::fs::copy(&key, data.path().join("audit.key")).unwrap();
    let (code, out) = yinjian(&app.db.url, &[("YINJIAN_DATA_DIR", data.path())], &["trail", "verify"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rename it to trail.key"), "{out}");
    app.db.close().await;
}

/// A backup as the release before the rename wrote it: the fixture's SQLite file of that release
/// (old table names) and a manifest with the old field names, counted off that file.
async fn old_backup(dir: &Path) -> std::path::PathBuf {
    use sha2::Digest;
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade/2026-12-07/yinjian.db");
    let file = dir.join("yinjian-20261207T000000Z.sqlite");
    std::fs::copy(&fixture, &file).unwrap();
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&file).read_only(true);
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&opts).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' \
         AND name NOT IN ('http_session', 'rate_window') ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    assert!(tables.iter().any(|t| t == "audit_event"), "the fixture predates the rename");
    let mut counts = BTreeMap::new();
    for t in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\"")).fetch_one(&mut c).await.unwrap();
        counts.insert(t, n);
    }
    let schema: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut c).await.unwrap();
    let (seq, hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut c).await.unwrap();
    sqlx::Connection::close(c).await.unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let manifest = serde_json::json!({
        "created_at": "2026-12-07T00:00:00Z",
        "version": "0.1.0",
        "database": "sqlite",
        "file": file.file_name().unwrap().to_string_lossy(),
        "bytes": bytes.len(),
        "sha256": hex::encode(sha2::Sha256::digest(&bytes)),
        "schema_version": schema,
        "counts": counts,
        "audit_head_seq": seq,
        "audit_head_hash": hash,
    });
    std::fs::write(server::backup::manifest_path(&file), manifest.to_string()).unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_check_accepts_a_backup_made_before_the_rename() {
    let dir = tempfile::tempdir().unwrap();
    let backup = old_backup(dir.path()).await;
    let key = key_file(dir.path());
    let live = format!("sqlite://{}", dir.path().join("live.db").display());
    let (code, out) = yinjian(
        &live,
        &[("YINJIAN_TRAIL_KEY_FILE", &key)],
        &["restore-check", backup.to_str().unwrap(), "--key", key.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}");
    for check in ["[ok] file", "[ok] migrations", "[ok] row counts", "[ok] trail head", "[ok] trail chain", "PASSED"] {
        assert!(out.contains(check), "{check}: {out}");
    }
    // the same backup with one trail row fewer in its manifest is refused: the old names are
    // compared, not skipped
    let mp = server::backup::manifest_path(&backup);
    let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&mp).unwrap()).unwrap();
    let n = m["counts"]["audit_event"].as_i64().unwrap();
    m["counts"]["audit_event"] = serde_json::json!(n - 1);
    std::fs::write(&mp, m.to_string()).unwrap();
    let (code, out) = yinjian(
        &live,
        &[("YINJIAN_TRAIL_KEY_FILE", &key)],
        &["restore-check", backup.to_str().unwrap(), "--key", key.to_str().unwrap()],
    );
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("trail_event"), "{out}");
}
