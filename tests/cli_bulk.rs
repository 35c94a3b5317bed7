//! export and purge against the mock: journals, resume, faults, throttling, dry runs.
//! (Real Ctrl-C, a server that keeps memory after DELETE, and the shared 429 pause seen in
//! request timestamps: `cli_bulk_safety.rs`.)
//! Interruption is made deterministic with the hidden `--stop-after N` flag, which stops
//! starting users after N outcomes exactly as Ctrl-C does.

mod cli_support;

use std::time::Instant;

use cli_support::{Env, Out, config, config_multi, multi_max_texts, user_names, users_file};
use memory_console::mock::MemoryShape;
use memory_console::store::read_backup;
use reqwest::Method;

const N: usize = 12;

/// `purge --org main --users-file FILE --yes --json --out OUT`.
async fn purge_to(env: &Env, file: &str, out: &std::path::Path) -> Out {
    let out = out.to_str().expect("a UTF-8 temp path");
    env.run(&[
        "purge",
        "--org",
        "main",
        "--users-file",
        file,
        "--yes",
        "--json",
        "--out",
        out,
    ])
    .await
}

fn all_users() -> Vec<String> {
    let mut v = user_names(N);
    v.push("empty.eve".into());
    v
}

fn file_of_all(env: &Env) -> String {
    let names = all_users();
    let mut refs: Vec<&str> = names.iter().map(String::as_str).collect();
    refs.push("u01"); // a repeat is ignored
    users_file(env, &refs)
}

/// Every user with memory got exactly one successful DELETE; the empty one none.
fn assert_erased_once(env: &Env) {
    for u in user_names(N) {
        assert!(
            env.mock
                .state()
                .memory("main", &u)
                .expect("user")
                .is_empty(),
            "{u} still has memory"
        );
        assert_eq!(
            env.count_user(Method::DELETE, &u, Some(204)),
            1,
            "{u} erased once"
        );
    }
    assert_eq!(env.count_user(Method::DELETE, "empty.eve", None), 0);
}

/// `purge_to` of chat memory alone (`--stores chat`): the drain, with no other store read.
async fn purge_chat_to(env: &Env, file: &str, out: &std::path::Path) -> Out {
    let out = out.to_str().expect("a UTF-8 temp path");
    env.run(&[
        "purge",
        "--org",
        "main",
        "--users-file",
        file,
        "--yes",
        "--json",
        "--out",
        out,
        "--stores",
        "chat",
    ])
    .await
}

