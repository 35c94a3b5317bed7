//! A forget (`ops/stores/forget.rs`) and the store sweep it is made of (`sweep.rs`) against
//! wiremock, seen from the server at each request: the one backup already holds every store
//! when the first DELETE arrives, a store whose backup stops working halts the forget so no
//! later store is touched, and a store that erases in the background is waited for.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use memory_console::api::{ApiClient, ClientSettings, OrgScope, RetryPolicy, UserRef};
use memory_console::ops::{Ops, StoreKind, StoreOutcome, Trail};
use memory_console::store::{AuditContext, AuditLog, read_backup};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "canary-key-7f20";
const CHAT: &str = "/api/ai-prompt/orgs/main/users/johndoe/all-chats-memory/";
const MENTOR: &str = "/api/ai-mentor/orgs/main/users/johndoe/memories/";
const COURSE: &str = "/api/ai-prompt/orgs/main/users/johndoe/memory/";

fn ops_for(server: &MockServer, dir: &Path) -> Ops {
    let mut settings = ClientSettings::new(server.uri(), SecretString::from(KEY));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(KEY));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups"))
}

fn user() -> UserRef {
    UserRef::by_name("johndoe")
}

/// Every backup file under `dir`, however deep.
fn backup_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(read) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in read.flatten() {
        let p = entry.path();
        if p.is_dir() {
            found.extend(backup_files(&p));
        } else if p.extension().is_some_and(|e| e == "json") {
            found.push(p);
        }
    }
    found
}

fn page(results: Vec<Value>) -> Value {
    json!({"count": results.len(), "next": null, "previous": null, "results": results})
}

fn chat_rows() -> Value {
    json!([
        {"id": 1, "username": "johndoe", "platform_key": "main",
            "content": "\u{1b}]0;pwned\u{7} one", "session_id": "s-1"},
        {"id": 2, "username": "johndoe", "platform_key": "main",
            "content": "two \u{202e}", "session_id": null},
    ])
}

fn mentor_rows() -> Vec<Value> {
    vec![
        json!({"unique_id": "m-1", "category": "c/1", "entries": [
            {"unique_id": "e-1", "key": "a", "value": "\u{1b}[2J"}]}),
        json!({"unique_id": "m-2", "category": "c 2", "entries": [
            {"unique_id": "e-2", "key": "b", "value": "\u{202e}b"}]}),
    ]
}

fn course_rows() -> Value {
    json!([
        {"id": 31, "catalog_item": "cat-1", "lessons": {"l": "\u{1b}[1m"}, "next_steps": null},
        {"id": 32, "catalog_item": "cat-2", "lessons": [], "next_steps": "n"},
    ])
}

/// What each backup file on disk holds: chat entries, mentor memories, course memories.
type Held = Vec<(usize, usize, usize)>;

/// Notes what the backup on disk holds (chat, mentor, course) when the first DELETE
/// arrives, and refuses every DELETE (400), so the forget erases nothing.
struct Snapshot {
    backups: PathBuf,
    first: Arc<Mutex<Option<Held>>>,
}

impl Respond for Snapshot {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut first = self.first.lock().expect("lock");
        if first.is_none() {
            let held = backup_files(&self.backups)
                .iter()
                .map(|p| {
                    let b = read_backup(p).expect("a backup readable at the DELETE");
                    (b.entries.len(), b.mentor.len(), b.course.len())
                })
                .collect();
            *first = Some(held);
        }
        ResponseTemplate::new(400).set_body_json(json!({"detail": "\u{1b}[31mnot today"}))
    }
}

