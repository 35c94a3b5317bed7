//! Restoring the stores beside chat memory from a backup: mentor memories re-created through
//! `POST memories/` with their category and entries, course memories through `POST memory/`.
//! Before anything is sent, each store is checked for memory gathered since; afterwards the
//! report says what the API could not bring back (new ids, the server's times and expiry).

use std::path::Path;

use crate::api::{
    ApiClient, ApiError, CourseMemory, CourseMemoryWrite, MentorMemory, MentorMemoryWrite,
    MentorQuery, OrgScope, StoreRead, UserRef,
};
use crate::store::{Backup, StoreError, rewrite_backup};

use super::StoreKind;

/// Why a store refuses a restore, or cannot be checked.
#[derive(Debug)]
pub(in crate::ops) enum Refusal {
    /// The store holds this many items that are neither left by the erase nor new.
    HasMemory(StoreKind, usize),
    Check(StoreKind, ApiError),
}

/// Why re-creating a store's memories stopped.
#[derive(Debug)]
pub(in crate::ops) enum Stop {
    /// The server refused or failed a POST.
    Api(ApiError),
    /// A POST was answered but the backup could not note it, so nothing more was sent.
    Note(StoreError),
    /// A resumed restore cannot tell whether the killed run already wrote this row: the
    /// course read shows one memory, and without a catalog item the server would take a
    /// second copy. Nothing is sent for it.
    Unsure(String),
}

/// What was written to the stores beside chat memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::ops) struct Revived {
    pub mentor_memories: usize,
    pub mentor_entries: usize,
    pub course: Vec<CourseMemory>,
    /// Course memories the server said it already holds: the stopped run wrote them.
    pub course_found: usize,
    pub not_restored: Vec<String>,
}

/// A restore that was killed may have had one POST answered by the server but not noted.
/// On resuming (the backup says a restore started), a mentor memory the server shows that
/// no note or erase accounts for, holding exactly the category and keys and values of a row
/// not yet noted, is that row: it is noted with its entry ids. The same for a course memory
/// with the catalog item, lessons and next steps of a row not yet noted. A noted row that a
/// whole read no longer shows at all (erased since) is forgotten, so it is written again
/// rather than counted as restored.
///
/// `course_in_flight` is the course row the stopped run may have sent last without noting
/// it: rows are written in order (chat, mentor, then course), so it is the first course row
/// not noted, and only when every chat and mentor row was noted.
pub(in crate::ops) async fn adopt_unnoted(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    backup: &mut Backup,
    course_in_flight: Option<usize>,
) -> Result<Resumed, Refusal> {
    let mut resumed = Resumed::default();
    if backup.restore_started_at.is_none() {
        return Ok(resumed);
    }
    let mut changed = false;
    if !backup.mentor.is_empty() {
        let read = client
            .all_mentor_memories(org, user, &MentorQuery::default())
            .await
            .map_err(|e| Refusal::Check(StoreKind::Mentor, e))?;
        let whole = match &read {
            StoreRead::Items(listing) => listing.shortfall() == 0,
            StoreRead::Unavailable(_) => true,
        };
        let shown = read.into_items().memories;
        if whole {
            let before = backup.revived_mentor.len();
            let rows = &backup.mentor;
            backup.revived_mentor.retain(|(row, ids)| {
                let still = |m: &MentorMemory| {
                    if ids.is_empty() {
                        rows.get(*row).is_some_and(|b| same_pairs(b, m))
                    } else {
                        m.entries
                            .iter()
                            .any(|e| e.unique_id.as_ref().is_some_and(|id| ids.contains(id)))
                    }
                };
                shown.iter().any(still)
            });
            changed |= backup.revived_mentor.len() != before;
        }
        for memory in &shown {
            let ids: Vec<String> = memory
                .entries
                .iter()
                .filter_map(|e| e.unique_id.clone())
                .collect();
            let accounted = ids.iter().any(|id| {
                backup.kept_mentor.contains(id)
                    || backup.revived_mentor.iter().any(|(_, r)| r.contains(id))
            });
            if ids.is_empty() || accounted {
                continue;
            }
            let row = backup.mentor.iter().enumerate().position(|(row, b)| {
                !backup.revived_mentor.iter().any(|(r, _)| *r == row) && same_pairs(b, memory)
            });
            if let Some(row) = row {
                backup.revived_mentor.push((row, ids));
                changed = true;
            }
        }
    }
    if !backup.course.is_empty() {
        let (read, whole) = client
            .course_memories_shown(org, user)
            .await
            .map_err(|e| Refusal::Check(StoreKind::Course, e))?;
        resumed.course_in_doubt = course_in_flight.filter(|_| !whole);
        let shown = read.into_items();
        let same = |b: &CourseMemory, m: &CourseMemory| {
            b.catalog_item == m.catalog_item
                && b.lessons == m.lessons
                && b.next_steps == m.next_steps
        };
        if whole {
            let before = backup.revived_course.len();
            let rows = &backup.course;
            // A row noted without an id (the server said it was there) is known by content.
            backup.revived_course.retain(|(row, id)| {
                shown.iter().any(|m| {
                    if id.is_empty() {
                        rows.get(*row).is_some_and(|b| same(b, m))
                    } else {
                        m.id == *id
                    }
                })
            });
            changed |= backup.revived_course.len() != before;
        }
        for memory in &shown {
            let accounted = backup.kept_course.contains(&memory.id)
                || backup.revived_course.iter().any(|(_, id)| *id == memory.id);
            if accounted {
                continue;
            }
            let row = backup.course.iter().enumerate().position(|(row, b)| {
                !backup.revived_course.iter().any(|(r, _)| *r == row) && same(b, memory)
            });
            if let Some(row) = row {
                backup.revived_course.push((row, memory.id.clone()));
                changed = true;
            }
        }
    }
    resumed.changed = changed;
    Ok(resumed)
}

