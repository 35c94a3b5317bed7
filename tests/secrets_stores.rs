//! A canary API key, with trace logging on, never shows up in the log or in errors while the
//! client works the mentor-memory and course-memory stores, including when a `next` link
//! names another host.

use memory_console::api::{
    ApiClient, ClientSettings, CourseMemoryWrite, MentorEntryWrite, MentorMemoryWrite, MentorQuery,
    OrgScope, UserRef,
};
use memory_console::mock::{MockConfig, MockServer};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, ResponseTemplate};

const CANARY: &str = "canary-3b9e-stores-key";

#[tokio::test]
async fn store_requests_never_log_or_report_the_key() {
    let logs = tempfile::tempdir().expect("tempdir");
    let guard = memory_console::logging::init_file_with(logs.path(), "trace").expect("log file");
    let mock = MockServer::start(MockConfig::default().with_api_key(CANARY))
        .await
        .expect("mock starts");
    let client = ApiClient::new(&ClientSettings::new(
        mock.base_url(),
        SecretString::from(CANARY),
    ))
    .expect("client");
    let org = OrgScope::new("main");
    let mia = UserRef::by_name("multi.mia");
    let listing = client
        .all_mentor_memories(
            &org,
            &mia,
            &MentorQuery {
                page_size: Some(1),
                ..MentorQuery::default()
            },
        )
        .await
        .expect("reads")
        .into_items();
    assert_eq!(listing.memories.len(), 4);
    let write = MentorMemoryWrite {
        category: Some("help_requests".into()),
        entries: vec![MentorEntryWrite {
            key: "k".into(),
            value: "v".into(),
            expires_at: None,
        }],
        ..MentorMemoryWrite::default()
    };
    client
        .create_mentor_memory(&org, &mia, &write)
        .await
        .expect("creates");
    client
        .erase_mentor_category(&org, &mia, "help_requests")
        .await
        .expect("erases");
    let bad = CourseMemoryWrite {
        catalog_item: Some("not-a-uuid".into()),
        lessons: json!({}),
        next_steps: json!(null),
    };
    let e = client
        .create_course_memory(&org, &mia, &bad)
        .await
        .expect_err("400");
    assert!(!format!("{e} {e:?}").contains(CANARY));
    client
        .erase_course_memories(&org, &mia)
        .await
        .expect("erases");

    // A page whose next link points at another host.
    let elsewhere = wiremock::MockServer::start().await;
    let ours = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "next": format!("{}/x/?page=2", elsewhere.uri()), "previous": null,
            "results": [{"unique_id": "a", "entries": []}]
        })))
        .up_to_n_times(1)
        .mount(&ours)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "next": null, "previous": null, "results": [{"unique_id": "b", "entries": []}]
        })))
        .mount(&ours)
        .await;
    let other = ApiClient::new(&ClientSettings::new(ours.uri(), SecretString::from(CANARY)))
        .expect("client");
    let two = other
        .all_mentor_memories(&org, &mia, &MentorQuery::default())
        .await
        .expect("reads")
        .into_items();
    assert_eq!(two.memories.len(), 2);
    assert!(
        elsewhere
            .received_requests()
            .await
            .expect("recorded")
            .is_empty()
    );

    let log_path = guard.path.clone();
    drop(guard);
    let log = std::fs::read_to_string(log_path).expect("log");
    assert!(log.contains("memory-entries"), "store requests were logged");
    assert!(
        log.contains("another origin"),
        "the foreign next link was noted"
    );
    assert!(!log.contains(CANARY), "the key is not in the trace log");
}
