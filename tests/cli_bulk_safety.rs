//! Bulk-job promises with a server scripted per request (wiremock) and real signals: a
//! memory still there after DELETE fails the user, one 429 pauses every worker, and Ctrl-C
//! stops a purge with a resumable journal (a second Ctrl-C quits at once).
#![cfg(unix)]

mod cli_support;

use std::collections::HashSet;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cli_support::{Env, config, run_command, user_names, users_file};
use reqwest::Method;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The pause the scripted 429 asks for: long against everything else a worker does before
/// its next request (a read answered 300 ms late, a backup flushed with syncfs), so that a
/// worker not held by the shared pause shows up well inside it even on a loaded machine.
const RETRY_AFTER_S: u64 = 3;

/// One request as the scripted server saw it.
#[derive(Debug, Clone)]
struct Seen {
    at: Instant,
    method: String,
    user: String,
    status: u16,
}

/// A chat-memory server for users of org `main`, scripted by flags: `keep_after_delete`
/// answers 204 to DELETE but keeps the memory; `throttle_first` answers the very first request
/// 429 with `Retry-After: 3`, and answers other memory reads after `read_delay`.
#[derive(Clone, Default)]
struct Scripted {
    log: Arc<Mutex<Vec<Seen>>>,
    erased: Arc<Mutex<HashSet<String>>>,
    keep_after_delete: bool,
    throttle_first: bool,
    read_delay: Duration,
}

impl Scripted {
    fn seen(&self) -> Vec<Seen> {
        self.log.lock().expect("log lock").clone()
    }
}

impl Respond for Scripted {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        let user = path
            .split("/users/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("")
            .to_owned();
        let method = request.method.to_string();
        let mut log = self.log.lock().expect("log lock");
        let throttled = self.throttle_first && log.is_empty();
        let template = if throttled {
            ResponseTemplate::new(429)
                .insert_header("Retry-After", RETRY_AFTER_S.to_string())
                .set_body_json(json!({"detail": "Request was throttled."}))
        } else if !path.contains("/all-chats-memory/") || user.is_empty() {
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."}))
        } else if method == "DELETE" {
            if !self.keep_after_delete {
                self.erased
                    .lock()
                    .expect("erased lock")
                    .insert(user.clone());
            }
            ResponseTemplate::new(204)
        } else if self.erased.lock().expect("erased lock").contains(&user) {
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."}))
        } else {
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "id": 1,
                    "username": user,
                    "platform_key": "main",
                    "content": format!("memory of {user}\n"),
                    "session_id": null
                }))
                .set_delay(self.read_delay)
        };
        log.push(Seen {
            at: Instant::now(),
            method,
            user,
            // Only the 429 matters to the tests; wiremock does not expose a template's status.
            status: if throttled { 429 } else { 0 },
        });
        template
    }
}

async fn scripted(script: Scripted) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(script).mount(&server).await;
    server
}

