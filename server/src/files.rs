//! Files and folders this process writes hold personal data (the SQLite database and its
//! sessions, backups, the JSON-lines copy of the trail) or secrets (the trail key): they are
//! made readable by their owner only, whatever the umask of whoever started the process.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Files this process creates get no group or other bits unless it asks for them (the service
/// unit says `UMask=0077` too; this holds for `yinjian backup` run from a shell as well). The
/// explicit modes below do not rely on it.
pub fn restrict_umask() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// `path` and any missing parent created `0700`; an existing folder is left as it is.
pub fn private_dir(path: &Path) -> io::Result<()> {
    if path.as_os_str().is_empty() || path.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// A new file, `0600`; fails when it exists.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

/// Open `path` for appending, creating it `0600`; an existing file that others may read is
/// narrowed to owner-only first (with a warning): it was made before this check.
pub fn append_private(path: &Path) -> io::Result<fs::File> {
    narrow(path)?;
    fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path)
}

/// Remove the group and other bits of an existing regular file; whether it had any. A file this
/// process may not change (another owner's) is left as it is, with an error in the log: the
/// operator fixes it, and the trail keeps flowing meanwhile.
pub fn narrow(path: &Path) -> io::Result<bool> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let mode = meta.permissions().mode() & 0o777;
    if !meta.is_file() || mode & 0o077 == 0 {
        return Ok(false);
    }
    match fs::set_permissions(path, fs::Permissions::from_mode(mode & 0o700)) {
        Ok(()) => {
            tracing::warn!(file = %path.display(), was = format!("{mode:o}"), "the file could be read by others: now owner-only");
            Ok(true)
        }
        Err(e) => {
            tracing::error!(file = %path.display(), mode = format!("{mode:o}"), error = %e, "the file can be read by others and this process cannot change that: chmod 600 it");
            Ok(false)
        }
    }
}

/// Write `contents` into a new or replaced file readable by the owner only.
pub fn write_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    narrow(path)?;
    let mut f = fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_owner_only() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a").join("b");
        private_dir(&dir).unwrap();
        assert_eq!(fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(fs::metadata(d.path().join("a")).unwrap().permissions().mode() & 0o777, 0o700);
        let f = dir.join("x");
        fs::write(&f, b"1").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        append_private(&f).unwrap();
        assert_eq!(fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        write_private(&dir.join("y"), b"2").unwrap();
        assert_eq!(fs::metadata(dir.join("y")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
