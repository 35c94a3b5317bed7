//! Restoring mentor and course memory (`ops/stores/revive.rs`): the "memory again" check,
//! and on resuming a stopped restore, which memories the server shows are taken as written
//! by the stopped run (only a whole match of a row not yet noted, never one already
//! accounted for) and which notes of that run are dropped, on disk too, because the memory
//! they name is gone.

use std::path::{Path, PathBuf};

use memory_console::api::{ApiClient, ClientSettings, MentorMemory, OrgScope, UserRef};
use memory_console::ops::{Ops, RestoreError, StoreKind, Trail};
use memory_console::store::{AuditContext, AuditLog, Backup, read_backup, write_backup};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "canary-key-51c3";
const CHAT: &str = "/api/ai-prompt/orgs/main/users/johndoe/all-chats-memory/";
const MENTOR: &str = "/api/ai-mentor/orgs/main/users/johndoe/memories/";
const COURSE: &str = "/api/ai-prompt/orgs/main/users/johndoe/memory/";

fn ops_for(server: &MockServer, dir: &Path) -> Ops {
    let client = ApiClient::new(&ClientSettings::new(server.uri(), SecretString::from(KEY)))
        .expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(KEY));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups"))
}

/// A mentor memory as the server shows it: one entry per (id, key, value).
fn mentor_json(id: &str, category: &str, entries: &[(&str, &str, &str)]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|(id, key, value)| json!({"unique_id": id, "key": key, "value": value}))
        .collect();
    json!({"unique_id": id, "category": category, "entries": entries})
}

fn mentor(id: &str, category: &str, entries: &[(&str, &str, &str)]) -> MentorMemory {
    serde_json::from_value(mentor_json(id, category, entries)).expect("a mentor memory")
}

fn page(results: Vec<Value>) -> Value {
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

/// A backup of johndoe with no chat entries, of a restore that started and stopped.
fn resumed(server: &MockServer) -> Backup {
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        Vec::new(),
    );
    backup.restore_started_at = Some(time::OffsetDateTime::now_utc());
    backup
}

async fn get(server: &MockServer, at: &str, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}

async fn post(server: &MockServer, at: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}

async fn posts(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count()
}

async fn restore(server: &MockServer, dir: &Path, backup: &Backup) -> (PathBuf, RestoreResult) {
    let file = write_backup(&dir.join("backups"), backup).expect("backup");
    let result = ops_for(server, dir)
        .restore(&file, None)
        .await
        .map(|r| r.mentor_memories);
    (file, result)
}

type RestoreResult = Result<usize, RestoreError>;

/// The restore refused as "memory again" in `store` (`items` memories) before sending
/// anything, and noted nothing as written in that store.
async fn assert_refused_as_memory_again(
    server: &MockServer,
    file: &Path,
    result: &RestoreResult,
    store: StoreKind,
    items: usize,
) {
    assert!(
        matches!(
            result,
            Err(RestoreError::HasStoreMemory { store: s, items: n, .. }) if *s == store && *n == items
        ),
        "{result:?}"
    );
    assert_eq!(posts(server).await, 0);
    let held = read_backup(file).expect("backup");
    let noted = match store {
        StoreKind::Mentor => held.revived_mentor.len(),
        StoreKind::Course => held.revived_course.len(),
        StoreKind::Chat => held.restored_rows.len(),
    };
    assert_eq!(noted, 0, "nothing noted as written");
}

