//! Behaviour of the mock server over loopback: auth, paging, memory routes, tasks, faults, hooks.

mod common;

use std::time::{Duration, Instant};

use common::{Mock, memory_path, start, start_default, status_path, task_path};
use memory_console::mock::{MemoryShape, MockConfig, MockServer, MockState, SeedSource, TaskState};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn body(user: &str, content: &str) -> Value {
    json!({"username": user, "platform_key": "main", "content": content})
}

async fn wait_for_task(mock: &Mock, user: &str, task: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = mock.get(&task_path("main", user, task)).await;
        assert_eq!(answer.status, StatusCode::OK);
        let state = answer.body["task"].as_str().expect("task state").to_owned();
        if state == "completed" || state == "failed" {
            return state;
        }
        assert!(Instant::now() < deadline, "task never finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn requests_without_the_right_key_are_refused() {
    let mock = start_default().await;
    let path = "/api/core/platform/?key=main";
    let none = mock.send_with_auth(Method::GET, path, None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.body,
        json!({"detail": "Authentication credentials were not provided."})
    );
    let wrong = mock
        .send_with_auth(Method::GET, path, None, Some("Api-Key nope"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, json!({"detail": "Invalid API key."}));
    let bearer = mock
        .send_with_auth(Method::GET, path, None, Some("Bearer demo-key"))
        .await;
    assert_eq!(bearer.status, StatusCode::UNAUTHORIZED);
    let custom = start(MockConfig::default().with_api_key("s3cret")).await;
    assert_eq!(custom.server.api_key(), "s3cret");
    assert_eq!(custom.get(path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn users_are_paged_in_user_id_order() {
    let mock = start_default().await;
    let total = mock.server.state().user_count("main").expect("main exists");
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let answer = mock
            .get(&format!(
                "/api/core/platform/users/?platform_key=main&page={page}&page_size=40"
            ))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["count"], json!(total));
        let expected_previous = if page == 1 { 1 } else { page - 1 };
        assert_eq!(answer.body["previous_page"], json!(expected_previous));
        for user in answer.body["results"].as_array().expect("results") {
            assert_eq!(user["platform_key"], "main");
            seen.push(user["user_id"].as_u64().expect("user_id"));
        }
        let next = answer.body["next_page"].as_u64().expect("next_page");
        if next == page {
            break;
        }
        assert_eq!(next, page + 1);
        page = next;
    }
    assert_eq!(seen.len(), total);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "not ordered by user_id"
    );
}

#[tokio::test]
async fn page_size_is_clamped_and_defaulted() {
    let mock = start_default().await;
    let big = mock
        .get("/api/core/platform/users/?platform_key=main&page_size=500")
        .await;
    assert_eq!(big.body["results"].as_array().map(Vec::len), Some(100));
    let default = mock
        .get("/api/core/platform/users/?platform_key=main")
        .await;
    assert_eq!(default.body["results"].as_array().map(Vec::len), Some(10));
    assert_eq!(default.body["next_page"], 2);
    let beyond = mock
        .get("/api/core/platform/users/?platform_key=main&page=999")
        .await;
    assert_eq!(beyond.body["results"], json!([]));
    assert_eq!(beyond.body["next_page"], 999);
}

#[tokio::test]
async fn query_matches_username_name_or_email_ignoring_case() {
    let mock = start_default().await;
    let by_name = mock
        .get("/api/core/platform/users/?platform_key=main&query=BERTHA")
        .await;
    assert_eq!(by_name.body["count"], 1);
    assert_eq!(by_name.body["results"][0]["username"], "big.bertha");
    assert_eq!(by_name.body["next_page"], 1);
    let by_email = mock
        .get("/api/core/platform/users/?platform_key=main&query=yui%40example.ORG")
        .await;
    assert_eq!(by_email.body["count"], 1);
    let by_display = mock
        .get("/api/core/platform/users/?platform_key=main&query=paula%20pages")
        .await;
    assert_eq!(by_display.body["results"][0]["username"], "paged.paula");
    let none = mock
        .get("/api/core/platform/users/?platform_key=main&query=zzzzzz")
        .await;
    assert_eq!(none.body["count"], 0);
}

#[tokio::test]
async fn platform_org_is_accepted_and_unknown_orgs_are_empty() {
    let mock = start_default().await;
    let by_org = mock
        .get("/api/core/platform/users/?platform_org=acme-university&page_size=1")
        .await;
    assert!(by_org.body["count"].as_u64().expect("count") > 50);
    let unknown = mock
        .get("/api/core/platform/users/?platform_key=nope")
        .await;
    assert_eq!(
        unknown.body,
        json!({"count": 0, "next_page": 1, "previous_page": 1, "results": []})
    );
}

#[tokio::test]
async fn platform_info() {
    let mock = start_default().await;
    let acme = mock.get("/api/core/platform/?key=acme-university").await;
    assert_eq!(acme.status, StatusCode::OK);
    assert_eq!(acme.body["key"], "acme-university");
    assert!(acme.body["name"].as_str().is_some());
    let unknown = mock.get("/api/core/platform/?key=nope").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, json!({"detail": "Not found."}));
    let missing = mock.get("/api/core/platform/").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body, json!({"key": ["This field is required."]}));
}

