//! The console's log: a daily file, 0600 in a 0700 directory; and the commands' stderr
//! log carries no colour codes when it is not a terminal.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn the_log_is_a_dated_private_file_in_a_private_directory() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("logs");
    // A file an older version left readable by others is made private as well.
    std::fs::create_dir_all(&dir).expect("mkdir");
    let old = dir.join("memory-console.2020-01-01.log");
    std::fs::write(&old, "old\n").expect("write");
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let guard = memory_console::logging::init_file_with(&dir, "info").expect("log starts");
    tracing::info!("hello from the log test");
    let path = guard.path.clone();
    drop(guard);

    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("memory-console.20") && name.ends_with(".log"),
        "{name}"
    );
    assert_eq!(mode(&dir), 0o700, "the log directory");
    assert_eq!(mode(&path), 0o600, "today's log");
    assert_eq!(mode(&old), 0o600, "an older log");
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains("hello from the log test"), "{text}");
    assert!(!text.contains('\x1b'), "no colour codes in the file");
}

#[test]
fn stderr_that_is_not_a_terminal_gets_no_colour_codes() {
    let home = tempfile::tempdir().expect("tempdir");
    // Nothing listens on port 9: the client logs its attempts at debug level.
    let out = Command::new(env!("CARGO_BIN_EXE_memory-console"))
        .args(["users", "--org", "main", "--base-url", "http://127.0.0.1:9"])
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("MEMORY_CONSOLE_DATA_DIR", home.path().join("data"))
        .env("IBL_API_KEY", "k")
        .env("MEMORY_CONSOLE_LOG", "debug")
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("DEBUG") || stderr.contains("WARN"),
        "{stderr}"
    );
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}
