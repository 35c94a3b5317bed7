//! Files only the owner can read, written atomically: backups, drafts and the audit log hold
//! personal data, so they are private from the moment they exist (mode set at creation, never
//! chmod afterwards, which would leave a window where others could open them).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Creates `dir` and any missing parents; directories created here get mode 0700.
pub fn create_private_dir_all(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| {
        let e = match e.kind() {
            io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => {
                blocking_component(dir).unwrap_or(e)
            }
            _ => e,
        };
        StoreError::io("create directory", dir, e)
    })
}

/// Makes `dir` (as [`create_private_dir_all`]) and checks a file can be created in it, by
/// creating one and removing it: a read-only folder or file system shows here, before a job
/// sends its first request, instead of once for every user.
pub fn create_writable_dir(dir: &Path) -> Result<(), StoreError> {
    create_private_dir_all(dir)?;
    let probe = dir.join(format!(".write-check-{}", std::process::id()));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    private_mode(&mut opts);
    opts.open(&probe)
        .map_err(|e| StoreError::io("create files in", dir, e))?;
    fs::remove_file(&probe).map_err(|e| StoreError::io("remove", &probe, e))
}

/// Why `dir` cannot be made although "it exists": the part of its path that is a symbolic
/// link leading nowhere, or a file where a directory should be. "File exists" alone does not
/// say which part.
fn blocking_component(dir: &Path) -> Option<io::Error> {
    dir.ancestors().find_map(|part| {
        let meta = fs::symlink_metadata(part).ok()?;
        let why = if meta.file_type().is_symlink() {
            if fs::metadata(part).is_ok_and(|m| m.is_dir()) {
                return None;
            }
            let target = fs::read_link(part).ok()?;
            format!(
                "{} is a symbolic link to {}, which is not a directory that exists",
                part.display(),
                target.display()
            )
        } else if meta.is_dir() {
            return None;
        } else {
            format!("{} is a file, not a directory", part.display())
        };
        Some(io::Error::new(io::ErrorKind::AlreadyExists, why))
    })
}

/// Writes `bytes` to `path`, replacing what is there, so that a reader sees the old file or
/// the new one and never a part; a crash leaves at most a stray temp file beside it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = write_temp(path, bytes)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::io("replace", path, e));
    }
    sync_parent(path)
}

/// Like [`write_atomic`], but leaves flushing to a [`super::SyncBarrier`] the caller must
/// wait on before relying on the file (on Linux; elsewhere it flushes at once).
pub fn write_atomic_deferred(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if cfg!(not(target_os = "linux")) {
        return write_atomic(path, bytes);
    }
    let tmp = write_temp_with(path, bytes, false)?;
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::io("replace", path, e));
    }
    Ok(())
}

/// Like [`write_atomic`], but fails with [`StoreError::Exists`] instead of replacing a file.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = write_temp(path, bytes)?;
    // A hard link fails when the target exists, unlike rename, so the publish is both
    // atomic and non-clobbering.
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => sync_parent(path),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(StoreError::Exists {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(StoreError::io("create", path, e)),
    }
}

/// Like [`write_new`], but leaves flushing to a [`super::SyncBarrier`] the caller must wait
/// on before relying on the file (on Linux; elsewhere it flushes at once).
pub fn write_new_deferred(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    if cfg!(not(target_os = "linux")) {
        return write_new(path, bytes);
    }
    let tmp = write_temp_with(path, bytes, false)?;
    let linked = fs::hard_link(&tmp, path);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(StoreError::Exists {
            path: path.to_path_buf(),
        }),
        Err(e) => Err(StoreError::io("create", path, e)),
    }
}

/// Opens a log for appending (O_APPEND, so each write lands at the end), creating it with
/// mode 0600 and its directory with 0700.
pub fn open_append(path: &Path) -> Result<File, StoreError> {
    if let Some(parent) = parent_dir(path) {
        create_private_dir_all(parent)?;
    }
    let mut opts = OpenOptions::new();
    opts.append(true).create(true).read(true);
    private_mode(&mut opts);
    opts.open(path).map_err(|e| StoreError::io("open", path, e))
}

/// A lock file held for the life of the value, removed on drop. One left behind by a crash
/// stays until removed by hand, on purpose: the work it guarded may be half done.
#[derive(Debug)]
pub struct LockFile {
    path: PathBuf,
}

