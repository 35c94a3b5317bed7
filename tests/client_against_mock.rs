//! The project's API client against the project's mock server over loopback: every operation,
//! the queued-update lifecycle, and each injected fault.

use std::time::{Duration, Instant};

use memory_console::api::{
    ApiClient, ApiError, ClientSettings, EraseOutcome, MemoryWrite, OrgScope, PageCursor,
    RetryPolicy, TaskPhase, UserRef, UsersQuery,
};
use memory_console::mock::{MemoryShape, MockConfig, MockServer};
use reqwest::Method;
use secrecy::SecretString;

async fn mock(config: MockConfig) -> (MockServer, ApiClient) {
    let server = MockServer::start(config.with_api_key("test-key"))
        .await
        .expect("mock starts");
    let mut settings = ClientSettings::new(server.base_url(), SecretString::from("test-key"));
    settings.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let client = ApiClient::new(&settings).expect("client");
    (server, client)
}

fn quick() -> MockConfig {
    MockConfig::default().with_task_delay(Duration::from_millis(60))
}

fn main_org() -> OrgScope {
    OrgScope::new("main")
}

#[tokio::test]
async fn users_page_through_the_whole_org_and_search_works() {
    let (server, client) = mock(quick()).await;
    let total = server.state().user_count("main").expect("main exists");
    let mut cursor = PageCursor::with_page_size(37);
    let mut seen = Vec::new();
    while let Some(page) = cursor.next_page() {
        let p = client
            .list_users(
                &main_org(),
                &UsersQuery {
                    page,
                    page_size: 37,
                    search: String::new(),
                },
            )
            .await
            .unwrap();
        seen.extend(cursor.take(p).users.into_iter().map(|u| u.username));
    }
    assert_eq!(seen.len(), total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), total, "no user twice");
    let hits = client
        .list_users(
            &main_org(),
            &UsersQuery {
                search: "HANNAH".into(),
                ..UsersQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(hits.results.iter().any(|u| u.username == "hostile.hannah"));
    let info = client.org_info(&main_org()).await.unwrap();
    assert_eq!(info.key, "main");
}

#[tokio::test]
async fn memory_lifecycle_create_update_queue_erase() {
    let (server, client) = mock(quick()).await;
    let org = main_org();
    let nick = UserRef::by_name("no.memory.nick");
    assert!(client.get_memory(&org, &nick).await.unwrap().is_empty());
    let hostile = "a\u{1b}]0;x\u{7}\r\n\u{202e}b 😀";
    let created = client
        .create_memory(&org, &nick, &MemoryWrite::new(hostile))
        .await
        .unwrap();
    assert_eq!(created.text(), hostile);
    let read = client.get_memory(&org, &nick).await.unwrap();
    assert_eq!(read[0].text(), hostile, "content round-trips byte for byte");

    let queued = client
        .replace_memory(&org, &nick, &MemoryWrite::new("replaced"))
        .await
        .unwrap();
    assert_eq!(
        client.get_memory(&org, &nick).await.unwrap()[0].text(),
        hostile,
        "not before the task ends"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let s = client
            .task_state(&org, &nick, &queued.task_id)
            .await
            .unwrap();
        if s.phase == TaskPhase::Done {
            break;
        }
        assert_ne!(s.phase, TaskPhase::Failed);
        assert!(Instant::now() < deadline, "task never completed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        client.get_memory(&org, &nick).await.unwrap()[0].text(),
        "replaced"
    );

    let id = created.id;
    client
        .update_entry(&org, &nick, id, &MemoryWrite::new("entry edit"))
        .await
        .unwrap();
    assert_eq!(
        client.get_memory(&org, &nick).await.unwrap()[0].text(),
        "entry edit"
    );

    assert!(client.memory_status(&org, &nick).await.unwrap().enabled);
    assert!(
        !client
            .set_memory_enabled(&org, &nick, false)
            .await
            .unwrap()
            .enabled
    );
    assert_eq!(
        server.state().memory_enabled("main", "no.memory.nick"),
        Some(false)
    );

    assert_eq!(
        client.erase_entry(&org, &nick, id).await.unwrap(),
        EraseOutcome::Erased
    );
    client
        .create_memory(&org, &nick, &MemoryWrite::new("again"))
        .await
        .unwrap();
    assert_eq!(
        client.erase_memory(&org, &nick).await.unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        client.erase_memory(&org, &nick).await.unwrap(),
        EraseOutcome::NothingThere
    );
    assert!(client.get_memory(&org, &nick).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_task_leaves_the_memory_unchanged() {
    let (_server, client) = mock(quick().with_fail_rate(1.0)).await;
    let org = main_org();
    let olga = UserRef::by_name("one.line.olga");
    let before = client.get_memory(&org, &olga).await.unwrap();
    let q = client
        .replace_memory(&org, &olga, &MemoryWrite::new("lost?"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let s = client.task_state(&org, &olga, &q.task_id).await.unwrap();
    assert_eq!(s.phase, TaskPhase::Failed, "raw state {}", s.raw);
    assert_eq!(client.get_memory(&org, &olga).await.unwrap(), before);
}

#[tokio::test]
async fn the_list_shape_decodes_to_all_entries() {
    let (_server, client) = mock(quick().with_memory_shape(MemoryShape::List)).await;
    let mia = client
        .get_memory(&main_org(), &UserRef::by_name("multi.mia"))
        .await
        .unwrap();
    assert_eq!(mia.len(), 3);
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_only() {
    let (server, client) = mock(quick().with_error_rate(1.0)).await;
    let org = main_org();
    let olga = UserRef::by_name("one.line.olga");
    let e = client.get_memory(&org, &olga).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    assert_eq!(server.state().count(Method::GET), 3);
    let e = client.erase_memory(&org, &olga).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }));
    assert_eq!(server.state().count(Method::DELETE), 1);
}

/// A throttle is waited out, with more tries than a failure gets, but only within the
/// request's total time; then it is reported.
#[tokio::test]
async fn throttling_is_waited_out_then_reported() {
    let (server, _) = mock(quick().with_throttle_rate(1.0)).await;
    let mut settings = ClientSettings::new(server.base_url(), SecretString::from("test-key"));
    settings.timeouts.total = Duration::from_secs(4);
    let client = ApiClient::new(&settings).expect("client");
    let started = Instant::now();
    let e = client
        .get_memory(&main_org(), &UserRef::by_name("one.line.olga"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{e:?}"
    );
    let tries = server.state().count(Method::GET);
    assert!(
        (4..=5).contains(&tries),
        "more than the usual 3 tries, as many as 4 s allow: {tries}"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(2900),
        "Retry-After: 1 honoured each time"
    );
}

#[tokio::test]
async fn a_slow_mock_times_the_client_out() {
    let server = MockServer::start(
        quick()
            .with_api_key("k")
            .with_latency(Duration::from_millis(800)),
    )
    .await
    .unwrap();
    let mut settings = ClientSettings::new(server.base_url(), SecretString::from("k"));
    settings.timeouts.total = Duration::from_millis(100);
    let client = ApiClient::new(&settings).unwrap();
    let e = client
        .erase_memory(&main_org(), &UserRef::by_name("one.line.olga"))
        .await
        .unwrap_err();
    assert_eq!(e, ApiError::Timeout);
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized() {
    let server = MockServer::start(quick().with_api_key("right"))
        .await
        .unwrap();
    let client = ApiClient::new(&ClientSettings::new(
        server.base_url(),
        SecretString::from("wrong"),
    ))
    .unwrap();
    let e = client
        .get_memory(&main_org(), &UserRef::by_name("one.line.olga"))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
}
