//! `memory-console config`: how the binary resolves a connection from a config file or from
//! `--base-url` and the environment, and what it says when it cannot.

use std::process::{Command, Output};

fn run(args: &[&str], key: Option<&str>) -> Output {
    let empty = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_memory-console"));
    cmd.args(args)
        .env_remove("IBL_API_KEY")
        // An explicitly named config that does not exist would be an error; point the
        // default lookup at an empty place instead.
        .env_remove("MEMORY_CONSOLE_CONFIG")
        .env("XDG_CONFIG_HOME", empty.path())
        .env("HOME", empty.path());
    if let Some(k) = key {
        cmd.env("IBL_API_KEY", k);
    }
    cmd.output().expect("runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn without_a_config_it_is_demo_mode() {
    let o = run(&["config"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("demo mode"), "{}", text(&o));
}

#[test]
fn base_url_and_the_env_key_make_a_connection() {
    let o = run(
        &[
            "--org",
            "main",
            "config",
            "--base-url",
            "https://ibl.example",
        ],
        Some("k"),
    );
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains("profile:   command-line"), "{t}");
    assert!(t.contains("base_url:  https://ibl.example"), "{t}");
    assert!(t.contains("from env var IBL_API_KEY"), "{t}");
    assert!(t.contains("org:       main"), "{t}");
    // No file was read: it says so and where it looked, naming no path as if read.
    assert!(
        t.contains("config:    none read (--base-url and the environment only)"),
        "{t}"
    );
    assert!(t.contains("config.toml  not found"), "{t}");
    assert!(!t.contains("config:    /"), "{t}");
}

#[test]
fn base_url_without_a_key_names_the_variable() {
    let o = run(&["config", "--base-url", "https://ibl.example"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("IBL_API_KEY"), "{}", text(&o));
}

#[test]
fn plain_http_to_another_host_is_refused() {
    let o = run(&["config", "--base-url", "http://ibl.example"], Some("k"));
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("unencrypted"), "{}", text(&o));
}
