//! The first start of `yinjian serve` on an empty database, on both databases: no demo data
//! unless asked for (YINJIAN_DEMO=true, which `make run` sets), and a note on how to create the
//! first administrator.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{Kind, TestDb};

/// Start the server on `db` until it listens, with the trail key in `dir`; its stdout up to then.
fn serve_once(db: &TestDb, dir: &std::path::Path, demo: Option<&str>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yinjian"));
    cmd.arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("YINJIAN_TRAIL_KEY_FILE", dir.join("trail.key"))
        .env("YINJIAN_ADDR", "127.0.0.1:0")
        .env("YINJIAN_SITE_ROOT", dir)
        .env("RUST_LOG", "info")
        .env_remove("YINJIAN_DEMO")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(d) = demo {
        cmd.env("YINJIAN_DEMO", d);
    }
    let mut child = cmd.spawn().expect("start yinjian");
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    for line in out.lines() {
        let line = line.unwrap_or_default();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("listening on") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("listening on"), "the server did not start: {seen}");
    seen
}

async fn no_demo_data_unless_asked(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    // the first start makes the trail key; the second uses it (the database recorded it)
    let dir = tempfile::tempdir().unwrap();
    let out = serve_once(&db, dir.path(), None);
    assert_eq!(db.store.count_accounts().await.unwrap(), 0, "no account was created by default");
    assert!(!out.contains("DEMO "), "{out}");
    assert!(out.contains("yinjian user create") && out.contains("--roles admin"), "{out}");
    assert!(db.store.person("A123456789").await.unwrap().is_none(), "no demo persons");
    // asked for: the demo accounts and persons
    let out = serve_once(&db, dir.path(), Some("true"));
    assert!(out.contains("DEMO clerk"), "{out}");
    assert!(db.store.count_accounts().await.unwrap() > 0);
    assert!(!out.contains("yinjian user create"), "{out}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_no_demo_data_unless_asked() {
    no_demo_data_unless_asked(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_no_demo_data_unless_asked() {
    no_demo_data_unless_asked(Kind::Postgres).await
}
