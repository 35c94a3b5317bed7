//! The subcommands over every store (chat, mentor memories, course memory) run as a binary
//! against the mock: `memory get --store`, `export`, `memory delete --store`, `forget`,
//! `memory restore` and `purge --stores`, with hostile text and a store answering 404/405.

mod cli_support;

use cli_support::{Env, KEY, Out};
use memory_console::mock::{MemoryShape, MockConfig, SeedSource, StoreKind};
use memory_console::store::read_backup;

/// Fixed ids, so tests can name entries.
const CITY_ID: &str = "0b0c5a7e-1111-4c2a-9e61-0d4b7a9c2e11";
const PET_ID: &str = "0b0c5a7e-2222-4c2a-9e61-0d4b7a9c2e11";
const ITEM_A: &str = "5f0c8a1e-3b7d-4c2a-9e61-0d4b7a9c2e11";
const ITEM_B: &str = "6a1d9b2f-4c8e-4d3b-8f72-1e5c8b0d3f22";

/// A value with a title-setting OSC, a colour CSI, BEL and a bidi override.
const HOSTILE_VALUE: &str = "Lagos \u{1b}]0;pwned\u{7} \u{1b}[31mred\u{202e}evil";

/// A category name that sets the window title and reverses the text after it.
const HOSTILE_CATEGORY: &str = "cat \u{1b}]0;owned\u{7}\u{202e}egnahc";

/// `all.three` has memory in every store (three categories, one with `/` and a space,
/// hostile text in a value and in lessons); `chat.only` has chat memory alone;
/// `mentor.only` only mentor memories; `hostile.hal` chat memory and a mentor memory
/// whose category, key and value are hostile; `empty.eve` nothing.
fn seed() -> String {
    serde_json::json!({"orgs": [{"key": "main", "users": [
        {"username": "all.three", "memories": [{"content": "chat of all.three"}],
         "mentor_memories": [
            {"category": "personal_information", "name": "About",
             "entries": [
                {"unique_id": CITY_ID, "key": "city", "value": HOSTILE_VALUE},
                {"unique_id": PET_ID, "key": "pet", "value": "cat",
                 "expires_at": "2027-06-30T00:00:00+00:00"}]},
            {"category": "lessons_learned",
             "entries": [{"key": "style", "value": "worked examples first"}]},
            {"category": "help requests/odd name",
             "entries": [{"key": "essay", "value": "outline"}]}],
         "course_memories": [
            {"catalog_item": ITEM_A,
             "lessons": {"completed": ["l1 \u{1b}[2J\u{202e}"]},
             "next_steps": {"recommended": ["l2"]}},
            {"catalog_item": ITEM_B, "lessons": ["intro"], "next_steps": null}]},
        {"username": "chat.only", "memories": [{"content": "only chat"}]},
        {"username": "mentor.only", "memories": [],
         "mentor_memories": [{"category": "knowledge_gaps",
             "entries": [{"key": "recursion", "value": "base cases"}]}]},
        {"username": "hostile.hal", "memories": [{"content": "x"}],
         "mentor_memories": [{"category": HOSTILE_CATEGORY,
             "entries": [{"key": "k\u{1b}[8m", "value": HOSTILE_VALUE}]}]},
        {"username": "empty.eve", "memories": []}
    ]}]})
    .to_string()
}

fn config(shape: MemoryShape) -> MockConfig {
    MockConfig::default()
        .with_api_key(KEY)
        .with_seed(SeedSource::Json(seed()))
        .with_memory_shape(shape)
        .with_task_delay(std::time::Duration::from_millis(100))
}

async fn get(env: &Env, user: &str, store: &str, json: bool) -> Out {
    let mut args = vec![
        "memory", "get", "--org", "main", "--user", user, "--store", store,
    ];
    if json {
        args.push("--json");
    }
    env.run(&args).await
}

