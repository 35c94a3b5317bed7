//! Logging to a daily-rotated private file in the data dir (never to the terminal the console draws on), or to stderr for the commands.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// Env var with a tracing filter, e.g. `debug` or `memory_console=trace`.
pub const LOG_ENV: &str = "MEMORY_CONSOLE_LOG";

/// Log files are named `memory-console.YYYY-MM-DD.log`, one a day (UTC).
const PREFIX: &str = "memory-console";
const SUFFIX: &str = "log";

/// Days of logs kept; older files are removed as the log rotates.
pub const KEEP_DAYS: usize = 7;

/// Keeps the log writer alive; drop it last so buffered lines reach the file.
pub struct LogGuard {
    _guard: WorkerGuard,
    /// Today's log file.
    pub path: PathBuf,
}

/// Sends tracing output to `<dir>/memory-console.<date>.log` at `info` unless
/// `MEMORY_CONSOLE_LOG` says otherwise. Request headers are never logged, so the key
/// cannot reach the file.
pub fn init_file(dir: &Path) -> std::io::Result<LogGuard> {
    init_file_with(dir, "info")
}

/// [`init_file`] with another default filter (tests use `trace`).
///
/// The directory is made 0700 and every log file 0600. The appender creates tomorrow's
/// file on its own thread, so the process's umask is narrowed to 077 here: everything the
/// console writes (logs, drafts, backups, the audit log) is private anyway.
pub fn init_file_with(dir: &Path, default: &str) -> std::io::Result<LogGuard> {
    std::fs::create_dir_all(dir)?;
    private_files_from_now_on();
    restrict(dir, 0o700)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP_DAYS)
        .build(dir)
        .map_err(std::io::Error::other)?;
    // Files an older run left (or made before the umask): private too.
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(PREFIX) && name.ends_with(SUFFIX) {
            restrict(&entry.path(), 0o600)?;
        }
    }
    let path = dir.join(today_file_name());
    let (writer, guard) = tracing_appender::non_blocking(appender);
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

/// The name the daily appender gives today's file (it dates files in UTC).
fn today_file_name() -> String {
    let date = time::OffsetDateTime::now_utc().date();
    format!(
        "{PREFIX}.{:04}-{:02}-{:02}.{SUFFIX}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Sends tracing output to stderr, for the non-interactive commands. Colour codes only
/// when stderr is a terminal (and `NO_COLOR` is unset): a file or a pipe gets plain text.
pub fn init_stderr(default: &str) {
    let filter = EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}

#[cfg(unix)]
fn private_files_from_now_on() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

#[cfg(not(unix))]
fn private_files_from_now_on() {}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