/// What [`adopt_unnoted`] found.
#[derive(Debug, Default)]
pub(in crate::ops) struct Resumed {
    /// The notes changed; the caller writes the backup.
    pub changed: bool,
    /// The course row the stopped run may have written out of sight: the read showed part
    /// of the store.
    pub course_in_doubt: Option<usize>,
}

/// The same category and the same keys with the same values, in any order.
fn same_pairs(a: &MentorMemory, b: &MentorMemory) -> bool {
    let pairs = |m: &MentorMemory| {
        let mut p: Vec<(String, Option<String>)> = m
            .entries
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect();
        p.sort();
        p
    };
    a.category == b.category && pairs(a) == pairs(b)
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
        // What an earlier, stopped restore of this backup wrote is its own, not new memory.
        let revived: Vec<&str> = backup
            .revived_mentor
            .iter()
            .flat_map(|(_, ids)| ids.iter().map(String::as_str))
            .collect();
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
                Some(id) if revived.contains(id) => false,
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
            .filter(|c| !backup.revived_course.iter().any(|(_, id)| *id == c.id))
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

/// Re-creates the backup's mentor memories, then its course memories, skipping those an
/// earlier restore noted and noting each one in the backup at `path` before the next POST
/// (`progress` is the backup as last written). On a stop, what was written so far and the
/// store that stopped.
pub(in crate::ops) async fn write(
    client: &ApiClient,
    org: &OrgScope,
    user: &UserRef,
    path: &Path,
    progress: &mut Backup,
    resumed: &Resumed,
) -> Result<Revived, (Revived, StoreKind, Stop)> {
    let mut done = Revived::default();
    let mut expiry_lost = 0usize;
    let mentor = progress.mentor.clone();
    for (row, memory) in mentor.iter().enumerate() {
        if progress.revived_mentor.iter().any(|(r, _)| *r == row) {
            continue;
        }
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
                let ids = created_entry_ids(memory, &page.results);
                progress.revived_mentor.push((row, ids));
                if let Err(e) = rewrite_backup(path, progress) {
                    return Err((done, StoreKind::Mentor, Stop::Note(e)));
                }
            }
            Err(e) => return Err((done, StoreKind::Mentor, Stop::Api(e))),
        }
    }
    let course = progress.course.clone();
    // Rows this resumed restore could not check: the others still go, then it says so.
    let mut unsure = Vec::new();
    for (row, memory) in course.iter().enumerate() {
        if progress.revived_course.iter().any(|(r, _)| *r == row) {
            continue;
        }
        // Judged on the read before this run wrote anything: its own POSTs would make a
        // one-object read of an empty store look partial.
        let in_doubt = resumed.course_in_doubt == Some(row);
        if in_doubt && memory.catalog_item.is_none() {
            unsure.push(memory.id.clone());
            continue;
        }
        match client
            .create_course_memory(org, user, &CourseMemoryWrite::recreate(memory))
            .await
        {
            Ok(created) => {
                progress.revived_course.push((row, created.id.clone()));
                done.course.push(created);
                if let Err(e) = rewrite_backup(path, progress) {
                    return Err((done, StoreKind::Course, Stop::Note(e)));
                }
            }
            // The published course read shows one memory, so one an earlier, killed run of
            // this restore wrote may be out of sight; the server keeps one memory per
            // catalog item and says so. That row is written: noted (its id unseen), not
            // sent again, and not a reason to stop.
            Err(e) if in_doubt && already_there(&e) => {
                progress.revived_course.push((row, String::new()));
                done.course_found += 1;
                if let Err(e) = rewrite_backup(path, progress) {
                    return Err((done, StoreKind::Course, Stop::Note(e)));
                }
            }
            Err(e) => return Err((done, StoreKind::Course, Stop::Api(e))),
        }
    }
    if !unsure.is_empty() {
        return Err((
            done,
            StoreKind::Course,
            Stop::Unsure(format!(
                "course memory {} of the backup has no catalog item, and the server's read shows one memory, so whether the stopped run already wrote it cannot be checked; nothing was sent for it (the other course memories were). Its content is in this backup",
                unsure.join(", ")
            )),
        ));
    }
    done.not_restored = not_restored(progress, expiry_lost);
    Ok(done)
}

/// The server's answer to a second memory for the same catalog item: "The fields student,
/// platform, catalog_item must make a unique set."
fn already_there(e: &ApiError) -> bool {
    matches!(e, ApiError::Validation { status: 400, .. })
        && e.to_string().contains("must make a unique set")
}

/// The unique ids the server gave the entries of the memory it re-created from `memory`
/// (the answer's memory of the same category and entry count); none when it is not there,
/// which leaves a resumed restore to refuse those entries as memory gathered since.
fn created_entry_ids(memory: &MentorMemory, answer: &[MentorMemory]) -> Vec<String> {
    answered_as(memory, answer)
        .map(|a| {
            a.entries
                .iter()
                .filter_map(|e| e.unique_id.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The memory of a POST's answer that re-created `memory`: the same category and as many
/// entries (the answer may hold other memories of the user too).
fn answered_as<'a>(memory: &MentorMemory, answer: &'a [MentorMemory]) -> Option<&'a MentorMemory> {
    answer
        .iter()
        .find(|a| a.category == memory.category && a.entries.len() == memory.entries.len())
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
    let created = answered_as(memory, answer);
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
            "origin: {auto} mentor memor{} marked auto-generated come{} back as written by hand",
            if auto == 1 { "y" } else { "ies" },
            if auto == 1 { "s" } else { "" }
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
