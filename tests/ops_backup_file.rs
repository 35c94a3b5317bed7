//! The backup file's promise that a backup a sent DELETE relied on is never removed as an
//! orphan, even when the audit log stops accepting lines partway through the erase.
//!
//! The log "fills up" for real: when the server receives the first DELETE, the test lowers
//! this process's file size limit (`RLIMIT_FSIZE`) to the log's current length, so every
//! later append fails with EFBIG as on a full disk. The limit is process-wide, so this
//! file holds one test and runs alone in its binary; other tests' writes would fail too.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use memory_console::api::{ApiClient, ClientSettings, OrgScope, RetryPolicy, UserRef};
use memory_console::ops::{Ops, StoreFailure, Trail, VerifyPolicy};
use memory_console::store::{AuditContext, AuditLog, read_backup, read_recent};
use rustix::process::{Resource, Rlimit, Signal, getrlimit, setrlimit};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "canary-key-7d21";
const MEMORIES: &str = "/api/ai-mentor/orgs/main/users/johndoe/memories/";

/// A mentor memory of category `c` whose entry holds hostile text (ESC, OSC, bidi).
fn memory(id: &str, value: &str) -> Value {
    json!({"unique_id": id, "name": format!("memory {id}"), "category": "c",
        "entries": [{"unique_id": format!("{id}-e"), "key": "k", "value": value}]})
}

/// Accepts every DELETE; at the first one, before answering, makes the audit log full.
struct FillTheLogAtFirstDelete {
    audit: PathBuf,
    deletes: AtomicUsize,
}

impl Respond for FillTheLogAtFirstDelete {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.deletes.fetch_add(1, Ordering::SeqCst) == 0 {
            let len = std::fs::metadata(&self.audit).expect("audit log").len();
            let limit = Rlimit {
                current: Some(len),
                maximum: getrlimit(Resource::Fsize).maximum,
            };
            setrlimit(Resource::Fsize, limit).expect("lower the file size limit");
        }
        ResponseTemplate::new(204)
    }
}

fn ops_for(server: &MockServer, dir: &Path) -> Ops {
    let mut settings = ClientSettings::new(server.uri(), SecretString::from(KEY));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", &server.uri(), &SecretString::from(KEY));
    let verify = VerifyPolicy {
        tries: 2,
        first_pause: Duration::from_millis(5),
        ..VerifyPolicy::default()
    };
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups")).with_verify(verify)
}

#[tokio::test]
async fn a_backup_a_sent_delete_relied_on_survives_an_audit_log_that_fills_up() {
    // Past the limit the kernel also sends SIGXFSZ, whose default action ends the process;
    // with a handler registered the write just fails, as on a full disk.
    let _xfsz = signal(SignalKind::from_raw(Signal::XFSZ.as_raw())).expect("SIGXFSZ handler");
    let before = getrlimit(Resource::Fsize);
    let dir = tempfile::tempdir().expect("tempdir");
    let server = MockServer::start().await;
    let memories = vec![
        memory("m-1", "one \u{1b}[2J\u{1b}]0;pwned\u{7}"),
        memory("m-2", "two \u{202e}evil\u{2066}"),
        memory("m-3", "three"),
    ];
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 3, "next": null, "previous": null, "results": memories
        })))
        .mount(&server)
        .await;
    let audit = dir.path().join("audit.jsonl");
    Mock::given(method("DELETE"))
        .respond_with(FillTheLogAtFirstDelete {
            audit: audit.clone(),
            deletes: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let ops = ops_for(&server, dir.path());

    let result = ops
        .erase_mentor_category(&OrgScope::new("main"), &UserRef::by_name("johndoe"), "c")
        .await;
    setrlimit(Resource::Fsize, before).expect("restore the file size limit");

    let e = result.expect_err("the second intent line cannot be written");
    assert!(matches!(e.failure, StoreFailure::Audit(_)), "{e}");
    assert_eq!(e.erased, 1, "{e}");
    let deletes = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .count();
    assert_eq!(deletes, 1, "no DELETE without its intent line");
    // The first DELETE relied on the backup: it is the only copy of m-1 now, so it stays
    // on disk and the error names it (for undo).
    let backup = e
        .backup
        .expect("the error names the backup the sent DELETE relied on");
    let held = read_backup(&backup).expect("the backup is still on disk");
    let ids: Vec<_> = held
        .mentor
        .iter()
        .filter_map(|m| m.unique_id.as_deref())
        .collect();
    assert_eq!(ids, ["m-1", "m-2", "m-3"]);
    assert_eq!(
        held.mentor[0].entries[0].value.as_deref(),
        Some("one \u{1b}[2J\u{1b}]0;pwned\u{7}")
    );
    let lines = read_recent(&audit, 100).expect("audit");
    assert_eq!(lines.len(), 1, "only the first intent fit: {lines:?}");
}
