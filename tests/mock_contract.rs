//! Contract test: every path, method and status of the OpenAPI subset is produced by the mock, and each JSON body fits the schema.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::schema::{declared_responses, load_spec, response_schema, validate};
use common::{Mock, memory_path, start, status_path, task_path};
use memory_console::mock::{MemoryShape, MockConfig};
use reqwest::Method;
use serde_json::{Value, json};

const MEMORY: &str = "/api/ai-prompt/orgs/{org}/users/{user_id}/all-chats-memory/";
const ENTRY: &str = "/api/ai-prompt/orgs/{org}/users/{user_id}/all-chats-memory/{memory_id}/";
const STATUS: &str = "/api/ai-prompt/orgs/{org}/users/{user_id}/chat-memory-status/";
const TASK: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/tasks/{task_id}";
const USERS: &str = "/api/core/platform/users/";
const PLATFORM: &str = "/api/core/platform/";
const USER_PLATFORMS: &str = "/api/core/users/platforms/";

struct Checker {
    spec: Value,
    covered: BTreeSet<(String, String, u16)>,
}

impl Checker {
    /// Sends the request, expects `status`, and validates the body against the contract.
    async fn call(
        &mut self,
        mock: &Mock,
        template: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        let answer = mock.send(method.clone(), path, body).await;
        assert_eq!(
            answer.status.as_u16(),
            status,
            "{method} {path}: {:?}",
            answer.body
        );
        if let Some(schema) = response_schema(&self.spec, template, method.as_str(), status) {
            // A list-shaped memory GET is a documented deviation: check each element.
            let items = match (&answer.body, template == MEMORY && method == Method::GET) {
                (Value::Array(items), true) => items.clone(),
                (body, _) => vec![body.clone()],
            };
            for item in &items {
                if let Err(problems) = validate(&self.spec, schema, item) {
                    panic!("{method} {path} -> {status} breaks the contract: {problems:#?}");
                }
            }
        }
        self.covered
            .insert((template.to_owned(), method.as_str().to_owned(), status));
        answer.body
    }
}

fn body(user: &str, content: &str) -> Value {
    json!({
        "username": user,
        "platform_key": "main",
        "content": content,
        "session_id": "937d3d46-3048-4f9d-aa5c-ce7c51d85332",
    })
}

#[tokio::test]
async fn every_declared_response_is_served_and_fits_its_schema() {
    let mock = start(MockConfig::default().with_task_delay(Duration::from_millis(30))).await;
    let mut c = Checker {
        spec: load_spec(),
        covered: BTreeSet::new(),
    };
    let get = Method::GET;
    let put = Method::PUT;
    let post = Method::POST;
    let delete = Method::DELETE;

    // users and platforms
    let page = c
        .call(
            &mock,
            USERS,
            get.clone(),
            "/api/core/platform/users/?platform_key=main&page=2&page_size=7",
            None,
            200,
        )
        .await;
    assert_eq!(page["results"].as_array().map(Vec::len), Some(7));
    c.call(
        &mock,
        USERS,
        get.clone(),
        "/api/core/platform/users/?platform_key=nope",
        None,
        200,
    )
    .await;
    c.call(
        &mock,
        PLATFORM,
        get.clone(),
        "/api/core/platform/?key=acme-university",
        None,
        200,
    )
    .await;
    c.call(
        &mock,
        PLATFORM,
        get.clone(),
        "/api/core/platform/?key=northwind-academy",
        None,
        200,
    )
    .await;
    let links = c
        .call(
            &mock,
            USER_PLATFORMS,
            get.clone(),
            "/api/core/users/platforms/?username=big.bertha",
            None,
            200,
        )
        .await;
    assert_eq!(links.as_array().map(Vec::len), Some(1));

    // memory: read, create, queue, entry edits, erase
    let bertha = memory_path("main", "big.bertha");
    c.call(&mock, MEMORY, get.clone(), &bertha, None, 200).await;
    c.call(
        &mock,
        MEMORY,
        get.clone(),
        &memory_path("main", "hostile.hannah"),
        None,
        200,
    )
    .await;
    c.call(
        &mock,
        MEMORY,
        get.clone(),
        &memory_path("main", "null.nora"),
        None,
        200,
    )
    .await;
    let nick = memory_path("main", "no.memory.nick");
    c.call(&mock, MEMORY, get.clone(), &nick, None, 404).await;
    c.call(
        &mock,
        MEMORY,
        put.clone(),
        &nick,
        Some(body("no.memory.nick", "x")),
        404,
    )
    .await;
    c.call(&mock, MEMORY, delete.clone(), &nick, None, 404)
        .await;
    c.call(
        &mock,
        MEMORY,
        post.clone(),
        &nick,
        Some(json!({"content": "x"})),
        400,
    )
    .await;
    let created = c
        .call(
            &mock,
            MEMORY,
            post.clone(),
            &nick,
            Some(body("no.memory.nick", "hello")),
            201,
        )
        .await;
    c.call(
        &mock,
        MEMORY,
        post.clone(),
        &nick,
        Some(json!({"username": "no.memory.nick", "platform_key": "main"})),
        201,
    )
    .await;
    let queued = c
        .call(
            &mock,
            MEMORY,
            put.clone(),
            &nick,
            Some(body("no.memory.nick", "queued")),
            200,
        )
        .await;
    c.call(
        &mock,
        MEMORY,
        put.clone(),
        &nick,
        Some(json!({"username": 5})),
        400,
    )
    .await;
    let task_id = queued["task_id"].as_str().expect("task id").to_owned();
    c.call(
        &mock,
        TASK,
        get.clone(),
        &task_path("main", "no.memory.nick", &task_id),
        None,
        200,
    )
    .await;

    let id = created["id"].as_u64().expect("id");
    let entry = format!("{nick}{id}/");
    c.call(
        &mock,
        ENTRY,
        put.clone(),
        &entry,
        Some(body("no.memory.nick", "edited")),
        200,
    )
    .await;
    c.call(
        &mock,
        ENTRY,
        put.clone(),
        &entry,
        Some(json!({"platform_key": "main"})),
        400,
    )
    .await;
    c.call(
        &mock,
        ENTRY,
        put.clone(),
        &format!("{nick}999999/"),
        Some(body("no.memory.nick", "x")),
        404,
    )
    .await;
    c.call(&mock, ENTRY, delete.clone(), &entry, None, 204)
        .await;
    c.call(&mock, ENTRY, delete.clone(), &entry, None, 404)
        .await;
    c.call(&mock, MEMORY, delete.clone(), &nick, None, 204)
        .await;

    // memory status
    let dora = status_path("main", "disabled.dora");
    c.call(&mock, STATUS, get.clone(), &dora, None, 200).await;
    c.call(
        &mock,
        STATUS,
        get.clone(),
        &status_path("main", "nobody"),
        None,
        404,
    )
    .await;
    c.call(
        &mock,
        STATUS,
        put.clone(),
        &dora,
        Some(json!({"enabled": true})),
        200,
    )
    .await;
    c.call(&mock, STATUS, put.clone(), &dora, Some(json!({})), 400)
        .await;

    // the list shape: each element must still be a valid entry
    mock.server.state().set_memory_shape(MemoryShape::List);
    c.call(
        &mock,
        MEMORY,
        get.clone(),
        &memory_path("main", "multi.mia"),
        None,
        200,
    )
    .await;

    let declared: BTreeSet<_> = declared_responses(&c.spec).into_iter().collect();
    let missing: Vec<_> = declared.difference(&c.covered).collect();
    assert!(
        missing.is_empty(),
        "responses never exercised: {missing:#?}"
    );
}