/// A chat memory read that shows no entry.
async fn empty_chat(server: &MockServer) {
    get(
        server,
        CHAT,
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
}

/// A note of the stopped run whose memory the whole read no longer shows (erased since) is
/// dropped and the backup rewritten at once, even when the restore then stops at its first
/// POST: a later run whose read shows only part of the store would otherwise keep the note
/// and never write that row back. The memory left by the erase (named in the backup) does
/// not keep the note alive.
#[tokio::test]
async fn notes_of_memory_erased_since_are_dropped_on_disk_even_when_the_restore_stops() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    let left = mentor_json("m-left", "kept", &[("k-1", "left", "\u{202e}by the erase")]);
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![left])),
    )
    .await;
    let left_course = json!({"id": 77, "catalog_item": "left", "lessons": [], "next_steps": null});
    get(
        &server,
        COURSE,
        ResponseTemplate::new(200).set_body_json(json!([left_course])),
    )
    .await;
    post(
        &server,
        MENTOR,
        ResponseTemplate::new(500).set_body_string("\u{1b}]0;pwned\u{7}"),
    )
    .await;
    post(
        &server,
        COURSE,
        ResponseTemplate::new(500).set_body_string("\u{1b}]0;pwned\u{7}"),
    )
    .await;

    let mut mentor_only = resumed(&server);
    mentor_only.mentor = vec![
        mentor("m-1", "c", &[("e-1", "a", "1")]),
        mentor("m-2", "c", &[("e-2", "b", "\u{1b}[2J")]),
    ];
    mentor_only.kept_mentor = vec!["k-1".into()];
    mentor_only.revived_mentor = vec![(0, vec!["e-gone".into()])];
    let (file, result) = restore(&server, dir.path(), &mentor_only).await;
    assert!(
        matches!(
            result,
            Err(RestoreError::StorePartial {
                store: StoreKind::Mentor,
                ..
            })
        ),
        "row 0 is written again, and that POST fails: {result:?}"
    );
    assert!(
        read_backup(&file)
            .expect("backup")
            .revived_mentor
            .is_empty(),
        "the stale note is gone from the file"
    );

    let mut course_only = resumed(&server);
    course_only.course = vec![
        serde_json::from_value(json!({"id": 55, "catalog_item": "cat-1",
            "lessons": {"l": "\u{202e}x"}, "next_steps": null}))
        .expect("a course memory"),
    ];
    course_only.kept_course = vec!["77".into()];
    course_only.revived_course = vec![(0, "55".into())];
    let (file, result) = restore(&server, dir.path(), &course_only).await;
    assert!(
        matches!(
            result,
            Err(RestoreError::StorePartial {
                store: StoreKind::Course,
                ..
            })
        ),
        "row 0 is written again, and that POST fails: {result:?}"
    );
    assert!(
        read_backup(&file)
            .expect("backup")
            .revived_course
            .is_empty(),
        "the stale note is gone from the file"
    );
    assert_eq!(posts(&server).await, 2, "one POST for each store's row 0");
}

/// Two rows of the same content, the first noted with the ids the server gave it, and a
/// third row the stopped run wrote without noting: the memory of the first is accounted
/// for and is not taken for the second (which is written, once), and the third is adopted
/// by its content and not written again.
#[tokio::test]
async fn a_memory_already_noted_is_not_taken_for_a_second_row_of_the_same_content() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![
            mentor_json("m-1", "c", &[("e-1", "a", "\u{202e}same")]),
            mentor_json("m-3", "d", &[("e-3", "b", "\u{1b}]0;x\u{7}")]),
        ])),
    )
    .await;
    post(
        &server,
        MENTOR,
        // The answer holds another memory of the user first: the ids noted are those of
        // the memory of the same category and entry count.
        ResponseTemplate::new(201).set_body_json(page(vec![
            mentor_json("m-0", "other", &[("e-x", "z", "0")]),
            mentor_json("m-2", "c", &[("e-2", "a", "\u{202e}same")]),
        ])),
    )
    .await;
    let mut backup = resumed(&server);
    backup.mentor = vec![
        mentor("b-1", "c", &[("old-1", "a", "\u{202e}same")]),
        mentor("b-2", "c", &[("old-2", "a", "\u{202e}same")]),
        mentor("b-3", "d", &[("old-3", "b", "\u{1b}]0;x\u{7}")]),
    ];
    backup.revived_mentor = vec![(0, vec!["e-1".into()])];
    let (file, result) = restore(&server, dir.path(), &backup).await;
    assert_eq!(result.expect("the resumed restore finishes"), 1);
    assert_eq!(posts(&server).await, 1, "row 1 only");
    let mut noted = read_backup(&file).expect("backup").revived_mentor;
    noted.sort();
    assert_eq!(
        noted,
        vec![
            (0, vec!["e-1".to_owned()]),
            (1, vec!["e-2".to_owned()]),
            (2, vec!["e-3".to_owned()]),
        ]
    );
}

/// A mentor memory with no entries has no id to note: even when it matches a row of the
/// backup it is not adopted, so it counts as memory gathered since, and nothing is noted.
#[tokio::test]
async fn a_mentor_memory_without_entry_ids_is_never_adopted() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![mentor_json("m-9", "c", &[])])),
    )
    .await;
    post(
        &server,
        MENTOR,
        ResponseTemplate::new(201).set_body_json(page(vec![])),
    )
    .await;
    let mut backup = resumed(&server);
    backup.mentor = vec![mentor("b-1", "c", &[])];
    let (file, result) = restore(&server, dir.path(), &backup).await;
    assert_refused_as_memory_again(&server, &file, &result, StoreKind::Mentor, 1).await;
}

