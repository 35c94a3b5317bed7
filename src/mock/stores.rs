//! The mock's data for the stores beside chat memory: mentor memories (a category and
//! key/value entries) and course memories (free JSON per catalog item), per user, with the
//! JSON views the contract describes.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use uuid::Uuid;

/// The categories every server knows, in the order the contract lists them.
pub const STANDARD_CATEGORIES: [&str; 4] = [
    "lessons_learned",
    "knowledge_gaps",
    "help_requests",
    "personal_information",
];

/// Texts are `Arc<str>` (and JSON `Arc<Value>`) so that generated users share them: 100 000
/// users' stores cost a few megabytes rather than a hundred.
///
/// One mentor memory of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorRecord {
    pub unique_id: Uuid,
    pub name: Arc<str>,
    pub category: Option<Arc<str>>,
    /// `guided`, `regular` or `all`.
    pub mode: Arc<str>,
    pub mentor: Option<String>,
    pub session_id: Option<String>,
    pub catalog_item_type: Option<String>,
    pub catalog_item_id: Option<String>,
    pub is_auto_generated: bool,
    pub inserted_at: Arc<str>,
    pub updated_at: Arc<str>,
    pub entries: Vec<MentorEntryRecord>,
}

/// One key/value entry of a mentor memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorEntryRecord {
    pub unique_id: Uuid,
    pub key: Arc<str>,
    pub value: Option<Arc<str>>,
    pub inserted_at: Arc<str>,
    pub updated_at: Arc<str>,
    pub expires_at: Option<Arc<str>>,
}

/// One course (catalog item) memory of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseRecord {
    pub id: u64,
    pub catalog_item: Option<Uuid>,
    pub lessons: Arc<Value>,
    pub next_steps: Arc<Value>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct UserStores {
    pub mentor: Vec<MentorRecord>,
    pub course: Vec<CourseRecord>,
}

/// Every user's stores, keyed by (org index, user index) of the chat-memory store.
#[derive(Debug, Default)]
pub(crate) struct StoresData {
    pub users: HashMap<(usize, usize), UserStores>,
    pub next_course_id: u64,
    /// A faulty server: DELETEs answer success but keep the data.
    pub keep_deletes: bool,
    /// A server without this store: every mentor-memory route answers this status.
    pub mentor_gone: Option<u16>,
    /// The same for the course-memory routes.
    pub course_gone: Option<u16>,
    /// How many more mentor (course) DELETEs answer 429, as a server under load would in the
    /// middle of a forget.
    pub mentor_throttled_deletes: u32,
    pub course_throttled_deletes: u32,
}

impl StoresData {
    pub fn new() -> Self {
        Self {
            next_course_id: 1,
            ..Self::default()
        }
    }

    pub fn user(&self, at: (usize, usize)) -> Option<&UserStores> {
        self.users.get(&at)
    }

    pub fn user_mut(&mut self, at: (usize, usize)) -> &mut UserStores {
        self.users.entry(at).or_default()
    }

    pub fn new_course_id(&mut self) -> u64 {
        let id = self.next_course_id;
        self.next_course_id += 1;
        id
    }
}

/// Who a memory belongs to, for the read-only fields of its view.
pub(crate) struct Owner<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub platform: &'a str,
}

pub(crate) fn entry_view(entry: &MentorEntryRecord, category: Option<&str>) -> Value {
    json!({
        "unique_id": entry.unique_id.to_string(),
        "key": &*entry.key,
        "value": entry.value.as_deref(),
        "inserted_at": &*entry.inserted_at,
        "updated_at": &*entry.updated_at,
        "expires_at": entry.expires_at.as_deref(),
        "category": category,
    })
}

pub(crate) fn mentor_view(memory: &MentorRecord, owner: &Owner<'_>) -> Value {
    let category = memory.category.as_deref();
    json!({
        "mode": &*memory.mode,
        "name": &*memory.name,
        "email": owner.email,
        "unique_id": memory.unique_id.to_string(),
        "username": owner.username,
        "platform": owner.platform,
        "mentor": memory.mentor,
        "session_id": memory.session_id,
        "catalog_item_type": memory.catalog_item_type,
        "catalog_item_id": memory.catalog_item_id,
        "entries": memory.entries.iter().map(|e| entry_view(e, category)).collect::<Vec<_>>(),
        "inserted_at": &*memory.inserted_at,
        "updated_at": &*memory.updated_at,
        "is_auto_generated": memory.is_auto_generated,
        "category": category,
    })
}

pub(crate) fn course_view(memory: &CourseRecord, student: &str, platform: &str) -> Value {
    let mut view = json!({
        "id": memory.id,
        "student": student,
        "platform": platform,
        "lessons": &*memory.lessons,
        "next_steps": &*memory.next_steps,
    });
    if let (Some(item), Some(map)) = (memory.catalog_item, view.as_object_mut()) {
        map.insert("catalog_item".into(), Value::String(item.to_string()));
    }
    view
}

/// The time of a write, as the server would stamp it.
pub(crate) fn now_stamp() -> Arc<str> {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "2026-01-01T00:00:00Z".to_owned())
        .into()
}