/// The one backup of a forget holds every store before the first DELETE (chat's) goes out,
/// not only the store being erased: a forget stopped after that DELETE has every store in
/// its backup.
#[tokio::test]
async fn every_store_is_in_the_backup_when_the_first_delete_arrives() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat_rows()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(mentor_rows())))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(200).set_body_json(course_rows()))
        .mount(&server)
        .await;
    let first = Arc::new(Mutex::new(None));
    Mock::given(method("DELETE"))
        .respond_with(Snapshot {
            backups: dir.path().join("backups"),
            first: first.clone(),
        })
        .mount(&server)
        .await;
    let report = ops_for(&server, dir.path())
        .forget(&OrgScope::new("main"), &user(), &StoreKind::ALL)
        .await;
    assert!(!report.forgotten(), "every DELETE was refused: {report:?}");
    // Each store's failure names the item whose DELETE was refused.
    for (kind, item) in [
        (StoreKind::Mentor, "mentor memory \"m-1\""),
        (StoreKind::Course, "course memory \"31\""),
    ] {
        match report.outcome(kind) {
            Some(StoreOutcome::Failed { failure, erased: 0 }) => {
                assert!(failure.contains(item), "{failure}")
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    let seen = first.lock().expect("lock").clone();
    assert_eq!(
        seen,
        Some(vec![(2, 2, 2)]),
        "one backup file, with every store, at the first DELETE"
    );
}

/// The mentor store's reads: its two memories, then (after the first DELETE) a memory
/// gathered meanwhile, which the sweep must add to the backup before deleting it.
struct MentorReads {
    calls: AtomicUsize,
}

impl Respond for MentorReads {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let rows = if self.calls.fetch_add(1, Ordering::SeqCst) == 0 {
            mentor_rows()
        } else {
            vec![json!({"unique_id": "m-9", "category": "since", "entries": [
                {"unique_id": "e-9", "key": "new", "value": "\u{1b}]8;;x\u{7}"}]})]
        };
        ResponseTemplate::new(200).set_body_json(page(rows))
    }
}

/// At the first mentor DELETE the backup file is replaced by a folder, so every later
/// write of it fails (as on a disk gone read-only); the DELETE itself is accepted.
struct BreakBackup {
    backups: PathBuf,
}

impl Respond for BreakBackup {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        for file in backup_files(&self.backups) {
            std::fs::remove_file(&file).expect("remove");
            std::fs::create_dir(&file).expect("a folder in its place");
        }
        ResponseTemplate::new(204)
    }
}

/// When the backup cannot take what a store's sweep shows next, that store stops, and so
/// does the forget: course memory, after it, is "not attempted" and gets no DELETE (its
/// items would go with no working backup to add anything to).
#[tokio::test]
async fn a_backup_that_stops_working_in_one_store_halts_the_stores_after_it() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(MentorReads {
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(200).set_body_json(course_rows()))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex("^/api/ai-mentor/.*/memory/m-1/$"))
        .respond_with(BreakBackup {
            backups: dir.path().join("backups"),
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let report = ops_for(&server, dir.path())
        .forget(
            &OrgScope::new("main"),
            &user(),
            &[StoreKind::Mentor, StoreKind::Course],
        )
        .await;
    assert!(
        matches!(
            report.outcome(StoreKind::Mentor),
            Some(StoreOutcome::Failed { .. })
        ),
        "{report:?}"
    );
    match report.outcome(StoreKind::Course) {
        Some(StoreOutcome::Failed { failure, erased: 0 }) => {
            assert!(failure.starts_with("not attempted"), "{failure}")
        }
        other => panic!("course must not be attempted: {other:?}"),
    }
    let deletes: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .map(|r| r.url.path().to_owned())
        .collect();
    assert!(
        deletes.iter().all(|p| !p.starts_with(COURSE)),
        "no course DELETE: {deletes:?}"
    );
    assert!(!deletes.is_empty(), "mentor's first DELETE went out");
}

/// Course reads that still show both memories on the read right after their DELETEs (a
/// server that erases in the background), and none from the read after that.
struct ErasedLater {
    calls: AtomicUsize,
}

impl Respond for ErasedLater {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.calls.fetch_add(1, Ordering::SeqCst) < 2 {
            ResponseTemplate::new(200).set_body_json(course_rows())
        } else {
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."}))
        }
    }
}

