//! The operations layer's erase against the mock (object and list shaped reads) and
//! against servers that misbehave: every entry deleted is in a backup on disk first, and
//! "erased" is said only once a read shows the memory gone.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use memory_console::api::{ApiClient, ApiError, ClientSettings, OrgScope, UserRef};
use memory_console::mock::{MemoryShape, MockConfig};
use memory_console::ops::{EraseFailure, Ops, Trail, VerifyPolicy};
use memory_console::store::{Action, AuditContext, AuditLog, read_backup, read_recent};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "ops-test-key";
const MEM: &str = "/api/ai-prompt/orgs/main/users/mia/all-chats-memory/";

fn fast() -> VerifyPolicy {
    VerifyPolicy {
        tries: 2,
        first_pause: Duration::from_millis(5),
        ..VerifyPolicy::default()
    }
}

fn ops_for(base_url: &str, key: &str, dir: &Path) -> Ops {
    let client = ApiClient::new(&ClientSettings::new(
        base_url.to_owned(),
        SecretString::from(key.to_owned()),
    ))
    .expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", base_url, &SecretString::from(key.to_owned()));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups")).with_verify(fast())
}

fn main_org() -> OrgScope {
    OrgScope::new("main")
}

fn row(id: i64, content: &str) -> Value {
    json!({"id": id, "username": "mia", "platform_key": "main", "content": content,
           "session_id": format!("s-{id}")})
}

/// The mock's three-entry user, erased with the published (object) read and with a list.
async fn erase_multi_mia(shape: MemoryShape) {
    let mock = common::start(MockConfig::default().with_memory_shape(shape)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    let state = mock.server.state().clone();
    let before = state.memory("main", "multi.mia").expect("seeded user");
    assert_eq!(before.len(), 3, "the fixture has three entries");
    let user = UserRef::by_name("multi.mia");

    let erased = ops
        .erase_all(&main_org(), &user, Action::Erase)
        .await
        .expect("erase succeeds");
    assert_eq!(erased.entries, 3);
    assert!(!erased.nothing_there(), "three entries were erased");
    assert_eq!(
        state.memory("main", "multi.mia").map(|m| m.len()),
        Some(0),
        "the server has nothing left"
    );
    let backup = read_backup(erased.backup.as_deref().expect("a backup")).expect("readable");
    let mut backed: Vec<_> = backup.entries.iter().map(|e| e.text().to_owned()).collect();
    let mut original: Vec<_> = before.iter().map(mock_text).collect();
    backed.sort();
    original.sort();
    assert_eq!(backed, original, "every deleted byte is in the backup");
    assert_eq!(
        state.count(Method::DELETE),
        3,
        "one DELETE per entry, by its own id; no collection DELETE"
    );

    // One intent and one outcome line per DELETE, each naming its entry.
    let records = read_recent(&dir.path().join("audit.jsonl"), 100).expect("audit");
    let mut ids: Vec<i64> = records.iter().filter_map(|r| r.entry_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{records:?}");
    assert_eq!(records.len(), 6);

    let report = ops
        .restore(erased.backup.as_deref().expect("backup"), None)
        .await
        .expect("restore");
    assert_eq!(report.created.len(), 3);
    assert_eq!(report.summary(), "restored 3 entries for multi.mia");
    let mut after: Vec<_> = state
        .memory("main", "multi.mia")
        .expect("user")
        .iter()
        .map(mock_text)
        .collect();
    after.sort();
    assert_eq!(after, original, "restore brings back every entry");
}

#[tokio::test]
async fn object_shaped_reads_are_drained_entry_by_entry() {
    erase_multi_mia(MemoryShape::Object).await;
}

#[tokio::test]
async fn list_shaped_reads_back_up_all_then_delete() {
    erase_multi_mia(MemoryShape::List).await;
}

#[tokio::test]
async fn a_user_with_no_memory_has_nothing_erased_and_no_backup() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let erased = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect("nothing to do is fine");
    assert!(erased.nothing_there());
    assert_eq!(erased.backup, None);
}

/// GETs answer the given bodies in turn (the last one for ever after).
struct Reads(Vec<ResponseTemplate>, Arc<AtomicI64>);

impl Respond for Reads {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.1.fetch_add(1, Ordering::SeqCst) as usize;
        self.0[i.min(self.0.len() - 1)].clone()
    }
}

