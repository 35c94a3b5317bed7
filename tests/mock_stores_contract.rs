//! Contract test for the stores beside chat memory: every path, method and status of
//! `tests/contract/memory-stores.openapi.yaml` is produced by the mock, and each JSON body
//! fits its schema; deletes really delete.

mod common;

use std::collections::BTreeSet;

use common::schema::{declared_responses, load_stores_spec, response_schema, validate};
use common::{Mock, start_default};
use memory_console::mock::MemoryShape;
use reqwest::Method;
use serde_json::{Value, json};

const MEMORIES: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/memories/";
const CATEGORIES: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/memory-categories/";
const ENTRY: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/memory-entries/{entry_unique_id}/";
const FILTER: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/memory-filter/";
const FILTERED: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/filtered-memories/";
const ONE: &str = "/api/ai-mentor/orgs/{org}/users/{user_id}/memory/{memory_unique_id_or_name}/";
const COURSE: &str = "/api/ai-prompt/orgs/{org}/users/{user_id}/memory/";
const COURSE_ONE: &str = "/api/ai-prompt/orgs/{org}/users/{user_id}/memory/{memory_id}/";

fn mentor(user: &str, tail: &str) -> String {
    format!("/api/ai-mentor/orgs/main/users/{user}/{tail}")
}

fn course(user: &str, tail: &str) -> String {
    format!("/api/ai-prompt/orgs/main/users/{user}/memory/{tail}")
}

struct Checker {
    spec: Value,
    covered: BTreeSet<(String, String, u16)>,
}