fn purge_args<'a>(file: &'a str, out: &'a str, concurrency: &'a str) -> Vec<&'a str> {
    vec![
        "purge",
        "--org",
        "main",
        "--users-file",
        file,
        "--yes",
        "--json",
        "--out",
        out,
        "--concurrency",
        concurrency,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_memory_still_there_after_delete_fails_the_user() {
    let env = Env::start(config(1)).await;
    let script = Scripted {
        keep_after_delete: true,
        ..Scripted::default()
    };
    let server = scripted(script.clone()).await;
    let file = users_file(&env, &["ann", "bob"]);
    let out_dir = env.path("job");
    let args = purge_args(&file, out_dir.to_str().expect("UTF-8"), "2");
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_eq!(out.code, 5, "partial failure: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["failed"], 2, "{v}");
    assert_eq!(v["done"], 0, "{v}");
    for f in v["failures"].as_array().expect("failures") {
        let reason = f["reason"].as_str().unwrap_or_default();
        // "still has N entries" or "... but still shows it": the server still returns data.
        assert!(reason.contains("still"), "{reason}");
    }
    let seen = script.seen();
    for user in ["ann", "bob"] {
        let deletes = seen
            .iter()
            .filter(|s| s.user == user && s.method == "DELETE")
            .count();
        assert_eq!(deletes, 1, "{user}: one DELETE");
        let reads = seen
            .iter()
            .filter(|s| s.user == user && s.method == "GET")
            .count();
        assert!(reads >= 3, "{user}: read, then verified more than once");
    }
    let journal = std::fs::read_to_string(out_dir.join("journal.jsonl")).expect("journal");
    assert!(journal.contains("still"), "{journal}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_429_pauses_every_worker_and_the_first_run_succeeds() {
    let env = Env::start(config(1)).await;
    let script = Scripted {
        throttle_first: true,
        // The other workers' reads are answered after the 429 has reached the client.
        read_delay: Duration::from_millis(300),
        ..Scripted::default()
    };
    let server = scripted(script.clone()).await;
    let names = ["u1", "u2", "u3", "u4"];
    let file = users_file(&env, &names);
    let out_dir = env.path("job");
    let args = purge_args(&file, out_dir.to_str().expect("UTF-8"), "4");
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_eq!(out.code, 0, "the first run completes: {}", out.stderr);
    assert_eq!(out.json()["done"], 4);

    let seen = script.seen();
    let throttled = seen.iter().find(|s| s.status == 429).expect("one 429");
    // The four first reads were in flight together; everything after them waits out the
    // shared pause, not only the worker that was told to slow down.
    let later: Vec<&Seen> = seen
        .iter()
        .enumerate()
        .filter(|(i, s)| *i >= names.len() || s.method == "DELETE")
        .map(|(_, s)| s)
        .collect();
    assert!(!later.is_empty());
    for s in &later {
        let after = s.at.saturating_duration_since(throttled.at);
        assert!(
            after >= Duration::from_millis(RETRY_AFTER_S * 1000 - 50),
            "{} {} came {after:?} after the 429, inside the Retry-After pause",
            s.method,
            s.user
        );
    }
    let other_deletes = later
        .iter()
        .filter(|s| s.method == "DELETE" && s.user != throttled.user)
        .count();
    assert_eq!(other_deletes, 3, "the other workers' DELETEs were held too");
}

/// Sends SIGINT the way a terminal's Ctrl-C does.
fn interrupt(child: &Child) {
    let status = std::process::Command::new("kill")
        .arg("-INT")
        .arg(child.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// Waits (up to 20 s) until the mock has answered a request, so the job is running and its
/// Ctrl-C handler is installed.
async fn wait_until_running(env: &Env) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.mock.state().total_requests() == 0 {
        assert!(
            Instant::now() < deadline,
            "the purge never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn finish(child: Child) -> cli_support::Out {
    let out = child.wait_with_output().expect("the binary ends");
    cli_support::Out {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

const USERS: usize = 12;

/// After an interrupted run: the same command finishes the job; nobody is erased twice.
async fn resume_finishes(env: &Env, args: &[&str], finished: u64) {
    env.mock.state().set_latency(Duration::ZERO);
    let out = env.run(args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["skipped"].as_u64(), Some(finished), "{v}");
    for u in user_names(USERS) {
        assert!(
            env.mock
                .state()
                .memory("main", &u)
                .expect("user")
                .is_empty(),
            "{u} still has memory"
        );
        assert!(env.count_user(Method::DELETE, &u, Some(204)) <= 1, "{u}");
    }
}

fn journal_lines(path: &std::path::Path) -> u64 {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .inspect(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("every journal line is JSON");
        })
        .count() as u64
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_a_purge_with_exit_130_and_a_resumable_journal() {
    let env = Env::start(config(USERS).with_latency(Duration::from_millis(250))).await;
    let names = user_names(USERS);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let file = users_file(&env, &refs);
    let out_dir = env.path("job");
    let args = purge_args(&file, out_dir.to_str().expect("UTF-8"), "2");
    let child = env
        .command(&args, &env.mock.base_url())
        .spawn()
        .expect("purge starts");
    wait_until_running(&env).await;
    interrupt(&child);
    let out = tokio::task::spawn_blocking(move || finish(child))
        .await
        .expect("join");
    assert_eq!(out.code, 130, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["interrupted"], true, "{v}");
    let finished = v["done"].as_u64().unwrap_or(0) + v["empty"].as_u64().unwrap_or(0);
    assert!(
        (1..USERS as u64).contains(&finished),
        "in-flight users finished, no new ones started: {v}"
    );
    assert_eq!(journal_lines(&out_dir.join("journal.jsonl")), finished);
    assert!(
        out.stderr.contains("--out"),
        "says how to resume: {}",
        out.stderr
    );
    resume_finishes(&env, &args, finished).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_quits_at_once() {
    // Slow enough that the in-flight users cannot finish between the two signals.
    let env = Env::start(config(USERS).with_latency(Duration::from_millis(1500))).await;
    let names = user_names(USERS);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let file = users_file(&env, &refs);
    let out_dir = env.path("job");
    let args = purge_args(&file, out_dir.to_str().expect("UTF-8"), "2");
    let mut child = env
        .command(&args, &env.mock.base_url())
        .spawn()
        .expect("purge starts");
    wait_until_running(&env).await;
    // Ctrl-C until it is gone: the first stops new users, the next one quits. Two signals
    // sent back to back could merge into one, so keep pressing, as an operator would.
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("try_wait").is_none() {
        assert!(Instant::now() < deadline, "Ctrl-C never ended the purge");
        interrupt(&child);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let out = finish(child);
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr.contains("quitting"),
        "the second Ctrl-C quit: {}",
        out.stderr
    );
    assert!(
        out.stdout.is_empty(),
        "it did not wait for the in-flight users to print a summary: {}",
        out.text()
    );
    // Whatever finished is journalled, line by line: the same command resumes.
    let finished = journal_lines(&out_dir.join("journal.jsonl"));
    resume_finishes(&env, &args, finished).await;
}

/// A backups folder that cannot be made (here a symbolic link to a folder that is gone)
/// stops the purge before its first request, naming the link, instead of failing every
/// user one by one.
#[tokio::test(flavor = "multi_thread")]
async fn a_backups_folder_that_cannot_be_made_stops_the_purge_before_any_request() {
    let env = Env::start(config(1)).await;
    let script = Scripted::default();
    let server = scripted(script.clone()).await;
    let file = users_file(&env, &["ann", "bob", "cy"]);
    let out_dir = env.path("job");
    std::fs::create_dir_all(&out_dir).expect("out dir");
    let link = out_dir.join("backups");
    std::os::unix::fs::symlink(env.path("gone"), &link).expect("symlink");
    let args = purge_args(&file, out_dir.to_str().expect("UTF-8"), "2");
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{} is a symbolic link to ", link.display())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was erased"), "{}", out.stderr);
    let memory_requests = script.seen().iter().filter(|s| !s.user.is_empty()).count();
    assert_eq!(memory_requests, 0, "{:?}", script.seen());
}