fn reads(bodies: Vec<ResponseTemplate>) -> Reads {
    Reads(bodies, Arc::new(AtomicI64::new(0)))
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn an_entry_that_stays_after_its_delete_stops_the_erase() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(row(1, "kept by the server")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}1/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("a server that keeps the entry is not 'erased'");
    assert!(
        matches!(err.failure, EraseFailure::StillThere { id: 1 }),
        "{err}"
    );
    assert!(err.api().is_none(), "the server answered every request");
    let said = err.to_string();
    assert!(
        said.contains("accepted 1 delete") && !said.contains("erased"),
        "it does not claim to have erased what the server still shows: {said}"
    );
    let backup = read_backup(err.backup.as_deref().expect("backup kept")).expect("readable");
    assert_eq!(backup.entries.len(), 1);
}

#[tokio::test]
async fn a_refused_entry_delete_never_falls_back_to_a_blind_collection_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(row(1, "first of several")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}1/")))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .named("collection DELETE")
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("cannot erase safely");
    assert!(
        matches!(err.failure, EraseFailure::EntryDeleteRefused { id: 1 }),
        "{err}"
    );
    assert_eq!(err.erased, 0);
}

#[tokio::test]
async fn a_refused_entry_delete_never_sends_the_collection_delete_even_on_a_whole_list() {
    let server = MockServer::start().await;
    // A whole list, yet an entry could be added between the last read and a collection
    // DELETE: it would go unseen and in no backup, so that DELETE is never sent.
    let list = json!([row(1, "one"), row(2, "two")]);
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .mount(&server)
        .await;
    for id in [1, 2] {
        Mock::given(method("DELETE"))
            .and(path(format!("{MEM}{id}/")))
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let e = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("the server keeps what it refuses to delete");
    assert!(
        matches!(e.failure, EraseFailure::EntryDeleteRefused { .. }),
        "{e}"
    );
    assert_eq!(e.erased, 0, "nothing was deleted");
    // Every delete was refused, so the server holds all the backup did: no file is left
    // that looks like an erase happened.
    assert_eq!(e.backup, None);
    assert!(
        walk(&dir.path().join("backups")).is_empty(),
        "no orphan backup"
    );
}

#[tokio::test]
async fn an_entry_that_appears_during_the_erase_is_backed_up_before_its_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ok(row(1, "there at the start")),
            ok(row(2, "arrived meanwhile")),
            ResponseTemplate::new(404),
        ]))
        .mount(&server)
        .await;
    for id in [1, 2] {
        Mock::given(method("DELETE"))
            .and(path(format!("{MEM}{id}/")))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let erased = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect("erased");
    let backup = read_backup(erased.backup.as_deref().expect("backup")).expect("readable");
    let texts: Vec<_> = backup.entries.iter().map(|e| e.text()).collect();
    assert_eq!(texts, ["there at the start", "arrived meanwhile"]);
}

#[tokio::test]
async fn duplicate_ids_keep_every_row_and_delete_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ok(json!([row(7, "version a"), row(7, "version b")])),
            ResponseTemplate::new(404),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}7/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let erased = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect("erased");
    let backup = read_backup(erased.backup.as_deref().expect("backup")).expect("readable");
    assert_eq!(backup.entries.len(), 2, "both texts are kept");
}

/// Every read shows a new entry, however many are deleted.
struct Endless(Arc<AtomicI64>);

impl Respond for Endless {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let id = self.0.fetch_add(1, Ordering::SeqCst);
        ok(row(id, "again"))
    }
}

#[tokio::test]
async fn a_drain_that_never_ends_stops_at_its_bound() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(Endless(Arc::new(AtomicI64::new(1))))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&server.uri(), KEY, dir.path()).with_verify(VerifyPolicy {
        max_drained: 5,
        ..fast()
    });
    let err = ops
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("stops");
    assert!(matches!(err.failure, EraseFailure::Runaway(5)), "{err}");
    assert_eq!(err.erased, 5);
    let backup = read_backup(err.backup.as_deref().expect("backup")).expect("readable");
    assert_eq!(backup.entries.len(), 6, "every entry shown was backed up");
}

