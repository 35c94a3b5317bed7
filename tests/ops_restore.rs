//! What a restore's result tells its callers: whether a stopped restore wrote anything
//! (the console then says "stopped partway" and offers only the rest for undo, instead of
//! "refused" with nothing to re-read), which failures are the server's (they set the CLI's
//! exit code), the one-line summary of what was written back, and the audit outcome line
//! of each store when a restore stops in chat memory.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use memory_console::api::{
    ApiClient, ApiError, ClientSettings, CourseMemory, MemoryEntry, OrgScope, UserRef,
};
use memory_console::commands::{CmdError, Exit};
use memory_console::ops::{Ops, RestoreError, RestoreReport, StoreKind, Trail};
use memory_console::store::{
    Action, AuditContext, AuditLog, AuditResult, Backup, Phase, StoreError, read_backup,
    read_recent, write_backup,
};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "canary-key-0e9a";
const CHAT: &str = "/api/ai-prompt/orgs/main/users/johndoe/all-chats-memory/";
const MENTOR: &str = "/api/ai-mentor/orgs/main/users/johndoe/memories/";
const COURSE: &str = "/api/ai-prompt/orgs/main/users/johndoe/memory/";

fn entry(id: i64) -> MemoryEntry {
    MemoryEntry {
        id,
        username: "johndoe".into(),
        platform_key: "main".into(),
        content: Some(format!("\u{1b}]0;pwned\u{7} entry {id} \u{202e}")),
        session_id: None,
    }
}

fn course(id: &str) -> CourseMemory {
    serde_json::from_value(serde_json::json!({"id": id, "memory": {"k": "\u{1b}[2J"}}))
        .expect("a course memory")
}

/// `base` with `chat` chat entries written, `mentor` mentor memories of one entry each and
/// `course` course memories. Built from a report a real restore gave, so it holds whatever
/// else a report carries (none of it changes what is checked here).
fn report(base: &RestoreReport, chat: usize, mentor: usize, course_n: usize) -> RestoreReport {
    let mut r = base.clone();
    r.created = (0..chat as i64).map(entry).collect();
    r.skipped_null = Vec::new();
    r.mentor_memories = mentor;
    r.mentor_entries = mentor;
    r.course_created = (0..course_n).map(|i| course(&i.to_string())).collect();
    r.not_restored = Vec::new();
    r
}

/// The report of a restore of one chat entry for johndoe, the user has no memory.
async fn base_report() -> RestoreReport {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(201).set_body_json(chat_row(900, "x", None)))
        .mount(&server)
        .await;
    let backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        vec![entry(1)],
    );
    let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
    ops_for(&server, dir.path())
        .restore(&file, None)
        .await
        .expect("restored")
}

fn server_error() -> ApiError {
    ApiError::Server {
        status: 500,
        excerpt: "\u{1b}[31mboom".into(),
    }
}

fn not_found() -> ApiError {
    ApiError::NotFound { detail: None }
}

fn disk_full() -> StoreError {
    StoreError::Io {
        op: "write",
        path: PathBuf::from("/backups/b.json"),
        source: std::io::Error::other("no space left on device"),
    }
}

fn partial(created: usize) -> RestoreError {
    RestoreError::Partial {
        user: "johndoe".into(),
        created,
        total: 3,
        written: (0..created as i64).map(entry).collect(),
        source: server_error(),
    }
}

fn progress(created: usize) -> RestoreError {
    RestoreError::Progress {
        user: "johndoe".into(),
        created,
        written: (0..created as i64).map(entry).collect(),
        source: disk_full(),
    }
}

fn store_partial(r: RestoreReport) -> RestoreError {
    RestoreError::StorePartial {
        user: "johndoe".into(),
        store: StoreKind::Mentor,
        report: Box::new(r),
        source: server_error(),
    }
}

fn store_unsure(r: RestoreReport) -> RestoreError {
    RestoreError::StoreUnsure {
        user: "johndoe".into(),
        store: StoreKind::Course,
        report: Box::new(r),
        why: "cannot tell".into(),
    }
}