impl LockFile {
    /// Creates `path` (mode 0600) holding this process id; [`StoreError::Exists`] when
    /// someone else holds it.
    pub fn acquire(path: &Path) -> Result<LockFile, StoreError> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        private_mode(&mut opts);
        match opts.open(path) {
            Ok(mut f) => {
                let lock = LockFile {
                    path: path.to_path_buf(),
                };
                f.write_all(format!("{}\n", std::process::id()).as_bytes())
                    .map_err(|e| StoreError::io("write", path, e))?;
                Ok(lock)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(StoreError::Exists {
                path: path.to_path_buf(),
            }),
            Err(e) => Err(StoreError::io("create", path, e)),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes a private temp file next to `path` and flushes it to disk.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf, StoreError> {
    write_temp_with(path, bytes, true)
}

fn write_temp_with(path: &Path, bytes: &[u8], sync: bool) -> Result<PathBuf, StoreError> {
    let dir = parent_dir(path).unwrap_or(Path::new("."));
    create_private_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    private_mode(&mut opts);
    let result = opts.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        if sync { f.sync_all() } else { Ok(()) }
    });
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(StoreError::io("write", path, e))
        }
    }
}

fn parent_dir(path: &Path) -> Option<&Path> {
    path.parent().filter(|p| !p.as_os_str().is_empty())
}

fn private_mode(opts: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = opts;
}

/// Makes a rename or link durable: the directory entry lives in the parent directory.
/// Makes a file written by a `_deferred` function durable on its own: its data, then its
/// directory entry. For a file a [`super::SyncBarrier`] turns out not to cover (it lies on
/// another file system, through a symlink or a mount).
pub fn flush_written(path: &Path) -> Result<(), StoreError> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io("sync", path, e))?;
    sync_parent(path)
}

fn sync_parent(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let dir = parent_dir(path).unwrap_or(Path::new("."));
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io("sync directory", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_are_private_and_dirs_too() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("a/b/file.json");
        write_atomic(&path, b"one").unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        assert_eq!(mode(&root.path().join("a/b")), 0o700);
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(mode(&path), 0o600);
        let log = root.path().join("logs/x.jsonl");
        let mut f = open_append(&log).unwrap();
        f.write_all(b"line\n").unwrap();
        assert_eq!(mode(&log), 0o600);
        // Only the files written remain: no temp file is left behind.
        let names: Vec<_> = fs::read_dir(root.path().join("a/b"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec!["file.json"]);
    }

    #[test]
    fn write_new_never_replaces() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("f");
        write_new(&path, b"first").unwrap();
        let err = write_new(&path, b"second").unwrap_err();
        assert!(matches!(err, StoreError::Exists { .. }), "{err}");
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_lock_is_exclusive_and_released_on_drop() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("x.lock");
        let lock = LockFile::acquire(&path).unwrap();
        assert_eq!(mode(lock.path()), 0o600);
        assert!(matches!(
            LockFile::acquire(&path),
            Err(StoreError::Exists { .. })
        ));
        drop(lock);
        assert!(!path.exists());
        LockFile::acquire(&path).unwrap();
    }

    /// Found by cargo-mutants: only "it exists" means someone else holds the lock; any
    /// other failure is said as it is.
    #[test]
    fn a_lock_that_cannot_be_created_is_not_called_held() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("missing-dir/x.lock");
        let err = LockFile::acquire(&path).unwrap_err();
        assert!(!matches!(err, StoreError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("missing-dir"), "{err}");
    }

    #[test]
    fn errors_name_the_path() {
        let root = tempfile::tempdir().unwrap();
        let blocker = root.path().join("blocker");
        fs::write(&blocker, b"").unwrap();
        let err = write_atomic(&blocker.join("x"), b"").unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_that_cannot_be_made_names_the_part_in_the_way() {
        let root = tempfile::tempdir().unwrap();
        let link = root.path().join("backups");
        std::os::unix::fs::symlink(root.path().join("gone"), &link).unwrap();
        let err = create_private_dir_all(&link.join("main")).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("{} is a symbolic link to ", link.display()))
                && text.contains("gone"),
            "{text}"
        );
        let file = root.path().join("plain");
        fs::write(&file, b"").unwrap();
        let err = create_private_dir_all(&file.join("main")).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("{} is a file, not a directory", file.display())),
            "{err}"
        );
        // A link to a folder that exists is fine.
        let good = root.path().join("good");
        std::os::unix::fs::symlink(root.path(), &good).unwrap();
        create_private_dir_all(&good.join("main")).unwrap();
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_where_no_file_can_be_made_is_found_before_use() {
        // /proc/self exists and is a folder, but no one (root included) creates files there.
        let err = create_writable_dir(Path::new("/proc/self")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot create files in /proc/self:"),
            "{err}"
        );
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("backups").join("main");
        create_writable_dir(&dir).unwrap();
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "the check leaves nothing"
        );
    }
}
