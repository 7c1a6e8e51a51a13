//! Backups and restore drills (附件三 8(3)(4)(5)).
//!
//! `yinjian backup DEST` writes a consistent online copy while the server runs — SQLite's
//! `VACUUM INTO`, PostgreSQL's `pg_dump --format=custom` on an exported snapshot — and beside it
//! a manifest (time, version, schema level, row counts and the trail head *of that snapshot*,
//! SHA-256 and size of the file). Sessions and rate-limit windows are left out. The trail key is
//! never in a backup: it is kept apart (see the README).
//!
//! `yinjian restore-check BACKUP` restores into a scratch place (a temporary file; a scratch
//! PostgreSQL database), checks the file against its manifest, runs the migrations (which
//! refuse a schema whose applied migrations differ), verifies the trail chain with the key,
//! compares the row counts and the head with the manifest, and prints a drill report. With
//! `--record --by EMPLOYEE_NO` the drill is entered as done, with the report as its evidence,
//! in the security-duty register of the live database (a quarterly duty).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use app::server::store::{self, Pool};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{0} failed: {1}")]
    Tool(&'static str, String),
    #[error("the manifest {0} cannot be read: {1}")]
    Manifest(String, String),
    #[error(transparent)]
    Setup(#[from] crate::setup::SetupError),
    #[error(
        "{0} is not an active administrator's employee number: only an administrator enters the drill in the register"
    )]
    NotAdmin(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.display().to_string(), source }
}

/// What a backup holds, written beside it as `<file>.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub created_at: DateTime<Utc>,
    pub version: String,
    /// `sqlite` or `postgres`
    pub database: String,
    /// The backup file's name (in the manifest's folder).
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// The newest migration applied.
    pub schema_version: i64,
    /// Rows per table, in the backed-up snapshot.
    pub counts: BTreeMap<String, i64>,
    /// The trail's head in the snapshot (manifests written before #38's rename call these
    /// `audit_head_seq` and `audit_head_hash`; both spellings are read).
    #[serde(alias = "audit_head_seq")]
    pub trail_head_seq: i64,
    #[serde(alias = "audit_head_hash")]
    pub trail_head_hash: String,
}

/// The trail's tables as named before migration 0021 (#38: "audit" now means 稽核 only). A
/// backup made before the rename counts its rows under the old names; the restored copy is
/// migrated, so its counts carry the new ones.
const RENAMED_TABLES: [(&str, &str); 4] = [
    ("audit_event", "trail_event"),
    ("audit_head", "trail_head"),
    ("audit_forward", "trail_forward"),
    ("audit_key", "trail_key"),
];

impl Manifest {
    /// The manifest with its tables under today's names.
    fn with_current_names(mut self) -> Self {
        self.counts = std::mem::take(&mut self.counts)
            .into_iter()
            .map(|(t, n)| match RENAMED_TABLES.iter().find(|(old, _)| *old == t) {
                Some((_, new)) => (new.to_string(), n),
                None => (t, n),
            })
            .collect();
        self
    }
}

/// Tables whose rows are not backed up (they are worthless or harmful after a restore).
const TRANSIENT: [&str; 2] = ["http_session", "rate_window"];

pub fn manifest_path(backup: &Path) -> PathBuf {
    let mut s = backup.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

fn sha256_file(path: &Path) -> Result<(String, u64), BackupError> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(io(path))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(io(path))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex::encode(h.finalize()), n))
}

async fn sqlite_tables(c: &mut sqlx::SqliteConnection) -> Result<Vec<String>, BackupError> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx%' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await?)
}

/// Row counts, schema level and trail head on one SQLite connection (one snapshot).
async fn sqlite_facts(
    c: &mut sqlx::SqliteConnection,
) -> Result<(BTreeMap<String, i64>, i64, (i64, String)), BackupError> {
    let mut counts = BTreeMap::new();
    for t in sqlite_tables(c).await? {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\"")).fetch_one(&mut *c).await?;
        counts.insert(t, n);
    }
    let schema: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").fetch_one(&mut *c).await?;
    let head: (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM trail_head WHERE id = 1").fetch_one(&mut *c).await?;
    Ok((counts, schema, head))
}

