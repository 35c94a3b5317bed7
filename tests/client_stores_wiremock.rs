//! The client's mentor-memory and course-memory methods against wiremock: hostile answers
//! (Prism-style examples, a `next` to another host, inflated `count`, odd ids and free JSON),
//! stores a server does not offer, path encoding of category names, and 429s.

use std::time::Duration;

use memory_console::api::{
    ApiClient, ApiError, ClientSettings, EraseOutcome, MentorMemoryWrite, MentorQuery, OrgScope,
    RetryPolicy, StoreRead, UserRef,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "canary-key-51c0";
const MEMORIES: &str = "/api/ai-mentor/orgs/main/users/johndoe/memories/";
const COURSE: &str = "/api/ai-prompt/orgs/main/users/johndoe/memory/";

fn client(server: &MockServer) -> ApiClient {
    let mut s = ClientSettings::new(server.uri(), SecretString::from(KEY));
    s.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    ApiClient::new(&s).expect("test settings are valid")
}

fn org() -> OrgScope {
    OrgScope::new("main")
}

fn john() -> UserRef {
    UserRef::by_name("johndoe")
}

fn memory(id: &str) -> Value {
    json!({"mode": "guided", "name": "user memory 1", "unique_id": id, "username": "myuser",
        "platform": "main", "mentor": "2126ee0f-17ac-433e-8f40-abbd3a918ea5",
        "catalog_item_type": "course", "catalog_item_id": "course-v1:abcdf",
        "entries": [{"key": "name", "value": "myname", "inserted_at": "2024-03-10T12:00:00Z",
                     "updated_at": "2024-03-11T14:30:00Z", "expires_at": "2024-03-13T14:30:00Z"}],
        "inserted_at": "2024-03-10T12:00:00Z", "updated_at": "2024-03-11T14:30:00Z",
        "is_auto_generated": false, "category": "important"})
}

fn page(count: u64, next: Option<String>, results: Vec<Value>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "count": count, "next": next, "previous": null, "results": results
    }))
}

#[tokio::test]
async fn a_prism_example_page_is_read_once_without_looping() {
    let server = MockServer::start().await;
    // Prism answers every request with the same example: count 123, next on another host.
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(page(
            123,
            Some("http://api.example.org/accounts/?page=4".into()),
            vec![memory("c0901cee-3c03-4bad-b445-07847bb6969e")],
        ))
        .mount(&server)
        .await;
    let read = client(&server)
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap();
    let StoreRead::Items(listing) = read else {
        panic!("a 200 is not a gap")
    };
    assert_eq!(listing.memories.len(), 1);
    assert_eq!(listing.count, Some(123));
    assert_eq!(
        listing.shortfall(),
        122,
        "the inflated count is visible to callers"
    );
    let asked: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        asked.len(),
        2,
        "page 1, then page 4 of our own server: {asked:?}"
    );
    assert!(asked[1].contains("page=4"), "{asked:?}");
}

#[tokio::test]
async fn a_next_on_another_host_is_never_followed_and_gets_no_key() {
    let ours = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .and(query_param("page", "1"))
        .respond_with(page(
            3,
            Some(format!("{}/steal/?page=2&page_size=2", elsewhere.uri())),
            vec![memory("a"), memory("b")],
        ))
        .mount(&ours)
        .await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .and(query_param("page", "2"))
        .respond_with(page(3, None, vec![memory("c")]))
        .mount(&ours)
        .await;
    let listing = client(&ours)
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    let ids: Vec<_> = listing
        .memories
        .iter()
        .filter_map(|m| m.unique_id.as_deref())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );
    for r in ours.received_requests().await.expect("recorded") {
        assert_eq!(r.url.path(), MEMORIES, "only our own path is asked for");
    }
}

#[tokio::test]
async fn a_next_without_a_page_number_stops_with_a_clear_error() {
    let ours = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(page(
            9,
            Some(format!("{}/x/?cursor=abc", elsewhere.uri())),
            vec![memory("a")],
        ))
        .expect(1)
        .mount(&ours)
        .await;
    let err = client(&ours)
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("no page number"), "{err}");
    assert!(!err.to_string().contains(KEY));
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );
}

#[tokio::test]
async fn count_larger_than_results_and_repeated_pages_end_the_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .and(query_param("page", "1"))
        .respond_with(page(
            50,
            Some(format!("{}{MEMORIES}?page=2", server.uri())),
            vec![memory("a"), memory("b")],
        ))
        .mount(&server)
        .await;
    // Page 2 points back at page 1: a loop a naive walker would never leave.
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .and(query_param("page", "2"))
        .respond_with(page(
            50,
            Some(format!("{}{MEMORIES}?page=1", server.uri())),
            vec![memory("c")],
        ))
        .mount(&server)
        .await;
    let listing = client(&server)
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    assert_eq!(listing.memories.len(), 3);
    assert_eq!(listing.shortfall(), 47);
    assert_eq!(server.received_requests().await.expect("recorded").len(), 2);
}