/// No terminal control or invisible character anywhere in `text`.
fn assert_clean(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "raw {bad:?} in output:\n{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn get_mentor_and_course_as_json_hold_every_item_exactly() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = get(&env, "all.three", "mentor", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["available"], true);
    let memories = v["memories"].as_array().expect("memories");
    assert_eq!(memories.len(), 3);
    let city = memories
        .iter()
        .flat_map(|m| m["entries"].as_array().into_iter().flatten())
        .find(|e| e["unique_id"] == CITY_ID)
        .expect("the city entry");
    assert_eq!(city["value"], HOSTILE_VALUE, "JSON keeps the exact text");
    assert_eq!(city["expires_at"], serde_json::Value::Null);

    let out = get(&env, "all.three", "course", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let items: Vec<&str> = v["memories"]
        .as_array()
        .expect("memories")
        .iter()
        .filter_map(|m| m["catalog_item"].as_str())
        .collect();
    assert_eq!(items, [ITEM_A, ITEM_B]);
    assert_eq!(v["memories"][1]["lessons"], serde_json::json!(["intro"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn get_all_is_one_document_with_chat_as_before() {
    let env = Env::start(config(MemoryShape::Object)).await;
    let out = get(&env, "all.three", "all", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["chat", "course", "mentor"]);
    assert_eq!(v["chat"]["entries"][0]["content"], "chat of all.three");
    assert_eq!(v["chat"]["enabled"], true);
    assert_eq!(v["chat"]["complete"], false, "one-object read");
    assert_eq!(v["mentor"]["memories"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["course"]["memories"].as_array().map(Vec::len), Some(1));
    // The default store is still chat, and its output is unchanged.
    let out = env
        .run(&["memory", "get", "--org", "main", "--user", "all.three"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, b"chat of all.three");
    // One store with something is enough for 0; none at all is "not found".
    assert_eq!(get(&env, "mentor.only", "all", true).await.code, 0);
    assert_eq!(get(&env, "chat.only", "mentor", true).await.code, 3);
    assert_eq!(get(&env, "empty.eve", "all", false).await.code, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn human_output_groups_by_category_and_escapes_hostile_text() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = get(&env, "all.three", "mentor", false).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert_clean(&text);
    assert_clean(&out.stderr);
    let headings: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(
        headings,
        [
            "help requests/odd name (1 entry)",
            "lessons_learned (1 entry)",
            "personal_information (2 entries)"
        ]
    );
    assert!(
        text.contains("  city = Lagos \\x1b]0;pwned\\x07 \\x1b[31mred\\u{202e}evil\n"),
        "{text}"
    );
    assert!(text.contains("expires never, id 0b0c5a7e-1111"), "{text}");
    assert!(text.contains("expires 2027-06-30T00:00:00+00:00"), "{text}");
    assert!(
        out.stderr.contains(
            "mentor memories of all.three in main: 3 memories, 4 entries in 3 categories"
        ),
        "{}",
        out.stderr
    );

    let out = get(&env, "all.three", "all", false).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert_clean(&text);
    let sections: Vec<&str> = text.lines().filter(|l| l.starts_with("== ")).collect();
    assert_eq!(sections.len(), 3, "{text}");
    assert!(sections[0].starts_with("== chat memory of all.three in main: 1 entry"));
    assert!(
        text.contains(&format!("catalog item {ITEM_A} (memory ")),
        "{text}"
    );
    assert!(
        text.contains("\\u001b[2J\\u{202e}"),
        "JSON escapes ESC, we escape the bidi override: {text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unavailable_store_is_shown_as_such_with_its_reason() {
    let env = Env::start(config(MemoryShape::Object)).await;
    env.mock
        .state()
        .set_store_unavailable(StoreKind::Mentor, Some(405));
    let out = get(&env, "all.three", "all", true).await;
    assert_eq!(
        out.code, 0,
        "chat and course still hold memory: {}",
        out.stderr
    );
    let v = out.json();
    assert_eq!(v["mentor"]["available"], false);
    assert_eq!(v["mentor"]["status"], 405);
    assert!(
        v["mentor"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("405")),
        "{v}"
    );
    assert_eq!(v["mentor"]["memories"], serde_json::json!([]));
    assert_eq!(v["course"]["available"], true);

    env.mock
        .state()
        .set_store_unavailable(StoreKind::Course, Some(404));
    let out = get(&env, "all.three", "course", false).await;
    assert_eq!(out.code, 3, "an unavailable store reads as empty");
    assert!(
        out.stderr.contains(
            "course memory of all.three in main: none, or unavailable: the server answered 404"
        ),
        "{}",
        out.stderr
    );
    let out = get(&env, "all.three", "mentor", false).await;
    assert!(
        out.stderr
            .contains("unavailable, read as empty: the server answered 405"),
        "{}",
        out.stderr
    );
}

fn users_file(env: &Env, names: &[&str]) -> String {
    cli_support::users_file(env, names)
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_dry_run_counts_per_store_and_sends_only_gets() {
    let env = Env::start(config(MemoryShape::List)).await;
    let file = users_file(
        &env,
        &["all.three", "chat.only", "mentor.only", "empty.eve"],
    );
    let dry = |stores: &'static str| {
        let file = file.clone();
        let env = &env;
        async move {
            env.run(&[
                "purge",
                "--org",
                "main",
                "--users-file",
                &file,
                "--dry-run",
                "--json",
                "--stores",
                stores,
            ])
            .await
        }
    };
    let out = dry("all").await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["stores"], serde_json::json!(["chat", "mentor", "course"]));
    assert_eq!(v["would_erase"], 3, "mentor.only counts: {v}");
    assert_eq!(v["empty"], 1);
    assert_eq!(
        (v["mentor_memories"].as_u64(), v["mentor_entries"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(v["course_memories"], 2);
    let all_three = &v["users"][0];
    assert_eq!(all_three["user"], "all.three");
    assert_eq!(
        (
            all_three["mentor_memories"].as_u64(),
            all_three["course_memories"].as_u64()
        ),
        (Some(3), Some(2))
    );

    // Only chat: the other stores are neither read nor counted.
    env.mock.state().clear_requests();
    let out = dry("chat").await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["would_erase"], 2);
    assert!(v["users"][0].get("mentor_memories").is_none(), "{v}");
    let requests = env.mock.state().requests();
    assert!(
        requests
            .iter()
            .all(|r| r.path.contains("all-chats-memory") || r.path.contains("chat-memory-status")),
        "only chat was read"
    );

    // A store answering 404 reads as empty and says so per user.
    env.mock
        .state()
        .set_store_unavailable(StoreKind::Mentor, Some(404));
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--dry-run",
            "--stores",
            "mentor,course",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.text().contains("all.three\t0 mentor memories (0 entries)\t2 course memories\tmentor unavailable: the server answered 404"),
        "{}",
        out.text()
    );
    assert!(
        !out.text().contains("mentor.only"),
        "its only store is unavailable: {}",
        out.text()
    );
    assert!(
        env.mock
            .state()
            .requests()
            .iter()
            .all(|r| r.method == reqwest::Method::GET)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_one_document_per_user_with_every_store() {
    let env = Env::start(config(MemoryShape::List)).await;
    env.mock
        .state()
        .set_store_unavailable(StoreKind::Course, Some(405));
    let file = users_file(
        &env,
        &["all.three", "chat.only", "mentor.only", "empty.eve"],
    );
    let dir = env.path("export");
    let out = env
        .run(&[
            "export",
            "--org",
            "main",
            "--users-file",
            &file,
            "--out",
            dir.to_str().expect("utf-8"),
            "--json",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["done"].as_u64(), v["empty"].as_u64()),
        (Some(3), Some(1)),
        "{v}"
    );
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    let record = |user: &str| -> serde_json::Value {
        let line = journal
            .lines()
            .find(|l| l.contains(&format!(r#""user":"{user}""#)))
            .expect("journaled");
        serde_json::from_str(line).expect("json")
    };
    let path = |user: &str| record(user)["backup"].as_str().expect("a file").to_owned();
    let all = read_backup(std::path::Path::new(&path("all.three"))).expect("backup format");
    assert_eq!(all.version, 2);
    assert_eq!(all.entries.len(), 1);
    assert_eq!(all.mentor.len(), 3);
    let city = all
        .mentor
        .iter()
        .flat_map(|m| &m.entries)
        .find(|e| e.unique_id.as_deref() == Some(CITY_ID))
        .expect("city");
    assert_eq!(city.value.as_deref(), Some(HOSTILE_VALUE), "exact bytes");
    assert!(all.course.is_empty(), "the course store answered 405");
    assert!(
        record("all.three")["reason"]
            .as_str()
            .is_some_and(|r| r.contains("course: none, or unavailable: the server answered 405")),
        "{journal}"
    );
    let mentor_only = read_backup(std::path::Path::new(&path("mentor.only"))).expect("backup");
    assert!(mentor_only.entries.is_empty());
    assert_eq!(
        mentor_only.mentor.len(),
        1,
        "a user with only mentor memories is exported"
    );
    assert_eq!(record("empty.eve")["status"], "empty");
    assert!(
        env.mock
            .state()
            .requests()
            .iter()
            .all(|r| r.method == reqwest::Method::GET)
    );
}

/// One store's row of a forget's JSON report (`"stores"` is a list of rows).
fn row<'a>(report: &'a serde_json::Value, store: &str) -> &'a serde_json::Value {
    report["stores"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["store"] == store))
        .unwrap_or_else(|| panic!("no {store} row in {report}"))
}

async fn forget(env: &Env, user: &str, json: bool) -> Out {
    let mut args = vec!["forget", "--org", "main", "--user", user, "--yes"];
    if json {
        args.push("--json");
    }
    env.run(&args).await
}

/// Chat entries, mentor memories and course memories the mock holds for `user`.
fn held(env: &Env, user: &str) -> (usize, usize, usize) {
    let state = env.mock.state();
    (
        state.memory("main", user).expect("user").len(),
        state.mentor_memories("main", user).expect("user").len(),
        state.course_memories("main", user).expect("user").len(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn forget_erases_every_store_from_one_backup_and_restore_brings_it_back() {
    let env = Env::start(config(MemoryShape::List)).await;
    assert_eq!(held(&env, "all.three"), (1, 3, 2));
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["forgotten"], true);
    for store in ["chat", "mentor", "course"] {
        assert_eq!(row(&v, store)["outcome"], "erased", "{store}: {v}");
    }
    assert_eq!(row(&v, "course")["items"], 2);
    assert_eq!(
        held(&env, "all.three"),
        (0, 0, 0),
        "every store reads empty"
    );
    let path = v["backup"].as_str().expect("one backup").to_owned();
    let backup = read_backup(std::path::Path::new(&path)).expect("backup");
    assert_eq!(
        (
            backup.entries.len(),
            backup.mentor.len(),
            backup.course.len()
        ),
        (1, 3, 2),
        "the one backup holds every store"
    );
    let audit = env.audit_lines(&env.audit_log());
    let stores: std::collections::BTreeSet<&str> =
        audit.iter().filter_map(|l| l["store"].as_str()).collect();
    assert_eq!(
        stores.into_iter().collect::<Vec<_>>(),
        ["chat", "course", "mentor"],
        "audit lines name each store"
    );

    // A second forget finds nothing and still exits 0.
    let out = forget(&env, "all.three", false).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    // An empty course store answers 404 (the contract's "no memory"), which is also what
    // a server without the store says: reported as such.
    assert_eq!(
        out.text(),
        "chat: already empty\nmentor: already empty\n\
         course: unavailable, treated as empty: the server answered 404 (not found): Not found.\n"
    );

    let out = env
        .run(&["memory", "restore", "--backup", &path, "--json"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(row(&v, "chat")["restored"], 1);
    assert_eq!(
        (
            row(&v, "mentor")["memories"].as_u64(),
            row(&v, "mentor")["entries"].as_u64()
        ),
        (Some(3), Some(4))
    );
    assert_eq!(row(&v, "course")["restored"], 2);
    assert!(
        v["not_restored"].as_array().is_some_and(|n| !n.is_empty()),
        "ids and expiry cannot come back: {v}"
    );
    assert_eq!(held(&env, "all.three"), (1, 3, 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_in_words_says_per_store_what_came_back_and_what_could_not() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = out.json()["backup"].as_str().expect("backup").to_owned();
    let out = env.run(&["memory", "restore", "--backup", &path]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert_clean(&text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "chat: 1 entry restored", "{text}");
    assert_eq!(
        lines[1], "mentor: 3 memories (4 entries) re-created",
        "{text}"
    );
    assert_eq!(lines[2], "course: 2 memories restored", "{text}");
    assert!(
        lines[3..].iter().all(|l| l.starts_with("not restored: ")),
        "{text}"
    );
    assert!(lines.len() > 3, "{text}");
    // Restored once only.
    let out = env.run(&["memory", "restore", "--backup", &path]).await;
    assert_ne!(out.code, 0);
}

/// A restore stopped in course memory says what it wrote, store by store, without a
/// "restored …" that reads as done; resumed, it counts what the stopped run wrote apart
/// from what it writes. A chat-only backup speaks of chat only.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_and_resumed_restore_says_what_each_run_wrote() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = out.json()["backup"].as_str().expect("backup").to_owned();
    env.mock
        .state()
        .set_store_unavailable(StoreKind::Course, Some(405));
    let out = env.run(&["memory", "restore", "--backup", &path]).await;
    assert_ne!(out.code, 0, "{}", out.stderr);
    let text = out.text();
    assert_clean(&text);
    assert!(
        text.starts_with(
            "chat: 1 entry restored\nmentor: 3 memories (4 entries) re-created\ncourse: 0 memories restored\n"
        ),
        "{text}"
    );
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("restored")),
        "{}",
        out.stderr
    );

    env.mock
        .state()
        .set_store_unavailable(StoreKind::Course, None);
    let out = env.run(&["memory", "restore", "--backup", &path]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<String> = out.text().lines().map(str::to_owned).collect();
    assert_eq!(
        lines[..3],
        [
            "chat: 0 entries restored, 1 more by an earlier, stopped run of this restore",
            "mentor: 0 memories (0 entries) re-created, 3 more by an earlier, stopped run of this restore",
            "course: 2 memories restored",
        ],
        "{lines:?}"
    );
    assert!(
        out.stderr
            .contains("(and 4 more written back by an earlier, stopped run)"),
        "{}",
        out.stderr
    );
    assert_eq!(held(&env, "all.three"), (1, 3, 2));

    let out = delete(&env, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let chat_backup = out.json()["backup"].as_str().expect("backup").to_owned();
    let out = env
        .run(&["memory", "restore", "--backup", &chat_backup])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.text(), "chat: 1 entry restored\n");

    // And in JSON: one row, for the one store the backup holds.
    let out = delete(&env, &[]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let chat_backup = out.json()["backup"].as_str().expect("backup").to_owned();
    let out = env
        .run(&["memory", "restore", "--backup", &chat_backup, "--json"])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["stores"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(row(&v, "chat")["restored"], 1);
    assert_eq!(v["finished"], true);
}

/// A forget whose backup cannot be written deletes nothing, and its last word says no
/// backup was written, not that none was needed.
#[tokio::test(flavor = "multi_thread")]
async fn forget_without_a_writable_backup_says_no_backup_was_written() {
    let env = Env::start(config(MemoryShape::List)).await;
    std::fs::create_dir_all(env.data()).expect("data dir");
    // A file where the backups folder goes: no backup can be written under it.
    std::fs::write(env.data().join("backups"), b"in the way").expect("blocker");
    let out = forget(&env, "all.three", false).await;
    assert_eq!(out.code, 7, "{}", out.stderr);
    let last = out.stderr.lines().last().unwrap_or_default();
    assert!(last.contains("NOT forgotten"), "{}", out.stderr);
    assert!(last.ends_with("; no backup was written"), "{last}");
    assert_eq!(held(&env, "all.three"), (1, 3, 2), "nothing was deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn forget_fails_loudly_when_the_server_keeps_store_data() {
    let env = Env::start(config(MemoryShape::List)).await;
    env.mock.state().set_keep_store_deletes(true);
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 7, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["forgotten"], false);
    assert_eq!(row(&v, "chat")["outcome"], "erased");
    assert_eq!(row(&v, "mentor")["outcome"], "failed", "{v}");
    assert!(row(&v, "mentor")["failure"].is_string());
    assert_eq!(row(&v, "course")["outcome"], "failed");

    let out = forget(&env, "all.three", false).await;
    assert_eq!(out.code, 7, "{}", out.stderr);
    let text = out.text();
    assert!(
        text.starts_with("chat: already empty\nmentor: FAILED"),
        "{text}"
    );
    assert!(
        out.stderr
            .contains("all.three in main: NOT forgotten: mentor, course may still hold data"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forget_treats_an_unavailable_store_as_empty_and_says_so() {
    let env = Env::start(config(MemoryShape::Object)).await;
    env.mock
        .state()
        .set_store_unavailable(StoreKind::Mentor, Some(404));
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(row(&v, "mentor")["outcome"], "unavailable");
    assert!(
        row(&v, "mentor")["reason"]
            .as_str()
            .is_some_and(|r| r.contains("404")),
        "{v}"
    );
    assert_eq!(row(&v, "course")["outcome"], "erased");
    assert_eq!(
        row(&v, "course")["items"],
        2,
        "drained past the one-object read"
    );
    let (chat, _, course) = held(&env, "all.three");
    assert_eq!((chat, course), (0, 0));
}

#[tokio::test(flavor = "multi_thread")]
async fn forget_asks_for_the_username_and_refuses_off_a_terminal() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = env
        .run(&["forget", "--org", "main", "--user", "all.three"])
        .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--yes"), "{}", out.stderr);
    assert_eq!(env.mock.state().count(reqwest::Method::DELETE), 0);
    assert_eq!(held(&env, "all.three"), (1, 3, 2));
    let out = env
        .run(&[
            "--read-only",
            "forget",
            "--org",
            "main",
            "--user",
            "all.three",
            "--yes",
        ])
        .await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(env.mock.state().count(reqwest::Method::DELETE), 0);
}

async fn delete(env: &Env, extra: &[&str]) -> Out {
    let mut args = vec![
        "memory",
        "delete",
        "--org",
        "main",
        "--user",
        "all.three",
        "--yes",
        "--json",
    ];
    args.extend_from_slice(extra);
    env.run(&args).await
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_delete_erases_a_mentor_entry_a_category_or_course_memory() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = delete(&env, &["--store", "mentor", "--entry", CITY_ID]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["store"].as_str(), v["result"].as_str()),
        (Some("mentor"), Some("erased"))
    );
    assert_eq!(v["items"], 1);
    let backup =
        read_backup(std::path::Path::new(v["backup"].as_str().expect("path"))).expect("backup");
    let ids: Vec<_> = backup
        .mentor
        .iter()
        .flat_map(|m| &m.entries)
        .filter_map(|e| e.unique_id.as_deref())
        .collect();
    assert_eq!(ids, [CITY_ID], "the backup holds that entry alone");
    let left: Vec<String> = env
        .mock
        .state()
        .mentor_memories("main", "all.three")
        .expect("user")
        .iter()
        .flat_map(|m| m.entries.iter().map(|e| e.unique_id.to_string()))
        .collect();
    assert!(left.contains(&PET_ID.to_owned()) && !left.contains(&CITY_ID.to_owned()));

    let out = delete(
        &env,
        &["--store", "mentor", "--category", "help requests/odd name"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let categories: Vec<String> = env
        .mock
        .state()
        .mentor_memories("main", "all.three")
        .expect("user")
        .iter()
        .filter_map(|m| m.category.as_deref().map(str::to_owned))
        .collect();
    assert_eq!(categories, ["personal_information", "lessons_learned"]);

    let course = env
        .mock
        .state()
        .course_memories("main", "all.three")
        .expect("user");
    let first = course[0].id.to_string();
    let out = delete(&env, &["--store", "course", "--entry", &first]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(held(&env, "all.three").2, 1);
    let out = delete(&env, &["--store", "course"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["result"], "erased");
    assert_eq!(held(&env, "all.three").2, 0);
    let out = delete(&env, &["--store", "course"]).await;
    assert_eq!(
        out.code, 0,
        "an empty store is nothing to erase: {}",
        out.stderr
    );
    assert_eq!(out.json()["result"], "nothing_there");
    let out = delete(&env, &["--store", "mentor"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["result"], "erased");
    assert_eq!(held(&env, "all.three"), (1, 0, 0), "chat memory untouched");
}

#[tokio::test(flavor = "multi_thread")]
async fn memory_delete_refuses_flags_that_do_not_fit_the_store_and_unknown_ids() {
    let env = Env::start(config(MemoryShape::List)).await;
    for (extra, code) in [
        (&["--store", "chat", "--category", "x"][..], 2),
        (&["--store", "course", "--category", "x"][..], 2),
        (&["--store", "chat", "--entry", "abc"][..], 2),
        (&["--store", "mentor", "--entry", "no-such-entry"][..], 3),
        (
            &["--store", "mentor", "--category", "no_such_category"][..],
            3,
        ),
        (&["--store", "course", "--entry", "999"][..], 3),
        (
            &[
                "--store",
                "mentor",
                "--entry",
                "\u{1b}]0;pwned\u{7}\u{202e}x",
            ][..],
            3,
        ),
    ] {
        let out = delete(&env, extra).await;
        assert_eq!(out.code, code, "{extra:?}: {}", out.stderr);
        assert_clean(&out.stderr);
    }
    assert_eq!(env.mock.state().count(reqwest::Method::DELETE), 0);
    assert_eq!(held(&env, "all.three"), (1, 3, 2));
    // Chat stays the default, with a numeric --entry.
    let id = env.mock.state().memory("main", "all.three").expect("user")[0].id;
    let out = delete(&env, &["--entry", &id.to_string()]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(held(&env, "all.three"), (0, 3, 2));
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_forgets_every_store_by_default_and_resumes() {
    let env = Env::start(config(MemoryShape::Object)).await;
    let names = ["all.three", "chat.only", "mentor.only", "empty.eve"];
    let file = users_file(&env, &names);
    let job = env.path("job");
    let args = [
        "purge",
        "--org",
        "main",
        "--users-file",
        &file,
        "--yes",
        "--json",
        "--out",
        job.to_str().expect("utf-8"),
    ];
    let out = env.run(&args).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    assert_eq!(
        (v["done"].as_u64(), v["empty"].as_u64()),
        (Some(3), Some(1)),
        "{v}"
    );
    for user in names {
        assert_eq!(held(&env, user), (0, 0, 0), "{user}");
    }
    let journal = std::fs::read_to_string(job.join("journal.jsonl")).expect("journal");
    let line = journal
        .lines()
        .find(|l| l.contains(r#""user":"all.three""#))
        .expect("journaled");
    let record: serde_json::Value = serde_json::from_str(line).expect("json");
    let backup = read_backup(std::path::Path::new(
        record["backup"].as_str().expect("path"),
    ))
    .expect("backup");
    assert_eq!(
        (
            backup.entries.len(),
            backup.mentor.len(),
            backup.course.len()
        ),
        (1, 3, 2)
    );
    assert_eq!(record["bytes"], "chat of all.three".len());
    env.mock.state().clear_requests();
    let out = env.run(&args).await;
    assert_eq!(out.json()["skipped"], 4);
    assert_eq!(env.mock.state().total_requests(), 0, "nothing sent twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_of_chosen_stores_leaves_the_others_and_fails_users_whose_store_kept_data() {
    let env = Env::start(config(MemoryShape::List)).await;
    let file = users_file(&env, &["all.three", "chat.only"]);
    let job = env.path("job");
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--yes",
            "--json",
            "--out",
            job.to_str().expect("utf-8"),
            "--stores",
            "mentor",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        held(&env, "all.three"),
        (1, 0, 2),
        "only mentor memories erased"
    );
    assert_eq!(held(&env, "chat.only"), (1, 0, 0));

    env.mock.state().set_keep_store_deletes(true);
    let out = env
        .run(&[
            "purge",
            "--org",
            "main",
            "--users-file",
            &file,
            "--yes",
            "--json",
            "--out",
            env.path("job2").to_str().expect("utf-8"),
            "--stores",
            "chat,course",
        ])
        .await;
    assert_eq!(
        out.code, 5,
        "a kept course store fails the user: {}",
        out.stderr
    );
    let v = out.json();
    assert_eq!(
        (v["done"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    assert!(
        v["failures"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("course: FAILED")),
        "{v}"
    );
}

/// A 429 on one store in the middle of a forget: ridden out under the client's retries, or
/// a failed store and exit 7, never a false "forgotten".
#[tokio::test(flavor = "multi_thread")]
async fn a_429_in_one_store_is_retried_or_reported_never_forgotten_falsely() {
    let env = Env::start(config(MemoryShape::List)).await;
    env.mock
        .state()
        .throttle_store_deletes(StoreKind::Mentor, 1);
    let out = forget(&env, "all.three", true).await;
    let v = out.json();
    // Whether the client retries this DELETE is its policy; what the CLI says must be true.
    let (_, mentor, _) = held(&env, "all.three");
    match out.code {
        0 => {
            assert_eq!(row(&v, "mentor")["outcome"], "erased", "{v}");
            assert_eq!(mentor, 0);
        }
        7 => {
            assert_eq!(row(&v, "mentor")["outcome"], "failed", "{v}");
            assert!(
                row(&v, "mentor")["failure"]
                    .as_str()
                    .is_some_and(|f| f.contains("429")),
                "{v}"
            );
            assert!(mentor > 0, "a failed store still holds data");
        }
        code => panic!("exit {code}: {}", out.stderr),
    }
    assert_eq!(v["forgotten"], out.code == 0);

    let env = Env::start(config(MemoryShape::List)).await;
    env.mock
        .state()
        .throttle_store_deletes(StoreKind::Course, 1000);
    let out = forget(&env, "all.three", true).await;
    assert_eq!(out.code, 7, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["forgotten"], false);
    assert_eq!(row(&v, "course")["outcome"], "failed", "{v}");
    assert_eq!(row(&v, "mentor")["outcome"], "erased");
    assert_eq!(
        held(&env, "all.three"),
        (0, 0, 2),
        "the course memory is still there"
    );
}

/// Hostile category names, keys and values reach no terminal: not in `memory get --store
/// all`, not in a failed forget's report, not in a category delete's report.
#[tokio::test(flavor = "multi_thread")]
async fn hostile_names_stay_text_in_every_report() {
    let env = Env::start(config(MemoryShape::List)).await;
    let out = get(&env, "hostile.hal", "all", false).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_clean(&out.text());
    assert!(
        out.text()
            .contains("cat \\x1b]0;owned\\x07\\u{202e}egnahc (1 entry)"),
        "{}",
        out.text()
    );

    env.mock.state().set_keep_store_deletes(true);
    let out = env
        .run(&["forget", "--org", "main", "--user", "hostile.hal", "--yes"])
        .await;
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert_clean(&out.text());
    assert_clean(&out.stderr);
    assert!(out.text().contains("mentor: FAILED"), "{}", out.text());

    env.mock.state().set_keep_store_deletes(false);
    let out = env
        .run(&[
            "memory",
            "delete",
            "--org",
            "main",
            "--user",
            "hostile.hal",
            "--store",
            "mentor",
            "--category",
            HOSTILE_CATEGORY,
            "--yes",
        ])
        .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_clean(&out.stderr);
    assert_eq!(held(&env, "hostile.hal").1, 0);
}