#[tokio::test]
async fn no_audit_line_means_no_delete_and_no_orphan_backup() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(row(1, "stays")))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let client = ApiClient::new(&ClientSettings::new(server.uri(), SecretString::from(KEY)))
        .expect("client");
    let log = AuditLog::open("/dev/full").expect("opens; writes fail");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(KEY));
    let ops = Ops::new(
        client,
        Trail::new(log, ctx),
        "test",
        dir.path().join("backups"),
    );
    let err = ops
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("not sent");
    assert!(matches!(err.failure, EraseFailure::Audit(_)), "{err}");
    assert_eq!(err.backup, None);
    let left: Vec<_> = walk(&dir.path().join("backups"));
    assert!(left.is_empty(), "no orphan backup: {left:?}");
}

#[tokio::test]
async fn erasing_one_entry_leaves_the_others() {
    let mock = common::start(MockConfig::default().with_memory_shape(MemoryShape::List)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    let state = mock.server.state().clone();
    let before = state.memory("main", "multi.mia").expect("seeded");
    let victim = before[1].clone();
    let erased = ops
        .erase_entry(
            &main_org(),
            &UserRef::by_name("multi.mia"),
            victim.id as i64,
            Action::EntryErase,
        )
        .await
        .expect("erased");
    assert_eq!(erased.entries, 1);
    let after = state.memory("main", "multi.mia").expect("user");
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|e| e.id != victim.id));
    let backup = read_backup(erased.backup.as_deref().expect("backup")).expect("readable");
    assert_eq!(backup.entries[0].text(), mock_text(&victim));
    // The entries the erase left are named, so undo may add the entry back beside them.
    let mut kept = backup.kept_ids.clone();
    kept.sort();
    let mut others: Vec<i64> = after.iter().map(|e| e.id as i64).collect();
    others.sort();
    assert_eq!(kept, others);
}

fn mock_text(e: &memory_console::mock::MemoryEntry) -> String {
    e.content.as_deref().unwrap_or("").to_owned()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    rd.flatten()
        .flat_map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { vec![p] }
        })
        .collect()
}

/// A server that shows one entry at a time hides the others until the first is gone; the
/// erase of that one entry must still be undoable beside them.
#[tokio::test]
async fn one_entry_erased_on_an_object_shaped_server_can_be_undone_beside_the_others() {
    let mock = common::start(MockConfig::default().with_memory_shape(MemoryShape::Object)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    let state = mock.server.state().clone();
    let before = state.memory("main", "multi.mia").expect("seeded");
    assert_eq!(before.len(), 3);
    let user = UserRef::by_name("multi.mia");
    let shown = ops
        .client()
        .read_memory(&main_org(), &user)
        .await
        .expect("read");
    assert_eq!(shown.entries.len(), 1, "the object shape shows one entry");
    let victim = shown.entries[0].id;
    let erased = ops
        .erase_entry(&main_org(), &user, victim, Action::EntryErase)
        .await
        .expect("erased");
    let backup_path = erased.backup.expect("backup");
    let backup = read_backup(&backup_path).expect("readable");
    assert!(
        !backup.kept_ids.is_empty() && !backup.kept_ids.contains(&victim),
        "the entry shown after the delete is noted as left alone: {:?}",
        backup.kept_ids
    );
    let report = ops
        .restore(&backup_path, None)
        .await
        .expect("undo accepted");
    assert_eq!(report.created.len(), 1);
    let mut after: Vec<_> = state
        .memory("main", "multi.mia")
        .expect("user")
        .iter()
        .map(mock_text)
        .collect();
    let mut original: Vec<_> = before.iter().map(mock_text).collect();
    after.sort();
    original.sort();
    assert_eq!(after, original, "the three entries are back");
}

/// A restore that stops partway (a 500, a kill) notes each entry as it is written, so the
/// next restore goes on after them: nothing is written twice and nothing is refused as
/// "memory again".
#[tokio::test]
async fn a_restore_stopped_partway_goes_on_from_where_it_stopped() {
    use memory_console::ops::RestoreError;

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![ok(json!([])), ok(json!([row(900, "one")]))]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ResponseTemplate::new(201).set_body_json(row(900, "one")),
            ResponseTemplate::new(500),
            ResponseTemplate::new(201).set_body_json(row(901, "two")),
            ResponseTemplate::new(201).set_body_json(row(902, "three")),
        ]))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two", "three"], |_| {});
    let ops = ops_for(&server.uri(), KEY, dir.path());

    let stopped = ops
        .restore(&path, None)
        .await
        .expect_err("the 500 stops it");
    assert!(
        matches!(stopped, RestoreError::Partial { created: 1, .. }),
        "{stopped}"
    );
    let noted = read_backup(&path).expect("readable");
    assert_eq!(
        noted.restored_rows,
        [(0, 900)],
        "the written entry is noted"
    );
    assert!(noted.restored_at.is_none());

    let report = ops
        .restore(&path, None)
        .await
        .expect("the second restore goes on");
    assert_eq!(
        report.created.iter().map(|e| e.id).collect::<Vec<_>>(),
        [901, 902]
    );
    assert!(read_backup(&path).expect("readable").restored_at.is_some());
    assert_eq!(
        posted_contents(&server).await,
        ["one", "two", "two", "three"],
        "`one` is written once"
    );
}

