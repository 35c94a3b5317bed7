//! The mentor-memory routes (`/api/ai-mentor/orgs/{org}/users/{user_id}/...`): paged and
//! filtered lists, create, categories, one entry (read, update, delete), a whole category's
//! delete, and one memory (read, delete).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::routes::{Rejection, detail, json_kind, not_found_response, parse_json, query_params};
use super::state::MockState;
use super::stores::{
    MentorEntryRecord, MentorRecord, Owner, STANDARD_CATEGORIES, entry_view, mentor_view, now_stamp,
};
use super::stores_state::{Located, StoreKind, gate};

const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 100;
const MODES: [&str; 3] = ["guided", "regular", "all"];

type AppState = State<Arc<MockState>>;

pub(crate) fn routes(state: Arc<MockState>) -> Router<Arc<MockState>> {
    let base = "/api/ai-mentor/orgs/{org}/users/{user_id}";
    Router::new()
        .route(&format!("{base}/memories/"), get(list).post(create))
        .route(&format!("{base}/memory-categories/"), get(categories))
        .route(&format!("{base}/memory-filter/"), get(filter))
        .route(&format!("{base}/filtered-memories/"), get(filtered))
        .route(
            &format!("{base}/memory-entries/{{entry_unique_id}}/"),
            get(get_entry).post(update_entry).delete(delete_entry),
        )
        .route(
            &format!("{base}/memory/{{memory_unique_id_or_name}}/"),
            get(get_memory).delete(delete_memory),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            (state, StoreKind::Mentor),
            gate,
        ))
}

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

fn owner(who: &Located) -> Owner<'_> {
    Owner {
        username: &who.username,
        email: &who.email,
        platform: &who.org_key,
    }
}

// ----- lists ----------------------------------------------------------------------------

/// Whether a memory passes the list filters (category, mentor, mode, platform, session, dates).
fn fits(memory: &MentorRecord, params: &HashMap<String, String>, platform: &str) -> bool {
    let param = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let date = |stamp: &str| stamp.get(..10).unwrap_or(stamp).to_owned();
    param("category").is_none_or(|c| memory.category.as_deref() == Some(c))
        && param("mentor").is_none_or(|m| memory.mentor.as_deref() == Some(m))
        && param("mode").is_none_or(|m| m == "all" || &*memory.mode == m || &*memory.mode == "all")
        && param("platform").is_none_or(|p| p == platform)
        && param("session").is_none_or(|s| memory.session_id.as_deref() == Some(s))
        && param("start_date").is_none_or(|d| date(&memory.inserted_at) >= date(d))
        && param("end_date").is_none_or(|d| date(&memory.inserted_at) <= date(d))
}

/// DRF's page-number pagination: `count`, absolute `next`/`previous` links, `results`.
fn paged(
    items: Vec<Value>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    path: &str,
) -> Response {
    let page = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|&p| p >= 1);
    if params.contains_key("page") && page.is_none() {
        return detail(StatusCode::NOT_FOUND, "Invalid page.");
    }
    let page = page.unwrap_or(1);
    let size = params
        .get("page_size")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .min(MAX_PAGE_SIZE);
    let count = items.len();
    let last = count.div_ceil(size).max(1);
    if page > last {
        return detail(StatusCode::NOT_FOUND, "Invalid page.");
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let link = |n: usize| {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in params.iter().filter(|(k, _)| k.as_str() != "page") {
            query.append_pair(k, v);
        }
        query.append_pair("page", &n.to_string());
        Value::String(format!("http://{host}{path}?{}", query.finish()))
    };
    let results: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    Json(json!({
        "count": count,
        "next": if page < last { link(page + 1) } else { Value::Null },
        "previous": if page > 1 { link(page - 1) } else { Value::Null },
        "results": results,
    }))
    .into_response()
}

fn views_of(state: &MockState, who: &Located, params: &HashMap<String, String>) -> Vec<Value> {
    let stores = state.stores_read();
    let owner = owner(who);
    stores
        .user(who.at)
        .map(|u| {
            u.mentor
                .iter()
                .filter(|m| fits(m, params, &who.org_key))
                .map(|m| mentor_view(m, &owner))
                .collect()
        })
        .unwrap_or_default()
}

async fn list(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let params = query_params(raw);
    let views = views_of(&state, &who, &params);
    paged(views, &params, &headers, uri.path())
}

/// For tenant admins: one user's memories (`username`), or every user's in the org.
async fn filtered(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    if state.locate(&org, &user).is_none() {
        return not_found_response();
    }
    let params = query_params(raw);
    let views = match params.get("username").filter(|u| !u.is_empty()) {
        Some(name) => match state.locate(&org, name) {
            Some(who) => views_of(&state, &who, &params),
            None => Vec::new(),
        },
        None => {
            let store = state.store();
            let stores = state.stores_read();
            let Some(&org_index) = store.org_index.get(&org) else {
                return not_found_response();
            };
            let mut ats: Vec<_> = stores.users.keys().filter(|at| at.0 == org_index).collect();
            ats.sort();
            let mut views = Vec::new();
            for at in ats {
                let info = &store.user(*at).info;
                let owner = Owner {
                    username: &info.username,
                    email: &info.email,
                    platform: &org,
                };
                if let Some(u) = stores.user(*at) {
                    views.extend(
                        u.mentor
                            .iter()
                            .filter(|m| fits(m, &params, &org))
                            .map(|m| mentor_view(m, &owner)),
                    );
                }
            }
            views
        }
    };
    paged(views, &params, &headers, uri.path())
}

