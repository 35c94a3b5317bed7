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

/// `all.three` has memory in every store (three categories, one with `/` and a space,
/// hostile text in a value and in lessons); `chat.only` has chat memory alone;
/// `mentor.only` only mentor memories; `empty.eve` nothing.
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
