//! `memory get|create|update|enable|disable`: one user's memory, each change audited.

use std::io::Read;

use serde_json::json;

use super::audited::audited;
use super::context::Ctx;
use super::exit::{CmdError, CmdResult, Exit};
use super::output::{print_json, write_stdout};
use super::task;
use crate::api::{MemoryWrite, UserRef};
use crate::cli::{ContentArgs, MemoryCommand, OrgUser};
use crate::store::{Action, Outcome, Target};

pub async fn run(ctx: &Ctx, cmd: &MemoryCommand) -> CmdResult {
    match cmd {
        MemoryCommand::Get(who) => get(ctx, who).await,
        MemoryCommand::Create { who, content } => create(ctx, who, content).await,
        MemoryCommand::Update {
            who,
            entry,
            content,
            wait,
            poll,
        } => update(ctx, who, *entry, content, *wait, poll.poll_ms).await,
        MemoryCommand::Delete { who, entry, yes } => {
            super::erase::delete(ctx, who, *entry, *yes).await
        }
        MemoryCommand::Enable(who) => toggle(ctx, who, true).await,
        MemoryCommand::Disable(who) => toggle(ctx, who, false).await,
        MemoryCommand::Restore { backup } => super::erase::restore(ctx, backup).await,
    }
}

async fn get(ctx: &Ctx, who: &OrgUser) -> CmdResult {
    let org = ctx.org(&who.org);
    let entries = ctx
        .client
        .get_memory(&org, &UserRef::by_name(&who.user))
        .await
        .map_err(|e| CmdError::api("cannot read the memory", &e))?;
    if ctx.json {
        print_json(&entries)?;
    } else {
        // The content exactly as stored: scripts diff and back it up byte for byte.
        let texts: Vec<&str> = entries.iter().map(|e| e.text()).collect();
        write_stdout(texts.join("\n").as_bytes())?;
    }
    if entries.is_empty() {
        eprintln!("{} has no memory in {}", who.user, who.org);
        return Ok(Exit::NotFound);
    }
    Ok(Exit::Ok)
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
    let log = ctx.audit_log()?;
    let request = ctx.client.create_memory(&org, &user, &write);
    let created = audited(
        ctx,
        &log,
        Action::Create,
        Target::user(&org, &user),
        request,
        |_| Outcome::ok().status(201),
    )
    .await?
    .map_err(|e| CmdError::api("cannot create the memory", &e))?;
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
    let log = ctx.audit_log()?;
    let target = Target::user(&org, &user);
    if let Some(id) = entry {
        let request = ctx.client.update_entry(&org, &user, id, &write);
        let updated = audited(
            ctx,
            &log,
            Action::EntryUpdate,
            target.entry(id),
            request,
            |_| Outcome::ok().status(200),
        )
        .await?
        .map_err(|e| CmdError::api("cannot update the entry", &e))?;
        if ctx.json {
            print_json(&updated)?;
        } else {
            eprintln!("updated entry {} of {}", updated.id, who.user);
        }
        return Ok(Exit::Ok);
    }
    let request = ctx.client.replace_memory(&org, &user, &write);
    let queued = audited(ctx, &log, Action::Update, target, request, |q| {
        Outcome::ok().status(200).task(q.task_id.0.clone())
    })
    .await?
    .map_err(|e| CmdError::api("cannot update the memory", &e))?;
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
    let log = ctx.audit_log()?;
    let action = if enabled {
        Action::Enable
    } else {
        Action::Disable
    };
    let request = ctx.client.set_memory_enabled(&org, &user, enabled);
    let status = audited(
        ctx,
        &log,
        action,
        Target::user(&org, &user),
        request,
        |_| Outcome::ok().status(200),
    )
    .await?
    .map_err(|e| CmdError::api("cannot switch memory", &e))?;
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
