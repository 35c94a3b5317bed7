//! The typed client: one method per chat-memory operation of the ibl-data-manager API.

use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use serde_json::{Value, json};

use super::decode;
use super::error::ApiError;
use super::models::{
    Deleted, EraseOutcome, MemoryEntry, MemoryRead, MemoryStatus, MemoryWrite, OrgInfo,
    QueuedUpdate, TaskId, TaskState, UserRef, UsersPage,
};
use super::settings::{ClientSettings, OrgScope, UserPath};
use super::transport::Transport;

/// Characters left as they are in a path segment (RFC 3986 unreserved); all else is encoded,
/// so a username or task id can never add a segment or a query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query for one page of an org's users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersQuery {
    pub page: u32,
    pub page_size: u32,
    /// Server-side search over username, name and email; empty means all.
    pub search: String,
}

impl Default for UsersQuery {
    fn default() -> Self {
        UsersQuery {
            page: 1,
            page_size: 50,
            search: String::new(),
        }
    }
}

/// A cheap-to-clone client; clones share one connection pool and one throttle.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub(super) transport: Arc<Transport>,
    user_path: UserPath,
}

impl ApiClient {
    pub fn new(settings: &ClientSettings) -> Result<ApiClient, ApiError> {
        Ok(ApiClient {
            transport: Arc::new(Transport::new(settings)?),
            user_path: settings.user_path,
        })
    }

    /// How long the server's last 429 still holds requests back, for the status line.
    pub fn throttle_remaining(&self) -> Option<std::time::Duration> {
        self.transport.throttle_remaining()
    }

    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    /// Checks a base URL the way [`ApiClient::new`] will: https, or http to loopback only.
    pub fn check_base_url(raw: &str) -> Result<(), ApiError> {
        super::transport::checked_base_url(raw).map(|_| ())
    }

    /// The base URL as a client built from `raw` reports it in [`ApiClient::base_url`]
    /// (checked, no trailing `/`), so what is shown and journaled matches what is sent to.
    pub fn normalized_base_url(raw: &str) -> Result<String, ApiError> {
        super::transport::normalized_base_url(raw)
    }

    /// One page of the org's users.
    pub async fn list_users(&self, org: &OrgScope, q: &UsersQuery) -> Result<UsersPage, ApiError> {
        let mut query = vec![
            ("platform_key", org.key.clone()),
            ("page", q.page.to_string()),
            ("page_size", q.page_size.to_string()),
        ];
        if !q.search.trim().is_empty() {
            query.push(("query", q.search.trim().to_owned()));
        }
        let reply = self
            .transport
            .send(Method::GET, "/api/core/platform/users/", &query, None)
            .await?;
        decode::users_page(&reply.body, q.page)
    }

    /// The org's name and details.
    pub async fn org_info(&self, org: &OrgScope) -> Result<OrgInfo, ApiError> {
        let query = [("key", org.key.clone())];
        let reply = self
            .transport
            .send(Method::GET, "/api/core/platform/", &query, None)
            .await?;
        decode::org_info(&reply.body, &org.key)
    }

    /// The user's memory entries; empty when the server has none (404).
    pub async fn get_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<Vec<MemoryEntry>, ApiError> {
        self.read_memory(org, user).await.map(|read| read.entries)
    }

    /// The user's memory entries, and whether the answer's shape can hold them all.
    pub async fn read_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<MemoryRead, ApiError> {
        let path = self.memory_path(org, user, None)?;
        match self.transport.send(Method::GET, &path, &[], None).await {
            Ok(reply) => decode::memory_read(&reply.body),
            Err(ApiError::NotFound { .. }) => Ok(MemoryRead {
                entries: Vec::new(),
                complete: true,
            }),
            Err(e) => Err(e),
        }
    }

