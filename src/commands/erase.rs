//! `memory delete` and `memory restore`: erasing one user's memory, every entry backed up
//! before the request that deletes it, and writing a backup back.

use std::path::Path;

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{confirm_typed, print_json, write_stdout};
use crate::api::UserRef;
use crate::cli::OrgUser;
use crate::ops::{EraseFailure, Erased, RestoreError, RestoreReport, StoreKind};
use crate::store::Action;
use crate::text::{count_noun, sanitize_single_line};

pub async fn delete(ctx: &Ctx, who: &OrgUser, entry: Option<i64>, yes: bool) -> CmdResult {
    ctx.check_writable()?;
    if !yes {
        let what = match entry {
            Some(id) => format!("erase entry {id} of {} in {}", who.user, who.org),
            None => format!("erase all memory of {} in {}", who.user, who.org),
        };
        confirm_typed(&what, &who.user)?;
    }
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let ops = ctx.ops()?;
    let result = match entry {
        Some(id) => ops.erase_entry(&org, &user, id, Action::EntryErase).await,
        None => ops.erase_all(&org, &user, Action::Erase).await,
    };
    let erased = result.map_err(|e| match e.failure {
        EraseFailure::NoSuchEntry { .. } => CmdError::new(Exit::NotFound, e.to_string()),
        _ => CmdError::op("the erase stopped", &e),
    })?;
    report(ctx, who, &erased)?;
    Ok(Exit::Ok)
}

fn report(ctx: &Ctx, who: &OrgUser, erased: &Erased) -> CmdResult<()> {
    if ctx.json {
        let result = if erased.nothing_there() {
            "nothing_there"
        } else {
            "erased"
        };
        return print_json(&json!({
            "user": who.user,
            "result": result,
            "entries": erased.entries,
            "bytes": erased.bytes,
            "backup": erased.backup,
        }));
    }
    match &erased.backup {
        None => eprintln!(
            "{} has no memory in {}: nothing to erase",
            who.user, who.org
        ),
        Some(path) => eprintln!(
            "erased {} entr{} ({} bytes), verified gone; backup at {}",
            erased.entries,
            if erased.entries == 1 { "y" } else { "ies" },
            erased.bytes,
            path.display()
        ),
    }
    Ok(())
}

pub async fn restore(ctx: &Ctx, path: &Path) -> CmdResult {
    ctx.check_writable()?;
    let report = match ctx.ops()?.restore(path, None).await {
        Ok(report) => report,
        Err(e) => {
            // A restore that stopped midway still says what it wrote before the error.
            if let RestoreError::StorePartial { report, .. }
            | RestoreError::StoreProgress { report, .. }
            | RestoreError::StoreUnsure { report, .. }
            | RestoreError::Mark { report, .. } = &e
            {
                print_restore(ctx, report, false)?;
            }
            return Err(match e {
                RestoreError::Backup(_) => CmdError::usage(e.to_string()),
                _ => CmdError::op("restore", &e),
            });
        }
    };
    print_restore(ctx, &report, true)?;
    Ok(Exit::Ok)
}

/// Per store, what was written back; then what the API could not bring back.
fn print_restore(ctx: &Ctx, report: &RestoreReport, finished: bool) -> CmdResult<()> {
    if ctx.json {
        return print_json(&json!({
            "user": report.user.username,
            "org": report.org.key,
            "created": report.created,
            "skipped_null": report.skipped_null,
            // One row per store the backup holds, as a forget's report has.
            "stores": report.stores.iter().map(|store| match store {
                StoreKind::Chat => json!({
                    "store": "chat",
                    "restored": report.created.len(),
                    "written_earlier": report.earlier.chat,
                    "skipped_null": report.skipped_null,
                }),
                StoreKind::Mentor => json!({
                    "store": "mentor",
                    "memories": report.mentor_memories,
                    "entries": report.mentor_entries,
                    "written_earlier": report.earlier.mentor,
                }),
                StoreKind::Course => json!({
                    "store": "course",
                    "restored": report.course_created.len(),
                    "memories": report.course_created,
                    "written_earlier": report.earlier.course,
                }),
            }).collect::<Vec<_>>(),
            // False when the restore stopped partway (the error follows on stderr).
            "finished": finished,
            "not_restored": report.not_restored,
        }));
    }
    // Only the stores the backup holds: a chat backup says nothing of mentor or course.
    let earlier = |n: usize| match n {
        0 => String::new(),
        n => format!(", {n} more by an earlier, stopped run of this restore"),
    };
    let mut text = String::new();
    for store in &report.stores {
        let line = match store {
            StoreKind::Chat => {
                let mut line = format!(
                    "chat: {} restored{}",
                    count_noun(report.created.len(), "entry", "entries"),
                    earlier(report.earlier.chat)
                );
                if !report.skipped_null.is_empty() {
                    line.push_str(&format!(
                        " ({} had no content to write back)",
                        count_noun(report.skipped_null.len(), "entry", "entries")
                    ));
                }
                line
            }
            StoreKind::Mentor => format!(
                "mentor: {} ({}) re-created{}",
                count_noun(report.mentor_memories, "memory", "memories"),
                count_noun(report.mentor_entries, "entry", "entries"),
                earlier(report.earlier.mentor)
            ),
            StoreKind::Course => format!(
                "course: {} restored{}",
                count_noun(report.course_created.len(), "memory", "memories"),
                earlier(report.earlier.course)
            ),
        };
        text.push_str(&line);
        text.push('\n');
    }
    for gap in &report.not_restored {
        text.push_str(&format!("not restored: {}\n", sanitize_single_line(gap)));
    }
    write_stdout(text.as_bytes())?;
    // A restore that stopped says so in its error; "restored …" would read as done.
    if finished {
        eprintln!(
            "{} in {}",
            sanitize_single_line(&report.summary()),
            sanitize_single_line(&report.org.key)
        );
    }
    Ok(())
}