/// Killed while a POST was in flight: the server wrote the entry, the backup did not note
/// it. The resumed restore recognises it by its text and session and does not write it
/// twice, nor refuse it as memory gathered since.
#[tokio::test]
async fn a_resumed_restore_takes_an_entry_written_but_not_noted_as_its_own() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        // Written back with the backup's sessions, under the server's new ids.
        .respond_with(ok(json!([
            {"id": 900, "username": "mia", "platform_key": "main", "content": "one", "session_id": "s-1"},
            {"id": 901, "username": "mia", "platform_key": "main", "content": "two", "session_id": "s-2"}
        ])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(201).set_body_json(row(902, "three")))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two", "three"], |b| {
        b.restored_rows = vec![(0, 900)];
    });

    let report = ops_for(&server.uri(), KEY, dir.path())
        .restore(&path, None)
        .await
        .expect("the resumed restore goes on");
    assert_eq!(
        report.created.iter().map(|e| e.id).collect::<Vec<_>>(),
        [902]
    );
    let posts = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1, "`two` is not written twice");
    let gets = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert_eq!(gets, 1, "the check uses the read that found `two`");
    let noted = read_backup(&path).expect("readable").restored_rows;
    assert!(noted.contains(&(1, 901)), "{noted:?}");
}

/// Killed while the very first POST was in flight: no row is noted yet, but the backup says
/// the restore started, so the resumed one still recognises the entry the server wrote
/// instead of refusing it as memory gathered since.
#[tokio::test]
async fn a_restore_killed_during_its_first_post_resumes() {
    use memory_console::ops::RestoreError;

    let written_unheard = json!([
        {"id": 900, "username": "mia", "platform_key": "main", "content": "one", "session_id": "s-1"}
    ]);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![ok(json!([])), ok(written_unheard)]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        // The first answer is lost (as if killed mid-request); the server kept the entry.
        .respond_with(reads(vec![
            ResponseTemplate::new(500),
            ResponseTemplate::new(201).set_body_json(row(901, "two")),
        ]))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two"], |_| {});
    let ops = ops_for(&server.uri(), KEY, dir.path());

    let stopped = ops.restore(&path, None).await.expect_err("stopped");
    assert!(
        matches!(stopped, RestoreError::Partial { created: 0, .. }),
        "{stopped}"
    );
    assert!(
        stopped
            .to_string()
            .contains("may have been written all the same"),
        "a 500 does not say the entry is not there: {stopped}"
    );
    let noted = read_backup(&path).expect("readable");
    assert!(noted.restored_rows.is_empty());
    assert!(
        noted.restore_started_at.is_some(),
        "the start is noted before the first POST"
    );

    let report = ops
        .restore(&path, None)
        .await
        .expect("the resumed restore goes on");
    assert_eq!(
        report.created.iter().map(|e| e.id).collect::<Vec<_>>(),
        [901],
        "only `two` is written"
    );
    let noted = read_backup(&path).expect("readable");
    assert!(
        noted.restored_rows.contains(&(0, 900)),
        "{:?}",
        noted.restored_rows
    );
    assert!(noted.restored_at.is_some());
}

