//! The HTTP routes: ibl's users, platform, chat-memory, memory-status and task endpoints, plus `/__mock/` controls;
//! the mentor-memory and course-memory routes are merged in from their own files.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::config::{MemoryShape, PagingQuirk};
use super::middleware::mock_layer;
use super::state::{Faults, MockState};
use super::store::{MemoryEntry, OrgRecord, UserRecord};

/// Memories can be several megabytes; axum's default limit is 2 MB.
const BODY_LIMIT: usize = 16 * 1024 * 1024;
const MAX_FIELD_CHARS: usize = 500;
const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_PAGE_SIZE: usize = 10;

type AppState = State<Arc<MockState>>;

pub(crate) fn router(state: Arc<MockState>) -> Router {
    let memory = "/api/ai-prompt/orgs/{org}/users/{user_id}/all-chats-memory/";
    Router::new()
        .route("/api/core/platform/users/", get(list_users))
        .route("/api/core/platform/", get(platform))
        .route("/api/core/users/platforms/", get(user_platforms))
        .route(
            memory,
            get(get_memory)
                .post(create_memory)
                .put(replace_memory)
                .delete(erase_memory),
        )
        .route(
            &format!("{memory}{{memory_id}}/"),
            put(update_entry).delete(delete_entry),
        )
        .route(
            "/api/ai-prompt/orgs/{org}/users/{user_id}/chat-memory-status/",
            get(get_status).put(put_status),
        )
        .route(
            "/api/ai-mentor/orgs/{org}/users/{user_id}/tasks/{task_id}",
            get(get_task),
        )
        .route(
            "/api/ai-mentor/orgs/{org}/users/{user_id}/tasks/{task_id}/",
            get(get_task),
        )
        .merge(super::mentor_routes::routes(state.clone()))
        .merge(super::course_routes::routes(state.clone()))
        .route("/__mock/faults", get(get_faults).put(put_faults))
        .route("/__mock/requests", get(get_requests).delete(clear_requests))
        .route("/__mock/memory/{org}/{user_id}", put(control_set_memory))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            mock_layer,
        ))
        .with_state(state)
}

// ----- response helpers ---------------------------------------------------------------

pub(crate) fn detail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "detail": message }))).into_response()
}

/// DRF's words for a missing object.
const NOT_FOUND: &str = "Not found.";

pub(super) fn not_found_response() -> Response {
    detail(StatusCode::NOT_FOUND, NOT_FOUND)
}

async fn not_found() -> Response {
    not_found_response()
}

async fn method_not_allowed(method: Method) -> Response {
    detail(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("Method \"{method}\" not allowed."),
    )
}

/// A refused request; small, unlike `Response`, so it travels cheaply in a `Result`.
pub(crate) enum Rejection {
    Detail(StatusCode, String),
    Fields(Map<String, Value>),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Self::Detail(status, message) => detail(status, &message),
            Self::Fields(errors) => field_errors(errors),
        }
    }
}

fn field_errors(errors: Map<String, Value>) -> Response {
    (StatusCode::BAD_REQUEST, Json(Value::Object(errors))).into_response()
}

fn field_error(field: &str, message: &str) -> Response {
    let mut errors = Map::new();
    errors.insert(field.to_owned(), json!([message]));
    field_errors(errors)
}

pub(super) fn parse_json(body: &[u8]) -> Result<Value, Rejection> {
    serde_json::from_slice(body)
        .map_err(|e| Rejection::Detail(StatusCode::BAD_REQUEST, format!("JSON parse error - {e}")))
}

pub(super) fn query_params(raw: Option<String>) -> HashMap<String, String> {
    raw.map(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect()
    })
    .unwrap_or_default()
}

#[derive(Serialize)]
struct EntryView<'a> {
    id: u64,
    username: &'a str,
    platform_key: &'a str,
    content: Option<&'a str>,
    session_id: Option<String>,
}