    /// Creates the user's memory (POST, answered at once).
    pub async fn create_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &MemoryWrite,
    ) -> Result<MemoryEntry, ApiError> {
        self.send_write(Method::POST, org, user, None, write).await
    }

    /// Replaces the user's memory. The server queues it; the change lands when the task ends.
    pub async fn replace_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &MemoryWrite,
    ) -> Result<QueuedUpdate, ApiError> {
        self.send_write(Method::PUT, org, user, None, write).await
    }

    /// Changes one entry; the server answers the entry at once.
    pub async fn update_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: i64,
        write: &MemoryWrite,
    ) -> Result<MemoryEntry, ApiError> {
        self.send_write(Method::PUT, org, user, Some(entry_id), write)
            .await
    }

    /// Sends a memory body (username, platform_key, content, session_id) and decodes the answer.
    async fn send_write<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        org: &OrgScope,
        user: &UserRef,
        entry: Option<i64>,
        write: &MemoryWrite,
    ) -> Result<T, ApiError> {
        let path = self.memory_path(org, user, entry)?;
        let body = write_body(org, user, write);
        let reply = self.transport.send(method, &path, &[], Some(&body)).await?;
        decode::json(&reply.body)
    }

    /// Erases all of the user's memory.
    pub async fn erase_memory(&self, org: &OrgScope, user: &UserRef) -> Result<Deleted, ApiError> {
        let path = self.memory_path(org, user, None)?;
        erase_outcome(self.transport.send(Method::DELETE, &path, &[], None).await)
    }

    /// Erases one entry. Unlike other writes this one is tried again on 429, 5xx and network
    /// errors, under the same policy as reads: deleting an id twice removes nothing more (a
    /// repeat answers 404, "nothing there").
    pub async fn erase_entry(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry_id: i64,
    ) -> Result<Deleted, ApiError> {
        let path = self.memory_path(org, user, Some(entry_id))?;
        self.erase_by_path(&path).await
    }

    /// Whether the AI keeps memory for this user.
    pub async fn memory_status(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<MemoryStatus, ApiError> {
        let path = self.status_path(org, user)?;
        let reply = self.transport.send(Method::GET, &path, &[], None).await?;
        decode::json(&reply.body)
    }

    /// Switches memory on or off for this user.
    pub async fn set_memory_enabled(
        &self,
        org: &OrgScope,
        user: &UserRef,
        enabled: bool,
    ) -> Result<MemoryStatus, ApiError> {
        let path = self.status_path(org, user)?;
        let body = json!({ "enabled": enabled });
        let reply = self
            .transport
            .send(Method::PUT, &path, &[], Some(&body))
            .await?;
        decode::json(&reply.body)
    }

    /// The state of a queued task.
    pub async fn task_state(
        &self,
        org: &OrgScope,
        user: &UserRef,
        task: &TaskId,
    ) -> Result<TaskState, ApiError> {
        let path = format!(
            "/api/ai-mentor/orgs/{}/users/{}/tasks/{}",
            segment(&org.key)?,
            self.user_segment(user)?,
            segment(&task.0)?
        );
        let reply = self.transport.send(Method::GET, &path, &[], None).await?;
        #[derive(serde::Deserialize)]
        struct RetrieveTask {
            task: Value,
        }
        let state: RetrieveTask = decode::json(&reply.body)?;
        let word = match state.task {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        };
        Ok(TaskState::from_word(word))
    }

    fn memory_path(
        &self,
        org: &OrgScope,
        user: &UserRef,
        entry: Option<i64>,
    ) -> Result<String, ApiError> {
        let mut path = format!(
            "/api/ai-prompt/orgs/{}/users/{}/all-chats-memory/",
            segment(&org.key)?,
            self.user_segment(user)?
        );
        if let Some(id) = entry {
            path.push_str(&format!("{id}/"));
        }
        Ok(path)
    }

    fn status_path(&self, org: &OrgScope, user: &UserRef) -> Result<String, ApiError> {
        Ok(format!(
            "/api/ai-prompt/orgs/{}/users/{}/chat-memory-status/",
            segment(&org.key)?,
            self.user_segment(user)?
        ))
    }

    pub(super) fn user_segment(&self, user: &UserRef) -> Result<String, ApiError> {
        match self.user_path {
            UserPath::Username => segment(&user.username),
            UserPath::UserId => user.user_id.map(|id| id.to_string()).ok_or_else(|| {
                ApiError::InvalidRequest(format!(
                    "user {:?} has no numeric id, and this profile addresses users by id",
                    user.username
                ))
            }),
        }
    }
}

/// Encodes one path segment. "." and ".." are refused: URL parsers resolve them (even
/// percent-encoded) as steps up the path, which would address another resource.
pub(super) fn segment(raw: &str) -> Result<String, ApiError> {
    if raw.is_empty() || raw == "." || raw == ".." {
        return Err(ApiError::InvalidRequest(format!(
            "{raw:?} cannot be used as a name in a URL path"
        )));
    }
    Ok(utf8_percent_encode(raw, SEGMENT).to_string())
}

fn write_body(org: &OrgScope, user: &UserRef, write: &MemoryWrite) -> Value {
    let mut body = json!({
        "username": user.username,
        "platform_key": org.platform_key,
        "content": write.content,
    });
    if let (Some(session), Some(map)) = (&write.session_id, body.as_object_mut()) {
        map.insert("session_id".into(), Value::String(session.clone()));
    }
    body
}

impl ApiClient {
    /// DELETE of one item by its own path, tried again for transient failures like a GET:
    /// a retry after a 429 or a dropped answer deletes nothing new.
    pub(super) async fn erase_by_path(&self, path: &str) -> Result<Deleted, ApiError> {
        erase_outcome(
            self.transport
                .send_retrying(Method::DELETE, path, &[], None)
                .await,
        )
    }
}

pub(super) fn erase_outcome(
    result: Result<super::transport::Reply, ApiError>,
) -> Result<Deleted, ApiError> {
    match result {
        Ok(reply) => Ok(Deleted {
            outcome: EraseOutcome::Erased,
            status: reply.status.as_u16(),
        }),
        Err(ApiError::NotFound { .. }) => Ok(Deleted {
            outcome: EraseOutcome::NothingThere,
            status: 404,
        }),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape_their_place() {
        assert_eq!(segment("a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(segment("john.doe_1-x~").unwrap(), "john.doe_1-x~");
        assert_eq!(segment("名前").unwrap(), "%E5%90%8D%E5%89%8D");
        assert!(segment("..").is_err());
        assert!(segment(".").is_err());
        assert!(segment("").is_err());
    }
}