/// Failures that stop before the first request.
fn refusals() -> Vec<RestoreError> {
    vec![
        RestoreError::Audit(disk_full()),
        RestoreError::Backup(disk_full()),
        RestoreError::AlreadyRestored {
            path: PathBuf::from("/b.json"),
            at: "2026-01-01T00:00:00Z".into(),
        },
        RestoreError::HasMemory {
            user: "johndoe".into(),
            entries: 2,
        },
        RestoreError::HasStoreMemory {
            user: "johndoe".into(),
            store: StoreKind::Mentor,
            items: 2,
        },
        RestoreError::NothingToRestore {
            path: PathBuf::from("/b.json"),
        },
        RestoreError::Check {
            user: "johndoe".into(),
            source: not_found(),
        },
        RestoreError::StoreCheck {
            user: "johndoe".into(),
            store: StoreKind::Course,
            source: not_found(),
        },
    ]
}

#[tokio::test]
async fn a_stopped_restore_wrote_something_exactly_when_a_write_was_answered() {
    let base = base_report().await;
    for e in refusals() {
        assert!(!e.wrote_something(), "{e}");
    }
    for e in [partial(0), progress(0)] {
        assert!(!e.wrote_something(), "nothing was written yet: {e}");
    }
    for e in [partial(1), partial(2), progress(1)] {
        assert!(e.wrote_something(), "{e}");
    }
    // A store that stopped: written is what the report holds, in any store.
    for wrap in [store_partial, store_unsure] {
        assert!(!wrap(report(&base, 0, 0, 0)).wrote_something());
        for r in [
            report(&base, 1, 0, 0),
            report(&base, 0, 1, 0),
            report(&base, 0, 0, 1),
        ] {
            let e = wrap(r.clone());
            assert!(e.wrote_something(), "{e}: {r:?}");
        }
    }
    // Written, only not noted (or not marked): always something.
    let noted = RestoreError::StoreProgress {
        user: "johndoe".into(),
        store: StoreKind::Mentor,
        report: Box::new(report(&base, 0, 0, 0)),
        source: disk_full(),
    };
    assert!(noted.wrote_something());
    let marked = RestoreError::Mark {
        report: Box::new(report(&base, 0, 0, 0)),
        source: disk_full(),
    };
    assert!(marked.wrote_something());
}

#[tokio::test]
async fn only_the_servers_errors_set_the_exit_code() {
    let base = base_report().await;
    let from_server = [
        RestoreError::Check {
            user: "johndoe".into(),
            source: not_found(),
        },
        RestoreError::StoreCheck {
            user: "johndoe".into(),
            store: StoreKind::Mentor,
            source: not_found(),
        },
        RestoreError::Partial {
            user: "johndoe".into(),
            created: 1,
            total: 3,
            written: vec![entry(1)],
            source: not_found(),
        },
        RestoreError::StorePartial {
            user: "johndoe".into(),
            store: StoreKind::Course,
            report: Box::new(report(&base, 1, 0, 0)),
            source: not_found(),
        },
    ];
    for e in &from_server {
        assert!(
            matches!(e.api(), Some(ApiError::NotFound { .. })),
            "{e}: {:?}",
            e.api()
        );
        assert_eq!(CmdError::op("restore", e).exit, Exit::NotFound, "{e}");
    }
    let local = [
        RestoreError::Audit(disk_full()),
        RestoreError::HasMemory {
            user: "johndoe".into(),
            entries: 1,
        },
        progress(1),
        store_unsure(report(&base, 1, 0, 0)),
    ];
    for e in &local {
        assert!(e.api().is_none(), "{e}");
        assert_eq!(CmdError::op("restore", e).exit, Exit::Other, "{e}");
    }
}

#[tokio::test]
async fn the_summary_names_every_store_written_with_its_count() {
    let base = base_report().await;
    let cases = [
        (report(&base, 3, 0, 0), "restored 3 entries for johndoe"),
        (report(&base, 1, 0, 0), "restored 1 entry for johndoe"),
        (report(&base, 0, 0, 0), "restored 0 entries for johndoe"),
        (
            report(&base, 2, 1, 0),
            "restored 2 entries of chat memory and 1 mentor memory (1 entry) for johndoe",
        ),
        (
            report(&base, 1, 2, 3),
            "restored 1 entry of chat memory, 2 mentor memories (2 entries) and 3 course memories for johndoe",
        ),
        (
            report(&base, 0, 0, 1),
            "restored 1 course memory for johndoe",
        ),
        (
            report(&base, 0, 3, 2),
            "restored 3 mentor memories (3 entries) and 2 course memories for johndoe",
        ),
    ];
    for (r, want) in cases {
        assert_eq!(r.summary(), want, "{r:?}");
    }
}