impl<'a> EntryView<'a> {
    fn new(entry: &'a MemoryEntry, username: &'a str, platform_key: &'a str) -> Self {
        Self {
            id: entry.id,
            username,
            platform_key,
            content: entry.content.as_deref(),
            session_id: entry.session_id.map(|id| id.to_string()),
        }
    }
}

// ----- users and platforms ------------------------------------------------------------

fn find_org<'a>(
    orgs: &'a [OrgRecord],
    index: &HashMap<String, usize>,
    key: &str,
) -> Option<&'a OrgRecord> {
    index.get(key).map(|&i| &orgs[i]).or_else(|| {
        orgs.iter().find(|org| {
            org.info
                .org
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(key))
        })
    })
}

#[derive(Serialize)]
struct UserView<'a> {
    username: &'a str,
    user_id: u64,
    name: &'a str,
    platform_org: &'a str,
    expired_on: Option<&'a str>,
    is_admin: bool,
    is_staff: bool,
    platform_key: &'a str,
    active: bool,
    email: &'a str,
    added_on: &'a str,
}

impl<'a> UserView<'a> {
    fn new(org: &'a OrgRecord, user: &'a UserRecord) -> Self {
        let info = &user.info;
        Self {
            username: &info.username,
            user_id: info.user_id,
            name: &info.name,
            platform_org: org.info.org.as_deref().unwrap_or(&org.info.key),
            expired_on: info.expired_on.as_deref(),
            is_admin: info.is_admin,
            is_staff: info.is_staff,
            platform_key: &org.info.key,
            active: info.active,
            email: &info.email,
            added_on: &info.added_on,
        }
    }
}

#[derive(Serialize)]
struct UsersPage<'a> {
    count: usize,
    next_page: usize,
    previous_page: usize,
    results: Vec<UserView<'a>>,
}

async fn list_users(State(state): AppState, RawQuery(raw): RawQuery) -> Response {
    let params = query_params(raw);
    let org_key = params
        .get("platform_key")
        .or_else(|| params.get("platform_org"))
        .map(String::as_str)
        .unwrap_or("");
    let page = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(1);
    let page_size = params
        .get("page_size")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|&p| p >= 1)
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .min(MAX_PAGE_SIZE);
    let needle = params
        .get("query")
        .map(|q| q.to_lowercase())
        .filter(|q| !q.is_empty());

    let quirk = state.paging();
    // An endless server serves its first page whatever page is asked for.
    let served = if quirk == PagingQuirk::Endless {
        1
    } else {
        page
    };
    let store = state.store();
    let first = (served - 1).saturating_mul(page_size);
    let mut count = 0usize;
    let mut results = Vec::new();
    if let Some(org) = find_org(&store.orgs, &store.org_index, org_key) {
        match needle.as_deref() {
            // Without a query a page is a slice: no walk over 100k users.
            None => {
                count = org.users.len();
                let end = first.saturating_add(page_size).min(count);
                if first < end {
                    results.extend(org.users[first..end].iter().map(|u| UserView::new(org, u)));
                }
            }
            Some(needle) => {
                let matches = org
                    .users
                    .iter()
                    .filter(|user| user.search.iter().any(|field| field.contains(needle)));
                for user in matches {
                    if count >= first && results.len() < page_size {
                        results.push(UserView::new(org, user));
                    }
                    count += 1;
                }
            }
        }
    }
    let last_page = count.div_ceil(page_size).max(1);
    Json(UsersPage {
        count,
        next_page: match quirk {
            PagingQuirk::Honest if page < last_page => page + 1,
            PagingQuirk::Honest | PagingQuirk::Stuck => page,
            PagingQuirk::Endless => page + 1,
        },
        previous_page: if page > 1 { page - 1 } else { 1 },
        results,
    })
    .into_response()
}

