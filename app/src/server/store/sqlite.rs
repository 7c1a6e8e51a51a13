use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::{str::FromStr, sync::Arc, time::Duration};

use super::accounts::*;
use super::acknowledgements::{impl_acknowledgements, ACKNOWLEDGEMENT_COLUMNS};
use super::audits::{impl_audits, AUDIT_RECORD_COLUMNS, FOLLOWUP_COLUMNS};
use super::calendar::*;
use super::comparisons::*;
use super::database::*;
use super::forward::{impl_forward, FORWARD_COLUMNS};
use super::liaison::{impl_liaison, SLIP_COLUMNS};
use super::queries::*;
use super::reports::{impl_reports, ReportRecord, REPORT_COLUMNS};
use super::requests::{impl_requests, REQUEST_COLUMNS};
use super::reviews::impl_reviews;
use super::seals::*;
use super::system::impl_system;
use super::tasks::{impl_tasks, TASK_COLUMNS};
use super::trail::*;
use super::*;
use crate::domain::forms::account_request::RequestKind;
use crate::server::trail::TrailAction;

/// The embedded default: one file, WAL journal with `synchronous=FULL` (a committed look-up or
/// trail row survives a power loss: the image was shown only after it was written), foreign keys
/// on.
#[derive(Clone)]
pub struct SqliteStore {
    pub(crate) pool: sqlx::SqlitePool,
    /// One connection for write transactions: writers queue on the pool (in order, woken at
    /// once) instead of in SQLite's busy handler, which sleeps up to 100 ms between tries and
    /// made the tail of a look-up's latency. Reads use `pool` (WAL: they never wait for it).
    writer: sqlx::SqlitePool,
    key: Arc<Vec<u8>>,
}

impl SqliteStore {
    /// `?synchronous=normal` on the URL trades the newest commits on a power loss (never on a
    /// crash of the process) for speed: for measuring what FULL costs, not for production.
    pub async fn connect(url: &str, key: Arc<Vec<u8>>) -> StoreResult<Self> {
        let (url, sync) = synchronous_of(url);
        let opts = SqliteConnectOptions::from_str(&url)?;
        if !url.contains("mode=memory") && !url.contains("mode=ro") {
            private_files(opts.get_filename())?;
        }
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(sync)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts.clone()).await?;
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await?;
        Ok(Self { pool, writer, key })
    }

    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// The pool write transactions (and the session store's writes) go through.
    pub fn writer(&self) -> &sqlx::SqlitePool {
        &self.writer
    }

    fn tx_pool(&self) -> &sqlx::SqlitePool {
        &self.writer
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        sqlx::migrate!("../migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }
}

/// The database file and its companions (`-wal`, `-shm`, `-journal`) readable by the owner only:
/// the file holds every look-up, the trail and the sessions. SQLite creates a new file `0644`
/// (less the umask) and gives the companions the database file's mode, so a missing file is
/// created here `0600` first; an existing one that others may read is narrowed to `0600`, with a
/// warning (a database made before this check).
fn private_files(path: &std::path::Path) -> StoreResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let name = path.to_string_lossy();
        if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
            return Ok(());
        }
        let io = |e: std::io::Error| StoreError::File(format!("{}: {e}", path.display()));
        match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(e)),
        }
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let file = std::path::PathBuf::from(format!("{name}{suffix}"));
            let Ok(meta) = std::fs::metadata(&file) else { continue };
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_file() && mode & 0o077 != 0 {
                match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode & 0o700)) {
                    Ok(()) => {
                        tracing::warn!(file = %file.display(), was = format!("{mode:o}"), "the database file could be read by others: now owner-only")
                    }
                    // another owner's file: the operator fixes it (the database still opens)
                    Err(e) => {
                        tracing::error!(file = %file.display(), mode = format!("{mode:o}"), error = %e, "the database file can be read by others and this process cannot change that: chmod 600 it")
                    }
                }
            }
        }
    }
    Ok(())
}

/// The URL without our `synchronous` parameter, and the mode it asks for (FULL unless
/// `normal`).
fn synchronous_of(url: &str) -> (String, SqliteSynchronous) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), SqliteSynchronous::Full) };
    let mut sync = SqliteSynchronous::Full;
    let rest: Vec<&str> = query
        .split('&')
        .filter(|kv| match kv.split_once('=') {
            Some(("synchronous", v)) => {
                if v.eq_ignore_ascii_case("normal") {
                    sync = SqliteSynchronous::Normal;
                }
                false
            }
            _ => true,
        })
        .collect();
    if rest.is_empty() {
        (base.to_string(), sync)
    } else {
        (format!("{base}?{}", rest.join("&")), sync)
    }
}

impl_database!(SqliteStore, sqlx::Sqlite, Backend::Sqlite, "BEGIN IMMEDIATE");
impl_accounts!(SqliteStore, sqlx::Sqlite);
impl_trail!(SqliteStore, sqlx::Sqlite);
impl_seals!(SqliteStore, sqlx::Sqlite);
impl_queries!(SqliteStore, sqlx::Sqlite);
impl_comparisons!(SqliteStore, sqlx::Sqlite);
impl_calendar!(SqliteStore, sqlx::Sqlite);
impl_requests!(SqliteStore, sqlx::Sqlite);
impl_reviews!(SqliteStore, sqlx::Sqlite);
impl_liaison!(SqliteStore, sqlx::Sqlite);
impl_reports!(SqliteStore, sqlx::Sqlite);
impl_tasks!(SqliteStore, sqlx::Sqlite);
impl_forward!(SqliteStore, sqlx::Sqlite);
impl_system!(SqliteStore, sqlx::Sqlite, "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
impl_audits!(SqliteStore, sqlx::Sqlite);
impl_acknowledgements!(SqliteStore, sqlx::Sqlite);

#[cfg(test)]
mod url_tests {
    use super::*;

    #[test]
    fn synchronous_is_full_unless_asked() {
        assert!(
            matches!(synchronous_of("sqlite://data/y.db"), (u, SqliteSynchronous::Full) if u == "sqlite://data/y.db")
        );
        assert!(
            matches!(synchronous_of("sqlite://y.db?mode=rwc"), (u, SqliteSynchronous::Full) if u == "sqlite://y.db?mode=rwc")
        );
        assert!(
            matches!(synchronous_of("sqlite://y.db?synchronous=normal"), (u, SqliteSynchronous::Normal) if u == "sqlite://y.db")
        );
        assert!(
            matches!(synchronous_of("sqlite://y.db?mode=rwc&synchronous=NORMAL"), (u, SqliteSynchronous::Normal) if u == "sqlite://y.db?mode=rwc")
        );
        assert!(
            matches!(synchronous_of("sqlite://y.db?synchronous=off"), (_, SqliteSynchronous::Full)),
            "only normal relaxes it"
        );
    }
}
