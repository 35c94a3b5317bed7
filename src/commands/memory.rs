//! `memory get|create|update|enable|disable`: one user's memory, each change audited.

use std::io::{IsTerminal, Read};

use serde_json::json;

use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{print_json, write_stdout};
use super::task;
use crate::api::{MemoryRead, MemoryWrite, UserRef};
use crate::cli::{ContentArgs, MemoryCommand, OrgUser, StoreChoice};

pub async fn run(ctx: &Ctx, cmd: &MemoryCommand) -> CmdResult {
    match cmd {
        MemoryCommand::Get {
            who,
            store: StoreChoice::Chat,
        } => get(ctx, who).await,
        MemoryCommand::Get { who, store } => super::memory_get::run(ctx, who, *store).await,
        MemoryCommand::Create { who, content } => create(ctx, who, content).await,
        MemoryCommand::Update {
            who,
            entry,
            content,
            wait,
            poll,
        } => update(ctx, who, *entry, content, *wait, poll.poll_ms).await,
        MemoryCommand::Delete {
            who,
            store,
            entry,
            category,
            yes,
        } => {
            super::store_erase::delete(
                ctx,
                who,
                *store,
                entry.as_deref(),
                category.as_deref(),
                *yes,
            )
            .await
        }
        MemoryCommand::Enable(who) => toggle(ctx, who, true).await,
        MemoryCommand::Disable(who) => toggle(ctx, who, false).await,
        MemoryCommand::Restore { backup } => super::erase::restore(ctx, backup).await,
    }
}

async fn get(ctx: &Ctx, who: &OrgUser) -> CmdResult {
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let (read, status) = tokio::join!(
        ctx.client.read_memory(&org, &user),
        ctx.client.memory_status(&org, &user)
    );
    let read = read.map_err(|e| CmdError::api("cannot read the memory", &e))?;
    // The status is worth saying, not worth failing the read for.
    let enabled = status.ok().map(|s| s.enabled);
    if ctx.json {
        print_json(&json!({
            "entries": read.entries,
            "enabled": enabled,
            "complete": read.complete,
        }))?;
    } else {
        // The content exactly as stored, so scripts diff and back it up byte for byte; but a
        // terminal would act on escape sequences in it, so there it is shown escaped.
        let texts: Vec<&str> = read.entries.iter().map(|e| e.text()).collect();
        if std::io::stdout().is_terminal() {
            // Several entries get a line each naming them, so a reader sees where one ends.
            let shown: Vec<String> = read
                .entries
                .iter()
                .map(|e| {
                    let text = crate::text::sanitize_line(e.text()).into_owned();
                    if read.entries.len() > 1 {
                        format!("── entry {} ──\n{text}", e.id)
                    } else {
                        text
                    }
                })
                .collect();
            write_stdout(shown.join("\n").as_bytes())?;
        } else {
            write_stdout(texts.join("\n").as_bytes())?;
        }
        eprintln!("{}", describe(&who.user, &who.org, &read, enabled));
    }
    if read.entries.is_empty() {
        return Ok(Exit::NotFound);
    }
    Ok(Exit::Ok)
}

/// "alice in main: 3 entries (101, 102, 103); memory is on" and what a partial read means.
pub(super) fn describe(user: &str, org: &str, read: &MemoryRead, enabled: Option<bool>) -> String {
    let n = read.entries.len();
    let ids: Vec<String> = read.entries.iter().map(|e| e.id.to_string()).collect();
    let entries = match n {
        0 => "no memory".to_owned(),
        1 => format!("1 entry ({})", ids.join(", ")),
        _ => format!("{n} entries ({})", ids.join(", ")),
    };
    let status = match enabled {
        Some(true) => "memory is on",
        Some(false) => "memory is off",
        None => "memory on/off unknown",
    };
    let partial = if !read.complete && n > 0 {
        "; the server shows one entry at a time, so there may be more"
    } else {
        ""
    };
    format!(
        "{} in {}: {entries}; {status}{partial}",
        crate::text::sanitize_line(user),
        crate::text::sanitize_line(org)
    )
}

/// The new content: `--content`, else the file, else all of stdin.
fn read_content(args: &ContentArgs) -> CmdResult<String> {
    if let Some(text) = &args.content {
        return Ok(text.clone());
    }
    if let Some(path) = &args.file {
        return std::fs::read_to_string(path)
            .map_err(|e| CmdError::usage(format!("cannot read {}: {e}", path.display())));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CmdError::usage(format!("cannot read the content from stdin: {e}")))?;
    Ok(text)
}

async fn create(ctx: &Ctx, who: &OrgUser, content: &ContentArgs) -> CmdResult {
    ctx.check_writable()?;
    let write = MemoryWrite::new(read_content(content)?);
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let created = ctx
        .ops()?
        .create_unchecked(&org, &user, &write)
        .await
        .map_err(|e| CmdError::op("cannot create the memory", &e))?;
    if ctx.json {
        print_json(&created)?;
    } else {
        eprintln!("created entry {} for {}", created.id, who.user);
    }
    Ok(Exit::Ok)
}

async fn update(
    ctx: &Ctx,
    who: &OrgUser,
    entry: Option<i64>,
    content: &ContentArgs,
    wait: bool,
    poll_ms: u64,
) -> CmdResult {
    ctx.check_writable()?;
    let write = MemoryWrite::new(read_content(content)?);
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let ops = ctx.ops()?;
    if let Some(id) = entry {
        let updated = ops
            .update_entry(&org, &user, id, None, &write)
            .await
            .map_err(|e| CmdError::op("cannot update the entry", &e))?;
        if ctx.json {
            print_json(&updated)?;
        } else {
            eprintln!("updated entry {} of {}", updated.id, who.user);
        }
        return Ok(Exit::Ok);
    }
    let queued = ops
        .replace(&org, &user, None, &write)
        .await
        .map_err(|e| CmdError::op("cannot update the memory", &e))?;
    if !wait {
        if ctx.json {
            print_json(&json!({ "task_id": queued.task_id, "message": queued.message }))?;
        } else {
            write_stdout(format!("{}\n", queued.task_id).as_bytes())?;
            eprintln!(
                "update queued; follow it with: memory-console task --org {} --user {} {} --wait",
                who.org, who.user, queued.task_id
            );
        }
        return Ok(Exit::Ok);
    }
    let state = task::wait(ctx, &org, &user, &queued.task_id, poll_ms).await?;
    task::report(ctx, &queued.task_id, &state)?;
    Ok(task::exit_for(true, &state))
}

async fn toggle(ctx: &Ctx, who: &OrgUser, enabled: bool) -> CmdResult {
    ctx.check_writable()?;
    let (org, user) = (ctx.org(&who.org), UserRef::by_name(&who.user));
    let status = ctx
        .ops()?
        .set_enabled(&org, &user, enabled)
        .await
        .map_err(|e| CmdError::op("cannot switch memory", &e))?;
    if ctx.json {
        print_json(&status)?;
    } else {
        eprintln!(
            "memory is {} for {}",
            if status.enabled { "on" } else { "off" },
            who.user
        );
    }
    Ok(Exit::Ok)
}