#[tokio::test]
async fn memory_reads_by_username_or_numeric_id() {
    let mock = start_default().await;
    let bertha = mock.get(&memory_path("main", "big.bertha")).await;
    assert_eq!(bertha.status, StatusCode::OK);
    assert_eq!(
        bertha.body["content"].as_str().map(str::len),
        Some(1_048_576)
    );
    assert_eq!(bertha.body["username"], "big.bertha");
    assert_eq!(bertha.body["platform_key"], "main");

    let users = mock
        .get("/api/core/platform/users/?platform_key=main&query=hostile.hannah")
        .await;
    let id = users.body["results"][0]["user_id"].as_u64().expect("id");
    let hannah = mock.get(&memory_path("main", &id.to_string())).await;
    assert_eq!(hannah.body["username"], "hostile.hannah");
    let content = hannah.body["content"].as_str().expect("content");
    for hostile in [
        "\u{1b}[31m",
        "\u{1b}]0;pwned\u{7}",
        "\u{1b}]52;c;ZXZpbA==\u{7}",
        "\u{1b}P",
        "\r",
        "\u{202e}",
        "\u{200b}",
    ] {
        assert!(content.contains(hostile), "missing {hostile:?}");
    }

    assert_eq!(
        mock.get(&memory_path("main", "no.memory.nick"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mock.get(&memory_path("main", "nobody")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mock.get(&memory_path("nope", "big.bertha")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn list_shape_answers_all_entries() {
    let mock = start(MockConfig::default().with_memory_shape(MemoryShape::List)).await;
    let mia = mock.get(&memory_path("main", "multi.mia")).await;
    assert_eq!(mia.body.as_array().map(Vec::len), Some(3));
    let object = start_default().await;
    let first = object.get(&memory_path("main", "multi.mia")).await;
    assert_eq!(first.body["id"], mia.body[0]["id"]);
}

#[tokio::test]
async fn create_appends_entries_with_new_ids() {
    let mock = start_default().await;
    let path = memory_path("main", "no.memory.nick");
    let first = mock.post(&path, body("no.memory.nick", "first")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.body["content"], "first");
    assert_eq!(first.body["session_id"], Value::Null);
    let session = "937d3d46-3048-4f9d-aa5c-ce7c51d85332";
    let mut with_session = body("no.memory.nick", "second");
    with_session["session_id"] = json!(session);
    let second = mock.post(&path, with_session).await;
    assert_eq!(second.body["session_id"], session);
    assert!(second.body["id"].as_u64() > first.body["id"].as_u64());
    // object shape answers the first entry
    assert_eq!(mock.get(&path).await.body["content"], "first");
    assert_eq!(
        mock.server
            .state()
            .memory("main", "no.memory.nick")
            .map(|m| m.len()),
        Some(2)
    );
}

#[tokio::test]
async fn bodies_are_validated_drf_style() {
    let mock = start_default().await;
    let path = memory_path("main", "big.bertha");
    let missing = mock.post(&path, json!({"platform_key": "main"})).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.body,
        json!({"username": ["This field is required."]})
    );
    let long = mock
        .post(
            &path,
            json!({"username": "a", "platform_key": "k".repeat(501)}),
        )
        .await;
    assert_eq!(
        long.body,
        json!({"platform_key": ["Ensure this field has no more than 500 characters."]})
    );
    let exactly_500 = mock
        .post(
            &path,
            json!({"username": "a", "platform_key": "é".repeat(500)}),
        )
        .await;
    assert_eq!(exactly_500.status, StatusCode::CREATED);
    let bad_session = mock
        .post(
            &path,
            json!({"username": "a", "platform_key": "main", "session_id": "abc"}),
        )
        .await;
    assert_eq!(bad_session.status, StatusCode::BAD_REQUEST);
    assert!(bad_session.body.get("session_id").is_some());
    let put = mock.put(&path, json!({"username": "a"})).await;
    assert_eq!(
        put.body,
        json!({"platform_key": ["This field is required."]})
    );

    let raw = mock
        .client
        .post(mock.url(&path))
        .header("Authorization", "Api-Key demo-key")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let detail: Value = raw.json().await.unwrap();
    assert!(
        detail["detail"]
            .as_str()
            .unwrap()
            .starts_with("JSON parse error - ")
    );
}

#[tokio::test]
async fn several_megabyte_bodies_are_accepted() {
    let mock = start_default().await;
    let content = "x".repeat(5 * 1024 * 1024);
    let answer = mock
        .post(
            &memory_path("main", "no.memory.nick"),
            body("no.memory.nick", &content),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(
        answer.body["content"].as_str().map(str::len),
        Some(content.len())
    );
}

#[tokio::test]
async fn single_entries_are_edited_and_deleted_at_once() {
    let mock = start_default().await;
    let path = memory_path("main", "multi.mia");
    let entries = mock.server.state().memory("main", "multi.mia").unwrap();
    let second = entries[1].id;
    let edited = mock
        .put(&format!("{path}{second}/"), body("multi.mia", "changed"))
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(edited.body["id"], second);
    assert_eq!(edited.body["content"], "changed");
    assert_eq!(
        mock.server.state().memory("main", "multi.mia").unwrap()[1]
            .content
            .as_deref(),
        Some("changed")
    );
    // an entry of another user is not found through this user
    let bertha_id = mock.server.state().memory("main", "big.bertha").unwrap()[0].id;
    let other = mock
        .put(&format!("{path}{bertha_id}/"), body("multi.mia", "x"))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let not_int = mock
        .put(&format!("{path}abc/"), body("multi.mia", "x"))
        .await;
    assert_eq!(not_int.status, StatusCode::NOT_FOUND);
    assert_eq!(
        mock.delete(&format!("{path}abc/")).await.status,
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        mock.delete(&format!("{path}{second}/")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        mock.delete(&format!("{path}{second}/")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mock.server
            .state()
            .memory("main", "multi.mia")
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn erase_removes_everything() {
    let mock = start_default().await;
    let path = memory_path("main", "multi.mia");
    let erased = mock.delete(&path).await;
    assert_eq!(erased.status, StatusCode::NO_CONTENT);
    assert_eq!(erased.body, Value::Null);
    assert_eq!(mock.get(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(mock.delete(&path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        mock.delete(&memory_path("main", "nobody")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn memory_status_reads_and_toggles() {
    let mock = start_default().await;
    let path = status_path("main", "disabled.dora");
    let before = mock.get(&path).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.body["enabled"], false);
    assert_eq!(before.body["username"], "disabled.dora");
    assert_eq!(before.body["platform_key"], "main");
    let on = mock.put(&path, json!({"enabled": true})).await;
    assert_eq!(on.body["enabled"], true);
    assert_eq!(
        mock.server.state().memory_enabled("main", "disabled.dora"),
        Some(true)
    );
    for bad in [json!({}), json!({"enabled": "yes"}), json!([true])] {
        let answer = mock.put(&path, bad).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.body, json!({"enabled": ["This field is required."]}));
    }
    assert_eq!(
        mock.get(&status_path("main", "nobody")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        mock.put(
            &status_path("acme-university", "big.bertha"),
            json!({"enabled": true})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn queued_update_lands_only_when_the_task_completes() {
    let mock = start(MockConfig::default().with_task_delay(Duration::from_millis(400))).await;
    let path = memory_path("main", "one.line.olga");
    let before = mock.get(&path).await.body["content"].clone();
    let queued = mock.put(&path, body("one.line.olga", "new content")).await;
    assert_eq!(queued.status, StatusCode::OK);
    assert_eq!(
        queued.body["message"],
        "Memory update scheduled successfully"
    );
    let task = queued.body["task_id"].as_str().expect("task id").to_owned();
    assert!(uuid::Uuid::parse_str(&task).is_ok());
    // The task ends after 400 ms; a mock that never completes it must fail here, not hang.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the task never completed"
        );
        // Read the memory first: if the task is still running afterwards, the read came before completion.
        let content = mock.get(&path).await.body["content"].clone();
        let state = mock
            .get(&task_path("main", "one.line.olga", &task))
            .await
            .body["task"]
            .clone();
        match state.as_str() {
            Some("pending" | "started") => assert_eq!(content, before),
            Some("completed") => break,
            other => panic!("unexpected state {other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(mock.get(&path).await.body["content"], "new content");
}

#[tokio::test]
async fn task_moves_from_pending_to_started() {
    let mock = start(MockConfig::default().with_task_delay(Duration::from_secs(30))).await;
    let state = mock.server.state();
    let queued = mock
        .put(
            &memory_path("main", "one.line.olga"),
            body("one.line.olga", "x"),
        )
        .await;
    let task = uuid::Uuid::parse_str(queued.body["task_id"].as_str().unwrap()).unwrap();
    assert_eq!(state.task_state(task), Some(TaskState::Pending));
    let started = start(MockConfig::default().with_task_delay(Duration::from_millis(1500))).await;
    let queued = started
        .put(
            &memory_path("main", "one.line.olga"),
            body("one.line.olga", "x"),
        )
        .await;
    let task = queued.body["task_id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let answer = started
        .get(&task_path("main", "one.line.olga", &task))
        .await;
    assert_eq!(answer.body, json!({"task": "started"}));
}

#[tokio::test]
async fn failing_tasks_leave_memory_unchanged() {
    let mock = start(
        MockConfig::default()
            .with_task_delay(Duration::from_millis(30))
            .with_fail_rate(1.0),
    )
    .await;
    let path = memory_path("main", "one.line.olga");
    let before = mock.get(&path).await.body;
    let queued = mock.put(&path, body("one.line.olga", "lost")).await;
    let task = queued.body["task_id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_task(&mock, "one.line.olga", &task).await, "failed");
    assert_eq!(mock.get(&path).await.body, before);
}

#[tokio::test]
async fn erasing_before_completion_fails_the_task() {
    let mock = start(MockConfig::default().with_task_delay(Duration::from_millis(200))).await;
    let path = memory_path("main", "one.line.olga");
    let queued = mock.put(&path, body("one.line.olga", "too late")).await;
    let task = queued.body["task_id"].as_str().unwrap().to_owned();
    assert_eq!(mock.delete(&path).await.status, StatusCode::NO_CONTENT);
    mock.post(&path, body("one.line.olga", "fresh")).await;
    assert_eq!(wait_for_task(&mock, "one.line.olga", &task).await, "failed");
    assert_eq!(mock.get(&path).await.body["content"], "fresh");
}

#[tokio::test]
async fn unknown_tasks_are_not_found() {
    let mock = start_default().await;
    let queued = mock
        .put(
            &memory_path("main", "one.line.olga"),
            body("one.line.olga", "x"),
        )
        .await;
    let task = queued.body["task_id"].as_str().unwrap().to_owned();
    let random = uuid::Uuid::new_v4().to_string();
    for path in [
        task_path("main", "one.line.olga", &random),
        task_path("main", "one.line.olga", "task-123"),
        task_path("main", "big.bertha", &task),
        task_path("nope", "one.line.olga", &task),
    ] {
        let answer = mock.get(&path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.body, json!({"detail": "Not found."}));
    }
    // the numeric user id and a trailing slash reach the same task
    let id = mock.get(&status_path("main", "one.line.olga")).await.body["id"].clone();
    let by_id = mock
        .get(&format!("{}/", task_path("main", &id.to_string(), &task)))
        .await;
    assert_eq!(by_id.status, StatusCode::OK);
}

#[tokio::test]
async fn latency_is_added() {
    let mock = start(MockConfig::default().with_latency(Duration::from_millis(200))).await;
    let started = Instant::now();
    mock.get("/api/core/platform/?key=main").await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    mock.server.state().set_latency(Duration::ZERO);
    assert_eq!(mock.server.state().faults().latency_ms, 0);
}

#[tokio::test]
async fn error_rate_answers_500() {
    let mock = start(MockConfig::default().with_error_rate(1.0)).await;
    let answer = mock.get("/api/core/platform/?key=main").await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.body, json!({"detail": "Internal server error"}));
    mock.server.state().set_error_rate(0.0);
    assert_eq!(
        mock.get("/api/core/platform/?key=main").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn throttle_rate_answers_429_with_retry_after() {
    let mock = start_default().await;
    mock.server.state().set_throttle_rate(1.0);
    let answer = mock.get("/api/core/platform/?key=main").await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        answer
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
}

#[tokio::test]
async fn partial_fault_rates_are_reproducible() {
    let statuses = |mock: Mock| async move {
        let mut out = Vec::new();
        for _ in 0..40 {
            out.push(
                mock.get("/api/core/platform/?key=main")
                    .await
                    .status
                    .as_u16(),
            );
        }
        out
    };
    let config = MockConfig::default()
        .with_error_rate(0.3)
        .with_throttle_rate(0.3)
        .with_fault_seed(7);
    let a = statuses(start(config.clone()).await).await;
    let b = statuses(start(config).await).await;
    assert_eq!(a, b);
    assert!(
        a.contains(&200) && a.contains(&500) && a.contains(&429),
        "{a:?}"
    );
}

#[tokio::test]
async fn control_routes_change_faults_and_memory() {
    let mock = start_default().await;
    let faults = mock.put("/__mock/faults", json!({"error_rate": 1.0})).await;
    assert_eq!(faults.status, StatusCode::OK);
    assert_eq!(faults.body["error_rate"], 1.0);
    assert_eq!(
        mock.get("/api/core/platform/?key=main").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    // control routes themselves are never faulted
    mock.put("/__mock/faults", json!({"error_rate": 0.0})).await;
    assert_eq!(
        mock.get("/api/core/platform/?key=main").await.status,
        StatusCode::OK
    );
    let set = mock
        .put(
            "/__mock/memory/main/big.bertha",
            json!({"content": "replaced"}),
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT);
    assert_eq!(
        mock.get(&memory_path("main", "big.bertha")).await.body["content"],
        "replaced"
    );
    let log = mock.get("/__mock/requests").await;
    assert_eq!(log.body["counts"]["GET"], 3);
    assert_eq!(log.body["counts"]["PUT"], 0);
}

#[tokio::test]
async fn set_memory_content_changes_memory_between_reads() {
    let mock = start_default().await;
    let path = memory_path("main", "one.line.olga");
    let first = mock.get(&path).await.body;
    assert!(
        mock.server
            .state()
            .set_memory_content("main", "one.line.olga", "edited elsewhere")
    );
    let second = mock.get(&path).await.body;
    assert_eq!(second["content"], "edited elsewhere");
    assert_eq!(second["id"], first["id"]);
    assert!(
        mock.server
            .state()
            .set_memory_content("main", "no.memory.nick", "created")
    );
    assert_eq!(
        mock.get(&memory_path("main", "no.memory.nick"))
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        !mock
            .server
            .state()
            .set_memory_content("main", "nobody", "x")
    );
}

#[tokio::test]
async fn requests_are_counted_and_logged() {
    let mock = start_default().await;
    let state = mock.server.state();
    mock.get(&memory_path("main", "big.bertha")).await;
    mock.put(
        &status_path("main", "big.bertha"),
        json!({"enabled": false}),
    )
    .await;
    mock.get("/no/such/route").await;
    assert_eq!(state.count(Method::GET), 2);
    assert_eq!(state.count(Method::PUT), 1);
    assert_eq!(state.count(Method::DELETE), 0);
    assert_eq!(state.total_requests(), 3);
    let log = state.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[2].path, "/no/such/route");
    assert_eq!(log[2].status, 404);
    state.clear_requests();
    assert_eq!(state.total_requests(), 0);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let mock = start_default().await;
    let unknown = mock.get("/api/nothing/here/").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body, json!({"detail": "Not found."}));
    let patch = mock
        .send(
            Method::PATCH,
            &memory_path("main", "big.bertha"),
            Some(json!({})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        patch.body,
        json!({"detail": "Method \"PATCH\" not allowed."})
    );
}

#[tokio::test]
async fn user_platform_links() {
    let mock = start_default().await;
    let links = mock
        .get("/api/core/users/platforms/?username=staff.sam")
        .await;
    assert_eq!(links.body.as_array().map(Vec::len), Some(1));
    assert_eq!(links.body[0]["key"], "acme-university");
    let by_email = mock
        .get("/api/core/users/platforms/?email=BIG.BERTHA%40example.com")
        .await;
    assert_eq!(by_email.body[0]["username"], "big.bertha");
    assert_eq!(mock.get("/api/core/users/platforms/").await.body, json!([]));
}

#[tokio::test]
async fn a_seed_file_replaces_the_demo_seed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed.json");
    std::fs::write(
        &file,
        r#"{"orgs":[{"key":"tiny","users":[{"username":"solo","memories":[{"content":"hi"}]}]}]}"#,
    )
    .unwrap();
    let mock = start(MockConfig::default().with_seed(SeedSource::File(file))).await;
    assert_eq!(mock.server.state().orgs(), vec!["tiny".to_owned()]);
    assert_eq!(
        mock.get(&memory_path("tiny", "solo")).await.body["content"],
        "hi"
    );
    let missing = MockServer::start(
        MockConfig::default().with_seed(SeedSource::File(dir.path().join("none.json"))),
    )
    .await;
    assert!(missing.is_err());
}

#[test]
fn a_hundred_thousand_extra_users_build() {
    let plain = MockState::new(&MockConfig::default()).unwrap();
    let big = MockState::new(&MockConfig::default().with_extra_users(100_000)).unwrap();
    assert_eq!(
        big.user_count("main"),
        plain.user_count("main").map(|n| n + 100_000)
    );
    let names = big.usernames("main").unwrap();
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let mock = start_default().await;
    let url = mock.url("/api/core/platform/?key=main");
    let client = mock.client.clone();
    mock.server.shutdown().await.unwrap();
    assert!(client.get(url).send().await.is_err());
}