/// Killed during the POST of the second entry, on a server whose read shows one entry (the
/// first): the entry that POST may have written is out of sight. The resumed restore does
/// not send it again, writes the entries after it, and stops saying which one it left.
#[tokio::test]
async fn a_resumed_restore_does_not_resend_an_entry_a_one_entry_read_hides() {
    use memory_console::ops::{RestoreError, StoreKind};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(
            json!({"id": 900, "username": "mia", "platform_key": "main",
                                "content": "one", "session_id": "s-1"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(201).set_body_json(row(902, "three")))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two", "three"], |b| {
        b.restored_rows = vec![(0, 900)];
        b.restore_started_at = Some(time::OffsetDateTime::now_utc());
    });

    let stopped = ops_for(&server.uri(), KEY, dir.path())
        .restore(&path, None)
        .await
        .expect_err("the unsure entry stops the restore");
    let RestoreError::StoreUnsure {
        store: StoreKind::Chat,
        report,
        why,
        ..
    } = &stopped
    else {
        panic!("expected an unsure chat entry: {stopped}");
    };
    assert!(why.contains("entry 2 of the backup"), "{why}");
    assert_eq!(
        report.created.iter().map(|e| e.id).collect::<Vec<_>>(),
        [902]
    );
    assert_eq!(
        posted_contents(&server).await,
        ["three"],
        "`two` is not sent"
    );
    let noted = read_backup(&path).expect("readable");
    assert_eq!(noted.restored_rows, [(0, 900), (2, 902)]);
    assert!(noted.restored_at.is_none(), "not all entries are back");
}

/// Killed during its first POST on a server whose read shows one entry: that entry is the
/// one the killed POST wrote, so it is adopted, and the entries after it were never sent:
/// the resumed restore writes them and finishes, doubting none.
#[tokio::test]
async fn a_resumed_restore_that_finds_its_last_post_doubts_nothing_after_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(
            json!({"id": 900, "username": "mia", "platform_key": "main",
                                "content": "one", "session_id": "s-1"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ResponseTemplate::new(201).set_body_json(row(901, "two")),
            ResponseTemplate::new(201).set_body_json(row(902, "three")),
        ]))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two", "three"], |b| {
        b.restore_started_at = Some(time::OffsetDateTime::now_utc());
    });

    let report = ops_for(&server.uri(), KEY, dir.path())
        .restore(&path, None)
        .await
        .expect("nothing is in doubt");
    assert_eq!(posted_contents(&server).await, ["two", "three"]);
    assert_eq!(
        report.earlier.chat, 1,
        "`one` was written by the killed run"
    );
    let noted = read_backup(&path).expect("readable");
    assert_eq!(noted.restored_rows, [(0, 900), (1, 901), (2, 902)]);
    assert!(noted.restored_at.is_some());
}

/// Entries a stopped restore wrote and noted, erased again before the restore resumed: the
/// notes no longer hold, so the resumed restore writes them again instead of calling the
/// backup restored with the memory missing.
#[tokio::test]
async fn a_resumed_restore_writes_again_what_was_erased_since_it_stopped() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ResponseTemplate::new(201).set_body_json(row(910, "one")),
            ResponseTemplate::new(201).set_body_json(row(911, "two")),
        ]))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = mia_backup(&server, dir.path(), &["one", "two"], |b| {
        b.restored_rows = vec![(0, 900), (1, 901)];
        b.restore_started_at = Some(time::OffsetDateTime::now_utc());
    });

    let report = ops_for(&server.uri(), KEY, dir.path())
        .restore(&path, None)
        .await
        .expect("the resumed restore goes on");
    assert_eq!(
        report.created.iter().map(|e| e.id).collect::<Vec<_>>(),
        [910, 911]
    );
    assert_eq!(posted_contents(&server).await, ["one", "two"]);
    let noted = read_backup(&path).expect("readable");
    assert_eq!(noted.restored_rows, [(0, 910), (1, 911)]);
    assert!(noted.restored_at.is_some());
}