#[test]
fn validator_accepts_the_contract_examples() {
    let spec = load_spec();
    let schema = json!({"$ref": "#/components/schemas/UserAllChatMemoryView"});
    let good = json!({"id": 1, "username": "johndoe", "platform_key": "main",
        "content": null, "session_id": "937d3d46-3048-4f9d-aa5c-ce7c51d85332"});
    assert_eq!(validate(&spec, &schema, &good), Ok(()));
}

#[test]
fn validator_rejects_wrong_bodies() {
    let spec = load_spec();
    let entry = json!({"$ref": "#/components/schemas/UserAllChatMemoryView"});
    let cases = [
        json!({"username": "a", "platform_key": "main"}), // id missing
        json!({"id": "1", "username": "a", "platform_key": "main"}), // id not an integer
        json!({"id": 1, "username": null, "platform_key": "main"}), // not nullable
        json!({"id": 1, "username": "a", "platform_key": "x".repeat(501)}), // too long
        json!({"id": 1, "username": "a", "platform_key": "m", "session_id": "nope"}), // not a uuid
        json!({"id": 1, "username": "a", "platform_key": "m", "content": 5}), // not a string
        json!([1, 2]),                                    // not an object
    ];
    for case in &cases {
        assert!(validate(&spec, &entry, case).is_err(), "accepted {case}");
    }
    let platform = json!({"$ref": "#/components/schemas/PlatformList"});
    assert!(validate(&spec, &platform, &json!({"key": "k", "status": 7})).is_err());
    assert!(validate(&spec, &platform, &json!({"key": "k", "status": 1})).is_ok());
    let users = json!({"$ref": "#/components/schemas/UserPlatformManagementListViewGetResponse"});
    assert!(
        validate(
            &spec,
            &users,
            &json!({"count": 0, "next_page": null, "previous_page": 1, "results": []})
        )
        .is_err(),
        "next_page is not nullable"
    );
    assert!(
        validate(
            &spec,
            &users,
            &json!({"count": 0, "next_page": 1, "previous_page": 1, "results": [1]})
        )
        .is_err(),
        "results items are objects"
    );
    let status = json!({"$ref": "#/components/schemas/UserChatMemoryStatusView"});
    assert!(
        validate(
            &spec,
            &status,
            &json!({"id": 1, "username": "a", "platform_key": "m", "enabled": "yes"})
        )
        .is_err()
    );
}