/// The standard categories, then any other the user's memories use.
fn category_names(state: &MockState, who: &Located) -> Vec<String> {
    let mut names: Vec<String> = STANDARD_CATEGORIES
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    if let Some(u) = state.stores_read().user(who.at) {
        for category in u.mentor.iter().filter_map(|m| m.category.as_ref()) {
            if !names.iter().any(|n| **n == **category) {
                names.push(category.to_string());
            }
        }
    }
    names
}

async fn categories(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    match state.locate(&org, &user) {
        Some(who) => Json(json!({ "categories": category_names(&state, &who) })).into_response(),
        None => not_found_response(),
    }
}

async fn filter(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let categories = category_names(&state, &who);
    let store = state.store();
    let stores = state.stores_read();
    let mut ats: Vec<_> = stores
        .users
        .iter()
        .filter(|(at, u)| at.0 == who.at.0 && !u.mentor.is_empty())
        .map(|(at, _)| *at)
        .collect();
    ats.sort();
    let users: Vec<Value> = ats
        .into_iter()
        .map(|at| {
            let info = &store.user(at).info;
            json!({ "username": info.username, "email": info.email, "lti_email": "" })
        })
        .collect();
    Json(json!({ "categories": categories, "users": users })).into_response()
}

// ----- create ---------------------------------------------------------------------------

fn optional_text(
    map: &Map<String, Value>,
    field: &str,
    errors: &mut Map<String, Value>,
) -> Option<String> {
    match map.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.insert(field.to_owned(), json!(["Not a valid string."]));
            None
        }
    }
}

fn parse_entry(value: &Value, now: &Arc<str>) -> Result<MentorEntryRecord, Map<String, Value>> {
    let mut errors = Map::new();
    let Value::Object(map) = value else {
        errors.insert(
            "non_field_errors".into(),
            json!([format!(
                "Invalid data. Expected a dictionary, but got {}.",
                json_kind(value)
            )]),
        );
        return Err(errors);
    };
    let mut required = |field: &str| match map.get(field) {
        Some(Value::String(s)) if field == "key" && s.is_empty() => {
            errors.insert(field.into(), json!(["This field may not be blank."]));
            None
        }
        Some(Value::String(s)) => Some(s.clone()),
        None => {
            errors.insert(field.into(), json!(["This field is required."]));
            None
        }
        Some(_) => {
            errors.insert(field.into(), json!(["Not a valid string."]));
            None
        }
    };
    let key = required("key");
    let value = required("value");
    let expires_at = optional_text(map, "expires_at", &mut errors);
    match (key, value) {
        (Some(key), Some(value)) if errors.is_empty() => Ok(MentorEntryRecord {
            unique_id: Uuid::new_v4(),
            key: key.into(),
            value: Some(value.into()),
            inserted_at: now.clone(),
            updated_at: now.clone(),
            expires_at: expires_at.map(Arc::from),
        }),
        _ => Err(errors),
    }
}

fn parse_create(body: &[u8]) -> Result<MentorRecord, Rejection> {
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
    let now = now_stamp();
    let mut errors = Map::new();
    let entries = match map.get("entries") {
        None => {
            errors.insert("entries".into(), json!(["This field is required."]));
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let parsed: Vec<_> = items.iter().map(|item| parse_entry(item, &now)).collect();
            if parsed.iter().any(Result::is_err) {
                let each: Vec<Value> = parsed
                    .iter()
                    .map(|p| match p {
                        Ok(_) => json!({}),
                        Err(e) => Value::Object(e.clone()),
                    })
                    .collect();
                errors.insert("entries".into(), Value::Array(each));
            }
            parsed.into_iter().filter_map(Result::ok).collect()
        }
        Some(other) => {
            errors.insert(
                "entries".into(),
                json!([format!(
                    "Expected a list of items but got type \"{}\".",
                    json_kind(other)
                )]),
            );
            Vec::new()
        }
    };
    let mode = optional_text(&map, "mode", &mut errors).unwrap_or_else(|| "all".into());
    if !MODES.contains(&mode.as_str()) {
        errors.insert(
            "mode".into(),
            json!([format!("\"{mode}\" is not a valid choice.")]),
        );
    }
    let name = optional_text(&map, "name", &mut errors);
    let category = optional_text(&map, "category", &mut errors);
    let mentor = optional_text(&map, "mentor_unique_id", &mut errors);
    let session_id = optional_text(&map, "session_id", &mut errors);
    let catalog_item_type = optional_text(&map, "catalog_item_type", &mut errors);
    let catalog_item_id = optional_text(&map, "catalog_item_id", &mut errors);
    let _platform = optional_text(&map, "platform", &mut errors);
    if !errors.is_empty() {
        return Err(Rejection::Fields(errors));
    }
    Ok(MentorRecord {
        unique_id: Uuid::new_v4(),
        name: name
            .or_else(|| category.clone())
            .unwrap_or_else(|| "memory".into())
            .into(),
        category: category.map(Arc::from),
        mode: mode.into(),
        mentor,
        session_id,
        catalog_item_type,
        catalog_item_id,
        is_auto_generated: false,
        inserted_at: now.clone(),
        updated_at: now,
        entries,
    })
}

async fn create(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(who) = state.locate(&org, &user) else {
        return not_found_response();
    };
    let memory = match parse_create(&body) {
        Ok(memory) => memory,
        Err(rejection) => return rejection.into_response(),
    };
    let view = mentor_view(&memory, &owner(&who));
    state.stores_write().user_mut(who.at).mentor.push(memory);
    Json(json!({ "count": 1, "next": null, "previous": null, "results": [view] })).into_response()
}

// ----- one entry, one category, one memory ----------------------------------------------

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

async fn get_entry(
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

async fn update_entry(
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
async fn delete_entry(
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

async fn get_memory(
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
        Some(memory) => Json(mentor_view(memory, &owner(&who))).into_response(),
        None => memory_not_found(),
    }
}

async fn delete_memory(
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