/// A backup of mia's chat entries `texts` (ids 1, 2, ... and their sessions) taken from
/// `server`, changed by `adjust` (what a stopped restore noted), written under `dir`.
fn mia_backup(
    server: &MockServer,
    dir: &Path,
    texts: &[&str],
    adjust: impl FnOnce(&mut memory_console::store::Backup),
) -> std::path::PathBuf {
    use memory_console::store::{Backup, write_backup};
    let entries = (1..)
        .zip(texts)
        .map(|(id, text)| serde_json::from_value(row(id, text)).expect("entry"))
        .collect();
    let mut backup = Backup::new(
        "test",
        &server.uri(),
        &main_org(),
        &UserRef::by_name("mia"),
        entries,
    );
    adjust(&mut backup);
    write_backup(&dir.join("backups"), &backup).expect("backup")
}

/// The `content` of every POST the server received, in order.
async fn posted_contents(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).expect("json")["content"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// The audit outcome records the status the server answered, not the one it usually gives:
/// a server whose DELETE answers 200 with a body is logged as 200.
#[tokio::test]
async fn the_audit_line_records_the_delete_status_the_server_gave() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ok(json!([row(7, "one"), row(8, "two")])),
            ok(json!([row(8, "two")])),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}7/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"detail": "deleted"})))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    ops_for(&server.uri(), KEY, dir.path())
        .erase_entry(&main_org(), &UserRef::by_name("mia"), 7, Action::EntryErase)
        .await
        .expect("erased");
    let records = read_recent(&dir.path().join("audit.jsonl"), 10).expect("audit");
    let outcome = records.last().expect("an outcome line");
    assert_eq!(outcome.entry_id, Some(7));
    assert_eq!(outcome.http_status, Some(200), "{records:?}");
}

// Found by `cargo mutants` (docs/mutants.md): each test below fails against a mutant the
// suite let through.

/// An `Ops` whose client retries at once: tests of "retries ran out" need not wait.
fn ops_quick_retry(base_url: &str, dir: &Path) -> Ops {
    let mut settings = ClientSettings::new(base_url.to_owned(), SecretString::from(KEY));
    settings.retry.base_delay = Duration::from_millis(1);
    settings.retry.max_delay = Duration::from_millis(2);
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", base_url, &SecretString::from(KEY));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups")).with_verify(fast())
}

#[tokio::test]
async fn a_server_that_erases_in_the_background_is_waited_for() {
    let server = MockServer::start().await;
    // The delete is accepted, the next read still shows the entry, the one after does not.
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(reads(vec![
            ok(row(1, "gone a little later")),
            ok(row(1, "gone a little later")),
            ResponseTemplate::new(404),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}1/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let erased = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect("a late erase is still an erase");
    assert_eq!((erased.entries, erased.deletes), (1, 1));
    assert!(!erased.nothing_there());
}

#[tokio::test]
async fn a_delete_that_fails_on_the_server_keeps_the_backup_and_names_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(json!([row(1, "one"), row(2, "two")])))
        .mount(&server)
        .await;
    // 501 is not retried, and a 5xx may have deleted: the backup must stay.
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(501))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("the delete failed");
    assert!(
        matches!(err.failure, EraseFailure::Delete { id: 1, .. }),
        "{err}"
    );
    assert!(
        matches!(err.api(), Some(ApiError::Server { status: 501, .. })),
        "{:?}",
        err.api()
    );
    assert_eq!(err.erased, 0);
    let path = err.backup.as_deref().expect("the backup is kept");
    let texts: Vec<_> = read_backup(path)
        .expect("readable")
        .entries
        .iter()
        .map(|e| e.text().to_owned())
        .collect();
    assert_eq!(texts, ["one", "two"]);
}