#[tokio::test]
async fn course_memory_with_odd_ids_and_free_json_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1, "student": "johndoe", "platform": "main",
            "catalog_item": "course-v1:edX+DemoX+Demo_Course",
            "lessons": {"completed": ["lesson1", "lesson2"], "in_progress": ["lesson3"]},
            "next_steps": {"recommended": ["lesson4", "lesson5"]}, "unknown": [1, 2]
        })))
        .mount(&server)
        .await;
    let memories = client(&server)
        .course_memories(&org(), &john())
        .await
        .unwrap()
        .into_items();
    assert_eq!(memories.len(), 1);
    let m = &memories[0];
    assert_eq!(m.id, "1");
    assert_eq!(
        m.catalog_item.as_deref(),
        Some("course-v1:edX+DemoX+Demo_Course")
    );
    assert_eq!(m.lessons["in_progress"][0], "lesson3");
    assert_eq!(m.next_steps["recommended"][1], "lesson5");
}

#[tokio::test]
async fn a_list_of_course_memories_with_hostile_text_is_read_as_it_is() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "77", "platform": "main", "student": null, "lessons": "\u{1b}]0;pwned\u{7}"},
            {"id": 78, "platform": "main", "student": "x", "lessons": [1, {"a": null}], "next_steps": null}
        ])))
        .mount(&server)
        .await;
    let memories = client(&server)
        .course_memories(&org(), &john())
        .await
        .unwrap()
        .into_items();
    let ids: Vec<_> = memories.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["77", "78"]);
    assert_eq!(
        memories[0].lessons,
        json!("\u{1b}]0;pwned\u{7}"),
        "bytes kept; escaping is the UI's job"
    );
}

#[tokio::test]
async fn a_store_answering_404_or_405_reads_as_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(
            ResponseTemplate::new(405)
                .set_body_json(json!({"detail": "Method \"GET\" not allowed."})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COURSE))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Memory not found"})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let mentor = c
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap();
    let gap = mentor.gap().expect("405 is a gap");
    assert_eq!(gap.status, 405);
    assert!(gap.to_string().contains("not offered"), "{gap}");
    assert!(mentor.into_items().memories.is_empty());
    let course = c.course_memories(&org(), &john()).await.unwrap();
    assert_eq!(course.gap().map(|g| g.status), Some(404));
    assert!(
        course
            .gap()
            .is_some_and(|g| g.to_string().contains("Memory not found"))
    );
}

#[tokio::test]
async fn other_failures_stay_errors_not_empty_stores() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"detail": "no"})))
        .mount(&server)
        .await;
    let c = client(&server);
    let e = c
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }));
    assert!(c.course_memories(&org(), &john()).await.is_err());
}

#[tokio::test]
async fn category_names_are_one_encoded_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let c = client(&server);
    for name in ["notes/2024 spring", "../memories", "a?b#c", "%2e%2e"] {
        let outcome = c
            .erase_mentor_category(&org(), &john(), name)
            .await
            .unwrap();
        assert_eq!(outcome, EraseOutcome::Erased);
    }
    for refused in ["..", ".", ""] {
        assert!(matches!(
            c.erase_mentor_category(&org(), &john(), refused).await,
            Err(ApiError::InvalidRequest(_))
        ));
    }
    let paths: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    let base = "/api/ai-mentor/orgs/main/users/johndoe/memory-entries/";
    assert_eq!(
        paths,
        [
            format!("{base}notes%2F2024%20spring/"),
            format!("{base}..%2Fmemories/"),
            format!("{base}a%3Fb%23c/"),
            format!("{base}%252e%252e/"),
        ]
    );
}

#[tokio::test]
async fn a_missing_entry_or_memory_erases_nothing_there() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Memory not found."})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        c.erase_mentor_entry(&org(), &john(), "x").await.unwrap(),
        EraseOutcome::NothingThere
    );
    assert_eq!(
        c.erase_mentor_memory(&org(), &john(), "x").await.unwrap(),
        EraseOutcome::NothingThere
    );
    assert_eq!(
        c.erase_course_memories(&org(), &john()).await.unwrap(),
        EraseOutcome::NothingThere
    );
}

#[tokio::test]
async fn a_429_is_waited_out_for_reads_and_writes_until_the_policy_gives_up() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .respond_with(page(1, None, vec![memory("a")]))
        .mount(&server)
        .await;
    // A 429 was refused before it was taken: the POST is sent again, as often as the
    // client's policy allows, then the 429 is the answer.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(2..)
        .mount(&server)
        .await;
    let c = client(&server);
    let listing = c
        .all_mentor_memories(&org(), &john(), &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    assert_eq!(listing.memories.len(), 1);
    let e = c
        .create_mentor_memory(&org(), &john(), &MentorMemoryWrite::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::RateLimited { .. }), "{e:?}");
}

#[tokio::test]
async fn filters_go_on_the_query_and_a_post_answer_of_one_memory_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEMORIES))
        .and(query_param("category", "personal_information"))
        .and(query_param("mode", "guided"))
        .and(query_param("page", "3"))
        .respond_with(page(1, None, vec![memory("a")]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(MEMORIES))
        .respond_with(ResponseTemplate::new(200).set_body_json(memory("new")))
        .mount(&server)
        .await;
    let c = client(&server);
    let q = MentorQuery {
        category: Some("personal_information".into()),
        mode: Some("guided".into()),
        page: Some(3),
        ..MentorQuery::default()
    };
    let p = c.mentor_memories(&org(), &john(), &q).await.unwrap();
    assert_eq!(p.results.len(), 1);
    let created = c
        .create_mentor_memory(&org(), &john(), &MentorMemoryWrite::default())
        .await
        .unwrap();
    assert_eq!(created.results[0].unique_id.as_deref(), Some("new"));
}
