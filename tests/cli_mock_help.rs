//! `memory-console mock-server --help` lists only the mock's own options, and the console's
//! options are refused there instead of silently doing nothing.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_memory-console"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mock_server_help_lists_only_its_own_options() {
    let (code, help, _) = run(&["mock-server", "--help"]);
    assert_eq!(code, Some(0));
    assert!(
        help.contains("Usage: memory-console mock-server [OPTIONS]"),
        "{help}"
    );
    for own in ["--addr", "--users", "--latency-ms", "--api-key", "--seed"] {
        assert!(help.contains(own), "{own} missing:\n{help}");
    }
    for foreign in [
        "--profile",
        "--config",
        "--base-url",
        "--audit-log",
        "--read-only",
        "--json",
    ] {
        assert!(!help.contains(foreign), "{foreign} listed:\n{help}");
    }
    let (code, _, err) = run(&["mock-server", "--profile", "prod"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--profile"), "{err}");
}
