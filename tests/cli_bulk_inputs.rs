//! Purge inputs: names the org does not know (reported by name, escaped, journaled, exit 5),
//! a users-file lookup that fails (a failure, not "unknown") or is retried, lines that are
//! not UTF-8, a users file that is a pipe (read as the job goes, not whole first), and the
//! resume after a SIGKILL that erased users without journaling them.
#![cfg(unix)]

mod cli_support;

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cli_support::{Env, config, run_command, user_names};
use reqwest::Method;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A name with an OSC title sequence, a bell and a bidi override: never on the screen raw.
const HOSTILE: &str = "gh\u{1b}]0;pwned\u{7}ost\u{202e}x";

fn write_file(env: &Env, name: &str, bytes: &[u8]) -> String {
    let path = env.path(name);
    std::fs::write(&path, bytes).expect("users file");
    path.to_string_lossy().into_owned()
}

fn purge_args<'a>(file: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "purge",
        "--org",
        "main",
        "--users-file",
        file,
        "--yes",
        "--out",
        out,
        "--stores",
        "chat",
    ]
}

fn journal_status(out_dir: &std::path::Path, user: &str) -> Vec<String> {
    std::fs::read_to_string(out_dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["user"] == user)
        .map(|v| v["status"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn no_raw_controls(text: &str) {
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'),
        "raw control characters reached the output: {text:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_the_org_does_not_know_are_reported_journaled_and_exit_5() {
    let env = Env::start(config(3)).await;
    // "u0" is no user, though the search for it finds u01..u03: only an exact name counts.
    let text = format!("u01\nghost\nempty.eve\n{HOSTILE}\nu0\nu02\n");
    let file = write_file(&env, "users.txt", text.as_bytes());
    let out_dir = env.path("job");
    let dir = out_dir.to_str().expect("UTF-8");
    let mut args = purge_args(&file, dir);
    args.push("--json");
    let out = env.run(&args).await;
    assert_eq!(
        out.code, 5,
        "unknown names are a partial failure: {}",
        out.stderr
    );
    let v = out.json();
    assert_eq!(
        (
            v["done"].as_u64(),
            v["empty"].as_u64(),
            v["unknown"].as_u64()
        ),
        (Some(2), Some(1), Some(3)),
        "{v}"
    );
    assert_eq!(v["failed"], 0, "{v}");
    let mut unknown: Vec<&str> = v["unknown_users"]
        .as_array()
        .expect("unknown_users")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    unknown.sort();
    let mut want = vec!["ghost", HOSTILE, "u0"];
    want.sort();
    assert_eq!(unknown, want);
    for name in ["ghost", HOSTILE, "u0"] {
        assert_eq!(journal_status(&out_dir, name), ["unknown"], "{name}");
    }
    assert_eq!(journal_status(&out_dir, "empty.eve"), ["empty"]);
    no_raw_controls(&out.stderr);

    // A resume looks them up again and still exits 5: a script that re-runs until exit 0
    // never loses sight of a mistyped name. The users it finished are not touched.
    env.mock.state().clear_requests();
    let out = env.run(&args).await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["skipped"].as_u64(), v["unknown"].as_u64()),
        (Some(3), Some(3)),
        "{v}"
    );
    assert_eq!(env.mock.state().count(Method::DELETE), 0);

    // The human summary names them, escaped.
    let fresh = env.path("job2");
    let out = env
        .run(&purge_args(&file, fresh.to_str().expect("UTF-8")))
        .await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let text = out.text();
    no_raw_controls(&text);
    no_raw_controls(&out.stderr);
    assert!(text.contains("3 unknown"), "{text}");
    assert!(text.contains("unknown ghost: not a user"), "{text}");
    assert!(
        text.contains(r"unknown gh\x1b]0;pwned\x07ost\u{202e}x"),
        "{text}"
    );
}

/// A server where every memory read says 404, and the users list answers by script.
#[derive(Clone)]
struct Lookups {
    /// Users-list requests answered 503 before the first real answer (`usize::MAX`: all).
    fail_first: Arc<AtomicUsize>,
    seen: Arc<AtomicUsize>,
    queries: Arc<Mutex<Vec<String>>>,
}

impl Respond for Lookups {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if !request.url.path().starts_with("/api/core/platform/users/") {
            return ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."}));
        }
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first.load(Ordering::SeqCst) {
            return ResponseTemplate::new(503).set_body_json(json!({"detail": "unavailable"}));
        }
        let query = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        self.queries.lock().expect("lock").push(query.clone());
        // The search matches a name inside others: "known" also finds "unknown.known".
        let results: Vec<Value> = ["known", "unknown.known"]
            .iter()
            .filter(|u| u.contains(query.as_str()))
            .map(|u| json!({"username": u, "user_id": 7}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({
            "count": results.len(),
            "next_page": null,
            "previous_page": null,
            "results": results,
        }))
    }
}

async fn lookups(fail_first: usize) -> (MockServer, Lookups) {
    let script = Lookups {
        fail_first: Arc::new(AtomicUsize::new(fail_first)),
        seen: Arc::new(AtomicUsize::new(0)),
        queries: Arc::new(Mutex::new(Vec::new())),
    };
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(script.clone())
        .mount(&server)
        .await;
    (server, script)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_lookup_is_retried_like_every_read() {
    let env = Env::start(config(1)).await;
    let (server, script) = lookups(1).await;
    let file = write_file(&env, "users.txt", b"known\nghost\n");
    let out_dir = env.path("job");
    let mut args = purge_args(&file, out_dir.to_str().expect("UTF-8"));
    args.extend(["--json", "--concurrency", "1"]);
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        v["empty"], 1,
        "a user with no memory stays 'no memory': {v}"
    );
    assert_eq!(v["unknown"], 1, "{v}");
    assert_eq!(v["unknown_users"], json!(["ghost"]));
    assert!(
        out.stderr.contains("1 name is not a user of main:"),
        "{}",
        out.stderr
    );
    assert_eq!(v["failed"], 0, "the 503 was retried: {v}");
    let queries = script.queries.lock().expect("lock").clone();
    assert_eq!(queries, ["known", "ghost"], "one search per name, by name");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lookup_that_fails_fails_the_user_and_is_retried_on_resume() {
    let env = Env::start(config(1)).await;
    let (server, script) = lookups(usize::MAX).await;
    let file = write_file(&env, "users.txt", b"ghost\n");
    let out_dir = env.path("job");
    let mut args = purge_args(&file, out_dir.to_str().expect("UTF-8"));
    args.push("--json");
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["failed"].as_u64(), v["unknown"].as_u64()),
        (Some(1), Some(0)),
        "{v}"
    );
    let reason = v["failures"][0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("could not be checked"), "{reason}");
    assert!(reason.contains("503"), "{reason}");
    assert_eq!(journal_status(&out_dir, "ghost"), ["failed"]);

    // Once the list answers, the same command finds the name unknown.
    script.fail_first.store(0, Ordering::SeqCst);
    let out = run_command(env.command(&args, &server.uri()), b"").await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert_eq!(out.json()["unknown_users"], json!(["ghost"]));
    assert_eq!(journal_status(&out_dir, "ghost"), ["failed", "unknown"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn lines_that_are_not_names_are_reported_by_number_and_the_rest_go_on() {
    let env = Env::start(config(3)).await;
    let file = write_file(
        &env,
        "users.txt",
        &[
            &b"\xef\xbb\xbf# request 9\nu01\n\xff\xfeu02\nu02\ncaf\xe9\nu03\n"[..],
            &[b'u'; 2000][..],
            b"\n",
        ]
        .concat(),
    );
    let out_dir = env.path("job");
    let mut args = purge_args(&file, out_dir.to_str().expect("UTF-8"));
    args.push("--json");
    let out = env.run(&args).await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["done"], 3, "{v}");
    assert_eq!(
        v["total"], 3,
        "the byte-order mark is not part of a name: {v}"
    );
    assert_eq!(v["bad_lines"], 3, "{v}");
    assert_eq!(v["bad_line_numbers"], json!([3, 5, 7]));
    assert!(out.stderr.contains("line 3 is not UTF-8"), "{}", out.stderr);
    assert!(out.stderr.contains("line 5 is not UTF-8"), "{}", out.stderr);
    assert!(
        out.stderr.contains("line 7 is longer than 1024 bytes"),
        "{}",
        out.stderr
    );
    for u in user_names(3) {
        assert!(
            env.mock
                .state()
                .memory("main", &u)
                .expect("user")
                .is_empty()
        );
    }
    // The dry run says the same.
    let out = env
        .run(&["purge", "--org", "main", "--users-file", &file, "--dry-run"])
        .await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("line 5 is not UTF-8"), "{}", out.stderr);
}

/// Waits (up to 20 s) until `ready` holds.
async fn wait_for(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_users_file_that_is_a_pipe_is_read_as_the_job_goes() {
    let env = Env::start(config(4)).await;
    let fifo = env.path("users.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out_dir = env.path("job");
    let fifo_arg = fifo.to_str().expect("UTF-8").to_owned();
    let mut args = purge_args(&fifo_arg, out_dir.to_str().expect("UTF-8"));
    args.push("--json");
    let child = env
        .command(&args, &env.mock.base_url())
        .spawn()
        .expect("purge starts");
    let mut writer = tokio::task::spawn_blocking(move || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&fifo)
            .expect("open the fifo")
    })
    .await
    .expect("join");
    writer.write_all(b"u01\nu02\n").expect("write");
    writer.flush().expect("flush");
    // The pipe is still open: a job that read the file whole first would still be waiting.
    wait_for("u01 and u02 erased before the file ended", || {
        ["u01", "u02"]
            .iter()
            .all(|u| env.count_user(Method::DELETE, u, Some(204)) == 1)
    })
    .await;
    writer.write_all(b"u03\nu01\nu04\n").expect("write");
    drop(writer);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().expect("ends"))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (v["total"].as_u64(), v["done"].as_u64()),
        (Some(4), Some(4)),
        "{v}"
    );
}

