//! One trail, one key, on both databases: the database records the trail key's fingerprint
//! (a keyed self-MAC, never the key) when the key is first used, and every process that opens
//! the trail refuses another key, naming the key file. Instances racing through their first
//! start on an empty trail, each with a key of its own: exactly one key wins. A trail from before
//! fingerprints gets its key's recorded at the first start whose key verifies the newest row.

use std::path::Path;
use std::process::Command;

use crate::common::{Kind, TestDb, KEY};
use app::server::trail::{key_fingerprint, Outcome, TrailAction, TrailDraft};

fn yinjian(db: &TestDb, key_file: &Path, args: &[&str]) -> (i32, String) {
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

fn write_key(path: &Path, key: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, hex::encode(key)).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn read_key(path: &Path) -> Vec<u8> {
    hex::decode(std::fs::read_to_string(path).unwrap().trim()).unwrap()
}

/// Four instances on four "hosts" (key files of their own, none there yet) start at once on an
/// empty trail: each makes a key, exactly one records it; the others remove the key they made
/// and refuse, saying why.
async fn racing_first_starts(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = (0..4).map(|i| dir.path().join(format!("host{i}")).join("trail.key")).collect();
    let url = db.url.clone();
    let results = futures_join(files.iter().map(|f| {
        let url = url.clone();
        let f = f.clone();
        async move { server::setup::open(&url, &f).await.map(|(s, _, k)| (s, k)) }
    }))
    .await;
    let (won, lost): (Vec<_>, Vec<_>) = results.into_iter().zip(&files).partition(|(r, _)| r.is_ok());
    assert_eq!(
        won.len(),
        1,
        "exactly one first start wins: {:?}",
        lost.iter().map(|(r, _)| r.as_ref().err()).collect::<Vec<_>>()
    );
    let (winner, winner_file) = won.into_iter().next().unwrap();
    let (store, key) = winner.unwrap();
    assert_eq!(read_key(winner_file), *key);
    let recorded = db.store.trail_key_fingerprint().await.unwrap().expect("a fingerprint is recorded");
    assert_eq!(recorded, key_fingerprint(&key));
    assert!(!recorded.contains(&hex::encode(key.as_slice())), "the key itself is not in the database");
    for (r, f) in &lost {
        let msg = r.as_ref().err().unwrap().to_string();
        assert!(
            msg.contains("another instance recorded its own trail key")
                || msg.contains("was already started with a key"),
            "{msg}"
        );
        assert!(msg.contains(&f.display().to_string()), "the message names the key file: {msg}");
        assert!(!f.exists(), "the losing start leaves no key file behind: {}", f.display());
    }
    // the winner writes; the others' keys could not have
    store.append_trail(TrailDraft::new(TrailAction::TrailRead, Outcome::Success)).await.unwrap();

    // a later instance with a key of its own (copied from nowhere): refused, naming the file
    let other = dir.path().join("other.key");
    write_key(&other, b"another-key-of-sufficient-length-0123456789");
    for args in [&["migrate"][..], &["user", "units"], &["seals", "import", "/nonexistent"]] {
        let (code, out) = yinjian(&db, &other, args);
        assert_ne!(code, 0, "{args:?}: {out}");
        assert!(out.contains("is not the key this database's trail was started with"), "{args:?}: {out}");
        assert!(out.contains(&other.display().to_string()), "{out}");
    }
    // `trail verify` with it says so too
    let (code, out) = yinjian(&db, &other, &["trail", "verify"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not this trail's key"), "{out}");
    // with the winner's key file (copied, as docs/deploy.md says): it starts and verifies
    let (code, out) = yinjian(&db, winner_file, &["trail", "verify"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = yinjian(&db, winner_file, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    db.close().await;

    // the trail still empty, the key recorded, and a second host without the key file: no new key
    let db = TestDb::new(kind).await.unwrap();
    // (`trail verify` never makes one either)
    let none = dir.path().join("none.key");
    let (code, out) = yinjian(&db, &none, &["trail", "verify"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("no trail key file"), "{out}");
    assert!(!none.exists());
    let first = dir.path().join("first.key");
    let (code, out) = yinjian(&db, &first, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(db.store.trail_head().await.unwrap().0, 0, "migrate writes no trail row");
    let second = dir.path().join("second").join("trail.key");
    let (code, out) = yinjian(&db, &second, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("is missing, and this database's trail was already started with a key"), "{out}");
    assert!(!second.exists(), "no second key is made");
    db.close().await;
}

/// Two fingerprints offered at once: one is recorded, both callers read the same one.
async fn one_fingerprint_wins(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let now = chrono::Utc::now();
    let (a, b) = tokio::join!(
        db.store.record_trail_key_fingerprint("aaaa", now),
        db.store.record_trail_key_fingerprint("bbbb", now)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a, b);
    assert!(a == "aaaa" || a == "bbbb");
    assert_eq!(db.store.record_trail_key_fingerprint("cccc", now).await.unwrap(), a, "recorded once");
    // never changed behind the application's back either
    assert!(db.try_exec("UPDATE trail_key SET fingerprint = 'dddd'").await.is_err());
    assert!(db.try_exec("DELETE FROM trail_key").await.is_err());
    db.close().await;
}

/// A trail from before fingerprints: the first start whose key verifies the newest row records
/// it; a wrong key before that records nothing.
async fn an_older_trail_gets_its_fingerprint(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    for i in 0..3 {
        db.store
            .append_trail(
                TrailDraft::new(TrailAction::TrailRead, Outcome::Success).details(serde_json::json!({ "i": i })),
            )
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong.key");
    write_key(&wrong, b"another-key-of-sufficient-length-0123456789");
    let right = dir.path().join("trail.key");
    write_key(&right, KEY);
    assert_eq!(db.store.trail_key_fingerprint().await.unwrap(), None);
    let (code, out) = yinjian(&db, &wrong, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("does not verify the newest trail row"), "{out}");
    assert_eq!(db.store.trail_key_fingerprint().await.unwrap(), None, "a wrong key records nothing");
    let (code, out) = yinjian(&db, &right, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(db.store.trail_key_fingerprint().await.unwrap(), Some(key_fingerprint(KEY)));
    let (code, out) = yinjian(&db, &wrong, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("is not the key this database's trail was started with"), "{out}");
    assert!(out.contains(&wrong.display().to_string()), "{out}");
    db.close().await;
}

/// Run futures concurrently on the runtime (each on a task of its own), results in order.
async fn futures_join<F, T>(futs: impl Iterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

macro_rules! both {
    ($($name:ident),*) => {
        mod sqlite { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::Kind::Sqlite).await }
        )* }
        mod postgres { $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { super::$name(super::Kind::Postgres).await }
        )* }
    };
}

both!(racing_first_starts, one_fingerprint_wins, an_older_trail_gets_its_fingerprint);
