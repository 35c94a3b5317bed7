//! The API client against wiremock: what goes on the wire, and how every answer is read.

use std::time::{Duration, Instant};

use memory_console::api::{
    ApiClient, ApiError, ClientSettings, EraseOutcome, MemoryWrite, OrgScope, RetryPolicy, TaskId,
    TaskPhase, UserPath, UserRef, UsersQuery,
};
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "canary-key-7f3a9c";
const MEM: &str = "/api/ai-prompt/orgs/main/users/johndoe/all-chats-memory/";

fn settings(server: &MockServer) -> ClientSettings {
    let mut s = ClientSettings::new(server.uri(), SecretString::from(KEY));
    s.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    s
}

fn client(server: &MockServer) -> ApiClient {
    ApiClient::new(&settings(server)).expect("test settings are valid")
}

fn org() -> OrgScope {
    OrgScope::new("main")
}

fn john() -> UserRef {
    UserRef::by_name("johndoe")
}

fn entry(content: &str) -> serde_json::Value {
    json!({"id": 1, "username": "johndoe", "platform_key": "main", "content": content,
           "session_id": "937d3d46-3048-4f9d-aa5c-ce7c51d85332"})
}

#[tokio::test]
async fn list_users_sends_org_page_and_query_with_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/core/platform/users/"))
        .and(query_param("platform_key", "main"))
        .and(query_param("page", "2"))
        .and(query_param("page_size", "25"))
        .and(query_param("query", "ann"))
        .and(header("authorization", format!("Api-Key {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 35, "next_page": 3, "previous_page": 1,
            "results": [{"username": "ann", "user_id": 36, "name": "Ann", "email": "ann@example.com", "unknown": true}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .list_users(
            &org(),
            &UsersQuery {
                page: 2,
                page_size: 25,
                search: "ann".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(page.count, 35);
    assert_eq!(page.next_page, Some(3));
    assert_eq!(page.results[0].user_id, Some(36));
}

#[tokio::test]
async fn an_empty_search_sends_no_query_parameter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("query"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"count": 0, "next_page": 1, "previous_page": 1, "results": []}),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let q = UsersQuery {
        search: "  ".into(),
        ..UsersQuery::default()
    };
    client(&server).list_users(&org(), &q).await.unwrap();
}

#[tokio::test]
async fn org_info_asks_by_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/core/platform/"))
        .and(query_param("key", "main"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"key": "main", "name": "Main Campus", "status": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let info = client(&server).org_info(&org()).await.unwrap();
    assert_eq!(info.name.as_deref(), Some("Main Campus"));
}

#[tokio::test]
async fn get_memory_reads_all_three_shapes_and_404_as_none() {
    for body in [
        entry("hello"),
        json!([entry("hello")]),
        json!({"count": 1, "results": [entry("hello")]}),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(MEM))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let entries = client(&server).get_memory(&org(), &john()).await.unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].text(), "hello");
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"detail": "Not found."})))
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .get_memory(&org(), &john())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn create_posts_username_platform_key_and_content() {
    let server = MockServer::start().await;
    let mut scope = org();
    scope.platform_key = "main-platform".into();
    Mock::given(method("POST"))
        .and(path(MEM))
        .and(body_json(json!({"username": "johndoe", "platform_key": "main-platform", "content": "a\u{1b}[31mb\r\n"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(entry("a\u{1b}[31mb\r\n")))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .create_memory(&scope, &john(), &MemoryWrite::new("a\u{1b}[31mb\r\n"))
        .await
        .unwrap();
    assert_eq!(
        e.text(),
        "a\u{1b}[31mb\r\n",
        "content round-trips byte for byte"
    );
}

#[tokio::test]
async fn replace_is_queued_and_returns_the_task() {
    let server = MockServer::start().await;
    let session = "937d3d46-3048-4f9d-aa5c-ce7c51d85332";
    Mock::given(method("PUT"))
        .and(path(MEM))
        .and(body_json(json!({"username": "johndoe", "platform_key": "main", "content": "new", "session_id": session})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"task_id": "task-123", "message": "Memory update scheduled successfully"})))
        .expect(1)
        .mount(&server)
        .await;
    let write = MemoryWrite {
        content: "new".into(),
        session_id: Some(session.into()),
    };
    let q = client(&server)
        .replace_memory(&org(), &john(), &write)
        .await
        .unwrap();
    assert_eq!(q.task_id, TaskId("task-123".into()));
}

#[tokio::test]
async fn entry_update_and_erase_address_the_entry() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(format!("{MEM}7/")))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("x")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{MEM}7/")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    c.update_entry(&org(), &john(), 7, &MemoryWrite::new("x"))
        .await
        .unwrap();
    assert_eq!(
        c.erase_entry(&org(), &john(), 7).await.unwrap(),
        EraseOutcome::Erased
    );
}

