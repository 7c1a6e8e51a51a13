//! Start-up: the trail key, the database, migrations and first-start data.

use std::{fs, io::Write, path::Path, sync::Arc};

use app::server::store::{self, DynStore, Pool, StoreError};
use app::server::trail::KeyVerdict;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot use the trail key file {path}: {source}")]
    KeyFile { path: String, source: std::io::Error },
    #[error(
        "the trail has {0} rows but the trail key file {1} is missing: refusing to start \
         (restore the key; a new key would make the whole trail unverifiable)"
    )]
    KeyMissing(i64, String),
    #[error(
        "there is no trail key file at {0}: the trail cannot be verified without its key (YINJIAN_TRAIL_KEY_FILE)"
    )]
    NoKey(String),
    #[error("the trail key file {0} is empty or too short (need at least 32 bytes)")]
    KeyTooShort(String),
    #[error(
        "the trail key file {0} does not verify the newest trail row (or the head's seal): refusing to start \
         with a wrong key (restore the right key file; `yinjian trail verify` names the break)"
    )]
    WrongKey(String),
    #[error(
        "the trail key file {0} is not the key this database's trail was started with (its fingerprint \
         differs from the one recorded in the database): refusing to start. Every instance must use the \
         same key file: copy it from the instance that started the trail (docs/deploy.md, 3)"
    )]
    OtherKey(String),
    #[error(
        "another instance recorded its own trail key in this database first, so the key this start made \
         in {0} was removed: refusing to start. Every instance must use the same key file: copy the first \
         instance's to {0} and start again (docs/deploy.md, 3)"
    )]
    LostKeyRace(String),
    #[error(
        "the trail key file {0} is missing, and this database's trail was already started with a key: \
         refusing to make another. Copy the key file from the instance that started the trail to {0} \
         (docs/deploy.md, 3)"
    )]
    KeyElsewhere(String),
    #[error("the trail key file {0} may be read by others (mode {1:o}): refusing to start; run `chmod 600 {0}`")]
    KeyFileMode(String, u32),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error(transparent)]
    Seed(#[from] app::server::seed::SeedError),
}

/// Open the database, apply migrations, and load (or, when the trail is empty, create) the
/// trail key; refuse a key that is not the trail's: one whose fingerprint differs from the one
/// the database recorded, or that does not verify the newest row and the head's seal. The first
/// process to use a key on the database records its fingerprint.
pub async fn open(url: &str, key_file: &Path) -> Result<(DynStore, Pool, Arc<Vec<u8>>), SetupError> {
    let (store, pool, key, created) = open_inner(url, key_file).await?;
    let path = key_file.display().to_string();
    match app::server::trail::adopt_key(store.as_ref(), &key).await? {
        KeyVerdict::Adopted => {}
        KeyVerdict::OtherKey if created => {
            // this start made the key and another process recorded its own first: ours is of no use
            let _ = fs::remove_file(key_file);
            return Err(SetupError::LostKeyRace(path));
        }
        KeyVerdict::OtherKey => return Err(SetupError::OtherKey(path)),
        KeyVerdict::WrongKey => return Err(SetupError::WrongKey(path)),
    }
    if app::server::trail::seal_legacy_head(store.as_ref()).await? {
        tracing::info!("sealed the trail head written before head seals existed");
    }
    Ok((store, pool, key))
}

/// Like [`open`] without checking the key against the trail: for `trail verify`, which must
/// report a broken trail (or another key) rather than refuse it. It never makes a key.
pub async fn open_unchecked(url: &str, key_file: &Path) -> Result<(DynStore, Pool, Arc<Vec<u8>>), SetupError> {
    if read_key(key_file)?.is_none() {
        return Err(SetupError::NoKey(key_file.display().to_string()));
    }
    let (store, pool, key, _) = open_inner(url, key_file).await?;
    Ok((store, pool, key))
}

/// The store, its pool, the key, and whether this call created the key file.
async fn open_inner(url: &str, key_file: &Path) -> Result<(DynStore, Pool, Arc<Vec<u8>>, bool), SetupError> {
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
    let (key, created) = match read_key(key_file)? {
        Some(k) => (k, false),
        None => {
            // No key: only acceptable while the trail is empty and no key was recorded for it.
            probe.migrate().await?;
            let (seq, _) = probe.trail_head().await?;
            if seq > 0 {
                return Err(SetupError::KeyMissing(seq, key_file.display().to_string()));
            }
            if probe.trail_key_fingerprint().await?.is_some() {
                return Err(SetupError::KeyElsewhere(key_file.display().to_string()));
            }
            create_key(key_file)?
        }
    };
    let key = Arc::new(key);
    let (store, pool) = store::open(url, key.clone()).await?;
    store.migrate().await?;
    record_start(store.as_ref(), &before).await?;
    Ok((store, pool, key, created))
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

/// Make a new key file (0600) and return it with `true`; when another process on this host made
/// the same file meanwhile, its key with `false`. The file appears whole or not at all: the key
/// is written to a private temporary file beside it, which is then linked to the name only if
/// the name is free.
fn create_key(path: &Path) -> Result<(Vec<u8>, bool), SetupError> {
    use rand::RngCore;
    let err = |source| SetupError::KeyFile { path: path.display().to_string(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::private_dir(dir).map_err(err)?;
    }
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(format!(".new-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    let tmp = std::path::PathBuf::from(tmp_name);
    let written = (|| {
        let mut f = crate::files::create_private(&tmp)?;
        f.write_all(hex::encode(&key).as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(err(e));
    }
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "created a new trail key");
            Ok((key, true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match read_key(path)? {
            Some(theirs) => Ok((theirs, false)),
            None => Err(err(e)),
        },
        Err(e) => Err(err(e)),
    }
}

/// Reference units always; demo accounts and demo registered seals on the first start.
/// Prints the demo accounts.
pub async fn first_start(store: &DynStore, demo: bool) -> Result<(), SetupError> {
    let added = app::server::seed::ensure_reference_data(store.as_ref()).await?;
    if added > 0 {
        tracing::info!(added, "reference units added");
    }
    // roles granted before the unit rule was this strict (七(一)1): taken away, each in the trail
    let removed = app::server::roles::remove_misplaced_roles(store.as_ref(), chrono::Utc::now()).await?;
    if !removed.is_empty() {
        let mut out = std::io::stdout().lock();
        let _ =
            writeln!(out, "==== 已移除所屬單位不得持有之權限 Roles removed (not allowed in the account's unit) ====");
        for r in &removed {
            let roles: Vec<&str> = r.roles.iter().map(|x| x.code()).collect();
            let _ = writeln!(out, "{:<12} {:<8} {}", r.employee_no, r.unit_code, roles.join(","));
        }
        let _ = out.flush();
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
