//! The operations layer for mentor memories and course memory against the in-process mock:
//! each erase backs up first, names its store in the audit log and is verified by a re-read;
//! a forget backs up every store into one file before any DELETE and reports per store,
//! never "forgotten" while a store may still hold data.

mod common;

use std::path::Path;
use std::time::Duration;

use memory_console::api::{
    ApiClient, ClientSettings, MentorEntry, MentorEntryWrite, MentorMemoryWrite, OrgScope,
    RetryPolicy, UserRef,
};
use memory_console::mock::{MemoryShape, MockConfig, StoreKind as MockStore};
use memory_console::ops::{
    ForgetReport, Ops, StoreFailure, StoreKind, StoreOutcome, Trail, VerifyPolicy, WriteError,
};
use memory_console::store::{
    AuditContext, AuditLog, AuditRecord, Backup, read_backup, read_recent,
};
use reqwest::Method;
use secrecy::SecretString;

fn fast() -> VerifyPolicy {
    VerifyPolicy {
        tries: 2,
        first_pause: Duration::from_millis(5),
        ..VerifyPolicy::default()
    }
}

fn ops_for(base_url: &str, key: &str, dir: &Path) -> Ops {
    let mut settings = ClientSettings::new(base_url.to_owned(), SecretString::from(key.to_owned()));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", base_url, &SecretString::from(key.to_owned()));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups")).with_verify(fast())
}

fn main_org() -> OrgScope {
    OrgScope::new("main")
}

struct Setup {
    mock: common::Mock,
    dir: tempfile::TempDir,
    ops: Ops,
}

async fn setup(config: MockConfig) -> Setup {
    let mock = common::start(config).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&mock.server.base_url(), mock.server.api_key(), dir.path());
    Setup { mock, dir, ops }
}

impl Setup {
    fn state(&self) -> &memory_console::mock::MockState {
        self.mock.server.state()
    }

    fn audit(&self) -> Vec<AuditRecord> {
        read_recent(&self.dir.path().join("audit.jsonl"), 10_000).expect("audit")
    }

    /// Every (key, value) of a user's mentor entries on the server, sorted.
    fn mentor_pairs(&self, user: &str) -> Vec<(String, String)> {
        let mut pairs: Vec<_> = self
            .state()
            .mentor_memories("main", user)
            .expect("user")
            .iter()
            .flat_map(|m| m.entries.iter())
            .map(|e| {
                (
                    e.key.to_string(),
                    e.value.as_deref().unwrap_or("").to_owned(),
                )
            })
            .collect();
        pairs.sort();
        pairs
    }

    fn mentor_entry(&self, user: &str, key: &str) -> MentorEntry {
        let memories = self.state().mentor_memories("main", user).expect("user");
        let e = memories
            .iter()
            .flat_map(|m| m.entries.iter())
            .find(|e| &*e.key == key)
            .expect("entry");
        MentorEntry {
            unique_id: Some(e.unique_id.to_string()),
            key: e.key.to_string(),
            value: e.value.as_deref().map(str::to_owned),
            ..MentorEntry::default()
        }
    }

    fn deletes(&self) -> Vec<String> {
        self.state()
            .requests()
            .into_iter()
            .filter(|r| r.method == Method::DELETE)
            .map(|r| r.path)
            .collect()
    }
}

fn backup_pairs(b: &Backup) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = b
        .mentor
        .iter()
        .flat_map(|m| m.entries.iter())
        .map(|e| (e.key.clone(), e.value.clone().unwrap_or_default()))
        .collect();
    pairs.sort();
    pairs
}

fn mia() -> UserRef {
    UserRef::by_name("multi.mia")
}

// ----- single erases -------------------------------------------------------------------

#[tokio::test]
async fn one_mentor_entry_is_backed_up_alone_erased_and_audited_as_mentor() {
    let s = setup(MockConfig::default()).await;
    let before = s.mentor_pairs("multi.mia");
    assert_eq!(
        before.len(),
        6,
        "the fixture has six entries in four categories"
    );
    let entry = s.mentor_entry("multi.mia", "schedule");
    let id = entry.unique_id.clone().expect("id");

    let erased = s
        .ops
        .erase_mentor_entry(&main_org(), &mia(), &id)
        .await
        .expect("erased");
    assert_eq!(erased.items, 1);
    let after = s.mentor_pairs("multi.mia");
    assert_eq!(after.len(), 5);
    assert!(!after.iter().any(|(k, _)| k == "schedule"));

    let backup = read_backup(&erased.backup).expect("backup");
    assert_eq!(
        backup_pairs(&backup),
        vec![(
            "schedule".into(),
            "Studies in the evening, after 8 pm.".into()
        )],
        "the backup holds the erased entry and nothing else"
    );
    assert_eq!(
        backup.mentor[0].category.as_deref(),
        Some("lessons_learned")
    );
    assert_eq!(backup.kept_mentor.len(), 5, "the entries left are named");
    assert!(backup.entries.is_empty() && backup.course.is_empty());

    let records = s.audit();
    assert_eq!(records.len(), 2, "{records:?}");
    for r in &records {
        assert_eq!(r.store.as_deref(), Some("mentor"));
        assert_eq!(r.item.as_deref(), Some(id.as_str()));
        assert_eq!(r.backup_path.as_deref(), Some(erased.backup.as_path()));
    }
}

