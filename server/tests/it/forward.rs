//! The trail forwarded to a central log system — a real rsyslog started by the test
//! (Debian's package; `make test` installs it), on both databases: every event arrives once and
//! in order, also when the collector was down meanwhile; IDs are masked; of two instances one
//! sends at a time.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{Kind, TestDb};
use app::server::trail::{Outcome, TrailAction, TrailDraft};
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

/// The files of a collector's TLS identity.
struct Identity {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

impl Rsyslog {
    /// rsyslog listening on 127.0.0.1:`port` (imtcp), writing each message's raw text as a
    /// line to `out`.
    fn start(dir: &Path, port: u16, out: &Path) -> Self {
        Self::start_with(dir, port, out, None)
    }

    /// rsyslog with TLS (RFC 5425, Debian's rsyslog-gnutls) on 127.0.0.1:`port`, presenting
    /// `tls`'s certificate; besides the raw lines in `out`, `out.default` in rsyslog's default
    /// file format (which keeps a message's text, not its structured data).
    fn start_tls(dir: &Path, port: u16, out: &Path, tls: &Identity) -> Self {
        Self::start_with(dir, port, out, Some(tls))
    }

    fn start_with(dir: &Path, port: u16, out: &Path, tls: Option<&Identity>) -> Self {
        let work = dir.join(format!("rsyslog-work-{port}"));
        std::fs::create_dir_all(&work).unwrap();
        let conf = dir.join(format!("rsyslog-{port}.conf"));
        let (global, module, default_copy) = match tls {
            None => (String::new(), String::new(), String::new()),
            Some(t) => (
                format!(
                    r#" defaultNetstreamDriver="gtls" defaultNetstreamDriverCAFile="{}" defaultNetstreamDriverCertFile="{}" defaultNetstreamDriverKeyFile="{}""#,
                    t.ca.display(),
                    t.cert.display(),
                    t.key.display()
                ),
                r#" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon""#.to_string(),
                format!(r#" action(type="omfile" file="{}.default")"#, out.display()),
            ),
        };
        std::fs::write(
            &conf,
            format!(
                r#"global(workDirectory="{work}"{global})
module(load="imtcp"{module})
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="audit") {{ action(type="omfile" file="{out}" template="raw"){default_copy} }}
input(type="imtcp" address="127.0.0.1" port="{port}" ruleset="audit")
"#,
                work = work.display(),
                out = out.display()
            ),
        )
        .unwrap();
        let mut rsyslog = Self {
            child: Command::new(rsyslogd())
                .args(["-n", "-f"])
                .arg(&conf)
                .arg("-i")
                .arg(dir.join(format!("rsyslog-{port}.pid")))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start rsyslogd"),
        };
        // until it listens (its TLS listener loads GnuTLS first: under a loaded machine that took
        // more than the five seconds once allowed)
        for _ in 0..600 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return rsyslog;
            }
            if let Ok(Some(status)) = rsyslog.child.try_wait() {
                panic!("rsyslogd exited before listening on {port}: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("rsyslogd did not listen on {port} within 30 s");
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

/// The seqs of the events in the collector's file, in the order they arrived (the anchors that
/// end each batch left out).
fn seqs(out: &Path) -> Vec<i64> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(" audit ["))
        .filter_map(|l| l.split(" seq=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|s| s.parse().ok()))
        .collect()
}

/// The anchors in a collector's file.
fn anchors(out: &Path) -> Vec<app::server::trail::Anchor> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| app::server::trail::Anchor::find_in_line(l).map(|a| a.unwrap()))
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
    let file = dir.path().join("trail.jsonl");
    let jsonl = Target::parse(&format!("file:{}", file.display())).unwrap();
    assert_eq!(forward_once(&db.store, &jsonl, "instance-a").await.unwrap(), 1230);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("yinjian_anchor").is_none())
        .collect();
    assert_eq!(lines.len(), 1230);
    // each batch (of 500) ends with the head's anchor, sealed with the key
    let a = anchors(&file);
    assert_eq!(a.len(), 3, "{a:?}");
    assert!(a.iter().all(|a| a.sealed_by(common::KEY)));
    assert_eq!(a.last().unwrap().seq, 1230);
    assert_eq!(anchors(&out).last().unwrap().seq, 1230, "the syslog collector has them too");
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

/// A CA and a collector certificate it signed (for 127.0.0.1 and localhost), written into `dir`;
/// with the SHA-256 of the collector certificate's public key (SPKI) and of the certificate, and
/// the CA (to sign more).
fn identity(dir: &Path, name: &str) -> (Identity, [u8; 32], [u8; 32], rcgen::Issuer<'static, rcgen::KeyPair>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, format!("{name} test CA"));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let ca_file = dir.join(format!("{name}-ca.pem"));
    std::fs::write(&ca_file, ca_cert.pem()).unwrap();
    let (id, spki, cert) = leaf(dir, name, &ca_file, &issuer, &["localhost", "127.0.0.1"]);
    (id, spki, cert, issuer)
}

/// A collector certificate for `names` (DNS names or IP addresses) signed by `issuer`.
fn leaf(
    dir: &Path,
    name: &str,
    ca_file: &Path,
    issuer: &rcgen::Issuer<'static, rcgen::KeyPair>,
    names: &[&str],
) -> (Identity, [u8; 32], [u8; 32]) {
    use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose, PublicKeyData};
    use sha2::{Digest, Sha256};
    let mut leaf = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, format!("{name} collector"));
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_cert = leaf.signed_by(&leaf_key, issuer).unwrap();
    let id = Identity {
        ca: ca_file.to_path_buf(),
        cert: dir.join(format!("{name}-cert.pem")),
        key: dir.join(format!("{name}-key.pem")),
    };
    std::fs::write(&id.cert, leaf_cert.pem()).unwrap();
    std::fs::write(&id.key, leaf_key.serialize_pem()).unwrap();
    let spki: [u8; 32] = Sha256::digest(leaf_key.subject_public_key_info()).into();
    let cert: [u8; 32] = Sha256::digest(leaf_cert.der().as_ref()).into();
    (id, spki, cert)
}

