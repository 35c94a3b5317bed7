//! Reading one user's memory in every store (chat, mentor memories, course memory) for
//! `memory get` and `export`, and the JSON each store is shown as.

use serde_json::{Value, json};

use crate::api::{
    ApiClient, ApiError, CourseMemory, MemoryRead, MentorListing, MentorQuery, OrgScope, StoreGap,
    StoreRead, UserRef,
};
use crate::cli::StoreName;

/// One user's chat memory as read, with memory on/off when the server said.
#[derive(Debug, Clone)]
pub struct ChatRead {
    pub read: MemoryRead,
    /// `None` when the status read failed: worth saying, not worth failing the read for.
    pub enabled: Option<bool>,
}

/// What the asked-for stores hold; a store not asked for is `None`.
#[derive(Debug, Clone, Default)]
pub struct UserStores {
    pub chat: Option<ChatRead>,
    pub mentor: Option<StoreRead<MentorListing>>,
    pub course: Option<StoreRead<Vec<CourseMemory>>>,
}

/// A failed read, naming the store it was.
#[derive(Debug)]
pub struct StoreReadError {
    pub store: StoreName,
    pub error: ApiError,
}

/// Whether a chat read also asks whether memory is on (a second GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Read,
    Skip,
}

/// Reads the stores in `which`, all at once. A 404 or 405 of mentor or course memory is
/// not an error (the store reads as unavailable, with the reason); any other failure is,
/// since a document missing a store could be taken for the whole truth.
pub async fn read(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    which: &[StoreName],
    status: Status,
) -> Result<UserStores, StoreReadError> {
    let wants = |s| which.contains(&s);
    let chat = async {
        if !wants(StoreName::Chat) {
            return Ok(None);
        }
        let enabled = async {
            match status {
                Status::Read => client.memory_status(org, user).await.ok(),
                Status::Skip => None,
            }
        };
        let (read, enabled) = tokio::join!(client.read_memory(org, user), enabled);
        Ok(Some(ChatRead {
            read: read?,
            enabled: enabled.map(|s| s.enabled),
        }))
    };
    let mentor = async {
        if !wants(StoreName::Mentor) {
            return Ok(None);
        }
        client
            .all_mentor_memories(org, user, &MentorQuery::default())
            .await
            .map(Some)
    };
    let course = async {
        if !wants(StoreName::Course) {
            return Ok(None);
        }
        client.course_memories(org, user).await.map(Some)
    };
    let (chat, mentor, course) = tokio::join!(chat, mentor, course);
    let named = |store| move |error| StoreReadError { store, error };
    Ok(UserStores {
        chat: chat.map_err(named(StoreName::Chat))?,
        mentor: mentor.map_err(named(StoreName::Mentor))?,
        course: course.map_err(named(StoreName::Course))?,
    })
}

impl UserStores {
    /// Whether any store read holds something.
    pub fn any_items(&self) -> bool {
        let chat = self
            .chat
            .as_ref()
            .is_some_and(|c| !c.read.entries.is_empty());
        let mentor = self
            .mentor
            .as_ref()
            .and_then(StoreRead::items)
            .is_some_and(|l| !l.memories.is_empty());
        let course = self
            .course
            .as_ref()
            .and_then(StoreRead::items)
            .is_some_and(|c| !c.is_empty());
        chat || mentor || course
    }

    /// Every store read, as one JSON object keyed by store name.
    pub fn to_json(&self) -> Value {
        let mut doc = serde_json::Map::new();
        if let Some(chat) = &self.chat {
            doc.insert("chat".into(), chat_json(chat));
        }
        if let Some(mentor) = &self.mentor {
            doc.insert("mentor".into(), mentor_json(mentor));
        }
        if let Some(course) = &self.course {
            doc.insert("course".into(), course_json(course));
        }
        Value::Object(doc)
    }
}

/// Chat memory as `memory get --json` has always printed it.
pub fn chat_json(chat: &ChatRead) -> Value {
    json!({
        "entries": chat.read.entries,
        "enabled": chat.enabled,
        "complete": chat.read.complete,
    })
}

/// `{"available": true, "memories": [...], "count": N, "shortfall": 0}`, or with
/// `"available": false` the status and reason, and no memories.
pub fn mentor_json(read: &StoreRead<MentorListing>) -> Value {
    match read {
        StoreRead::Items(listing) => json!({
            "available": true,
            "memories": listing.memories,
            "count": listing.count,
            "shortfall": listing.shortfall(),
        }),
        StoreRead::Unavailable(gap) => unavailable_json(gap),
    }
}

/// `{"available": true, "memories": [...]}`, or the status and reason.
pub fn course_json(read: &StoreRead<Vec<CourseMemory>>) -> Value {
    match read {
        StoreRead::Items(memories) => json!({ "available": true, "memories": memories }),
        StoreRead::Unavailable(gap) => unavailable_json(gap),
    }
}

fn unavailable_json(gap: &StoreGap) -> Value {
    json!({
        "available": false,
        "status": gap.status,
        "reason": gap.to_string(),
        "memories": [],
    })
}

/// The store's name as written on the command line and in documents.
pub fn store_word(store: StoreName) -> &'static str {
    match store {
        StoreName::Chat => "chat",
        StoreName::Mentor => "mentor",
        StoreName::Course => "course",
    }
}
