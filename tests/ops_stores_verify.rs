//! The re-reads after a delete in the stores beside chat memory (`verify_gone`): a server
//! that erases in the background is waited for between reads, under the verify policy's
//! pauses, before the erase is called "still there".

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use memory_console::api::{ApiClient, ClientSettings, OrgScope, RetryPolicy, UserRef};
use memory_console::ops::{Ops, Trail, VerifyPolicy};
use memory_console::store::{AuditContext, AuditLog, read_backup};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "canary-key-77e1";
const COURSE: &str = "/api/ai-prompt/orgs/main/users/mia/memory/";
const HOSTILE: &str = "\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}lesson\u{2066}";

fn ops_for(base_url: &str, dir: &Path, verify: VerifyPolicy) -> Ops {
    let mut settings = ClientSettings::new(base_url.to_owned(), SecretString::from(KEY));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    let log = AuditLog::open(dir.join("audit.jsonl")).expect("audit log");
    let ctx = AuditContext::new("test", base_url, &SecretString::from(KEY));
    Ops::new(client, Trail::new(log, ctx), "test", dir.join("backups")).with_verify(verify)
}

fn course(id: &str, lessons: &str) -> Value {
    json!({"id": id, "student": "mia", "platform": "main", "lessons": lessons,
        "next_steps": {"recommended": [lessons]}})
}

/// Shows course memories c-1, c-2 and c-3 until a set time after the DELETE of c-1, then
/// c-2 and c-3: a server that erases in the background, by the clock rather than by the
/// count of reads.
struct LateErase(Arc<Mutex<Option<Instant>>>, Duration);

impl Respond for LateErase {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut deleted = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if req.method == Method::DELETE {
            *deleted = Some(Instant::now());
            return ResponseTemplate::new(204);
        }
        let rest = [course("c-2", "stays"), course("c-3", HOSTILE)];
        let shown: Vec<Value> = match *deleted {
            Some(at) if at.elapsed() >= self.1 => rest.to_vec(),
            _ => std::iter::once(course("c-1", HOSTILE))
                .chain(rest)
                .collect(),
        };
        ResponseTemplate::new(200).set_body_json(shown)
    }
}

#[tokio::test]
async fn erasing_one_course_memory_waits_between_reads_for_a_server_that_erases_later() {
    let server = MockServer::start().await;
    // Gone 150 ms after its delete; the pauses between re-reads add up to 300 ms, so an
    // erase that waits as it should always sees it gone. Reads without the pauses come back
    // within a few milliseconds and still see it.
    let deleted = Arc::default();
    let after = Duration::from_millis(150);
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(LateErase(Arc::clone(&deleted), after))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{COURSE}c-1/")))
        .respond_with(LateErase(deleted, after))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let verify = VerifyPolicy {
        tries: 2,
        first_pause: Duration::from_millis(100),
        ..VerifyPolicy::default()
    };
    let erased = ops_for(&server.uri(), dir.path(), verify)
        .erase_course_memory(&OrgScope::new("main"), &UserRef::by_name("mia"), "c-1")
        .await
        .expect("erased once the server caught up");
    assert_eq!(erased.items, 1);
    let backup = read_backup(&erased.backup).expect("backup");
    let ids: Vec<&str> = backup.course.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["c-1"], "only the erased memory is in the backup");
    assert_eq!(backup.course[0].lessons, json!(HOSTILE), "byte for byte");
    assert_eq!(backup.kept_course, ["c-2", "c-3"]);
}
