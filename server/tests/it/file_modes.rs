//! What the server writes on disk is its owner's only, whatever the umask it was started with
//! (here 022, the usual shell default): the data folder (0700), the SQLite database with its
//! sessions and its `-wal` / `-shm` files, the trail key, the JSON-lines copy of the trail,
//! backups and their manifests (0600) in a folder of 0700. A PostgreSQL backup or restore drill
//! never puts the database password on `pg_dump`'s / `pg_restore`'s command line (which `ps`
//! shows to every user): it reaches them in a private password file.

use crate::common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{Kind, TestDb};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).permissions().mode() & 0o777
}

fn assert_mode(path: &Path, want: u32) {
    assert_eq!(mode(path), want, "{} is {:o}, should be {want:o}", path.display(), mode(path));
}

/// `yinjian ARGS` under umask 022, with `env`.
fn yinjian(args: &[&str], env: &[(&str, String)]) -> Command {
    let mut c = Command::new("/bin/sh");
    c.arg("-c").arg("umask 022 && exec \"$0\" \"$@\"").arg(env!("CARGO_BIN_EXE_yinjian")).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.env("RUST_LOG", "error").env_remove("YINJIAN_DEMO");
    c
}

fn run(args: &[&str], env: &[(&str, String)]) -> String {
    let out = yinjian(args, env).output().expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "yinjian {args:?}: {text}");
    text
}

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `yinjian serve` under umask 022 until it listens; the demo data gives the trail rows to forward.
fn serve(env: &[(&str, String)]) -> Serving {
    let mut child = yinjian(&["serve"], env)
        .env("YINJIAN_ADDR", "127.0.0.1:0")
        .env("YINJIAN_DEMO", "true")
        .env("YINJIAN_TRAIL_FORWARD_SECS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start yinjian");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap_or(0) > 0 {
        if line.contains("listening on") {
            std::thread::spawn(move || {
                let mut sink = String::new();
                while out.read_line(&mut sink).unwrap_or(0) > 0 {
                    sink.clear();
                }
            });
            return Serving(child);
        }
        line.clear();
    }
    let _ = child.kill();
    panic!("the server did not start: {:?}", child.wait());
}

fn wait_for(path: &Path) {
    for _ in 0..200 {
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} was not written", path.display());
}

/// The backup just written into `dest`: (file, manifest).
fn backup_files(dest: &Path) -> (PathBuf, PathBuf) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dest).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    let manifest = files.iter().find(|f| f.to_string_lossy().ends_with(".manifest.json")).unwrap().clone();
    let file = files.into_iter().find(|f| *f != manifest).unwrap();
    (file, manifest)
}

#[test]
fn sqlite_files_are_the_owners_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = dir.path().join("data");
    let db = data.join("yinjian.db");
    let jsonl = dir.path().join("trail.jsonl");
    let env = [
        ("DATABASE_URL", format!("sqlite://{}", db.display())),
        ("YINJIAN_TRAIL_KEY_FILE", data.join("trail.key").display().to_string()),
        ("YINJIAN_SITE_ROOT", dir.path().join("site").display().to_string()),
        ("YINJIAN_TRAIL_FORWARD", format!("file:{}", jsonl.display())),
    ];
    {
        let _server = serve(&env);
        wait_for(&jsonl);
        // while it serves: the database with its sessions, and SQLite's write-ahead log and index
        assert_mode(&data, 0o700);
        assert_mode(&db, 0o600);
        assert_mode(&PathBuf::from(format!("{}-wal", db.display())), 0o600);
        assert_mode(&PathBuf::from(format!("{}-shm", db.display())), 0o600);
        assert_mode(&data.join("trail.key"), 0o600);
        assert_mode(&jsonl, 0o600);
    }

    // a backup into a new folder: the folder, the copy and its manifest
    let dest = dir.path().join("backups").join("nightly");
    run(&["backup", dest.to_str().unwrap()], &env);
    assert_mode(&dir.path().join("backups"), 0o700);
    assert_mode(&dest, 0o700);
    let (file, manifest) = backup_files(&dest);
    assert_mode(&file, 0o600);
    assert_mode(&manifest, 0o600);

    // files made before this check (or by hand) that others could read are narrowed: the
    // database at start, a JSON-lines file when the forwarder next appends to it
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    run(&["migrate"], &env);
    assert_mode(&db, 0o600);
    let older = dir.path().join("older.jsonl");
    std::fs::write(&older, "").unwrap();
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut env = env.to_vec();
    env[3].1 = format!("file:{}", older.display());
    let _server = serve(&env);
    wait_for(&older);
    assert_mode(&older, 0o600);
}

