//! Client methods for course memory (catalog item memory,
//! `/api/ai-prompt/orgs/{org}/users/{user_id}/memory/`): read, create, update, erase one, erase all.

use reqwest::Method;
use serde_json::{Value, json};

use super::client::{ApiClient, erase_outcome, segment};
use super::course_models::{CourseMemory, CourseMemoryWrite};
use super::decode;
use super::error::ApiError;
use super::lenient::one_or_many;
use super::models::{Deleted, UserRef};
use super::settings::OrgScope;
use super::store_read::{StoreRead, store_read};

impl ApiClient {
    /// The user's course memories. The contract answers one object; a list or
    /// `{"results": [...]}` is read too. A 404 (the documented "no memory") or a 405 reads as
    /// an unavailable store: empty, with the reason.
    pub async fn course_memories(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<StoreRead<Vec<CourseMemory>>, ApiError> {
        Ok(self.course_memories_shown(org, user).await?.0)
    }

    /// The course memories, and whether the answer was a whole list: the published read
    /// answers one memory as an object, however many the user has, so a count from it is
    /// a lower bound.
    pub async fn course_memories_shown(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<(StoreRead<Vec<CourseMemory>>, bool), ApiError> {
        let path = self.course_path(org, user, None)?;
        let read = match self.transport.send(Method::GET, &path, &[], None).await {
            Ok(reply) => one_or_many(&reply.body, "course memory"),
            Err(e) => Err(e),
        };
        match store_read(read)? {
            StoreRead::Items((items, whole)) => Ok((StoreRead::Items(items), whole)),
            StoreRead::Unavailable(gap) => Ok((StoreRead::Unavailable(gap), true)),
        }
    }

    /// Creates a course memory (201 with the memory).
    pub async fn create_course_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        write: &CourseMemoryWrite,
    ) -> Result<CourseMemory, ApiError> {
        let path = self.course_path(org, user, None)?;
        let body = course_body(org, user, write);
        let reply = self
            .transport
            .send(Method::POST, &path, &[], Some(&body))
            .await?;
        decode::json(&reply.body)
    }

    /// Replaces one course memory's catalog item, lessons and next steps.
    pub async fn update_course_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        memory_id: &str,
        write: &CourseMemoryWrite,
    ) -> Result<CourseMemory, ApiError> {
        let path = self.course_path(org, user, Some(memory_id))?;
        let body = course_body(org, user, write);
        let reply = self
            .transport
            .send(Method::PUT, &path, &[], Some(&body))
            .await?;
        decode::json(&reply.body)
    }

    /// Erases all of the user's course memory (204; 404 when there was none).
    pub async fn erase_course_memories(
        &self,
        org: &OrgScope,
        user: &UserRef,
    ) -> Result<Deleted, ApiError> {
        let path = self.course_path(org, user, None)?;
        erase_outcome(self.transport.send(Method::DELETE, &path, &[], None).await)
    }

    /// Erases one course memory by id.
    pub async fn erase_course_memory(
        &self,
        org: &OrgScope,
        user: &UserRef,
        memory_id: &str,
    ) -> Result<Deleted, ApiError> {
        let path = self.course_path(org, user, Some(memory_id))?;
        self.erase_by_path(&path).await
    }

    fn course_path(
        &self,
        org: &OrgScope,
        user: &UserRef,
        memory_id: Option<&str>,
    ) -> Result<String, ApiError> {
        let mut path = format!(
            "/api/ai-prompt/orgs/{}/users/{}/memory/",
            segment(&org.key)?,
            self.user_segment(user)?
        );
        if let Some(id) = memory_id {
            path.push_str(&segment(id)?);
            path.push('/');
        }
        Ok(path)
    }
}

/// `student` and `platform` come from the user and org, like the chat-memory bodies.
fn course_body(org: &OrgScope, user: &UserRef, write: &CourseMemoryWrite) -> Value {
    let mut body = json!({
        "student": user.username,
        "platform": org.platform_key,
        "lessons": write.lessons,
        "next_steps": write.next_steps,
    });
    if let (Some(item), Some(map)) = (&write.catalog_item, body.as_object_mut()) {
        map.insert("catalog_item".into(), Value::String(item.clone()));
    }
    body
}