async fn pg_facts(c: &mut sqlx::PgConnection) -> Result<(BTreeMap<String, i64>, i64, (i64, String)), BackupError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '_sqlx%' ORDER BY 1",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut counts = BTreeMap::new();
    for t in tables {
        if TRANSIENT.contains(&t.as_str()) {
            continue;
        }
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{t}\"")).fetch_one(&mut *c).await?;
        counts.insert(t, n);
    }
    let schema: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").fetch_one(&mut *c).await?;
    let head: (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM trail_head WHERE id = 1").fetch_one(&mut *c).await?;
    Ok((counts, schema, head))
}

/// Write a backup of the database at `url` into the folder `dest`; returns the manifest's path.
pub async fn backup(url: &str, dest: &Path) -> Result<(PathBuf, Manifest), BackupError> {
    // the folder, the copy and its manifest are the service user's only (0700, 0600)
    crate::files::private_dir(dest).map_err(io(dest))?;
    let now = Utc::now();
    let stamp = now.format("%Y%m%dT%H%M%SZ");
    // the schema is migrated as a server would (no key needed to copy it)
    let (st, pool) = store::open(url, Arc::new(Vec::new())).await?;
    st.migrate().await?;
    let (file, database, counts, schema, head) = match &pool {
        Pool::Sqlite(p) => {
            let file = dest.join(format!("yinjian-{stamp}.sqlite"));
            // made empty and private first: VACUUM INTO fills an empty file and keeps its mode
            crate::files::create_private(&file).map_err(io(&file))?;
            // one consistent snapshot, taken while writers go on (WAL), on a connection of its
            // own (not the store's one writer connection, which the server's writes queue on)
            let _ = p;
            let src = sqlx::sqlite::SqliteConnectOptions::from_str(url.split('?').next().unwrap_or(url))?;
            let mut own = sqlx::ConnectOptions::connect(&src).await?;
            sqlx::query("VACUUM INTO $1").bind(file.display().to_string()).execute(&mut own).await?;
            sqlx::Connection::close(own).await?;
            // leave the transient tables out, then read the facts off the copy itself
            let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&file);
            let mut c = sqlx::ConnectOptions::connect(&opts).await?;
            for t in TRANSIENT {
                let _ = sqlx::query(&format!("DELETE FROM \"{t}\"")).execute(&mut c).await;
            }
            sqlx::query("VACUUM").execute(&mut c).await?;
            let (mut counts, schema, head) = sqlite_facts(&mut c).await?;
            for t in TRANSIENT {
                counts.remove(t);
            }
            sqlx::Connection::close(c).await?;
            (file, "sqlite", counts, schema, head)
        }
        Pool::Postgres(p) => {
            let file = dest.join(format!("yinjian-{stamp}.pgdump"));
            // made private first: pg_dump writes into it and keeps its mode
            crate::files::create_private(&file).map_err(io(&file))?;
            // the counts and the dump see the same snapshot
            let mut c = p.acquire().await?;
            sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute(&mut *c).await?;
            let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *c).await?;
            let (counts, schema, head) = pg_facts(&mut c).await?;
            let mut cmd = tokio::process::Command::new("pg_dump");
            cmd.arg("--format=custom")
                .arg(format!("--snapshot={snapshot}"))
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exclude-schema=tower_sessions")
                .arg("--exclude-table-data=rate_window")
                .arg("--file")
                .arg(&file);
            let _passfile = pg_connection(&mut cmd, url)?;
            let out = cmd.output().await.map_err(|e| BackupError::Tool("pg_dump", e.to_string()))?;
            sqlx::query("COMMIT").execute(&mut *c).await?;
            if !out.status.success() {
                let _ = std::fs::remove_file(&file);
                return Err(BackupError::Tool("pg_dump", String::from_utf8_lossy(&out.stderr).trim().to_string()));
            }
            (file, "postgres", counts, schema, head)
        }
    };
    let (sha256, bytes) = sha256_file(&file)?;
    let m = Manifest {
        created_at: now,
        version: env!("CARGO_PKG_VERSION").into(),
        database: database.into(),
        file: file.file_name().unwrap_or_default().to_string_lossy().into_owned(),
        bytes,
        sha256,
        schema_version: schema,
        counts,
        trail_head_seq: head.0,
        trail_head_hash: head.1,
    };
    let mp = manifest_path(&file);
    crate::files::write_private(&mp, serde_json::to_string_pretty(&m).unwrap_or_default().as_bytes())
        .map_err(io(&mp))?;
    Ok((mp, m))
}

