//! The one-user subcommands against the mock: output, exit codes, backups and audit lines.

mod cli_support;

use cli_support::{Env, config, config_multi, multi_max_texts};
use memory_console::store::read_backup;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread")]
async fn users_lists_every_page_and_json_parses_back() {
    let env = Env::start(config(120)).await;
    let out = env.run(&["users", "--org", "main", "--json"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["count"], 121);
    assert_eq!(v["users"][0]["username"], "u01");
    let out = env.run(&["users", "--org", "main", "--query", "eve"]).await;
    assert_eq!(out.code, 0);
    assert!(out.text().starts_with("empty.eve\t"), "{}", out.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn get_prints_the_exact_bytes_or_json_entries() {
    let env = Env::start(config(2)).await;
    let content = "  line one\t\n\nünïcode — no final newline ";
    assert!(env.mock.state().set_memory_content("main", "u01", content));
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "u01"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, content.as_bytes());
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "u01", "--json"])
        .await;
    assert_eq!(out.json()["entries"][0]["content"], content);
    assert_eq!(out.json()["enabled"], true, "get says whether memory is on");
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "empty.eve"])
        .await;
    assert_eq!(out.code, 3, "no memory is 'not found'");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_from_stdin_and_update_with_wait_are_audited() {
    let env = Env::start(config(2)).await;
    let out = env
        .run_with(
            &[
                "memory",
                "create",
                "--org",
                "main",
                "--user",
                "empty.eve",
                "--json",
            ],
            b"from stdin",
        )
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["content"], "from stdin");
    let out = env
        .run(&[
            "memory",
            "update",
            "--org",
            "main",
            "--user",
            "empty.eve",
            "--content",
            "new",
            "--wait",
            "--poll-ms",
            "50",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.text(), "done\n");
    assert_eq!(
        env.mock.state().memory("main", "empty.eve").unwrap()[0]
            .content
            .as_deref(),
        Some("new")
    );
    let lines = env.audit_lines(&env.audit_log());
    let phases: Vec<_> = lines
        .iter()
        .map(|l| {
            format!(
                "{}:{}",
                l["action"].as_str().unwrap(),
                l["phase"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        phases,
        [
            "create:intent",
            "create:outcome",
            "update:intent",
            "update:outcome"
        ]
    );
    assert!(lines[3]["task_id"].is_string());
    assert!(
        lines
            .iter()
            .all(|l| l["key_fingerprint"].as_str().unwrap().len() == 12)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_task_fails_the_wait_and_entry_updates_land_at_once() {
    let env = Env::start(config(2)).await;
    env.mock.state().set_fail_rate(1.0);
    let out = env
        .run(&[
            "memory",
            "update",
            "--org",
            "main",
            "--user",
            "u01",
            "--file",
            "/dev/null",
            "--wait",
            "--poll-ms",
            "50",
        ])
        .await;
    assert_eq!(out.code, 6, "{out:?}");
    let id = env.mock.state().memory("main", "u01").unwrap()[0]
        .id
        .to_string();
    let out = env
        .run(&[
            "memory",
            "update",
            "--org",
            "main",
            "--user",
            "u01",
            "--entry",
            &id,
            "--content",
            "e",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        env.mock.state().memory("main", "u01").unwrap()[0]
            .content
            .as_deref(),
        Some("e")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn task_shows_a_state_and_waits_for_it() {
    let env = Env::start(config(1)).await;
    let out = env
        .run(&[
            "memory",
            "update",
            "--org",
            "main",
            "--user",
            "u01",
            "--content",
            "x",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let task = out.text().trim().to_owned();
    let out = env
        .run(&["task", "--org", "main", "--user", "u01", &task, "--json"])
        .await;
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["task_id"], task.as_str());
    let out = env
        .run(&[
            "task",
            "--org",
            "main",
            "--user",
            "u01",
            &task,
            "--wait",
            "--poll-ms",
            "30",
        ])
        .await;
    assert_eq!((out.code, out.text().as_str()), (0, "done\n"));
    let out = env
        .run(&[
            "task",
            "--org",
            "main",
            "--user",
            "u01",
            "00000000-0000-0000-0000-000000000000",
        ])
        .await;
    assert_eq!(out.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_refuses_without_yes_off_a_terminal_and_backs_up_first() {
    let env = Env::start(config(2)).await;
    let out = env
        .run(&["memory", "delete", "--org", "main", "--user", "u01"])
        .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::DELETE), 0);
    let out = env
        .run(&[
            "memory", "delete", "--org", "main", "--user", "u01", "--yes", "--json",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["result"], "erased");
    let backup = std::path::PathBuf::from(v["backup"].as_str().unwrap());
    assert!(backup.starts_with(env.data().join("backups").join("main")));
    assert_eq!(
        read_backup(&backup).unwrap().entries[0].text(),
        "memory of u01\n"
    );
    assert!(env.mock.state().memory("main", "u01").unwrap().is_empty());
    let lines = env.audit_lines(&env.audit_log());
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["phase"].as_str(), lines[1]["result"].as_str()),
        (Some("intent"), Some("ok"))
    );
    assert_eq!(lines[0]["backup_path"].as_str(), backup.to_str());
    assert_eq!(
        lines[1]["http_status"], 204,
        "the outcome says what the server did"
    );

    // Restore writes it back once, audited.
    let out = env
        .run(&["memory", "restore", "--backup", backup.to_str().unwrap()])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        env.mock.state().memory("main", "u01").unwrap()[0]
            .content
            .as_deref(),
        Some("memory of u01\n")
    );
    let out = env
        .run(&["memory", "restore", "--backup", backup.to_str().unwrap()])
        .await;
    assert_eq!(out.code, 1, "a second restore is refused: {}", out.stderr);
    let actions: Vec<_> = env
        .audit_lines(&env.audit_log())
        .iter()
        .map(|l| l["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions[2..], ["restore", "restore", "restore", "restore"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn enable_disable_and_the_audit_log_override() {
    let env = Env::start(config(1)).await;
    let log = env.path("elsewhere/audit.jsonl");
    let log_arg = log.to_str().unwrap();
    let out = env
        .run(&[
            "memory",
            "disable",
            "--org",
            "main",
            "--user",
            "u01",
            "--audit-log",
            log_arg,
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.mock.state().memory_enabled("main", "u01"), Some(false));
    let out = env
        .run(&[
            "--audit-log",
            log_arg,
            "memory",
            "enable",
            "--org",
            "main",
            "--user",
            "u01",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(env.mock.state().memory_enabled("main", "u01"), Some(true));
    let actions: Vec<_> = env
        .audit_lines(&log)
        .iter()
        .map(|l| l["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["disable", "disable", "enable", "enable"]);
    assert!(!env.audit_log().exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn no_audit_intent_means_no_request() {
    let env = Env::start(config(1)).await;
    let dir = env.path("a-directory");
    std::fs::create_dir_all(&dir).unwrap();
    let out = env
        .run(&[
            "memory",
            "create",
            "--org",
            "main",
            "--user",
            "u01",
            "--content",
            "x",
            "--audit-log",
            dir.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("audit log"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(Method::POST), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes_for_auth_usage_and_config() {
    let env = Env::start(config(1).with_api_key("another-key")).await;
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "u01"])
        .await;
    assert_eq!(out.code, 4, "{}", out.stderr);
    let out = env.run(&["memory", "get", "--org", "main"]).await;
    assert_eq!(out.code, 2, "clap usage error");
    let out = env
        .run(&["purge", "--org", "main", "--all", "--users-file", "x"])
        .await;
    assert_eq!(out.code, 2, "--all and --users-file exclude each other");
    let missing = env.path("missing.toml");
    let out = env
        .run(&[
            "users",
            "--org",
            "main",
            "--config",
            missing.to_str().unwrap(),
        ])
        .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_one_entry_backs_up_exactly_that_entry() {
    let seed = r#"{"orgs": [{"key": "main", "users": [{"username": "mia", "memories": [
        {"content": "first entry\n"}, {"content": "second entry\n"}, {"content": "third entry\n"}
    ]}]}]}"#;
    let env = Env::start(
        memory_console::mock::MockConfig::default()
            .with_api_key(cli_support::KEY)
            .with_seed(memory_console::mock::SeedSource::Json(seed.into()))
            // Every entry in the read, as a list: the object shape shows only the first.
            .with_memory_shape(memory_console::mock::MemoryShape::List),
    )
    .await;
    let entries = env.mock.state().memory("main", "mia").expect("mia");
    assert_eq!(entries.len(), 3);
    let second = entries[1].id.to_string();
    let out = env
        .run(&[
            "memory", "delete", "--org", "main", "--user", "mia", "--entry", &second, "--yes",
            "--json",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let backup = read_backup(std::path::Path::new(
        out.json()["backup"].as_str().expect("backup path"),
    ))
    .expect("backup");
    let kept: Vec<(String, &str)> = backup
        .entries
        .iter()
        .map(|e| (e.id.to_string(), e.text()))
        .collect();
    assert_eq!(kept, [(second.clone(), "second entry\n")]);
    let left: Vec<String> = env
        .mock
        .state()
        .memory("main", "mia")
        .expect("mia")
        .iter()
        .filter_map(|e| e.content.as_deref().map(str::to_owned))
        .collect();
    assert_eq!(left, ["first entry\n", "third entry\n"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restore_the_server_refuses_exits_with_the_refusals_code() {
    use memory_console::api::{MemoryEntry, OrgScope, UserRef};
    use memory_console::store::{Backup, write_backup};

    let env = Env::start(config(1).with_api_key("another-key")).await;
    let entry = MemoryEntry {
        id: 1,
        username: "u01".into(),
        platform_key: "main".into(),
        content: Some("memory of u01\n".into()),
        session_id: None,
    };
    let backup = Backup::new(
        "p",
        &env.mock.base_url(),
        &OrgScope::new("main"),
        &UserRef::by_name("u01"),
        vec![entry],
    );
    let path = write_backup(&env.path("backups"), &backup).expect("backup");
    let out = env
        .run(&[
            "memory",
            "restore",
            "--backup",
            path.to_str().expect("UTF-8"),
        ])
        .await;
    assert_eq!(out.code, 4, "the key was refused: {}", out.stderr);
    assert_eq!(env.mock.state().count(Method::POST), 0);
}

fn sorted_texts(entries: &[memory_console::api::MemoryEntry]) -> Vec<String> {
    let mut t: Vec<String> = entries.iter().map(|e| e.text().to_owned()).collect();
    t.sort();
    t
}

/// The texts the mock holds for a user, sorted.
fn server_texts(env: &Env, user: &str) -> Vec<String> {
    let mut t: Vec<String> = env
        .mock
        .state()
        .memory("main", user)
        .unwrap_or_default()
        .iter()
        .map(|e| e.content.as_deref().unwrap_or("").to_owned())
        .collect();
    t.sort();
    t
}

/// The published read shows one entry of three: the erase still backs up all three before
/// deleting them, and restore brings all three back.
#[tokio::test(flavor = "multi_thread")]
async fn delete_backs_up_every_entry_of_a_user_with_several() {
    let env = Env::start(config_multi()).await;
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "multi.max"])
        .await;
    assert!(
        out.stderr.contains("one entry at a time"),
        "get says the read may be partial: {}",
        out.stderr
    );
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    let out = env
        .run(&[
            "memory",
            "delete",
            "--org",
            "main",
            "--user",
            "multi.max",
            "--yes",
            "--json",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["entries"], 3, "{v}");
    let backup = std::path::PathBuf::from(v["backup"].as_str().expect("backup path"));
    let held = read_backup(&backup).expect("backup");
    assert_eq!(sorted_texts(&held.entries), multi_max_texts());
    assert!(
        env.mock
            .state()
            .memory("main", "multi.max")
            .expect("user")
            .is_empty()
    );
    let lines = env.audit_lines(&env.audit_log());
    assert_eq!(lines.len(), 6, "an intent and an outcome per DELETE");

    let out = env
        .run(&[
            "memory",
            "restore",
            "--backup",
            backup.to_str().expect("utf-8"),
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("restored 3 entries"), "{}", out.stderr);
    assert_eq!(server_texts(&env, "multi.max"), multi_max_texts());
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_of_one_entry_leaves_the_others() {
    let env = Env::start(config_multi()).await;
    let first = env.mock.state().memory("main", "multi.max").expect("user")[0].clone();
    let id = first.id.to_string();
    let out = env
        .run(&[
            "memory",
            "delete",
            "--org",
            "main",
            "--user",
            "multi.max",
            "--entry",
            &id,
            "--yes",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let left = env.mock.state().memory("main", "multi.max").expect("user");
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|e| e.id != first.id));
    let out = env
        .run(&[
            "memory",
            "delete",
            "--org",
            "main",
            "--user",
            "multi.max",
            "--entry",
            "999999",
            "--yes",
        ])
        .await;
    assert_eq!(
        out.code, 3,
        "an entry the read does not show: {}",
        out.stderr
    );
}
