//! The human-readable view of mentor memories and course memory (and chat memory inside
//! `--store all`): a heading per store, mentor entries grouped by category, every piece of
//! server text escaped, since memory is written by users and models.

use std::collections::BTreeMap;

use crate::api::{CourseMemory, MentorEntry, MentorListing, StoreRead};
use crate::text::{count_noun, sanitize_line, sanitize_single_line};

use super::stores_read::ChatRead;

/// "alice in main", escaped.
pub fn whose(user: &str, org: &str) -> String {
    format!(
        "{} in {}",
        sanitize_single_line(user),
        sanitize_single_line(org)
    )
}

/// The one-line summary of a mentor read: what it holds, or why it reads as empty.
pub fn mentor_summary(read: &StoreRead<MentorListing>) -> String {
    match read {
        StoreRead::Unavailable(gap) => format!(
            "unavailable, read as empty: {}",
            sanitize_single_line(&gap.to_string())
        ),
        StoreRead::Items(listing) if listing.memories.is_empty() => "none".to_owned(),
        StoreRead::Items(listing) => {
            let entries = listing.entries().count();
            let categories = group(listing).len();
            let short = match listing.shortfall() {
                0 => String::new(),
                n => format!(
                    "; the server counts {} its pages did not hold",
                    count_noun(n as usize, "more memory", "more memories")
                ),
            };
            format!(
                "{}, {} in {}{short}",
                count_noun(listing.memories.len(), "memory", "memories"),
                count_noun(entries, "entry", "entries"),
                count_noun(categories, "category", "categories"),
            )
        }
    }
}

/// The one-line summary of a course-memory read.
pub fn course_summary(read: &StoreRead<Vec<CourseMemory>>) -> String {
    match read {
        StoreRead::Unavailable(gap) => format!(
            "none, or unavailable: {}",
            sanitize_single_line(&gap.to_string())
        ),
        StoreRead::Items(items) if items.is_empty() => "none".to_owned(),
        StoreRead::Items(items) => count_noun(items.len(), "catalog item", "catalog items"),
    }
}

/// Entries by category (alphabetical; "(no category)" for entries without one), each
/// category's entries in the order the server listed them.
fn group(listing: &MentorListing) -> BTreeMap<String, Vec<&MentorEntry>> {
    let mut groups: BTreeMap<String, Vec<&MentorEntry>> = BTreeMap::new();
    for (memory, entry) in listing.entries() {
        let category = entry
            .category
            .as_deref()
            .or(memory.category.as_deref())
            .filter(|c| !c.is_empty())
            .unwrap_or("(no category)");
        groups.entry(category.to_owned()).or_default().push(entry);
    }
    groups
}

/// Mentor entries grouped by category: "category (N entries)", then per entry
/// "  key = value" and "    updated ..., expires ..., id ...". Values are one line each
/// (a line break shows as `\n`).
pub fn mentor_body(listing: &MentorListing) -> String {
    let mut out = String::new();
    for (category, entries) in group(listing) {
        out.push_str(&format!(
            "{} ({})\n",
            sanitize_single_line(&category),
            count_noun(entries.len(), "entry", "entries")
        ));
        for e in entries {
            let value = e
                .value
                .as_deref()
                .map_or_else(|| "(no value)".into(), sanitize_single_line);
            out.push_str(&format!("  {} = {value}\n", sanitize_single_line(&e.key)));
            let updated = e
                .updated_at
                .as_deref()
                .or(e.inserted_at.as_deref())
                .unwrap_or("unknown");
            let expires = e.expires_at.as_deref().unwrap_or("never");
            let id = e.unique_id.as_deref().unwrap_or("none");
            out.push_str(&format!(
                "    updated {}, expires {}, id {}\n",
                sanitize_single_line(updated),
                sanitize_single_line(expires),
                sanitize_single_line(id)
            ));
        }
    }
    // A memory with no entries still exists (and a forget erases it): say so.
    let empty = listing
        .memories
        .iter()
        .filter(|m| m.entries.is_empty())
        .count();
    if empty > 0 {
        out.push_str(&format!(
            "({} without entries)\n",
            count_noun(empty, "memory", "memories")
        ));
    }
    out
}

/// Per catalog item: its id and memory id, then lessons and next steps as compact JSON.
pub fn course_body(items: &[CourseMemory]) -> String {
    let mut out = String::new();
    for m in items {
        let item = m.catalog_item.as_deref().unwrap_or("(no catalog item)");
        out.push_str(&format!(
            "catalog item {} (memory {})\n",
            sanitize_single_line(item),
            sanitize_single_line(&m.id)
        ));
        for (label, value) in [("lessons", &m.lessons), ("next steps", &m.next_steps)] {
            // serde_json escapes control characters but not bidi or invisible ones.
            let text = serde_json::to_string(value).unwrap_or_default();
            out.push_str(&format!("  {label}: {}\n", sanitize_single_line(&text)));
        }
    }
    out
}

/// Chat memory inside a document of every store: the entries' text escaped (the exact
/// bytes are what `--store chat` prints), one "entry ID" heading per entry.
pub fn chat_body(chat: &ChatRead) -> String {
    let mut out = String::new();
    for e in &chat.read.entries {
        out.push_str(&format!("entry {}\n", e.id));
        let text = sanitize_line(e.text());
        for line in text.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}