/// A PostgreSQL URL without its password (in the user part or as `?password=`), and the password.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Ok(mut u) = url::Url::parse(url) else { return (url.to_string(), None) };
    let mut password = u.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
    if password.is_some() && u.set_password(None).is_err() {
        return (url.to_string(), None);
    }
    let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
    if pairs.iter().any(|(k, _)| k == "password") {
        let rest: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, v)| {
                if k == "password" {
                    password.get_or_insert_with(|| v.clone());
                }
                k != "password"
            })
            .collect();
        if rest.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(rest);
        }
    }
    (u.to_string(), password)
}

/// Point a libpq tool (pg_dump, pg_restore) at `url` without putting the password on its command
/// line, where `ps` shows it to every user of the machine: `--dbname` gets the URL without it,
/// and the password goes into a password file of this process's own (0600, removed when the
/// returned handle is dropped — keep it until the tool has finished) named by `PGPASSFILE`.
pub fn pg_connection(
    cmd: &mut tokio::process::Command,
    url: &str,
) -> Result<Option<tempfile::NamedTempFile>, BackupError> {
    use std::io::Write;
    let (dbname, password) = split_password(url);
    cmd.arg("--dbname").arg(dbname);
    let Some(password) = password else { return Ok(None) };
    let mut f = tempfile::Builder::new()
        .prefix("yinjian-pgpass-")
        .tempfile()
        .map_err(|source| BackupError::Io { path: "password file".into(), source })?;
    // host:port:database:user:password, any host, port, database and user; `\` and `:` escaped
    let escaped = password.replace('\\', "\\\\").replace(':', "\\:");
    writeln!(f, "*:*:*:*:{escaped}").map_err(|source| BackupError::Io { path: "password file".into(), source })?;
    f.flush().map_err(|source| BackupError::Io { path: "password file".into(), source })?;
    // a PGPASSWORD of the caller's would win over the file
    cmd.env("PGPASSFILE", f.path()).env_remove("PGPASSWORD");
    Ok(Some(f))
}

/// One check of a drill and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillReport {
    pub backup: String,
    pub checked_at: DateTime<Utc>,
    pub checks: Vec<Check>,
}

impl DrillReport {
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    fn check(&mut self, name: &str, ok: bool, detail: impl Into<String>) -> bool {
        self.checks.push(Check { name: name.into(), ok, detail: detail.into() });
        ok
    }

    /// The report as printed and as entered in the register.
    pub fn text(&self) -> String {
        let mut s = format!(
            "還原演練 restore drill of {} at {}: {}\n",
            self.backup,
            app::domain::roc_datetime(self.checked_at),
            if self.passed() { "PASSED 通過" } else { "FAILED 未通過" }
        );
        for c in &self.checks {
            s.push_str(&format!("  [{}] {}: {}\n", if c.ok { "ok" } else { "FAIL" }, c.name, c.detail));
        }
        s
    }
}