impl Checker {
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
            // A list-shaped course GET is the same documented deviation as chat memory's.
            let items = match (&answer.body, template == COURSE && method == Method::GET) {
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

#[tokio::test]
async fn every_declared_response_is_served_and_fits_its_schema() {
    let mock = start_default().await;
    let mut c = Checker {
        spec: load_stores_spec(),
        covered: BTreeSet::new(),
    };
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);

    // lists, with filters and paging
    let all = c
        .call(
            &mock,
            MEMORIES,
            get.clone(),
            &mentor("multi.mia", "memories/"),
            None,
            200,
        )
        .await;
    assert_eq!(all["count"], 4);
    let page = c
        .call(
            &mock,
            MEMORIES,
            get.clone(),
            &mentor("multi.mia", "memories/?page_size=3&mode=regular"),
            None,
            200,
        )
        .await;
    assert_eq!(page["results"].as_array().map(Vec::len), Some(3));
    let next = page["next"].as_str().expect("a next link");
    assert!(
        next.contains("page=2") && next.contains("mode=regular"),
        "{next}"
    );
    let gaps = c
        .call(
            &mock,
            MEMORIES,
            get.clone(),
            &mentor("multi.mia", "memories/?category=knowledge_gaps"),
            None,
            200,
        )
        .await;
    assert_eq!(gaps["count"], 1);
    c.call(
        &mock,
        MEMORIES,
        get.clone(),
        &mentor("hostile.hannah", "memories/"),
        None,
        200,
    )
    .await;
    c.call(
        &mock,
        MEMORIES,
        get.clone(),
        &mentor("admin.ada", "memories/"),
        None,
        200,
    )
    .await;
    c.call(
        &mock,
        FILTERED,
        get.clone(),
        &mentor("admin.ada", "filtered-memories/?username=multi.mia"),
        None,
        200,
    )
    .await;
    let everyone = c
        .call(
            &mock,
            FILTERED,
            get.clone(),
            &mentor("admin.ada", "filtered-memories/?page_size=100"),
            None,
            200,
        )
        .await;
    assert!(everyone["count"].as_u64().unwrap_or(0) > 10);
    let categories = c
        .call(
            &mock,
            CATEGORIES,
            get.clone(),
            &mentor("paragraphs.pete", "memory-categories/"),
            None,
            200,
        )
        .await;
    assert!(categories["categories"].as_array().is_some_and(|c| {
        c.contains(&json!("notes/2024 spring")) && c.contains(&json!("lessons_learned"))
    }));
    let filter = c
        .call(
            &mock,
            FILTER,
            get.clone(),
            &mentor("admin.ada", "memory-filter/"),
            None,
            200,
        )
        .await;
    assert!(
        filter["users"]
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u["username"] == "multi.mia"))
    );

    // create, then one entry: read, update, delete
    let created = c
        .call(
            &mock,
            MEMORIES,
            post.clone(),
            &mentor("no.memory.nick", "memories/"),
            Some(json!({"category": "help_requests", "entries": [
                {"key": "k1", "value": "v1"},
                {"key": "k2", "value": "v2", "expires_at": null}]})),
            200,
        )
        .await;
    let memory = &created["results"][0];
    let entry_id = memory["entries"][0]["unique_id"]
        .as_str()
        .expect("entry id")
        .to_owned();
    let memory_id = memory["unique_id"].as_str().expect("memory id").to_owned();
    let entry_path = mentor("no.memory.nick", &format!("memory-entries/{entry_id}/"));
    let read = c
        .call(&mock, ENTRY, get.clone(), &entry_path, None, 200)
        .await;
    assert_eq!(
        (read["key"].as_str(), read["category"].as_str()),
        (Some("k1"), Some("help_requests"))
    );
    let updated = c
        .call(
            &mock,
            ENTRY,
            post.clone(),
            &entry_path,
            Some(json!({"key": "new key", "value": "this is new memory value!"})),
            200,
        )
        .await;
    assert_eq!(updated["value"], "this is new memory value!");
    c.call(&mock, ENTRY, delete.clone(), &entry_path, None, 200)
        .await;
    c.call(&mock, ENTRY, delete.clone(), &entry_path, None, 404)
        .await;
    assert_eq!(
        mock.get(&entry_path).await.status.as_u16(),
        404,
        "deleted means gone"
    );

    // one memory by id and by name
    let one = mentor("no.memory.nick", &format!("memory/{memory_id}/"));
    let got = c.call(&mock, ONE, get.clone(), &one, None, 200).await;
    assert_eq!(got["entries"].as_array().map(Vec::len), Some(1));
    c.call(
        &mock,
        ONE,
        get.clone(),
        &mentor("multi.mia", "memory/Study%20habits/"),
        None,
        200,
    )
    .await;
    c.call(&mock, ONE, delete.clone(), &one, None, 200).await;
    c.call(&mock, ONE, delete.clone(), &one, None, 404).await;

    // a whole category, whose name holds a slash and a space, as one encoded segment
    let spring = mentor("paragraphs.pete", "memory-entries/notes%2F2024%20spring/");
    c.call(&mock, ENTRY, delete.clone(), &spring, None, 200)
        .await;
    let left = mock.state_mentor("paragraphs.pete");
    assert_eq!(
        left,
        vec![Some("help_requests".to_owned())],
        "only that category went"
    );

    // course memory
    let mia = course("multi.mia", "");
    let first = c.call(&mock, COURSE, get.clone(), &mia, None, 200).await;
    assert!(first["lessons"].is_object());
    c.call(
        &mock,
        COURSE,
        get.clone(),
        &course("no.memory.nick", ""),
        None,
        404,
    )
    .await;
    let made = c
        .call(
            &mock,
            COURSE,
            post.clone(),
            &course("no.memory.nick", ""),
            Some(json!({"student": "no.memory.nick", "platform": "main",
                "catalog_item": "11111111-2222-4333-8444-555555555555",
                "lessons": {"completed": ["a"]}, "next_steps": ["b"]})),
            201,
        )
        .await;
    c.call(
        &mock,
        COURSE,
        post.clone(),
        &course("no.memory.nick", ""),
        Some(json!({"student": "x", "platform": "main", "catalog_item": "course-v1:not-a-uuid"})),
        400,
    )
    .await;
    let id = made["id"].as_u64().expect("id");
    let one = course("no.memory.nick", &format!("{id}/"));
    let changed = c
        .call(
            &mock,
            COURSE_ONE,
            put.clone(),
            &one,
            Some(json!({"student": "no.memory.nick", "platform": "main", "lessons": "done"})),
            200,
        )
        .await;
    assert_eq!(changed["lessons"], "done");
    c.call(
        &mock,
        COURSE_ONE,
        put.clone(),
        &one,
        Some(json!({"lessons": 1})),
        400,
    )
    .await;
    c.call(
        &mock,
        COURSE_ONE,
        put.clone(),
        &course("no.memory.nick", "999999/"),
        Some(json!({"student": "x", "platform": "main"})),
        404,
    )
    .await;
    c.call(&mock, COURSE_ONE, delete.clone(), &one, None, 204)
        .await;
    c.call(&mock, COURSE_ONE, delete.clone(), &one, None, 404)
        .await;
    mock.server.state().set_memory_shape(MemoryShape::List);
    let both = c.call(&mock, COURSE, get.clone(), &mia, None, 200).await;
    assert_eq!(both.as_array().map(Vec::len), Some(2));
    c.call(&mock, COURSE, delete.clone(), &mia, None, 204).await;
    c.call(&mock, COURSE, delete.clone(), &mia, None, 404).await;
    assert_eq!(
        mock.get(&mia).await.status.as_u16(),
        404,
        "erased means gone"
    );

    let declared: BTreeSet<_> = declared_responses(&c.spec).into_iter().collect();
    let missing: Vec<_> = declared.difference(&c.covered).collect();
    assert!(
        missing.is_empty(),
        "responses never exercised: {missing:#?}"
    );
}