/// Rewrites the journal without `user`'s lines, as a kill between the erase and the
/// journal line leaves it.
fn forget_journal_line(out_dir: &std::path::Path, user: &str) {
    let path = out_dir.join("journal.jsonl");
    let kept: String = std::fs::read_to_string(&path)
        .expect("journal")
        .lines()
        .filter(|l| !l.contains(&format!(r#""user":"{user}""#)))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, kept).expect("journal");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resume_reports_a_user_erased_without_a_journal_line_as_erased_before() {
    let env = Env::start(config(3)).await;
    let file = write_file(&env, "users.txt", b"u01\nu02\nempty.eve\nu03\n");
    let out_dir = env.path("job");
    let mut args = purge_args(&file, out_dir.to_str().expect("UTF-8"));
    args.push("--json");
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    forget_journal_line(&out_dir, "u02");
    forget_journal_line(&out_dir, "empty.eve");

    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["skipped"], 2, "{v}");
    assert_eq!(v["erased_earlier"], 1, "{v}");
    assert_eq!(v["empty"], 1, "the user that never had memory: {v}");
    let earlier = &v["erased_earlier_users"][0];
    assert_eq!(earlier["user"], "u02");
    let backup = earlier["backup"].as_str().expect("backup path");
    let b = memory_console::store::read_backup(std::path::Path::new(backup)).expect("backup");
    assert_eq!((b.username.as_str(), b.entries.len()), ("u02", 1));
    assert_eq!(journal_status(&out_dir, "u02"), ["erased_earlier"]);
    assert_eq!(
        env.count_user(Method::DELETE, "u02", None),
        1,
        "erased once"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resume_after_sigkill_names_what_the_killed_run_erased() {
    const USERS: usize = 12;
    // Every request waits: the verify read after a DELETE leaves time to kill the job
    // between the erase and its journal line.
    let env = Env::start(config(USERS).with_latency(Duration::from_millis(300))).await;
    let names = user_names(USERS);
    let mut text = names.join("\n");
    text.push('\n');
    let file = write_file(&env, "users.txt", text.as_bytes());
    let out_dir = env.path("job");
    let dir = out_dir.to_str().expect("UTF-8").to_owned();
    let mut args = purge_args(&file, &dir);
    args.extend(["--json", "--concurrency", "4"]);
    let mut child = env
        .command(&args, &env.mock.base_url())
        .spawn()
        .expect("purge starts");
    wait_for("a DELETE", || env.mock.state().count(Method::DELETE) > 0).await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    // A request already at the mock when the job died is answered after its latency: let
    // those land before reading what was erased.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let erased: Vec<String> = names
        .iter()
        .filter(|u| env.count_user(Method::DELETE, u, Some(204)) == 1)
        .cloned()
        .collect();
    let unjournaled: Vec<String> = erased
        .iter()
        .filter(|u| journal_status(&out_dir, u).is_empty())
        .cloned()
        .collect();
    assert!(
        !unjournaled.is_empty(),
        "the kill came between a DELETE and its line"
    );

    env.mock.state().set_latency(Duration::ZERO);
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let mut reported: Vec<String> = v["erased_earlier_users"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["user"].as_str().unwrap_or_default().to_owned())
        .collect();
    reported.sort();
    assert_eq!(reported, unjournaled, "{v}");
    assert_eq!(
        v["empty"], 0,
        "nobody erased by the killed run is 'no memory': {v}"
    );
    for e in v["erased_earlier_users"].as_array().expect("list") {
        let backup = e["backup"].as_str().expect("backup path");
        assert!(std::path::Path::new(backup).is_file(), "{backup}");
    }
    for u in &names {
        assert!(
            env.mock.state().memory("main", u).expect("user").is_empty(),
            "{u}"
        );
        assert_eq!(
            env.count_user(Method::DELETE, u, Some(204)),
            1,
            "{u} erased once"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_all_pages_the_org_as_it_goes_and_resumes() {
    // 250 users: three pages of 100, fed to the workers one page at a time.
    let env = Env::start(config(3).with_extra_users(246)).await;
    let out_dir = env.path("job");
    let dir = out_dir.to_str().expect("UTF-8");
    let args = [
        "purge", "--org", "main", "--all", "--yes", "--json", "--out", dir, "--stores", "chat",
    ];
    let mut first = args.to_vec();
    first.extend(["--stop-after", "30", "--concurrency", "2"]);
    let out = env.run(&first).await;
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("erasing the users of the org's list, page by page"),
        "no pipe is involved: {}",
        out.stderr
    );
    let pages = |env: &Env| {
        env.mock
            .state()
            .requests()
            .iter()
            .filter(|r| r.path == "/api/core/platform/users/")
            .count()
    };
    assert_eq!(pages(&env), 1, "a stopped job did not page on");
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let users = env.mock.state().user_count("main").expect("org");
    assert_eq!(v["total"].as_u64(), Some(users as u64), "{v}");
    for u in env.mock.state().usernames("main").expect("org") {
        assert!(
            env.mock
                .state()
                .memory("main", &u)
                .expect("user")
                .is_empty(),
            "{u}"
        );
    }
}

/// A folder given as the users file is refused before the job starts: nothing is written
/// to the output folder and no request is sent.
#[tokio::test(flavor = "multi_thread")]
async fn a_folder_as_the_users_file_is_refused_before_the_job_starts() {
    let env = Env::start(config(3)).await;
    let folder = env.path("a-folder");
    std::fs::create_dir_all(&folder).expect("folder");
    let out_dir = env.path("job");
    let args = purge_args(
        folder.to_str().expect("UTF-8"),
        out_dir.to_str().expect("UTF-8"),
    );
    let out = env.run(&args).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "{} is a folder, not a users file",
            folder.display()
        )),
        "{}",
        out.stderr
    );
    assert!(!out_dir.exists(), "nothing made in the output folder");
    assert_eq!(env.mock.state().count(Method::GET), 0);
}

/// `users | head`: a reader that has seen enough closes the pipe; that is not an error.
#[tokio::test(flavor = "multi_thread")]
async fn a_reader_that_stops_early_is_not_an_error() {
    let env = Env::start(config(3)).await;
    let mut child = env
        .command(&["users", "--org", "main"], &env.mock.base_url())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("joined")
        .expect("ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