/// A course memory that shares the catalog item and next steps of a row but not its
/// lessons is memory gathered since, not the stopped run's write: the restore is refused,
/// nothing is noted and nothing sent.
#[tokio::test]
async fn a_course_memory_matching_a_row_only_in_part_is_not_adopted() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        COURSE,
        ResponseTemplate::new(200).set_body_json(json!([{"id": 99, "catalog_item": "cat-1",
            "lessons": {"l": "learnt since"}, "next_steps": {"n": "\u{1b}[2J"}}])),
    )
    .await;
    post(
        &server,
        COURSE,
        ResponseTemplate::new(201).set_body_json(json!({"id": 100, "catalog_item": "cat-1"})),
    )
    .await;
    let mut backup = resumed(&server);
    backup.course = vec![
        serde_json::from_value(json!({"id": 55, "catalog_item": "cat-1",
            "lessons": {"l": "\u{202e}before"}, "next_steps": {"n": "\u{1b}[2J"}}))
        .expect("a course memory"),
    ];
    let (file, result) = restore(&server, dir.path(), &backup).await;
    assert_refused_as_memory_again(&server, &file, &result, StoreKind::Course, 1).await;
}

/// The course twin of the test above: two rows of the same content (no catalog item), the
/// first noted with the id the server gave it, and a third row the stopped run wrote
/// without noting. The first's memory is not taken for the second (written, once), and the
/// third's memory is noted for the third row, not for the second.
#[tokio::test]
async fn a_course_memory_already_noted_is_not_taken_for_a_second_row_of_the_same_content() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    let same = json!({"lessons": {"l": "\u{202e}same"}, "next_steps": ["\u{1b}[2J"]});
    let third = json!({"catalog_item": "cat-d", "lessons": "d", "next_steps": null});
    let with_id = |id: i64, body: &Value| {
        let mut v = body.clone();
        v["id"] = json!(id);
        v
    };
    get(
        &server,
        COURSE,
        ResponseTemplate::new(200).set_body_json(json!([with_id(88, &same), with_id(89, &third)])),
    )
    .await;
    post(
        &server,
        COURSE,
        ResponseTemplate::new(201).set_body_json(with_id(90, &same)),
    )
    .await;
    let mut backup = resumed(&server);
    backup.course = [with_id(1, &same), with_id(2, &same), with_id(3, &third)]
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("a course memory"))
        .collect();
    backup.revived_course = vec![(0, "88".into())];
    let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
    let done = ops_for(&server, dir.path())
        .restore(&file, None)
        .await
        .expect("the resumed restore finishes");
    assert_eq!(done.course_created.len(), 1);
    assert_eq!(posts(&server).await, 1, "row 1 only");
    let mut noted = read_backup(&file).expect("backup").revived_course;
    noted.sort();
    assert_eq!(
        noted,
        vec![
            (0, "88".to_owned()),
            (1, "90".to_owned()),
            (2, "89".to_owned())
        ]
    );
}

/// A mentor memory that shares only the category of a row (other keys or values), or only
/// its keys and values (another category), is memory gathered since, not the stopped run's
/// write: the restore is refused, nothing is noted and nothing sent.
#[tokio::test]
async fn a_mentor_memory_matching_a_row_only_in_part_is_not_adopted() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![
            mentor_json("m-1", "c", &[("e-1", "a", "said since \u{202e}")]),
            mentor_json("m-2", "other", &[("e-2", "a", "\u{1b}[2J")]),
        ])),
    )
    .await;
    post(
        &server,
        MENTOR,
        ResponseTemplate::new(201).set_body_json(page(vec![])),
    )
    .await;
    let mut backup = resumed(&server);
    backup.mentor = vec![mentor("b-1", "c", &[("old-1", "a", "\u{1b}[2J")])];
    let (file, result) = restore(&server, dir.path(), &backup).await;
    assert_refused_as_memory_again(&server, &file, &result, StoreKind::Mentor, 2).await;
}

