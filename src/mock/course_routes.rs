//! The course-memory routes (`/api/ai-prompt/orgs/{org}/users/{user_id}/memory/`): read,
//! create, erase all; update and erase one by id. `lessons` and `next_steps` are any JSON.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::config::MemoryShape;
use super::routes::{Rejection, json_kind, not_found_response, parse_json};
use super::state::MockState;
use super::stores::{CourseRecord, course_view};
use super::stores_state::{StoreKind, gate};

type AppState = State<Arc<MockState>>;

pub(crate) fn routes(state: Arc<MockState>) -> Router<Arc<MockState>> {
    let base = "/api/ai-prompt/orgs/{org}/users/{user_id}/memory/";
    Router::new()
        .route(base, get(read).post(create).delete(erase_all))
        .route(
            &format!("{base}{{memory_id}}/"),
            put(update).delete(erase_one),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            (state, StoreKind::Course),
            gate,
        ))
}

/// A validated create or update body; `None` fields were absent.
struct CourseBody {
    catalog_item: Option<Option<Uuid>>,
    lessons: Option<Value>,
    next_steps: Option<Value>,
}

fn parse_body(body: &[u8]) -> Result<CourseBody, Rejection> {
    let value = parse_json(body)?;
    let Value::Object(map) = value else {
        let mut errors = Map::new();
        errors.insert(
            "non_field_errors".into(),
            json!([format!(
                "Invalid data. Expected a dictionary, but got {}.",
                json_kind(&value)
            )]),
        );
        return Err(Rejection::Fields(errors));
    };
    let mut errors = Map::new();
    match map.get("platform") {
        Some(Value::String(s)) if !s.is_empty() => {}
        None => {
            errors.insert("platform".into(), json!(["This field is required."]));
        }
        Some(_) => {
            errors.insert("platform".into(), json!(["Not a valid string."]));
        }
    }
    match map.get("student") {
        None => {
            errors.insert("student".into(), json!(["This field is required."]));
        }
        Some(Value::Null | Value::String(_)) => {}
        Some(_) => {
            errors.insert("student".into(), json!(["Not a valid string."]));
        }
    }
    let catalog_item = match map.get("catalog_item") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => match Uuid::parse_str(s) {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                errors.insert("catalog_item".into(), json!(["Must be a valid UUID."]));
                None
            }
        },
        Some(_) => {
            errors.insert("catalog_item".into(), json!(["Must be a valid UUID."]));
            None
        }
    };
    if !errors.is_empty() {
        return Err(Rejection::Fields(errors));
    }
    Ok(CourseBody {
        catalog_item,
        lessons: map.get("lessons").cloned(),
        next_steps: map.get("next_steps").cloned(),
    })
}

fn unique_clash() -> Response {
    let mut errors = Map::new();
    errors.insert(
        "non_field_errors".into(),
        json!(["The fields student, platform, catalog_item must make a unique set."]),
    );
    Rejection::Fields(errors).into_response()
}

async fn read(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let stores = state.stores_read();
    let views: Vec<Value> = stores
        .user(who.at)
        .map(|u| {
            u.course
                .iter()
                .map(|c| course_view(c, &who.username, &who.org_key))
                .collect()
        })
        .unwrap_or_default();
    match (state.memory_shape(), views.first()) {
        (_, None) => not_found_response(),
        (MemoryShape::Object, Some(first)) => Json(first).into_response(),
        (MemoryShape::List, Some(_)) => Json(views).into_response(),
    }
}

async fn create(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let parsed = match parse_body(&body) {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let catalog_item = parsed.catalog_item.flatten();
    let mut stores = state.stores_write();
    let clash = catalog_item.is_some()
        && stores
            .user(who.at)
            .is_some_and(|u| u.course.iter().any(|c| c.catalog_item == catalog_item));
    if clash {
        return unique_clash();
    }
    let record = CourseRecord {
        id: stores.new_course_id(),
        catalog_item,
        lessons: Arc::new(parsed.lessons.unwrap_or(Value::Null)),
        next_steps: Arc::new(parsed.next_steps.unwrap_or(Value::Null)),
    };
    let view = course_view(&record, &who.username, &who.org_key);
    stores.user_mut(who.at).course.push(record);
    (StatusCode::CREATED, Json(view)).into_response()
}

async fn erase_all(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let mut stores = state.stores_write();
    let keep = stores.keep_deletes;
    let u = stores.user_mut(who.at);
    if u.course.is_empty() {
        return not_found_response();
    }
    if !keep {
        u.course.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn update(
    State(state): AppState,
    Path((org, user, memory_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let Ok(memory_id) = memory_id.parse::<u64>() else {
        return not_found_response();
    };
    let exists = state
        .stores_read()
        .user(who.at)
        .is_some_and(|u| u.course.iter().any(|c| c.id == memory_id));
    if !exists {
        return not_found_response();
    }
    let parsed = match parse_body(&body) {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let mut stores = state.stores_write();
    let u = stores.user_mut(who.at);
    if let Some(Some(item)) = parsed.catalog_item
        && u.course
            .iter()
            .any(|c| c.id != memory_id && c.catalog_item == Some(item))
    {
        return unique_clash();
    }
    let Some(record) = u.course.iter_mut().find(|c| c.id == memory_id) else {
        return not_found_response();
    };
    if let Some(item) = parsed.catalog_item {
        record.catalog_item = item;
    }
    if let Some(lessons) = parsed.lessons {
        record.lessons = Arc::new(lessons);
    }
    if let Some(next_steps) = parsed.next_steps {
        record.next_steps = Arc::new(next_steps);
    }
    Json(course_view(record, &who.username, &who.org_key)).into_response()
}

async fn erase_one(
    State(state): AppState,
    Path((org, user, memory_id)): Path<(String, String, String)>,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let Ok(memory_id) = memory_id.parse::<u64>() else {
        return not_found_response();
    };
    let mut stores = state.stores_write();
    let keep = stores.keep_deletes;
    let u = stores.user_mut(who.at);
    let Some(at) = u.course.iter().position(|c| c.id == memory_id) else {
        return not_found_response();
    };
    if !keep {
        u.course.remove(at);
    }
    StatusCode::NO_CONTENT.into_response()
}