/// Answers with each response in turn, then keeps giving the last.
struct InTurn {
    answers: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for InTurn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.next.fetch_add(1, Ordering::SeqCst);
        self.answers[i.min(self.answers.len() - 1)].clone()
    }
}

fn ops_for(server: &MockServer, dir: &Path) -> Ops {
    let client = ApiClient::new(&ClientSettings::new(server.uri(), SecretString::from(KEY)))
        .expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(KEY));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups"))
}

/// A restore that stops in chat memory (the first store) wrote no other store: the audit
/// says chat failed and mentor and course memory were not attempted, not that they failed.
#[tokio::test]
async fn a_restore_stopped_in_chat_audits_the_later_stores_as_not_attempted() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"count": 0, "next": null, "previous": null, "results": []})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    let written = json!({"id": 901, "username": "johndoe", "platform_key": "main",
        "content": "x", "session_id": null});
    Mock::given(method("POST"))
        .and(path(CHAT))
        .respond_with(InTurn {
            answers: vec![
                ResponseTemplate::new(201).set_body_json(written),
                ResponseTemplate::new(500).set_body_string("\u{1b}]0;pwned\u{7}"),
            ],
            next: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        vec![entry(1), entry(2), entry(3)],
    );
    backup.mentor = vec![
        serde_json::from_value(json!({"unique_id": "m-1", "name": "n", "category": "c",
            "entries": [{"unique_id": "e-1", "key": "k", "value": "\u{202e}v"}]}))
        .expect("a mentor memory"),
    ];
    backup.course = vec![course("7")];
    let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");

    let e = ops_for(&server, dir.path())
        .restore(&file, None)
        .await
        .expect_err("the 500 stops it");
    assert!(matches!(e, RestoreError::Partial { created: 1, .. }), "{e}");
    assert!(e.wrote_something());
    assert_eq!(read_backup(&file).expect("backup").restored_at, None);
    let outcomes: Vec<_> = read_recent(&dir.path().join("audit.jsonl"), 100)
        .expect("audit")
        .into_iter()
        .filter(|r| r.action == Action::Restore && r.phase == Phase::Outcome)
        .map(|r| (r.store.unwrap_or_default(), r.result, r.http_status))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("chat".to_owned(), Some(AuditResult::Failed), Some(500)),
            ("mentor".to_owned(), Some(AuditResult::Refused), None),
            ("course".to_owned(), Some(AuditResult::Refused), None),
        ]
    );
}

/// A backup of one store beside chat is audited as that store alone: no chat line for a
/// chat memory it does not hold (the lines are written before the check refuses it).
#[tokio::test]
async fn a_backup_without_chat_entries_is_audited_only_for_its_own_store() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    // Each store holds memory gathered since, so each restore is refused after its intent.
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 1, "next": null, "previous": null,
            "results": [{"unique_id": "new", "name": "\u{1b}[2Jnew", "category": "c",
                "entries": [{"unique_id": "new-e", "key": "k", "value": "v"}]}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 99}])))
        .mount(&server)
        .await;
    let ops = ops_for(&server, dir.path());
    let [mentor_only, course_only] = store_only_backups(&server);
    for (backup, store) in [(mentor_only, "mentor"), (course_only, "course")] {
        let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
        let e = ops.restore(&file, None).await.expect_err("memory again");
        assert!(matches!(e, RestoreError::HasStoreMemory { .. }), "{e}");
        let lines: Vec<_> = read_recent(&dir.path().join("audit.jsonl"), 100)
            .expect("audit")
            .into_iter()
            .filter(|r| r.backup_path.as_deref() == Some(file.as_path()))
            .map(|r| (r.phase, r.store.unwrap_or_default(), r.result))
            .collect();
        assert_eq!(
            lines,
            [
                (Phase::Intent, store.to_owned(), None),
                (Phase::Outcome, store.to_owned(), Some(AuditResult::Refused)),
            ]
        );
    }
    let requests = server.received_requests().await.expect("recorded");
    assert!(requests.iter().all(|r| r.method.as_str() == "GET"));
}

