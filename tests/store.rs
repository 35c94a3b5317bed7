//! The local store end to end: private files, backups byte for byte, hostile names, the
//! audit log under concurrency, drafts, and restores against wiremock.

use std::fs;
use std::path::Path;

use memory_console::api::{ApiClient, ClientSettings, MemoryEntry, OrgScope, UserRef};
use memory_console::ops::{Ops, RestoreError, Trail};
use memory_console::store::{
    Action, AuditContext, AuditLog, AuditResult, Backup, DataDir, Draft, Outcome, Phase, Target,
    key_fingerprint, load_draft, read_backup, read_recent, save_draft, write_backup,
};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{body_json, method, path as url_path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY_KEY: &str = "canary-key-5d1e0b77";
const MEM: &str = "/api/ai-prompt/orgs/main/users/johndoe/all-chats-memory/";

fn entry(id: i64, content: Option<&str>) -> MemoryEntry {
    MemoryEntry {
        id,
        username: "johndoe".into(),
        platform_key: "main".into(),
        content: content.map(Into::into),
        session_id: Some(format!("session-{id}")),
    }
}

fn odd_entries() -> Vec<MemoryEntry> {
    vec![
        entry(1, Some("\u{1b}[31mred\u{1b}[0m and \u{1b}]0;title\u{7}")),
        entry(2, Some("line one\r\nline two\rcarriage\ttab")),
        entry(
            3,
            Some("e\u{301} \u{202e}rtl\u{202c} zw\u{200d}j \u{feff}bom 名前 ǅ"),
        ),
        entry(4, Some("emoji 👩‍👩‍👧 🏳️‍🌈 🇺🇳")),
        entry(5, Some(&"0123456789abcdef\u{e9}".repeat(100 * 1024 / 18))),
        entry(6, None),
        entry(7, Some("")),
    ]
}

fn backup(base_url: &str, username: &str, entries: Vec<MemoryEntry>) -> Backup {
    Backup::new(
        "test",
        base_url,
        &OrgScope::new("main"),
        &UserRef::by_name(username),
        entries,
    )
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p)
        .expect("the file was just written")
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[test]
fn every_file_is_private_and_every_directory_too() {
    let root = tempfile::tempdir().unwrap();
    let data = DataDir::new(root.path().join("data"));
    let b = write_backup(&data.backups(), &backup("https://x", "ann", odd_entries())).unwrap();
    let d = save_draft(
        &data.drafts(),
        &Draft::new("test", "main", "ann", None, "a", "b"),
    )
    .unwrap();
    let log = AuditLog::open(data.audit_log()).unwrap();
    let ctx = AuditContext::new("test", "https://x", &SecretString::from(CANARY_KEY));
    log.intent(&ctx, Action::Export, Target::default())
        .unwrap()
        .finish(Outcome::ok())
        .unwrap();
    for file in [&b, &d, &data.audit_log()] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    for dir in [
        data.root().to_path_buf(),
        data.backups(),
        data.backups().join("main"),
        data.drafts(),
        data.drafts().join("test"),
        data.drafts().join("test/main"),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
}

#[test]
fn a_backup_round_trips_entries_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let entries = odd_entries();
    assert!(entries[4].text().len() >= 100 * 1000);
    let path = write_backup(root.path(), &backup("https://x", "ann", entries.clone())).unwrap();
    let back = read_backup(&path).unwrap();
    assert_eq!(back.entries, entries);
    for (a, b) in back.entries.iter().zip(&entries) {
        assert_eq!(
            a.content.as_ref().map(|c| c.as_bytes()),
            b.content.as_ref().map(|c| c.as_bytes())
        );
    }
    assert_eq!(back.entries[5].content, None);
    assert_eq!(back.entries[6].content.as_deref(), Some(""));
    assert_eq!(back.restored_at, None);
}

#[test]
fn hostile_usernames_and_orgs_stay_inside_the_backups_dir() {
    let root = tempfile::tempdir().unwrap();
    let backups = root.path().join("backups");
    for name in [
        "../../etc/x",
        "..",
        ".",
        "/etc/passwd",
        "..\\..\\win",
        "a\u{1b}[2Jb",
        "new\nline",
        "tab\there",
        "nul\0byte",
        &"x".repeat(1000),
    ] {
        let mut b = backup("https://x", name, vec![entry(1, Some("t"))]);
        b.org = name.into();
        let path = write_backup(&backups, &b).unwrap();
        assert_eq!(
            path.parent().unwrap().parent().unwrap(),
            backups,
            "{name:?}"
        );
        let file = path.file_name().unwrap().to_str().unwrap();
        assert!(!file.starts_with('.'), "{name:?} -> {file}");
        assert!(
            file.bytes().all(|c| c.is_ascii_graphic()),
            "{name:?} -> {file}"
        );
        assert!(file.len() < 200, "{name:?} -> {file}");
        assert_eq!(read_backup(&path).unwrap().username, name);
    }
    let mut nameless = backup("https://x", "", vec![entry(1, Some("t"))]);
    assert!(write_backup(&backups, &nameless).is_err());
    nameless.username = "ann".into();
    nameless.org = String::new();
    assert!(write_backup(&backups, &nameless).is_err());
    // Nothing was written anywhere but under backups/.
    let top: Vec<_> = fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(top, vec!["backups"]);
}

#[test]
fn two_backups_in_the_same_second_get_distinct_files() {
    let root = tempfile::tempdir().unwrap();
    let b = backup("https://x", "ann", vec![entry(1, Some("first"))]);
    let mut b2 = b.clone();
    b2.entries[0].content = Some("second".into());
    let p1 = write_backup(root.path(), &b).unwrap();
    let p2 = write_backup(root.path(), &b2).unwrap();
    let p3 = write_backup(root.path(), &b).unwrap();
    assert_ne!(p1, p2);
    assert_ne!(p2, p3);
    assert_eq!(read_backup(&p1).unwrap().entries[0].text(), "first");
    assert_eq!(read_backup(&p2).unwrap().entries[0].text(), "second");
    assert!(
        p2.to_string_lossy().ends_with("Z-2.json"),
        "{}",
        p2.display()
    );
}

/// The bulk jobs' path (found by cargo-mutants: nothing outside `cli_bulk` wrote a deferred
/// backup). Written, grown and rewritten, each file reads back whole and private once the
/// barrier is waited on, and a second backup in the same second never replaces the first.
#[tokio::test]
async fn deferred_backups_read_back_grow_and_never_replace() {
    use memory_console::store::{
        SyncBarrier, rewrite_backup, rewrite_backup_deferred, write_backup_deferred,
    };
    let root = tempfile::tempdir().unwrap();
    let backups = root.path().join("backups");
    let barrier = SyncBarrier::new(&backups);
    let first = backup("https://x", "ann", vec![entry(1, Some("first"))]);
    let mut other = first.clone();
    other.entries[0].content = Some("\u{1b}]0;other\u{7}\u{202e}".into());
    let p1 = write_backup_deferred(&backups, &first).unwrap();
    let p2 = write_backup_deferred(&backups, &other).unwrap();
    barrier.wait().await.unwrap();
    assert_ne!(p1, p2, "the same second gets the next free name");
    assert!(p1.starts_with(backups.join("main")), "{}", p1.display());
    assert_eq!(read_backup(&p1).unwrap(), first);
    assert_eq!(read_backup(&p2).unwrap(), other);
    assert_eq!(mode(&p1), 0o600);

    let mut grown = first.clone();
    grown.entries.extend(odd_entries());
    rewrite_backup_deferred(&p1, &grown).unwrap();
    barrier.wait().await.unwrap();
    assert_eq!(read_backup(&p1).unwrap(), grown);
    assert_eq!(mode(&p1), 0o600);
    grown.kept_ids = vec![7, 9];
    rewrite_backup(&p1, &grown).unwrap();
    assert_eq!(read_backup(&p1).unwrap().kept_ids, [7, 9]);

    // A backup that could not be restored is refused on the way in, the file kept as it was.
    let mut nameless = grown.clone();
    nameless.username = String::new();
    assert!(rewrite_backup_deferred(&p1, &nameless).is_err());
    assert!(rewrite_backup(&p1, &nameless).is_err());
    assert!(write_backup_deferred(&backups, &nameless).is_err());
    assert_eq!(read_backup(&p1).unwrap(), grown);
    // Only the two backups: no temp file is left beside them.
    let left: Vec<_> = fs::read_dir(backups.join("main")).unwrap().collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_give_whole_lines_and_never_the_key() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("audit.jsonl");
    let log = AuditLog::open(&path).unwrap();
    let key = SecretString::from(CANARY_KEY);
    let ctx = AuditContext::new("test", "https://x", &key);
    assert!(!format!("{ctx:?} {log:?}").contains(CANARY_KEY));
    let mut tasks = Vec::new();
    for t in 0..64 {
        let (log, ctx) = (log.clone(), ctx.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..50 {
                let target = Target::user(&OrgScope::new("main"), &UserRef::by_name("ann"))
                    .entry(t * 1000 + i);
                let pending = log.intent(&ctx, Action::EntryUpdate, target).unwrap();
                tokio::task::yield_now().await;
                pending.finish(Outcome::ok().status(200)).unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains(CANARY_KEY));
    let fingerprint = key_fingerprint(&key);
    assert_eq!(fingerprint.len(), 12);
    let lines: Vec<&str> = text.lines().collect();
    // 50 actions per task, each an intent line and an outcome line.
    assert_eq!(lines.len(), 6400);
    let mut intents = std::collections::HashMap::new();
    for line in &lines {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["key_fingerprint"], fingerprint.as_str());
        let id = v["id"].as_str().unwrap().to_owned();
        *intents.entry(id).or_insert(0) += 1;
    }
    assert_eq!(intents.len(), 64 * 50);
    assert!(intents.values().all(|&n| n == 2));
    let recent = read_recent(&path, 6400).unwrap();
    assert_eq!(recent.len(), 6400);
    for r in &recent {
        match r.phase {
            Phase::Intent => assert_eq!(r.result, None),
            Phase::Outcome => assert_eq!(r.result, Some(AuditResult::Ok)),
        }
    }
}

/// The rule the console follows: no request without an intent line. So an audit log that
/// cannot be written must surface as an error before any request.
#[test]
fn an_unwritable_audit_log_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    let blocker = root.path().join("not-a-dir");
    fs::write(&blocker, "").unwrap();
    let err = AuditLog::open(blocker.join("audit.jsonl")).unwrap_err();
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_failing_intent_write_is_an_error() {
    // /dev/full opens fine and fails every write, like a full disk.
    let log = AuditLog::open("/dev/full").unwrap();
    let ctx = AuditContext::new("test", "https://x", &SecretString::from(CANARY_KEY));
    let err = log
        .intent(&ctx, Action::Erase, Target::default())
        .unwrap_err();
    assert!(err.to_string().contains("/dev/full"), "{err}");
}

#[test]
fn a_draft_keeps_the_text_it_started_from() {
    let root = tempfile::tempdir().unwrap();
    let d = Draft::new("test", "main", "../ann", Some(4), "before\r\n", "after 👩‍👩‍👧");
    let path = save_draft(root.path(), &d).unwrap();
    assert!(path.starts_with(root.path().join("test/main")));
    let back = load_draft(root.path(), "test", "main", "../ann")
        .unwrap()
        .unwrap();
    assert_eq!(back.original, "before\r\n");
    assert_eq!(back.text, "after 👩‍👩‍👧");
    assert!(back.conflicts_with("someone else's text"));
}

// --- restore against wiremock ---

fn client(server: &MockServer) -> ApiClient {
    ApiClient::new(&ClientSettings::new(
        server.uri(),
        SecretString::from(CANARY_KEY),
    ))
    .expect("test settings are valid")
}

/// The operations layer over `client(server)`, auditing into a log beside the backup.
fn ops(server: &MockServer, backup: &Path) -> Ops {
    let dir = backup.parent().unwrap_or(backup);
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log opens");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(CANARY_KEY));
    Ops::new(
        client(server),
        Trail::new(log, ctx),
        "test",
        dir.join("backups"),
    )
}

fn server_entry(id: i64, content: &str, session: &str) -> serde_json::Value {
    json!({"id": id, "username": "johndoe", "platform_key": "main", "content": content,
           "session_id": session})
}

#[tokio::test]
async fn restore_posts_the_backup_content_when_the_user_has_none() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let entries = vec![
        entry(1, Some("\u{1b}[1mbold\r\nline")),
        entry(2, None),
        entry(3, Some("🧠 memory")),
    ];
    let path = write_backup(root.path(), &backup(&server.uri(), "johndoe", entries)).unwrap();
    Mock::given(method("GET"))
        .and(url_path(MEM))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .expect(1)
        .mount(&server)
        .await;
    for (id, content) in [(1, "\u{1b}[1mbold\r\nline"), (3, "🧠 memory")] {
        let session = format!("session-{id}");
        Mock::given(method("POST"))
            .and(url_path(MEM))
            .and(body_json(
                json!({"username": "johndoe", "platform_key": "main",
                                  "content": content, "session_id": session}),
            ))
            .respond_with(ResponseTemplate::new(201).set_body_json(server_entry(
                id + 10,
                content,
                &session,
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let report = ops(&server, &path).restore(&path, None).await.unwrap();
    assert_eq!(report.created.len(), 2);
    assert_eq!(report.skipped_null, vec![2]);
    assert!(report.restored_at.is_some());
    assert_eq!(read_backup(&path).unwrap().restored_at, report.restored_at);

    assert!(!path.with_extension("json.restoring").exists());

    let again = ops(&server, &path).restore(&path, None).await.unwrap_err();
    assert!(
        matches!(again, RestoreError::AlreadyRestored { .. }),
        "{again}"
    );
    assert!(again.to_string().contains("already restored at"), "{again}");
    // The expectations (one GET, one POST per entry) are checked when the server drops.
}

#[tokio::test]
async fn restore_refuses_when_the_user_has_memory_again() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let path = write_backup(
        root.path(),
        &backup(&server.uri(), "johndoe", vec![entry(1, Some("old"))]),
    )
    .unwrap();
    Mock::given(method("GET"))
        .and(url_path(MEM))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([server_entry(9, "new", "s")])),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let err = ops(&server, &path).restore(&path, None).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("user johndoe has memory again; erase or edit it instead"),
        "{err}"
    );
    assert!(matches!(err, RestoreError::HasMemory { entries: 1, .. }));
    assert_eq!(read_backup(&path).unwrap().restored_at, None);
}

#[tokio::test]
async fn a_malformed_backup_sends_nothing() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("bad.json");
    fs::write(
        &bad,
        r#"{"format": "memory-console-erase-backup", "version": 1, "entries": 3"#,
    )
    .unwrap();
    let foreign = root.path().join("foreign.json");
    fs::write(&foreign, r#"{"hello": "world"}"#).unwrap();
    for (p, want) in [
        (&bad, "bad.json"),
        (&foreign, "not a memory-console erase backup"),
    ] {
        let err = ops(&server, p).restore(p, None).await.unwrap_err();
        assert!(matches!(err, RestoreError::Backup(_)), "{err}");
        assert!(err.to_string().contains(want), "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_backup_from_another_server_is_refused() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let path = write_backup(
        root.path(),
        &backup(
            "https://elsewhere.example",
            "johndoe",
            vec![entry(1, Some("x"))],
        ),
    )
    .unwrap();
    let err = ops(&server, &path).restore(&path, None).await.unwrap_err();
    assert!(matches!(err, RestoreError::OtherServer { .. }), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn restore_can_target_another_org() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let path = write_backup(
        root.path(),
        &backup(&server.uri(), "johndoe", vec![entry(1, Some("x"))]),
    )
    .unwrap();
    let other = "/api/ai-prompt/orgs/other/users/johndoe/all-chats-memory/";
    Mock::given(method("GET"))
        .and(url_path(other))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(url_path(other))
        .and(body_json(
            json!({"username": "johndoe", "platform_key": "other-pk",
                              "content": "x", "session_id": "session-1"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(server_entry(5, "x", "session-1")))
        .expect(1)
        .mount(&server)
        .await;
    let scope = OrgScope {
        key: "other".into(),
        platform_key: "other-pk".into(),
    };
    let report = ops(&server, &path)
        .restore(&path, Some(scope.clone()))
        .await
        .unwrap();
    assert_eq!(report.org, scope);
}

#[tokio::test]
async fn a_restore_in_progress_blocks_a_second_one() {
    let server = MockServer::start().await;
    let root = tempfile::tempdir().unwrap();
    let path = write_backup(
        root.path(),
        &backup(&server.uri(), "johndoe", vec![entry(1, Some("x"))]),
    )
    .unwrap();
    let lock = path.with_extension("json.restoring");
    fs::write(&lock, "12345\n").unwrap();
    let err = ops(&server, &path).restore(&path, None).await.unwrap_err();
    assert!(matches!(err, RestoreError::InProgress { .. }), "{err}");
    assert!(err.to_string().contains(".restoring"), "{err}");
    assert!(lock.exists(), "someone else's lock stays");
    assert!(server.received_requests().await.unwrap().is_empty());
}