/// Before anything is sent, a mentor memory is "memory again" unless the erase left it (its
/// id among those the backup names as left) or an earlier run of this restore wrote it. With
/// two memories left and one new, the new one alone refuses the restore.
#[tokio::test]
async fn memory_gathered_since_refuses_the_restore_beside_what_the_erase_left() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![
            mentor_json(
                "m-1",
                "left",
                &[("k-1", "a", "1"), ("k-2", "b", "\u{202e}2")],
            ),
            mentor_json("m-9", "since", &[("n-1", "c", "\u{1b}]0;new\u{7}")]),
        ])),
    )
    .await;
    post(
        &server,
        MENTOR,
        ResponseTemplate::new(201).set_body_json(page(vec![])),
    )
    .await;
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        Vec::new(),
    );
    backup.mentor = vec![mentor("b-1", "erased", &[("old-1", "d", "4")])];
    backup.kept_mentor = vec!["k-1".into(), "k-2".into()];
    let (file, result) = restore(&server, dir.path(), &backup).await;
    assert_refused_as_memory_again(&server, &file, &result, StoreKind::Mentor, 1).await;
}

/// Expiry dates the server's answer does not carry (changed, or left out) are counted
/// across the memories written, and the report says so; one kept is not counted.
#[tokio::test]
async fn the_report_counts_the_expiry_dates_the_server_did_not_keep() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    empty_chat(&server).await;
    get(
        &server,
        MENTOR,
        ResponseTemplate::new(200).set_body_json(page(vec![])),
    )
    .await;
    post(
        &server,
        MENTOR,
        ResponseTemplate::new(201).set_body_json(page(vec![json!({"unique_id": "m-5",
            "category": "c", "entries": [
                {"unique_id": "e-a", "key": "a", "value": "1", "expires_at": "2030-01-01T00:00:00Z"},
                {"unique_id": "e-b", "key": "b", "value": "\u{202e}2", "expires_at": "2026-02-01T00:00:00Z"},
                {"unique_id": "e-c", "key": "c", "value": "\u{1b}[2J"}]})])),
    )
    .await;
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        Vec::new(),
    );
    backup.mentor = vec![
        serde_json::from_value(json!({"unique_id": "b-1", "category": "c", "entries": [
            {"unique_id": "o-a", "key": "a", "value": "1", "expires_at": "2030-01-01T00:00:00Z"},
            {"unique_id": "o-b", "key": "b", "value": "\u{202e}2", "expires_at": "2031-01-01T00:00:00Z"},
            {"unique_id": "o-c", "key": "c", "value": "\u{1b}[2J", "expires_at": "2032-01-01T00:00:00Z"}]}))
        .expect("a mentor memory"),
    ];
    let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
    let done = ops_for(&server, dir.path())
        .restore(&file, None)
        .await
        .expect("restored");
    assert_eq!(done.mentor_memories, 1);
    assert!(
        done.not_restored
            .iter()
            .any(|n| n == "expiry: 2 mentor entries lost their expires_at (the server sets it)"),
        "{:?}",
        done.not_restored
    );
}

/// The course row a stopped run may have sent unseen (the read shows one object) is taken
/// as written only when the server refuses it as a second memory for its catalog item: a
/// 500, or a 400 for another reason, stops the restore, and nothing is noted for that row.
#[tokio::test]
async fn a_failed_post_of_the_course_row_in_doubt_is_a_stop_not_a_row_found() {
    for refusal in [
        ResponseTemplate::new(500).set_body_string("\u{1b}]0;pwned\u{7}"),
        ResponseTemplate::new(400)
            .set_body_json(json!({"lessons": ["\u{202e}not a valid JSON value"]})),
    ] {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        get(
            &server,
            CHAT,
            ResponseTemplate::new(200).set_body_json(json!([])),
        )
        .await;
        get(
            &server,
            COURSE,
            ResponseTemplate::new(200).set_body_json(json!({"id": 77, "catalog_item": "left",
                "lessons": {"l": "\u{202e}x"}, "next_steps": null})),
        )
        .await;
        post(&server, COURSE, refusal).await;
        let mut backup = resumed(&server);
        backup.course = vec![
            serde_json::from_value(json!({"id": 55, "catalog_item": "cat-1",
                "lessons": {"l": "\u{1b}[2J"}, "next_steps": null}))
            .expect("a course memory"),
        ];
        backup.kept_course = vec!["77".into()];
        let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
        let result = ops_for(&server, dir.path()).restore(&file, None).await;
        assert!(
            matches!(
                result,
                Err(RestoreError::StorePartial {
                    store: StoreKind::Course,
                    ..
                })
            ),
            "{result:?}"
        );
        assert_eq!(posts(&server).await, 1);
        assert!(
            read_backup(&file)
                .expect("backup")
                .revived_course
                .is_empty()
        );
    }
}
