//! A canary API key, with trace logging on, never shows up where people or other programs
//! can read it: the log file, error messages, the screen, the audit log, Debug output, or the
//! binary's own output and arguments.

mod common;

use common::console_rig::{WAIT, quick, rig_keyed};
use crossterm::event::KeyCode;
use memory_console::api::{ApiClient, ClientSettings, OrgScope, UserRef};
use secrecy::SecretString;

const CANARY: &str = "canary-7d1f0c9e-key";

#[tokio::test]
async fn trace_logs_screens_audit_and_errors_never_hold_the_key() {
    let logs = tempfile::tempdir().expect("tempdir");
    let guard = memory_console::logging::init_file_with(logs.path(), "trace").expect("log file");
    let mut r = rig_keyed(quick(), false, None, None, CANARY).await;
    r.edit_and_save("one.line.olga", "x").await;
    assert!(
        r.console
            .settle_until(WAIT, |a| a.tasks.items.len() == 1)
            .await
    );
    r.keys("d");
    r.keys("one.line.olga");
    r.press(KeyCode::Enter);
    assert!(
        r.console
            .settle_until(WAIT, |a| a.last_erase.is_some())
            .await
    );
    r.keys("?");
    let screen = r.screen();
    assert!(
        !screen.contains(CANARY),
        "the help shows where the key comes from, not the key"
    );
    assert!(screen.contains("IBL_API_KEY"));
    assert!(!format!("{:?}", r.console.app).contains(CANARY));

    // An error from the server about the key.
    let wrong = ApiClient::new(&ClientSettings::new(
        r.mock.base_url(),
        SecretString::from(format!("{CANARY}-wrong")),
    ))
    .expect("client");
    let e = wrong
        .get_memory(&OrgScope::new("main"), &UserRef::by_name("one.line.olga"))
        .await
        .expect_err("unauthorized");
    assert!(!format!("{e} {e:?} {}", e.advice("IBL_API_KEY")).contains(CANARY));
    assert!(!format!("{wrong:?}").contains(CANARY));

    let audit = std::fs::read_to_string(r.data.path().join("audit.jsonl")).expect("audit");
    assert!(!audit.is_empty() && !audit.contains(CANARY));

    let log_path = guard.path.clone();
    drop(guard);
    let log = std::fs::read_to_string(log_path).expect("log");
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "trace logging was on"
    );
    assert!(log.contains("request"), "requests were logged");
    assert!(!log.contains(CANARY), "the key is not in the trace log");
}

#[test]
fn the_binary_never_prints_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.p]\nbase_url = \"https://example.invalid\"\napi_key = \"{CANARY}-in-file\"\n\
             [[profiles.p.orgs]]\nkey = \"main\"\n"
        ),
    )
    .expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_memory-console"))
        .arg("--config")
        .arg(&config)
        .arg("config")
        .env("IBL_API_KEY", CANARY)
        .env("MEMORY_CONSOLE_LOG", "trace")
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("env var IBL_API_KEY"), "{text}");
    assert!(
        text.contains("chmod 600"),
        "the readable key file is warned about: {text}"
    );
    assert!(!text.contains(CANARY), "{text}");
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_memory-console"))
        .arg("--help")
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        !help.contains("--api-key"),
        "no flag puts the key in process arguments"
    );
}