/// A `pg_dump` / `pg_restore` in front of the real one that writes down its command line and
/// the password file it was given.
fn recording_tools(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    for tool in ["pg_dump", "pg_restore"] {
        let real = path
            .split(':')
            .map(|d| Path::new(d).join(tool))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("{tool} is needed for this test (postgresql-client)"));
        let script = bin.join(tool);
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > '{out}.argv'\ncat /proc/$$/cmdline | tr '\\0' '\\n' >> '{out}.argv'\n\
                 if [ -n \"$PGPASSFILE\" ]; then cat \"$PGPASSFILE\" > '{out}.passfile'; fi\n\
                 env | grep -c '^PGPASSWORD=' > '{out}.pgpassword' || true\nexec '{real}' \"$@\"\n",
                out = dir.join(tool).display(),
                real = real.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backups_are_private_and_the_password_stays_off_the_command_line() {
    let Some(db) = TestDb::new(Kind::Postgres).await else { return };
    const PASSWORD: &str = "Pw:Not-On-The-Command-Line-7";
    // trust authentication here, so any password is accepted: what matters is where it goes
    let url = db.url.replacen("postgres@", "postgres:Pw%3ANot-On-The-Command-Line-7@", 1);
    assert_ne!(url, db.url, "the test database URL names the postgres user: {}", db.url);
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let key = common::serve::key_file(dir.path());
    let bin = recording_tools(dir.path());
    let jsonl = dir.path().join("trail.jsonl");
    let env = [
        ("DATABASE_URL", url.clone()),
        ("YINJIAN_TRAIL_KEY_FILE", key.display().to_string()),
        ("YINJIAN_SITE_ROOT", dir.path().join("site").display().to_string()),
        ("YINJIAN_TRAIL_FORWARD", format!("file:{}", jsonl.display())),
        ("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())),
        ("PGPASSWORD", "not-this-one".to_string()),
    ];
    {
        let _server = serve(&env);
        wait_for(&jsonl);
        assert_mode(&jsonl, 0o600);
    }

    let dest = dir.path().join("backups");
    run(&["backup", dest.to_str().unwrap()], &env);
    assert_mode(&dest, 0o700);
    let (file, manifest) = backup_files(&dest);
    assert_mode(&file, 0o600);
    assert_mode(&manifest, 0o600);
    let argv = std::fs::read_to_string(dir.path().join("pg_dump.argv")).unwrap();
    assert!(argv.contains("--dbname"), "{argv}");
    assert!(!argv.contains("Not-On-The-Command-Line"), "the password is on pg_dump's command line: {argv}");
    let passfile = std::fs::read_to_string(dir.path().join("pg_dump.passfile")).expect("a password file");
    assert_eq!(passfile.trim(), format!("*:*:*:*:{}", PASSWORD.replace(':', "\\:")));
    assert_eq!(std::fs::read_to_string(dir.path().join("pg_dump.pgpassword")).unwrap().trim(), "0");

    // the restore drill's pg_restore too, into a scratch database on the same server
    let scratch = {
        let (base, _) = url.rsplit_once('/').unwrap();
        format!("{base}/postgres")
    };
    let out = run(
        &["restore-check", file.to_str().unwrap(), "--key", key.to_str().unwrap(), "--scratch-url", &scratch],
        &env,
    );
    assert!(out.contains("PASSED"), "{out}");
    let argv = std::fs::read_to_string(dir.path().join("pg_restore.argv")).unwrap();
    assert!(!argv.contains("Not-On-The-Command-Line"), "the password is on pg_restore's command line: {argv}");
    assert!(std::fs::read_to_string(dir.path().join("pg_restore.passfile"))
        .unwrap()
        .contains("Not-On-The-Command-Line"));
    db.close().await;
}
