//! The client's mentor-memory and course-memory methods against the project's mock over
//! loopback: each operation of each store, deletes that really delete, and the mock's faults.

use std::time::Duration;

use memory_console::api::{
    ApiClient, ApiError, ClientSettings, CourseMemoryWrite, EraseOutcome, MentorEntryUpdate,
    MentorEntryWrite, MentorMemoryWrite, MentorQuery, OrgScope, RetryPolicy, UserRef,
};
use memory_console::mock::{MemoryShape, MockConfig, MockServer, StoreKind};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;

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

fn org() -> OrgScope {
    OrgScope::new("main")
}

fn user(name: &str) -> UserRef {
    UserRef::by_name(name)
}

#[tokio::test]
async fn the_seed_has_users_with_memory_in_every_store() {
    let (server, client) = mock(MockConfig::default()).await;
    let everywhere = server.state().users_in_every_store("main");
    for named in [
        "hostile.hannah",
        "multi.mia",
        "paragraphs.pete",
        "unicode.yui",
    ] {
        assert!(
            everywhere.iter().any(|u| u == named),
            "{named}: {everywhere:?}"
        );
    }
    let mia = user("multi.mia");
    assert!(!client.get_memory(&org(), &mia).await.unwrap().is_empty());
    let mentor = client
        .all_mentor_memories(&org(), &mia, &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    let mut categories: Vec<_> = mentor
        .memories
        .iter()
        .filter_map(|m| m.category.clone())
        .collect();
    categories.sort();
    assert_eq!(
        categories,
        [
            "help_requests",
            "knowledge_gaps",
            "lessons_learned",
            "personal_information"
        ]
    );
    let expiries: Vec<_> = mentor
        .entries()
        .map(|(_, e)| e.expires_at.is_some())
        .collect();
    assert!(
        expiries.contains(&true) && expiries.contains(&false),
        "{expiries:?}"
    );
    let course = client
        .course_memories(&org(), &mia)
        .await
        .unwrap()
        .into_items();
    assert!(course[0].lessons.is_object());
    let nick = client
        .all_mentor_memories(&org(), &user("no.memory.nick"), &MentorQuery::default())
        .await
        .unwrap();
    assert_eq!(nick.items().map(|l| l.memories.len()), Some(0));
    let nick_course = client
        .course_memories(&org(), &user("no.memory.nick"))
        .await
        .unwrap();
    assert_eq!(
        nick_course.gap().map(|g| g.status),
        Some(404),
        "no course memory reads as a gap"
    );
}

#[tokio::test]
async fn mentor_memories_walk_every_page_and_filter() {
    let (server, client) = mock(MockConfig::default()).await;
    let admin = user("admin.ada");
    // Every user's memories through the admin route, three per page.
    let mut all = Vec::new();
    let mut q = MentorQuery {
        page_size: Some(3),
        page: Some(1),
        ..MentorQuery::default()
    };
    loop {
        let p = client
            .filtered_memories(&org(), &admin, &q, None)
            .await
            .unwrap();
        all.extend(p.results);
        if p.next.is_none() {
            break;
        }
        q.page = q.page.map(|n| n + 1);
    }
    assert!(all.len() > 10);
    let mia = user("multi.mia");
    let walked = client
        .all_mentor_memories(
            &org(),
            &mia,
            &MentorQuery {
                page_size: Some(1),
                ..MentorQuery::default()
            },
        )
        .await
        .unwrap()
        .into_items();
    assert_eq!(walked.memories.len(), 4, "four pages of one");
    assert_eq!(walked.shortfall(), 0);
    assert_eq!(
        server
            .state()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/multi.mia/memories/"))
            .count(),
        4
    );
    let gaps = client
        .mentor_memories(
            &org(),
            &mia,
            &MentorQuery {
                category: Some("knowledge_gaps".into()),
                ..MentorQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(gaps.count, Some(1));
    let only_mia = client
        .filtered_memories(&org(), &admin, &MentorQuery::default(), Some("multi.mia"))
        .await
        .unwrap();
    assert_eq!(only_mia.count, Some(4));
    let categories = client.memory_categories(&org(), &mia).await.unwrap();
    assert_eq!(
        &categories[..4],
        [
            "lessons_learned",
            "knowledge_gaps",
            "help_requests",
            "personal_information"
        ]
    );
    let filter = client.memory_filter(&org(), &admin).await.unwrap();
    assert!(filter.users.iter().any(|u| u.username == "multi.mia"));
}

#[tokio::test]
async fn mentor_entries_and_memories_create_read_update_erase() {
    let (server, client) = mock(MockConfig::default()).await;
    let nick = user("no.memory.nick");
    let write = MentorMemoryWrite {
        category: Some("personal_information".into()),
        name: Some("About Nick".into()),
        entries: vec![
            MentorEntryWrite {
                key: "city".into(),
                value: "Lagos".into(),
                expires_at: None,
            },
            MentorEntryWrite {
                key: "pet".into(),
                value: "cat \u{1b}[31m".into(),
                expires_at: None,
            },
        ],
        ..MentorMemoryWrite::default()
    };
    let created = client
        .create_mentor_memory(&org(), &nick, &write)
        .await
        .unwrap();
    let memory = &created.results[0];
    let memory_id = memory.unique_id.clone().expect("an id");
    let entry_id = memory.entries[0].unique_id.clone().expect("an entry id");
    assert_eq!(memory.entries[1].value.as_deref(), Some("cat \u{1b}[31m"));

    let entry = client.mentor_entry(&org(), &nick, &entry_id).await.unwrap();
    assert_eq!(
        (entry.key.as_str(), entry.category.as_deref()),
        ("city", Some("personal_information"))
    );
    let update = MentorEntryUpdate {
        key: "home town".into(),
        value: "Ibadan".into(),
    };
    let updated = client
        .update_mentor_entry(&org(), &nick, &entry_id, &update)
        .await
        .unwrap();
    assert_eq!(updated.value.as_deref(), Some("Ibadan"));
    let stored = server
        .state()
        .mentor_memories("main", "no.memory.nick")
        .expect("user");
    assert_eq!(&*stored[0].entries[0].key, "home town");
    assert_eq!(
        &*stored[0].entries[1].key, "pet",
        "the other entry is untouched"
    );

    let by_name = client
        .mentor_memory(&org(), &nick, "About Nick")
        .await
        .unwrap();
    assert_eq!(by_name.unique_id.as_deref(), Some(memory_id.as_str()));
    assert_eq!(
        client
            .erase_mentor_entry(&org(), &nick, &entry_id)
            .await
            .unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        client
            .erase_mentor_entry(&org(), &nick, &entry_id)
            .await
            .unwrap(),
        EraseOutcome::NothingThere
    );
    assert!(matches!(
        client.mentor_entry(&org(), &nick, &entry_id).await,
        Err(ApiError::NotFound { .. })
    ));
    assert_eq!(
        client
            .erase_mentor_memory(&org(), &nick, &memory_id)
            .await
            .unwrap(),
        EraseOutcome::Erased
    );
    assert!(
        server
            .state()
            .mentor_memories("main", "no.memory.nick")
            .expect("user")
            .is_empty()
    );
    let after = client
        .all_mentor_memories(&org(), &nick, &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    assert!(
        after.memories.is_empty(),
        "deleted means a later GET is empty"
    );
}

#[tokio::test]
async fn a_category_with_a_slash_and_spaces_is_erased_alone() {
    let (server, client) = mock(MockConfig::default()).await;
    let pete = user("paragraphs.pete");
    let outcome = client
        .erase_mentor_category(&org(), &pete, "notes/2024 spring")
        .await
        .unwrap();
    assert_eq!(outcome, EraseOutcome::Erased);
    let left: Vec<_> = server
        .state()
        .mentor_memories("main", "paragraphs.pete")
        .expect("user")
        .into_iter()
        .map(|m| m.category.as_deref().map(str::to_owned))
        .collect();
    assert_eq!(left, [Some("help_requests".to_owned())]);
    assert_eq!(
        client
            .erase_mentor_category(&org(), &pete, "notes/2024 spring")
            .await
            .unwrap(),
        EraseOutcome::NothingThere
    );
    assert_eq!(
        client
            .erase_mentor_category(&org(), &pete, "help_requests")
            .await
            .unwrap(),
        EraseOutcome::Erased
    );
    assert!(
        client
            .all_mentor_memories(&org(), &pete, &MentorQuery::default())
            .await
            .unwrap()
            .into_items()
            .memories
            .is_empty()
    );
}

#[tokio::test]
async fn course_memory_create_update_erase_one_and_all() {
    let (server, client) = mock(MockConfig::default().with_memory_shape(MemoryShape::List)).await;
    let ada = user("admin.ada");
    let write = CourseMemoryWrite {
        catalog_item: Some("6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d".into()),
        lessons: json!({"completed": ["l1"]}),
        next_steps: json!(["l2"]),
    };
    let made = client
        .create_course_memory(&org(), &ada, &write)
        .await
        .unwrap();
    assert_eq!(made.student.as_deref(), Some("admin.ada"));
    let dup = client
        .create_course_memory(&org(), &ada, &write)
        .await
        .unwrap_err();
    assert!(
        matches!(dup, ApiError::Validation { status: 400, .. }),
        "one memory per catalog item"
    );
    let other = CourseMemoryWrite {
        catalog_item: Some("7b6c5d4e-3f2a-4b1c-8d9e-0f1a2b3c4d5e".into()),
        lessons: json!("free text"),
        next_steps: json!(null),
    };
    let second = client
        .create_course_memory(&org(), &ada, &other)
        .await
        .unwrap();
    let mut changed = write.clone();
    changed.lessons = json!({"completed": ["l1", "l2"]});
    let updated = client
        .update_course_memory(&org(), &ada, &made.id, &changed)
        .await
        .unwrap();
    assert_eq!(updated.lessons["completed"][1], "l2");
    let read = client
        .course_memories(&org(), &ada)
        .await
        .unwrap()
        .into_items();
    assert_eq!(read.len(), 2);
    assert_eq!(
        client
            .erase_course_memory(&org(), &ada, &second.id)
            .await
            .unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        server
            .state()
            .course_memories("main", "admin.ada")
            .map(|c| c.len()),
        Some(1)
    );
    assert_eq!(
        client.erase_course_memories(&org(), &ada).await.unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        client.erase_course_memories(&org(), &ada).await.unwrap(),
        EraseOutcome::NothingThere
    );
    assert!(
        client
            .course_memories(&org(), &ada)
            .await
            .unwrap()
            .gap()
            .is_some()
    );
    let bad = CourseMemoryWrite {
        catalog_item: Some("course-v1:not-a-uuid".into()),
        ..write
    };
    assert!(matches!(
        client.create_course_memory(&org(), &ada, &bad).await,
        Err(ApiError::Validation { .. })
    ));
}

#[tokio::test]
async fn a_server_that_keeps_data_after_delete_is_visible() {
    let (server, client) = mock(MockConfig::default()).await;
    server.state().set_keep_store_deletes(true);
    let mia = user("multi.mia");
    assert_eq!(
        client.erase_course_memories(&org(), &mia).await.unwrap(),
        EraseOutcome::Erased
    );
    assert_eq!(
        client
            .erase_mentor_category(&org(), &mia, "knowledge_gaps")
            .await
            .unwrap(),
        EraseOutcome::Erased
    );
    assert!(
        client
            .course_memories(&org(), &mia)
            .await
            .unwrap()
            .gap()
            .is_none(),
        "still there"
    );
    let mentor = client
        .all_mentor_memories(&org(), &mia, &MentorQuery::default())
        .await
        .unwrap()
        .into_items();
    assert_eq!(mentor.memories.len(), 4, "still there");
}

#[tokio::test]
async fn store_reads_ride_out_the_mocks_faults_and_writes_retry_only_a_429() {
    let (server, client) = mock(MockConfig::default()).await;
    let mia = user("multi.mia");
    server.state().set_throttle_rate(1.0);
    let e = client
        .erase_course_memories(&org(), &mia)
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
    let deletes = server.state().count(Method::DELETE);
    assert!(
        deletes > 1,
        "a 429 was not taken, so the DELETE is sent again: {deletes}"
    );
    server.state().set_throttle_rate(0.0);
    server.state().set_error_rate(1.0);
    server.state().clear_requests();
    assert!(client.erase_course_memories(&org(), &mia).await.is_err());
    assert_eq!(
        server.state().count(Method::DELETE),
        1,
        "a 500 may have been taken: the DELETE is sent once"
    );
    server.state().set_throttle_rate(0.0);
    server.state().set_error_rate(0.5);
    // With half of all answers failing, GETs are retried under the client's policy.
    let mut ok = 0;
    for _ in 0..6 {
        if client.course_memories(&org(), &mia).await.is_ok() {
            ok += 1;
        }
    }
    assert!(ok >= 3, "{ok} of 6 reads got through");
    server.state().set_error_rate(0.0);
    assert_eq!(
        server
            .state()
            .course_memories("main", "multi.mia")
            .map(|c| c.len()),
        Some(2)
    );
    let bad_key = ApiClient::new(&ClientSettings::new(
        server.base_url(),
        SecretString::from("wrong"),
    ))
    .expect("client");
    assert!(matches!(
        bad_key
            .all_mentor_memories(&org(), &mia, &MentorQuery::default())
            .await,
        Err(ApiError::Unauthorized { .. })
    ));
}

#[tokio::test]
async fn a_server_without_a_store_reads_as_unavailable_with_its_status() {
    let (server, client) = mock(MockConfig::default()).await;
    let mia = user("multi.mia");
    server
        .state()
        .set_store_unavailable(StoreKind::Mentor, Some(405));
    server
        .state()
        .set_store_unavailable(StoreKind::Course, Some(404));
    let mentor = client
        .all_mentor_memories(&org(), &mia, &MentorQuery::default())
        .await
        .unwrap();
    assert_eq!(mentor.gap().map(|g| g.status), Some(405));
    let course = client.course_memories(&org(), &mia).await.unwrap();
    assert_eq!(course.gap().map(|g| g.status), Some(404));
    assert!(
        !client.get_memory(&org(), &mia).await.unwrap().is_empty(),
        "chat memory is untouched"
    );
    server
        .state()
        .set_store_unavailable(StoreKind::Mentor, None);
    let back = client
        .all_mentor_memories(&org(), &mia, &MentorQuery::default())
        .await
        .unwrap();
    assert_eq!(back.into_items().memories.len(), 4);
}
