//! Restoring the stores beside chat memory from a backup: mentor memories re-created through
//! `POST memories/` with their category and entries, course memories through `POST memory/`.
//! Before anything is sent, each store is checked for memory gathered since; afterwards the
//! report says what the API could not bring back (new ids, the server's times and expiry).

use crate::api::{
    ApiClient, ApiError, CourseMemory, CourseMemoryWrite, MentorMemory, MentorMemoryWrite,
    MentorQuery, OrgScope, StoreRead, UserRef,
};
use crate::store::Backup;

use super::StoreKind;

/// Why a store refuses a restore, or cannot be checked.
#[derive(Debug)]
pub(in crate::ops) enum Refusal {
    /// The store holds this many items that are neither left by the erase nor new.
    HasMemory(StoreKind, usize),
    Check(StoreKind, ApiError),
}

/// What was written to the stores beside chat memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ops) struct Revived {
    pub mentor_memories: usize,
    pub mentor_entries: usize,
    pub course: Vec<CourseMemory>,
    pub not_restored: Vec<String>,
}

/// Refuses when a store the backup holds has memory again (beyond what the erase left).
pub(in crate::ops) async fn check(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    backup: &Backup,
) -> Result<(), Refusal> {
    if !backup.mentor.is_empty() {
        let read = client
            .all_mentor_memories(org, user, &MentorQuery::default())
            .await
            .map_err(|e| Refusal::Check(StoreKind::Mentor, e))?;
        // A 404/405 reads as empty: the POST will say if the store is really missing.
        let memories = read.into_items().memories;
        let backed: Vec<&str> = entry_ids(&backup.mentor).collect();
        let foreign = memories
            .iter()
            .flat_map(|m| {
                let ids: Vec<Option<&str>> = if m.entries.is_empty() {
                    vec![None]
                } else {
                    m.entries.iter().map(|e| e.unique_id.as_deref()).collect()
                };
                ids
            })
            .filter(|id| match id {
                Some(id) => !backup.kept_mentor.iter().any(|k| k == id) || backed.contains(id),
                None => true,
            })
            .count();
        if foreign > 0 {
            return Err(Refusal::HasMemory(StoreKind::Mentor, foreign));
        }
    }
    if !backup.course.is_empty() {
        let read = client
            .course_memories(org, user)
            .await
            .map_err(|e| Refusal::Check(StoreKind::Course, e))?;
        // The documented answer for "no course memory" is a 404: empty.
        let current = match read {
            StoreRead::Items(items) => items,
            StoreRead::Unavailable(_) => Vec::new(),
        };
        let foreign = current
            .iter()
            .filter(|c| {
                !backup.kept_course.contains(&c.id) || backup.course.iter().any(|b| b.id == c.id)
            })
            .count();
        if foreign > 0 {
            return Err(Refusal::HasMemory(StoreKind::Course, foreign));
        }
    }
    Ok(())
}

/// Re-creates the backup's mentor memories, then its course memories; on an error, what was
/// written so far and the store that failed.
pub(in crate::ops) async fn write(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    backup: &Backup,
) -> Result<Revived, (Revived, StoreKind, ApiError)> {
    let mut done = Revived::default();
    let mut expiry_lost = 0usize;
    for memory in &backup.mentor {
        let mut write = MentorMemoryWrite::recreate(memory);
        // The memory goes to the org restored into, which an override may have changed.
        if write.platform.is_some() {
            write.platform = Some(org.platform_key.clone());
        }
        match client.create_mentor_memory(org, user, &write).await {
            Ok(page) => {
                done.mentor_memories += 1;
                done.mentor_entries += memory.entries.len();
                expiry_lost += lost_expiry(memory, &page.results);
            }
            Err(e) => return Err((done, StoreKind::Mentor, e)),
        }
    }
    for memory in &backup.course {
        match client
            .create_course_memory(org, user, &CourseMemoryWrite::recreate(memory))
            .await
        {
            Ok(created) => done.course.push(created),
            Err(e) => return Err((done, StoreKind::Course, e)),
        }
    }
    done.not_restored = not_restored(backup, expiry_lost);
    Ok(done)
}