#[tokio::test]
async fn a_category_with_a_slash_and_spaces_goes_memory_by_memory_and_only_it_goes() {
    let s = setup(MockConfig::default()).await;
    let hostile = "notes/../personal information \u{1b}[2J\u{202e}";
    let write = MentorMemoryWrite {
        category: Some(hostile.to_owned()),
        entries: vec![
            MentorEntryWrite {
                key: "a".into(),
                value: "one \u{1b}]0;pwned\u{7}".into(),
                expires_at: None,
            },
            MentorEntryWrite {
                key: "b".into(),
                value: "two".into(),
                expires_at: None,
            },
        ],
        ..MentorMemoryWrite::default()
    };
    s.ops
        .client()
        .create_mentor_memory(&main_org(), &mia(), &write)
        .await
        .expect("created");
    let before = s.mentor_pairs("multi.mia");
    s.state().clear_requests();

    let erased = s
        .ops
        .erase_mentor_category(&main_org(), &mia(), hostile)
        .await
        .expect("erased");
    assert_eq!(erased.items, 2);
    // Each memory of the category by its own id, never the category route: that would also
    // take a memory of it added after the read, unseen and in no backup.
    let deletes = s.deletes();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert!(
        deletes[0].starts_with("/api/ai-mentor/orgs/main/users/multi.mia/memory/"),
        "{deletes:?}"
    );
    assert!(
        !deletes.iter().any(|d| d.contains("memory-entries/")),
        "{deletes:?}"
    );
    let after = s.mentor_pairs("multi.mia");
    assert_eq!(after.len(), before.len() - 2, "the other categories stay");
    let backup = read_backup(&erased.backup).expect("backup");
    assert_eq!(
        backup_pairs(&backup),
        vec![
            ("a".into(), "one \u{1b}]0;pwned\u{7}".into()),
            ("b".into(), "two".into())
        ],
        "hostile text is backed up byte for byte"
    );
    assert_eq!(backup.mentor[0].category.as_deref(), Some(hostile));
    let records = s.audit();
    assert!(
        records
            .iter()
            .all(|r| r.category.as_deref() == Some(hostile) && r.store.as_deref() == Some("mentor")),
        "{records:?}"
    );
}

#[tokio::test]
async fn an_unknown_entry_or_category_erases_nothing_and_writes_no_backup() {
    let s = setup(MockConfig::default()).await;
    let e = s
        .ops
        .erase_mentor_entry(&main_org(), &mia(), "no-such-id")
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::NothingThere(_)), "{e}");
    let e = s
        .ops
        .erase_mentor_category(&main_org(), &mia(), "no_such_category")
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::NothingThere(_)), "{e}");
    assert!(s.deletes().is_empty());
    assert!(common::console_rig::walk(&s.dir.path().join("backups")).is_empty());
}

#[tokio::test]
async fn one_course_memory_is_backed_up_and_erased_the_others_named_when_seen() {
    for shape in [MemoryShape::Object, MemoryShape::List] {
        let s = setup(MockConfig::default().with_memory_shape(shape)).await;
        let before = s
            .state()
            .course_memories("main", "multi.mia")
            .expect("user");
        assert_eq!(before.len(), 2);
        let first = before[0].id.to_string();
        let one = s
            .ops
            .erase_course_memory(&main_org(), &mia(), &first)
            .await
            .expect("erased one");
        assert_eq!(one.items, 1);
        let backup = read_backup(&one.backup).expect("backup");
        assert_eq!(backup.course.len(), 1);
        assert_eq!(backup.course[0].id, first);
        // The published read shows one memory: the other is first seen by the verifying
        // read after the delete, and named then, as for chat entries.
        assert_eq!(
            backup.kept_course,
            vec![before[1].id.to_string()],
            "{shape:?}"
        );
        let left = s
            .state()
            .course_memories("main", "multi.mia")
            .expect("user");
        assert_eq!(left, before[1..].to_vec(), "{shape:?}");
        assert!(
            s.audit()
                .iter()
                .all(|r| r.store.as_deref() == Some("course")
                    && r.item.as_deref() == Some(first.as_str()))
        );
    }
}

#[tokio::test]
async fn all_course_memory_is_drained_by_id_with_the_one_object_read() {
    let s = setup(MockConfig::default()).await;
    let before = s
        .state()
        .course_memories("main", "multi.mia")
        .expect("user");
    assert_eq!(before.len(), 2);
    let all = s
        .ops
        .erase_course_all(&main_org(), &mia())
        .await
        .expect("erased all");
    assert_eq!(all.items, 2);
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(0)
    );
    let backup = read_backup(&all.backup).expect("backup");
    let mut ids: Vec<_> = backup.course.iter().map(|c| c.id.clone()).collect();
    ids.sort();
    let mut want: Vec<_> = before.iter().map(|c| c.id.to_string()).collect();
    want.sort();
    assert_eq!(ids, want, "every memory deleted is in the backup");
    let deletes = s.deletes();
    assert_eq!(deletes.len(), 2);
    assert!(
        deletes.iter().all(|p| !p.ends_with("/memory/")),
        "no collection DELETE: nothing is deleted unseen"
    );
    assert!(
        s.audit()
            .iter()
            .all(|r| r.store.as_deref() == Some("course"))
    );
    let again = s
        .ops
        .erase_course_all(&main_org(), &mia())
        .await
        .unwrap_err();
    assert!(again.backup.is_none(), "{again}");
}

#[tokio::test]
async fn a_server_that_keeps_what_it_deleted_is_a_failure_never_success() {
    let s = setup(MockConfig::default()).await;
    s.state().set_keep_store_deletes(true);
    let id = s
        .mentor_entry("multi.mia", "fractions")
        .unique_id
        .expect("id");
    let e = s
        .ops
        .erase_mentor_entry(&main_org(), &mia(), &id)
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::StillThere(_)), "{e}");
    assert!(
        e.backup.is_some(),
        "the backup is kept: the delete was sent"
    );
    let e = s
        .ops
        .erase_mentor_category(&main_org(), &mia(), "personal_information")
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::StillThere(_)), "{e}");
    let e = s
        .ops
        .erase_course_all(&main_org(), &mia())
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::StillThere(_)), "{e}");
    assert_eq!(s.mentor_pairs("multi.mia").len(), 6);
}

