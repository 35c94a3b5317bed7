//! What a restore's result tells its callers: whether a stopped restore wrote anything
//! (the console then says "stopped partway" and offers only the rest for undo, instead of
//! "refused" with nothing to re-read), which failures are the server's (they set the CLI's
//! exit code), and the one-line summary of what was written back.

use std::path::PathBuf;

use memory_console::api::{ApiError, CourseMemory, MemoryEntry, OrgScope, UserRef};
use memory_console::commands::{CmdError, Exit};
use memory_console::ops::{RestoreError, RestoreReport, StoreKind};
use memory_console::store::StoreError;

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

/// A report that wrote `chat` chat entries, `mentor` mentor memories of one entry each, and
/// `course` course memories.
fn report(chat: usize, mentor: usize, course_n: usize) -> RestoreReport {
    RestoreReport {
        backup_path: PathBuf::from("/backups/b.json"),
        org: OrgScope::new("main"),
        user: UserRef::by_name("johndoe"),
        created: (0..chat as i64).map(entry).collect(),
        skipped_null: Vec::new(),
        mentor_memories: mentor,
        mentor_entries: mentor,
        course_created: (0..course_n).map(|i| course(&i.to_string())).collect(),
        not_restored: Vec::new(),
        restored_at: None,
    }
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

#[test]
fn a_stopped_restore_wrote_something_exactly_when_a_write_was_answered() {
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
        assert!(!wrap(report(0, 0, 0)).wrote_something());
        for r in [report(1, 0, 0), report(0, 1, 0), report(0, 0, 1)] {
            let e = wrap(r.clone());
            assert!(e.wrote_something(), "{e}: {r:?}");
        }
    }
    // Written, only not noted (or not marked): always something.
    let noted = RestoreError::StoreProgress {
        user: "johndoe".into(),
        store: StoreKind::Mentor,
        report: Box::new(report(0, 0, 0)),
        source: disk_full(),
    };
    assert!(noted.wrote_something());
    let marked = RestoreError::Mark {
        report: Box::new(report(0, 0, 0)),
        source: disk_full(),
    };
    assert!(marked.wrote_something());
}

#[test]
fn only_the_servers_errors_set_the_exit_code() {
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
            report: Box::new(report(1, 0, 0)),
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
        store_unsure(report(1, 0, 0)),
    ];
    for e in &local {
        assert!(e.api().is_none(), "{e}");
        assert_eq!(CmdError::op("restore", e).exit, Exit::Other, "{e}");
    }
}

#[test]
fn the_summary_names_every_store_written_with_its_count() {
    let cases = [
        (report(3, 0, 0), "restored 3 entries for johndoe"),
        (report(1, 0, 0), "restored 1 entry for johndoe"),
        (report(0, 0, 0), "restored 0 entries for johndoe"),
        (
            report(2, 1, 0),
            "restored 2 entries of chat memory and 1 mentor memory (1 entry) for johndoe",
        ),
        (
            report(1, 2, 3),
            "restored 1 entry of chat memory, 2 mentor memories (2 entries) and 3 course memories for johndoe",
        ),
        (report(0, 0, 1), "restored 1 course memory for johndoe"),
        (
            report(0, 3, 2),
            "restored 3 mentor memories (3 entries) and 2 course memories for johndoe",
        ),
    ];
    for (r, want) in cases {
        assert_eq!(r.summary(), want, "{r:?}");
    }
}