async fn platform(State(state): AppState, RawQuery(raw): RawQuery) -> Response {
    let params = query_params(raw);
    let Some(key) = params.get("key").filter(|k| !k.is_empty()) else {
        return field_error("key", "This field is required.");
    };
    let store = state.store();
    let Some(&index) = store.org_index.get(key.as_str()) else {
        return not_found_response();
    };
    let info = &store.orgs[index].info;
    Json(json!({
        "key": info.key,
        "name": info.name,
        "org": info.org,
        "lms_url": info.lms_url,
        "cms_url": info.cms_url,
        "portal_url": info.portal_url,
        "status": info.status,
        "active": info.active,
    }))
    .into_response()
}

async fn user_platforms(State(state): AppState, RawQuery(raw): RawQuery) -> Response {
    let params = query_params(raw);
    let username = params.get("username").filter(|v| !v.is_empty());
    let email = params
        .get("email")
        .map(|v| v.to_lowercase())
        .filter(|v| !v.is_empty());
    let user_id = params.get("user_id").and_then(|v| v.parse::<u64>().ok());
    let mut links = Vec::new();
    if username.is_some() || email.is_some() || user_id.is_some() {
        let store = state.store();
        for org in &store.orgs {
            let candidate = if let Some(name) = username {
                org.by_username.get(name.as_str()).copied()
            } else if let Some(id) = user_id {
                org.by_id.get(&id).copied()
            } else {
                org.users
                    .iter()
                    .position(|u| Some(&u.search[2]) == email.as_ref())
            };
            let Some(user) = candidate.map(|i| &org.users[i]) else {
                continue;
            };
            let fits = user_id.is_none_or(|id| id == user.info.user_id)
                && email.as_ref().is_none_or(|e| *e == user.search[2]);
            if !fits {
                continue;
            }
            let info = &org.info;
            links.push(json!({
                "user_id": user.info.user_id,
                "username": user.info.username,
                "email": user.info.email,
                "user_active": user.info.active,
                "key": info.key,
                "org": info.org.as_deref().unwrap_or(&info.key),
                "platform_name": info.name.as_deref().unwrap_or(&info.key),
                "lms_url": info.lms_url.as_deref().unwrap_or(""),
                "cms_url": info.cms_url.as_deref().unwrap_or(""),
                "portal_url": info.portal_url.as_deref().unwrap_or(""),
                "is_admin": user.info.is_admin,
                "is_staff": user.info.is_staff,
                "added_on": user.info.added_on,
                "expired_on": user.info.expired_on,
                "public": "false",
                "active": info.active,
            }));
        }
    }
    Json(Value::Array(links)).into_response()
}

// ----- chat memory ----------------------------------------------------------------------

/// A validated memory body; the outer `Option` tells "absent" from "null".
struct MemoryBody {
    content: Option<Option<String>>,
    session_id: Option<Option<Uuid>>,
}

fn parse_memory_body(body: &[u8]) -> Result<MemoryBody, Rejection> {
    let value = parse_json(body)?;
    let Value::Object(map) = value else {
        let mut errors = Map::new();
        errors.insert(
            "non_field_errors".to_owned(),
            json!([format!(
                "Invalid data. Expected a dictionary, but got {}.",
                json_kind(&value)
            )]),
        );
        return Err(Rejection::Fields(errors));
    };
    let mut errors = Map::new();
    for field in ["username", "platform_key"] {
        let problem = match map.get(field) {
            None => Some("This field is required."),
            Some(Value::Null) => Some("This field may not be null."),
            Some(Value::String(s)) if s.is_empty() => Some("This field may not be blank."),
            Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => {
                Some("Ensure this field has no more than 500 characters.")
            }
            Some(Value::String(_)) => None,
            Some(_) => Some("Not a valid string."),
        };
        if let Some(problem) = problem {
            errors.insert(field.to_owned(), json!([problem]));
        }
    }
    let content = match map.get("content") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => {
            errors.insert("content".to_owned(), json!(["Not a valid string."]));
            None
        }
    };
    let session_id = match map.get("session_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => match Uuid::parse_str(s) {
            Ok(id) => Some(Some(id)),
            Err(_) => {
                errors.insert("session_id".to_owned(), json!(["Must be a valid UUID."]));
                None
            }
        },
        Some(_) => {
            errors.insert("session_id".to_owned(), json!(["Must be a valid UUID."]));
            None
        }
    };
    if errors.is_empty() {
        Ok(MemoryBody {
            content,
            session_id,
        })
    } else {
        Err(Rejection::Fields(errors))
    }
}