#[tokio::test]
async fn a_mentor_entry_update_is_checked_audited_and_refused_on_conflict() {
    let s = setup(MockConfig::default()).await;
    let seen = s.mentor_entry("multi.mia", "preferred_name");
    let id = seen.unique_id.clone().expect("id");
    s.ops
        .update_mentor_entry(
            &main_org(),
            &mia(),
            &id,
            &seen,
            "preferred_name",
            "M. \u{202e}x",
        )
        .await
        .expect("updated");
    assert!(
        s.mentor_pairs("multi.mia")
            .contains(&("preferred_name".into(), "M. \u{202e}x".into()))
    );
    let records = s.audit();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.store.as_deref() == Some("mentor")
        && r.item.as_deref() == Some(id.as_str())));

    // What the caller saw is now stale: nothing is sent.
    s.state().clear_requests();
    let e = s
        .ops
        .update_mentor_entry(&main_org(), &mia(), &id, &seen, "k", "v")
        .await
        .unwrap_err();
    match e {
        WriteError::EntryChanged {
            server: Some(server),
        } => {
            assert_eq!(server.value.as_deref(), Some("M. \u{202e}x"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.state().count(Method::POST), 0, "nothing was sent");
    // A gone entry is a conflict too.
    let e = s
        .ops
        .update_mentor_entry(&main_org(), &mia(), "gone", &seen, "k", "v")
        .await
        .unwrap_err();
    assert!(
        matches!(e, WriteError::EntryChanged { server: None }),
        "{e:?}"
    );
    assert_eq!(s.audit().len(), 2, "refused updates write no audit line");
}

// ----- forget --------------------------------------------------------------------------

async fn forget_all(s: &Setup, user: &str) -> ForgetReport {
    s.ops
        .forget(&main_org(), &UserRef::by_name(user), &StoreKind::ALL)
        .await
}

#[tokio::test]
async fn forget_backs_up_every_store_in_one_file_then_every_store_reads_empty() {
    let s = setup(MockConfig::default()).await;
    assert!(
        s.state()
            .users_in_every_store("main")
            .contains(&"multi.mia".to_owned())
    );
    let chat_before = s.state().memory("main", "multi.mia").expect("user");
    let mentor_before = s.mentor_pairs("multi.mia");
    let course_before = s
        .state()
        .course_memories("main", "multi.mia")
        .expect("user");
    assert_eq!(
        (chat_before.len(), mentor_before.len(), course_before.len()),
        (3, 6, 2)
    );

    let report = forget_all(&s, "multi.mia").await;
    assert!(report.forgotten(), "{report:?}");
    assert_eq!(
        report.stores,
        vec![
            (StoreKind::Chat, StoreOutcome::Erased { items: 3 }),
            (StoreKind::Mentor, StoreOutcome::Erased { items: 6 }),
            (StoreKind::Course, StoreOutcome::Erased { items: 2 }),
        ]
    );
    assert_eq!(
        s.state().memory("main", "multi.mia").map(|m| m.len()),
        Some(0)
    );
    assert!(s.mentor_pairs("multi.mia").is_empty());
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(0)
    );

    let path = report.backup.clone().expect("one backup");
    assert_eq!(
        common::console_rig::walk(&s.dir.path().join("backups")),
        vec![path.clone()],
        "one file for every store"
    );
    let backup = read_backup(&path).expect("backup");
    let mut chat: Vec<_> = backup.entries.iter().map(|e| e.text().to_owned()).collect();
    let mut chat_orig: Vec<_> = chat_before
        .iter()
        .map(|e| e.content.as_deref().unwrap_or("").to_owned())
        .collect();
    chat.sort();
    chat_orig.sort();
    assert_eq!(chat, chat_orig);
    assert_eq!(backup_pairs(&backup), mentor_before);
    assert_eq!(backup.mentor.len(), 4, "four categories");
    assert_eq!(backup.course.len(), 2);

    // Every request line names its store, every DELETE's intent names the backup, and no
    // DELETE was sent before the backup held what it removes.
    let records = s.audit();
    assert!(!records.is_empty());
    let stores: std::collections::BTreeSet<_> =
        records.iter().filter_map(|r| r.store.clone()).collect();
    assert_eq!(
        stores.into_iter().collect::<Vec<_>>(),
        vec!["chat", "course", "mentor"]
    );
    assert!(
        records
            .iter()
            .all(|r| r.store.is_some() && r.backup_path.as_deref() == Some(path.as_path()))
    );
    assert_eq!(records.len(), 2 * s.deletes().len());
}

#[tokio::test]
async fn hostile_text_in_every_store_is_backed_up_byte_for_byte() {
    let s = setup(MockConfig::default()).await;
    let mentor_before = s.mentor_pairs("hostile.hannah");
    assert!(mentor_before.iter().any(|(_, v)| v.contains('\u{1b}')));
    assert!(mentor_before.iter().any(|(_, v)| v.contains('\u{202e}')));
    let course_before = s
        .state()
        .course_memories("main", "hostile.hannah")
        .expect("user");
    let report = forget_all(&s, "hostile.hannah").await;
    assert!(report.forgotten(), "{report:?}");
    let backup = read_backup(&report.backup.expect("backup")).expect("backup");
    assert_eq!(backup_pairs(&backup), mentor_before);
    assert_eq!(*course_before[0].lessons, backup.course[0].lessons);
    assert!(backup.entries[0].text().contains("\u{1b}]52;c;"));
}

#[tokio::test]
async fn a_server_keeping_stores_after_delete_fails_the_forget_loudly() {
    let s = setup(MockConfig::default().with_memory_shape(MemoryShape::List)).await;
    s.state().set_keep_store_deletes(true);
    let report = forget_all(&s, "multi.mia").await;
    assert!(!report.forgotten(), "{report:?}");
    assert_eq!(
        report.outcome(StoreKind::Chat),
        Some(&StoreOutcome::Erased { items: 3 }),
        "chat memory is not affected by the store hook"
    );
    for kind in [StoreKind::Mentor, StoreKind::Course] {
        match report.outcome(kind) {
            Some(StoreOutcome::Failed { failure, erased }) => {
                assert!(failure.contains("still shows"), "{failure}");
                assert!(*erased > 0);
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    let backup = read_backup(&report.backup.expect("backup")).expect("backup");
    assert_eq!(backup.mentor.len(), 4);
    assert_eq!(backup.course.len(), 2);
}

#[tokio::test]
async fn stores_answering_404_or_405_are_unavailable_and_said_so() {
    let s = setup(MockConfig::default()).await;
    s.state()
        .set_store_unavailable(MockStore::Mentor, Some(404));
    s.state()
        .set_store_unavailable(MockStore::Course, Some(405));
    let report = forget_all(&s, "multi.mia").await;
    assert!(report.forgotten(), "{report:?}");
    match report.outcome(StoreKind::Mentor) {
        Some(StoreOutcome::Unavailable { reason }) => assert!(reason.contains("404"), "{reason}"),
        other => panic!("{other:?}"),
    }
    match report.outcome(StoreKind::Course) {
        Some(StoreOutcome::Unavailable { reason }) => assert!(reason.contains("405"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.outcome(StoreKind::Chat),
        Some(&StoreOutcome::Erased { items: 3 })
    );
    // Only chat was deleted; the others were never sent a DELETE.
    assert!(s.deletes().iter().all(|p| p.contains("/all-chats-memory/")));
}

#[tokio::test]
async fn a_429_on_one_store_mid_forget_is_a_partial_report_never_forgotten() {
    let s = setup(MockConfig::default()).await;
    s.state().throttle_store_deletes(MockStore::Mentor, 1000);
    let report = forget_all(&s, "multi.mia").await;
    assert!(!report.forgotten(), "{report:?}");
    match report.outcome(StoreKind::Mentor) {
        Some(StoreOutcome::Failed { failure, erased }) => {
            assert!(
                failure.contains("429")
                    || failure.contains("slow down")
                    || failure.contains("throttl"),
                "{failure}"
            );
            assert_eq!(*erased, 0);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.outcome(StoreKind::Chat),
        Some(&StoreOutcome::Erased { items: 3 })
    );
    assert_eq!(
        report.outcome(StoreKind::Course),
        Some(&StoreOutcome::Erased { items: 2 })
    );
    assert_eq!(
        s.mentor_pairs("multi.mia").len(),
        6,
        "the throttled store kept its data"
    );
    let backup = read_backup(&report.backup.clone().expect("backup")).expect("backup");
    assert_eq!(
        backup.mentor.len(),
        4,
        "and it is in the backup all the same"
    );

    // Once the server lets DELETEs through, a second forget finishes the job.
    s.state().throttle_store_deletes(MockStore::Mentor, 0);
    let again = forget_all(&s, "multi.mia").await;
    assert!(again.forgotten(), "{again:?}");
    assert_eq!(
        again.outcome(StoreKind::Chat),
        Some(&StoreOutcome::AlreadyEmpty)
    );
    assert_eq!(
        again.outcome(StoreKind::Mentor),
        Some(&StoreOutcome::Erased { items: 6 })
    );
}

/// One 429 on a store's DELETE is retried under the client's policy, like chat's.
#[tokio::test]
async fn a_single_429_on_a_store_delete_is_retried_and_the_forget_completes() {
    let s = setup(MockConfig::default()).await;
    s.state().throttle_store_deletes(MockStore::Mentor, 1);
    s.state().throttle_store_deletes(MockStore::Course, 1);
    let report = forget_all(&s, "multi.mia").await;
    assert!(report.forgotten(), "{report:?}");
    assert_eq!(
        report.outcome(StoreKind::Mentor),
        Some(&StoreOutcome::Erased { items: 6 })
    );
    assert!(s.mentor_pairs("multi.mia").is_empty());
}

#[tokio::test]
async fn a_user_with_nothing_anywhere_gets_no_backup() {
    let s = setup(MockConfig::default()).await;
    let report = forget_all(&s, "no.memory.nick").await;
    assert!(report.forgotten(), "{report:?}");
    assert_eq!(report.backup, None);
    assert_eq!(
        report.outcome(StoreKind::Chat),
        Some(&StoreOutcome::AlreadyEmpty)
    );
    assert_eq!(
        report.outcome(StoreKind::Mentor),
        Some(&StoreOutcome::AlreadyEmpty)
    );
    // The documented answer of a course-memory read with nothing in it is a 404.
    assert!(
        matches!(
            report.outcome(StoreKind::Course),
            Some(StoreOutcome::Unavailable { reason }) if reason.contains("404")
        ),
        "{report:?}"
    );
    assert!(s.deletes().is_empty());
    assert!(common::console_rig::walk(&s.dir.path().join("backups")).is_empty());
}

#[tokio::test]
async fn forget_of_some_stores_leaves_the_others_alone() {
    let s = setup(MockConfig::default()).await;
    let report = s
        .ops
        .forget(&main_org(), &mia(), &[StoreKind::Mentor])
        .await;
    assert!(report.forgotten(), "{report:?}");
    assert_eq!(report.stores.len(), 1);
    assert_eq!(
        s.state().memory("main", "multi.mia").map(|m| m.len()),
        Some(3)
    );
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
    let backup = read_backup(&report.backup.expect("backup")).expect("backup");
    assert!(backup.entries.is_empty() && backup.course.is_empty());
}

// ----- restore -------------------------------------------------------------------------

#[tokio::test]
async fn restore_after_forget_brings_back_what_the_api_allows_and_says_what_not() {
    let s = setup(MockConfig::default()).await;
    let chat_before = s.state().memory("main", "multi.mia").expect("user");
    let mentor_before = s.mentor_pairs("multi.mia");
    let course_before = s
        .state()
        .course_memories("main", "multi.mia")
        .expect("user");
    let categories_before = {
        let mut c: Vec<_> = s
            .state()
            .mentor_memories("main", "multi.mia")
            .expect("user")
            .iter()
            .map(|m| m.category.as_deref().unwrap_or("").to_owned())
            .collect();
        c.sort();
        c
    };
    let report = forget_all(&s, "multi.mia").await;
    assert!(report.forgotten(), "{report:?}");
    let path = report.backup.expect("backup");

    let restored = s.ops.restore(&path, None).await.expect("restored");
    assert_eq!(restored.created.len(), 3);
    assert_eq!(restored.mentor_memories, 4);
    assert_eq!(restored.mentor_entries, 6);
    assert_eq!(restored.course_created.len(), 2);
    assert_eq!(
        restored.summary(),
        "restored 3 entries of chat memory, 4 mentor memories (6 entries) and 2 course memories for multi.mia"
    );
    assert!(
        restored.not_restored.iter().any(|n| n.starts_with("ids:")),
        "{:?}",
        restored.not_restored
    );
    assert_eq!(
        s.state().memory("main", "multi.mia").map(|m| m.len()),
        Some(chat_before.len())
    );
    assert_eq!(
        s.mentor_pairs("multi.mia"),
        mentor_before,
        "every key and value is back"
    );
    let after = s
        .state()
        .mentor_memories("main", "multi.mia")
        .expect("user");
    let mut categories: Vec<_> = after
        .iter()
        .map(|m| m.category.as_deref().unwrap_or("").to_owned())
        .collect();
    categories.sort();
    assert_eq!(categories, categories_before, "each memory in its category");
    let expiring = after
        .iter()
        .flat_map(|m| m.entries.iter())
        .filter(|e| e.expires_at.is_some())
        .count();
    assert_eq!(expiring, 2, "this mock keeps the expiry it is sent");
    let course_after = s
        .state()
        .course_memories("main", "multi.mia")
        .expect("user");
    assert_eq!(course_after.len(), 2);
    for (a, b) in course_before.iter().zip(&course_after) {
        assert_eq!(a.lessons, b.lessons);
        assert_eq!(a.next_steps, b.next_steps);
        assert_eq!(a.catalog_item, b.catalog_item);
    }

    // Once only, and each store's line says it was restored.
    let again = s.ops.restore(&path, None).await.unwrap_err();
    assert!(again.to_string().contains("already restored"), "{again}");
    let restores: Vec<_> = s
        .audit()
        .into_iter()
        .filter(|r| r.action == memory_console::store::Action::Restore)
        .collect();
    let stores: Vec<_> = restores
        .iter()
        .filter(|r| r.result == Some(memory_console::store::AuditResult::Ok))
        .filter_map(|r| r.store.clone())
        .collect();
    assert_eq!(stores, vec!["chat", "mentor", "course"], "{restores:?}");
}

#[tokio::test]
async fn restore_refuses_a_store_that_has_memory_again_and_sends_nothing() {
    let s = setup(MockConfig::default()).await;
    let report = s
        .ops
        .forget(&main_org(), &mia(), &[StoreKind::Mentor, StoreKind::Course])
        .await;
    assert!(report.forgotten(), "{report:?}");
    let path = report.backup.expect("backup");
    // The user gathers a new mentor memory before anyone restores.
    let write = MentorMemoryWrite {
        category: Some("knowledge_gaps".into()),
        entries: vec![MentorEntryWrite {
            key: "new".into(),
            value: "gathered since".into(),
            expires_at: None,
        }],
        ..MentorMemoryWrite::default()
    };
    s.ops
        .client()
        .create_mentor_memory(&main_org(), &mia(), &write)
        .await
        .expect("created");
    s.state().clear_requests();
    let err = s.ops.restore(&path, None).await.unwrap_err();
    assert!(err.to_string().contains("has mentor memory again"), "{err}");
    assert_eq!(s.state().count(Method::POST), 0, "nothing was sent");
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(0),
        "not even to the store that was empty"
    );
    assert_eq!(read_backup(&path).expect("backup").restored_at, None);
}

#[tokio::test]
async fn undo_of_one_mentor_entry_puts_it_back_beside_the_others() {
    let s = setup(MockConfig::default()).await;
    let before = s.mentor_pairs("multi.mia");
    let id = s
        .mentor_entry("multi.mia", "pronouns")
        .unique_id
        .expect("id");
    let erased = s
        .ops
        .erase_mentor_entry(&main_org(), &mia(), &id)
        .await
        .expect("erased");
    let restored = s.ops.restore(&erased.backup, None).await.expect("restored");
    assert_eq!((restored.mentor_memories, restored.mentor_entries), (1, 1));
    assert_eq!(s.mentor_pairs("multi.mia"), before);
}

#[tokio::test]
async fn chat_writes_name_the_chat_store_in_the_audit_log() {
    let s = setup(MockConfig::default()).await;
    let user = UserRef::by_name("no.memory.nick");
    s.ops
        .create_unchecked(
            &main_org(),
            &user,
            &memory_console::api::MemoryWrite::new("likes tea"),
        )
        .await
        .expect("created");
    s.ops
        .set_enabled(&main_org(), &user, false)
        .await
        .expect("switched off");
    s.ops
        .erase_all(&main_org(), &user, memory_console::store::Action::Erase)
        .await
        .expect("erased");
    let records = s.audit();
    assert_eq!(records.len(), 6, "{records:?}");
    assert!(
        records.iter().all(|r| r.store.as_deref() == Some("chat")),
        "{records:?}"
    );
}

#[tokio::test]
async fn no_backup_means_no_delete_in_any_store() {
    let s = setup(MockConfig::default()).await;
    // A file where the backups directory should be: no backup can be written.
    std::fs::write(s.dir.path().join("backups"), b"not a directory").expect("blocker");
    let report = forget_all(&s, "multi.mia").await;
    assert!(!report.forgotten());
    assert_eq!(report.backup, None);
    for (kind, outcome) in &report.stores {
        match outcome {
            StoreOutcome::Failed { failure, erased: 0 } => {
                assert!(failure.contains("backup"), "{kind}: {failure}")
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    assert!(s.deletes().is_empty(), "{:?}", s.deletes());
    assert_eq!(s.mentor_pairs("multi.mia").len(), 6);
}

#[tokio::test]
async fn no_audit_intent_means_no_delete_and_no_orphan_backup() {
    let mock = common::start(MockConfig::default()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (url, key) = (mock.server.base_url(), mock.server.api_key().to_owned());
    let client = ApiClient::new(&ClientSettings::new(
        url.clone(),
        SecretString::from(key.clone()),
    ))
    .expect("client");
    // Writes to /dev/full fail with "no space left": the intent line cannot be written.
    let log = AuditLog::open("/dev/full").expect("opens");
    let ctx = AuditContext::new("test", &url, &SecretString::from(key));
    let ops = Ops::new(
        client,
        Trail::new(log, ctx),
        "test",
        dir.path().join("backups"),
    )
    .with_verify(fast());
    let report = ops.forget(&main_org(), &mia(), &StoreKind::ALL).await;
    assert!(!report.forgotten(), "{report:?}");
    assert!(
        report
            .stores
            .iter()
            .all(|(_, o)| matches!(o, StoreOutcome::Failed { erased: 0, .. }))
    );
    assert_eq!(mock.server.state().count(Method::DELETE), 0);
    assert_eq!(report.backup, None);
    assert!(
        common::console_rig::walk(&dir.path().join("backups")).is_empty(),
        "the unused backup is removed"
    );
    let e = ops
        .erase_mentor_category(&main_org(), &mia(), "knowledge_gaps")
        .await
        .unwrap_err();
    assert!(matches!(e.failure, StoreFailure::Audit(_)), "{e}");
    assert!(e.backup.is_none());
    assert_eq!(mock.server.state().count(Method::DELETE), 0);
    assert!(common::console_rig::walk(&dir.path().join("backups")).is_empty());
}

#[tokio::test]
async fn every_page_of_mentor_memories_is_backed_up_and_erased() {
    let s = setup(MockConfig::default()).await;
    let user = UserRef::by_name("no.memory.nick");
    for i in 0..130 {
        let write = MentorMemoryWrite {
            category: Some(["lessons_learned", "knowledge_gaps", "help_requests"][i % 3].into()),
            entries: vec![MentorEntryWrite {
                key: format!("k{i}"),
                value: format!("v{i} \u{1b}[31m\u{202e}"),
                expires_at: None,
            }],
            ..MentorMemoryWrite::default()
        };
        s.ops
            .client()
            .create_mentor_memory(&main_org(), &user, &write)
            .await
            .expect("created");
    }
    let report = s.ops.forget(&main_org(), &user, &[StoreKind::Mentor]).await;
    assert_eq!(
        report.outcome(StoreKind::Mentor),
        Some(&StoreOutcome::Erased { items: 130 }),
        "{report:?}"
    );
    let backup = read_backup(&report.backup.expect("backup")).expect("backup");
    assert_eq!(backup.mentor.len(), 130, "every page is in the backup");
    assert!(s.mentor_pairs("no.memory.nick").is_empty());
}

#[tokio::test]
async fn a_count_the_pages_never_show_is_never_called_empty() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let base = "/api/ai-mentor/orgs/main/users/multi.mia";
    Mock::given(method("GET"))
        .and(path(format!("{base}/memories/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 123, "next": null, "previous": null, "results": []
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "detail": "Not found."
        })))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ops = ops_for(&server.uri(), "k", dir.path());
    let report = ops.forget(&main_org(), &mia(), &StoreKind::ALL).await;
    assert!(!report.forgotten(), "{report:?}");
    match report.outcome(StoreKind::Mentor) {
        Some(StoreOutcome::Failed { failure, .. }) => {
            assert!(
                failure.contains("counts 123 mentor memories but its pages show only 0"),
                "{failure}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        report.outcome(StoreKind::Chat),
        Some(&StoreOutcome::AlreadyEmpty)
    );
}

#[tokio::test]
async fn a_restore_that_stops_in_one_store_says_where_and_audits_each_store() {
    let s = setup(MockConfig::default()).await;
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    // The mentor store goes away between the forget and the restore.
    s.state()
        .set_store_unavailable(MockStore::Mentor, Some(404));
    let err = s.ops.restore(&path, None).await.unwrap_err();
    match &err {
        memory_console::ops::RestoreError::StorePartial { store, report, .. } => {
            assert_eq!(*store, StoreKind::Mentor);
            assert_eq!(report.created.len(), 3, "chat memory was written first");
            assert_eq!(report.mentor_memories, 0);
            assert!(report.course_created.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("mentor"), "{err}");
    assert_eq!(read_backup(&path).expect("backup").restored_at, None);
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(0),
        "nothing after the failed store was sent"
    );
    let outcomes: Vec<_> = s
        .audit()
        .into_iter()
        .filter(|r| {
            r.action == memory_console::store::Action::Restore
                && r.phase == memory_console::store::Phase::Outcome
        })
        .map(|r| (r.store.unwrap_or_default(), r.result, r.http_status))
        .collect();
    use memory_console::store::AuditResult;
    // The chat line claims no status: a store's restore is several POSTs, not one answer.
    assert_eq!(
        outcomes,
        vec![
            ("chat".to_owned(), Some(AuditResult::Ok), None),
            ("mentor".to_owned(), Some(AuditResult::Failed), Some(404)),
            ("course".to_owned(), Some(AuditResult::Refused), None),
        ]
    );
}

/// A restore that stops in the last store (course) after chat and mentor memory were written
/// goes on when run again: what it wrote is noted in the backup, so nothing is written twice
/// and nothing it wrote is refused as memory gathered since.
#[tokio::test]
async fn a_restore_stopped_in_a_later_store_goes_on_without_writing_twice() {
    let s = setup(MockConfig::default()).await;
    let mentor_before = s.mentor_pairs("multi.mia");
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    s.state()
        .set_store_unavailable(MockStore::Course, Some(405));
    let err = s.ops.restore(&path, None).await.unwrap_err();
    assert!(
        matches!(
            &err,
            memory_console::ops::RestoreError::StorePartial {
                store: StoreKind::Course,
                ..
            }
        ),
        "{err:?}"
    );
    let noted = read_backup(&path).expect("backup");
    assert_eq!(noted.restored_rows.len(), 3, "chat rows noted");
    assert_eq!(noted.revived_mentor.len(), 4, "mentor memories noted");
    assert!(
        noted.revived_mentor.iter().all(|(_, ids)| !ids.is_empty()),
        "with the entry ids the server gave: {:?}",
        noted.revived_mentor
    );

    s.state().set_store_unavailable(MockStore::Course, None);
    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("the second restore goes on");
    assert!(done.created.is_empty(), "chat is not written twice");
    assert_eq!(done.mentor_memories, 0, "mentor is not written twice");
    assert_eq!(done.course_created.len(), 2);
    assert_eq!(
        s.state().memory("main", "multi.mia").map(|m| m.len()),
        Some(3)
    );
    assert_eq!(s.mentor_pairs("multi.mia"), mentor_before);
    assert!(read_backup(&path).expect("backup").restored_at.is_some());
}

/// A restore stopped in course memory, then the user's chat and mentor memory erased again
/// before it is resumed: the notes of what the stopped run wrote no longer hold, so the
/// resumed restore writes every store again rather than call the backup restored.
#[tokio::test]
async fn a_resumed_restore_writes_again_what_was_erased_after_it_stopped() {
    let s = setup(MockConfig::default()).await;
    let mentor_before = s.mentor_pairs("multi.mia");
    let chat_before = s.state().memory("main", "multi.mia").expect("user").len();
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    s.state()
        .set_store_unavailable(MockStore::Course, Some(405));
    s.ops
        .restore(&path, None)
        .await
        .expect_err("stopped in course");
    assert_eq!(s.mentor_pairs("multi.mia"), mentor_before, "mentor written");

    let again = s
        .ops
        .forget(
            &main_org(),
            &UserRef::by_name("multi.mia"),
            &[StoreKind::Chat, StoreKind::Mentor],
        )
        .await;
    assert!(again.backup.is_some(), "{again:?}");
    assert!(s.mentor_pairs("multi.mia").is_empty(), "erased again");
    s.state().set_store_unavailable(MockStore::Course, None);
    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("the resumed restore finishes");
    assert_eq!(done.created.len(), chat_before, "chat written again");
    assert_eq!(done.mentor_memories, 4, "mentor written again");
    assert_eq!(done.course_created.len(), 2);
    assert_eq!(s.mentor_pairs("multi.mia"), mentor_before);
    assert_eq!(
        s.state().memory("main", "multi.mia").map(|m| m.len()),
        Some(chat_before)
    );
    assert!(read_backup(&path).expect("backup").restored_at.is_some());
}

/// Killed while a mentor POST and a course POST were answered but not yet noted: the
/// resumed restore knows them by their contents (category and keys and values; catalog
/// item, lessons and next steps) and goes on, writing neither twice nor refusing them.
#[tokio::test]
async fn a_restore_killed_during_a_store_post_adopts_what_the_server_wrote() {
    use memory_console::api::CourseMemoryWrite;
    let s = setup(MockConfig::default()).await;
    let mentor_before = s.mentor_pairs("multi.mia");
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    let mut held = read_backup(&path).expect("backup");
    // The killed run: chat written and noted, then one mentor memory and one course
    // memory written by the server whose answers never came back.
    held.restore_started_at = Some(time::OffsetDateTime::now_utc());
    memory_console::store::rewrite_backup(&path, &held).expect("noted start");
    let client = s.ops.client();
    client
        .create_mentor_memory(
            &main_org(),
            &mia(),
            &MentorMemoryWrite::recreate(&held.mentor[1]),
        )
        .await
        .expect("written");
    client
        .create_course_memory(
            &main_org(),
            &mia(),
            &CourseMemoryWrite::recreate(&held.course[0]),
        )
        .await
        .expect("written");

    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("the resumed restore goes on");
    assert_eq!(
        done.mentor_memories, 3,
        "the adopted one is not written again"
    );
    assert_eq!(done.course_created.len(), 1);
    assert_eq!(s.mentor_pairs("multi.mia"), mentor_before, "no duplicate");
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
    let noted = read_backup(&path).expect("backup");
    assert!(noted.revived_mentor.iter().any(|(row, _)| *row == 1));
    assert!(noted.revived_course.iter().any(|(row, _)| *row == 0));
    assert!(noted.restored_at.is_some());
}

/// The published course read shows one memory, so a course memory an earlier, killed run
/// wrote may be out of sight; the server's "must make a unique set" for that catalog item
/// then means "already written": the resumed restore notes it and finishes, writing nothing
/// twice.
#[tokio::test]
async fn a_resumed_restore_takes_a_unique_set_refusal_as_a_course_memory_written_before() {
    let (s, path) = killed_during_course_post(1, |held| assert_eq!(held.course.len(), 2)).await;

    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("the resumed restore finishes");
    assert!(done.course_created.is_empty(), "nothing written twice");
    assert_eq!(
        done.earlier.course, 2,
        "the one the server said it holds was written by the stopped run: counted"
    );
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
    let noted = read_backup(&path).expect("backup");
    assert_eq!(noted.revived_course.len(), 2, "{:?}", noted.revived_course);
    assert!(noted.restored_at.is_some());
}

/// On the published one-object course read, the memory an erase of one leaves is first seen
/// by its verifying read; it is noted, so the undo puts the erased one back beside it.
#[tokio::test]
async fn undo_of_one_course_memory_goes_beside_the_one_the_read_showed_after() {
    let s = setup(MockConfig::default()).await;
    let shown = s
        .ops
        .client()
        .course_memories(&main_org(), &mia())
        .await
        .expect("read")
        .into_items();
    assert_eq!(shown.len(), 1, "the published read shows one");
    let erased = s
        .ops
        .erase_course_memory(&main_org(), &mia(), &shown[0].id)
        .await
        .expect("erased");
    let held = read_backup(&erased.backup).expect("backup");
    assert_eq!(
        held.kept_course.len(),
        1,
        "the other one is named: {held:?}"
    );
    let restored = s
        .ops
        .restore(&erased.backup, None)
        .await
        .expect("the undo is not refused");
    assert_eq!(restored.course_created.len(), 1);
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
}

/// A course memory without a catalog item that a killed restore may have written cannot be
/// found again through the one-object read, and the server would take a second copy: the
/// resumed restore sends nothing for it and says why, rather than write it twice.
#[tokio::test]
async fn a_resumed_restore_does_not_resend_a_course_memory_it_cannot_check() {
    // The killed run wrote both and noted the first; the read shows the first only.
    let (s, path) = killed_during_course_post(1, |held| {
        for memory in &mut held.course {
            memory.catalog_item = None;
        }
    })
    .await;
    let err = s
        .ops
        .restore(&path, None)
        .await
        .expect_err("it cannot check");
    assert!(
        matches!(err, memory_console::ops::RestoreError::StoreUnsure { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("cannot be checked"), "{err}");
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2),
        "no second copy"
    );

    // The admin then erases the whole course store (as the message allows) and resumes:
    // what the stopped runs noted as written is gone, so it is written again, all of it.
    s.ops
        .erase_course_all(&main_org(), &mia())
        .await
        .expect("course store erased");
    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("the resumed restore finishes");
    assert_eq!(done.course_created.len(), 2, "both come back");
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
    let noted = read_backup(&path).expect("backup");
    assert!(noted.restored_at.is_some());
}

/// Killed before it wrote any course memory: the resumed restore's read finds the course
/// store empty, so nothing of the killed run can be out of sight, and a course memory
/// without a catalog item is written even after this run's own first POST makes the
/// one-object read show something.
#[tokio::test]
async fn a_resumed_restore_that_found_the_course_store_empty_writes_every_course_memory() {
    let s = setup(MockConfig::default()).await;
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    let mut held = read_backup(&path).expect("backup");
    assert_eq!(held.course.len(), 2);
    held.course[1].catalog_item = None;
    held.restore_started_at = Some(time::OffsetDateTime::now_utc());
    memory_console::store::rewrite_backup(&path, &held).expect("noted start");

    let done = s.ops.restore(&path, None).await.expect("nothing to doubt");
    assert_eq!(done.course_created.len(), 2);
    assert!(read_backup(&path).expect("backup").restored_at.is_some());
}

/// Killed during its first course POST: the one memory the read shows is that POST's, so
/// it is adopted, and the course memories after it, never sent, are written even without a
/// catalog item: only the POST in flight can be in doubt.
#[tokio::test]
async fn only_the_course_post_in_flight_can_be_in_doubt() {
    let (s, path) = killed_during_course_post(0, |held| {
        for memory in &mut held.course {
            memory.catalog_item = None;
        }
    })
    .await;
    let held = read_backup(&path).expect("backup");

    let done = s
        .ops
        .restore(&path, None)
        .await
        .expect("nothing after the adopted one is in doubt");
    assert_eq!(done.course_created.len(), held.course.len() - 1);
    assert_eq!(done.earlier.course, 1);
    assert_eq!(
        s.state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(held.course.len())
    );
}

/// multi.mia forgotten, then a restore of its course memory (the backup, changed by
/// `adjust` first, keeps course memory only) killed during the POST of course row
/// `in_flight`: every course memory before it was written and noted, that one was written
/// by the server and not noted, and none after it was sent.
async fn killed_during_course_post(
    in_flight: usize,
    adjust: impl FnOnce(&mut Backup),
) -> (Setup, std::path::PathBuf) {
    use memory_console::api::CourseMemoryWrite;
    let s = setup(MockConfig::default()).await;
    let report = forget_all(&s, "multi.mia").await;
    let path = report.backup.expect("backup");
    let mut held = read_backup(&path).expect("backup");
    held.entries.clear();
    held.mentor.clear();
    adjust(&mut held);
    assert!(in_flight < held.course.len());
    held.restore_started_at = Some(time::OffsetDateTime::now_utc());
    memory_console::store::rewrite_backup(&path, &held).expect("noted start");
    for (row, memory) in held.course.iter().enumerate().take(in_flight + 1) {
        let written = s
            .ops
            .client()
            .create_course_memory(&main_org(), &mia(), &CourseMemoryWrite::recreate(memory))
            .await
            .expect("written by the killed run");
        if row < in_flight {
            let mut noted = read_backup(&path).expect("backup");
            noted.revived_course.push((row, written.id));
            memory_console::store::rewrite_backup(&path, &noted).expect("noted");
        }
    }
    (s, path)
}
