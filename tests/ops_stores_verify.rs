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
const MENTOR: &str = "/api/ai-mentor/orgs/main/users/mia/";
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

fn mentor(id: &str, category: &str, value: &str) -> Value {
    json!({"unique_id": id, "name": "user memory", "username": "mia", "platform": "main",
        "category": category, "is_auto_generated": false,
        "entries": [{"unique_id": format!("{id}-e"), "key": "note", "value": value}]})
}

/// Before the DELETE of m-1: m-1 and m-2 of category "goals", m-3 of another. After it:
/// m-3, and m-4, a memory of "goals" someone added after the erase read: not one it erased.
struct AddedMeanwhile(Arc<Mutex<Vec<String>>>);

impl Respond for AddedMeanwhile {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut deleted = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if req.method == Method::DELETE {
            deleted.push(req.url.path().to_owned());
            return ResponseTemplate::new(204);
        }
        let results = if deleted.len() < 2 {
            vec![
                mentor("m-1", "goals", HOSTILE),
                mentor("m-2", "goals", "run a marathon"),
                mentor("m-3", "hobbies", "chess"),
            ]
        } else {
            vec![
                mentor("m-3", "hobbies", "chess"),
                mentor("m-4", "goals", "added meanwhile"),
            ]
        };
        ResponseTemplate::new(200).set_body_json(json!({
            "count": results.len(), "next": null, "previous": null, "results": results
        }))
    }
}

#[tokio::test]
async fn a_category_erase_is_verified_by_what_it_erased_not_by_what_was_added_since() {
    let server = MockServer::start().await;
    let deleted = Arc::default();
    Mock::given(method("GET"))
        .and(path(format!("{MENTOR}memories/")))
        .respond_with(AddedMeanwhile(Arc::clone(&deleted)))
        .mount(&server)
        .await;
    for id in ["m-1", "m-2"] {
        Mock::given(method("DELETE"))
            .and(path(format!("{MENTOR}memory/{id}/")))
            .respond_with(AddedMeanwhile(Arc::clone(&deleted)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let verify = VerifyPolicy {
        tries: 1,
        first_pause: Duration::from_millis(5),
        ..VerifyPolicy::default()
    };
    let erased = ops_for(&server.uri(), dir.path(), verify)
        .erase_mentor_category(&OrgScope::new("main"), &UserRef::by_name("mia"), "goals")
        .await
        .expect("the two memories it read are gone; m-4 is not one of them");
    assert_eq!(erased.items, 2, "entries erased");
    let backup = read_backup(&erased.backup).expect("backup");
    let ids: Vec<Option<&str>> = backup
        .mentor
        .iter()
        .map(|m| m.unique_id.as_deref())
        .collect();
    assert_eq!(ids, [Some("m-1"), Some("m-2")]);
    assert_eq!(backup.kept_mentor, ["m-3-e"]);
    let held = &backup.mentor[0].entries[0].value;
    assert_eq!(held.as_deref(), Some(HOSTILE), "byte for byte");
}

/// Shows m-1 and m-2 of "goals" and m-3 of another category until a DELETE comes; answers
/// every DELETE 404 (someone else erased the category first); then shows m-3 alone.
struct ErasedElsewhere(Arc<Mutex<bool>>);

impl Respond for ErasedElsewhere {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut deleted = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if req.method == Method::DELETE {
            *deleted = true;
            return ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."}));
        }
        let mut results = vec![mentor("m-3", "hobbies", "chess")];
        if !*deleted {
            results.push(mentor("m-1", "goals", HOSTILE));
            results.push(mentor("m-2", "goals", "run a marathon"));
        }
        ResponseTemplate::new(200).set_body_json(json!({
            "count": results.len(), "next": null, "previous": null, "results": results
        }))
    }
}

#[tokio::test]
async fn a_category_someone_else_erased_first_counts_no_entries_as_erased_here() {
    let server = MockServer::start().await;
    let deleted = Arc::default();
    Mock::given(method("GET"))
        .and(path(format!("{MENTOR}memories/")))
        .respond_with(ErasedElsewhere(Arc::clone(&deleted)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ErasedElsewhere(deleted))
        .expect(2)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let verify = VerifyPolicy {
        tries: 1,
        first_pause: Duration::from_millis(5),
        ..VerifyPolicy::default()
    };
    let erased = ops_for(&server.uri(), dir.path(), verify)
        .erase_mentor_category(&OrgScope::new("main"), &UserRef::by_name("mia"), "goals")
        .await
        .expect("the category reads empty");
    assert_eq!(erased.items, 0, "both DELETEs found nothing to delete");
    let backup = read_backup(&erased.backup).expect("the backup stays");
    assert_eq!(backup.mentor.len(), 2);
}
