//! `purge --dry-run`: what would be erased and how much, per store, with reads only.

use futures::StreamExt;
use serde::Serialize;

use super::context::Ctx;
use super::exit::{CmdResult, Exit};
use super::output::{print_json, write_stdout};
use super::stores_read::{self, Status, UserStores, store_word};
use crate::api::{OrgScope, UserRef};
use crate::cli::StoreName;
use crate::text::{count_noun, sanitize_line, sanitize_single_line};

#[derive(Debug, Serialize)]
struct Row {
    user: String,
    /// Entries the read showed.
    entries: usize,
    bytes: u64,
    /// `false` when the server shows one entry at a time: there may be more, and the
    /// erase backs each up as it finds it.
    complete: bool,
    /// Mentor memories and their entries, when the mentor store was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    mentor_memories: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mentor_entries: Option<usize>,
    /// Course memories (catalog items), when the course store was chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    course_memories: Option<usize>,
    /// Stores that answered 404 or 405 for this user (read as empty), with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unavailable: Vec<Gap>,
}

#[derive(Debug, Serialize)]
struct Gap {
    store: &'static str,
    reason: String,
}

#[derive(Debug, Serialize)]
struct Failure {
    user: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct DryRun {
    dry_run: bool,
    org: String,
    /// The stores the purge would erase.
    stores: Vec<&'static str>,
    would_erase: usize,
    /// Bytes of chat memory.
    total_bytes: u64,
    mentor_memories: usize,
    mentor_entries: usize,
    course_memories: usize,
    /// Every count is exact; else some are "at least".
    complete: bool,
    empty: usize,
    failed: usize,
    users: Vec<Row>,
    failures: Vec<Failure>,
}

pub async fn run(
    ctx: &Ctx,
    org: &OrgScope,
    users: Vec<String>,
    concurrency: usize,
    stores: &[StoreName],
) -> CmdResult {
    let client = &ctx.client;
    let results: Vec<_> = futures::stream::iter(users)
        .map(|user| async move {
            let got =
                stores_read::read(client, org, &UserRef::by_name(&user), stores, Status::Skip)
                    .await;
            (user, got)
        })
        .buffered(concurrency)
        .collect()
        .await;
    let mut out = DryRun {
        dry_run: true,
        org: org.key.clone(),
        stores: stores.iter().map(|&s| store_word(s)).collect(),
        would_erase: 0,
        total_bytes: 0,
        mentor_memories: 0,
        mentor_entries: 0,
        course_memories: 0,
        complete: true,
        empty: 0,
        failed: 0,
        users: Vec::new(),
        failures: Vec::new(),
    };
    for (user, got) in results {
        match got {
            Ok(got) if !got.any_items() => out.empty += 1,
            Ok(got) => {
                let row = row(user, &got);
                out.total_bytes += row.bytes;
                out.complete &= row.complete;
                out.mentor_memories += row.mentor_memories.unwrap_or(0);
                out.mentor_entries += row.mentor_entries.unwrap_or(0);
                out.course_memories += row.course_memories.unwrap_or(0);
                out.users.push(row);
            }
            Err(e) => out.failures.push(Failure {
                user,
                reason: format!("{} memory: {}", store_word(e.store), e.error),
            }),
        }
    }
    out.would_erase = out.users.len();
    out.failed = out.failures.len();
    if ctx.json {
        print_json(&out)?;
    } else {
        let mut text = String::new();
        let chat = stores.contains(&StoreName::Chat);
        for r in &out.users {
            text.push_str(&row_text(r, chat));
        }
        write_stdout(text.as_bytes())?;
        for f in &out.failures {
            eprintln!("cannot read {}: {}", sanitize_line(&f.user), f.reason);
        }
        let at_least = if out.complete { "" } else { "at least " };
        eprintln!(
            "dry run: would erase {} users ({at_least}{} bytes of chat memory{}) in {}; {} have no memory; {} could not be read; nothing was sent but reads",
            out.would_erase,
            out.total_bytes,
            other_stores_total(&out),
            out.org,
            out.empty,
            out.failed
        );
        if !out.complete {
            eprintln!(
                "the server shows one memory entry at a time: counts marked + are what it showed, and the erase backs up each entry it finds"
            );
        }
    }
    Ok(if out.failed > 0 {
        Exit::Partial
    } else {
        Exit::Ok
    })
}

/// What one user holds in each chosen store.
fn row(user: String, got: &UserStores) -> Row {
    let (entries, bytes, complete) = match &got.chat {
        Some(chat) => (
            chat.read.entries.len(),
            chat.read
                .entries
                .iter()
                .map(|e| e.text().len() as u64)
                .sum(),
            chat.read.complete || chat.read.entries.is_empty(),
        ),
        None => (0, 0, true),
    };
    let mut unavailable = Vec::new();
    let mentor = got.mentor.as_ref().map(|read| {
        if let Some(gap) = read.gap() {
            unavailable.push(Gap {
                store: "mentor",
                reason: gap.to_string(),
            });
        }
        read.items()
            .map_or((0, 0), |l| (l.memories.len(), l.entries().count()))
    });
    let course = got.course.as_ref().map(|read| {
        if let Some(gap) = read.gap() {
            unavailable.push(Gap {
                store: "course",
                reason: gap.to_string(),
            });
        }
        read.items().map_or(0, Vec::len)
    });
    Row {
        user,
        entries,
        bytes,
        complete,
        mentor_memories: mentor.map(|m| m.0),
        mentor_entries: mentor.map(|m| m.1),
        course_memories: course,
        unavailable,
    }
}

/// "alice\t1 entry\t14 bytes\t2 mentor memories (3 entries)\t1 course memory".
fn row_text(r: &Row, chat: bool) -> String {
    let more = if r.complete { "" } else { "+" };
    let mut line = sanitize_line(&r.user).into_owned();
    if chat {
        // "1+ entries": one shown, maybe more; "1 entry": exactly one.
        let noun = if r.entries == 1 && r.complete {
            "entry"
        } else {
            "entries"
        };
        line.push_str(&format!(
            "\t{}{more} {noun}\t{}{more} bytes",
            r.entries, r.bytes
        ));
    }
    if let (Some(m), Some(e)) = (r.mentor_memories, r.mentor_entries) {
        line.push_str(&format!(
            "\t{} ({})",
            count_noun(m, "mentor memory", "mentor memories"),
            count_noun(e, "entry", "entries")
        ));
    }
    if let Some(c) = r.course_memories {
        line.push_str(&format!(
            "\t{}",
            count_noun(c, "course memory", "course memories")
        ));
    }
    for gap in &r.unavailable {
        line.push_str(&format!(
            "\t{} unavailable: {}",
            gap.store,
            sanitize_single_line(&gap.reason)
        ));
    }
    line.push('\n');
    line
}

/// ", 3 mentor memories (5 entries), 2 course memories" for the stores chosen.
fn other_stores_total(out: &DryRun) -> String {
    let mut text = String::new();
    if out.stores.contains(&"mentor") {
        text.push_str(&format!(
            ", {} ({})",
            count_noun(out.mentor_memories, "mentor memory", "mentor memories"),
            count_noun(out.mentor_entries, "entry", "entries")
        ));
    }
    if out.stores.contains(&"course") {
        text.push_str(&format!(
            ", {}",
            count_noun(out.course_memories, "course memory", "course memories")
        ));
    }
    text
}
