//! The trail forwarded to a central log system — a real rsyslog started by the test
//! (Debian's package; `make test` installs it), on both databases: every event arrives once and
//! in order, also when the collector was down meanwhile; IDs are masked; of two instances one
//! sends at a time.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::server::trail::{Outcome, TrailAction, TrailDraft};
use common::{Kind, TestDb};
use server::forward::{forward_once, Target};

struct Rsyslog {
    child: Child,
}

fn rsyslogd() -> PathBuf {
    ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("rsyslogd is needed for this test: apt-get install rsyslog (make test installs it)")
}

impl Rsyslog {
    /// rsyslog listening on 127.0.0.1:`port` (imtcp), writing each message's raw text as a
    /// line to `out`.
    fn start(dir: &Path, port: u16, out: &Path) -> Self {
        let work = dir.join("rsyslog-work");
        std::fs::create_dir_all(&work).unwrap();
        let conf = dir.join("rsyslog.conf");
        std::fs::write(
            &conf,
            format!(
                r#"global(workDirectory="{work}")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="audit") {{ action(type="omfile" file="{out}" template="raw") }}
input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="audit")
"#,
                work = work.display(),
                out = out.display()
            ),
        )
        .unwrap();
        let rsyslog = Self {
            child: Command::new(rsyslogd())
                .args(["-n", "-f"])
                .arg(&conf)
                .arg("-i")
                .arg(dir.join("rsyslog.pid"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start rsyslogd"),
        };
        // until it listens
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return rsyslog;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("rsyslogd did not listen on {port}");
    }

    fn stop(mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The seqs in the collector's file, in the order they arrived.
fn seqs(out: &Path) -> Vec<i64> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split("seq=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|s| s.parse().ok()))
        .collect()
}

/// Wait until rsyslog has written `n` lines (it writes asynchronously of the TCP read).
async fn wait_for(out: &Path, n: usize) -> Vec<i64> {
    for _ in 0..100 {
        let s = seqs(out);
        if s.len() >= n {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    seqs(out)
}

async fn events(db: &TestDb, n: usize) {
    for i in 0..n {
        let mut d = TrailDraft::new(TrailAction::SealQuery, Outcome::Success)
            .details(serde_json::json!({ "i": i, "note": "查 A123456789 之印鑑" }));
        d.subject_national_id = Some("A123456789".into());
        db.store.append_trail(d).await.unwrap();
    }
}

async fn every_event_once_in_order(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("collector.log");
    let port = free_port();
    let target = Target::parse(&format!("syslog+tcp://127.0.0.1:{port}")).unwrap();
    events(&db, 30).await;

    let rsyslog = Rsyslog::start(dir.path(), port, &out);
    assert_eq!(forward_once(&db.store, &target, "instance-a").await.unwrap(), 30);
    let got = wait_for(&out, 30).await;
    assert_eq!(got, (1..=30).collect::<Vec<_>>());
    // nothing new: nothing sent
    assert_eq!(forward_once(&db.store, &target, "instance-a").await.unwrap(), 0);
    // personal data: masked IDs only
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("A12****789"), "{text}");
    assert!(!text.contains("A123456789"), "a full ID reached the collector");
    assert!(text.lines().all(|l| l.starts_with("<110>1 ") || l.starts_with("<109>1 ")), "RFC 5424, facility 13");

    // the collector is down for a while: events wait, the error is recorded, nothing is lost
    rsyslog.stop();
    events(&db, 1200).await;
    assert!(forward_once(&db.store, &target, "instance-a").await.is_err());
    let status = db.store.forward_status().await.unwrap();
    assert_eq!(status[0].last_seq, 30, "the cursor stays where the collector was");
    assert!(status[0].last_error.is_some());
    // another instance does not send meanwhile: the lease is instance-a's
    assert_eq!(forward_once(&db.store, &target, "instance-b").await.unwrap(), 0);

    // back: everything from the cursor, in order, once (several batches)
    let _rsyslog = Rsyslog::start(dir.path(), port, &out);
    assert_eq!(forward_once(&db.store, &target, "instance-a").await.unwrap(), 1200);
    let got = wait_for(&out, 1230).await;
    assert_eq!(got, (1..=1230).collect::<Vec<_>>(), "every event once, in order");
    let status = db.store.forward_status().await.unwrap();
    assert_eq!(status[0].last_seq, 1230);
    assert!(status[0].last_error.is_none());

    // JSON lines to a file, the second collector, with its own cursor
    let file = dir.path().join("audit.jsonl");
    let jsonl = Target::parse(&format!("file:{}", file.display())).unwrap();
    assert_eq!(forward_once(&db.store, &jsonl, "instance-a").await.unwrap(), 1230);
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&file).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1230);
    assert_eq!(lines[5]["subject_national_id"], "A12****789");
    assert_eq!(lines[5]["details"]["note"], "查 A12****789 之印鑑");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_event_once_in_order() {
    every_event_once_in_order(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_event_once_in_order() {
    every_event_once_in_order(Kind::Postgres).await
}
