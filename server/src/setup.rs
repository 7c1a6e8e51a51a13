//! Start-up: the audit key, the database, migrations and first-start data.

use std::{fs, io::Write, path::Path, sync::Arc};

use app::server::store::{self, DynStore, Pool, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot use the audit key file {path}: {source}")]
    KeyFile { path: String, source: std::io::Error },
    #[error(
        "the audit trail has {0} rows but the audit key file {1} is missing: refusing to start \
         (restore the key; a new key would make the whole trail unverifiable)"
    )]
    KeyMissing(i64, String),
    #[error("the audit key file {0} is empty or too short (need at least 32 bytes)")]
    KeyTooShort(String),
    #[error(
        "the audit key file {0} does not verify the newest audit row (or the head's seal): refusing to start \
         with a wrong key (restore the right key file; `yinjian audit verify` names the break)"
    )]
    WrongKey(String),
    #[error("the audit key file {0} may be read by others (mode {1:o}): refusing to start; run `chmod 600 {0}`")]
    KeyFileMode(String, u32),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Seed(#[from] app::server::seed::SeedError),
}

/// Open the database, apply migrations, and load (or, when the trail is empty, create) the
/// audit key; refuse a key that does not verify the newest row and the head's seal.
pub async fn open(url: &str, key_file: &Path) -> Result<(DynStore, Pool, Arc<Vec<u8>>), SetupError> {
    let (store, pool, key) = open_unchecked(url, key_file).await?;
    if !app::server::trail::check_key(store.as_ref(), &key).await? {
        return Err(SetupError::WrongKey(key_file.display().to_string()));
    }
    if app::server::trail::seal_legacy_head(store.as_ref()).await? {
        tracing::info!("sealed the audit head written before head seals existed");
    }
    Ok((store, pool, key))
}

/// Like [`open`] without checking the key against the trail: for `audit verify`, which must
/// report a broken trail rather than refuse it.
pub async fn open_unchecked(url: &str, key_file: &Path) -> Result<(DynStore, Pool, Arc<Vec<u8>>), SetupError> {
    if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::private_dir(dir)
                .map_err(|source| SetupError::DataDir { path: dir.display().to_string(), source })?;
        }
    }
    // what was applied before this start, for the update record
    let (probe, _) = store::open(url, Arc::new(Vec::new())).await?;
    let before = probe.applied_migrations().await.unwrap_or_default();
    let key = match read_key(key_file)? {
        Some(k) => k,
        None => {
            // No key: only acceptable while the trail is empty.
            probe.migrate().await?;
            let (seq, _) = probe.trail_head().await?;
            if seq > 0 {
                return Err(SetupError::KeyMissing(seq, key_file.display().to_string()));
            }
            create_key(key_file)?
        }
    };
    let key = Arc::new(key);
    let (store, pool) = store::open(url, key.clone()).await?;
    store.migrate().await?;
    record_start(store.as_ref(), &before).await?;
    Ok((store, pool, key))
}

/// 系統更新紀錄: the first start of this version and commit on the database, with the
/// migrations it applied and who started it.
async fn record_start(store: &dyn app::server::store::Store, before: &[i64]) -> Result<(), SetupError> {
    let after = store.applied_migrations().await?;
    let applied: Vec<String> = after.iter().filter(|v| !before.contains(v)).map(i64::to_string).collect();
    let host = fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "?".into());
    let cmd = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    let new = app::server::store::NewUpdate {
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: crate::COMMIT.into(),
        schema_version: after.last().copied().unwrap_or(0),
        migrations_applied: applied.join(","),
        started_by: format!("{user}@{host} (yinjian {cmd})"),
        now: chrono::Utc::now(),
    };
    if store.record_start(&new).await? {
        tracing::info!(version = %crate::VERSION, migrations = %new.migrations_applied, "recorded in the update records (系統更新紀錄)");
    }
    Ok(())
}

pub fn read_key(path: &Path) -> Result<Option<Vec<u8>>, SetupError> {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SetupError::KeyFileMode(path.display().to_string(), mode));
        }
    }
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let key = hex::decode(text.trim()).unwrap_or(bytes.clone());
            if key.len() < 32 {
                return Err(SetupError::KeyTooShort(path.display().to_string()));
            }
            Ok(Some(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(SetupError::KeyFile { path: path.display().to_string(), source }),
    }
}

fn create_key(path: &Path) -> Result<Vec<u8>, SetupError> {
    use rand::RngCore;
    let err = |source| SetupError::KeyFile { path: path.display().to_string(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::private_dir(dir).map_err(err)?;
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(hex::encode(&key).as_bytes()).map_err(err)?;
    f.write_all(b"\n").map_err(err)?;
    tracing::info!(path = %path.display(), "created a new audit key");
    Ok(key)
}

/// Reference units always; demo accounts and demo registered seals on the first start.
/// Prints the demo accounts.
pub async fn first_start(store: &DynStore, demo: bool) -> Result<(), SetupError> {
    let added = app::server::seed::ensure_reference_data(store.as_ref()).await?;
    if added > 0 {
        tracing::info!(added, "reference units added");
    }
    if demo {
        let created = app::server::seed::seed_demo_accounts(store.as_ref()).await?;
        if !created.is_empty() {
            // a fresh database: demo persons with registered impressions too
            let persons = app::server::seed::seed_demo_seals(store.as_ref()).await?;
            tracing::info!(persons, "demo registered seals added");
            let lookups = app::server::seed::seed_demo_history(store.as_ref(), chrono::Utc::now()).await?;
            tracing::info!(lookups, "demo look-ups of last month added");
            let mut out = std::io::stdout().lock();
            let _ =
                writeln!(out, "==== 示範帳號 Demo accounts — one-time passwords, to be changed at first sign-in ====");
            for d in &created {
                let _ = writeln!(
                    out,
                    "DEMO {:<17} {:<6} {} {} password: {}",
                    d.role.code(),
                    d.employee_no,
                    d.name,
                    d.unit_name,
                    d.password
                );
            }
            let _ =
                writeln!(out, "=====================================================================================");
            let _ = out.flush();
        }
    }
    if store.count_accounts().await? == 0 {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", FIRST_ADMIN_HINT);
        let _ = out.flush();
    }
    Ok(())
}

/// Printed while the database has no account: how to make the first administrator.
pub const FIRST_ADMIN_HINT: &str = "\
==== 尚無任何帳號 No account yet ====
建立第一位系統管理者 / create the first administrator (prints a one-time password):
  yinjian user create --employee-no A0001 --name 管理者 --unit LA-IT --roles admin
單位代碼 / unit codes: yinjian user units
示範資料 / demo data (never in production): YINJIAN_DEMO=true on a new database
=====================================";