/// A restore of mentor or course memory alone notes in the backup that it started before
/// its first POST: a run stopped during that POST is then resumed as one, and what the
/// server may have written is looked for before anything is sent again.
#[tokio::test]
async fn a_restore_of_other_stores_alone_notes_its_start_before_the_first_post() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(MENTOR))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"count": 0, "next": null, "previous": null, "results": []})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    // Every write fails: the stop comes at the first POST of the store.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("\u{1b}]0;pwned\u{7}"))
        .mount(&server)
        .await;
    let ops = ops_for(&server, dir.path());
    let [mentor_only, course_only] = store_only_backups(&server);
    for backup in [mentor_only, course_only] {
        let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
        let e = ops
            .restore(&file, None)
            .await
            .expect_err("the 500 stops it");
        assert!(
            matches!(
                e,
                RestoreError::StorePartial { .. } | RestoreError::StoreUnsure { .. }
            ),
            "{e}"
        );
        let noted = read_backup(&file).expect("backup");
        assert!(noted.restore_started_at.is_some(), "{e}");
        assert_eq!(noted.restored_at, None);
    }
    let posts = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 2, "one POST each, then it stopped");
}

fn chat_row(id: i64, content: &str, session: Option<&str>) -> serde_json::Value {
    json!({"id": id, "username": "johndoe", "platform_key": "main", "content": content,
        "session_id": session})
}

/// Entries with no content cannot be written back; the report says how many, and says
/// nothing of the kind when there were none.
#[tokio::test]
async fn a_restore_names_the_entries_it_could_not_write_back_and_only_those() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(201).set_body_json(chat_row(900, "\u{1b}[1mx", None)))
        .mount(&server)
        .await;
    let ops = ops_for(&server, dir.path());
    let backup = |entries: Vec<MemoryEntry>| {
        Backup::new(
            "test",
            &server.uri(),
            &OrgScope::new("main"),
            &UserRef::by_name("johndoe"),
            entries,
        )
    };
    let mut null = entry(2);
    null.content = None;
    let with_null = backup(vec![entry(1), null.clone(), entry(3)]);
    let file = write_backup(&dir.path().join("backups"), &with_null).expect("backup");
    let report = ops.restore(&file, None).await.expect("restored");
    assert_eq!(report.created.len(), 2);
    assert_eq!(report.skipped_null, [2]);
    assert_eq!(
        report.not_restored,
        ["chat: 1 entry had no content (null) to write back"]
    );
    let whole = backup(vec![entry(4), entry(5)]);
    let file = write_backup(&dir.path().join("backups"), &whole).expect("backup");
    let report = ops.restore(&file, None).await.expect("restored");
    assert_eq!(report.created.len(), 2);
    assert!(report.not_restored.is_empty(), "{:?}", report.not_restored);
}

/// On resuming, only an entry with both the text and the session of a row not yet noted is
/// taken as one the stopped run wrote. One that shares only its session (new memory in the
/// same chat) or only its text (the same words in another chat) is memory gathered since:
/// the restore is refused and nothing is sent.
#[tokio::test]
async fn a_resumed_restore_adopts_no_entry_that_matches_a_row_only_in_part() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rows = vec![entry(1), entry(2)];
    rows[0].session_id = Some("s-1".into());
    rows[1].session_id = Some("s-2".into());
    let text = rows[1].content.clone().unwrap_or_default();
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            chat_row(700, "said since, in the same chat", Some("s-1")),
            chat_row(701, &text, Some("another chat")),
        ])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(chat_row(900, "x", None)))
        .expect(0)
        .mount(&server)
        .await;
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &OrgScope::new("main"),
        &UserRef::by_name("johndoe"),
        rows,
    );
    backup.restore_started_at = Some(time::OffsetDateTime::now_utc());
    let file = write_backup(&dir.path().join("backups"), &backup).expect("backup");
    let e = ops_for(&server, dir.path())
        .restore(&file, None)
        .await
        .expect_err("memory gathered since");
    assert!(
        matches!(e, RestoreError::HasMemory { entries: 2, .. }),
        "{e}"
    );
    assert!(read_backup(&file).expect("backup").restored_rows.is_empty());
}

/// Two backups of johndoe beside chat memory: one mentor memory (its value holding a bidi
/// override), and two course memories.
fn store_only_backups(server: &MockServer) -> [Backup; 2] {
    let empty = || {
        Backup::new(
            "test",
            &server.uri(),
            &OrgScope::new("main"),
            &UserRef::by_name("johndoe"),
            Vec::new(),
        )
    };
    let mut mentor_only = empty();
    mentor_only.mentor = vec![
        serde_json::from_value(json!({"unique_id": "m-1", "category": "c",
            "entries": [{"unique_id": "e-1", "key": "k", "value": "\u{202e}v"}]}))
        .expect("a mentor memory"),
    ];
    let mut course_only = empty();
    course_only.course = vec![course("7"), course("8")];
    [mentor_only, course_only]
}
