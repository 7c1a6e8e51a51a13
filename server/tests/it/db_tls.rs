//! The database connection over TLS (PostgreSQL only: SQLite is a local file). A PostgreSQL
//! server of the test's own (Debian's binaries, run as the `postgres` user on a private port and
//! folder) that accepts TLS connections only, its certificate from a CA the test makes: the
//! server, `yinjian migrate` and `yinjian backup` (pg_dump) connect with
//! `sslmode=verify-full&sslrootcert=CA`, the connection is encrypted, and a server whose
//! certificate another CA signed is refused.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"), &["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"]);
    }
}

fn as_postgres(program: &Path, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("runuser {}: {e}", program.display()))
}

/// PostgreSQL's binaries (the newest installed), if this machine can run a server of the test's
/// own: Debian's packages, run as root (to start it as `postgres`).
fn pg_bin() -> Option<PathBuf> {
    let required = std::env::var("YINJIAN_REQUIRE_PG").is_ok_and(|v| v == "1");
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|p| p.join("initdb").exists()).collect())
        .unwrap_or_default();
    versions.sort();
    let root = rustix::process::geteuid().is_root();
    match versions.pop() {
        Some(bin) if root => Some(bin),
        other => {
            let why = format!("PostgreSQL binaries {other:?}, running as root: {root}");
            assert!(!required, "a PostgreSQL server of the test's own is required: {why}");
            eprintln!("!!! SKIPPING the database TLS test: {why}");
            None
        }
    }
}

/// A CA (its PEM) and a certificate for 127.0.0.1 it signed (certificate and key PEM).
fn pki(name: &str) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, format!("{name} database CA"));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names.push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    leaf.distinguished_name.push(DnType::CommonName, "127.0.0.1");
    let key = KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    (ca_cert.pem(), cert.pem(), key.serialize_pem())
}

/// A PostgreSQL server that takes TLS connections only (`hostssl` alone in pg_hba.conf).
fn tls_cluster(cert: &str, key: &str) -> Option<Cluster> {
    use std::os::unix::fs::PermissionsExt;
    let bin = pg_bin()?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = dir.path().join("data");
    let chown = |p: &Path| {
        assert!(Command::new("chown").args(["-R", "postgres:postgres"]).arg(p).status().unwrap().success());
    };
    std::fs::create_dir(&data).unwrap();
    chown(&data);
    let sockets = dir.path().join("sockets");
    std::fs::create_dir(&sockets).unwrap();
    chown(&sockets);
    let out = as_postgres(&bin.join("initdb"), &["-D", data.to_str().unwrap(), "-A", "trust", "-U", "postgres"]);
    assert!(out.status.success(), "initdb: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(data.join("server.crt"), cert).unwrap();
    std::fs::write(data.join("server.key"), key).unwrap();
    std::fs::set_permissions(data.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let conf = format!(
        "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\nssl = on\n\
         ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nfsync = off\n",
        sockets.display()
    );
    let mut pgconf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
    pgconf.push_str(&conf);
    std::fs::write(data.join("postgresql.conf"), pgconf).unwrap();
    std::fs::write(data.join("pg_hba.conf"), "hostssl all all 127.0.0.1/32 trust\n").unwrap();
    chown(&data);
    let log = dir.path().join("server.log");
    std::fs::write(&log, "").unwrap();
    chown(&log);
    let out = as_postgres(
        &bin.join("pg_ctl"),
        &["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-w", "-t", "60", "start"],
    );
    assert!(
        out.status.success(),
        "pg_ctl start: {} {}",
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    Some(Cluster { bin, data, port, _dir: dir })
}

fn yinjian(url: &str, key: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yinjian"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("YINJIAN_TRAIL_KEY_FILE", key)
        .env("RUST_LOG", "error")
        .output()
        .expect("run yinjian");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_with_the_servers_ca() {
    let (ca, cert, key) = pki("city");
    let (rogue_ca, _, _) = pki("rogue");
    let Some(cluster) = tls_cluster(&cert, &key) else { return };
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("db-ca.pem");
    std::fs::write(&ca_file, ca).unwrap();
    let rogue_file = dir.path().join("rogue-ca.pem");
    std::fs::write(&rogue_file, rogue_ca).unwrap();
    let base = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
    let url = format!("{base}?sslmode=verify-full&sslrootcert={}", ca_file.display());
    let key_file = common::serve::key_file(dir.path());

    // the server takes nothing in clear text
    let (code, out) = yinjian(&format!("{base}?sslmode=disable"), &key_file, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    // verified against the database server's CA: the application's connection, encrypted
    let (code, out) = yinjian(&url, &key_file, &["migrate"]);
    assert_eq!(code, 0, "{out}");
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let ssl: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetch_one(&pool).await.unwrap();
    assert!(ssl, "the connection is encrypted");
    pool.close().await;
    // a backup: pg_dump (libpq) takes the same settings from the URL
    let dest = dir.path().join("backups");
    let (code, out) = yinjian(&url, &key_file, &["backup", dest.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    // a server whose certificate is not from the configured CA: refused
    let rogue = format!("{base}?sslmode=verify-full&sslrootcert={}", rogue_file.display());
    let (code, out) = yinjian(&rogue, &key_file, &["migrate"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
    drop(cluster);
}
