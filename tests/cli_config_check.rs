//! `memory-console config --check` against the mock: a good key, a refused key and a closed
//! port, each with its exit code, and the key never printed.

mod cli_support;

use std::process::{Command, Stdio};

use cli_support::{Env, KEY, config};
use reqwest::Method;

#[tokio::test(flavor = "multi_thread")]
async fn a_good_key_passes_with_gets_only() {
    let env = Env::start(config(3)).await;
    let out = env.run(&["--org", "main", "config", "--check"]).await;
    assert_eq!(out.code, 0, "{}\n{}", out.text(), out.stderr);
    let text = out.text();
    assert!(text.contains("org info     ok, key accepted"), "{text}");
    assert!(
        text.contains("answer fits the contract (4 users)"),
        "{text}"
    );
    assert!(text.contains("all checks passed"), "{text}");
    let s = env.mock.state();
    assert!(s.count(Method::GET) >= 2);
    assert_eq!(
        s.count(Method::PUT) + s.count(Method::POST) + s.count(Method::DELETE),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_key_exits_4() {
    let env = Env::start(config(3).with_api_key("another-key-entirely")).await;
    let out = env.run(&["--org", "main", "config", "--check"]).await;
    assert_eq!(out.code, 4, "{}\n{}", out.text(), out.stderr);
    assert!(out.text().contains("KEY REFUSED"), "{}", out.text());
    assert!(out.text().contains("the key was refused"), "{}", out.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_port_exits_1() {
    // A port that was just free: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_memory-console"))
            .args(["--org", "main", "config", "--check", "--base-url"])
            .arg(format!("http://127.0.0.1:{port}"))
            .env_clear()
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("IBL_API_KEY", KEY)
            .env("MEMORY_CONSOLE_DATA_DIR", dir.path().join("data"))
            .stdin(Stdio::null())
            .output()
            .expect("binary runs")
    })
    .await
    .expect("join");
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}\n{err}");
    assert!(text.contains("UNREACHABLE"), "{text}");
    assert!(!text.contains(KEY) && !err.contains(KEY), "the key leaked");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_config_lists_the_paths_it_checked() {
    let env = Env::start(config(1)).await;
    let out = tokio::task::spawn_blocking({
        let home = env.dir.path().to_path_buf();
        move || {
            Command::new(env!("CARGO_BIN_EXE_memory-console"))
                .arg("config")
                .env_clear()
                .env("HOME", &home)
                .env("XDG_CONFIG_HOME", home.join("config"))
                .stdin(Stdio::null())
                .output()
                .expect("binary runs")
        }
    })
    .await
    .expect("join");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("checked:"), "{text}");
    assert!(text.contains("MEMORY_CONSOLE_CONFIG  not set"), "{text}");
    assert!(text.contains("config.toml  not found"), "{text}");
    assert!(text.contains("copy config.example.toml"), "{text}");
}
