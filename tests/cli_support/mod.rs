//! Running the real binary against an in-process mock: key in the child's environment,
//! data dir and config home in temp dirs, stdin not a terminal.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use memory_console::mock::{MockConfig, MockServer, SeedSource};
use reqwest::Method;

pub const KEY: &str = "cli-test-key-7f3a";

/// A seed with `n` users who have memory (u01, u02, ...) and one without (empty.eve).
pub fn seed(n: usize) -> String {
    let mut users: Vec<String> = (1..=n)
        .map(|i| {
            format!(
                r#"{{"username": "u{i:02}", "memories": [{{"content": "memory of u{i:02}\n"}}]}}"#
            )
        })
        .collect();
    users.push(r#"{"username": "empty.eve", "memories": []}"#.into());
    format!(
        r#"{{"orgs": [{{"key": "main", "users": [{}]}}, {{"key": "other"}}]}}"#,
        users.join(",")
    )
}

pub fn config(n: usize) -> MockConfig {
    MockConfig::default()
        .with_api_key(KEY)
        .with_seed(SeedSource::Json(seed(n)))
        .with_task_delay(std::time::Duration::from_millis(100))
}

/// A seed where `multi.max` has three entries, one with hostile text, beside `u01` and
/// `empty.eve`: the published read shows only the first of them.
pub fn config_multi() -> MockConfig {
    let seed = r#"{"orgs": [{"key": "main", "users": [
        {"username": "u01", "memories": [{"content": "memory of u01\n"}]},
        {"username": "multi.max", "memories": [
            {"content": "first entry"},
            {"content": "second \u001b]0;title\u0007 \u202e entry"},
            {"content": "third entry, the longest of the three"}]},
        {"username": "empty.eve", "memories": []}]}]}"#;
    MockConfig::default()
        .with_api_key(KEY)
        .with_seed(SeedSource::Json(seed.into()))
        .with_task_delay(std::time::Duration::from_millis(100))
}

/// The three texts of `multi.max`, sorted.
pub fn multi_max_texts() -> Vec<String> {
    let mut t = vec![
        "first entry".to_owned(),
        "second \u{1b}]0;title\u{7} \u{202e} entry".to_owned(),
        "third entry, the longest of the three".to_owned(),
    ];
    t.sort();
    t
}

pub struct Env {
    pub mock: MockServer,
    pub dir: tempfile::TempDir,
}

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Out {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not JSON ({e}): {}\n{}", self.text(), self.stderr)
        })
    }
}

impl Env {
    pub async fn start(config: MockConfig) -> Env {
        Env {
            mock: MockServer::start(config).await.expect("mock starts"),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn audit_log(&self) -> PathBuf {
        self.data().join("audit.jsonl")
    }

    /// Runs the binary with `--base-url` of the mock and `input` on stdin (a pipe, never
    /// a terminal).
    pub async fn run_with(&self, args: &[&str], input: &[u8]) -> Out {
        let cmd = self.command(args, &self.mock.base_url());
        run_command(cmd, input).await
    }

    /// The binary with `args`, `--base-url base_url`, the key in its environment and pipes
    /// for stdin, stdout and stderr; not started.
    pub fn command(&self, args: &[&str], base_url: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_memory-console"));
        cmd.args(args)
            .arg("--base-url")
            .arg(base_url)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("IBL_API_KEY", KEY)
            .env("MEMORY_CONSOLE_DATA_DIR", self.data())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, b"").await
    }

    /// Requests with this method whose path names `user`'s memory, and whose status was `status`.
    pub fn count_user(&self, method: Method, user: &str, status: Option<u16>) -> usize {
        let needle = format!("/users/{user}/all-chats-memory/");
        self.mock
            .state()
            .requests()
            .iter()
            .filter(|r| r.method == method && r.path.contains(&needle))
            .filter(|r| status.is_none_or(|s| r.status == s))
            .count()
    }

    pub fn audit_lines(&self, path: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("audit line is JSON"))
            .collect()
    }
}

/// Runs a prepared command to its end with `input` on stdin, and checks the key did not leak.
pub async fn run_command(mut cmd: Command, input: &[u8]) -> Out {
    let input = input.to_vec();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("binary starts");
        let mut stdin = child.stdin.take().expect("stdin");
        let _ = stdin.write_all(&input);
        drop(stdin);
        child.wait_with_output().expect("binary runs")
    })
    .await
    .expect("join");
    let out = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !out.text().contains(KEY) && !out.stderr.contains(KEY),
        "the key leaked: {out:?}"
    );
    out
}

pub fn users_file(env: &Env, names: &[&str]) -> String {
    let path = env.path("users.txt");
    let mut text = String::from("# privacy request 17\n\n");
    for n in names {
        text.push_str(n);
        text.push('\n');
    }
    std::fs::write(&path, text).expect("users file");
    path.to_string_lossy().into_owned()
}

pub fn user_names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("u{i:02}")).collect()
}