/// A sweep whose re-read still shows what it deleted waits and reads again before calling
/// it "still there"; each memory gets one DELETE.
#[tokio::test]
async fn a_store_that_erases_in_the_background_is_waited_for() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ErasedLater {
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let erased = ops_for(&server, dir.path())
        .erase_course_all(&OrgScope::new("main"), &user())
        .await
        .expect("erased once the server caught up");
    assert_eq!(erased.items, 2, "{erased:?}");
    let requests = server.received_requests().await.expect("recorded");
    let count = |m: &str| requests.iter().filter(|r| r.method.as_str() == m).count();
    assert_eq!(count("DELETE"), 2, "one DELETE each");
    assert_eq!(count("GET"), 3, "read, still there, gone");
}

/// Answers a store's reads with each body in turn, then keeps giving the last.
struct InTurn {
    bodies: Vec<Value>,
    calls: AtomicUsize,
}

impl Respond for InTurn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.calls.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(&self.bodies[i.min(self.bodies.len() - 1)])
    }
}

/// A mentor memory that appears while the sweep runs (the re-read after the first DELETEs
/// shows it) is told apart from those already deleted: it is added to the backup and
/// deleted too, and the store then reads empty.
#[tokio::test]
async fn a_memory_that_appears_during_the_sweep_is_backed_up_and_deleted_too() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let since = json!({"unique_id": "m-9", "category": "since", "entries": [
        {"unique_id": "e-9", "key": "new", "value": "\u{1b}]8;;x\u{7}"}]});
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(InTurn {
            bodies: vec![page(mentor_rows()), page(vec![since]), page(vec![])],
            calls: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let report = ops_for(&server, dir.path())
        .forget(&OrgScope::new("main"), &user(), &[StoreKind::Mentor])
        .await;
    assert_eq!(
        report.outcome(StoreKind::Mentor),
        Some(&StoreOutcome::Erased { items: 3 }),
        "{report:?}"
    );
    let held = read_backup(&report.backup.expect("backup")).expect("backup");
    assert_eq!(held.mentor.len(), 3, "the one seen later is in the backup");
    let deletes = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .count();
    assert_eq!(deletes, 3);
}

/// A mentor memory without an id of its own goes entry by entry (`memory-entries/{id}/`);
/// when one of its entries has no id either, nothing of it is deleted (the entry would be
/// left behind unseen) and the store's failure says so.
#[tokio::test]
async fn a_mentor_memory_without_an_id_goes_entry_by_entry_or_not_at_all() {
    for (entries, deletes) in [
        (
            json!([{"unique_id": "e-1", "key": "a", "value": "\u{202e}1"},
                {"unique_id": "e-2", "key": "b", "value": "2"}]),
            vec!["e-1", "e-2"],
        ),
        (
            json!([{"unique_id": "e-1", "key": "a", "value": "1"},
                {"key": "b", "value": "\u{1b}[2J"}]),
            vec![],
        ),
    ] {
        let server = MockServer::start().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let memory = json!({"category": "c", "name": "shared name", "entries": entries});
        Mock::given(method("GET"))
            .and(path(MENTOR))
            .respond_with(InTurn {
                bodies: vec![page(vec![memory]), page(vec![])],
                calls: AtomicUsize::new(0),
            })
            .mount(&server)
            .await;
        Mock::given(method("DELETE"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        let report = ops_for(&server, dir.path())
            .forget(&OrgScope::new("main"), &user(), &[StoreKind::Mentor])
            .await;
        let sent: Vec<String> = server
            .received_requests()
            .await
            .expect("recorded")
            .iter()
            .filter(|r| r.method.as_str() == "DELETE")
            .map(|r| r.url.path().to_owned())
            .collect();
        let want: Vec<String> = deletes
            .iter()
            .map(|id| format!("/api/ai-mentor/orgs/main/users/johndoe/memory-entries/{id}/"))
            .collect();
        assert_eq!(sent, want);
        if deletes.is_empty() {
            match report.outcome(StoreKind::Mentor) {
                Some(StoreOutcome::Failed { failure, erased: 0 }) => {
                    assert!(failure.contains("no id"), "{failure}")
                }
                other => panic!("{other:?}"),
            }
        } else {
            assert_eq!(
                report.outcome(StoreKind::Mentor),
                Some(&StoreOutcome::Erased { items: 2 })
            );
        }
    }
}