pub(super) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn user_exists(state: &MockState, org: &str, user: &str) -> bool {
    state.store().find_user(org, user).is_some()
}

/// The memory body of a write to a known user: 404 for an unknown user comes before any
/// complaint about the body, as on the real service.
fn memory_body_for(
    state: &MockState,
    org: &str,
    user: &str,
    body: &[u8],
) -> Result<MemoryBody, Rejection> {
    if !user_exists(state, org, user) {
        return Err(Rejection::Detail(StatusCode::NOT_FOUND, NOT_FOUND.into()));
    }
    parse_memory_body(body)
}

async fn get_memory(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    let Some(memory) = state.user_memory(&org, &user) else {
        return not_found_response();
    };
    let views: Vec<EntryView<'_>> = memory
        .entries
        .iter()
        .map(|entry| EntryView::new(entry, &memory.username, &memory.platform_key))
        .collect();
    match (state.memory_shape(), views.first()) {
        (_, None) => not_found_response(),
        (MemoryShape::Object, Some(first)) => Json(first).into_response(),
        (MemoryShape::List, Some(_)) => Json(&views).into_response(),
    }
}

async fn create_memory(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let parsed = match memory_body_for(&state, &org, &user, &body) {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let content = parsed.content.flatten().map(Arc::<str>::from);
    let session_id = parsed.session_id.flatten();
    let created = state.write_user(&org, &user, |store, at| {
        let entry = MemoryEntry {
            id: store.new_memory_id(),
            content,
            session_id,
        };
        let record = store.user_mut(at);
        record.entries.push(entry.clone());
        (record.info.username.clone(), entry)
    });
    match created {
        Some((username, entry)) => (
            StatusCode::CREATED,
            Json(EntryView::new(&entry, &username, &org)),
        )
            .into_response(),
        None => not_found_response(),
    }
}

async fn replace_memory(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let parsed = match memory_body_for(&state, &org, &user, &body) {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let content = parsed.content.map(|c| c.map(Arc::<str>::from));
    match state.queue_update(&org, &user, content, parsed.session_id) {
        Some(Some(task_id)) => Json(json!({
            "task_id": task_id.to_string(),
            "message": "Memory update scheduled successfully",
        }))
        .into_response(),
        _ => not_found_response(),
    }
}

async fn erase_memory(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
) -> Response {
    let erased = state.write_user(&org, &user, |store, at| {
        let record = store.user_mut(at);
        if record.entries.is_empty() {
            return false;
        }
        record.entries.clear();
        record.erase_generation += 1;
        true
    });
    if erased == Some(true) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found_response()
    }
}

async fn update_entry(
    State(state): AppState,
    Path((org, user, memory_id)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let Ok(memory_id) = memory_id.parse::<u64>() else {
        return not_found_response();
    };
    let parsed = match memory_body_for(&state, &org, &user, &body) {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let updated = state.write_user(&org, &user, |store, at| {
        let record = store.user_mut(at);
        let entry = record.entries.iter_mut().find(|e| e.id == memory_id)?;
        if let Some(content) = parsed.content {
            entry.content = content.map(Arc::from);
        }
        if let Some(session_id) = parsed.session_id {
            entry.session_id = session_id;
        }
        Some((record.info.username.clone(), entry.clone()))
    });
    match updated.flatten() {
        Some((username, entry)) => Json(EntryView::new(&entry, &username, &org)).into_response(),
        None => not_found_response(),
    }
}

async fn delete_entry(
    State(state): AppState,
    Path((org, user, memory_id)): Path<(String, String, String)>,
) -> Response {
    let Ok(memory_id) = memory_id.parse::<u64>() else {
        return not_found_response();
    };
    let deleted = state.write_user(&org, &user, |store, at| {
        let record = store.user_mut(at);
        let before = record.entries.len();
        record.entries.retain(|e| e.id != memory_id);
        record.entries.len() < before
    });
    if deleted == Some(true) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found_response()
    }
}

// ----- memory status and tasks ----------------------------------------------------------

fn status_view(state: &MockState, org: &str, user: &str) -> Option<Value> {
    state.read_user(org, user, |_, record| {
        json!({
            "id": record.info.user_id,
            "username": record.info.username,
            "platform_key": org,
            "enabled": record.memory_enabled,
        })
    })
}

async fn get_status(State(state): AppState, Path((org, user)): Path<(String, String)>) -> Response {
    match status_view(&state, &org, &user) {
        Some(view) => Json(view).into_response(),
        None => not_found_response(),
    }
}

async fn put_status(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if !user_exists(&state, &org, &user) {
        return not_found_response();
    }
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(rejection) => return rejection.into_response(),
    };
    let Some(enabled) = value.get("enabled").and_then(Value::as_bool) else {
        return field_error("enabled", "This field is required.");
    };
    let changed = state.write_user(&org, &user, |store, at| {
        store.user_mut(at).memory_enabled = enabled;
    });
    match changed.and_then(|()| status_view(&state, &org, &user)) {
        Some(view) => Json(view).into_response(),
        None => not_found_response(),
    }
}

async fn get_task(
    State(state): AppState,
    Path((org, user, task_id)): Path<(String, String, String)>,
) -> Response {
    let Ok(task_id) = Uuid::parse_str(&task_id) else {
        return not_found_response();
    };
    match state.task_for(&org, &user, task_id) {
        Some(task) => Json(json!({ "task": task.as_str() })).into_response(),
        None => not_found_response(),
    }
}

// ----- control routes -------------------------------------------------------------------

async fn get_faults(State(state): AppState) -> Response {
    Json(state.faults()).into_response()
}

#[derive(Deserialize)]
struct FaultsPatch {
    latency_ms: Option<u64>,
    task_delay_ms: Option<u64>,
    fail_rate: Option<f64>,
    error_rate: Option<f64>,
    throttle_rate: Option<f64>,
}

async fn put_faults(State(state): AppState, body: Bytes) -> Response {
    let patch: FaultsPatch = match serde_json::from_slice(&body) {
        Ok(patch) => patch,
        Err(e) => return detail(StatusCode::BAD_REQUEST, &format!("JSON parse error - {e}")),
    };
    let old = state.faults();
    state.set_faults(Faults {
        latency_ms: patch.latency_ms.unwrap_or(old.latency_ms),
        task_delay_ms: patch.task_delay_ms.unwrap_or(old.task_delay_ms),
        fail_rate: patch.fail_rate.unwrap_or(old.fail_rate),
        error_rate: patch.error_rate.unwrap_or(old.error_rate),
        throttle_rate: patch.throttle_rate.unwrap_or(old.throttle_rate),
    });
    Json(state.faults()).into_response()
}

async fn get_requests(State(state): AppState) -> Response {
    let log = state.requests();
    let mut counts = Map::new();
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ] {
        counts.insert(method.to_string(), json!(state.count(method)));
    }
    Json(json!({ "total": state.total_requests(), "counts": counts, "log": log })).into_response()
}

async fn clear_requests(State(state): AppState) -> Response {
    state.clear_requests();
    StatusCode::NO_CONTENT.into_response()
}

async fn control_set_memory(
    State(state): AppState,
    Path((org, user)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let value = match parse_json(&body) {
        Ok(value) => value,
        Err(rejection) => return rejection.into_response(),
    };
    let Some(content) = value.get("content").and_then(Value::as_str) else {
        return field_error("content", "This field is required.");
    };
    if state.set_memory_content(&org, &user, content) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found_response()
    }
}
