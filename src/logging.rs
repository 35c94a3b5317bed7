//! Logging to a file in the data dir (never to the terminal the console draws on).

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Env var with a tracing filter, e.g. `debug` or `memory_console=trace`.
pub const LOG_ENV: &str = "MEMORY_CONSOLE_LOG";

/// Keeps the log writer alive; drop it last so buffered lines reach the file.
pub struct LogGuard {
    _guard: WorkerGuard,
    pub path: PathBuf,
}

/// Sends tracing output to `<dir>/memory-console.log` at `info` unless `MEMORY_CONSOLE_LOG`
/// says otherwise. Request headers are never logged, so the key cannot reach the file.
pub fn init_file(dir: &Path) -> std::io::Result<LogGuard> {
    init_file_with(dir, "info")
}

/// [`init_file`] with another default filter (tests use `trace`).
pub fn init_file_with(dir: &Path, default: &str) -> std::io::Result<LogGuard> {
    std::fs::create_dir_all(dir)?;
    let name = "memory-console.log";
    let path = dir.join(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    restrict_to_owner(&path);
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default));
    // A second init (tests start several consoles in one process) keeps the first logger.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(LogGuard {
        _guard: guard,
        path,
    })
}

/// Sends tracing output to stderr, for the non-interactive commands.
pub fn init_stderr(default: &str) {
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) {}
