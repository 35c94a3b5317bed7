//! The client's requests checked against the OpenAPI contract: every path, method, query
//! parameter and request body it sends must be one the contract describes.

mod common;

use common::schema::{load_spec, validate};
use memory_console::api::{
    ApiClient, ClientSettings, MemoryWrite, OrgScope, TaskId, UserRef, UsersQuery,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Whether `path` fits a contract path template, where `{name}` stands for one segment.
fn fits(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

fn entry() -> Value {
    json!({"id": 1, "username": "johndoe", "platform_key": "main", "content": "c",
           "session_id": "937d3d46-3048-4f9d-aa5c-ce7c51d85332"})
}

async fn server_answering_like_the_contract() -> MockServer {
    let server = MockServer::start().await;
    let routes: [(&str, &str, u16, Value); 10] = [
        (
            "GET",
            r"^/api/core/platform/users/$",
            200,
            json!({"count": 0, "next_page": 1, "previous_page": 1, "results": []}),
        ),
        (
            "GET",
            r"^/api/core/platform/$",
            200,
            json!({"key": "main", "name": "Main"}),
        ),
        ("GET", r"/all-chats-memory/$", 200, entry()),
        ("POST", r"/all-chats-memory/$", 201, entry()),
        (
            "PUT",
            r"/all-chats-memory/$",
            200,
            json!({"task_id": "task-123", "message": "ok"}),
        ),
        ("PUT", r"/all-chats-memory/\d+/$", 200, entry()),
        (
            "GET",
            r"/chat-memory-status/$",
            200,
            json!({"id": 1, "username": "johndoe", "platform_key": "main", "enabled": true}),
        ),
        (
            "PUT",
            r"/chat-memory-status/$",
            200,
            json!({"id": 1, "username": "johndoe", "platform_key": "main", "enabled": false}),
        ),
        ("GET", r"/tasks/[^/]+$", 200, json!({"task": "completed"})),
        ("DELETE", r"/all-chats-memory/(\d+/)?$", 204, Value::Null),
    ];
    for (m, p, status, body) in routes {
        let mut answer = ResponseTemplate::new(status);
        if !body.is_null() {
            answer = answer.set_body_json(body);
        }
        Mock::given(method(m))
            .and(path_regex(p))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn every_request_the_client_sends_is_in_the_contract() {
    let server = server_answering_like_the_contract().await;
    let client = ApiClient::new(&ClientSettings::new(server.uri(), SecretString::from("k")))
        .expect("settings");
    let org = OrgScope::new("main");
    let user = UserRef::by_name("johndoe");
    let write = MemoryWrite {
        content: "text".into(),
        session_id: Some("937d3d46-3048-4f9d-aa5c-ce7c51d85332".into()),
    };
    let q = UsersQuery {
        page: 1,
        page_size: 10,
        search: "jo".into(),
    };
    client.list_users(&org, &q).await.unwrap();
    client.org_info(&org).await.unwrap();
    client.get_memory(&org, &user).await.unwrap();
    client.create_memory(&org, &user, &write).await.unwrap();
    client
        .create_memory(&org, &user, &MemoryWrite::new("no session"))
        .await
        .unwrap();
    client.replace_memory(&org, &user, &write).await.unwrap();
    client.update_entry(&org, &user, 1, &write).await.unwrap();
    client.erase_memory(&org, &user).await.unwrap();
    client.erase_entry(&org, &user, 1).await.unwrap();
    client.memory_status(&org, &user).await.unwrap();
    client.set_memory_enabled(&org, &user, false).await.unwrap();
    client
        .task_state(
            &org,
            &user,
            &TaskId("0b0f7c1e-4a55-4d8e-9d2a-1f9a3c5e7b21".into()),
        )
        .await
        .unwrap();

    let spec = load_spec();
    let paths = spec["paths"].as_object().expect("paths");
    let mut used = std::collections::BTreeSet::new();
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 12);
    for r in &requests {
        let verb = r.method.as_str().to_lowercase();
        let (template, item) = paths
            .iter()
            .find(|(t, item)| fits(t, r.url.path()) && item.get(&verb).is_some())
            .unwrap_or_else(|| panic!("{} {} is not in the contract", r.method, r.url.path()));
        let op = &item[&verb];
        used.insert(format!("{verb} {template}"));
        let declared: Vec<&str> = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| p["name"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        for (name, _) in r.url.query_pairs() {
            assert!(
                declared.contains(&name.as_ref()),
                "{verb} {template}: query {name} not declared"
            );
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            if p["in"] == "query" && p["required"] == true {
                let name = p["name"].as_str().expect("name");
                assert!(
                    r.url.query_pairs().any(|(k, _)| k == name),
                    "{verb} {template}: {name} missing"
                );
            }
        }
        match op.get("requestBody") {
            Some(body) => {
                let schema = &body["content"]["application/json"]["schema"];
                let sent: Value = serde_json::from_slice(&r.body).expect("JSON body");
                // readOnly `id` is the server's to fill; the client must not need to send it.
                let mut schema = resolve(&spec, schema).clone();
                if let Some(req) = schema.get_mut("required").and_then(Value::as_array_mut) {
                    req.retain(|f| f != "id");
                }
                validate(&spec, &schema, &sent).unwrap_or_else(|e| {
                    panic!("{verb} {template}: body {sent} breaks the contract: {e:?}")
                });
            }
            None => assert!(
                r.body.is_empty(),
                "{verb} {template} sends a body the contract does not describe"
            ),
        }
        let auth = r
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(auth, "Api-Key k");
    }
    assert_eq!(used.len(), 11, "operations used: {used:?}");
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().expect("ref name");
            &spec["components"]["schemas"][name]
        }
        None => schema,
    }
}

#[test]
fn the_template_matcher_is_strict() {
    let t = "/api/ai-prompt/orgs/{org}/users/{user_id}/all-chats-memory/";
    assert!(fits(
        t,
        "/api/ai-prompt/orgs/main/users/john/all-chats-memory/"
    ));
    assert!(!fits(
        t,
        "/api/ai-prompt/orgs/main/users/john/all-chats-memory/1/"
    ));
    assert!(!fits(
        t,
        "/api/ai-prompt/orgs/main/users/a/b/all-chats-memory/"
    ));
    assert!(!fits(
        t,
        "/api/ai-prompt/orgs//users/john/all-chats-memory/"
    ));
}
