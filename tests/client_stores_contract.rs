//! The client's requests to mentor memories and course memory, checked against
//! `tests/contract/memory-stores.openapi.yaml`: every path, method, query parameter and body
//! it sends must be one the contract describes.

mod common;

use common::schema::{load_stores_spec, request_schema, validate};
use memory_console::api::{
    ApiClient, ClientSettings, CourseMemoryWrite, MentorEntryUpdate, MentorEntryWrite,
    MentorMemoryWrite, MentorQuery, OrgScope, UserRef,
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

fn memory() -> Value {
    json!({"mode": "all", "name": "m", "unique_id": "c0901cee-3c03-4bad-b445-07847bb6969e",
        "email": null, "username": "johndoe", "platform": "main", "mentor": null,
        "session_id": null, "catalog_item_type": null, "catalog_item_id": null,
        "entries": [entry()], "inserted_at": "t", "updated_at": "t", "category": "lessons_learned"})
}

fn entry() -> Value {
    json!({"unique_id": "f03642ce-b7ec-42a2-8604-7aa0c6e7b6d3", "key": "k", "value": "v",
        "inserted_at": "t", "updated_at": "t", "expires_at": null, "category": "lessons_learned"})
}

fn course() -> Value {
    json!({"id": 1, "student": "johndoe", "platform": "main",
        "catalog_item": "5f0c8a1e-3b7d-4c2a-9e61-0d4b7a9c2e11", "lessons": {}, "next_steps": {}})
}

async fn server_answering_like_the_contract() -> MockServer {
    let server = MockServer::start().await;
    let page = json!({"count": 1, "next": null, "previous": null, "results": [memory()]});
    let routes: Vec<(&str, &str, u16, Value)> = vec![
        ("GET", r"/memories/$", 200, page.clone()),
        ("POST", r"/memories/$", 200, page.clone()),
        ("GET", r"/filtered-memories/$", 200, page),
        (
            "GET",
            r"/memory-categories/$",
            200,
            json!({"categories": ["lessons_learned"]}),
        ),
        (
            "GET",
            r"/memory-filter/$",
            200,
            json!({"categories": [], "users": []}),
        ),
        ("GET", r"/memory-entries/[^/]+/$", 200, entry()),
        ("POST", r"/memory-entries/[^/]+/$", 200, entry()),
        ("DELETE", r"/memory-entries/[^/]+/$", 200, Value::Null),
        ("GET", r"^/api/ai-mentor/.*/memory/[^/]+/$", 200, memory()),
        (
            "DELETE",
            r"^/api/ai-mentor/.*/memory/[^/]+/$",
            200,
            Value::Null,
        ),
        ("GET", r"^/api/ai-prompt/.*/memory/$", 200, course()),
        ("POST", r"^/api/ai-prompt/.*/memory/$", 201, course()),
        ("DELETE", r"^/api/ai-prompt/.*/memory/$", 204, Value::Null),
        ("PUT", r"^/api/ai-prompt/.*/memory/[^/]+/$", 200, course()),
        (
            "DELETE",
            r"^/api/ai-prompt/.*/memory/[^/]+/$",
            204,
            Value::Null,
        ),
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
async fn every_request_the_client_sends_to_the_stores_is_in_the_contract() {
    let server = server_answering_like_the_contract().await;
    let client = ApiClient::new(&ClientSettings::new(server.uri(), SecretString::from("k")))
        .expect("settings");
    let org = OrgScope::new("main");
    let user = UserRef::by_name("johndoe");
    let query = MentorQuery {
        category: Some("lessons_learned".into()),
        start_date: Some("2025-01-01".into()),
        end_date: Some("2025-12-31".into()),
        mentor: Some("2126ee0f-17ac-433e-8f40-abbd3a918ea5".into()),
        mode: Some("regular".into()),
        platform: Some("main".into()),
        session: Some("72515328-24fa-423f-9c63-570223d31787".into()),
        page: Some(2),
        page_size: Some(5),
    };
    let write = MentorMemoryWrite {
        category: Some("personal_information".into()),
        entries: vec![
            MentorEntryWrite {
                key: "name".into(),
                value: "myname".into(),
                expires_at: None,
            },
            MentorEntryWrite {
                key: "info".into(),
                value: "myinfo".into(),
                expires_at: Some("2030-01-01T00:00:00Z".into()),
            },
        ],
        mode: Some("all".into()),
        name: Some("n".into()),
        ..MentorMemoryWrite::default()
    };
    let id = "f03642ce-b7ec-42a2-8604-7aa0c6e7b6d3";
    let course_write = CourseMemoryWrite {
        catalog_item: Some("5f0c8a1e-3b7d-4c2a-9e61-0d4b7a9c2e11".into()),
        lessons: json!({"completed": ["a"]}),
        next_steps: json!(["b"]),
    };
    client.mentor_memories(&org, &user, &query).await.unwrap();
    client
        .mentor_memories(&org, &user, &MentorQuery::default())
        .await
        .unwrap();
    client
        .all_mentor_memories(&org, &user, &MentorQuery::default())
        .await
        .unwrap();
    client
        .filtered_memories(&org, &user, &query, Some("another-user"))
        .await
        .unwrap();
    client
        .create_mentor_memory(&org, &user, &write)
        .await
        .unwrap();
    client.memory_categories(&org, &user).await.unwrap();
    client.memory_filter(&org, &user).await.unwrap();
    client.mentor_entry(&org, &user, id).await.unwrap();
    let update = MentorEntryUpdate {
        key: "new key".into(),
        value: "new value".into(),
    };
    client
        .update_mentor_entry(&org, &user, id, &update)
        .await
        .unwrap();
    client.erase_mentor_entry(&org, &user, id).await.unwrap();
    client
        .erase_mentor_category(&org, &user, "notes/2024 spring")
        .await
        .unwrap();
    client
        .mentor_memory(&org, &user, "user memory 1")
        .await
        .unwrap();
    client.erase_mentor_memory(&org, &user, id).await.unwrap();
    client.course_memories(&org, &user).await.unwrap();
    client
        .create_course_memory(&org, &user, &course_write)
        .await
        .unwrap();
    client
        .update_course_memory(&org, &user, "1", &course_write)
        .await
        .unwrap();
    client.erase_course_memories(&org, &user).await.unwrap();
    client.erase_course_memory(&org, &user, "1").await.unwrap();

    let spec = load_stores_spec();
    let paths = spec["paths"].as_object().expect("paths");
    let mut used = std::collections::BTreeSet::new();
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 18);
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
        match op.get("requestBody") {
            Some(body) => {
                let schema = request_schema(&spec, &body["content"]["application/json"]["schema"]);
                let sent: Value = serde_json::from_slice(&r.body).expect("JSON body");
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
    assert_eq!(used.len(), 15, "operations used: {used:#?}");
    let category = requests
        .iter()
        .find(|r| r.url.path().contains("notes"))
        .expect("the category delete");
    assert!(
        category
            .url
            .path()
            .ends_with("/memory-entries/notes%2F2024%20spring/"),
        "{}",
        category.url.path()
    );
}

#[test]
fn request_schemas_drop_read_only_requirements_only() {
    let spec = load_stores_spec();
    let entry = request_schema(
        &spec,
        &json!({"$ref": "#/components/schemas/UserMemoryEntry"}),
    );
    assert_eq!(entry["required"], json!(["key"]));
    let course = request_schema(
        &spec,
        &json!({"$ref": "#/components/schemas/UserCatalogItemMemoryView"}),
    );
    assert_eq!(course["required"], json!(["platform", "student"]));
    assert!(validate(&spec, &course, &json!({"student": "s"})).is_err());
}