#[tokio::test]
async fn erase_tells_erased_from_nothing_there() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(204))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(MEM))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(
        c.erase_memory(&org(), &john()).await.unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        c.erase_memory(&org(), &john()).await.unwrap(),
        EraseOutcome::NothingThere
    );
}

#[tokio::test]
async fn memory_status_get_and_put() {
    let server = MockServer::start().await;
    let status = "/api/ai-prompt/orgs/main/users/johndoe/chat-memory-status/";
    Mock::given(method("GET"))
        .and(path(status))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": 1, "username": "johndoe", "platform_key": "main", "enabled": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(status))
        .and(body_json(json!({"enabled": false})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": 1, "username": "johndoe", "platform_key": "main", "enabled": false}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(c.memory_status(&org(), &john()).await.unwrap().enabled);
    assert!(
        !c.set_memory_enabled(&org(), &john(), false)
            .await
            .unwrap()
            .enabled
    );
}

#[tokio::test]
async fn task_ids_are_percent_encoded_and_states_keep_the_raw_word() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/ai-mentor/orgs/main/users/johndoe/tasks/a%2Fb%3Fc",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"task": "SUCCESS"})))
        .expect(1)
        .mount(&server)
        .await;
    let s = client(&server)
        .task_state(&org(), &john(), &TaskId("a/b?c".into()))
        .await
        .unwrap();
    assert_eq!(s.phase, TaskPhase::Done);
    assert_eq!(s.raw, "SUCCESS");
}

#[tokio::test]
async fn users_can_be_addressed_by_numeric_id_and_the_scheme_word_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/ai-prompt/orgs/main/users/36/all-chats-memory/"))
        .and(header("authorization", format!("Token {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("x")))
        .expect(1)
        .mount(&server)
        .await;
    let mut s = settings(&server);
    s.user_path = UserPath::UserId;
    s.auth_scheme = "Token".into();
    let c = ApiClient::new(&s).unwrap();
    let user = UserRef {
        username: "johndoe".into(),
        user_id: Some(36),
    };
    c.get_memory(&org(), &user).await.unwrap();
    let err = c.get_memory(&org(), &john()).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidRequest(_)), "{err}");
}

async fn answer(status: u16, body: &str, extra: Option<(&str, &str)>) -> Result<(), ApiError> {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json");
    if let Some((k, v)) = extra {
        t = t.insert_header(k, v);
    }
    Mock::given(method("PUT"))
        .respond_with(t)
        .mount(&server)
        .await;
    client(&server)
        .set_memory_enabled(&org(), &john(), true)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn every_status_maps_to_its_error() {
    let e = answer(401, r#"{"detail": "Invalid API key."}"#, None)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::Unauthorized {
            detail: Some("Invalid API key.".into())
        }
    );
    assert!(e.advice("IBL_API_KEY").contains("IBL_API_KEY"));
    let e = answer(403, r#"{"detail": "nope"}"#, None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }));
    let e = answer(404, r#"{"detail": "Not found."}"#, None)
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }));
    let e = answer(400, r#"{"enabled": ["This field is required."]}"#, None)
        .await
        .unwrap_err();
    match &e {
        ApiError::Validation {
            status: 400,
            messages,
        } => {
            assert_eq!(messages[0].field.as_deref(), Some("enabled"));
            assert_eq!(messages[0].message, "This field is required.");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("enabled: This field is required."));
    // 21 s is past the whole request's 20 s, so the throttle is the answer at once.
    let e = answer(429, "", Some(("retry-after", "21")))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(21))
        }
    );
    let e = answer(500, "boom", None).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }));
    let e = answer(200, "<html>oops</html>", None).await.unwrap_err();
    match e {
        // An HTML page is named, not quoted as markup.
        ApiError::Malformed { excerpt, .. } => assert!(excerpt.contains("HTML page"), "{excerpt}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_failed_get_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("back")))
        .expect(1)
        .mount(&server)
        .await;
    let entries = client(&server).get_memory(&org(), &john()).await.unwrap();
    assert_eq!(entries[0].text(), "back");
}

#[tokio::test]
async fn gets_give_up_after_three_tries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let e = client(&server)
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 502, .. }));
}

