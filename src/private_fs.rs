//! Files warroom creates hold incident text, token hashes and queued
//! actions, so they are private to the user who runs it: directories 0700,
//! files 0600, whatever the umask. A directory another user owns or can
//! write to is refused (they could plant files we would act on), and
//! nothing we write follows a symlink we did not make.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Makes every file and directory this process creates private, including
/// the ones made by libraries (SQLite's WAL and shared-memory files).
pub fn restrict_umask() {
    // SAFETY: umask only changes this process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

fn euid() -> u32 {
    // SAFETY: geteuid cannot fail and touches no memory.
    unsafe { libc::geteuid() }
}

/// Creates `dir` (and its parents) as 0700 if missing, then checks that it
/// is a real directory, owned by us and not writable by anyone else. A
/// directory of ours with loose permissions (from an older version) is
/// tightened; one that belongs to another user is refused.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create {}: {}", dir.display(), describe(&e)))?;
    let meta = fs::symlink_metadata(dir)
        .map_err(|e| format!("cannot inspect {}: {}", dir.display(), describe(&e)))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{} is a symbolic link; warroom keeps its files only in a real directory it owns",
            dir.display()
        ));
    }
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if meta.uid() != euid() {
        return Err(format!(
            "{} belongs to another user (uid {}); refusing to use it. \
             Remove it or point XDG_STATE_HOME / XDG_DATA_HOME elsewhere",
            dir.display(),
            meta.uid()
        ));
    }
    if meta.mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot make {} private: {}", dir.display(), describe(&e)))?;
    }
    Ok(())
}

/// A random name part, so two writers never share a temp file.
fn temp_suffix() -> String {
    use rand::Rng;
    let mut b = [0u8; 8];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Writes `bytes` to `dir/name` atomically: a new temp file (created, never
/// opened through a link), optionally fsynced, renamed over the target
/// (which replaces a planted symlink instead of following it).
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8], durable: bool) -> io::Result<PathBuf> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", temp_suffix()));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&tmp)?;
    let written = f
        .write_all(bytes)
        .and_then(|()| if durable { f.sync_all() } else { Ok(()) });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, &target)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    if durable {
        File::open(dir)?.sync_all()?;
    }
    Ok(target)
}

/// Reads a regular file without following a symlink at its name.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    let mut out = Vec::new();
    f.read_to_end(&mut out)?;
    Ok(out)
}

/// A secret from a file (a token): a regular file no one but its owner
/// may read (as ssh refuses a private key), never through a link; its
/// first line, trimmed. Errors name the file, never its contents.
pub fn read_secret_file(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    if meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{shown} may be read by others (mode {:o}); chmod 600 it",
            meta.mode() & 0o777
        ));
    }
    let bytes = read_regular(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown} is not text"))?;
    let secret = text.lines().next().unwrap_or("").trim().to_string();
    if secret.is_empty() {
        return Err(format!("{shown} is empty"));
    }
    Ok(secret)
}

/// Opens a file for appending (the log), private and never through a link.
pub fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// An OS error in words a person can act on: "permission denied" is named.
pub fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => format!("permission denied ({e})"),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("draft.txt")).unwrap();
        write_atomic(dir.path(), "draft.txt", b"new", false).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(
            fs::read_to_string(dir.path().join("draft.txt")).unwrap(),
            "new"
        );
        assert!(
            !fs::symlink_metadata(dir.path().join("draft.txt"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn files_and_dirs_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("a/b");
        private_dir(&d).unwrap();
        assert_eq!(fs::metadata(&d).unwrap().mode() & 0o777, 0o700);
        let p = write_atomic(&d, "x", b"1", true).unwrap();
        assert_eq!(fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        // A loose directory of ours is tightened.
        fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
        private_dir(&d).unwrap();
        assert_eq!(fs::metadata(&d).unwrap().mode() & 0o777, 0o700);
    }

    #[test]
    fn a_directory_owned_by_another_user_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("outbox");
        fs::create_dir(&d).unwrap();
        let c = std::ffi::CString::new(d.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        if unsafe { libc::chown(c.as_ptr(), 65534, 65534) } != 0 {
            // Only root can hand a directory to someone else; CI runs as root.
            eprintln!("skipped: chown needs root");
            return;
        }
        let e = private_dir(&d).unwrap_err();
        assert!(e.contains("belongs to another user"), "{e}");
    }

    #[test]
    fn a_symlinked_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(private_dir(&link).unwrap_err().contains("symbolic link"));
    }

    #[test]
    fn reading_through_a_symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("t"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("t"), dir.path().join("l")).unwrap();
        assert!(read_regular(&dir.path().join("l")).is_err());
        assert_eq!(read_regular(&dir.path().join("t")).unwrap(), b"x");
    }
}