#[tokio::test]
async fn a_delete_refused_with_429_until_retries_run_out_leaves_no_backup() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(json!([row(1, "one"), row(2, "two")])))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_quick_retry(&server.uri(), dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("rate limited");
    assert!(
        matches!(
            err.failure,
            EraseFailure::Delete {
                source: ApiError::RateLimited { .. },
                ..
            }
        ),
        "{err}"
    );
    // A 429 deletes nothing, so the server still holds everything the file would.
    assert_eq!(err.backup, None);
    assert!(walk(&dir.path().join("backups")).is_empty(), "no orphan");
}

#[tokio::test]
async fn a_read_that_fails_sends_no_delete_and_names_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_for(&server.uri(), KEY, dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("cannot read");
    assert!(matches!(err.failure, EraseFailure::Read(_)), "{err}");
    assert!(
        matches!(err.api(), Some(ApiError::Forbidden { .. })),
        "{:?}",
        err.api()
    );
    assert_eq!(err.backup, None);
}

/// Shows entries 1 and 2 until a set time after the DELETE of 1, then 2 alone: a server
/// that erases in the background, by the clock rather than by the count of reads.
struct LateErase(Arc<std::sync::Mutex<Option<std::time::Instant>>>, Duration);

impl Respond for LateErase {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut deleted = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if req.method == Method::DELETE {
            *deleted = Some(std::time::Instant::now());
            return ResponseTemplate::new(204);
        }
        match *deleted {
            Some(at) if at.elapsed() >= self.1 => ok(json!([row(2, "stays")])),
            _ => ok(json!([row(1, "goes"), row(2, "stays")])),
        }
    }
}

#[tokio::test]
async fn erasing_one_entry_waits_between_reads_for_a_server_that_erases_later() {
    let server = MockServer::start().await;
    // The entry is gone 150 ms after its delete; the pauses between re-reads add up to
    // 300 ms, so an erase that waits as it should always sees it gone. Reads without the
    // pauses come back within a few milliseconds and still see it.
    let deleted = Arc::default();
    let after = Duration::from_millis(150);
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(LateErase(Arc::clone(&deleted), after))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}1/")))
        .respond_with(LateErase(deleted, after))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&server.uri(), KEY, dir.path()).with_verify(VerifyPolicy {
        tries: 2,
        first_pause: Duration::from_millis(100),
        ..VerifyPolicy::default()
    });
    let erased = ops
        .erase_entry(&main_org(), &UserRef::by_name("mia"), 1, Action::EntryErase)
        .await
        .expect("erased once the server caught up");
    assert_eq!((erased.entries, erased.deletes), (1, 1));
}

#[tokio::test]
async fn a_429_after_an_accepted_delete_keeps_the_backup_of_what_was_erased() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(json!([row(1, "erased first"), row(2, "then refused")])))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}1/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}2/")))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_quick_retry(&server.uri(), dir.path())
        .erase_all(&main_org(), &UserRef::by_name("mia"), Action::Erase)
        .await
        .expect_err("rate limited on the second entry");
    assert_eq!(err.erased, 1);
    // Entry 1 is gone from the server: its backup is the only copy and must stay.
    let path = err.backup.as_deref().expect("the backup is kept");
    let backup = read_backup(path).expect("readable");
    assert_eq!(backup.entries[0].text(), "erased first");
}

#[tokio::test]
async fn a_failed_delete_of_one_entry_still_names_the_entries_it_left() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ok(json!([
            row(1, "left"),
            row(2, "the one"),
            row(3, "left")
        ])))
        .mount(&server)
        .await;
    // A 5xx may have deleted: the backup stays, and undo needs to know which entries
    // beside it were there before, though no read after the delete said so.
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}2/")))
        .respond_with(ResponseTemplate::new(501))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let err = ops_for(&server.uri(), KEY, dir.path())
        .erase_entry(&main_org(), &UserRef::by_name("mia"), 2, Action::EntryErase)
        .await
        .expect_err("the delete failed");
    let backup = read_backup(err.backup.as_deref().expect("kept")).expect("readable");
    assert_eq!(backup.entries.len(), 1);
    assert_eq!(backup.entries[0].text(), "the one");
    assert_eq!(backup.kept_ids, [1, 3]);
}
