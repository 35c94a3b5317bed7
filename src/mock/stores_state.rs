//! `MockState`'s access to the mentor-memory and course-memory stores, the gate that makes
//! a store answer 404 or 405 like a server without it, and the hooks tests use.

use std::sync::{Arc, PoisonError, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::routes::detail;

use super::state::MockState;
use super::stores::{CourseRecord, MentorRecord, Owner, StoresData};

/// The stores beside chat memory, for hooks that address one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Mentor,
    Course,
}

/// Answers a store's requests with the status set by [`MockState::set_store_unavailable`].
pub(crate) async fn gate(
    State((state, kind)): State<(Arc<MockState>, StoreKind)>,
    request: Request,
    next: Next,
) -> Response {
    let gone = {
        let stores = state.stores_read();
        match kind {
            StoreKind::Mentor => stores.mentor_gone,
            StoreKind::Course => stores.course_gone,
        }
    };
    if request.method() == axum::http::Method::DELETE && state.take_throttled_delete(kind) {
        let mut response = detail(
            StatusCode::TOO_MANY_REQUESTS,
            "Request was throttled. Expected available in 1 second.",
        );
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("1"),
        );
        return response;
    }
    match gone.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(StatusCode::METHOD_NOT_ALLOWED) => detail(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method \"{}\" not allowed.", request.method()),
        ),
        Some(status) => detail(status, "Not found."),
        None => next.run(request).await,
    }
}

/// A user found in the chat-memory store, with what the stores' views need.
pub(crate) struct Located {
    pub at: (usize, usize),
    pub org_key: String,
    pub username: String,
    pub email: String,
}

impl Located {
    /// Who the user's memories belong to, for the read-only fields of their views.
    pub(crate) fn owner(&self) -> Owner<'_> {
        Owner {
            username: &self.username,
            email: &self.email,
            platform: &self.org_key,
        }
    }
}

impl MockState {
    /// The stores, for reading. Lock order: the chat store first, then these, never the reverse.
    pub(crate) fn stores_read(&self) -> RwLockReadGuard<'_, StoresData> {
        self.stores.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn stores_write(&self) -> RwLockWriteGuard<'_, StoresData> {
        self.stores.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Finds a user by username or numeric id; `None` when the org or user is unknown.
    pub(crate) fn locate(&self, org: &str, user: &str) -> Option<Located> {
        let store = self.store();
        let at = store.find_user(org, user)?;
        let record = store.user(at);
        Some(Located {
            at,
            org_key: store.orgs[at.0].info.key.clone(),
            username: record.info.username.clone(),
            email: record.info.email.clone(),
        })
    }

    // ----- hooks for tests ------------------------------------------------------------

    /// A user's mentor memories as stored; `None` if the user is unknown.
    pub fn mentor_memories(&self, org: &str, user: &str) -> Option<Vec<MentorRecord>> {
        let at = self.locate(org, user)?.at;
        Some(
            self.stores_read()
                .user(at)
                .map(|u| u.mentor.clone())
                .unwrap_or_default(),
        )
    }

    /// A user's course memories as stored; `None` if the user is unknown.
    pub fn course_memories(&self, org: &str, user: &str) -> Option<Vec<CourseRecord>> {
        let at = self.locate(org, user)?.at;
        Some(
            self.stores_read()
                .user(at)
                .map(|u| u.course.clone())
                .unwrap_or_default(),
        )
    }

    /// Makes mentor and course DELETEs answer success while keeping the data, like a broken
    /// server, so a forget can be shown to fail loudly.
    pub fn set_keep_store_deletes(&self, keep: bool) {
        self.stores_write().keep_deletes = keep;
    }

    /// Makes every route of a store answer `status` (say 404 or 405, as an older server
    /// without that store would), or serve normally again with `None`.
    pub fn set_store_unavailable(&self, store: StoreKind, status: Option<u16>) {
        let mut stores = self.stores_write();
        match store {
            StoreKind::Mentor => stores.mentor_gone = status,
            StoreKind::Course => stores.course_gone = status,
        }
    }

    /// Makes the next `count` DELETEs to `store` answer 429 (Retry-After: 1) and change
    /// nothing, so a test can throttle one store in the middle of a forget.
    pub fn throttle_store_deletes(&self, store: StoreKind, count: u32) {
        let mut stores = self.stores_write();
        match store {
            StoreKind::Mentor => stores.mentor_throttled_deletes = count,
            StoreKind::Course => stores.course_throttled_deletes = count,
        }
    }

    /// Uses up one throttled DELETE of `store`, if any is left.
    fn take_throttled_delete(&self, store: StoreKind) -> bool {
        let mut stores = self.stores_write();
        let left = match store {
            StoreKind::Mentor => &mut stores.mentor_throttled_deletes,
            StoreKind::Course => &mut stores.course_throttled_deletes,
        };
        let throttled = *left > 0;
        *left = left.saturating_sub(1);
        throttled
    }

    /// Usernames of an org (in user-id order) with chat memory, mentor memories and course
    /// memory all at once.
    pub fn users_in_every_store(&self, org: &str) -> Vec<String> {
        let store = self.store();
        let Some(&org_index) = store.org_index.get(org) else {
            return Vec::new();
        };
        let stores = self.stores_read();
        store.orgs[org_index]
            .users
            .iter()
            .enumerate()
            .filter(|(i, user)| {
                !user.entries.is_empty()
                    && stores
                        .user((org_index, *i))
                        .is_some_and(|s| !s.mentor.is_empty() && !s.course.is_empty())
            })
            .map(|(_, user)| user.info.username.clone())
            .collect()
    }
}
