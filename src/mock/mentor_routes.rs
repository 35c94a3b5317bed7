//! The mentor-memory routes (`/api/ai-mentor/orgs/{org}/users/{user_id}/...`): the router,
//! paged and filtered lists, categories, and create; routes for one entry, category or
//! memory are in `mentor_one.rs`, body parsing in `mentor_body.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::mentor_body::parse_create;
use super::mentor_one::{delete_entry, delete_memory, get_entry, get_memory, update_entry};
use super::routes::{detail, not_found_response, query_params};
use super::state::MockState;
use super::stores::{MentorRecord, Owner, STANDARD_CATEGORIES, mentor_view};
use super::stores_state::{Located, StoreKind, gate};

const DEFAULT_PAGE_SIZE: usize = 10;
const MAX_PAGE_SIZE: usize = 100;

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
    let owner = who.owner();
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
    let view = mentor_view(&memory, &who.owner());
    state.stores_write().user_mut(who.at).mentor.push(memory);
    Json(json!({ "count": 1, "next": null, "previous": null, "results": [view] })).into_response()
}