/// Where a PostgreSQL backup is restored for the drill: a scratch database on the server of
/// `server_url`, dropped afterwards.
pub struct Scratch {
    pub server_url: String,
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Restore `backup` into a scratch place and check it; never touches the live database.
pub async fn restore_check(backup: &Path, key: &[u8], scratch: Option<&Scratch>) -> Result<DrillReport, BackupError> {
    let mut r = DrillReport { backup: backup.display().to_string(), checked_at: Utc::now(), checks: Vec::new() };
    let mp = manifest_path(backup);
    let m: Manifest = match std::fs::read_to_string(&mp)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(m) => Manifest::with_current_names(m),
        Err(e) => {
            r.check("manifest", false, format!("{}: {e}", mp.display()));
            return Ok(r);
        }
    };
    let (sha, bytes) = match sha256_file(backup) {
        Ok(x) => x,
        Err(e) => {
            r.check("file", false, e.to_string());
            return Ok(r);
        }
    };
    if !r.check(
        "file",
        sha == m.sha256 && bytes == m.bytes,
        if sha == m.sha256 {
            format!("{bytes} bytes, SHA-256 {}… as in the manifest", &sha[..16])
        } else {
            format!(
                "SHA-256 {}… ≠ manifest {}…: the file is corrupted or not the one backed up",
                &sha[..16],
                &m.sha256[..16.min(m.sha256.len())]
            )
        },
    ) {
        return Ok(r);
    }
    let work = tempfile::tempdir().map_err(|e| BackupError::Io { path: "temporary folder".into(), source: e })?;
    let (url, drop_pg) = match m.database.as_str() {
        "sqlite" => {
            let copy = work.path().join("restored.sqlite");
            std::fs::copy(backup, &copy).map_err(io(backup))?;
            (format!("sqlite://{}", copy.display()), None)
        }
        _ => {
            let Some(s) = scratch else {
                r.check(
                    "restore",
                    false,
                    "a PostgreSQL backup needs a server for the scratch database (--scratch-url)",
                );
                return Ok(r);
            };
            let name = format!("yinjian_drill_{}_{}", std::process::id(), Utc::now().timestamp());
            let admin = sqlx::PgPool::connect(&s.server_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await?;
            let url = with_database(&s.server_url, &name);
            let mut cmd = tokio::process::Command::new("pg_restore");
            cmd.arg("--no-owner").arg("--no-privileges").arg("--exit-on-error");
            let _passfile = pg_connection(&mut cmd, &url)?;
            let out = cmd.arg(backup).output().await.map_err(|e| BackupError::Tool("pg_restore", e.to_string()))?;
            if !out.status.success() {
                r.check("restore", false, String::from_utf8_lossy(&out.stderr).trim().to_string());
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                return Ok(r);
            }
            (url, Some((admin, name)))
        }
    };
    let result = check_restored(&mut r, &m, &url, key).await;
    if let Some((admin, name)) = drop_pg {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
        admin.close().await;
    }
    result?;
    Ok(r)
}

async fn check_restored(r: &mut DrillReport, m: &Manifest, url: &str, key: &[u8]) -> Result<(), BackupError> {
    let (st, pool) = match store::open(url, Arc::new(key.to_vec())).await {
        Ok(x) => x,
        Err(e) => {
            r.check("restore", false, format!("cannot open the restored copy: {e}"));
            return Ok(());
        }
    };
    r.check("restore", true, format!("restored into a scratch {}", m.database));
    if let Pool::Sqlite(p) = &pool {
        let verdict: String =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_one(p).await.unwrap_or_else(|e| e.to_string());
        r.check("integrity", verdict == "ok", format!("PRAGMA integrity_check: {verdict}"));
    }
    match st.migrate().await {
        Ok(()) => {
            r.check("migrations", true, format!("schema {} and this version's migrations agree", m.schema_version))
        }
        Err(e) => r.check("migrations", false, e.to_string()),
    };
    let facts = match &pool {
        Pool::Sqlite(p) => {
            let mut c = p.acquire().await?;
            sqlite_facts(&mut c).await
        }
        Pool::Postgres(p) => {
            let mut c = p.acquire().await?;
            pg_facts(&mut c).await
        }
    };
    match facts {
        Ok((mut counts, _, head)) => {
            for t in TRANSIENT {
                counts.remove(t);
            }
            let differ: Vec<String> = m
                .counts
                .iter()
                .filter(|(t, n)| counts.get(*t) != Some(n))
                .map(|(t, n)| {
                    format!("{t}: {} ≠ {n}", counts.get(t).map(|c| c.to_string()).unwrap_or("missing".into()))
                })
                .collect();
            let rows: i64 = m.counts.values().sum();
            r.check(
                "row counts",
                differ.is_empty(),
                if differ.is_empty() {
                    format!("{} tables, {rows} rows as in the manifest", m.counts.len())
                } else {
                    differ.join("; ")
                },
            );
            r.check(
                "trail head",
                head.0 == m.trail_head_seq && head.1 == m.trail_head_hash,
                format!("row {} (manifest: row {})", head.0, m.trail_head_seq),
            );
        }
        Err(e) => {
            r.check("row counts", false, e.to_string());
        }
    }
    match app::server::trail::verify_store(st.as_ref(), key).await {
        Ok(Ok(n)) => r.check("trail chain", true, format!("intact: {n} rows verified with the key")),
        Ok(Err((n, b))) => r.check("trail chain", false, format!("broken after {n} good rows: {b}")),
        Err(e) => r.check("trail chain", false, e.to_string()),
    };
    match &pool {
        Pool::Sqlite(p) => p.close().await,
        Pool::Postgres(p) => p.close().await,
    }
    Ok(())
}

/// Enter a passed drill as done in the live database's security register (the open restore
/// drill duty, or a new one due today), with the report as its evidence; the next is due in a
/// quarter. Returns the duty's id.
pub async fn record_drill(
    live: &dyn app::server::store::Store,
    by_employee_no: &str,
    report: &DrillReport,
) -> Result<i64, BackupError> {
    use app::domain::security_task::TaskKind;
    use app::server::store::{NewTask, TaskDone};
    use app::server::trail::{Outcome, TrailAction, TrailDraft};
    let by = live
        .account_by_employee_no(by_employee_no)
        .await?
        .filter(|a| !a.disabled && a.roles.contains(&app::domain::Role::Admin))
        .ok_or(BackupError::NotAdmin(by_employee_no.to_string()))?;
    let actor = app::server::trail::ActorRef {
        id: by.id,
        employee_no: by.employee_no.clone(),
        roles: by.roles.clone(),
        unit_id: by.unit_id,
    };
    let now = Utc::now();
    let today = app::server::reviews::taipei_date(now);
    let kind = TaskKind::RestoreDrill;
    let open = live.list_tasks().await?.into_iter().find(|t| t.kind == kind && t.done_at.is_none());
    let (id, due_on) = match open {
        Some(t) => (t.id, t.due_on),
        None => {
            let new = NewTask {
                kind,
                title: "備份還原演練（附件三 8(4)(5)）".into(),
                due_on: today,
                created_by: Some(by.id),
                now,
            };
            let draft = TrailDraft::new(TrailAction::SecurityTaskAdd, Outcome::Success)
                .actor(Some(actor.clone()))
                .details(serde_json::json!({ "kind": kind.code(), "by": "restore-check" }));
            (live.add_task(&new, draft).await?, today)
        }
    };
    let done = TaskDone {
        done_on: today,
        evidence: report.text(),
        notice_plan: None,
        by: by.id,
        now,
        next: Some(NewTask {
            kind,
            title: "備份還原演練（附件三 8(4)(5)）".into(),
            due_on: due_on.max(today).checked_add_months(chrono::Months::new(kind.period_months())).unwrap_or(today),
            created_by: Some(by.id),
            now,
        }),
    };
    let draft = TrailDraft::new(TrailAction::SecurityTaskDone, Outcome::Success)
        .actor(Some(actor.clone()))
        .details(serde_json::json!({ "kind": kind.code(), "done_on": today, "backup": report.backup }));
    live.complete_task(id, &done, draft).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_sits_beside_the_file() {
        assert_eq!(manifest_path(Path::new("/b/yinjian-1.sqlite")), PathBuf::from("/b/yinjian-1.sqlite.manifest.json"));
    }

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://yinjian:s%3Acret@db:5432/yinjian?sslmode=require"),
            ("postgres://yinjian@db:5432/yinjian?sslmode=require".into(), Some("s:cret".into()))
        );
        assert_eq!(
            split_password("postgres://yinjian@db/y?password=p%40ss&sslmode=disable"),
            ("postgres://yinjian@db/y?sslmode=disable".into(), Some("p@ss".into()))
        );
        assert_eq!(split_password("postgres://db/y?password=x"), ("postgres://db/y".into(), Some("x".into())));
        assert_eq!(split_password("postgres://u@db/y"), ("postgres://u@db/y".into(), None));
    }

    #[test]
    fn scratch_database_url() {
        assert_eq!(with_database("postgres://u@h:5432/test", "d"), "postgres://u@h:5432/d");
        assert_eq!(with_database("postgres://u@h/test?sslmode=require", "d"), "postgres://u@h/d?sslmode=require");
    }
}