/// The unique ids of every entry of `memories`.
fn entry_ids(memories: &[MentorMemory]) -> impl Iterator<Item = &str> {
    memories
        .iter()
        .flat_map(|m| m.entries.iter())
        .filter_map(|e| e.unique_id.as_deref())
}

/// How many of `memory`'s expiry dates the server's answer does not carry (it sets its own,
/// or answered without the memory).
fn lost_expiry(memory: &MentorMemory, answer: &[MentorMemory]) -> usize {
    let created = answer
        .iter()
        .find(|a| a.category == memory.category && a.entries.len() == memory.entries.len());
    memory
        .entries
        .iter()
        .filter(|e| e.expires_at.is_some())
        .filter(|e| {
            let kept = created.and_then(|c| c.entries.iter().find(|a| a.key == e.key));
            kept.is_none_or(|a| a.expires_at != e.expires_at)
        })
        .count()
}

/// What the API cannot bring back, in words for the report.
fn not_restored(backup: &Backup, expiry_lost: usize) -> Vec<String> {
    let mut notes = Vec::new();
    if !backup.mentor.is_empty() || !backup.course.is_empty() {
        notes.push(
            "ids: the server gives re-created memories, entries and course memories new ids"
                .to_owned(),
        );
    }
    if !backup.mentor.is_empty() {
        notes.push(
            "times: inserted_at and updated_at of mentor memories are the server's".to_owned(),
        );
    }
    if expiry_lost > 0 {
        notes.push(format!(
            "expiry: {expiry_lost} mentor entr{} lost {} expires_at (the server sets it)",
            if expiry_lost == 1 { "y" } else { "ies" },
            if expiry_lost == 1 { "its" } else { "their" },
        ));
    }
    let auto = backup
        .mentor
        .iter()
        .filter(|m| m.is_auto_generated == Some(true))
        .count();
    if auto > 0 {
        notes.push(format!(
            "origin: {auto} mentor memor{} marked auto-generated come back as written by hand",
            if auto == 1 { "y" } else { "ies" }
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn memory(value: serde_json::Value) -> MentorMemory {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn an_expiry_the_answer_lacks_or_changed_is_lost() {
        let backed = memory(json!({"category": "c", "entries": [
            {"key": "a", "value": "1", "expires_at": "2030-01-01T00:00:00Z"},
            {"key": "b", "value": "2", "expires_at": "2031-01-01T00:00:00Z"},
            {"key": "c", "value": "3"}
        ]}));
        let kept = memory(json!({"category": "c", "entries": [
            {"key": "a", "value": "1", "expires_at": "2030-01-01T00:00:00Z"},
            {"key": "b", "value": "2", "expires_at": "2026-02-01T00:00:00Z"},
            {"key": "c", "value": "3", "expires_at": "2026-02-01T00:00:00Z"}
        ]}));
        assert_eq!(lost_expiry(&backed, std::slice::from_ref(&kept)), 1);
        assert_eq!(
            lost_expiry(&backed, &[]),
            2,
            "no answer: every expiry unknown"
        );
        let mut backup = Backup::new(
            "p",
            "https://x.example",
            &OrgScope::new("main"),
            &UserRef::by_name("ann"),
            Vec::new(),
        );
        assert!(
            not_restored(&backup, 0).is_empty(),
            "chat only: nothing to say"
        );
        backup.mentor = vec![backed];
        let notes = not_restored(&backup, 1);
        assert!(notes.iter().any(|n| n.starts_with("ids:")), "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n == "expiry: 1 mentor entry lost its expires_at (the server sets it)"),
            "{notes:?}"
        );
    }
}
