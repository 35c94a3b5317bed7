//! The mentor-memory routes for one thing: an entry (read, new key and value, delete), a
//! whole category (delete), and one memory by unique id or name (read, delete).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::mentor_body::optional_text;
use super::routes::{Rejection, detail, json_kind, not_found_response, parse_json};
use super::state::MockState;
use super::stores::{MentorRecord, entry_view, mentor_view, now_stamp};

type AppState = State<Arc<MockState>>;

fn deleted() -> Response {
    (
        StatusCode::OK,
        Json(json!({ "detail": "Memory deleted successfully." })),
    )
        .into_response()
}

fn memory_not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Memory not found.")
}

/// Where an entry is: (memory index, entry index).
fn find_entry(memories: &[MentorRecord], id: &str) -> Option<(usize, usize)> {
    let id = Uuid::parse_str(id).ok()?;
    memories.iter().enumerate().find_map(|(mi, m)| {
        m.entries
            .iter()
            .position(|e| e.unique_id == id)
            .map(|ei| (mi, ei))
    })
}

pub(super) async fn get_entry(
    State(state): AppState,
    Path((org, user, entry)): Path<(String, String, String)>,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let stores = state.stores_read();
    let Some(u) = stores.user(who.at) else {
        return memory_not_found();
    };
    match find_entry(&u.mentor, &entry) {
        Some((mi, ei)) => {
            let m = &u.mentor[mi];
            Json(entry_view(&m.entries[ei], m.category.as_deref())).into_response()
        }
        None => memory_not_found(),
    }
}

pub(super) async fn update_entry(
    State(state): AppState,
    Path((org, user, entry)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let value = match parse_json(&body) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            let mut errors = Map::new();
            errors.insert(
                "non_field_errors".into(),
                json!([format!(
                    "Invalid data. Expected a dictionary, but got {}.",
                    json_kind(&other)
                )]),
            );
            return Rejection::Fields(errors).into_response();
        }
        Err(rejection) => return rejection.into_response(),
    };
    let mut errors = Map::new();
    let key = optional_text(&value, "key", &mut errors);
    let new_value = optional_text(&value, "value", &mut errors);
    if key.as_deref() == Some("") {
        errors.insert("key".into(), json!(["This field may not be blank."]));
    }
    if key.is_none() && new_value.is_none() && errors.is_empty() {
        errors.insert("non_field_errors".into(), json!(["Give a key or a value."]));
    }
    if !errors.is_empty() {
        return Rejection::Fields(errors).into_response();
    }
    let mut stores = state.stores_write();
    let u = stores.user_mut(who.at);
    let Some((mi, ei)) = find_entry(&u.mentor, &entry) else {
        return memory_not_found();
    };
    let now = now_stamp();
    let memory = &mut u.mentor[mi];
    memory.updated_at = now.clone();
    let e = &mut memory.entries[ei];
    if let Some(key) = key {
        e.key = key.into();
    }
    if let Some(v) = new_value {
        e.value = Some(v.into());
    }
    e.updated_at = now;
    Json(entry_view(e, memory.category.as_deref())).into_response()
}

/// Deletes one entry by unique id or, when no entry has that id, every memory of the
/// category of that name. A memory left without entries goes too.
pub(super) async fn delete_entry(
    State(state): AppState,
    Path((org, user, target)): Path<(String, String, String)>,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let mut stores = state.stores_write();
    let keep = stores.keep_deletes;
    let u = stores.user_mut(who.at);
    if let Some((mi, ei)) = find_entry(&u.mentor, &target) {
        if !keep {
            u.mentor[mi].entries.remove(ei);
            if u.mentor[mi].entries.is_empty() {
                u.mentor.remove(mi);
            }
        }
        return deleted();
    }
    let matched = u
        .mentor
        .iter()
        .filter(|m| m.category.as_deref() == Some(target.as_str()))
        .count();
    if matched == 0 {
        return memory_not_found();
    }
    if !keep {
        u.mentor
            .retain(|m| m.category.as_deref() != Some(target.as_str()));
    }
    deleted()
}

/// A memory by unique id, or else by name.
fn find_memory(memories: &[MentorRecord], id_or_name: &str) -> Option<usize> {
    let by_id = Uuid::parse_str(id_or_name)
        .ok()
        .and_then(|id| memories.iter().position(|m| m.unique_id == id));
    by_id.or_else(|| memories.iter().position(|m| &*m.name == id_or_name))
}

pub(super) async fn get_memory(
    State(state): AppState,
    Path((org, user, target)): Path<(String, String, String)>,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let stores = state.stores_read();
    let found = stores
        .user(who.at)
        .and_then(|u| find_memory(&u.mentor, &target).map(|i| &u.mentor[i]));
    match found {
        Some(memory) => Json(mentor_view(memory, &who.owner())).into_response(),
        None => memory_not_found(),
    }
}

pub(super) async fn delete_memory(
    State(state): AppState,
    Path((org, user, target)): Path<(String, String, String)>,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let mut stores = state.stores_write();
    let keep = stores.keep_deletes;
    let u = stores.user_mut(who.at);
    match find_memory(&u.mentor, &target) {
        Some(i) => {
            if !keep {
                u.mentor.remove(i);
            }
            deleted()
        }
        None => memory_not_found(),
    }
}