/// A write that failed may have been taken (a 5xx, a timeout): it is not sent again. A 429
/// was refused before it was taken: it is sent again after its Retry-After.
#[tokio::test]
async fn writes_are_sent_again_only_after_a_429() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(entry("x")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(c.erase_memory(&org(), &john()).await.is_err());
    assert!(
        c.replace_memory(&org(), &john(), &MemoryWrite::new("x"))
            .await
            .is_err()
    );
    c.create_memory(&org(), &john(), &MemoryWrite::new("x"))
        .await
        .expect("sent again after the 429, once");
}

#[tokio::test]
async fn retry_after_is_waited_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("ok")))
        .mount(&server)
        .await;
    let started = Instant::now();
    client(&server).get_memory(&org(), &john()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3600))
        }
    );
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let server = MockServer::start().await;
    let big = json!({"id": 1, "username": "u", "platform_key": "p", "content": "x".repeat(4096)});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(big))
        .mount(&server)
        .await;
    let mut s = settings(&server);
    s.max_body_bytes = 1024;
    let e = ApiClient::new(&s)
        .unwrap()
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::TooLarge { limit: 1024 });
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let mut s = settings(&server);
    s.timeouts.total = Duration::from_millis(200);
    let e = ApiClient::new(&s)
        .unwrap()
        .erase_memory(&org(), &john())
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::Timeout);
}

#[tokio::test]
async fn a_silent_server_is_given_up_on_within_the_total_timeout_not_tried_thrice() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let mut s = settings(&server);
    s.timeouts.read = Duration::from_millis(300);
    s.timeouts.total = Duration::from_millis(500);
    s.retry.max_attempts = 3;
    let e = ApiClient::new(&s)
        .unwrap()
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::Timeout);
    let asked = server.received_requests().await.unwrap_or_default().len();
    assert_eq!(
        asked, 1,
        "a second try could not end within the total timeout"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut s = ClientSettings::new(format!("http://{addr}"), SecretString::from(KEY));
    s.retry.max_attempts = 1;
    let e = ApiClient::new(&s)
        .unwrap()
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Connection { .. }), "{e:?}");
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_never_carries_the_key() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("stolen")))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/steal", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let e = client(&server)
        .get_memory(&org(), &john())
        .await
        .unwrap_err();
    assert!(
        matches!(e, ApiError::UnexpectedStatus { status: 302, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("not followed"));
}

#[tokio::test]
async fn the_key_never_shows_in_debug_or_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid API key."})),
        )
        .mount(&server)
        .await;
    let s = settings(&server);
    assert!(!format!("{s:?}").contains(KEY));
    let c = ApiClient::new(&s).unwrap();
    assert!(!format!("{c:?}").contains(KEY));
    let e = c.get_memory(&org(), &john()).await.unwrap_err();
    assert!(!format!("{e} {e:?} {}", e.advice("IBL_API_KEY")).contains(KEY));
    let mut bad = settings(&server);
    bad.api_key = SecretString::from(format!("{KEY}\n"));
    bad.auth_scheme = "Api\nKey".into();
    let e = ApiClient::new(&bad).unwrap_err();
    assert!(!format!("{e} {e:?}").contains(KEY));
}

/// A throttle with a Retry-After gets more tries than a failure (within the request's total
/// time), so a run of 429s longer than the usual three tries is ridden out.
#[tokio::test]
async fn a_run_of_throttles_longer_than_the_usual_tries_is_ridden_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(5)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(entry("ok")))
        .mount(&server)
        .await;
    client(&server)
        .get_memory(&org(), &john())
        .await
        .expect("five 429s, then the answer");
}

/// A username too long for a URL (200 KB) is a request that cannot be built: said so, and
/// not blamed on the network ("could not reach the server").
#[tokio::test]
async fn a_request_that_cannot_be_built_is_not_a_network_error() {
    let server = MockServer::start().await;
    let huge = UserRef::by_name("x".repeat(200_000));
    let err = client(&server)
        .get_memory(&org(), &huge)
        .await
        .expect_err("no such URL");
    assert!(matches!(err, ApiError::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("could not be built"), "{err}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}