fn tls_target(port: u16, ca: &Path, pins: &[[u8; 32]]) -> Target {
    let opts = server::forward::TlsOptions { ca_file: Some(ca.to_path_buf()), pins: pins.to_vec() };
    Target::parse_with(&format!("syslog+tls://127.0.0.1:{port}"), &opts).unwrap()
}

/// The trail over TLS (RFC 5425) to rsyslog's TLS listener: everything arrives, in order, with
/// the IDs masked. A collector whose certificate the CA did not sign, or that matches no pin,
/// gets nothing, and its cursor stays where it was.
async fn over_tls_only_to_the_trusted_collector(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let (trusted, spki, cert, city_ca) = identity(dir.path(), "city");
    let (rogue, _, _, _) = identity(dir.path(), "rogue");
    // signed by the city's CA, but for another host
    let (elsewhere, _, _) = leaf(dir.path(), "elsewhere", &trusted.ca, &city_ca, &["logs.elsewhere.example"]);
    events(&db, 20).await;

    // the city's collector, certificate signed by the configured CA
    let out = dir.path().join("tls.log");
    let port = free_port();
    let _good = Rsyslog::start_tls(dir.path(), port, &out, &trusted);
    let target = tls_target(port, &trusted.ca, &[]);
    assert_eq!(target.name(), format!("syslog+tls://127.0.0.1:{port}"));
    assert_eq!(forward_once(&db.store, &target, "instance-a").await.unwrap(), 20);
    assert_eq!(wait_for(&out, 20).await, (1..=20).collect::<Vec<_>>());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("A12****789") && !text.contains("A123456789"), "{text}");
    // pinned to its public key, or to its certificate: still accepted
    events(&db, 2).await;
    assert_eq!(forward_once(&db.store, &tls_target(port, &trusted.ca, &[spki]), "instance-a").await.unwrap(), 2);
    events(&db, 2).await;
    assert_eq!(forward_once(&db.store, &tls_target(port, &trusted.ca, &[cert]), "instance-a").await.unwrap(), 2);
    assert_eq!(wait_for(&out, 24).await, (1..=24).collect::<Vec<_>>());

    // a collector with a certificate from another CA (same names): nothing is sent to it
    let rogue_out = dir.path().join("rogue.log");
    let rogue_port = free_port();
    let _rogue = Rsyslog::start_tls(dir.path(), rogue_port, &rogue_out, &rogue);
    let err = forward_once(&db.store, &tls_target(rogue_port, &trusted.ca, &[]), "instance-a").await.unwrap_err();
    assert!(err.contains("not signed by the CA"), "{err}");
    // the city's CA, another host's certificate: nothing
    let elsewhere_out = dir.path().join("elsewhere.log");
    let elsewhere_port = free_port();
    let _elsewhere = Rsyslog::start_tls(dir.path(), elsewhere_port, &elsewhere_out, &elsewhere);
    let err = forward_once(&db.store, &tls_target(elsewhere_port, &trusted.ca, &[]), "instance-a").await.unwrap_err();
    assert!(err.contains("does not name the host"), "{err}");
    // the right CA but not the pinned key: nothing either
    let other_out = dir.path().join("unpinned.log");
    let other_port = free_port();
    let _other = Rsyslog::start_tls(dir.path(), other_port, &other_out, &trusted);
    let err =
        forward_once(&db.store, &tls_target(other_port, &trusted.ca, &[[7u8; 32]]), "instance-a").await.unwrap_err();
    assert!(err.contains("YINJIAN_FORWARD_PIN_SHA256"), "{err}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for f in [&rogue_out, &elsewhere_out, &other_out] {
        assert_eq!(std::fs::read_to_string(f).unwrap_or_default(), "", "{} got something", f.display());
    }
    let status = db.store.forward_status().await.unwrap();
    for port in [rogue_port, elsewhere_port, other_port] {
        let c = status.iter().find(|c| c.target == format!("syslog+tls://127.0.0.1:{port}")).unwrap();
        assert_eq!(c.last_seq, 0, "{c:?}");
        assert!(c.last_error.is_some(), "{c:?}");
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_over_tls_only_to_the_trusted_collector() {
    over_tls_only_to_the_trusted_collector(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_only_to_the_trusted_collector() {
    over_tls_only_to_the_trusted_collector(Kind::Postgres).await
}

fn write_key(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, hex::encode(common::KEY)).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `yinjian trail verify [--anchors FILE…]`: (exit code, output).
fn verify(db: &TestDb, key: &Path, anchors: &[&Path]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yinjian"));
    c.args(["trail", "verify"])
        .env("DATABASE_URL", &db.url)
        .env("YINJIAN_TRAIL_KEY_FILE", key)
        .env("RUST_LOG", "error");
    for a in anchors {
        c.arg("--anchors").arg(a);
    }
    let out = c.output().expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A database writer puts an older sealed head back and deletes the rows after it: the database
/// alone still verifies, but the collectors (a JSON-lines file, rsyslog over TLS) hold the newer
/// sealed head, and `trail verify --anchors` names the cut; rows written again over the cut are
/// named as a rewrite; an anchor not sealed by the key is named as forged. Without forwarding,
/// verify says the roll-back check is unavailable.
async fn a_rolled_back_trail_is_named(kind: Kind) {
    let Some(db) = TestDb::new(kind).await else { return };
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("trail.key");
    write_key(&key);
    events(&db, 3).await;
    let (code, out) = verify(&db, &key, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("roll-back check: unavailable"), "{out}");

    let old_head = db.store.trail_head_sealed().await.unwrap();
    events(&db, 3).await;
    let jsonl = dir.path().join("trail.jsonl");
    let file = Target::parse(&format!("file:{}", jsonl.display())).unwrap();
    assert_eq!(forward_once(&db.store, &file, "a").await.unwrap(), 6);
    let (identity, _, _, _) = identity(dir.path(), "city");
    let port = free_port();
    let syslog = dir.path().join("central.log");
    let _rsyslog = Rsyslog::start_tls(dir.path(), port, &syslog, &identity);
    let tls = tls_target(port, &identity.ca, &[]);
    assert_eq!(forward_once(&db.store, &tls, "a").await.unwrap(), 6);
    wait_for(&syslog, 6).await;
    let default_format = PathBuf::from(format!("{}.default", syslog.display()));
    for _ in 0..100 {
        if !anchors(&default_format).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (code, out) = verify(&db, &key, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("roll-back check: not done") && out.contains("--anchors"), "{out}");
    for f in [&jsonl, &syslog, &default_format] {
        let (code, out) = verify(&db, &key, &[f]);
        assert_eq!(code, 0, "{}: {out}", f.display());
        assert!(out.contains("intact: 6 rows") && out.contains("the newest row 6"), "{out}");
    }

    // the roll-back: an older sealed head (as in any backup) put back, the rows after it deleted
    db.exec(match kind {
        Kind::Sqlite => "DROP TRIGGER trail_event_no_update; DROP TRIGGER trail_event_no_delete;",
        Kind::Postgres => "DROP TRIGGER trail_event_no_update ON trail_event;",
    })
    .await;
    db.exec(&format!("DELETE FROM trail_event WHERE seq > {}", old_head.0)).await;
    db.exec(&format!(
        "UPDATE trail_head SET seq = {}, hash = '{}', mac = '{}' WHERE id = 1",
        old_head.0,
        old_head.1,
        old_head.2.clone().unwrap()
    ))
    .await;
    let (code, out) = verify(&db, &key, &[]);
    assert_eq!(code, 0, "the database alone cannot tell: {out}");
    assert!(out.contains("intact: 3 rows"), "{out}");
    for f in [&jsonl, &syslog, &default_format] {
        let (code, out) = verify(&db, &key, &[f]);
        assert_eq!(code, 2, "{}: {out}", f.display());
        assert!(out.contains("rolled back") && out.contains("ends at row 3"), "{out}");
        assert!(out.contains("rows 4 to 6 were cut off"), "{out}");
        assert!(out.contains(&f.display().to_string()), "the anchor's place is named: {out}");
    }
    // the forwarder notices too
    let _ = forward_once(&db.store, &file, "a").await;
    let status = db.store.forward_status().await.unwrap();
    let c = status.iter().find(|c| c.target == file.name()).unwrap();
    assert!(c.last_error.as_deref().unwrap_or_default().contains("rolled back"), "{c:?}");

    // rows written again over the cut: the collector's head of row 6 has another hash
    events(&db, 3).await;
    let (code, out) = verify(&db, &key, &[&jsonl]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("another hash than the trail's row 6") && out.contains("rewritten"), "{out}");

    // an anchor not sealed by the key (made up, or altered) in the collector's copy
    let forged = dir.path().join("forged.jsonl");
    let a = app::server::trail::Anchor { seq: 2, hash: "ab".repeat(32), seal: "cd".repeat(32) };
    std::fs::write(&forged, format!("{}\n", a.record())).unwrap();
    let (code, out) = verify(&db, &key, &[&forged]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not sealed by the trail key") && out.contains("forged.jsonl:1"), "{out}");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_rolled_back_trail_is_named() {
    a_rolled_back_trail_is_named(Kind::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_rolled_back_trail_is_named() {
    a_rolled_back_trail_is_named(Kind::Postgres).await
}