trait MentorHook {
    fn state_mentor(&self, user: &str) -> Vec<Option<String>>;
}

impl MentorHook for Mock {
    /// The categories of a user's mentor memories, read straight from the mock's state.
    fn state_mentor(&self, user: &str) -> Vec<Option<String>> {
        self.server
            .state()
            .mentor_memories("main", user)
            .expect("user exists")
            .into_iter()
            .map(|m| m.category.as_deref().map(str::to_owned))
            .collect()
    }
}

#[test]
fn the_validator_holds_mock_answers_to_the_stores_schemas() {
    let spec = load_stores_spec();
    let memory = json!({"$ref": "#/components/schemas/UserMemory"});
    let entry = json!({"unique_id": "f03642ce-b7ec-42a2-8604-7aa0c6e7b6d3", "key": "k",
        "value": null, "inserted_at": "t", "updated_at": "t", "expires_at": null, "category": null});
    let good = json!({"mode": "all", "email": null, "username": "u", "platform": "main",
        "mentor": null, "session_id": null, "catalog_item_type": null, "catalog_item_id": null,
        "entries": [entry], "inserted_at": "t", "updated_at": "t"});
    assert_eq!(validate(&spec, &memory, &good), Ok(()));
    let mut no_entries = good.clone();
    no_entries.as_object_mut().map(|m| m.remove("entries"));
    assert!(validate(&spec, &memory, &no_entries).is_err());
    let mut bad_id = good.clone();
    bad_id["unique_id"] = json!("not-a-uuid");
    assert!(validate(&spec, &memory, &bad_id).is_err());
    let course = json!({"$ref": "#/components/schemas/UserCatalogItemMemoryView"});
    assert!(
        validate(
            &spec,
            &course,
            &json!({"id": 1, "student": null, "platform": "m", "lessons": {"a": 1}})
        )
        .is_ok()
    );
    assert!(
        validate(
            &spec,
            &course,
            &json!({"id": "1", "student": null, "platform": "m"})
        )
        .is_err()
    );
    assert!(
        validate(
            &spec,
            &course,
            &json!({"id": 1, "student": null, "platform": "m", "catalog_item": "course-v1:x"})
        )
        .is_err()
    );
}