/// The chat drain, request by request (every store at once: `cli_stores.rs`).
#[tokio::test(flavor = "multi_thread")]
async fn purge_backs_up_erases_verifies_and_journals() {
    let env = Env::start(config(N)).await;
    let file = file_of_all(&env);
    let out_dir = env.path("job");
    let out = purge_chat_to(&env, &file, &out_dir).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["total"].as_u64(), v["done"].as_u64(), v["empty"].as_u64()),
        (Some(13), Some(12), Some(1))
    );
    assert_eq!(v["failed"], 0);
    assert_erased_once(&env);
    for u in user_names(N) {
        assert_eq!(
            env.count_user(Method::GET, &u, None),
            2,
            "read, then verify"
        );
    }
    let backups: Vec<_> = std::fs::read_dir(v["backups"].as_str().unwrap())
        .unwrap()
        .collect();
    assert_eq!(backups.len(), N);
    for b in backups {
        let b = read_backup(&b.unwrap().path()).unwrap();
        assert_eq!(b.entries[0].text(), format!("memory of {}\n", b.username));
    }
    let journal = std::fs::read_to_string(out_dir.join("journal.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 13);
    assert!(
        journal.contains(r#""user":"empty.eve","status":"empty""#),
        "{journal}"
    );
    let audit = env.audit_lines(&env.audit_log());
    assert_eq!(audit.len(), 2 * N);
    assert!(audit.iter().all(|l| l["action"] == "purge"));
    let outcomes = audit
        .iter()
        .filter(|l| l["phase"] == "outcome" && l["result"] == "ok")
        .count();
    assert_eq!(outcomes, N);

    // A re-run of the same job finds everything finished and sends nothing.
    env.mock.state().clear_requests();
    let out = purge_chat_to(&env, &file, &out_dir).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["skipped"], 13);
    assert_eq!(env.mock.state().total_requests(), 0);
    // The directory is a chat purge's: a purge of every store is another job.
    let out = purge_to(&env, &file, &out_dir).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("belongs to a purge of org"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn interrupted_purge_resumes_without_repeating_or_skipping_anyone() {
    let env = Env::start(config(N)).await;
    let file = file_of_all(&env);
    let out_dir = env.path("job");
    let dir = out_dir.to_str().unwrap();
    let args = [
        "purge",
        "--org",
        "main",
        "--users-file",
        &file,
        "--yes",
        "--out",
        dir,
        "--concurrency",
        "2",
    ];
    let mut first = args.to_vec();
    first.extend(["--stop-after", "4", "--json"]);
    let out = env.run(&first).await;
    assert_eq!(out.code, 130, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["interrupted"], true);
    let finished = v["done"].as_u64().unwrap() + v["empty"].as_u64().unwrap();
    assert!((4..13).contains(&finished), "{v}");
    assert!(
        out.stderr.contains("--out"),
        "tells how to resume: {}",
        out.stderr
    );

    let mut second = args.to_vec();
    second.push("--json");
    let out = env.run(&second).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["skipped"].as_u64(), Some(finished));
    assert_eq!(
        v["done"].as_u64().unwrap() + v["empty"].as_u64().unwrap() + finished,
        13
    );
    assert_erased_once(&env);
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_reported_with_reasons_and_retried_on_the_next_run() {
    let env = Env::start(config(N)).await;
    let file = file_of_all(&env);
    let dir = env.path("job");
    let args = [
        "purge",
        "--org",
        "main",
        "--users-file",
        &file,
        "--yes",
        "--json",
        "--out",
        dir.to_str().unwrap(),
    ];
    env.mock.state().set_error_rate(1.0);
    let out = env.run(&args).await;
    assert_eq!(out.code, 5, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["failed"], 13);
    assert!(
        v["failures"][0]["reason"].as_str().unwrap().contains("500"),
        "{v}"
    );
    assert_eq!(
        env.mock.state().count(Method::DELETE),
        0,
        "no read, no backup, no delete"
    );

    // Now a flaky server: whatever happens, nobody is erased twice and a clean run finishes.
    env.mock.state().set_error_rate(0.3);
    let out = env.run(&args).await;
    assert!(out.code == 0 || out.code == 5, "{out:?}");
    env.mock.state().set_error_rate(0.0);
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["failed"], 0);
    for u in user_names(N) {
        assert!(
            env.mock
                .state()
                .memory("main", &u)
                .expect("user")
                .is_empty(),
            "{u}"
        );
        assert!(env.count_user(Method::DELETE, &u, Some(204)) <= 1, "{u}");
    }
}

/// No backup, no delete: a file where the backups folder should be stops the purge before
/// its first request (a backup that fails for one user is `ops_stores`'
/// `no_backup_means_no_delete_in_any_store`).
#[tokio::test(flavor = "multi_thread")]
async fn no_backup_means_no_delete() {
    let env = Env::start(config(3)).await;
    let file = users_file(&env, &["u01", "u02"]);
    let dir = env.path("job");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("backups"),
        "a file where the backups dir should be",
    )
    .unwrap();
    let out = purge_to(&env, &file, &dir).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let blocker = dir.join("backups");
    assert!(
        out.stderr
            .contains(&format!("{} is a file, not a directory", blocker.display()))
            && out.stderr.contains("nothing was erased"),
        "{}",
        out.stderr
    );
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    assert_eq!(env.count_user(Method::GET, "u01", None), 0);
    assert_eq!(env.mock.state().memory("main", "u01").unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_storm_slows_everyone_but_the_job_completes() {
    // A request is throttled at most twice running: the client's third try gets through, so
    // the run's outcome does not ride on the odds of one request losing three rolls.
    let env = Env::start(
        config(8)
            .with_throttle_rate(0.15)
            .with_fault_seed(7)
            .with_fault_streak_cap(2),
    )
    .await;
    let names = user_names(8);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let file = users_file(&env, &refs);
    let dir = env.path("job");
    let args = [
        "purge",
        "--org",
        "main",
        "--users-file",
        &file,
        "--yes",
        "--json",
        "--out",
        dir.to_str().unwrap(),
        "--concurrency",
        "4",
    ];
    let started = Instant::now();
    // One run: with the fault seed fixed, the shared pause and purge's DELETE retries must
    // carry the job through the storm the first time.
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "the first run completes: {}", out.stderr);
    assert_eq!(out.json()["done"], 8);
    let throttled = env
        .mock
        .state()
        .requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    assert!(throttled > 0, "the storm happened");
    assert!(
        started.elapsed().as_secs_f64() >= 1.0,
        "Retry-After: 1 was honoured"
    );
    for u in &names {
        assert!(
            env.mock.state().memory("main", u).unwrap().is_empty(),
            "{u}"
        );
        assert_eq!(env.count_user(Method::DELETE, u, Some(204)), 1, "{u}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_reads_only_and_refusal_off_a_terminal() {
    let env = Env::start(config(N)).await;
    let file = file_of_all(&env);
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--dry-run",
            "--json",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["would_erase"].as_u64(), v["empty"].as_u64()),
        (Some(12), Some(1))
    );
    assert_eq!(
        v["total_bytes"].as_u64(),
        Some(12 * "memory of u01\n".len() as u64)
    );
    let out = env.run(&["purge", "--org", "main", "--all"]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"));
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    assert!(!env.audit_log().exists());
}

/// On a server whose read is a whole list, every file is complete and the export exits 0.
#[tokio::test(flavor = "multi_thread")]
async fn export_all_writes_restorable_files_and_resumes() {
    let env = Env::start(config(5).with_memory_shape(MemoryShape::List)).await;
    let dir = env.path("export");
    let args = [
        "export",
        "--org",
        "main",
        "--all",
        "--out",
        dir.to_str().unwrap(),
        "--json",
    ];
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["done"].as_u64(), v["empty"].as_u64()),
        (Some(5), Some(1))
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("main"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 5);
    assert!(files.iter().all(|f| read_backup(f).is_ok()));
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    env.mock.state().clear_requests();
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["skipped"], 6);
    assert_eq!(
        env.count_user(Method::GET, "u01", None),
        0,
        "nothing read twice"
    );
    // The directory belongs to an export of main: a purge or another org is refused.
    let out = env
        .run(&[
            "export",
            "--org",
            "other",
            "--all",
            "--out",
            dir.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// A user with three entries, of which the published read shows one: purge backs up all
/// three, and its dry run says its counts are lower bounds.
#[tokio::test(flavor = "multi_thread")]
async fn purge_backs_up_every_entry_of_a_user_with_several() {
    let env = Env::start(config_multi()).await;
    let file = users_file(&env, &["multi.max", "u01", "empty.eve"]);
    let out = env
        .run(&["purge", "--org", "main", "--users-file", &file, "--dry-run"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.text().contains("multi.max\t1+ entries"),
        "{}",
        out.text()
    );
    assert!(out.stderr.contains("at least"), "{}", out.stderr);

    let out_dir = env.path("job");
    let out = purge_to(&env, &file, &out_dir).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        env.mock
            .state()
            .memory("main", "multi.max")
            .expect("user")
            .is_empty()
    );
    let journal = std::fs::read_to_string(out_dir.join("journal.jsonl")).expect("journal");
    let line = journal
        .lines()
        .find(|l| l.contains(r#""user":"multi.max""#))
        .expect("journaled");
    let record: serde_json::Value = serde_json::from_str(line).expect("json");
    let backup = read_backup(std::path::Path::new(
        record["backup"].as_str().expect("backup path"),
    ))
    .expect("backup");
    let mut texts: Vec<String> = backup.entries.iter().map(|e| e.text().to_owned()).collect();
    texts.sort();
    assert_eq!(
        texts,
        multi_max_texts(),
        "the backup holds all three entries"
    );
}

/// With the published read (one entry however many there are), an export cannot see the
/// rest: each file holds what was shown, says so (`read_gaps`), the journal marks the user
/// incomplete, and the job exits with the partial code instead of claiming a full export.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_through_the_one_entry_read_says_it_may_be_incomplete() {
    let env = Env::start(config_multi()).await;
    let dir = env.path("export");
    let file = users_file(&env, &["multi.max", "empty.eve"]);
    let args = [
        "export",
        "--org",
        "main",
        "--users-file",
        &file,
        "--out",
        dir.to_str().unwrap(),
        "--json",
    ];
    let out = env.run(&args).await;
    assert_eq!(out.code, 5, "partial: {}", out.stderr);
    assert!(out.stderr.contains("only part"), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["incomplete"], 1, "{v}");
    assert_eq!(v["done"], 0, "{v}");
    assert_eq!(v["incomplete_users"][0]["user"], "multi.max");
    let reason = v["incomplete_users"][0]["reason"].as_str().expect("reason");
    assert!(
        reason.starts_with("chat: the server's read showed 1 entry"),
        "{reason}"
    );
    let files: Vec<_> = std::fs::read_dir(dir.join("main"))
        .expect("files")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1);
    let held = read_backup(&files[0]).expect("restorable");
    assert_eq!(held.entries.len(), 1, "what the read showed");
    assert_eq!(held.read_gaps.len(), 1, "the file says what it may miss");
    // The summary counts the bytes exported once, incomplete or not.
    let text_bytes: usize = held.entries.iter().map(|e| e.text().len()).sum();
    assert!(text_bytes > 0);
    assert_eq!(v["bytes"], text_bytes, "{v}");
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    assert!(journal.contains(r#""status":"incomplete""#), "{journal}");
    // Reading again would show the same: a resume does not.
    let out = env.run(&args).await;
    assert_eq!(out.json()["skipped"], 2, "{}", out.stderr);
}

/// An export folder that cannot be made stops the export before it reads anyone.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_folder_that_cannot_be_made_stops_before_any_read() {
    let env = Env::start(config(3)).await;
    let dir = env.path("export");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("main"), b"in the way").expect("file");
    let file = users_file(&env, &["u01", "u02"]);
    let args = [
        "export",
        "--org",
        "main",
        "--users-file",
        &file,
        "--out",
        dir.to_str().unwrap(),
    ];
    let out = env.run(&args).await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    let main = dir.join("main");
    assert!(
        out.stderr
            .contains(&format!("{} is a file, not a directory", main.display())),
        "{}",
        out.stderr
    );
    assert_eq!(env.count_user(Method::GET, "u01", None), 0);
}

/// The export summary names its folder for what it holds: files, not backups.
#[tokio::test(flavor = "multi_thread")]
async fn the_export_summary_calls_its_folder_files() {
    let env = Env::start(config(2)).await;
    let dir = env.path("export");
    let file = users_file(&env, &["u01"]);
    let args = [
        "export",
        "--org",
        "main",
        "--users-file",
        &file,
        "--out",
        dir.to_str().unwrap(),
    ];
    let out = env.run(&args).await;
    // The mock's published read shows one entry: the export says it may be incomplete.
    assert!(
        out.stderr.contains("1 file holds only part"),
        "{}",
        out.stderr
    );
    let folder = dir.join("main");
    let text = out.text();
    assert!(
        text.contains(&format!("files: {}\n", folder.display())),
        "{text}"
    );
    assert!(!text.contains("backups:"), "{text}");
}
